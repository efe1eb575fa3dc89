//! What the API reads and writes, with its OpenAPI schemas. The wire shapes live here, apart from
//! the store's model, so that a change of storage never changes the API by accident.

use std::net::IpAddr;

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};
use vigie_core::{
    Action, Audience, ChannelScope, ContactRef, Email, Method, PhoneE164, Purpose, Region, Zone,
};
use vigie_store::{Contact, ContactData, NewConsentEvent, StoredEvent};

use crate::error::{ApiError, ApiResult};

/// Declares a string schema whose values are a vocabulary of the core (`ALL`), so that the
/// OpenAPI document lists exactly what the server accepts.
macro_rules! vocabulary_schema {
    ($name:ident, $vocab:ty, $description:literal) => {
        #[doc = $description]
        pub struct $name;
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .description(Some($description))
                    .enum_values(Some(<$vocab>::ALL.iter().map(|v| v.as_str())))
                    .into()
            }
        }
        impl ToSchema for $name {}
    };
}

vocabulary_schema!(AudienceName, Audience, "Who is behind the identifiers.");
vocabulary_schema!(ChannelName, vigie_core::Channel, "A channel of contact.");
vocabulary_schema!(
    ChannelScopeName,
    ChannelScope,
    "The channel an event applies to; `any` for every channel."
);
vocabulary_schema!(PurposeName, Purpose, "Why the data is processed.");
vocabulary_schema!(
    ActionName,
    Action,
    "What the event says: consent given, withdrawn, or an objection."
);
vocabulary_schema!(
    MethodName,
    Method,
    "How the event was collected (part of its proof)."
);
vocabulary_schema!(
    JurisdictionName,
    vigie_core::Jurisdiction,
    "Whose law applies."
);
vocabulary_schema!(DecisionName, vigie_core::Decision, "allow or deny.");
vocabulary_schema!(
    CallOutcomeName,
    vigie_core::CallOutcome,
    "How a call attempt ended; every outcome is an attempt."
);
// outbox (issue 15)
vocabulary_schema!(
    WebhookEventName,
    vigie_core::webhooks::WebhookEvent,
    "A change a webhook endpoint can subscribe to."
);
vocabulary_schema!(
    InboundKindName,
    vigie_core::webhooks::InboundKind,
    "What an e-mail service reports about an address."
);
vocabulary_schema!(
    DeliveryStatusName,
    vigie_store::DeliveryStatus,
    "Where a webhook delivery stands."
);
vocabulary_schema!(
    CodeName,
    vigie_core::Code,
    "The legal basis of an allow, or the first reason that blocks a deny."
);

vocabulary_schema!(
    RoleName,
    vigie_core::Role,
    "A member's role in the organization."
);

/// An IPv4 or IPv6 address.
pub struct IpAddress;

impl PartialSchema for IpAddress {
    fn schema() -> RefOr<Schema> {
        use utoipa::openapi::schema::{KnownFormat, OneOfBuilder, SchemaFormat};
        let address = |format| {
            ObjectBuilder::new()
                .schema_type(SchemaType::new(Type::String))
                .format(Some(SchemaFormat::KnownFormat(format)))
        };
        OneOfBuilder::new()
            .item(address(KnownFormat::Ipv4))
            .item(address(KnownFormat::Ipv6))
            .description(Some("An IPv4 or IPv6 address."))
            .into()
    }
}

impl ToSchema for IpAddress {}

/// A permission an API token can carry.
pub struct ScopeName;

impl PartialSchema for ScopeName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .description(Some("A permission an API token can carry."))
            .enum_values(Some(vigie_core::Permission::scopes().map(|p| p.as_str())))
            .into()
    }
}

impl ToSchema for ScopeName {}

/// Longest free-text field accepted (names, sources, notice versions).
const MAX_TEXT: usize = 256;
/// Longest user agent accepted.
const MAX_USER_AGENT: usize = 1024;

/// Present-or-absent for PATCH: an absent field stays `None`, a present one (even `null`) is
/// `Some(value)`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// An integer field that also reads a number written with a zero fraction (`2.0`): JSON Schema,
/// and so the OpenAPI document, counts it as the integer 2.
pub fn whole<'de, D: Deserializer<'de>, T: TryFrom<u64>>(d: D) -> Result<T, D::Error> {
    d.deserialize_any(WholeVisitor(std::marker::PhantomData))
}

/// [`whole`] for an optional field (`null` or absent is `None`).
pub fn optional_whole<'de, D: Deserializer<'de>, T: TryFrom<u64>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    struct Optional<T>(std::marker::PhantomData<T>);
    impl<'de, T: TryFrom<u64>> serde::de::Visitor<'de> for Optional<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("null or a whole number")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            whole(d).map(Some)
        }
    }
    d.deserialize_option(Optional(std::marker::PhantomData))
}

struct WholeVisitor<T>(std::marker::PhantomData<T>);

impl<T: TryFrom<u64>> serde::de::Visitor<'_> for WholeVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a whole number in range")
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
        let n = u64::try_from(v)
            .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(v), &self))?;
        self.visit_u64(n)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<T, E> {
        // Below 2^53 every whole float is exact; above, "whole" says nothing about the value sent.
        if v.fract() == 0.0 && (0.0..9_007_199_254_740_992.0).contains(&v) {
            self.visit_u64(v as u64)
        } else {
            Err(E::invalid_value(serde::de::Unexpected::Float(v), &self))
        }
    }
}

pub(crate) fn text(field: &str, value: Option<String>, max: usize) -> ApiResult<Option<String>> {
    match value {
        None => Ok(None),
        Some(s) => {
            let s = s.trim();
            if s.chars().count() > max {
                return Err(ApiError::field(
                    "too_long",
                    field,
                    format!("at most {max} characters"),
                ));
            }
            if s.chars().any(char::is_control) {
                return Err(ApiError::field(
                    "invalid_field",
                    field,
                    "control characters are not allowed",
                ));
            }
            Ok((!s.is_empty()).then(|| s.to_owned()))
        }
    }
}

pub fn parse_ref(field: &str, s: &str) -> ApiResult<ContactRef> {
    ContactRef::parse(s).map_err(|e| ApiError::field("invalid_contact_ref", field, e.to_string()))
}

pub fn parse_email(field: &str, s: &str) -> ApiResult<Email> {
    Email::parse(s).map_err(|e| ApiError::field("invalid_email", field, e.to_string()))
}

/// A phone number in E.164 or written nationally in `region`.
pub fn parse_phone(field: &str, s: &str, region: Region) -> ApiResult<PhoneE164> {
    PhoneE164::parse(s, region).map_err(|e| ApiError::field("invalid_phone", field, e.to_string()))
}

fn categories(value: Vec<String>) -> ApiResult<Vec<String>> {
    if value.len() > vigie_core::MAX_CUSTOMER_CATEGORIES {
        return Err(ApiError::field(
            "too_many",
            "customer_categories",
            format!("at most {} categories", vigie_core::MAX_CUSTOMER_CATEGORIES),
        ));
    }
    let mut out = Vec::with_capacity(value.len());
    for (i, c) in value.into_iter().enumerate() {
        let field = format!("customer_categories[{i}]");
        let c = text(&field, Some(c), 64)?
            .ok_or_else(|| ApiError::field("invalid_field", &field, "empty category"))?;
        if c.contains('|') {
            return Err(ApiError::field(
                "invalid_field",
                field,
                "a category cannot contain '|'",
            ));
        }
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

/// A contact's fields, as created (`POST`) or replaced (`PUT`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// The reference the client system (CRM) gives the contact; unique within the organization.
    /// Required to create; on `PUT` it may be left out, and must equal the path's if given.
    /// Never `null`: a reference is a text.
    #[serde(default, deserialize_with = "present")]
    #[schema(
        example = "C00000042",
        nullable = false,
        min_length = 1,
        max_length = 128
    )]
    pub contact_ref: Option<String>,
    /// E-mail address (trimmed and lower-cased).
    #[schema(example = "marie.martin@orange.fr")]
    pub email: Option<String>,
    /// Phone number, in E.164 or in the national format of the organization's region (FR).
    #[schema(example = "06 12 34 56 78")]
    pub phone: Option<String>,
    /// At most 256 characters, no control characters (as every free text).
    #[schema(max_length = 256, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub first_name: Option<String>,
    #[schema(max_length = 256, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub last_name: Option<String>,
    #[schema(value_type = AudienceName)]
    pub audience: Audience,
    /// Has bought from the organization.
    #[serde(default)]
    pub customer: bool,
    /// Product categories bought (soft opt-in and the phone contract exception read them).
    #[serde(default)]
    #[schema(example = json!(["optics"]))]
    pub customer_categories: Vec<String>,
    /// How the contact was collected (web_form, trade_show …).
    #[schema(
        example = "web_form",
        max_length = 256,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub collected_via: Option<String>,
    /// When the contact was collected (RFC 3339).
    #[schema(value_type = Option<String>, format = DateTime, example = "2025-06-01T09:00:00Z")]
    pub collected_at: Option<Timestamp>,
    /// Told at collection that the data serves prospecting.
    #[serde(default)]
    pub informed: bool,
    /// Offered a simple, free way to object at collection.
    #[serde(default)]
    pub objection_offered: bool,
    /// A contract is running.
    #[serde(default)]
    pub contract_active: bool,
    /// GDPR art. 18 restriction in force.
    #[serde(default)]
    pub restricted: bool,
    /// The consumer's IANA time zone, if known: calling hours are read in it. Left out, they are
    /// read in the zone the phone number implies (French overseas numbers have their own), else
    /// in the jurisdiction's.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, example = "Indian/Reunion")]
    pub time_zone: Option<String>,
    /// The end of the relationship or the last purchase, if known: a customer's retention
    /// period and the accounting archive count from it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = DateTime, nullable = false, example = "2025-06-01T09:00:00Z")]
    pub relationship_ended_at: Option<Timestamp>,
}

/// An IANA time zone name.
pub fn parse_zone(field: &str, s: &str) -> ApiResult<Zone> {
    Zone::parse(s).map_err(|e| ApiError::field("invalid_time_zone", field, e.to_string()))
}

impl ContactInput {
    /// Checks the fields; `path_ref` is the reference of the URL, if any.
    pub fn into_data(
        self,
        path_ref: Option<&ContactRef>,
        region: Region,
    ) -> ApiResult<ContactData> {
        let contact_ref = match (self.contact_ref, path_ref) {
            (Some(r), path) => {
                let r = parse_ref("contact_ref", &r)?;
                if let Some(p) = path
                    && *p != r
                {
                    return Err(ref_mismatch());
                }
                r
            }
            (None, Some(p)) => p.clone(),
            (None, None) => {
                return Err(ApiError::field(
                    "missing_field",
                    "contact_ref",
                    "this field is required",
                ));
            }
        };
        Ok(ContactData {
            contact_ref,
            email: self
                .email
                .as_deref()
                .map(|s| parse_email("email", s))
                .transpose()?,
            phone: self
                .phone
                .as_deref()
                .map(|s| parse_phone("phone", s, region))
                .transpose()?,
            first_name: text("first_name", self.first_name, MAX_TEXT)?,
            last_name: text("last_name", self.last_name, MAX_TEXT)?,
            audience: self.audience,
            customer: self.customer,
            customer_categories: categories(self.customer_categories)?,
            collected_via: text("collected_via", self.collected_via, MAX_TEXT)?,
            collected_at: self.collected_at,
            informed: self.informed,
            objection_offered: self.objection_offered,
            contract_active: self.contract_active,
            restricted: self.restricted,
            time_zone: self
                .time_zone
                .as_deref()
                .map(|s| parse_zone("time_zone", s))
                .transpose()?,
            relationship_ended_at: self.relationship_ended_at,
        })
    }
}

fn ref_mismatch() -> ApiError {
    ApiError::field(
        "contact_ref_mismatch",
        "contact_ref",
        "differs from the contact reference in the URL",
    )
}

/// [`ContactInput`] as `POST` reads it: `contact_ref` is required to create.
pub struct NewContactInput;

impl PartialSchema for NewContactInput {
    fn schema() -> RefOr<Schema> {
        let mut schema = ContactInput::schema();
        if let RefOr::T(Schema::Object(object)) = &mut schema {
            object.required.push("contact_ref".to_owned());
            object.description = Some("A contact to create (`contact_ref` is required).".into());
        }
        schema
    }
}

impl ToSchema for NewContactInput {}

/// A partial update: only the fields given change. `null` clears an optional field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPatch {
    /// If given, must equal the reference in the URL (a contact's reference cannot change).
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub contact_ref: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// E.164 or the national format of the organization's region (FR).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 256, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub first_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 256, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub last_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = AudienceName)]
    pub audience: Option<Audience>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub customer: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub customer_categories: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 256, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub collected_via: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub collected_at: Option<Option<Timestamp>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub informed: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub objection_offered: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub contract_active: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub restricted: Option<bool>,
    /// An IANA time zone name; `null` forgets the recorded zone.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "Indian/Reunion")]
    pub time_zone: Option<Option<String>>,
}

impl ContactPatch {
    /// Applies the patch to the stored fields.
    pub fn apply(self, mut d: ContactData, region: Region) -> ApiResult<ContactData> {
        if let Some(r) = self.contact_ref
            && parse_ref("contact_ref", &r)? != d.contact_ref
        {
            return Err(ref_mismatch());
        }
        if let Some(v) = self.email {
            d.email = v.as_deref().map(|s| parse_email("email", s)).transpose()?;
        }
        if let Some(v) = self.phone {
            d.phone = v
                .as_deref()
                .map(|s| parse_phone("phone", s, region))
                .transpose()?;
        }
        if let Some(v) = self.first_name {
            d.first_name = text("first_name", v, MAX_TEXT)?;
        }
        if let Some(v) = self.last_name {
            d.last_name = text("last_name", v, MAX_TEXT)?;
        }
        if let Some(v) = self.audience {
            d.audience = v;
        }
        if let Some(v) = self.customer {
            d.customer = v;
        }
        if let Some(v) = self.customer_categories {
            d.customer_categories = categories(v)?;
        }
        if let Some(v) = self.collected_via {
            d.collected_via = text("collected_via", v, MAX_TEXT)?;
        }
        if let Some(v) = self.collected_at {
            d.collected_at = v;
        }
        if let Some(v) = self.informed {
            d.informed = v;
        }
        if let Some(v) = self.objection_offered {
            d.objection_offered = v;
        }
        if let Some(v) = self.contract_active {
            d.contract_active = v;
        }
        if let Some(v) = self.restricted {
            d.restricted = v;
        }
        if let Some(v) = self.time_zone {
            d.time_zone = v
                .as_deref()
                .map(|s| parse_zone("time_zone", s))
                .transpose()?;
        }
        Ok(d)
    }
}

/// A stored contact.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactOut {
    /// The store's id: pass the last one as `after_id` to page.
    pub id: i64,
    pub contact_ref: String,
    pub email: Option<String>,
    /// E.164.
    #[schema(example = "+33612345678")]
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    #[schema(value_type = AudienceName)]
    pub audience: Audience,
    pub customer: bool,
    pub customer_categories: Vec<String>,
    pub collected_via: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub collected_at: Option<Timestamp>,
    pub informed: bool,
    pub objection_offered: bool,
    pub contract_active: bool,
    pub restricted: bool,
    /// The recorded IANA time zone, if any.
    #[schema(value_type = Option<String>, example = "Indian/Reunion")]
    pub time_zone: Option<Zone>,
    /// The end of the relationship or the last purchase, if known.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub relationship_ended_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    /// A customer archived for the accounting obligation (Code de commerce L123-22): until
    /// when, and since when it keeps only the reference, the names and the end of the
    /// relationship. Given by `GET /api/v1/contacts/{contact_ref}`; `null` for a contact not
    /// archived, and in lists.
    pub accounting_archive: Option<AccountingArchiveOut>,
}

/// An archived customer's hold.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountingArchiveOut {
    /// The end of the hold (the instant after its last day): the first retention run after it
    /// erases the contact.
    #[schema(value_type = String, format = DateTime)]
    pub until: Timestamp,
    /// The last day kept, in the organization's time zone.
    #[schema(value_type = String, format = Date, example = "2033-12-31")]
    pub last_day: String,
    /// When the fields the obligation does not need were destroyed; `null`: not yet, the next
    /// retention run does it.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub reduced_at: Option<Timestamp>,
}

impl From<Contact> for ContactOut {
    fn from(c: Contact) -> Self {
        let d = c.data;
        ContactOut {
            id: c.id,
            contact_ref: d.contact_ref.as_str().to_owned(),
            email: d.email.map(|e| e.as_str().to_owned()),
            phone: d.phone.map(|p| p.as_str().to_owned()),
            first_name: d.first_name,
            last_name: d.last_name,
            audience: d.audience,
            customer: d.customer,
            customer_categories: d.customer_categories,
            collected_via: d.collected_via,
            collected_at: d.collected_at,
            informed: d.informed,
            objection_offered: d.objection_offered,
            contract_active: d.contract_active,
            restricted: d.restricted,
            time_zone: d.time_zone,
            relationship_ended_at: d.relationship_ended_at,
            created_at: c.created_at,
            updated_at: c.updated_at,
            accounting_archive: None,
        }
    }
}

/// A page of contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactPageOut {
    pub contacts: Vec<ContactOut>,
    /// Pass as `after_id` to read the next page; `null` on the last page.
    pub next_after_id: Option<i64>,
}

/// Finding contacts: exact match on an identifier, page by page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactSearch {
    /// Exact e-mail address (case and surrounding spaces do not matter). Matched through a keyed
    /// blind index: no partial or fuzzy search.
    pub email: Option<String>,
    /// Exact phone number, in E.164 or national format (FR). Matched through a blind index.
    pub phone: Option<String>,
    /// Return contacts whose id is greater than this one (the previous page's `next_after_id`).
    pub after_id: Option<i64>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// A consent ledger event to append.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    #[schema(value_type = ChannelScopeName)]
    pub channel: ChannelScope,
    #[schema(value_type = PurposeName)]
    pub purpose: Purpose,
    #[schema(value_type = ActionName)]
    pub action: Action,
    /// When the person acted (RFC 3339).
    #[schema(value_type = String, format = DateTime, example = "2026-01-10T08:00:00Z")]
    pub at: Timestamp,
    #[schema(value_type = MethodName)]
    pub method: Method,
    /// Version of the privacy notice shown.
    #[schema(
        example = "v3",
        max_length = 256,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub notice_version: Option<String>,
    /// Where the event comes from (a form, a campaign, a CRM …).
    #[schema(
        example = "newsletter_form",
        max_length = 256,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub source: Option<String>,
    /// IP address the consent came from (stored encrypted).
    #[schema(value_type = Option<IpAddress>, example = "203.0.113.7")]
    pub ip: Option<IpAddr>,
    /// User agent the consent came from (stored encrypted).
    #[schema(max_length = 1024, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub user_agent: Option<String>,
}

impl EventInput {
    pub fn into_event(self) -> ApiResult<NewConsentEvent> {
        Ok(NewConsentEvent {
            event: vigie_core::ConsentEvent {
                scope: self.channel,
                purpose: self.purpose,
                action: self.action,
                at: self.at,
                method: self.method,
            },
            notice_version: text("notice_version", self.notice_version, MAX_TEXT)?,
            source: text("source", self.source, MAX_TEXT)?,
            ip: self.ip.map(|ip| ip.to_string()),
            user_agent: text("user_agent", self.user_agent, MAX_USER_AGENT)?,
        })
    }
}

/// A ledger event as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    pub id: i64,
    #[schema(value_type = ChannelScopeName)]
    pub channel: ChannelScope,
    #[schema(value_type = PurposeName)]
    pub purpose: Purpose,
    #[schema(value_type = ActionName)]
    pub action: Action,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    #[schema(value_type = MethodName)]
    pub method: Method,
    pub notice_version: Option<String>,
    pub source: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// When Vigie recorded the event.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

impl From<StoredEvent> for EventOut {
    fn from(s: StoredEvent) -> Self {
        let n = s.new;
        EventOut {
            id: s.id,
            channel: n.event.scope,
            purpose: n.event.purpose,
            action: n.event.action,
            at: n.event.at,
            method: n.event.method,
            notice_version: n.notice_version,
            source: n.source,
            ip: n.ip,
            user_agent: n.user_agent,
            recorded_at: s.recorded_at,
        }
    }
}

/// A contact's consent ledger, in recording order.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerOut {
    pub contact_ref: String,
    pub events: Vec<EventOut>,
}

/// The server is up.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    /// The kind of store in use.
    #[schema(example = "sqlite")]
    pub store: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Whole {
        #[serde(deserialize_with = "whole")]
        months: u8,
        #[serde(default, deserialize_with = "optional_whole")]
        days: Option<u32>,
    }

    fn read(json: &str) -> Result<Whole, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn integers_may_be_written_with_a_zero_fraction() {
        let w = read(r#"{"months": 2.0, "days": 30.0}"#).unwrap();
        assert_eq!((w.months, w.days), (2, Some(30)));
        let w = read(r#"{"months": 1, "days": null}"#).unwrap();
        assert_eq!((w.months, w.days), (1, None));
        assert_eq!(read(r#"{"months": 1}"#).unwrap().days, None);
        for refused in [
            r#"{"months": 1.5}"#,
            r#"{"months": -1}"#,
            r#"{"months": 256}"#,
            r#"{"months": 256.0}"#,
            r#"{"months": 1e300}"#,
            r#"{"months": "2"}"#,
            r#"{"months": null}"#,
            r#"{"months": 1, "days": 4294967296}"#,
        ] {
            assert!(read(refused).is_err(), "{refused} was read");
        }
    }

    #[test]
    fn a_contact_reference_is_never_null() {
        let input: ContactInput =
            serde_json::from_str(r#"{"audience": "consumer"}"#).expect("absent is allowed");
        assert_eq!(input.contact_ref, None);
        let null = serde_json::from_str::<ContactInput>(
            r#"{"contact_ref": null, "audience": "consumer"}"#,
        );
        assert!(null.is_err(), "a null contact_ref was read as absent");
        let patch = serde_json::from_str::<ContactPatch>(r#"{"contact_ref": null}"#);
        assert!(patch.is_err());
    }
}
