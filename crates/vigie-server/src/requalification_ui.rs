//! Requalification campaigns in the web application (issue 16): the list and the creation form
//! on `/retention` (the form creates through [`crate::retention_requalify::create`], the API's
//! own call), the campaign's page `/retention/requalifications/{id}` (its settings, its progress,
//! what the window's end does, its exports) and the links file
//! (`/retention/requalifications/{id}/links`, the API's download: it marks the people sent).

use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use maud::{Markup, Render, html};
use serde::Deserialize;
use vigie_core::{Channel, Lang, Permission};
use vigie_store::{RequalificationCampaign, RequalificationSelection};

use crate::AppState;
use crate::error::ApiError;
use crate::html::components::{
    Field, Flash, bar_chart, empty, facts, field_error, flash, select, step_form, table,
};
use crate::html::{Label, Section, Ui, UiError, W, page, when};
use crate::retention_requalify::{RequalificationIn, create, links_download, new_requalification};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/retention/requalifications", post(create_campaign))
        .route("/retention/requalifications/{id}", get(campaign_page))
        .route(
            "/retention/requalifications/{id}/links",
            get(download_links),
        )
}

/// The creation form as typed (every field a string, shown again as it was after a refusal).
#[derive(Debug, Deserialize)]
pub(crate) struct CampaignForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    selection: String,
    #[serde(default)]
    within_days: String,
    #[serde(default)]
    window_days: String,
}

impl Default for CampaignForm {
    /// An empty form: e-mail, the prospects whose period ends within 30 days, 30 days to answer.
    fn default() -> Self {
        CampaignForm {
            name: String::new(),
            channel: Channel::Email.as_str().to_owned(),
            selection: "period_ending".to_owned(),
            within_days: "30".to_owned(),
            window_days: vigie_store::DEFAULT_WINDOW_DAYS.to_string(),
        }
    }
}

/// Why the form was refused: the field it names (an input's name), if any, and the message.
#[derive(Debug)]
pub(crate) struct Refusal {
    field: Option<String>,
    message: String,
}

impl Refusal {
    /// The refusal in the reader's language when it names a field of the form.
    fn of(e: ApiError, lang: Lang) -> Refusal {
        let word = match e.field.as_deref() {
            Some("name") => Some(W::RqwErrName),
            Some("channel") => Some(W::RqwErrChannel),
            Some("selection") => Some(W::RqwErrSelection),
            Some("within_days") => Some(W::RqwErrWithinDays),
            Some("window_days") => Some(W::RqwErrWindowDays),
            _ => None,
        };
        match word {
            Some(w) => Refusal {
                field: e.field,
                message: w.t(lang).to_owned(),
            },
            None => Refusal {
                field: None,
                message: e.message,
            },
        }
    }

    fn beside(&self, name: &str) -> Option<&str> {
        (self.field.as_deref() == Some(name)).then_some(self.message.as_str())
    }
}

/// The form's reading: the API's request, so that the API's checks decide.
fn request_of(f: &CampaignForm) -> Result<RequalificationIn, ApiError> {
    let days = |field: &str, text: &str| -> Result<Option<u32>, ApiError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse()
            .map(Some)
            .map_err(|_| ApiError::field("invalid_field", field, "not a whole number of days"))
    };
    let selection = f.selection.trim();
    Ok(RequalificationIn {
        name: f.name.clone(),
        channel: f.channel.trim().to_owned(),
        at: None,
        selection: Some(selection.to_owned()),
        // Read only for the selection that uses it: a leftover in the other is no mistake.
        within_days: match selection {
            "period_ending" => days("within_days", &f.within_days)?,
            _ => None,
        },
        window_days: days("window_days", &f.window_days)?,
    })
}

async fn create_campaign(
    State(state): State<AppState>,
    ui: Ui,
    form: Result<Form<CampaignForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, UiError> {
    let form = form.map(|f| f.0).unwrap_or_default();
    let created = match request_of(&form).and_then(new_requalification) {
        Ok(new) => create(&state, &ui.caller, new).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(c) => Ok(Redirect::to(
            &ui.link("/retention/requalifications")
                .seg(&c.id.to_string())
                .q("done", "created")
                .to_string(),
        )
        .into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let status = e.status;
            let refusal = Refusal::of(e, ui.lang);
            crate::retention_ui::render(&state, &ui, status, None, Some((&form, &refusal))).await
        }
        Err(e) => Err(ui.error(e)),
    }
}

/// The selection in words.
fn selection_text(s: RequalificationSelection, lang: Lang) -> String {
    match (s, lang) {
        (RequalificationSelection::PeriodEnding { within_days }, Lang::Fr) => format!(
            "Prospects dont la durée de conservation se termine dans les {within_days}\u{a0}jours"
        ),
        (RequalificationSelection::PeriodEnding { within_days }, Lang::En) => {
            format!("Prospects whose retention period ends within {within_days} days")
        }
        (RequalificationSelection::WithoutConsentProof, lang) => {
            W::RqwWithoutProof.t(lang).to_owned()
        }
    }
}

/// The section of `/retention`: the campaigns with their progress, each linking to its page,
/// and the creation form for who may create one (`typed`: the form refused, as typed).
pub(crate) fn campaigns_section(
    ui: &Ui,
    campaigns: &[RequalificationCampaign],
    typed: Option<(&CampaignForm, &Refusal)>,
) -> Markup {
    let lang = ui.lang;
    let blank = CampaignForm::default();
    let (values, refusal) = match typed {
        Some((f, r)) => (f, Some(r)),
        None => (&blank, None),
    };
    let beside = |name: &str| refusal.and_then(|r| r.beside(name));
    let channels: Vec<(String, String)> = Channel::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), c.label(lang).to_owned()))
        .collect();
    let period_ending = values.selection != "without_consent_proof";
    html! {
        h2 #requalifications { (ui.t(W::RqCampaigns)) }
        p.hint { (ui.t(W::RqCampaignsIntro)) }
        @if campaigns.is_empty() {
            (empty(ui.t(W::RqNoCampaigns)))
        } @else {
            (table("requalification-campaigns", Some(ui.t(W::RqCampaigns)), &[
                "#", ui.t(W::RqName), ui.t(W::RqChannel), ui.t(W::RqwSelection), ui.t(W::RqwCreated),
                ui.t(W::RqCloses), ui.t(W::RqwSent), ui.t(W::RqConfirmed), ui.t(W::RqRefused),
                ui.t(W::RqSilent), ui.t(W::RqwNotSent),
            ], html! {
                @for c in campaigns {
                    tr {
                        th scope="row" {
                            a href=(ui.link("/retention/requalifications").seg(&c.id.to_string()))
                                title=(ui.t(W::RqwSeeCampaign)) { (c.id) }
                        }
                        td { (c.name) }
                        td { (c.channel.label(lang)) }
                        td { (selection_text(c.selection, lang)) }
                        td { (when(c.created_at)) }
                        td { (when(c.closes_at)) }
                        td { (c.progress.sent) }
                        td { (c.progress.confirmed) }
                        td { (c.progress.refused) }
                        td { (c.progress.silent) }
                        td { (c.progress.not_sent) }
                    }
                }
            }))
        }
        @if ui.caller.may(Permission::RetentionManage) {
            h3 #new-requalification { (ui.t(W::RqwNewCampaign)) }
            @if let Some(r) = refusal.filter(|r| r.field.is_none()) { (flash(Flash::Error, &r.message)) }
            (step_form(&ui.link("/retention/requalifications"), ui.csrf(), html! {
                (Field { required: true, value: &values.name, error: beside("name"),
                    ..Field::text("name", ui.t(W::RqwNameLabel)) }.render())
                (select("channel", ui.t(W::RqChannel), &channels, &values.channel))
                (field_error("channel", beside("channel")))
                fieldset.checks {
                    legend { (ui.t(W::RqwWhoIsAsked)) }
                    div.field.check {
                        input #f-selection-period type="radio" name="selection" value="period_ending" checked[period_ending];
                        label for="f-selection-period" { (ui.t(W::RqwPeriodEndingOption)) }
                    }
                    (Field { kind: "number", value: &values.within_days, error: beside("within_days"),
                        ..Field::text("within_days", ui.t(W::RqwWithinDays)) }.render())
                    div.field.check {
                        input #f-selection-proof type="radio" name="selection" value="without_consent_proof" checked[!period_ending];
                        label for="f-selection-proof" { (ui.t(W::RqwWithoutProofOption)) }
                    }
                    (field_error("selection", beside("selection")))
                }
                (Field { kind: "number", required: true, value: &values.window_days, error: beside("window_days"),
                    ..Field::text("window_days", ui.t(W::RqwWindowDays)) }.render())
            }, ui.t(W::RqwCreate)))
        }
    }
}

async fn campaign_page(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let lang = ui.lang;
    let missing = || {
        ui.error(ApiError::not_found(format!(
            "no requalification campaign {id}"
        )))
    };
    let id: i64 = id.parse().map_err(|_| missing())?;
    let store = state.store();
    let c = store
        .requalification(ui.org.id, id)
        .await
        .map_err(|e| ui.error(e))?
        .ok_or_else(missing)?;
    let exports = store
        .requalification_exports(ui.org.id, id)
        .await
        .map_err(|e| ui.error(e))?;
    let open = c.closes_at > Timestamp::now();
    // The run that erased the people without a yes: the first finished one deciding for the
    // window's end or later (one may have run for a later moment while the window is open).
    let handled = store
        .first_retention_run_since(ui.org.id, c.closes_at)
        .await
        .map_err(|e| ui.error(e))?;
    let p = c.progress;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    let body = html! {
        h1 { (c.name) }
        p { a href=(ui.link("/retention")) { (ui.t(W::RqwBack)) } }
        @if ui.params.done.as_deref() == Some("created") { (flash(Flash::Success, ui.t(W::RqwCreatedFlash))) }
        h2 { (ui.t(W::RqwSettings)) }
        (facts([
            (ui.t(W::RqChannel), html! { (c.channel.label(lang)) }),
            (ui.t(W::RqwSelection), html! { (selection_text(c.selection, lang)) }),
            (ui.t(W::RqwSelectedAt), html! { (when(c.starts_at)) }),
            (ui.t(W::RqCloses), html! { (when(c.closes_at)) }),
            (ui.t(W::RqwCreated), html! { (when(c.created_at)) " — " (c.actor) }),
        ]))
        h2 { (ui.t(W::RqwProgress)) }
        (table("requalification-progress", Some(ui.t(W::RqwProgress)), &[
            ui.t(W::RqAsked), ui.t(W::RqwSent), ui.t(W::RqConfirmed), ui.t(W::RqRefused),
            ui.t(W::RqSilent), ui.t(W::RqwNotSent),
        ], html! {
            tr {
                td { (p.asked) } td { (p.sent) } td { (p.confirmed) } td { (p.refused) }
                td { (p.silent) } td { (p.not_sent) }
            }
        }))
        (bar_chart(lang, ui.t(W::RqwAnswers), &[
            (ui.t(W::RqConfirmed), count(p.confirmed)),
            (ui.t(W::RqRefused), count(p.refused)),
            (ui.t(W::RqSilent), count(p.silent)),
            (ui.t(W::RqwNotSent), count(p.not_sent)),
        ]))
        h2 { (ui.t(W::RqwAfterWindow)) }
        p {
            (ui.t(if open { W::RqwClosesOn } else { W::RqwClosedOn })) " " (when(c.closes_at)) ". "
            (ui.t(W::RqwErasureRule))
        }
        @if let Some(run) = &handled {
            p data-handled-by=(run.id) {
                (ui.t(W::RqwRunNo)) "\u{a0}" (run.id)
                @if let Some(f) = run.finished_at { (ui.t(W::RqwRunFinished)) " " (when(f)) }
                (ui.t(W::RqwRunHandled))
            }
        } @else if !open {
            p.hint { (ui.t(W::RqwNoRunYet)) }
        }
        p { strong { (ui.t(W::RqwNotYes)) (ui.t(W::Colon)) (p.asked - p.confirmed) } }
        h2 { (ui.t(W::RqwExports)) }
        @if ui.caller.may(Permission::RetentionManage) {
            @if open {
                p { a.button download href=(ui.link("/retention/requalifications").seg(&id.to_string()).seg("links")) { (ui.t(W::RqwDownload)) } }
                p.hint { (ui.t(W::RqwDownloadHint)) }
                @if state.public_url().is_none() { p.hint { (ui.t(W::RqwNoPublicUrl)) } }
            } @else {
                p.hint { (ui.t(W::RqwClosedNoDownload)) }
            }
        }
        @if exports.is_empty() {
            (empty(ui.t(W::RqwNoExports)))
        } @else {
            (table("requalification-exports", Some(ui.t(W::RqwExports)), &[
                ui.t(W::RqwExportedAt), ui.t(W::RqwBy), ui.t(W::RqwLinks), ui.t(W::RqwLeftOut),
                ui.t(W::RqwValidUntil),
            ], html! {
                @for e in &exports {
                    tr {
                        th scope="row" { (when(e.exported_at)) }
                        td { (e.actor) }
                        td { (e.links) }
                        td { (e.unreachable) }
                        td { (when(e.expires_at)) }
                    }
                }
            }))
        }
    };
    Ok(page(
        &ui,
        &c.name,
        Some(Section::Retention),
        ui.link("/retention/requalifications").seg(&id.to_string()),
        body,
    ))
}

/// The links file (GET, a download): exported through the API's own function, which marks
/// the people sent and audits it.
async fn download_links(
    State(state): State<AppState>,
    ui: Ui,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let id: i64 = id.parse().map_err(|_| {
        ui.error(ApiError::not_found(format!(
            "no requalification campaign {id}"
        )))
    })?;
    links_download(&state, &ui.caller, &headers, id)
        .await
        .map_err(|e| ui.error(e))
}
