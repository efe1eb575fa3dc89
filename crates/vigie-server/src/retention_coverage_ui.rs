//! The page `/retention/coverage`: the consent coverage report as a table (a row per channel and
//! purpose, a column per category), each number a link to the CSV of its references
//! (`/retention/coverage/list`, the API's download, audited). The report reads the whole base in
//! one pass, so it has its own page rather than slowing `/retention` down.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use maud::html;
use serde::Deserialize;
use vigie_core::{Coverage, Lang};

use crate::AppState;
use crate::html::components::table;
use crate::html::{Label, Section, Ui, UiError, W, page, when};
use crate::retention_coverage::{coverage_download, moment_or_now};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/retention/coverage", get(coverage_page))
        .route("/retention/coverage/list", get(coverage_list))
}

pub(crate) fn coverage_label(c: Coverage, lang: Lang) -> &'static str {
    let w = match c {
        Coverage::Consent => W::CovConsent,
        Coverage::SoftOptIn => W::CovSoftOptIn,
        Coverage::B2bOptOut => W::CovB2bOptOut,
        Coverage::OtherBasis => W::CovOtherBasis,
        Coverage::NoBasis => W::CovNoBasis,
        Coverage::Blocked => W::CovBlocked,
        Coverage::Suppressed => W::CovSuppressed,
        Coverage::OppositionList => W::CovOppositionList,
        Coverage::PastPeriod => W::CovPastPeriod,
        Coverage::NotPersonal => W::CovNotPersonal,
    };
    w.t(lang)
}

async fn coverage_page(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let lang = ui.lang;
    // One moment for the counts and the links: each list is exactly its number.
    let at = moment_or_now(None).map_err(|e| ui.error(e))?;
    let report = state
        .store()
        .coverage(ui.org.id, &at)
        .await
        .map_err(|e| ui.error(e))?;
    let title = ui.t(W::CovTitle);
    let mut heads = vec![ui.t(W::CovChannel), ui.t(W::CovPurpose)];
    heads.extend(Coverage::ALL.iter().map(|c| coverage_label(*c, lang)));
    let body = html! {
        h1 { (title) }
        p.hint { (ui.t(W::CovIntro)) }
        p { (ui.t(W::CovAt)) (ui.t(W::Colon)) (report.at.parse::<jiff::Timestamp>().map_or(report.at.clone(), when)) " — " (ui.t(W::CovContacts)) (ui.t(W::Colon)) (report.contacts) }
        (table("coverage", Some(title), &heads, html! {
            @for cell in &report.cells {
                tr {
                    th scope="row" { (cell.channel.label(lang)) }
                    td { (cell.purpose.label(lang)) }
                    @for (category, n) in cell.counts.iter() {
                        td {
                            @if n == 0 {
                                "0"
                            } @else {
                                a download href=(ui.link("/retention/coverage/list")
                                    .q("at", report.at.clone())
                                    .q("category", category.as_str())
                                    .q("channel", cell.channel.as_str())
                                    .q("purpose", cell.purpose.as_str()))
                                    title=(ui.t(W::CovDownload)) { (n) }
                            }
                        }
                    }
                }
            }
        }))
        p.hint { (ui.t(W::CovNotRead)) }
    };
    Ok(page(
        &ui,
        title,
        Some(Section::Retention),
        ui.link("/retention/coverage"),
        body,
    ))
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    at: Option<String>,
    #[serde(default)]
    category: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    purpose: String,
}

async fn coverage_list(
    State(state): State<AppState>,
    ui: Ui,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, UiError> {
    let q = query.map(|q| q.0).unwrap_or_default();
    let selection = crate::retention_coverage::selection(&q.category, &q.channel, &q.purpose)
        .map_err(|e| ui.error(e))?;
    coverage_download(&state, &ui.caller, q.at, selection)
        .await
        .map_err(|e| ui.error(e))
}
