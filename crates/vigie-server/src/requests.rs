//! Data subject requests over the API (`/api/v1/requests`): the queue with deadlines, a
//! request with its history, the steps of its life cycle and the access archive. Every step goes
//! through [`vigie_dsar::Dsar`], which writes the request's history and the audit trail. The
//! admin UI's pages (`requests_ui.rs`) call the same functions.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigie_dsar::{Actor, DsarError, QueueItem, Shown};
use vigie_store::{AnswerKind, ArchiveAvailability, Identifier, OrgId, Request};

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};

pub const TAG_REQUESTS: &str = "data subject requests";

/// The steps' actor: the caller, with role and address.
pub(crate) fn actor(caller: &Caller) -> Actor {
    Actor {
        name: caller.actor(),
        role: Some(
            caller
                .role()
                .map_or_else(|| "token".to_owned(), |r| r.as_str().to_owned()),
        ),
        origin: caller.origin.map(|ip| ip.to_string()),
    }
}

impl From<DsarError> for ApiError {
    fn from(e: DsarError) -> Self {
        match e {
            DsarError::Store(e) => e.into(),
            DsarError::NotFound(id) => ApiError::not_found(format!("no request {id}")),
            DsarError::Transition { .. } => {
                ApiError::new(StatusCode::CONFLICT, "transition", e.to_string())
            }
            DsarError::NotReady { .. } => {
                ApiError::new(StatusCode::CONFLICT, "not_ready", e.to_string())
            }
            DsarError::Invalid { field, message } => {
                ApiError::field("invalid_field", field, message)
            }
            DsarError::Config(_) | DsarError::System { .. } => {
                ApiError::new(StatusCode::BAD_GATEWAY, "connected_system", e.to_string())
            }
            DsarError::Archive(_) => ApiError::internal(),
        }
    }
}

// ------------------------------------------------------------------------------ shapes

/// An extension of the period (art. 12(3)).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionOut {
    pub months: u8,
    /// Told to the person.
    pub reason: String,
    pub at: String,
}

/// A request against its deadline. No identifier: see `GET /api/v1/requests/{id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestOut {
    pub id: i64,
    /// access, rectification, erasure, restriction, portability, objection
    #[schema(example = "access")]
    pub kind: String,
    /// awaiting_identity, in_progress, completed, rejected
    #[schema(example = "in_progress")]
    pub status: String,
    /// overdue, due_soon (within 7 days), on_track, paused, closed
    #[schema(example = "due_soon")]
    pub urgency: String,
    pub received_at: String,
    pub verified_at: Option<String>,
    /// The last day to answer, on the organization's calendar.
    #[schema(example = "2026-02-28")]
    pub due_date: String,
    /// The instant the period ends (exclusive).
    pub due_at: String,
    /// Whether the clock is stopped (waiting for the person's proof of identity).
    pub paused: bool,
    pub extension: Option<ExtensionOut>,
    pub closed_at: Option<String>,
    /// The contact the request matched, if any.
    pub contact_ref: Option<String>,
    /// What fulfilment did (no personal data).
    #[schema(value_type = Option<Object>)]
    pub outcome: Option<serde_json::Value>,
}

impl RequestOut {
    pub(crate) fn of(i: &QueueItem) -> RequestOut {
        let r = &i.request;
        let c = &r.clock;
        RequestOut {
            id: r.id,
            kind: r.kind.as_str().to_owned(),
            status: c.status.as_str().to_owned(),
            urgency: i.urgency.as_str().to_owned(),
            received_at: c.received_at.to_string(),
            verified_at: c.verified_at.map(|t| t.to_string()),
            due_date: i.due.date.to_string(),
            due_at: i.due.at.to_string(),
            paused: c.pauses.iter().any(|p| p.until.is_none()),
            extension: c.extension.as_ref().map(|x| ExtensionOut {
                months: x.months,
                reason: x.reason.clone(),
                at: x.at.to_string(),
            }),
            closed_at: c.closed_at.map(|t| t.to_string()),
            contact_ref: r.contact_ref.as_ref().map(|c| c.as_str().to_owned()),
            outcome: r.outcome.clone(),
        }
    }
}

/// The queue, most urgent first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestsOut {
    pub requests: Vec<RequestOut>,
    /// Open requests past their due date.
    pub overdue: usize,
    /// Open requests due within 7 days.
    pub due_soon: usize,
}

/// A step of a request's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepOut {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    #[schema(example = "verified")]
    pub step: String,
    pub note: Option<String>,
}

/// A request with its identifier and history.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestDetailOut {
    #[serde(flatten)]
    pub request: RequestOut,
    /// The e-mail address or phone number the person gave (absent once erased).
    #[schema(example = "marie@example.org")]
    pub identifier: Option<String>,
    pub identifier_kind: String,
    /// Rectification: the fields to correct (names only).
    pub corrections: Vec<String>,
    pub history: Vec<StepOut>,
    /// Access and portability, once fulfilled: the archive, while it can still be downloaded.
    pub archive: Option<ArchiveOut>,
    /// The e-mails answering the request (fulfilled, extended, refused) and where each stands.
    pub answers: Vec<AnswerOut>,
}

/// An access archive (zip), kept sealed for 30 days after fulfilment for the person to download
/// from the privacy centre's status page.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArchiveOut {
    pub file_name: String,
    pub sha256: String,
    /// The last instant it can be downloaded.
    pub expires_at: String,
    /// `GET` it for the zip.
    #[schema(example = "/api/v1/requests/12/archive")]
    pub download: String,
}

/// An e-mail answering the request. No address.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerOut {
    /// fulfilment, extension, rejection
    #[schema(example = "fulfilment")]
    pub answer: String,
    /// The language it is written in (the one the person filed in), `fr` or `en`.
    pub lang: String,
    /// pending (to send, or to try again at `next_attempt_at`), sent, unsent (never: tell the
    /// person by other means)
    #[schema(example = "sent")]
    pub state: String,
    pub attempts: u32,
    /// Why it is not sent, or why the last attempt failed: no_email_address,
    /// identity_not_verified, no_mail_relay, mail_relay_failed, gave_up.
    pub failure: Option<String>,
    pub next_attempt_at: Option<String>,
    /// When it was sent or given up.
    pub done_at: Option<String>,
}

fn identifier_text(r: &Request) -> Option<String> {
    r.identifier.as_ref().map(|i| match i {
        Identifier::Email(e) => e.as_str().to_owned(),
        Identifier::Phone(p) => p.as_str().to_owned(),
    })
}

/// A request's detail: `s` with the archive kept for it and its answers, read from the store.
pub(crate) async fn detail(
    state: &AppState,
    org: OrgId,
    s: &Shown,
) -> Result<RequestDetailOut, ApiError> {
    let r = &s.item.request;
    let now = jiff::Timestamp::now();
    let archive = match state.store().kept_archive(org, r.id, now).await? {
        Some((a, ArchiveAvailability::Available)) => Some(ArchiveOut {
            file_name: a.file_name,
            sha256: a.sha256,
            expires_at: a.expires_at.to_string(),
            download: format!("/api/v1/requests/{}/archive", r.id),
        }),
        _ => None,
    };
    let answers = state
        .store()
        .request_answers(org, r.id)
        .await?
        .into_iter()
        .map(|a| AnswerOut {
            answer: a.kind.as_str().to_owned(),
            lang: a.lang.as_str().to_owned(),
            state: a.state.as_str().to_owned(),
            attempts: a.attempts,
            failure: a.failure,
            next_attempt_at: (a.state == vigie_store::AnswerState::Pending)
                .then(|| a.next_attempt_at.to_string()),
            done_at: a.done_at.map(|t| t.to_string()),
        })
        .collect();
    Ok(RequestDetailOut {
        request: RequestOut::of(&s.item),
        identifier: identifier_text(r),
        identifier_kind: r.identifier_kind.clone(),
        corrections: r
            .corrections
            .as_ref()
            .map(|c| c.fields().into_iter().map(str::to_owned).collect())
            .unwrap_or_default(),
        history: s
            .history
            .iter()
            .map(|h| StepOut {
                seq: h.seq,
                at: h.at.to_string(),
                actor: h.actor.clone(),
                step: h.step.clone(),
                note: h.note.clone(),
            })
            .collect(),
        archive,
        answers,
    })
}

// ------------------------------------------------------------------------------ steps

/// A step of the life cycle, as the API and the UI's forms take it.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    Verify,
    Pause { reason: Option<String> },
    Resume,
    Extend { months: u8, reason: String },
    Reject { reason: String },
    Fulfil,
}

/// What a step did beyond the request itself.
#[derive(Debug, Default)]
pub(crate) struct Done {
    /// Fulfilment, extension, rejection: whether the answer was e-mailed to the person.
    pub person_told: Option<bool>,
}

/// Takes a step through `Dsar` (history, audit trail, the answer to the person queued), then
/// sends that answer at once: a failure leaves it pending, retried by [`crate::answers`].
pub(crate) async fn take_step(
    state: &AppState,
    caller: &Caller,
    id: i64,
    step: Step,
) -> Result<Done, ApiError> {
    let org = &caller.org;
    let by = actor(caller);
    let dsar = state.dsar();
    let answer = match step {
        Step::Verify => {
            dsar.verify(org, id, &by).await?;
            None
        }
        Step::Pause { reason } => {
            dsar.pause(org, id, reason, &by).await?;
            None
        }
        Step::Resume => {
            dsar.resume(org, id, &by).await?;
            None
        }
        Step::Extend { months, reason } => {
            dsar.extend(org, id, months, &reason, &by).await?;
            Some(AnswerKind::Extension)
        }
        Step::Reject { reason } => {
            dsar.reject(org, id, &reason, &by).await?;
            Some(AnswerKind::Rejection)
        }
        Step::Fulfil => {
            dsar.fulfil(org, id, &by).await?;
            Some(AnswerKind::Fulfilment)
        }
    };
    let mut done = Done::default();
    if let Some(kind) = answer {
        // The step is taken whatever happens to the mail: an answer that could not be handled
        // now stays pending, and the retry loop sends it.
        let sent = match crate::answers::deliver(state, org, id, kind).await {
            Ok(now) => now == Some(vigie_store::AnswerState::Sent),
            Err(e) => {
                tracing::error!(error = %e, request = id, "answers: delivery failed; retried later");
                false
            }
        };
        done.person_told = Some(sent);
    }
    Ok(done)
}

/// Sends an archive as a zip download and records it in the audit trail.
pub(crate) async fn archive_download(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<Response, ApiError> {
    let (a, bytes) = state
        .store()
        .open_archive(caller.org.id, id, jiff::Timestamp::now())
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "no archive for request {id}: archives are kept sealed for 30 days after an \
                 access or portability request is fulfilled, and gone once the person is erased"
            ))
        })?;
    caller
        .audit(
            state,
            "dsar.archive_download",
            Some(format!("request:{id}")),
        )
        .await?;
    Ok(zip_response(&a, bytes))
}

/// A zip download of an archive, with its name and SHA-256 in the headers.
pub(crate) fn zip_response(a: &vigie_store::KeptArchive, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", a.file_name);
    let mut r = ([(header::CONTENT_TYPE, "application/zip")], bytes).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&a.sha256) {
        r.headers_mut().insert("vigie-archive-sha256", v);
    }
    r
}

// ------------------------------------------------------------------------------ handlers

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only open requests (awaiting identity or in progress).
    #[serde(default)]
    pub open: Option<bool>,
}

/// The queue: every request with its due date, most urgent first (overdue, due within 7 days,
/// on track, paused, closed). Needs `requests:read`.
#[utoipa::path(get, path = "/api/v1/requests", tag = TAG_REQUESTS, params(ListParams),
    responses((status = 200, description = "The queue", body = RequestsOut)))]
pub async fn list_requests(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<RequestsOut>> {
    let items = state
        .dsar()
        .queue(&caller.org, p.open.unwrap_or(false))
        .await?;
    let count = |u| items.iter().filter(|i| i.urgency == u).count();
    let requests: Vec<RequestOut> = items.iter().map(RequestOut::of).collect();
    let ids: Vec<String> = requests.iter().map(|r| r.id.to_string()).collect();
    caller
        .audit_set(
            &state,
            "dsar.list",
            "requests",
            ids.iter().map(String::as_str),
        )
        .await?;
    Ok(Json(RequestsOut {
        overdue: count(vigie_core::dsar::Urgency::Overdue),
        due_soon: count(vigie_core::dsar::Urgency::DueSoon),
        requests,
    }))
}

/// A request: its deadline, the identifier the person gave, its every step. Needs
/// `requests:read`; recorded in the audit trail (it shows an identifier).
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = TAG_REQUESTS,
    params(("id" = i64, Path, description = "The request")),
    responses(
        (status = 200, description = "The request", body = RequestDetailOut),
        (status = 404, description = "No such request", body = ErrorBody),
    ))]
pub async fn get_request(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RequestDetailOut>> {
    let shown = state.dsar().show(&caller.org, id).await?;
    caller
        .audit(&state, "dsar.read", Some(format!("request:{id}")))
        .await?;
    Ok(Json(detail(&state, caller.org.id, &shown).await?))
}

async fn after_step(
    state: &AppState,
    caller: &Caller,
    id: i64,
    step: Step,
) -> ApiResult<Json<StepOut2>> {
    let done = take_step(state, caller, id, step).await?;
    let shown = state.dsar().show(&caller.org, id).await?;
    Ok(Json(StepOut2 {
        request: detail(state, caller.org.id, &shown).await?,
        person_told: done.person_told,
    }))
}

/// A request after a step.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepOut2 {
    pub request: RequestDetailOut,
    /// Fulfilment, extension, rejection: whether the answer was e-mailed to the person
    /// (art. 12(3), 12(4)); when not, `request.answers` says why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_told: Option<bool>,
}

/// The person proved their identity (checked by the DPO): the clock runs. Needs
/// `requests:manage`.
#[utoipa::path(post, path = "/api/v1/requests/{id}/verify", tag = TAG_REQUESTS,
    params(("id" = i64, Path, description = "The request")),
    responses(
        (status = 200, description = "Verified", body = StepOut2),
        (status = 409, description = "The request's state does not allow it", body = ErrorBody),
    ))]
pub async fn verify_request(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<StepOut2>> {
    after_step(&state, &caller, id, Step::Verify).await
}

/// A reason, for a pause (optional), a refusal (required).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonIn {
    #[schema(example = "proof of identity asked for")]
    pub reason: Option<String>,
}

/// Asks the person for proof of identity: the clock stops until resumed. Needs
/// `requests:manage`.
#[utoipa::path(post, path = "/api/v1/requests/{id}/pause", tag = TAG_REQUESTS,
    params(("id" = i64, Path, description = "The request")), request_body = ReasonIn,
    responses(
        (status = 200, description = "Paused", body = StepOut2),
        (status = 409, description = "The request's state does not allow it", body = ErrorBody),
    ))]
pub async fn pause_request(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> ApiResult<Json<StepOut2>> {
    // The body is optional here: none, or `{"reason": …}`.
    let body: ReasonIn = if body.iter().all(u8::is_ascii_whitespace) {
        ReasonIn::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request("invalid_json", format!("body: {e}")))?
    };
    let reason = body
        .reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    after_step(&state, &caller, id, Step::Pause { reason }).await
}

/// The proof arrived: the clock runs again. Needs `requests:manage`.
#[utoipa::path(post, path = "/api/v1/requests/{id}/resume", tag = TAG_REQUESTS,
    params(("id" = i64, Path, description = "The request")),
    responses(
        (status = 200, description = "Resumed", body = StepOut2),
        (status = 409, description = "The request's state does not allow it", body = ErrorBody),
    ))]
pub async fn resume_request(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<StepOut2>> {
    after_step(&state, &caller, id, Step::Resume).await
}

/// An extension of the period.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendIn {
    /// 1 or 2 (another number answers 409).
    #[serde(deserialize_with = "crate::dto::whole")]
    #[schema(minimum = 1, maximum = 2)]
    pub months: u8,
    /// Told to the person (e-mailed when the request names an e-mail address).
    #[schema(example = "the request covers twelve connected systems")]
    pub reason: String,
}

/// Extends the period once by 1 or 2 months, before the due date (art. 12(3)); the reason is
/// e-mailed to the person. Needs `requests:manage`.
#[utoipa::path(post, path = "/api/v1/requests/{id}/extend", tag = TAG_REQUESTS,
    params(("id" = i64, Path, description = "The request")), request_body = ExtendIn,
    responses(
        (status = 200, description = "Extended", body = StepOut2),
        (status = 409, description = "Already extended, too late, or closed", body = ErrorBody),
    ))]
pub async fn extend_request(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ExtendIn>,
) -> ApiResult<Json<StepOut2>> {
    after_step(
        &state,
        &caller,
        id,
        Step::Extend {
            months: body.months,
            reason: body.reason.trim().to_owned(),
        },
    )
    .await
}

/// Refuses the request with a reason told to the person (art. 12(4), 12(5)). Needs
/// `requests:manage`.
#[utoipa::path(post, path = "/api/v1/requests/{id}/reject", tag = TAG_REQUESTS,
    params(("id" = i64, Path, description = "The request")), request_body = ReasonIn,
    responses(
        (status = 200, description = "Refused", body = StepOut2),
        (status = 409, description = "No reason, or closed", body = ErrorBody),
    ))]
pub async fn reject_request(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReasonIn>,
) -> ApiResult<Json<StepOut2>> {
    let reason = body.reason.unwrap_or_default().trim().to_owned();
    after_step(&state, &caller, id, Step::Reject { reason }).await
}

/// Carries the request out according to its kind (access and portability: an archive, to
/// download for 30 days, also by the person from the status page; erasure: crypto-shredding and suppression, or archive and
/// restriction under a legal hold; …) and completes it. Needs `requests:manage`.
#[utoipa::path(post, path = "/api/v1/requests/{id}/fulfil", tag = TAG_REQUESTS,
    params(("id" = i64, Path, description = "The request")),
    responses(
        (status = 200, description = "Fulfilled; `request.outcome` says what was done", body = StepOut2),
        (status = 409, description = "Not verified, paused, or closed", body = ErrorBody),
        (status = 502, description = "A connected system failed: nothing in Vigie was destroyed", body = ErrorBody),
    ))]
pub async fn fulfil_request(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<StepOut2>> {
    after_step(&state, &caller, id, Step::Fulfil).await
}

/// The access archive (zip) of a fulfilled access or portability request, for 30 days after
/// fulfilment (kept sealed with the contact's key; gone once the person is erased). Needs `requests:manage`; recorded in the audit trail.
#[utoipa::path(get, path = "/api/v1/requests/{id}/archive", tag = TAG_REQUESTS,
    params(("id" = i64, Path, description = "The request")),
    responses(
        (status = 200, description = "The zip; its SHA-256 in `Vigie-Archive-Sha256`", content_type = "application/zip"),
        (status = 404, description = "No archive (not fulfilled, not an access request, past 30 days, or the person erased)", body = ErrorBody),
    ))]
pub async fn get_archive(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    archive_download(&state, &caller, id).await
}
