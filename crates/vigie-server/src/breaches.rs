//! The breach register in the API (GDPR art. 33(5), issue 13): record a breach, read each with
//! its 72-hour clock (vigie-core's assessment) and the notification's content prepared from the
//! register (art. 33(3)), change it (notified, decided not to notify, the persons informed), and
//! count the contacts a selection holds. Readers of the registers read; admins and DPOs change.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigie_core::registers::breach::{Breach, BreachClock};
use vigie_core::registers::record_from_json;
use vigie_core::{ContactRef, Lang};
use vigie_store::OrgId;

use crate::AppState;
use crate::api::{OrgHeader, lang_of};
use crate::auth::Caller;
use crate::decisions::now;
use crate::error::{ApiError, ApiResult, ErrorBody, from_registers_error};
use crate::extract::{ApiJson, ApiPath, JsonBytes};
use crate::registers_api::TAG_REGISTERS;

/// A breach record (vigie-core's `Breach`): `aware_at`, `nature` (confidentiality, integrity,
/// availability), `description`, `categories_of_persons`, `categories_of_data`, `risk`
/// (unlikely, risk, high), `consequences`, `measures`, and when known `occurred_at`,
/// `persons_concerned`, `notified_at`, `not_notified_reason`, `persons` (the art. 34 decision).
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct BreachDoc(serde_json::Value);

#[derive(Serialize, ToSchema)]
pub struct BreachOut {
    pub id: i64,
    #[schema(value_type = Object)]
    pub breach: Breach,
    /// The 72-hour clock: the core's assessment, whether it still runs, seconds left.
    #[schema(value_type = Object)]
    pub clock: BreachClock,
    /// The notification's content (art. 33(3)), prepared from the register.
    pub notification_draft: Option<String>,
}

/// The breach with its clock, and the draft when the registers name the organization.
pub async fn breach_out(
    state: &AppState,
    org: OrgId,
    id: i64,
    breach: Breach,
    lang: Lang,
) -> ApiResult<BreachOut> {
    let clock = breach.clock(now(), lang);
    let profile = state
        .store()
        .registers(org)
        .await?
        .map(|s| s.registers.profile);
    Ok(BreachOut {
        id,
        notification_draft: profile.map(|p| breach.notification_draft(&p, lang)),
        clock,
        breach,
    })
}

fn parse(body: &[u8]) -> ApiResult<Breach> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::bad_request("invalid_json", "the body is not UTF-8"))?;
    let b: Breach = record_from_json(text).map_err(|e| from_registers_error(&e))?;
    b.check().map_err(|m| {
        let field = m.split(':').next().unwrap_or("").to_owned();
        ApiError::field("invalid_field", field, m)
    })?;
    Ok(b)
}

/// The breach register, newest first, each with its clock.
#[utoipa::path(get, path = "/api/v1/breaches", tag = TAG_REGISTERS,
    params(OrgHeader),
    responses((status = 200, description = "The breaches", body = Vec<BreachOut>)))]
pub async fn list_breaches(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<BreachOut>>> {
    let mut out = Vec::new();
    for (id, b) in state.store().breaches(caller.org.id).await? {
        out.push(breach_out(&state, caller.org.id, id, b, lang_of(&headers)).await?);
    }
    Ok(Json(out))
}

/// Record a breach (art. 33(5)); the 72 hours run from `aware_at`.
#[utoipa::path(post, path = "/api/v1/breaches", tag = TAG_REGISTERS,
    params(OrgHeader),
    request_body = BreachDoc,
    responses(
        (status = 201, description = "Recorded", body = BreachOut),
        (status = 400, description = "The record cannot be read or is incomplete; `field` names the field", body = ErrorBody),
    ))]
pub async fn record_breach(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> ApiResult<(StatusCode, Json<BreachOut>)> {
    let b = parse(&body)?;
    let id = state
        .store()
        .record_breach(caller.org.id, &b, caller.audit_event("breach.record", None))
        .await?;
    let out = breach_out(&state, caller.org.id, id, b, lang_of(&headers)).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// A breach's number in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct BreachId {
    #[param(minimum = 1)]
    pub id: u32,
}

async fn stored(state: &AppState, org: OrgId, id: u32) -> ApiResult<Breach> {
    state
        .store()
        .breach(org, i64::from(id))
        .await?
        .ok_or_else(|| ApiError::not_found("no such breach"))
}

/// One breach, its clock and the notification's content.
#[utoipa::path(get, path = "/api/v1/breaches/{id}", tag = TAG_REGISTERS,
    params(OrgHeader, BreachId),
    responses(
        (status = 200, description = "The breach", body = BreachOut),
        (status = 404, description = "No such breach", body = ErrorBody),
    ))]
pub async fn get_breach(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(path): ApiPath<BreachId>,
) -> ApiResult<Json<BreachOut>> {
    let b = stored(&state, caller.org.id, path.id).await?;
    Ok(Json(
        breach_out(
            &state,
            caller.org.id,
            i64::from(path.id),
            b,
            lang_of(&headers),
        )
        .await?,
    ))
}

/// Replace a breach's record: notified (`notified_at`), decided not to notify
/// (`not_notified_reason`), the persons' decision and message (`persons`), new facts.
#[utoipa::path(put, path = "/api/v1/breaches/{id}", tag = TAG_REGISTERS,
    params(OrgHeader, BreachId),
    request_body = BreachDoc,
    responses(
        (status = 200, description = "The breach now", body = BreachOut),
        (status = 400, description = "The record cannot be read or is incomplete; `field` names the field", body = ErrorBody),
        (status = 404, description = "No such breach", body = ErrorBody),
    ))]
pub async fn put_breach(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(path): ApiPath<BreachId>,
    JsonBytes(body): JsonBytes,
) -> ApiResult<Json<BreachOut>> {
    let b = parse(&body)?;
    update(&state, &caller, &headers, path.id, b, "breach.update").await
}

/// Replaces a breach's record (the change audited as `action`) and answers the breach now.
async fn update(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    id: u32,
    b: Breach,
    action: &str,
) -> ApiResult<Json<BreachOut>> {
    state
        .store()
        .update_breach(
            caller.org.id,
            i64::from(id),
            &b,
            caller.audit_event(action, None),
        )
        .await?;
    Ok(Json(
        breach_out(state, caller.org.id, i64::from(id), b, lang_of(headers)).await?,
    ))
}

/// The selection of contacts a breach concerns: references, or a period of collection.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// References of the contacts concerned (an import's list, say).
    #[serde(default)]
    pub contact_refs: Vec<String>,
    /// Contacts collected from this moment…
    #[schema(value_type = Option<String>, format = DateTime)]
    pub collected_from: Option<Timestamp>,
    /// …until this one (excluded).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub collected_until: Option<Timestamp>,
}

/// Count and describe the contacts of a selection (references, or a period of collection).
pub async fn count_selection(
    state: &AppState,
    org: OrgId,
    s: &Selection,
) -> ApiResult<(u64, String)> {
    match (
        s.contact_refs.is_empty(),
        s.collected_from,
        s.collected_until,
    ) {
        (false, None, None) => {
            let refs = s
                .contact_refs
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    ContactRef::parse(r.trim()).map_err(|e| {
                        ApiError::field(
                            "invalid_field",
                            format!("contact_refs[{i}]"),
                            e.to_string(),
                        )
                    })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            let n = state.store().count_contacts_by_refs(org, &refs).await?;
            Ok((
                n,
                format!("{n} of {} references given", s.contact_refs.len()),
            ))
        }
        (true, Some(from), Some(until)) if from < until => {
            let n = state
                .store()
                .count_contacts_collected(org, from, until)
                .await?;
            Ok((n, format!("contacts collected from {from} until {until}")))
        }
        _ => Err(ApiError::field(
            "invalid_field",
            "contact_refs",
            "give either contact_refs, or collected_from before collected_until",
        )),
    }
}

/// Count the contacts a breach concerns, from the base, and record the number in the breach.
#[utoipa::path(post, path = "/api/v1/breaches/{id}/count", tag = TAG_REGISTERS,
    params(OrgHeader, BreachId),
    request_body = Selection,
    responses(
        (status = 200, description = "The breach with the number counted", body = BreachOut),
        (status = 404, description = "No such breach", body = ErrorBody),
    ))]
pub async fn count_breach(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(path): ApiPath<BreachId>,
    ApiJson(selection): ApiJson<Selection>,
) -> ApiResult<Json<BreachOut>> {
    let mut b = stored(&state, caller.org.id, path.id).await?;
    let (n, from) = count_selection(&state, caller.org.id, &selection).await?;
    b.persons_concerned = Some(n);
    b.persons_counted_from = Some(from);
    update(&state, &caller, &headers, path.id, b, "breach.count").await
}

/// Time left as people read it: `47 h 12 min`, or `-3 h 05 min` once past.
pub fn remaining_text(d: SignedDuration) -> String {
    let minutes = d.as_secs() / 60;
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.abs();
    format!("{sign}{} h {:02} min", m / 60, m % 60)
}
