//! The call log over the API: diallers and agents record call attempts
//! (`POST /api/v1/calls`), and an agent asks, before dialling, whether a number may be called now
//! for a campaign (`GET /api/v1/calls/check`) and hears only the answer, its code and sentence,
//! and the name to greet.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigie_core::{
    CallOutcome, Campaign, Channel, Decision, DecisionContext, Jurisdiction, Lang, Moment,
    PhoneE164, Purpose, Region, Timestamp,
};
use vigie_store::{CallTo, ContactQuery, LoggedCall, NewCall, StoreError};

use crate::AppState;
use crate::api::{OrgHeader, lang_of};
use crate::auth::Caller;
use crate::decisions::{Ask, decide_stored};
use crate::dto::{CallOutcomeName, DecisionName, PurposeName, parse_phone, parse_ref, text};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};

pub const TAG_CALLS: &str = "call log";

/// Calls in one request at most: a dialler's batch, not a file (files go through
/// `vigie import calls`).
pub const MAX_CALLS: usize = 1000;

/// One call attempt. The contact is named by `contact_ref`, or by `phone` (E.164 or national in
/// the organization's region) when one contact has that number; with both, `phone` is the number
/// called.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallInput {
    #[schema(example = "C00000042")]
    pub contact_ref: Option<String>,
    #[schema(example = "06 12 34 56 78")]
    pub phone: Option<String>,
    /// When the call was placed (RFC 3339).
    #[schema(value_type = String, format = DateTime, example = "2026-03-02T10:30:00+01:00")]
    pub at: Timestamp,
    #[schema(value_type = CallOutcomeName)]
    pub outcome: CallOutcome,
    #[schema(example = "spring-2026")]
    pub campaign: Option<String>,
    /// Who called; default: the caller (user or token).
    pub agent: Option<String>,
}

/// A batch of call attempts, recorded all or nothing.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallsInput {
    pub calls: Vec<CallInput>,
}

/// A recorded call attempt. The contact is not named back: an agent logging calls learns
/// nothing it did not send.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallOut {
    pub id: i64,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    #[schema(value_type = CallOutcomeName)]
    pub outcome: CallOutcome,
    /// The ledger grant a `consent_given` call appended (source `call:<id>`).
    pub consent_event_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallsOut {
    pub calls: Vec<CallOut>,
}

fn parse_call(i: usize, c: CallInput, caller: &Caller, region: Region) -> ApiResult<NewCall> {
    let field = |name: &str| format!("calls[{i}].{name}");
    let phone = c
        .phone
        .as_deref()
        .map(|p| parse_phone(&field("phone"), p, region))
        .transpose()?;
    let to = match c.contact_ref.as_deref() {
        Some(r) => CallTo::Contact {
            contact_ref: parse_ref(&field("contact_ref"), r)?,
            phone,
        },
        None => CallTo::Number(phone.ok_or_else(|| {
            ApiError::field(
                "missing_field",
                field("contact_ref"),
                "a contact_ref or a phone is required",
            )
        })?),
    };
    Ok(NewCall {
        line: i as u64,
        to,
        at: c.at,
        outcome: c.outcome,
        campaign: text(&field("campaign"), c.campaign, 128)?,
        agent: text(&field("agent"), c.agent, 128)?.or_else(|| Some(caller.actor())),
    })
}

/// Records calls all or nothing and writes the audit trail: the one way calls get in, for the
/// API and the agent's page alike. A call naming no contact is a 422 naming its field.
pub(crate) async fn record_calls(
    state: &AppState,
    caller: &Caller,
    calls: Vec<NewCall>,
) -> ApiResult<Vec<LoggedCall>> {
    let logged = state
        .store()
        .log_calls(caller.org.id, calls)
        .await
        .map_err(|e| match e {
            StoreError::CallTarget {
                line,
                column,
                reason,
            } => {
                let mut e =
                    ApiError::field("unknown_contact", format!("calls[{line}].{column}"), reason);
                e.status = StatusCode::UNPROCESSABLE_ENTITY;
                e
            }
            other => other.into(),
        })?;
    caller
        .audit(state, "calls.log", Some(format!("calls:{}", logged.len())))
        .await?;
    Ok(logged)
}

/// Record call attempts.
///
/// One call or a small batch (at most 1000), recorded all or nothing. Every outcome counts as an
/// attempt for the limit of four calls in 30 days; `refused` starts 60 days of quiet;
/// `consent_given` also appends a ledger grant on `phone` (method `phone_recorded`) pointing at
/// the call, in the same transaction.
#[utoipa::path(post, path = "/api/v1/calls", tag = TAG_CALLS,
    params(OrgHeader),
    request_body = CallsInput,
    responses(
        (status = 201, description = "Recorded", body = CallsOut),
        (status = 400, description = "A field is missing or invalid; `field` names it", body = ErrorBody),
        (status = 404, description = "Unknown organization", body = ErrorBody),
        (status = 422, description = "A call names no contact of the organization (code `unknown_contact`, `field` names it); nothing was recorded", body = ErrorBody),
    ))]
pub async fn log_calls(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CallsInput>,
) -> ApiResult<(StatusCode, Json<CallsOut>)> {
    if input.calls.is_empty() || input.calls.len() > MAX_CALLS {
        return Err(ApiError::field(
            "invalid_field",
            "calls",
            format!("from 1 to {MAX_CALLS} calls"),
        ));
    }
    // National numbers are read in the organization's region.
    let region = crate::api::org_region(&state, caller.org.id).await?;
    let calls = input
        .calls
        .into_iter()
        .enumerate()
        .map(|(i, c)| parse_call(i, c, &caller, region))
        .collect::<ApiResult<Vec<_>>>()?;
    let logged = record_calls(&state, &caller, calls).await?;
    Ok((
        StatusCode::CREATED,
        Json(CallsOut {
            calls: logged
                .into_iter()
                .map(|l| CallOut {
                    id: l.id,
                    at: l.at,
                    outcome: l.outcome,
                    consent_event_id: l.consent_event_id,
                })
                .collect(),
        }),
    ))
}

/// The agent's question: this number, now (or at `at`), for this campaign.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallCheckQuery {
    /// The number as the agent typed it: E.164, or national in the organization's region.
    #[param(example = "06 12 34 56 78")]
    pub phone: String,
    /// The moment of the call (RFC 3339 with offset); default: now.
    #[param(value_type = Option<String>, format = DateTime)]
    pub at: Option<String>,
    /// The product category the campaign promotes (the contract exception).
    pub product_category: Option<String>,
    /// Default `marketing`.
    #[param(value_type = Option<PurposeName>)]
    pub purpose: Option<Purpose>,
    /// Check against a Bloctel extract older than 30 days (or none) all the same, before
    /// 2026-08-11; the override is written in the audit trail of the check.
    pub allow_stale_opposition_list: Option<bool>,
}

/// The answer an agent gets: nothing but what placing the call takes.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallCheckOut {
    #[schema(value_type = DecisionName)]
    pub decision: Decision,
    #[schema(example = "CALL_FREQUENCY_CAP")]
    pub code: String,
    /// Why, in one sentence (French unless `Accept-Language` prefers English).
    pub sentence: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// May I call this number now, for this campaign?
///
/// Finds the contact by its number and decides with the same engine as the contact's decision
/// (ledger, suppression and opposition lists, the call log's attempts and refusals). The answer
/// holds the decision, its code and sentence and the contact's name, nothing else; the agent
/// then records how the call ended with `POST /api/v1/calls`.
#[utoipa::path(get, path = "/api/v1/calls/check", tag = TAG_CALLS,
    params(OrgHeader, CallCheckQuery,
        ("Accept-Language" = Option<String>, Header, description = "fr (default) or en")),
    responses(
        (status = 200, description = "The answer", body = CallCheckOut),
        (status = 400, description = "An invalid parameter", body = ErrorBody),
        (status = 404, description = "No contact has this number (code `unknown_number`), or unknown organization", body = ErrorBody),
        (status = 409, description = "Several contacts have this number (code `ambiguous_number`), or the Bloctel extract is older than 30 days or missing before 2026-08-11 (code `stale_opposition_list`; see `allow_stale_opposition_list`)", body = ErrorBody),
    ))]
pub async fn check_call(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<CallCheckQuery>,
) -> ApiResult<Json<CallCheckOut>> {
    // The number as the agent typed it, national ones in the organization's region.
    let region = crate::api::org_region(&state, caller.org.id).await?;
    let phone = parse_phone("phone", &q.phone, region)?;
    let at = match q.at.as_deref() {
        Some(s) => Moment::parse(s)
            .map_err(|e| ApiError::field("invalid_parameter", "at", e.to_string()))?,
        None => Moment::from(crate::decisions::now()),
    };
    let question = CallQuestion {
        phone,
        at,
        purpose: q.purpose.unwrap_or(Purpose::Marketing),
        product_category: q.product_category,
        allow_stale_opposition_list: q.allow_stale_opposition_list == Some(true),
    };
    Ok(Json(
        answer_call(&state, &caller, question, lang_of(&headers)).await?,
    ))
}

/// What an agent asks: this number, at this moment, for this purpose and product.
pub(crate) struct CallQuestion {
    pub(crate) phone: PhoneE164,
    pub(crate) at: Moment,
    pub(crate) purpose: Purpose,
    pub(crate) product_category: Option<String>,
    pub(crate) allow_stale_opposition_list: bool,
}

/// Finds the one contact with the number and decides, writing the check in the audit trail:
/// the one answer for the API and the agent's page alike. Errors carry the codes
/// `unknown_number`, `ambiguous_number` and `stale_opposition_list`.
pub(crate) async fn answer_call(
    state: &AppState,
    caller: &Caller,
    q: CallQuestion,
    lang: Lang,
) -> ApiResult<CallCheckOut> {
    let org = &caller.org;
    let store = state.store();
    let at = q.at;
    let phone = q.phone;
    let found = store
        .contacts(
            org.id,
            &ContactQuery {
                phone: Some(phone),
                limit: 2,
                ..Default::default()
            },
        )
        .await?;
    let contact = match found.contacts.as_slice() {
        [one] => one,
        [] => {
            let mut e =
                ApiError::not_found("phone: no contact of this organization has this number");
            e.code = "unknown_number".into();
            e.field = Some("phone".into());
            return Err(e);
        }
        _ => {
            let mut e = ApiError::field(
                "ambiguous_number",
                "phone",
                "several contacts have this number: ask by contact reference",
            );
            e.status = StatusCode::CONFLICT;
            return Err(e);
        }
    };
    let ask = Ask {
        jurisdiction: Jurisdiction::Fr,
        at,
        channel: Channel::Phone,
        purpose: q.purpose,
        campaign: Campaign {
            product_category: q
                .product_category
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty()),
            ..Campaign::default()
        },
    };
    // Before 2026-08-11, consumer calls are checked against a Bloctel extract of at most 30
    // days, unless the caller overrides it; the override is in the audit trail.
    let extract_date = store
        .opposition_lists(org.id)
        .await?
        .into_iter()
        .find(|l| l.name == vigie_core::opposition::BLOCTEL)
        .and_then(|l| l.extract_date);
    let ctx = DecisionContext::new(
        ask.jurisdiction,
        ask.at,
        ask.channel,
        ask.purpose,
        &ask.campaign,
    );
    let extract = vigie_core::check_bloctel_extract(&ctx, extract_date);
    let overridden = extract.refuses() && q.allow_stale_opposition_list;
    if extract.refuses() && !overridden {
        let mut e = ApiError::field(
            "stale_opposition_list",
            "allow_stale_opposition_list",
            extract.reason(),
        );
        e.status = StatusCode::CONFLICT;
        return Err(e);
    }
    caller
        .audit(
            state,
            if overridden {
                "call.check.stale_opposition_list_overridden"
            } else {
                "call.check"
            },
            Some(format!("contact:{}", contact.data.contact_ref)),
        )
        .await?;
    let events = store.ledger(org.id, &contact.data.contact_ref).await?;
    let decided = decide_stored(state, org.id, contact, &events, ask, lang)
        .await?
        .map_err(|_| ApiError::internal())?;
    Ok(CallCheckOut {
        decision: decided.response.decision,
        code: decided.response.code.to_string(),
        sentence: decided.response.explanation,
        first_name: contact.data.first_name.clone(),
        last_name: contact.data.last_name.clone(),
    })
}
