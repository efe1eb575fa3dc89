//! The administration page of webhooks (issue 15): the endpoints (added with their secret shown
//! once, paused, resumed, failed deliveries sent again, deleted), the outbox's counts and latest
//! rows, and the inbound e-mail sources. Changes go through the store with the caller's audit
//! event, as the API's; the gate checked the form's CSRF token.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::html;
use vigie_core::webhooks::WebhookEvent;
use vigie_store::{DeliveryStatus, OutboxQuery, StoreError};

use crate::AppState;
use crate::admin_ui::admin_page;
use crate::error::ApiError;
use crate::html::components::{Field, Flash, confirm_form, empty, facts, flash, step_form, table};
use crate::html::{Ui, UiError, W, when};
use crate::webhooks_api::{WebhookInput, parse_webhook};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/webhooks", get(webhooks_page).post(add_webhook))
        .route("/admin/webhooks/{id}/{step}", post(webhook_step))
        .route("/admin/inbound-sources", post(add_source))
        .route("/admin/inbound-sources/{name}/remove", post(remove_source))
}

const PATH: &str = "/admin/webhooks";

/// What the page says above its lists.
enum Note {
    Done(Option<W>),
    Created {
        what: W,
        secret: String,
        path: Option<String>,
    },
    Refused {
        field: Option<String>,
        text: String,
    },
}

/// The endpoint form as typed.
#[derive(Default)]
struct Typed {
    name: String,
    url: String,
    events: Vec<String>,
}

fn status_word(s: DeliveryStatus) -> W {
    match s {
        DeliveryStatus::Pending => W::WhPending,
        DeliveryStatus::Delivered => W::WhDelivered,
        DeliveryStatus::Failed => W::WhFailed,
    }
}

async fn webhooks_page(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let done = match ui.params.done.as_deref() {
        Some("paused") => Some(W::WhPausedDone),
        Some("resumed") => Some(W::WhResumedDone),
        Some("retried") => Some(W::WhRequeued),
        Some("deleted") => Some(W::WhDeletedDone),
        Some("source-removed") => Some(W::WhSourceRemoved),
        _ => None,
    };
    render(
        &state,
        &ui,
        StatusCode::OK,
        Note::Done(done),
        &Typed::default(),
    )
    .await
}

async fn render(
    state: &AppState,
    ui: &Ui,
    status: StatusCode,
    note: Note,
    typed: &Typed,
) -> Result<Response, UiError> {
    let store = state.store();
    let hooks = store.webhooks(ui.org.id).await?;
    let counts = store.outbox_counts(ui.org.id).await?;
    let recent = store
        .outbox(
            ui.org.id,
            &OutboxQuery {
                limit: 50,
                ..OutboxQuery::default()
            },
        )
        .await?;
    let sources = store.inbound_sources(ui.org.id).await?;
    let csrf = ui.csrf();
    let error_on = |name: &str| match &note {
        Note::Refused {
            field: Some(f),
            text,
        } if f.starts_with(name) => Some(text.as_str()),
        _ => None,
    };
    let events_error = error_on("events");
    let hook_heads = [
        ui.t(W::WhName),
        ui.t(W::WhUrl),
        ui.t(W::WhEvents),
        ui.t(W::WhStatus),
        ui.t(W::WhActions),
    ];
    let row_heads = [
        ui.t(W::WhWhen),
        ui.t(W::WhName),
        ui.t(W::WhContact),
        ui.t(W::WhEvent),
        ui.t(W::WhStatus),
        ui.t(W::WhAttempts),
        ui.t(W::WhLastError),
    ];
    let body = html! {
        p.lead { (ui.t(W::WhIntro)) }
        @match &note {
            Note::Done(Some(w)) => { (flash(Flash::Success, ui.t(*w))) }
            Note::Done(None) => {}
            Note::Created { what, secret, path } => {
                (flash(Flash::Success, ui.t(*what)))
                p.secret { code #webhook-secret { (secret) } }
                @if let Some(p) = path { p { (ui.t(W::WhSourcePath)) (ui.t(W::Colon)) code { (p) } } }
            }
            Note::Refused { field, text } => {
                @if field.is_none() { (flash(Flash::Error, text)) } @else { (flash(Flash::Error, ui.t(W::FormHasErrors))) }
            }
        }
        h2 { (ui.t(W::WhOutbox)) }
        (facts([
            (ui.t(W::WhPending), html! { (counts.pending) }),
            (ui.t(W::WhDelivered), html! { (counts.delivered) }),
            (ui.t(W::WhFailed), html! { (counts.failed) }),
            (ui.t(W::WhOldestPending), html! { (counts.oldest_pending.map(when).unwrap_or_else(|| "—".into())) }),
        ]))
        h2 { (ui.t(W::WhEndpoints)) }
        @if hooks.is_empty() {
            (empty(ui.t(W::WhNone)))
        } @else {
            (table("webhooks", Some(ui.t(W::WhEndpoints)), &hook_heads, html! {
                @for h in &hooks {
                    @let base = ui.link(PATH).seg(&h.id.to_string());
                    tr {
                        th scope="row" { (h.name) }
                        td { code { (h.url) } }
                        td { (h.events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ")) }
                        td { (ui.t(if h.active { W::WhActive } else { W::WhPaused })) }
                        td {
                            @if h.active {
                                (step_form(&base.clone().seg("pause"), csrf, html! {}, ui.t(W::WhPause)))
                            } @else {
                                (step_form(&base.clone().seg("resume"), csrf, html! {}, ui.t(W::WhResume)))
                            }
                            (step_form(&base.clone().seg("retry"), csrf, html! {}, ui.t(W::WhRetry)))
                            (confirm_form(ui.lang, &base.clone().seg("delete"), csrf, ui.t(W::WhDelete), ui.t(W::WhDeleteWarning), html! {}))
                        }
                    }
                }
            }))
        }
        h3 { (ui.t(W::WhCreate)) }
        form.step method="post" action=(ui.link(PATH)) {
            (crate::html::components::csrf_field(csrf))
            (Field { required: true, value: &typed.name, error: error_on("name"), ..Field::text("name", ui.t(W::WhName)) })
            (Field { kind: "url", required: true, value: &typed.url, error: error_on("url"), ..Field::text("url", ui.t(W::WhUrl)) })
            fieldset.scopes aria-describedby=[events_error.map(|_| "f-event-error")] {
                legend { (ui.t(W::WhEvents)) }
                @for e in WebhookEvent::ALL {
                    @let id = format!("f-event-{}", e.as_str().replace(['.', '_'], "-"));
                    div.field.check {
                        input id=(id) type="checkbox" name="event" value=(e.as_str()) checked[typed.events.iter().any(|t| t == e.as_str())];
                        label for=(id) { code { (e.as_str()) } }
                    }
                }
                @if let Some(e) = events_error { p.field-error #f-event-error { (e) } }
            }
            button type="submit" { (ui.t(W::WhCreate)) }
        }
        h2 { (ui.t(W::WhRecent)) }
        @if recent.is_empty() {
            (empty(ui.t(W::WhNoDeliveries)))
        } @else {
            (table("outbox", Some(ui.t(W::WhRecent)), &row_heads, html! {
                @for r in &recent {
                    tr {
                        td { (when(r.payload.recorded_at)) }
                        td { (r.webhook) }
                        th scope="row" { (r.payload.contact_ref) }
                        td { code { (r.payload.event_type) } }
                        td {
                            (ui.t(status_word(r.status)))
                            @if let Some(at) = r.delivered_at { " " (when(at)) }
                            @if let Some(code) = r.http_status { " (HTTP " (code) ")" }
                        }
                        td { (r.attempts) }
                        td { (r.last_error.as_deref().unwrap_or("—")) }
                    }
                }
            }))
        }
        h2 { (ui.t(W::WhInbound)) }
        p { (ui.t(W::WhInboundIntro)) }
        @if sources.is_empty() {
            (empty(ui.t(W::WhNoSources)))
        } @else {
            ul.sources {
                @for s in &sources {
                    li {
                        strong { (s.name) } " — " code { "/inbound/" (ui.org.slug) "/" (s.name) }
                        (confirm_form(ui.lang, &ui.link("/admin/inbound-sources").seg(&s.name).seg("remove"), csrf,
                            ui.t(W::WhRemove), ui.t(W::WhRemoveWarning), html! {}))
                    }
                }
            }
        }
        h3 { (ui.t(W::WhSourceCreate)) }
        (step_form(&ui.link("/admin/inbound-sources"), csrf,
            html! { (Field { required: true, error: error_on("source"), ..Field::text("source", ui.t(W::WhName)) }) },
            ui.t(W::WhSourceCreate)))
    };
    Ok(admin_page(ui, PATH, status, body))
}

/// An API refusal in the page's words.
fn refusal(ui: &Ui, e: &ApiError) -> (Option<String>, String) {
    let w = match (e.code.as_ref(), e.field.as_deref()) {
        ("conflict", _) => Some(W::WhNameTaken),
        (_, Some("url")) => Some(W::WhBadUrl),
        (_, Some(f)) if f.starts_with("events") => Some(W::WhBadEvents),
        (_, Some("name" | "source")) => Some(W::WhBadName),
        _ => None,
    };
    let field = match e.code.as_ref() {
        "conflict" => Some("name".to_owned()),
        _ => e.field.clone(),
    };
    (
        field,
        w.map_or_else(|| e.message.clone(), |w| ui.t(w).to_owned()),
    )
}

async fn add_webhook(
    State(state): State<AppState>,
    ui: Ui,
    pairs: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, UiError> {
    // One `event` field per box ticked: read as pairs, which keep repeated names.
    let mut typed = Typed::default();
    for (k, v) in pairs.map(|f| f.0).unwrap_or_default() {
        match k.as_str() {
            "name" => typed.name = v.trim().to_owned(),
            "url" => typed.url = v.trim().to_owned(),
            "event" => typed.events.push(v),
            _ => {}
        }
    }
    let input = WebhookInput {
        name: typed.name.clone(),
        url: typed.url.clone(),
        events: typed.events.clone(),
    };
    let created = match parse_webhook(&input) {
        Ok(new) => state
            .store()
            .create_webhook(
                ui.org.id,
                &new,
                ui.caller.audit_event("webhook.create", None),
            )
            .await
            .map_err(|e| match e {
                StoreError::Invalid(m) => ApiError::field("invalid_field", "name", m),
                e => e.into(),
            }),
        Err(e) => Err(e),
    };
    match created {
        Ok(c) => {
            let note = Note::Created {
                what: W::WhCreated,
                secret: c.secret,
                path: None,
            };
            render(&state, &ui, StatusCode::CREATED, note, &Typed::default()).await
        }
        Err(e) if e.status.is_client_error() => {
            let (field, text) = refusal(&ui, &e);
            render(&state, &ui, e.status, Note::Refused { field, text }, &typed).await
        }
        Err(e) => Err(ui.error(e)),
    }
}

async fn webhook_step(
    State(state): State<AppState>,
    ui: Ui,
    Path((id, step)): Path<(i64, String)>,
) -> Result<Response, UiError> {
    let store = state.store();
    let org = ui.org.id;
    let done = match step.as_str() {
        "pause" | "resume" => {
            let active = step == "resume";
            let action = if active {
                "webhook.resume"
            } else {
                "webhook.pause"
            };
            store
                .set_webhook_active(org, id, active, ui.caller.audit_event(action, None))
                .await?;
            if active { "resumed" } else { "paused" }
        }
        "retry" => {
            if !store.webhooks(org).await?.iter().any(|w| w.id == id) {
                return Err(ui.error(ApiError::not_found("no such webhook")));
            }
            store
                .retry_outbox(org, id, None, ui.caller.audit_event("webhook.retry", None))
                .await?;
            "retried"
        }
        "delete" => {
            store
                .delete_webhook(org, id, ui.caller.audit_event("webhook.delete", None))
                .await?;
            "deleted"
        }
        _ => return Err(ui.error(ApiError::not_found("no such step"))),
    };
    Ok(Redirect::to(&ui.link(PATH).q("done", done).to_string()).into_response())
}

#[derive(serde::Deserialize)]
struct SourceForm {
    #[serde(default)]
    source: String,
}

async fn add_source(
    State(state): State<AppState>,
    ui: Ui,
    form: Result<Form<SourceForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, UiError> {
    let name = form
        .map(|f| f.0.source)
        .unwrap_or_default()
        .trim()
        .to_owned();
    let created = state
        .store()
        .create_inbound_source(
            ui.org.id,
            &name,
            ui.caller.audit_event("inbound.create", None),
        )
        .await;
    match created {
        Ok(secret) => {
            let path = format!("/inbound/{}/{name}", ui.org.slug);
            let note = Note::Created {
                what: W::WhSourceCreated,
                secret,
                path: Some(path),
            };
            render(&state, &ui, StatusCode::CREATED, note, &Typed::default()).await
        }
        Err(StoreError::Invalid(_)) => {
            let note = Note::Refused {
                field: Some("source".into()),
                text: ui.t(W::WhBadName).to_owned(),
            };
            render(
                &state,
                &ui,
                StatusCode::BAD_REQUEST,
                note,
                &Typed::default(),
            )
            .await
        }
        Err(StoreError::Conflict(_)) => {
            let note = Note::Refused {
                field: Some("source".into()),
                text: ui.t(W::WhNameTaken).to_owned(),
            };
            render(&state, &ui, StatusCode::CONFLICT, note, &Typed::default()).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn remove_source(
    State(state): State<AppState>,
    ui: Ui,
    Path(name): Path<String>,
) -> Result<Response, UiError> {
    state
        .store()
        .delete_inbound_source(
            ui.org.id,
            &name,
            ui.caller.audit_event("inbound.delete", None),
        )
        .await?;
    Ok(Redirect::to(&ui.link(PATH).q("done", "source-removed").to_string()).into_response())
}
