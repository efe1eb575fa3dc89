//! What the store keeps, in clear, as the rest of Vigie sees it.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use vigie_core::{Audience, ConsentEvent, ContactRef, Email, PhoneE164, Zone};

pub type OrgId = i64;

/// A data controller. Every record belongs to exactly one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organization {
    pub id: OrgId,
    pub slug: String,
    pub name: String,
    pub created_at: Timestamp,
}

/// Checks an organization slug: 1 to 64 of `a-z`, `0-9`, `-`, `_`.
pub fn valid_org_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 64
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// A contact's fields, in clear. Identifiers and names are encrypted at rest; the rest are the
/// facts decisions read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactData {
    pub contact_ref: ContactRef,
    pub email: Option<Email>,
    pub phone: Option<PhoneE164>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub audience: Audience,
    /// Has bought from the organization.
    pub customer: bool,
    /// Product categories bought (for soft opt-in and contract rules).
    pub customer_categories: Vec<String>,
    /// How the contact was collected (web_form, trade_show …).
    pub collected_via: Option<String>,
    pub collected_at: Option<Timestamp>,
    /// Told at collection that the data serves prospecting.
    pub informed: bool,
    /// Offered a simple, free way to object at collection.
    pub objection_offered: bool,
    pub contract_active: bool,
    /// GDPR art. 18 restriction in force.
    pub restricted: bool,
    /// The consumer's time zone, where recorded: it wins over the one the phone number implies
    /// for calling hours ([`Zone::of_contact`]). Absent from versions stored before it existed.
    #[serde(default)]
    pub time_zone: Option<Zone>,
    /// The end of the relationship or the last purchase, where known: a customer's retention
    /// period and the accounting archive count from it (`vigie_core::retention`).
    #[serde(default)]
    pub relationship_ended_at: Option<Timestamp>,
}

/// A stored contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub id: i64,
    #[serde(flatten)]
    pub data: ContactData,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UpsertOutcome {
    Inserted,
    Updated,
    Unchanged,
    /// The contact was erased by retention and the row shows no sign of life since: left erased.
    LeftErased,
}

/// A ledger event with its proof, as appended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewConsentEvent {
    #[serde(flatten)]
    pub event: ConsentEvent,
    /// Version of the privacy notice shown when the event was collected.
    pub notice_version: Option<String>,
    /// Where the event comes from (a form, a campaign, a CRM …).
    pub source: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A ledger event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredEvent {
    pub id: i64,
    #[serde(flatten)]
    pub new: NewConsentEvent,
    pub recorded_at: Timestamp,
}

/// Looking contacts up: by exact identifier (blind index), page by page.
#[derive(Debug, Clone, Default)]
pub struct ContactQuery {
    pub email: Option<Email>,
    pub phone: Option<PhoneE164>,
    /// A name as typed: found by its whole name or one word of it, whatever the case, accents
    /// and spaces (through a blind index: see `vigie_core::names`).
    pub name: Option<String>,
    /// Only the contacts of this audience (an index keyed by organization serves it).
    pub audience: Option<Audience>,
    /// Return contacts with an id greater than this one (keyset paging).
    pub after_id: Option<i64>,
    /// Return the last contacts with an id smaller than this one (the previous page); wins over
    /// `after_id`.
    pub before_id: Option<i64>,
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContactPage {
    pub contacts: Vec<Contact>,
    /// Pass as `after_id` to read the next page; absent on the last page.
    pub next_after_id: Option<i64>,
    /// Pass as `before_id` to read the previous page; absent on the first page.
    #[serde(skip)]
    pub prev_before_id: Option<i64>,
}

/// Counts of a bulk import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows refused by the store (e.g. a ledger event for an unknown contact).
    pub rejected: u64,
    /// Entries of a replaced list that the new extract no longer has (opposition lists).
    pub removed: u64,
    /// Rows of contacts erased by retention, without a sign of life after the erasure: left
    /// erased (a newer collection date brings the person back, counted as updated).
    pub left_erased: u64,
}

/// Microseconds since the Unix epoch: how every instant is stored, in both stores.
pub fn to_micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub fn from_micros(us: i64) -> Timestamp {
    Timestamp::from_microsecond(us).unwrap_or(Timestamp::UNIX_EPOCH)
}
