//! The retention page `/retention`: the policies in force (period, what it counts from, legal
//! reference), a form to change one category's period (a new version, audited, through
//! [`crate::retention::change_policies`] as the API's change), what a run now would purge, the
//! runs with their proof, and the requalification campaigns (`requalification_ui.rs`).

use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use maud::{Render, html};
use serde::Deserialize;
use vigie_core::retention::{Anchor, DataCategory};
use vigie_core::{Lang, Permission};
use vigie_store::PurgePlan;

use crate::AppState;
use crate::html::components::{Field, Flash, empty, flash, select, step_form, table};
use crate::html::{Section, Ui, UiError, W, page, when};
use crate::requalification_ui::{CampaignForm, Refusal, campaigns_section};
use crate::retention::{PoliciesInput, PolicyChangeInput, change_policies};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/retention", get(retention_page))
        .route("/retention/policies", post(change))
}

/// Closed requests, screening proofs and audit entries, counted in words.
fn purged(p: &PurgePlan, lang: Lang) -> maud::Markup {
    html! {
        (p.closed_requests) " " (W::RetPurgeClosedRequests.t(lang)) ", "
        (p.screening_proofs) " " (W::RetPurgeScreeningProofs.t(lang)) ", "
        (p.audit_entries) " " (W::RetPurgeAuditEntries.t(lang))
    }
}

fn category_label(c: DataCategory, lang: Lang) -> &'static str {
    let w = match c {
        DataCategory::Prospects => W::RetProspects,
        DataCategory::Customers => W::RetCustomers,
        DataCategory::AccountingArchive => W::RetAccountingArchive,
        DataCategory::ClosedRequests => W::RetClosedRequests,
        DataCategory::ScreeningProofs => W::RetScreeningProofs,
        DataCategory::AuditTrail => W::RetAuditTrail,
    };
    w.t(lang)
}

fn anchor_label(a: Anchor, lang: Lang) -> &'static str {
    let w = match a {
        Anchor::LastSignOfLife => W::RetFromLastSignOfLife,
        Anchor::EndOfRelationship => W::RetFromEndOfRelationship,
        Anchor::EndOfFinancialYear => W::RetFromEndOfFinancialYear,
        Anchor::Closure => W::RetFromClosure,
        Anchor::Recorded => W::RetFromRecording,
    };
    w.t(lang)
}

async fn retention_page(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    render(&state, &ui, StatusCode::OK, None, None).await
}

/// The page; `error`: the policy form's refusal; `campaign_form`: the campaign form refused, as
/// typed.
pub(crate) async fn render(
    state: &AppState,
    ui: &Ui,
    status: StatusCode,
    error: Option<&str>,
    campaign_form: Option<(&CampaignForm, &Refusal)>,
) -> Result<Response, UiError> {
    let lang = ui.lang;
    let store = state.store();
    let policies = store
        .retention_policies(ui.org.id)
        .await
        .map_err(|e| ui.error(e))?;
    let runs = store
        .retention_runs(ui.org.id, 20)
        .await
        .map_err(|e| ui.error(e))?;
    let campaigns = store
        .requalifications(ui.org.id, 20)
        .await
        .map_err(|e| ui.error(e))?;
    // What a run now would purge: a few counts keyed by organization (not the whole plan,
    // whose contact count is the CLI's and the API's).
    let due = store
        .retention_purge_plan(ui.org.id, &policies.cutoffs(Timestamp::now().into()))
        .await
        .map_err(|e| ui.error(e))?;
    let title = ui.t(W::RetentionTitle);
    let may_change = ui.caller.may(Permission::RetentionManage);
    let categories: Vec<(String, String)> = DataCategory::ALL
        .into_iter()
        .map(|c| (c.as_str().to_owned(), category_label(c, lang).to_owned()))
        .collect();
    let version = policies.version.to_string();
    let body = html! {
        h1 { (title) }
        p.hint { (ui.t(W::RetentionIntro)) }
        @if ui.params.done.is_some() { (flash(Flash::Success, ui.t(W::RetPoliciesChanged))) }
        @if let Some(e) = error { (flash(Flash::Error, e)) }
        p { a href=(ui.link("/retention/coverage")) { (ui.t(W::CovSeeReport)) } }
        h2 { (ui.t(W::RetPolicies)) " " span.hint { "(" (ui.t(W::RetVersion)) " " (policies.version) ")" } }
        (table("retention-policies", Some(ui.t(W::RetPolicies)), &[
            ui.t(W::RetCategory), ui.t(W::RetPeriod), ui.t(W::RetCountedFrom), ui.t(W::RetLegalReference),
        ], html! {
            @for p in &policies.policies {
                tr {
                    th scope="row" { (category_label(p.category, lang)) }
                    td { (p.years) " " (ui.t(W::RetYears)) }
                    td { (anchor_label(p.counted_from, lang)) }
                    td { (p.legal_reference) }
                }
            }
        }))
        @if may_change {
            h2 { (ui.t(W::RetChangePolicy)) }
            (step_form(&ui.link("/retention/policies"), ui.csrf(), html! {
                input type="hidden" name="version" value=(version);
                (select("category", ui.t(W::RetCategory), &categories, "prospects"))
                (Field { kind: "number", required: true, ..Field::text("years", ui.t(W::RetPeriodYears)) }.render())
                (Field::text("legal_reference", ui.t(W::RetLegalReferenceOptional)).render())
            }, ui.t(W::RetRecordNewVersion)))
        }
        h2 { (ui.t(W::RetRuns)) }
        p.hint { (ui.t(W::RetRunsIntro)) }
        p id="retention-purge-due" {
            (ui.t(W::RetPurgeDue)) (ui.t(W::Colon))
            (purged(&due, lang))
        }
        p.hint { (ui.t(W::RetPurgeHint)) }
        @if runs.is_empty() {
            (empty(ui.t(W::RetNoRuns)))
        } @else {
            (table("retention-runs", Some(ui.t(W::RetRuns)), &[
                "#", ui.t(W::RetMoment), ui.t(W::RetVersion), ui.t(W::Status), ui.t(W::RetErased),
                ui.t(W::RetArchived), ui.t(W::RetPurged), ui.t(W::RetFinished), ui.t(W::RetProof),
            ], html! {
                @for r in &runs {
                    tr {
                        th scope="row" { (r.id) }
                        td { (r.at) }
                        td { (r.policy_version) }
                        td { @if r.status == "done" { (ui.t(W::RetDone)) } @else { (ui.t(W::RetUnfinished)) } }
                        td { (r.erased) }
                        td { (r.archived) }
                        td { (purged(&r.purged, lang)) }
                        td { @if let Some(f) = r.finished_at { (when(f)) } }
                        td { @if let Some(h) = &r.refs_sha256 { code.digest { (h) } } }
                    }
                }
            }))
        }
        (campaigns_section(ui, &campaigns, campaign_form))
    };
    let mut response = page(
        ui,
        title,
        Some(Section::Retention),
        ui.link("/retention"),
        body,
    );
    *response.status_mut() = status;
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
struct ChangeForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    years: String,
    #[serde(default)]
    legal_reference: String,
}

async fn change(
    State(state): State<AppState>,
    ui: Ui,
    form: Result<Form<ChangeForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, UiError> {
    let form = form.map(|f| f.0).unwrap_or_default();
    let reference = form.legal_reference.trim();
    let input = PoliciesInput {
        version: form.version.trim().parse().unwrap_or(u32::MAX),
        changes: vec![PolicyChangeInput {
            category: form.category.trim().to_owned(),
            // Not a number: refused by the core's range check like any other wrong period.
            years: form.years.trim().parse().unwrap_or(-1),
            legal_reference: (!reference.is_empty()).then(|| reference.to_owned()),
        }],
    };
    match change_policies(&state, &ui.caller, input).await {
        Ok(_) => Ok(
            Redirect::to(&ui.link("/retention").q("done", "policies").to_string()).into_response(),
        ),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            render(&state, &ui, e.status, Some(&e.message), None).await
        }
        Err(e) => Err(ui.error(e)),
    }
}
