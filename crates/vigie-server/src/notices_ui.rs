//! The DPO's page for privacy notices (issue 13): `/registers/notices` lists the versions with
//! their state and the form to write a draft from the register; `/registers/notices/{version}`
//! shows the French and English texts, « Publier » behind a confirmation, and once published
//! the number of people to inform with their list as CSV. The writing, publishing and the CSV
//! are the API's own functions (notices.rs); readers see neither form nor download.

use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::html;
use serde::Deserialize;
use vigie_core::Permission;

use crate::AppState;
use crate::error::ApiError;
use crate::html::components::{Field, Flash, confirm_form, empty, facts, flash, step_form, table};
use crate::html::{Link, Section, Ui, UiError, W, page, when};
use crate::notices::{notice_markup, publish, recipients_download, write_draft};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/registers/notices", get(list).post(generate))
        .route("/registers/notices/{version}", get(version_page))
        .route("/registers/notices/{version}/publish", post(publish_step))
        .route("/registers/notices/{version}/recipients", get(recipients))
}

fn link(ui: &Ui, version: &str) -> Link {
    ui.link("/registers/notices").seg(version)
}

async fn list_page(state: &AppState, ui: &Ui, error: Option<&str>) -> Result<Response, UiError> {
    let store = state.store();
    let notices = store.notices(ui.org.id).await.map_err(|e| ui.error(e))?;
    let mut referenced = Vec::with_capacity(notices.len());
    for n in &notices {
        referenced.push(
            store
                .notice_referenced(ui.org.id, &n.version)
                .await
                .map_err(|e| ui.error(e))?,
        );
    }
    let title = ui.t(W::NpNotices);
    let heads = [
        ui.t(W::RegisterVersion),
        ui.t(W::CreatedAt),
        ui.t(W::Status),
        ui.t(W::NpConsents),
    ];
    let body = html! {
        p { a href=(ui.link("/registers")) { (ui.t(W::AllRegisters)) } }
        h1 { (title) }
        p.hint { (ui.t(W::NpIntro)) }
        @if let Some(e) = error { (flash(Flash::Error, e)) }
        @if notices.is_empty() { (empty(ui.t(W::NpNone))) } @else {
            (table("notices", Some(title), &heads, html! {
                @for (n, named) in notices.iter().zip(&referenced) {
                    tr {
                        th scope="row" { a href=(link(ui, &n.version)) { (n.version) } }
                        td { (when(n.created_at)) }
                        td {
                            @if let Some(at) = n.published_at { (ui.t(W::NpPublishedOn)) " " (when(at)) }
                            @else { (ui.t(W::NpDraft)) }
                        }
                        td { @if *named { (ui.t(W::NpNamed)) } @else { (ui.t(W::NpNotNamed)) } }
                    }
                }
            }))
        }
        @if ui.caller.may(Permission::RegistersWrite) {
            h2 { (ui.t(W::NpGenerate)) }
            (step_form(&ui.link("/registers/notices"), ui.csrf(), html! {
                p.hint { (ui.t(W::NpGenerateHint)) }
                (Field { required: true, ..Field::text("version", ui.t(W::RegisterVersion)) })
            }, ui.t(W::NpGenerate)))
        }
    };
    let mut resp = page(
        ui,
        title,
        Some(Section::Registers),
        ui.link("/registers/notices"),
        body,
    );
    if error.is_some() {
        *resp.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(resp)
}

async fn list(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    list_page(&state, &ui, None).await
}

#[derive(Deserialize)]
struct DraftForm {
    #[serde(default)]
    version: String,
}

async fn generate(
    State(state): State<AppState>,
    ui: Ui,
    Form(form): Form<DraftForm>,
) -> Result<Response, UiError> {
    let version = form.version.trim();
    match write_draft(&state, &ui.caller, version).await {
        Ok(n) => {
            Ok(Redirect::to(&link(&ui, &n.version).q("done", "draft").to_string()).into_response())
        }
        Err(e) => list_page(&state, &ui, Some(&e.message)).await,
    }
}

async fn version_page(
    State(state): State<AppState>,
    ui: Ui,
    Path(version): Path<String>,
) -> Result<Response, UiError> {
    let store = state.store();
    let n = store
        .notice(ui.org.id, &version)
        .await
        .map_err(|e| ui.error(e))?
        .ok_or_else(|| ui.error(ApiError::not_found("no such notice")))?;
    let named = store
        .notice_referenced(ui.org.id, &version)
        .await
        .map_err(|e| ui.error(e))?;
    let may_write = ui.caller.may(Permission::RegistersWrite);
    // The people to inform, counted as the API's publication counts them; for writers only,
    // as their list is.
    let to_inform = match (n.published_at, may_write) {
        (Some(_), true) => Some(
            store
                .contacts_under_other_notices(ui.org.id, &version)
                .await
                .map_err(|e| ui.error(e))?,
        ),
        _ => None,
    };
    let title = format!("{} {}", ui.t(W::PrivacyNotice), n.version);
    let public = format!("/privacy/{}/notice/{}", ui.org.slug, n.version);
    let here = link(&ui, &n.version);
    let body = html! {
        p { a href=(ui.link("/registers/notices")) { (ui.t(W::NpNotices)) } }
        h1 { (title) }
        @match ui.params.done.as_deref() {
            Some("published") => { (flash(Flash::Success, ui.t(W::NpPublishedDone))) }
            Some(_) => { (flash(Flash::Success, ui.t(W::NpDraftDone))) }
            None => {}
        }
        (facts([
            (ui.t(W::CreatedAt), html! { (when(n.created_at)) }),
            (ui.t(W::Status), html! {
                @if let Some(at) = n.published_at { (ui.t(W::NpPublishedOn)) " " (when(at)) }
                @else { (ui.t(W::NpDraft)) }
            }),
            (ui.t(W::NpConsents), html! { @if named { (ui.t(W::NpNamed)) } @else { (ui.t(W::NpNotNamed)) } }),
            (ui.t(W::NpPublicAddress), html! {
                @if n.published_at.is_some() { a href=(public) { (public) } } @else { "—" }
            }),
        ]))
        @if let Some(count) = to_inform {
            h2 { (ui.t(W::NpToInform)) }
            p { strong.np-count { (count) } " " (ui.t(W::NpToInformHint)) }
            p { a href=(here.clone().seg("recipients")) download { (ui.t(W::NpDownload)) } }
        }
        @if may_write && n.published_at.is_none() {
            (confirm_form(ui.lang, &here.clone().seg("publish"), ui.csrf(), ui.t(W::NpPublish), ui.t(W::NpPublishWarning), html! {}))
        }
        section lang="fr" {
            h2 { (ui.t(W::NpTextFr)) }
            div.notice-text { (notice_markup(&n.text_fr, true)) }
        }
        section lang="en" {
            h2 { (ui.t(W::NpTextEn)) }
            div.notice-text { (notice_markup(&n.text_en, true)) }
        }
    };
    Ok(page(&ui, &title, Some(Section::Registers), here, body))
}

async fn publish_step(
    State(state): State<AppState>,
    ui: Ui,
    Path(version): Path<String>,
) -> Result<Response, UiError> {
    publish(&state, &ui.caller, &version)
        .await
        .map_err(|e| ui.error(e))?;
    Ok(Redirect::to(&link(&ui, &version).q("done", "published").to_string()).into_response())
}

async fn recipients(
    State(state): State<AppState>,
    ui: Ui,
    Path(version): Path<String>,
) -> Result<Response, UiError> {
    recipients_download(&state, &ui.caller, &version)
        .await
        .map_err(|e| ui.error(e))
}
