//! `POST /api/v1/assess`: the register assessments of vigie-core (ASSESSMENTS.md) — lawful
//! transfer, impact assessment required, breach deadline, request due date. Stores nothing and
//! reads no stored data: any signed-in caller may ask.

use axum::Json;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use utoipa::ToSchema;
use vigie_core::assess::{assess as assess_core, parse_assessment};

use crate::api::lang_of;
use crate::error::{ApiError, ErrorBody, from_assess_error};
use crate::extract::JsonBytes;

pub const TAG_ASSESSMENTS: &str = "assessments";

/// Assess a transfer, an impact assessment's need, a breach's deadline or a request's due date.
///
/// One request of the assessments contract (`kind`: `transfer`, `dpia`, `breach`,
/// `dsar_deadline`); the answer's fields depend on the kind. Explanations are in French unless
/// `Accept-Language` prefers English. A request that cannot be read (an unknown criterion, a
/// country code that is not ISO 3166-1 alpha-2, an extension of 3 months…) gets a 400 naming
/// the field, never an answer.
#[utoipa::path(post, path = "/api/v1/assess", tag = TAG_ASSESSMENTS,
    params(("Accept-Language" = Option<String>, Header, description = "fr (default) or en")),
    request_body = AssessRequestDoc,
    responses(
        (status = 200, description = "The assessment", body = AssessAnswerDoc),
        (status = 400, description = "The request cannot be read; `field` names the field", body = ErrorBody),
    ))]
pub async fn assess(headers: HeaderMap, JsonBytes(body): JsonBytes) -> Response {
    let Ok(text) = std::str::from_utf8(&body) else {
        return ApiError::bad_request("invalid_json", "the body is not UTF-8").into_response();
    };
    match parse_assessment(text) {
        Ok(request) => Json(assess_core(&request, lang_of(&headers))).into_response(),
        Err(e) => from_assess_error(&e).into_response(),
    }
}

/// One assessment request: `kind` says which, and which fields it takes (ASSESSMENTS.md):
/// `transfer` (`at`, `country`, `safeguard`, `dpf_certified`), `dpia` (`criteria`,
/// `on_authority_list`), `breach` (`aware_at`, `risk`, `notified_at`), `dsar_deadline`
/// (`received_on`, `extension_months`). A field another kind takes is refused (400).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct AssessRequestDoc {
    kind: AssessKind,
    /// transfer: the day of the transfer.
    #[schema(format = Date, example = "2026-12-04", nullable = false)]
    at: Option<String>,
    /// transfer: ISO 3166-1 alpha-2 (`GB` for the United Kingdom).
    #[schema(pattern = "^[A-Z]{2}$", example = "TN", nullable = false)]
    country: Option<String>,
    /// transfer: `scc`, `bcr`, `code_or_certification`, `derogation` or null.
    #[schema(pattern = "^(scc|bcr|code_or_certification|derogation)$")]
    safeguard: Option<String>,
    /// transfer: a United States recipient certified under the EU-US Data Privacy Framework.
    #[schema(nullable = false)]
    dpf_certified: Option<bool>,
    /// dpia: among the nine EDPB criteria (WP248 rev.01); one named twice counts once.
    #[schema(nullable = false, example = json!(["evaluation_or_scoring", "large_scale"]))]
    criteria: Option<Vec<CriterionDoc>>,
    /// dpia: on the supervisory authority's list.
    #[schema(nullable = false)]
    on_authority_list: Option<bool>,
    /// breach: when the controller became aware, RFC 3339 with offset.
    #[schema(format = DateTime, example = "2026-03-27T15:00:00+01:00", nullable = false)]
    aware_at: Option<String>,
    /// breach: `unlikely`, `risk` or `high`.
    #[schema(pattern = "^(unlikely|risk|high)$", nullable = false)]
    risk: Option<String>,
    /// breach: when the authority was notified, if it was.
    #[schema(format = DateTime)]
    notified_at: Option<String>,
    /// dsar_deadline: the day the request was received.
    #[schema(format = Date, example = "2026-01-31", nullable = false)]
    received_on: Option<String>,
    /// dsar_deadline: 0, 1 or 2. Default 0.
    #[schema(minimum = 0, maximum = 2, nullable = false)]
    extension_months: Option<u8>,
}

/// The kind of assessment.
#[derive(ToSchema)]
#[allow(dead_code, non_camel_case_types)]
pub enum AssessKind {
    transfer,
    dpia,
    breach,
    dsar_deadline,
}

/// One of the nine EDPB criteria.
#[derive(ToSchema)]
#[allow(dead_code, non_camel_case_types)]
pub enum CriterionDoc {
    evaluation_or_scoring,
    automated_decision_with_legal_effect,
    systematic_monitoring,
    sensitive_data,
    large_scale,
    matching_or_combining,
    vulnerable_subjects,
    innovative_technology,
    prevents_exercising_rights,
}

/// The answer; its fields depend on the request's kind.
#[derive(ToSchema)]
#[allow(dead_code)]
#[serde(untagged)]
pub enum AssessAnswerDoc {
    Transfer(TransferAnswerDoc),
    Dpia(DpiaAnswerDoc),
    Breach(BreachAnswerDoc),
    DsarDeadline(DsarDeadlineAnswerDoc),
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TransferAnswerDoc {
    lawful: bool,
    /// `EEA`, `ADEQUACY`, `SAFEGUARD`, `DEROGATION` or `NO_SAFEGUARD`.
    code: String,
    explanation: String,
    references: Vec<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DpiaAnswerDoc {
    required: bool,
    /// `AUTHORITY_LIST`, `TWO_OR_MORE_CRITERIA` or `NOT_REQUIRED`.
    code: String,
    criteria_met: u32,
    explanation: String,
    references: Vec<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct BreachAnswerDoc {
    notify_authority: bool,
    inform_persons: bool,
    /// 72 hours after awareness, in UTC; null when the breach is only documented.
    #[schema(format = DateTime)]
    deadline: Option<String>,
    late: bool,
    /// `DOCUMENT_ONLY`, `NOTIFY_AUTHORITY` or `NOTIFY_AUTHORITY_AND_PERSONS`.
    code: String,
    explanation: String,
    references: Vec<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DsarDeadlineAnswerDoc {
    #[schema(format = Date)]
    due_on: String,
    explanation: String,
    references: Vec<String>,
}
