//! The JSON API, version 1.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigie_core::{
    Campaign, Channel, DecisionRequest, DecisionResponse, Jurisdiction, Lang, Moment, Purpose,
    Region, parse_request,
};
use vigie_store::{ContactQuery, OrgId};

use crate::AppState;
use crate::auth::Caller;
use crate::decisions::{Ask, MissingIdentifier, decide_stored};
use crate::dto::*;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, JsonBytes, page_limit};

/// Default page size of contact listings.
const DEFAULT_LIMIT: u32 = 100;

/// Region in which phone numbers written without a country code are read: the organization's
/// setting (`vigie org set --region`, `PUT /api/v1/org/settings`; France by default).
pub(crate) async fn org_region(state: &AppState, org: OrgId) -> ApiResult<Region> {
    Ok(state.store().org_settings(org).await?.region)
}

pub const TAG_CONTACTS: &str = "contacts";
pub const TAG_LEDGER: &str = "consent ledger";
pub const TAG_DECISIONS: &str = "decisions";
pub const TAG_SERVER: &str = "server";

// ----------------------------------------------------------------------------------- server

/// Liveness: answers without touching the store.
#[utoipa::path(get, path = "/healthz", tag = TAG_SERVER,
    responses((status = 200, description = "The server is up", body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        store: state.store().kind(),
    })
}

// --------------------------------------------------------------------------------- contacts

/// Create a contact.
///
/// Phone numbers may be sent in E.164 or in the national format of the organization's region
/// (FR); e-mail addresses are trimmed and lower-cased. Personal fields are encrypted at rest.
#[utoipa::path(post, path = "/api/v1/contacts", tag = TAG_CONTACTS,
    params(OrgHeader),
    request_body = NewContactInput,
    responses(
        (status = 201, description = "Created", body = ContactOut),
        (status = 400, description = "A field is missing or invalid", body = ErrorBody),
        (status = 404, description = "Unknown organization", body = ErrorBody),
        (status = 409, description = "A contact with this contact_ref exists (code `contact_exists`)", body = ErrorBody),
    ))]
pub async fn create_contact(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<ContactInput>,
) -> ApiResult<(StatusCode, Json<ContactOut>)> {
    let org = &caller.org;
    let data = input.into_data(None, org_region(&state, org.id).await?)?;
    caller
        .audit(&state, "contact.create", Some(target(&data.contact_ref)))
        .await?;
    match state.store().create_contact(org.id, &data).await {
        Ok(contact) => Ok((StatusCode::CREATED, Json(contact.into()))),
        Err(vigie_store::StoreError::Conflict(_)) => Err(contact_exists(&data.contact_ref)),
        Err(e) => Err(e.into()),
    }
}

/// How the audit trail names a contact.
fn target(r: &vigie_core::ContactRef) -> String {
    format!("contact:{}", r.as_str())
}

fn contact_exists(r: &vigie_core::ContactRef) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::CONFLICT,
        "contact_exists",
        format!(
            "contact_ref: a contact {:?} already exists (use PUT or PATCH to change it)",
            r.as_str()
        ),
    );
    e.field = Some("contact_ref".into());
    e
}

fn contact_not_found(r: &str) -> ApiError {
    ApiError::not_found(format!(
        "no contact with contact_ref {r:?} in this organization"
    ))
}

/// List or find contacts.
///
/// Without `email` or `phone`, lists the organization's contacts in creation order, page by page.
/// With them, finds contacts by **exact** identifier: identifiers are stored encrypted and found
/// through keyed blind indexes, so there is no partial, prefix or fuzzy search. E-mail case and
/// surrounding spaces do not matter; phone numbers may be written nationally (FR).
#[utoipa::path(get, path = "/api/v1/contacts", tag = TAG_CONTACTS,
    params(OrgHeader, ContactSearch),
    responses(
        (status = 200, description = "A page of contacts", body = ContactPageOut),
        (status = 400, description = "An invalid parameter", body = ErrorBody),
        (status = 404, description = "Unknown organization", body = ErrorBody),
    ))]
pub async fn list_contacts(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ContactSearch>,
) -> ApiResult<Json<ContactPageOut>> {
    let org = &caller.org;
    let limit = page_limit(q.limit, DEFAULT_LIMIT, vigie_store::MAX_PAGE)?;
    let region = match q.phone {
        Some(_) => org_region(&state, org.id).await?,
        None => Region::FR,
    };
    let query = ContactQuery {
        email: q
            .email
            .as_deref()
            .map(|e| parse_email("email", e))
            .transpose()?,
        phone: q
            .phone
            .as_deref()
            .map(|p| parse_phone("phone", p, region))
            .transpose()?,
        // The API finds contacts by identifier, forwards; name, audience and the way back are
        // the web page's.
        after_id: q.after_id,
        limit,
        ..ContactQuery::default()
    };
    let action = if query.email.is_some() || query.phone.is_some() {
        "contact.search"
    } else {
        "contact.list"
    };
    let page = state.store().contacts(org.id, &query).await?;
    let refs = page.contacts.iter().map(|c| c.data.contact_ref.as_str());
    caller.audit_set(&state, action, "contacts", refs).await?;
    Ok(Json(ContactPageOut {
        contacts: page.contacts.into_iter().map(Into::into).collect(),
        next_after_id: page.next_after_id,
    }))
}

/// Read a contact.
#[utoipa::path(get, path = "/api/v1/contacts/{contact_ref}", tag = TAG_CONTACTS,
    params(OrgHeader, ("contact_ref" = String, Path, description = "The contact's reference")),
    responses(
        (status = 200, description = "The contact", body = ContactOut),
        (status = 404, description = "Unknown contact or organization", body = ErrorBody),
    ))]
pub async fn get_contact(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(contact_ref): ApiPath<String>,
) -> ApiResult<Json<ContactOut>> {
    let org = &caller.org;
    let r = parse_ref("contact_ref", &contact_ref)?;
    caller
        .audit(&state, "contact.read", Some(target(&r)))
        .await?;
    let contact = state
        .store()
        .contact(org.id, &r)
        .await?
        .ok_or_else(|| contact_not_found(&contact_ref))?;
    let archive = accounting_archive_of(&state, org.id, contact.id).await?;
    Ok(Json(ContactOut {
        accounting_archive: archive,
        ..contact.into()
    }))
}

/// A contact's accounting archive with its last day on the organization's calendar.
pub(crate) async fn accounting_archive_of(
    state: &AppState,
    org: vigie_store::OrgId,
    contact_id: i64,
) -> ApiResult<Option<crate::dto::AccountingArchiveOut>> {
    let store = state.store();
    let Some(archive) = store.accounting_archive(org, contact_id).await? else {
        return Ok(None);
    };
    let zone = jiff::tz::TimeZone::get(&store.org_settings(org).await?.time_zone)
        .unwrap_or(jiff::tz::TimeZone::UTC);
    Ok(Some(crate::dto::AccountingArchiveOut {
        until: archive.until,
        last_day: vigie_core::retention::hold_last_day(archive.until, &zone).to_string(),
        reduced_at: archive.reduced_at,
    }))
}

/// Replace a contact's fields.
///
/// Every field is replaced: a field left out takes its default (absent, `false` or empty).
/// The contact must exist (create it with `POST /api/v1/contacts`).
#[utoipa::path(put, path = "/api/v1/contacts/{contact_ref}", tag = TAG_CONTACTS,
    params(OrgHeader, ("contact_ref" = String, Path, description = "The contact's reference")),
    request_body = ContactInput,
    responses(
        (status = 200, description = "The contact as stored", body = ContactOut),
        (status = 400, description = "A field is missing or invalid", body = ErrorBody),
        (status = 404, description = "Unknown contact or organization", body = ErrorBody),
    ))]
pub async fn put_contact(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(contact_ref): ApiPath<String>,
    ApiJson(input): ApiJson<ContactInput>,
) -> ApiResult<Json<ContactOut>> {
    let org = &caller.org;
    let r = parse_ref("contact_ref", &contact_ref)?;
    let data = input.into_data(Some(&r), org_region(&state, org.id).await?)?;
    caller
        .audit(&state, "contact.update", Some(target(&r)))
        .await?;
    let store = state.store();
    if store.contact(org.id, &r).await?.is_none() {
        return Err(contact_not_found(&contact_ref));
    }
    let (contact, _) = store.upsert_contact(org.id, &data).await?;
    Ok(Json(contact.into()))
}

/// Change some of a contact's fields.
///
/// Only the fields given change; `null` clears an optional field (e-mail, phone, names,
/// collection details).
#[utoipa::path(patch, path = "/api/v1/contacts/{contact_ref}", tag = TAG_CONTACTS,
    params(OrgHeader, ("contact_ref" = String, Path, description = "The contact's reference")),
    request_body = ContactPatch,
    responses(
        (status = 200, description = "The contact as stored", body = ContactOut),
        (status = 400, description = "A field is invalid", body = ErrorBody),
        (status = 404, description = "Unknown contact or organization", body = ErrorBody),
    ))]
pub async fn patch_contact(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(contact_ref): ApiPath<String>,
    ApiJson(patch): ApiJson<ContactPatch>,
) -> ApiResult<Json<ContactOut>> {
    let org = &caller.org;
    let r = parse_ref("contact_ref", &contact_ref)?;
    caller
        .audit(&state, "contact.update", Some(target(&r)))
        .await?;
    let store = state.store();
    let current = store
        .contact(org.id, &r)
        .await?
        .ok_or_else(|| contact_not_found(&contact_ref))?;
    let data = patch.apply(current.data, org_region(&state, org.id).await?)?;
    let (contact, _) = store.upsert_contact(org.id, &data).await?;
    Ok(Json(contact.into()))
}

// ----------------------------------------------------------------------------------- ledger

/// Append an event to a contact's consent ledger.
///
/// The ledger is append-only: events are never changed nor deleted, a withdrawal or an objection
/// is a new event. Sending an event whose content is already in the ledger stores nothing and
/// answers 200 with the stored event (retries are safe).
#[utoipa::path(post, path = "/api/v1/contacts/{contact_ref}/events", tag = TAG_LEDGER,
    params(OrgHeader, ("contact_ref" = String, Path, description = "The contact's reference")),
    request_body = EventInput,
    responses(
        (status = 201, description = "Appended", body = EventOut),
        (status = 200, description = "Already in the ledger: the stored event", body = EventOut),
        (status = 400, description = "A field is missing or invalid", body = ErrorBody),
        (status = 404, description = "Unknown contact or organization", body = ErrorBody),
    ))]
pub async fn append_event(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(contact_ref): ApiPath<String>,
    ApiJson(input): ApiJson<EventInput>,
) -> ApiResult<(StatusCode, Json<EventOut>)> {
    let org = &caller.org;
    let r = parse_ref("contact_ref", &contact_ref)?;
    let event = input.into_event()?;
    caller
        .audit(&state, "ledger.append", Some(target(&r)))
        .await?;
    let store = state.store();
    if store.contact(org.id, &r).await?.is_none() {
        return Err(contact_not_found(&contact_ref));
    }
    let (stored, inserted) = store.append_event(org.id, &r, &event).await?;
    let status = if inserted {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(stored.into())))
}

/// Read a contact's consent ledger, in recording order.
#[utoipa::path(get, path = "/api/v1/contacts/{contact_ref}/events", tag = TAG_LEDGER,
    params(OrgHeader, ("contact_ref" = String, Path, description = "The contact's reference")),
    responses(
        (status = 200, description = "The ledger", body = LedgerOut),
        (status = 404, description = "Unknown contact or organization", body = ErrorBody),
    ))]
pub async fn list_events(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(contact_ref): ApiPath<String>,
) -> ApiResult<Json<LedgerOut>> {
    let org = &caller.org;
    let r = parse_ref("contact_ref", &contact_ref)?;
    let store = state.store();
    if store.contact(org.id, &r).await?.is_none() {
        return Err(contact_not_found(&contact_ref));
    }
    caller
        .audit(&state, "ledger.read", Some(target(&r)))
        .await?;
    let events = store.ledger(org.id, &r).await?;
    Ok(Json(LedgerOut {
        contact_ref: r.as_str().to_owned(),
        events: events.into_iter().map(Into::into).collect(),
    }))
}

// -------------------------------------------------------------------------------- decisions

/// The language of explanations: `Accept-Language` (French unless English is preferred).
pub fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// Decide: may we contact this person, on this channel, for this purpose, at this time — and why?
///
/// Takes the whole situation in the request (DECISIONS.md) and stores nothing. Explanations are in
/// French unless `Accept-Language` prefers English. A request that cannot be read gets a 400
/// naming the field, never a decision.
#[utoipa::path(post, path = "/api/v1/decide", tag = TAG_DECISIONS,
    params(("Accept-Language" = Option<String>, Header, description = "fr (default) or en")),
    request_body = DecisionRequestDoc,
    responses(
        (status = 200, description = "The decision", body = DecisionResponseDoc),
        (status = 400, description = "The request cannot be read; `field` names the field", body = ErrorBody),
    ))]
pub async fn decide(headers: HeaderMap, JsonBytes(body): JsonBytes) -> Response {
    let lang = lang_of(&headers);
    let text = match std::str::from_utf8(&body) {
        Ok(t) => t,
        Err(_) => {
            return ApiError::bad_request("invalid_json", "the body is not UTF-8").into_response();
        }
    };
    match parse_request(text) {
        Ok(request) => Json(vigie_core::decide(&request, lang)).into_response(),
        Err(e) => crate::error::from_request_error(&e).into_response(),
    }
}

/// The campaign of a decision about a stored contact.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DecisionQuery {
    /// The channel of contact.
    #[param(value_type = ChannelName)]
    pub channel: Channel,
    /// The moment of contact (RFC 3339 with offset); default: now.
    #[param(value_type = Option<String>, format = DateTime)]
    pub at: Option<String>,
    /// The product category the campaign promotes (soft opt-in and the contract exception).
    pub product_category: Option<String>,
    /// Default `marketing`.
    #[param(value_type = Option<PurposeName>)]
    pub purpose: Option<Purpose>,
    /// Default FR.
    #[param(value_type = Option<JurisdictionName>)]
    pub jurisdiction: Option<Jurisdiction>,
    /// B2B: the message concerns the recipient's job (default false).
    pub relates_to_profession: Option<bool>,
    /// `false` for a non-commercial appeal (default true).
    pub commercial: Option<bool>,
    /// An offer of newspapers, periodicals or magazines (default false).
    pub press: Option<bool>,
}

impl DecisionQuery {
    pub fn ask(self) -> ApiResult<Ask> {
        let at = match self.at.as_deref() {
            Some(s) => Moment::parse(s)
                .map_err(|e| ApiError::field("invalid_parameter", "at", e.to_string()))?,
            None => Moment::from(crate::decisions::now()),
        };
        let product_category = self
            .product_category
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        Ok(Ask {
            jurisdiction: self.jurisdiction.unwrap_or(Jurisdiction::Fr),
            at,
            channel: self.channel,
            purpose: self.purpose.unwrap_or(Purpose::Marketing),
            campaign: Campaign {
                product_category,
                relates_to_profession: self.relates_to_profession.unwrap_or(false),
                commercial: self.commercial.unwrap_or(true),
                press: self.press.unwrap_or(false),
            },
        })
    }
}

/// A decision about a stored contact: the contract's response, the rule pack applied and the
/// request the engine was given (built from the store).
/// What reaching the contact on the channel takes: the name to greet and the identifier to use.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reach {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// The e-mail address (e-mail channel) or the E.164 number (phone, SMS, WhatsApp, fax …).
    #[schema(example = "+33612345678")]
    pub identifier: Option<String>,
}

impl Reach {
    fn of(c: &vigie_store::ContactData, channel: Channel) -> Reach {
        let identifier = if channel == Channel::Email {
            c.email.as_ref().map(|e| e.as_str().to_owned())
        } else if channel.uses_phone_number() {
            c.phone.as_ref().map(|p| p.as_str().to_owned())
        } else {
            None
        };
        Reach {
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            identifier,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactDecisionOut {
    pub reach: Reach,
    #[serde(flatten)]
    #[schema(inline, value_type = DecisionResponseDoc)]
    pub response: DecisionResponse,
    /// The rule pack applied, e.g. `FR-2026-08-11`.
    #[schema(example = "FR-2026-08-11")]
    pub rule_pack: &'static str,
    /// The request built from the store (the facts the engine read).
    /// The request the decision was made on (facts and ledger); only for callers who may read
    /// the ledger.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<DecisionRequestDoc>)]
    pub request: Option<DecisionRequest>,
}

/// Decide about a stored contact.
///
/// Builds the decision request from the store — the contact's fields, its consent ledger, the
/// suppression list (the e-mail address for `email`, the phone number for phone-number channels)
/// and the opposition list (the phone number) — and answers with the same engine as
/// `POST /api/v1/decide`. No call log is kept yet: calls in the last 30 days count as 0.
#[utoipa::path(get, path = "/api/v1/contacts/{contact_ref}/decision", tag = TAG_DECISIONS,
    params(OrgHeader, ("contact_ref" = String, Path, description = "The contact's reference"), DecisionQuery,
        ("Accept-Language" = Option<String>, Header, description = "fr (default) or en")),
    responses(
        (status = 200, description = "The decision", body = ContactDecisionOut),
        (status = 400, description = "An invalid parameter", body = ErrorBody),
        (status = 404, description = "Unknown contact or organization", body = ErrorBody),
        (status = 422, description = "The contact has no identifier for this channel (code `no_identifier`)", body = ErrorBody),
    ))]
pub async fn contact_decision(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(contact_ref): ApiPath<String>,
    ApiQuery(q): ApiQuery<DecisionQuery>,
) -> ApiResult<Json<ContactDecisionOut>> {
    let org = &caller.org;
    let r = parse_ref("contact_ref", &contact_ref)?;
    let ask = q.ask()?;
    let ask_channel = ask.channel;
    caller
        .audit(&state, "contact.decide", Some(target(&r)))
        .await?;
    let store = state.store();
    let contact = store
        .contact(org.id, &r)
        .await?
        .ok_or_else(|| contact_not_found(&contact_ref))?;
    let events = store.ledger(org.id, &r).await?;
    match decide_stored(&state, org.id, &contact, &events, ask, lang_of(&headers)).await? {
        Ok(d) => Ok(Json(ContactDecisionOut {
            reach: Reach::of(&contact.data, ask_channel),
            response: d.response,
            rule_pack: d.rule_pack,
            // The facts and ledger behind the decision go only to who may read the ledger
            // (a call centre agent gets the name, the number and the answer).
            request: caller
                .may(vigie_core::Permission::LedgerRead)
                .then_some(d.request),
        })),
        Err(missing) => {
            let what = match missing {
                MissingIdentifier::Email => "an e-mail address",
                MissingIdentifier::Phone => "a phone number",
            };
            let mut e = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "no_identifier",
                format!("channel: the contact has no {what}, so this channel cannot reach it"),
            );
            e.field = Some("channel".into());
            Err(e)
        }
    }
}

// -------------------------------------------------------------------------- OpenAPI schemas

/// The `Vigie-Org` header, documented on every organization-scoped route.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct OrgHeader {
    /// The organization (slug) the request works on; default `default`. An unknown organization
    /// answers 404 with the code `unknown_organization`.
    #[param(rename = "Vigie-Org", example = "demo")]
    #[allow(dead_code)]
    vigie_org: Option<String>,
}

/// A decision request (DECISIONS.md). Fields other than `jurisdiction`, `at`, `channel`,
/// `purpose` and `contact.audience` may be left out and take the contract's defaults; only the
/// ones the contract shows as nullable may be `null`. Unknown fields are refused.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct DecisionRequestDoc {
    #[schema(value_type = JurisdictionName)]
    jurisdiction: String,
    /// The moment of contact, RFC 3339 with offset.
    #[schema(format = DateTime, example = "2026-11-24T10:30:00+01:00")]
    at: String,
    #[schema(value_type = ChannelName)]
    channel: String,
    #[schema(value_type = PurposeName)]
    purpose: String,
    #[schema(nullable = false)]
    campaign: Option<CampaignDoc>,
    contact: ContactFactsDoc,
}

/// What the campaign says about its message.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct CampaignDoc {
    #[schema(example = "optics")]
    product_category: Option<String>,
    /// Default false.
    #[schema(nullable = false)]
    relates_to_profession: Option<bool>,
    /// Default true; false for a non-commercial appeal.
    #[schema(nullable = false)]
    commercial: Option<bool>,
    /// Default false; true for the supply of newspapers, periodicals or magazines (outside
    /// Bloctel and the opt-in rule for consumer calls, not outside the calling hours).
    #[schema(nullable = false)]
    press: Option<bool>,
}

// The document's bounds below are literals (utoipa's attributes take no paths): keep them the
// core's.
const _: () = assert!(vigie_core::MAX_REQUEST_EVENTS == 10_000);
const _: () = assert!(vigie_core::MAX_CUSTOMER_CATEGORIES == 64);

/// The facts about the contact.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ContactFactsDoc {
    #[schema(value_type = AudienceName)]
    audience: String,
    #[schema(nullable = false)]
    customer: Option<bool>,
    /// At most 64.
    #[schema(nullable = false, max_items = 64)]
    customer_categories: Option<Vec<String>>,
    #[schema(nullable = false)]
    contract_active: Option<bool>,
    #[schema(format = DateTime)]
    collected_at: Option<String>,
    collected_via: Option<String>,
    /// Default false: what was not recorded is not presumed.
    #[schema(nullable = false)]
    informed: Option<bool>,
    /// Default false: what was not recorded is not presumed.
    #[schema(nullable = false)]
    objection_offered: Option<bool>,
    #[schema(nullable = false)]
    restricted: Option<bool>,
    #[schema(nullable = false)]
    suppressed: Option<bool>,
    #[schema(nullable = false)]
    on_opposition_list: Option<bool>,
    /// 0 to 4294967295.
    #[schema(nullable = false, format = Int64, maximum = 4294967295.0)]
    calls_last_30_days: Option<u32>,
    #[schema(format = DateTime)]
    last_call_refusal_at: Option<String>,
    /// The consumer's IANA time zone (calling hours are read in it); absent or `null`: the
    /// jurisdiction's (FR Europe/Paris, DE Europe/Berlin, UK Europe/London), as a stored
    /// contact's decision shows when neither its record nor its number tells a zone.
    #[schema(example = "Indian/Reunion")]
    time_zone: Option<String>,
    /// At most 10,000.
    #[schema(nullable = false, max_items = 10000)]
    events: Option<Vec<ConsentEventDoc>>,
}

/// A consent ledger event as the rules read it.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ConsentEventDoc {
    #[schema(value_type = ChannelScopeName)]
    channel: String,
    #[schema(value_type = PurposeName)]
    purpose: String,
    #[schema(value_type = ActionName)]
    action: String,
    #[schema(format = DateTime)]
    at: String,
    #[schema(value_type = MethodName)]
    method: String,
}

/// The answer.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DecisionResponseDoc {
    #[schema(value_type = DecisionName)]
    decision: String,
    #[schema(value_type = CodeName)]
    code: String,
    /// One sentence for a person.
    explanation: String,
    /// The texts behind the decision.
    #[schema(example = json!(["FR CPCE L34-5"]))]
    references: Vec<String>,
}
