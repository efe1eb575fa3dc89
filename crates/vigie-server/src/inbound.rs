//! `POST /inbound/{org}/{source}`: e-mail services report unsubscribes, complaints and hard
//! bounces in Vigie's generic signed JSON format. No session: the signature is the authority
//! (`Vigie-Signature: t=…,v1=…`, HMAC-SHA-256 of `t.body` under the source's secret, the scheme
//! of processor notices), and a signature more than five minutes off is refused (a replayed
//! capture). An unknown organization or source answers as a wrong signature does. The whole
//! body is read before anything is applied; each event then applies once per event id.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigie_core::webhooks::{InboundKind, signature_fresh};
use vigie_core::{Email, Purpose};
use vigie_dsar::notify::{SIGNATURE_HEADER, signed_at, verify};
use vigie_store::{AuditEvent, InboundEvent};

use crate::AppState;
use crate::dto::{InboundKindName, PurposeName};
use crate::error::{ApiError, ApiResult, ErrorBody, from_json_error};
use crate::extract::{ApiPath, JsonBytes};
use crate::webhooks_api::TAG_WEBHOOKS;

/// At most this many events per request.
pub const MAX_EVENTS: usize = 1000;

/// A batch of events from one source.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundBody {
    pub events: Vec<InboundEventIn>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundEventIn {
    /// The service's id of the event (1–200 characters): a second delivery with this id does
    /// nothing.
    #[schema(example = "evt_01HV7", min_length = 1, max_length = 200)]
    pub id: String,
    /// `unsubscribe` (a withdrawal on e-mail, method `unsubscribe_link`), `complaint` (a
    /// withdrawal and an objection, method `email_reply`) or `hard_bounce` (the address goes on
    /// the suppression list).
    #[serde(rename = "type")]
    #[schema(value_type = InboundKindName, example = "unsubscribe")]
    pub kind: String,
    #[schema(example = "marie.martin@example.org")]
    pub email: String,
    /// When it happened (RFC 3339).
    #[schema(value_type = String, format = DateTime, example = "2026-03-01T10:00:00Z")]
    pub at: String,
    /// The purpose of the message (`marketing`, `newsletter`, `partners`, `profiling`); every
    /// purpose when left out.
    #[schema(value_type = Option<PurposeName>)]
    pub purpose: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboundResult {
    pub id: String,
    /// `recorded`, `suppressed`, `no_contact` or `duplicate`.
    pub outcome: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboundOut {
    pub results: Vec<InboundResult>,
}

/// The organization and source in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InboundPath {
    pub org: String,
    pub source: String,
}

/// The signature header, for the document.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct SignatureHeader {
    /// `t=<unix seconds>,v1=<hex HMAC-SHA-256 of "<t>.<body>" under the source's secret>`.
    #[serde(rename = "Vigie-Signature")]
    #[param(rename = "Vigie-Signature")]
    pub signature: String,
}

fn refused() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "bad_signature",
        "the Vigie-Signature header does not match this source's secret",
    )
}

/// Reads every event, or names the first field at fault (`events[2].email`).
fn parse(body: &[u8]) -> ApiResult<Vec<InboundEvent>> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let parsed: InboundBody = serde_path_to_error::deserialize(&mut de).map_err(from_json_error)?;
    if parsed.events.len() > MAX_EVENTS {
        return Err(ApiError::field(
            "invalid_field",
            "events",
            format!("at most {MAX_EVENTS} events per request"),
        ));
    }
    parsed
        .events
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let bad = |field: &str, m: String| {
                ApiError::field("invalid_field", format!("events[{i}].{field}"), m)
            };
            if e.id.is_empty() || e.id.chars().count() > 200 || e.id.chars().any(char::is_control) {
                return Err(bad(
                    "id",
                    "1 to 200 characters, no control character".into(),
                ));
            }
            Ok(InboundEvent {
                kind: e
                    .kind
                    .parse::<InboundKind>()
                    .map_err(|err| bad("type", err.to_string()))?,
                email: Email::parse(&e.email).map_err(|err| bad("email", err.to_string()))?,
                at: e
                    .at
                    .parse()
                    .map_err(|_| bad("at", "an RFC 3339 time, e.g. 2026-03-01T10:00:00Z".into()))?,
                purpose: e
                    .purpose
                    .map(|p| {
                        p.parse::<Purpose>()
                            .map_err(|err| bad("purpose", err.to_string()))
                    })
                    .transpose()?,
                id: e.id,
            })
        })
        .collect()
}

/// Events from an e-mail service: unsubscribes, complaints, hard bounces, signed.
#[utoipa::path(post, path = "/inbound/{org}/{source}", tag = TAG_WEBHOOKS,
    params(InboundPath, SignatureHeader),
    request_body = InboundBody,
    responses(
        (status = 200, description = "Every event applied (or seen before), in order", body = InboundOut),
        (status = 400, description = "The body cannot be read; `field` names the field (nothing applied)", body = ErrorBody),
        (status = 401, description = "Missing, wrong or stale signature, or no such source", body = ErrorBody),
    ))]
pub async fn receive(
    State(state): State<AppState>,
    ApiPath(InboundPath { org, source }): ApiPath<InboundPath>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> ApiResult<Json<InboundOut>> {
    let store = state.store();
    let header = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(refused)?;
    let Some(org) = store.org(&org).await? else {
        return Err(refused());
    };
    let Some(secret) = store.inbound_secret(org.id, &source).await? else {
        return Err(refused());
    };
    if !verify(&secret, header, &body) {
        return Err(refused());
    }
    let now = jiff::Timestamp::now().as_second();
    if !signed_at(header).is_some_and(|t| signature_fresh(t, now)) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "stale_signature",
            "the signature's time is more than five minutes from now: sign each request anew",
        ));
    }
    let events = parse(&body)?;
    let mut results = Vec::with_capacity(events.len());
    for e in &events {
        let outcome = store.apply_inbound(org.id, &source, e).await?;
        results.push(InboundResult {
            id: e.id.clone(),
            outcome: outcome.as_str(),
        });
    }
    let applied = results.iter().filter(|r| r.outcome != "duplicate").count();
    if applied > 0 {
        store
            .audit(
                org.id,
                AuditEvent {
                    actor: format!("inbound:{source}"),
                    role: None,
                    action: "inbound.events".into(),
                    target: Some(format!("inbound:{source}")),
                    origin: None,
                    reason: Some(format!("{applied} event(s) applied")),
                },
            )
            .await?;
    }
    Ok(Json(InboundOut { results }))
}
