//! `/api/v1/retention/coverage…`: the consent coverage report (per channel and purpose, how many
//! contacts fall in each category of `vigie_core::Coverage`) and the references behind one of its
//! counts as CSV. The classification is the core's, the one pass the store's
//! (`vigie_store::coverage`); the page `/retention/coverage` shows the same report.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigie_core::spreadsheet::one_column_csv;
use vigie_core::{Channel, Coverage, CoverageCounts, Moment, Purpose, Timestamp};
use vigie_store::{CoverageReport, CoverageSelection};

use crate::AppState;
use crate::api::OrgHeader;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::retention::TAG_RETENTION;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// The moment (RFC 3339 with its offset); now by default.
    #[param(example = "2026-12-05T10:00:00+01:00")]
    pub at: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageListQuery {
    /// The moment (RFC 3339 with its offset); now by default.
    #[param(example = "2026-12-05T10:00:00+01:00")]
    pub at: Option<String>,
    /// The category listed.
    #[param(
        example = "no_basis",
        pattern = "^(consent|soft_opt_in|b2b_opt_out|other_basis|no_basis|blocked|suppressed|opposition_list|past_period|not_personal)$"
    )]
    pub category: String,
    #[param(
        example = "email",
        pattern = "^(email|sms|whatsapp|phone|automated_call|fax|postal)$"
    )]
    pub channel: String,
    #[param(
        example = "marketing",
        pattern = "^(marketing|newsletter|partners|profiling)$"
    )]
    pub purpose: String,
}

/// How many contacts of a cell fall in each category.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageCountsOut {
    /// A grant in the ledger collected in a way that can prove consent.
    pub consent: i64,
    /// No consent; a customer who could object at collection (CPCE L34-5).
    pub soft_opt_in: i64,
    /// No consent; an informed professional who could object.
    pub b2b_opt_out: i64,
    /// An opt-out channel (post, phone where opt-out) or a running contract.
    pub other_basis: i64,
    /// Neither consent nor an exception.
    pub no_basis: i64,
    /// Withdrawn, objected or restricted.
    pub blocked: i64,
    /// The identifier this channel reaches is on the suppression list (for postal mail, any
    /// of the contact's identifiers).
    pub suppressed: i64,
    /// The number is on an opposition list (Bloctel) where the rule pack applies it.
    pub opposition_list: i64,
    /// Past the retention period (prospects: latest sign of life; customers: end of the
    /// relationship).
    pub past_period: i64,
    /// A role address of a company.
    pub not_personal: i64,
}

impl From<CoverageCounts> for CoverageCountsOut {
    fn from(c: CoverageCounts) -> CoverageCountsOut {
        CoverageCountsOut {
            consent: c.get(Coverage::Consent),
            soft_opt_in: c.get(Coverage::SoftOptIn),
            b2b_opt_out: c.get(Coverage::B2bOptOut),
            other_basis: c.get(Coverage::OtherBasis),
            no_basis: c.get(Coverage::NoBasis),
            blocked: c.get(Coverage::Blocked),
            suppressed: c.get(Coverage::Suppressed),
            opposition_list: c.get(Coverage::OppositionList),
            past_period: c.get(Coverage::PastPeriod),
            not_personal: c.get(Coverage::NotPersonal),
        }
    }
}

/// One channel and purpose.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageCellOut {
    #[schema(example = "email")]
    pub channel: String,
    #[schema(example = "marketing")]
    pub purpose: String,
    pub counts: CoverageCountsOut,
}

/// The coverage at a moment.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageOut {
    pub at: String,
    pub policy_version: u32,
    /// Contacts not erased.
    pub contacts: i64,
    /// One cell per channel and purpose.
    pub cells: Vec<CoverageCellOut>,
}

fn coverage_out(r: CoverageReport) -> CoverageOut {
    CoverageOut {
        at: r.at,
        policy_version: r.policy_version,
        contacts: r.contacts,
        cells: r
            .cells
            .into_iter()
            .map(|c| CoverageCellOut {
                channel: c.channel.as_str().to_owned(),
                purpose: c.purpose.as_str().to_owned(),
                counts: c.counts.into(),
            })
            .collect(),
    }
}

/// The moment asked for, or now; checked.
pub(crate) fn moment_or_now(at: Option<String>) -> Result<String, ApiError> {
    let at = at.unwrap_or_else(|| Timestamp::now().to_string());
    Moment::parse(&at).map_err(|e| ApiError::field("invalid_field", "at", e.to_string()))?;
    Ok(at)
}

/// The consent coverage per channel and purpose.
#[utoipa::path(get, path = "/api/v1/retention/coverage", tag = TAG_RETENTION,
    params(OrgHeader, CoverageQuery),
    responses(
        (status = 200, description = "The report", body = CoverageOut),
        (status = 400, description = "`at` is not an RFC 3339 moment", body = ErrorBody),
    ))]
pub async fn get_coverage(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<CoverageQuery>,
) -> ApiResult<Json<CoverageOut>> {
    let at = moment_or_now(q.at)?;
    let report = state.store().coverage(caller.org.id, &at).await?;
    Ok(Json(coverage_out(report)))
}

/// The references behind one count of the report, as CSV (formula-safe); recorded in the audit
/// trail as a read naming every reference.
#[utoipa::path(get, path = "/api/v1/retention/coverage/list", tag = TAG_RETENTION,
    params(OrgHeader, CoverageListQuery),
    responses(
        (status = 200, description = "contact_ref — one row per contact of the category, channel and purpose",
            content_type = "text/csv", body = String),
        (status = 400, description = "A parameter is invalid; `field` names it", body = ErrorBody),
    ))]
pub async fn get_coverage_list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<CoverageListQuery>,
) -> ApiResult<Response> {
    let selection = selection(&q.category, &q.channel, &q.purpose)?;
    coverage_download(&state, &caller, q.at, selection).await
}

/// One count of the report, read from its three words; a wrong one is named.
pub(crate) fn selection(
    category: &str,
    channel: &str,
    purpose: &str,
) -> Result<CoverageSelection, ApiError> {
    Ok(CoverageSelection {
        category: parse_field("category", category)?,
        channel: parse_field::<Channel>("channel", channel)?,
        purpose: parse_field::<Purpose>("purpose", purpose)?,
    })
}

fn parse_field<T: std::str::FromStr<Err = vigie_core::ParseVocabError>>(
    field: &str,
    value: &str,
) -> Result<T, ApiError> {
    value.parse().map_err(|e: vigie_core::ParseVocabError| {
        ApiError::field("invalid_field", field, e.to_string())
    })
}

/// The CSV of one count's references, audited (the API's and the page's one way to get it).
pub(crate) async fn coverage_download(
    state: &AppState,
    caller: &Caller,
    at: Option<String>,
    selection: CoverageSelection,
) -> ApiResult<Response> {
    let at = moment_or_now(at)?;
    let refs = state
        .store()
        .coverage_list(caller.org.id, &at, selection)
        .await?;
    caller
        .audit_set(
            state,
            "retention.coverage.list",
            "contacts",
            refs.iter().map(String::as_str),
        )
        .await?;
    let csv = one_column_csv("contact_ref", refs.iter().map(String::as_str));
    let name = format!(
        "attachment; filename=\"couverture-{}-{}-{}.csv\"",
        selection.category, selection.channel, selection.purpose
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        csv,
    )
        .into_response())
}
