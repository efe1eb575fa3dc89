//! Data subject requests over the API (`/api/v1/requests`): the queue with deadlines, a
//! request with its history, the steps of its life cycle and the access archive. Every step goes
//! through [`vigie_dsar::Dsar`], which writes the request's history and the audit trail. The
//! admin UI's pages (`requests_ui.rs`) call the same functions.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigie_dsar::{Actor, Archive, DsarError, QueueItem, Shown};
use vigie_store::{Identifier, OrgId, Request};

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};

pub const TAG_REQUESTS: &str = "data subject requests";

/// How long an access archive stays available for download after fulfilment.
pub const ARCHIVE_TTL: Duration = Duration::from_secs(60 * 60);

/// An archive and when it was made.
type Kept = (Arc<Archive>, Instant);

/// Access archives just made, by organization and request, in memory only.
#[derive(Debug, Default)]
pub(crate) struct Archives {
    by_request: Mutex<HashMap<(OrgId, i64), Kept>>,
}

impl Archives {
    pub(crate) fn put(&self, org: OrgId, id: i64, a: Archive) {
        let mut m = self.by_request.lock().expect("archives");
        m.retain(|_, (_, at)| at.elapsed() < ARCHIVE_TTL);
        m.insert((org, id), (Arc::new(a), Instant::now()));
    }

    pub(crate) fn get(&self, org: OrgId, id: i64) -> Option<Arc<Archive>> {
        let m = self.by_request.lock().expect("archives");
        let (a, at) = m.get(&(org, id))?;
        (at.elapsed() < ARCHIVE_TTL).then(|| a.clone())
    }
}

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
}

/// An access archive (zip), downloadable for an hour after fulfilment, never stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArchiveOut {
    pub file_name: String,
    pub sha256: String,
    pub files: Vec<String>,
    pub bytes: usize,
    /// `GET` it for the zip.
    #[schema(example = "/api/v1/requests/12/archive")]
    pub download: String,
}

fn identifier_text(r: &Request) -> Option<String> {
    r.identifier.as_ref().map(|i| match i {
        Identifier::Email(e) => e.as_str().to_owned(),
        Identifier::Phone(p) => p.as_str().to_owned(),
    })
}

pub(crate) fn detail(state: &AppState, org: OrgId, s: &Shown) -> RequestDetailOut {
    let r = &s.item.request;
    RequestDetailOut {
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
        archive: state.archives().get(org, r.id).map(|a| ArchiveOut {
            file_name: a.file_name.clone(),
            sha256: a.sha256.clone(),
            files: a.files.clone(),
            bytes: a.bytes.len(),
            download: format!("/api/v1/requests/{}/archive", r.id),
        }),
    }
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
    /// Extension: whether the reason was e-mailed to the person.
    pub person_told: Option<bool>,
}

/// Takes a step through `Dsar` (history and audit trail), then what follows from it: an access
/// archive is kept for download, an extension's reason is e-mailed to the person (art. 12(3)).
pub(crate) async fn take_step(
    state: &AppState,
    caller: &Caller,
    id: i64,
    step: Step,
) -> Result<Done, ApiError> {
    let org = &caller.org;
    let by = actor(caller);
    let dsar = state.dsar();
    let mut done = Done::default();
    match step {
        Step::Verify => {
            dsar.verify(org, id, &by).await?;
        }
        Step::Pause { reason } => {
            dsar.pause(org, id, reason, &by).await?;
        }
        Step::Resume => {
            dsar.resume(org, id, &by).await?;
        }
        Step::Extend { months, reason } => {
            let r = dsar.extend(org, id, months, &reason, &by).await?;
            done.person_told = Some(tell_extension(state, caller, &r, months, &reason).await?);
        }
        Step::Reject { reason } => {
            dsar.reject(org, id, &reason, &by).await?;
        }
        Step::Fulfil => {
            let f = dsar.fulfil(org, id, &by).await?;
            if let Some(a) = f.archive {
                state.archives().put(org.id, id, a);
            }
        }
    }
    Ok(done)
}

/// E-mails the reason of an extension to the person (art. 12(3)); records in the history
/// whether it went (no address in the note). `false` when there is no mailer or no e-mail.
async fn tell_extension(
    state: &AppState,
    caller: &Caller,
    r: &Request,
    months: u8,
    reason: &str,
) -> Result<bool, ApiError> {
    let org = &caller.org;
    let (Some(mailer), Some(Identifier::Email(to))) = (state.mailer(), &r.identifier) else {
        state
            .store()
            .record_request_step(
                org.id,
                r.id,
                &caller.actor(),
                "extension_not_sent",
                Some("no e-mail to send it to: tell the person by other means".into()),
            )
            .await?;
        return Ok(false);
    };
    let due = state
        .dsar()
        .show(org, r.id)
        .await
        .map(|s| s.item.due.date.to_string())
        .unwrap_or_default();
    let body = format!(
        "Bonjour,\n\n\
         Le délai de réponse à votre demande ({kind_fr}) auprès de {name} est prolongé de {months} mois \
         (RGPD art. 12(3)) : nous vous répondrons au plus tard le {due}.\n\
         Raison : {reason}\n\n\
         ---\n\n\
         Hello,\n\n\
         The period to answer your request ({kind_en}) to {name} is extended by {months} month(s) \
         (GDPR art. 12(3)): we will answer by {due} at the latest.\n\
         Reason: {reason}\n",
        kind_fr = crate::privacy::kind_label(r.kind, vigie_core::Lang::Fr),
        kind_en = crate::privacy::kind_label(r.kind, vigie_core::Lang::En),
        name = org.name,
    );
    let sent = mailer
        .send(
            to.as_str(),
            &format!("{} : délai prolongé / period extended", org.name),
            body,
        )
        .await
        .is_ok();
    state
        .store()
        .record_request_step(
            org.id,
            r.id,
            &caller.actor(),
            if sent {
                "extension_sent"
            } else {
                "extension_not_sent"
            },
            Some(if sent {
                "reason e-mailed to the person".into()
            } else {
                "the e-mail could not be sent: tell the person by other means".into()
            }),
        )
        .await?;
    Ok(sent)
}

/// Sends an archive as a zip download and records it in the audit trail.
pub(crate) async fn archive_download(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<Response, ApiError> {
    let a = state.archives().get(caller.org.id, id).ok_or_else(|| {
        ApiError::not_found(format!(
            "no archive for request {id}: archives are kept in memory for an hour after an access \
             or portability request is fulfilled, and never stored"
        ))
    })?;
    caller
        .audit(
            state,
            "dsar.archive_download",
            Some(format!("request:{id}")),
        )
        .await?;
    let disposition = format!("attachment; filename=\"{}\"", a.file_name);
    let mut r = ([(header::CONTENT_TYPE, "application/zip")], a.bytes.clone()).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&a.sha256) {
        r.headers_mut().insert("vigie-archive-sha256", v);
    }
    Ok(r)
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
    Ok(Json(detail(&state, caller.org.id, &shown)))
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
        request: detail(state, caller.org.id, &shown),
        person_told: done.person_told,
    }))
}

/// A request after a step.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepOut2 {
    pub request: RequestDetailOut,
    /// Extension: whether the reason was e-mailed to the person (art. 12(3)).
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
/// download within the hour; erasure: crypto-shredding and suppression, or archive and
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

/// The access archive (zip) of a fulfilled access or portability request, within the hour
/// after fulfilment (never stored). Needs `requests:manage`; recorded in the audit trail.
#[utoipa::path(get, path = "/api/v1/requests/{id}/archive", tag = TAG_REQUESTS,
    params(("id" = i64, Path, description = "The request")),
    responses(
        (status = 200, description = "The zip; its SHA-256 in `Vigie-Archive-Sha256`", content_type = "application/zip"),
        (status = 404, description = "No archive (not fulfilled, not an access request, or over an hour ago)", body = ErrorBody),
    ))]
pub async fn get_archive(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    archive_download(&state, &caller, id).await
}
