//! Data subject requests: the requests and their history, erasure (crypto-shredding and
//! tombstones), rectification with earlier versions kept, and restriction.
//!
//! Rules (deadlines, transitions, what an erasure may erase) are in `vigie_core::dsar`; this
//! module only keeps the facts, sealed where they name a person:
//!
//! - a request's identifier (the e-mail address or phone number it names) is sealed with the
//!   organization's request key and found through its blind index; an erasure clears both;
//! - the corrections asked for by a rectification are sealed the same way;
//! - earlier versions of a rectified contact are sealed with the contact's own data key, so the
//!   erasure that destroys that key shreds them too;
//! - tombstones and history notes hold references (`contact:C0001`, `request:42`), never an
//!   identifier.
//!
//! As in `audit.rs`, both stores' SQL is in this module: the `Backend` trait does not grow.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use vigie_core::dsar::{Extension, Pause, RequestClock, RequestKind};
use vigie_core::retention::ContactField;
use vigie_core::{ContactRef, Email, PhoneE164};

use crate::backend::Backend as _;
use crate::erasure_journal::{ErasureJournal, JournalErasure, JournalLine, Replayed};
use crate::error::{Result, StoreError};
use crate::model::{Contact, ContactData, OrgId, from_micros, to_micros};
use crate::postgres::PgStore;
use crate::sealing::{OrgCrypto, SealedContact};
use crate::sqlite::SqliteStore;
use crate::vault::Digest16;
use crate::{Backends, Store, now_micros};
use std::path::Path;

/// Who a request is about: the identifier the person gave, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Identifier {
    Email(Email),
    Phone(PhoneE164),
}

impl Identifier {
    pub fn kind(&self) -> &'static str {
        match self {
            Identifier::Email(_) => "email",
            Identifier::Phone(_) => "phone",
        }
    }

    /// The normalized identifier (lower-cased e-mail, E.164 phone).
    pub fn as_str(&self) -> &str {
        match self {
            Identifier::Email(e) => e.as_str(),
            Identifier::Phone(p) => p.as_str(),
        }
    }

    fn parse_stored(kind: &str, text: &str) -> Result<Identifier> {
        let corrupt = |e: &dyn std::fmt::Display| {
            StoreError::Other(format!("stored request identifier is corrupt: {e}"))
        };
        match kind {
            "email" => Email::from_stored(text)
                .map(Identifier::Email)
                .map_err(|e| corrupt(&e)),
            "phone" => PhoneE164::parse_e164(text)
                .map(Identifier::Phone)
                .map_err(|e| corrupt(&e)),
            other => Err(corrupt(&format!("identifier kind {other:?}"))),
        }
    }

    fn blind_index(&self, crypto: &OrgCrypto) -> Digest16 {
        match self {
            Identifier::Email(e) => crypto.index.email_index(e),
            Identifier::Phone(p) => crypto.index.phone_index(p),
        }
    }
}

impl Serialize for Identifier {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(self.kind(), self.as_str())?;
        m.end()
    }
}

/// The corrections a rectification asks for: each field given replaces the stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Corrections {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<PhoneE164>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
}

impl Corrections {
    pub fn is_empty(&self) -> bool {
        self == &Corrections::default()
    }

    /// The names of the fields corrected (for history notes: names, never values).
    pub fn fields(&self) -> Vec<&'static str> {
        let mut f = Vec::new();
        if self.email.is_some() {
            f.push("email");
        }
        if self.phone.is_some() {
            f.push("phone");
        }
        if self.first_name.is_some() {
            f.push("first_name");
        }
        if self.last_name.is_some() {
            f.push("last_name");
        }
        f
    }

    /// `data` with the corrections applied.
    pub fn apply(&self, data: &ContactData) -> ContactData {
        let mut d = data.clone();
        if let Some(e) = &self.email {
            d.email = Some(e.clone());
        }
        if let Some(p) = &self.phone {
            d.phone = Some(p.clone());
        }
        if let Some(f) = &self.first_name {
            d.first_name = Some(f.clone());
        }
        if let Some(l) = &self.last_name {
            d.last_name = Some(l.clone());
        }
        d
    }
}

/// A request as filed.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub kind: RequestKind,
    pub identifier: Identifier,
    /// The person's identity is already proven (authenticated channel, checked by the DPO).
    pub verified: bool,
    pub received_at: Timestamp,
    /// What a rectification asks to correct.
    pub corrections: Option<Corrections>,
}

/// A stored request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub id: i64,
    pub kind: RequestKind,
    /// The identifier the person gave; `None` once an erasure has cleared it.
    pub identifier: Option<Identifier>,
    pub identifier_kind: String,
    /// The contact the identifier matched, if any.
    pub contact_ref: Option<ContactRef>,
    pub contact_id: Option<i64>,
    #[serde(flatten)]
    pub clock: RequestClock,
    pub corrections: Option<Corrections>,
    /// What fulfilment did (no personal data).
    pub outcome: Option<serde_json::Value>,
    /// Bumped by every update: an update of a stale copy is refused.
    pub version: i64,
}

/// What filing did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filed {
    pub request: Request,
    /// An open request of the same kind for the same person existed: it is returned, and the new
    /// filing is recorded in its history.
    pub merged: bool,
}

/// A step of a request's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryStep {
    pub seq: i64,
    pub at: Timestamp,
    pub actor: String,
    /// `filed`, `merged`, `verified`, `paused`, `resumed`, `extended`, `fulfilled`, `rejected` …
    pub step: String,
    /// References and counts only, never an identifier.
    pub note: Option<String>,
}

/// Proof of an erasure, without personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tombstone {
    pub id: i64,
    pub contact_id: Option<i64>,
    pub contact_ref: Option<String>,
    pub request_id: i64,
    pub erased_at: Timestamp,
    /// What was done: keys destroyed, fields cleared, hashes added to the suppression list,
    /// connected systems, data kept under a legal obligation and why.
    pub actions: serde_json::Value,
}

/// An earlier version of a rectified contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactVersion {
    pub id: i64,
    pub request_id: Option<i64>,
    pub replaced_at: Timestamp,
    /// `None` when the contact was erased since (its key is gone).
    pub previous: Option<ContactData>,
}

/// Which requests to list.
#[derive(Debug, Clone, Default)]
pub struct RequestQuery {
    /// Only requests still open (awaiting identity or in progress).
    pub open_only: bool,
    /// Requests with an id greater than this one (keyset paging).
    pub after_id: Option<i64>,
    pub limit: u32,
    /// Only the requests about this contact.
    pub contact_ref: Option<ContactRef>,
}

// --- the row form -------------------------------------------------------------------------

/// A request row as stored.
struct Row {
    id: i64,
    kind: String,
    status: String,
    identifier_kind: String,
    identifier: Option<Vec<u8>>,
    identifier_bidx: Option<Vec<u8>>,
    contact_id: Option<i64>,
    contact_ref: Option<String>,
    received_at: i64,
    verified_at: Option<i64>,
    pauses: String,
    extension_months: Option<i64>,
    extension_reason: Option<String>,
    extended_at: Option<i64>,
    closed_at: Option<i64>,
    details: Option<Vec<u8>>,
    outcome: Option<String>,
    version: i64,
}

const COLUMNS: &str = "id, kind, status, identifier_kind, identifier, identifier_bidx, contact_id, \
     contact_ref, received_at, verified_at, pauses, extension_months, extension_reason, extended_at, \
     closed_at, details, outcome, version";

#[derive(Serialize, Deserialize)]
struct StoredPause {
    from: i64,
    until: Option<i64>,
}

fn pauses_json(p: &[Pause]) -> String {
    let stored: Vec<StoredPause> = p
        .iter()
        .map(|p| StoredPause {
            from: to_micros(p.from),
            until: p.until.map(to_micros),
        })
        .collect();
    serde_json::to_string(&stored).expect("plain struct serializes")
}

fn identifier_aad(org: OrgId) -> Vec<u8> {
    format!("vigie/dsar/identifier/{org}").into_bytes()
}

fn details_aad(org: OrgId) -> Vec<u8> {
    format!("vigie/dsar/details/{org}").into_bytes()
}

fn version_aad(org: OrgId, contact_ref: &str) -> Vec<u8> {
    format!("vigie/contact-version/{org}/{contact_ref}").into_bytes()
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Other(format!("stored request {what} is corrupt: {e}"))
}

impl Row {
    fn open(self, crypto: &OrgCrypto) -> Result<Request> {
        let identifier = match &self.identifier {
            Some(sealed) => {
                let plain = crypto
                    .requests
                    .open(sealed, &identifier_aad(crypto.org_id))?;
                let text = String::from_utf8(plain).map_err(|e| corrupt("identifier", e))?;
                Some(Identifier::parse_stored(&self.identifier_kind, &text)?)
            }
            None => None,
        };
        let corrections = match &self.details {
            Some(sealed) => {
                let plain = crypto.requests.open(sealed, &details_aad(crypto.org_id))?;
                Some(serde_json::from_slice(&plain).map_err(|e| corrupt("details", e))?)
            }
            None => None,
        };
        let pauses: Vec<StoredPause> =
            serde_json::from_str(&self.pauses).map_err(|e| corrupt("pauses", e))?;
        let extension = match (
            self.extension_months,
            self.extension_reason,
            self.extended_at,
        ) {
            (Some(m), Some(reason), Some(at)) => Some(Extension {
                months: u8::try_from(m).map_err(|e| corrupt("extension", e))?,
                reason,
                at: from_micros(at),
            }),
            _ => None,
        };
        Ok(Request {
            id: self.id,
            kind: self.kind.parse().map_err(|e| corrupt("kind", e))?,
            identifier,
            identifier_kind: self.identifier_kind,
            contact_ref: self
                .contact_ref
                .as_deref()
                .map(ContactRef::from_stored)
                .transpose()
                .map_err(|e| corrupt("contact_ref", e))?,
            contact_id: self.contact_id,
            clock: RequestClock {
                status: self.status.parse().map_err(|e| corrupt("status", e))?,
                received_at: from_micros(self.received_at),
                verified_at: self.verified_at.map(from_micros),
                pauses: pauses
                    .into_iter()
                    .map(|p| Pause {
                        from: from_micros(p.from),
                        until: p.until.map(from_micros),
                    })
                    .collect(),
                extension,
                closed_at: self.closed_at.map(from_micros),
            },
            corrections,
            outcome: self
                .outcome
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| corrupt("outcome", e))?,
            version: self.version,
        })
    }
}

/// The mutable fields of a request, ready to write.
struct Update {
    id: i64,
    status: &'static str,
    contact_ref: Option<String>,
    verified_at: Option<i64>,
    pauses: String,
    extension_months: Option<i64>,
    extension_reason: Option<String>,
    extended_at: Option<i64>,
    closed_at: Option<i64>,
    outcome: Option<String>,
    version: i64,
}

impl Update {
    fn of(r: &Request) -> Update {
        Update {
            id: r.id,
            status: r.clock.status.as_str(),
            contact_ref: r.contact_ref.as_ref().map(|c| c.as_str().to_owned()),
            verified_at: r.clock.verified_at.map(to_micros),
            pauses: pauses_json(&r.clock.pauses),
            extension_months: r.clock.extension.as_ref().map(|e| i64::from(e.months)),
            extension_reason: r.clock.extension.as_ref().map(|e| e.reason.clone()),
            extended_at: r.clock.extension.as_ref().map(|e| to_micros(e.at)),
            closed_at: r.clock.closed_at.map(to_micros),
            outcome: r.outcome.as_ref().map(|o| o.to_string()),
            version: r.version,
        }
    }
}

/// A step to record.
struct Step {
    at: i64,
    actor: String,
    step: String,
    note: Option<String>,
}

/// An erasure to carry out in one transaction.
pub(crate) struct Erasure {
    pub(crate) contact_ref: Option<String>,
    /// The request erasing; 0 for an erasure by retention, whose run is `retention_run`.
    pub(crate) request_id: i64,
    pub(crate) retention_run: Option<i64>,
    pub(crate) suppress: Vec<[u8; 32]>,
    /// Blind indexes of the person's identifiers: requests naming them lose their identifier.
    pub(crate) bidx: Vec<Digest16>,
    pub(crate) at: i64,
    pub(crate) actions: String,
}

impl Erasure {
    /// Writes this erasure to the journal before it commits (write-ahead) and returns the
    /// line's id, for its cancellation should the erasure not commit.
    pub(crate) fn journal_ahead(&self, org: OrgId, journal: &ErasureJournal) -> Result<String> {
        let id = hex::encode(rand::random::<[u8; 8]>());
        journal.append(&JournalLine::Erasure(JournalErasure {
            id: id.clone(),
            at: self.at,
            org,
            contact_ref: self.contact_ref.clone(),
            request_id: self.request_id,
            retention_run: self.retention_run,
            suppress: self.suppress.iter().map(hex::encode).collect(),
            bidx: self.bidx.iter().map(hex::encode).collect(),
        }))?;
        Ok(id)
    }
}

impl Store {
    // --- requests ------------------------------------------------------------------------

    /// Files a request. If an open request of the same kind names the same person, that one is
    /// returned (`merged`) and the filing is recorded in its history.
    pub async fn file_request(&self, org: OrgId, new: &NewRequest, actor: &str) -> Result<Filed> {
        let crypto = self.org_crypto(org).await?;
        let bidx = new.identifier.blind_index(&crypto);
        let contact_ref = self
            .contact_by_identifier(org, &new.identifier)
            .await?
            .map(|c| c.data.contact_ref);
        let clock = RequestClock::new(new.received_at, new.verified);
        let sealed_id = crypto
            .requests
            .seal(new.identifier.as_str().as_bytes(), &identifier_aad(org));
        let details = match &new.corrections {
            Some(c) => Some(crypto.requests.seal(
                &serde_json::to_vec(c).expect("plain struct serializes"),
                &details_aad(org),
            )),
            None => None,
        };
        let row = Row {
            id: 0,
            kind: new.kind.as_str().to_owned(),
            status: clock.status.as_str().to_owned(),
            identifier_kind: new.identifier.kind().to_owned(),
            identifier: Some(sealed_id),
            identifier_bidx: Some(bidx.to_vec()),
            contact_id: None,
            contact_ref: contact_ref.map(|c| c.as_str().to_owned()),
            received_at: to_micros(new.received_at),
            verified_at: clock.verified_at.map(to_micros),
            pauses: pauses_json(&clock.pauses),
            extension_months: None,
            extension_reason: None,
            extended_at: None,
            closed_at: None,
            details,
            outcome: None,
            version: 1,
        };
        let step = Step {
            at: to_micros(new.received_at),
            actor: actor.to_owned(),
            step: "filed".into(),
            note: Some(format!(
                "{} by {}{}",
                new.kind,
                new.identifier.kind(),
                if new.verified {
                    ", identity verified"
                } else {
                    ""
                }
            )),
        };
        let (id, inserted) = match &self.backend {
            Backends::Sqlite(b) => b.insert_request(org, row, step).await?,
            Backends::Postgres(b) => b.insert_request(org, row, step).await?,
        };
        let request = self
            .request(org, id)
            .await?
            .ok_or_else(|| StoreError::Other("request vanished after filing".into()))?;
        Ok(Filed {
            request,
            merged: !inserted,
        })
    }

    /// The contact an identifier names, if any.
    pub async fn contact_by_identifier(
        &self,
        org: OrgId,
        identifier: &Identifier,
    ) -> Result<Option<Contact>> {
        let mut q = crate::ContactQuery {
            limit: 1,
            ..Default::default()
        };
        match identifier {
            Identifier::Email(e) => q.email = Some(e.clone()),
            Identifier::Phone(p) => q.phone = Some(p.clone()),
        }
        Ok(self.contacts(org, &q).await?.contacts.into_iter().next())
    }

    pub async fn request(&self, org: OrgId, id: i64) -> Result<Option<Request>> {
        let crypto = self.org_crypto(org).await?;
        let row = match &self.backend {
            Backends::Sqlite(b) => b.request_rows(org, Some(id), &RequestQuery::one()).await?,
            Backends::Postgres(b) => b.request_rows(org, Some(id), &RequestQuery::one()).await?,
        };
        row.into_iter().next().map(|r| r.open(&crypto)).transpose()
    }

    /// Requests in id order.
    pub async fn requests(&self, org: OrgId, q: &RequestQuery) -> Result<Vec<Request>> {
        let crypto = self.org_crypto(org).await?;
        let mut q = q.clone();
        q.limit = q.limit.clamp(1, crate::MAX_PAGE);
        let rows = match &self.backend {
            Backends::Sqlite(b) => b.request_rows(org, None, &q).await?,
            Backends::Postgres(b) => b.request_rows(org, None, &q).await?,
        };
        rows.into_iter().map(|r| r.open(&crypto)).collect()
    }

    /// Writes a request's new state (clock, contact, outcome) and records the step, in one
    /// transaction. `request` is the copy read before the change: if the stored one changed in
    /// between (its `version` differs), nothing is written and a `Conflict` error says so.
    pub async fn update_request(
        &self,
        org: OrgId,
        request: &Request,
        actor: &str,
        step: &str,
        note: Option<String>,
    ) -> Result<Request> {
        let update = Update::of(request);
        let step = Step {
            at: now_micros(),
            actor: actor.to_owned(),
            step: step.to_owned(),
            note,
        };
        let written = match &self.backend {
            Backends::Sqlite(b) => b.update_request(org, update, step).await?,
            Backends::Postgres(b) => b.update_request(org, update, step).await?,
        };
        if !written {
            return Err(StoreError::Conflict(format!(
                "request {} changed meanwhile: read it again",
                request.id
            )));
        }
        self.request(org, request.id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("request {}", request.id)))
    }

    /// Records a step without changing the request (a notification sent, a system answered).
    pub async fn record_request_step(
        &self,
        org: OrgId,
        request_id: i64,
        actor: &str,
        step: &str,
        note: Option<String>,
    ) -> Result<()> {
        let step = Step {
            at: now_micros(),
            actor: actor.to_owned(),
            step: step.to_owned(),
            note,
        };
        match &self.backend {
            Backends::Sqlite(b) => b.insert_step(org, request_id, step).await,
            Backends::Postgres(b) => b.insert_step(org, request_id, step).await,
        }
    }

    /// A request's history, oldest first.
    pub async fn request_history(&self, org: OrgId, request_id: i64) -> Result<Vec<HistoryStep>> {
        match &self.backend {
            Backends::Sqlite(b) => b.history(org, request_id).await,
            Backends::Postgres(b) => b.history(org, request_id).await,
        }
    }

    // --- fulfilment on Vigie's own data --------------------------------------------------

    /// Erases a person in one transaction: destroys the contact's data key (crypto-shredding:
    /// its sealed fields, ledger proofs and earlier versions become unreadable everywhere,
    /// backups included), clears its sealed fields and blind indexes, marks it erased (imports
    /// never bring it back), adds `suppress` (SHA-256 of the normalized identifiers) to the
    /// suppression list, clears the identifier of every request naming the person, and writes
    /// the tombstone. Without a contact (`contact_ref` `None`), only the suppression, the
    /// requests and the tombstone.
    pub async fn erase_person(
        &self,
        org: OrgId,
        contact_ref: Option<&ContactRef>,
        identifiers: &[Identifier],
        request_id: i64,
        actions: &serde_json::Value,
    ) -> Result<Tombstone> {
        let crypto = self.org_crypto(org).await?;
        let erasure = Erasure {
            contact_ref: contact_ref.map(|c| c.as_str().to_owned()),
            request_id,
            retention_run: None,
            suppress: identifiers
                .iter()
                .map(|i| vigie_core::suppression_hash(i.as_str()))
                .collect(),
            bidx: identifiers.iter().map(|i| i.blind_index(&crypto)).collect(),
            at: now_micros(),
            actions: actions.to_string(),
        };
        // The archives kept for the person go first: should the erasure then fail, it is asked
        // again, and no archive outlives it.
        self.delete_archives_of(org, contact_ref, &erasure.bidx)
            .await?;
        // Write-ahead: the journal holds the erasure before it commits, and a cancellation when
        // it does not.
        let journaled = match &self.erasure_journal {
            Some(journal) => Some((journal, erasure.journal_ahead(org, journal)?)),
            None => None,
        };
        let erased = match &self.backend {
            Backends::Sqlite(b) => b.erase(org, erasure).await,
            Backends::Postgres(b) => b.erase(org, erasure).await,
        };
        let id = match erased {
            Ok(id) => id,
            Err(e) => {
                if let Some((journal, id)) = journaled
                    && let Err(j) = journal.append(&JournalLine::Cancelled { id })
                {
                    tracing::error!(error = %j, "an erasure failed and its journal line could not be cancelled");
                }
                return Err(e);
            }
        };
        self.tombstones(org, id - 1, 1)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| StoreError::Other("tombstone vanished".into()))
    }

    /// Applies again every erasure of the journal at `path` that this store does not show (a
    /// restored backup older than the erasure): the contact erased, its suppression hashes back
    /// on the list, requests naming the person cleared, a tombstone. Erasures the store already
    /// shows are left alone, so a replay can run any number of times. Returns what it replayed.
    pub async fn replay_erasures(&self, path: &Path) -> Result<Vec<Replayed>> {
        let orgs = self.orgs().await?;
        let mut replayed = Vec::new();
        for e in ErasureJournal::read(path)? {
            let Some(org) = orgs.iter().find(|o| o.id == e.org) else {
                // An organization created after the backup: none of its data is in the store.
                continue;
            };
            let decode = |what: &str, h: &String| {
                hex::decode(h)
                    .ok()
                    .filter(|b| b.len() == 32 || b.len() == 16)
                    .ok_or_else(|| {
                        StoreError::Invalid(format!(
                            "erasure journal {}: erasure {}: a {what} is not hex",
                            path.display(),
                            e.id
                        ))
                    })
            };
            let mut suppress = Vec::new();
            for h in &e.suppress {
                let b = decode("suppression hash", h)?;
                suppress.push(<[u8; 32]>::try_from(b.as_slice()).map_err(|_| {
                    StoreError::Invalid(format!(
                        "erasure journal: erasure {}: a suppression hash is not 32 bytes",
                        e.id
                    ))
                })?);
            }
            let mut bidx = Vec::new();
            for h in &e.bidx {
                let b = decode("blind index", h)?;
                bidx.push(<Digest16>::try_from(b.as_slice()).map_err(|_| {
                    StoreError::Invalid(format!(
                        "erasure journal: erasure {}: a blind index is not 16 bytes",
                        e.id
                    ))
                })?);
            }
            // The contact still holds its data key: not erased in this store.
            let holds_data = match &e.contact_ref {
                Some(r) => match &self.backend {
                    Backends::Sqlite(b) => b.contact_row_by_ref(org.id, r).await?,
                    Backends::Postgres(b) => b.contact_row_by_ref(org.id, r).await?,
                }
                .map(|row| row.wrapped_dek.is_some()),
                None => None,
            };
            let mut missing = 0;
            for h in &suppress {
                let on_list = match &self.backend {
                    Backends::Sqlite(b) => b.is_suppressed(org.id, *h).await?,
                    Backends::Postgres(b) => b.is_suppressed(org.id, *h).await?,
                };
                missing += usize::from(!on_list);
            }
            if holds_data != Some(true) && missing == 0 {
                continue;
            }
            let erasure = Erasure {
                // A contact the store does not have (made after the backup) has nothing to
                // erase: the suppression and the requests still are.
                contact_ref: e.contact_ref.clone().filter(|_| holds_data.is_some()),
                request_id: e.request_id,
                // A retention erasure's line carries no suppression hash: replayed, it leaves
                // the suppression list alone and marks the contact erased by retention.
                retention_run: e.retention_run,
                suppress,
                bidx,
                at: e.at,
                actions: serde_json::json!({
                    "disposition": "erased",
                    "by": if e.retention_run.is_some() { "retention" } else { "request" },
                    "replayed_from_erasure_journal": e.id,
                })
                .to_string(),
            };
            match &self.backend {
                Backends::Sqlite(b) => b.erase(org.id, erasure).await?,
                Backends::Postgres(b) => b.erase(org.id, erasure).await?,
            };
            replayed.push(Replayed {
                journal_id: e.id.clone(),
                at: from_micros(e.at),
                org: org.slug.clone(),
                contact_ref: e.contact_ref.clone(),
                request_id: e.request_id,
                retention_run: e.retention_run,
                suppressions_added: missing,
            });
        }
        Ok(replayed)
    }

    /// Tombstones after id `after_id`, oldest first.
    pub async fn tombstones(
        &self,
        org: OrgId,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<Tombstone>> {
        match &self.backend {
            Backends::Sqlite(b) => b.tombstones(org, after_id, limit).await,
            Backends::Postgres(b) => b.tombstones(org, after_id, limit).await,
        }
    }

    /// Applies `corrections` to a contact's identifiers and names, keeping the previous version
    /// sealed with the contact's data key; the key itself is kept, so ledger proofs stay
    /// readable. Returns the contact as now stored.
    pub async fn rectify_contact(
        &self,
        org: OrgId,
        contact_ref: &ContactRef,
        corrections: &Corrections,
        request_id: Option<i64>,
    ) -> Result<Contact> {
        let contact = self
            .contact(org, contact_ref)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("contact {contact_ref}")))?;
        // An archived customer keeps only what the accounting obligation needs (the core's
        // rule): a channel's identifier is not written back, names stay correctable (art. 16).
        let adds = [
            (
                corrections.email.is_some(),
                ContactField::Email,
                "e-mail address",
            ),
            (
                corrections.phone.is_some(),
                ContactField::Phone,
                "phone number",
            ),
        ];
        if let Some((_, _, field)) = adds
            .iter()
            .find(|(given, field, _)| *given && !field.kept_by_accounting_archive())
            && self.accounting_archive(org, contact.id).await?.is_some()
        {
            return Err(StoreError::Conflict(format!(
                "contact {contact_ref} is archived for the accounting obligation, which keeps only \
                 its reference, names and end of relationship: its {field} cannot be written back"
            )));
        }
        let data = corrections.apply(&contact.data);
        self.rewrite_contact(org, &data, request_id, true, None)
            .await
    }

    /// Turns a contact's restriction of processing (GDPR art. 18) on or off, as a data subject
    /// request does: a restriction set here is held (migration 0009), so that re-imports and
    /// PUTs, which may set `restricted`, never clear it; turning it off lifts the hold.
    pub async fn set_contact_restricted(
        &self,
        org: OrgId,
        contact_ref: &ContactRef,
        restricted: bool,
    ) -> Result<Contact> {
        let contact = self
            .contact(org, contact_ref)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("contact {contact_ref}")))?;
        // The restriction of an archived customer is the archive's: it holds until the end of
        // the accounting period, when the retention run erases the contact.
        if !restricted && self.accounting_archive(org, contact.id).await?.is_some() {
            return Err(StoreError::Conflict(format!(
                "contact {contact_ref} is archived for the accounting obligation: its processing \
                 stays restricted until the retention run erases it at the end of the hold"
            )));
        }
        let mut data = contact.data;
        data.restricted = restricted;
        self.rewrite_contact(org, &data, None, false, Some(restricted))
            .await
    }

    /// Writes a contact's identifiers, names and restriction flag (the fields a request may
    /// change), sealed with its existing data key; `hold` sets or lifts the request's hold on
    /// the restriction (`None`: unchanged).
    async fn rewrite_contact(
        &self,
        org: OrgId,
        data: &ContactData,
        request_id: Option<i64>,
        keep_previous: bool,
        hold: Option<bool>,
    ) -> Result<Contact> {
        let contact_ref = data.contact_ref.as_str();
        let row = self.contact_row(org, contact_ref).await?;
        let crypto = self.org_crypto(org).await?;
        let dek = crypto.unwrap_dek(contact_ref, row.wrapped_dek.as_deref())?;
        let previous = if keep_previous {
            let (old, _, _) = crypto.open_contact(&row)?;
            let plain = serde_json::to_vec(&old).expect("plain struct serializes");
            Some(crate::vault::DataKey::new(&dek).seal(&plain, &version_aad(org, contact_ref)))
        } else {
            None
        };
        let sealed = crypto.seal_contact_with(data, &dek);
        let now = now_micros();
        let mark = RequestMark { request_id, hold };
        match &self.backend {
            Backends::Sqlite(b) => b.rewrite(org, row.id, sealed, previous, mark, now).await?,
            Backends::Postgres(b) => b.rewrite(org, row.id, sealed, previous, mark, now).await?,
        }
        self.contact(org, &data.contact_ref)
            .await?
            .ok_or_else(|| StoreError::Other("contact vanished after rewrite".into()))
    }

    pub(crate) async fn contact_row(
        &self,
        org: OrgId,
        contact_ref: &str,
    ) -> Result<crate::sealing::ContactRow> {
        use crate::backend::Backend;
        let row = match &self.backend {
            Backends::Sqlite(b) => b.contact_row_by_ref(org, contact_ref).await?,
            Backends::Postgres(b) => b.contact_row_by_ref(org, contact_ref).await?,
        };
        row.ok_or_else(|| StoreError::NotFound(format!("contact {contact_ref}")))
    }

    /// A contact's earlier versions, oldest first.
    pub async fn contact_versions(
        &self,
        org: OrgId,
        contact_ref: &ContactRef,
    ) -> Result<Vec<ContactVersion>> {
        let row = self.contact_row(org, contact_ref.as_str()).await?;
        let crypto = self.org_crypto(org).await?;
        let dek = crypto
            .data_key(contact_ref.as_str(), row.wrapped_dek.as_deref())
            .ok();
        let rows = match &self.backend {
            Backends::Sqlite(b) => b.versions(org, row.id).await?,
            Backends::Postgres(b) => b.versions(org, row.id).await?,
        };
        rows.into_iter()
            .map(|(id, request_id, at, sealed)| {
                let previous = match &dek {
                    Some(dk) => {
                        let plain = dk.open(&sealed, &version_aad(org, contact_ref.as_str()))?;
                        Some(
                            serde_json::from_slice(&plain)
                                .map_err(|e| corrupt("contact version", e))?,
                        )
                    }
                    None => None,
                };
                Ok(ContactVersion {
                    id,
                    request_id,
                    replaced_at: from_micros(at),
                    previous,
                })
            })
            .collect()
    }
}

impl RequestQuery {
    fn one() -> RequestQuery {
        RequestQuery {
            limit: 1,
            ..Default::default()
        }
    }
}

// --- SQLite --------------------------------------------------------------------------------

fn sqlite_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        kind: r.get(1)?,
        status: r.get(2)?,
        identifier_kind: r.get(3)?,
        identifier: r.get(4)?,
        identifier_bidx: r.get(5)?,
        contact_id: r.get(6)?,
        contact_ref: r.get(7)?,
        received_at: r.get(8)?,
        verified_at: r.get(9)?,
        pauses: r.get(10)?,
        extension_months: r.get(11)?,
        extension_reason: r.get(12)?,
        extended_at: r.get(13)?,
        closed_at: r.get(14)?,
        details: r.get(15)?,
        outcome: r.get(16)?,
        version: r.get(17)?,
    })
}

fn sqlite_step(tx: &rusqlite::Connection, org: OrgId, request_id: i64, s: &Step) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO dsar_history (org_id, request_id, seq, at, actor, step, note)
         VALUES (?1, ?2, (SELECT coalesce(max(seq), 0) + 1 FROM dsar_history WHERE org_id = ?1 AND request_id = ?2),
                 ?3, ?4, ?5, ?6)",
    )?
    .execute(rusqlite::params![org, request_id, s.at, s.actor, s.step, s.note])?;
    Ok(())
}

fn sqlite_contact_id(
    tx: &rusqlite::Connection,
    org: OrgId,
    contact_ref: &str,
) -> Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    Ok(tx
        .prepare_cached("SELECT id FROM contacts WHERE org_id = ?1 AND contact_ref = ?2")?
        .query_row(rusqlite::params![org, contact_ref], |r| r.get(0))
        .optional()?)
}

impl SqliteStore {
    async fn insert_request(&self, org: OrgId, row: Row, step: Step) -> Result<(i64, bool)> {
        self.write(move |tx| {
            let contact_id = match &row.contact_ref {
                Some(c) => sqlite_contact_id(tx, org, c)?,
                None => None,
            };
            let inserted = tx
                .prepare_cached(
                    // The id above every purged one (migration 0039): never a purged request's.
                    "INSERT INTO dsar_requests (id, org_id, kind, status, identifier_kind, identifier, identifier_bidx,
                         contact_id, contact_ref, received_at, verified_at, pauses, details, version)
                     VALUES (max(coalesce((SELECT max(id) FROM dsar_requests), 0),
                                 coalesce((SELECT max(last_id) FROM dsar_request_purges), 0)) + 1,
                             ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 1)
                     ON CONFLICT DO NOTHING",
                )?
                .execute(rusqlite::params![
                    org,
                    row.kind,
                    row.status,
                    row.identifier_kind,
                    row.identifier,
                    row.identifier_bidx,
                    contact_id,
                    row.contact_ref,
                    row.received_at,
                    row.verified_at,
                    row.pauses,
                    row.details
                ])?;
            if inserted == 1 {
                let id = tx.last_insert_rowid();
                sqlite_step(tx, org, id, &step)?;
                return Ok((id, true));
            }
            let id: i64 = tx
                .prepare_cached(
                    "SELECT id FROM dsar_requests WHERE org_id = ?1 AND kind = ?2 AND identifier_bidx = ?3
                     AND closed_at IS NULL",
                )?
                .query_row(rusqlite::params![org, row.kind, row.identifier_bidx], |r| r.get(0))?;
            let merged = Step {
                step: "merged".into(),
                note: Some("filed again while open: one request".into()),
                ..step
            };
            sqlite_step(tx, org, id, &merged)?;
            Ok((id, false))
        })
        .await
    }

    async fn request_rows(
        &self,
        org: OrgId,
        id: Option<i64>,
        q: &RequestQuery,
    ) -> Result<Vec<Row>> {
        let q = q.clone();
        self.read(move |c| {
            // A plain equality when the id is given, so that the key is used.
            let by_id = if id.is_some() {
                "id = ?2"
            } else {
                "?2 IS NULL"
            };
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM dsar_requests WHERE org_id = ?1
                   AND {by_id} AND id > ?3 AND (NOT ?4 OR closed_at IS NULL)
                   AND (?5 IS NULL OR contact_ref = ?5)
                 ORDER BY id LIMIT ?6"
            ))?;
            let rows = stmt
                .query_map(
                    rusqlite::params![
                        org,
                        id,
                        q.after_id.unwrap_or(0),
                        q.open_only,
                        q.contact_ref.as_ref().map(|c| c.as_str().to_owned()),
                        q.limit
                    ],
                    sqlite_row,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn update_request(&self, org: OrgId, u: Update, step: Step) -> Result<bool> {
        self.write(move |tx| {
            let contact_id = match &u.contact_ref {
                Some(c) => sqlite_contact_id(tx, org, c)?,
                None => None,
            };
            let n = tx
                .prepare_cached(
                    "UPDATE dsar_requests SET status = ?3, contact_ref = ?4, contact_id = ?5, verified_at = ?6,
                         pauses = ?7, extension_months = ?8, extension_reason = ?9, extended_at = ?10,
                         closed_at = ?11, outcome = ?12, version = version + 1
                     WHERE org_id = ?1 AND id = ?2 AND version = ?13",
                )?
                .execute(rusqlite::params![
                    org,
                    u.id,
                    u.status,
                    u.contact_ref,
                    contact_id,
                    u.verified_at,
                    u.pauses,
                    u.extension_months,
                    u.extension_reason,
                    u.extended_at,
                    u.closed_at,
                    u.outcome,
                    u.version
                ])?;
            if n == 1 {
                sqlite_step(tx, org, u.id, &step)?;
            }
            Ok(n == 1)
        })
        .await
    }

    async fn insert_step(&self, org: OrgId, request_id: i64, step: Step) -> Result<()> {
        self.write(move |tx| sqlite_step(tx, org, request_id, &step))
            .await
    }

    async fn history(&self, org: OrgId, request_id: i64) -> Result<Vec<HistoryStep>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, at, actor, step, note FROM dsar_history WHERE org_id = ?1 AND request_id = ?2 ORDER BY seq",
            )?;
            let rows = stmt
                .query_map(rusqlite::params![org, request_id], |r| {
                    Ok(HistoryStep {
                        seq: r.get(0)?,
                        at: from_micros(r.get(1)?),
                        actor: r.get(2)?,
                        step: r.get(3)?,
                        note: r.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn erase(&self, org: OrgId, e: Erasure) -> Result<i64> {
        self.write(move |tx| sqlite_erase(tx, org, &e)).await
    }

    async fn tombstones(&self, org: OrgId, after_id: i64, limit: u32) -> Result<Vec<Tombstone>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, contact_id, contact_ref, request_id, erased_at, actions FROM dsar_tombstones
                 WHERE org_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
            )?;
            let rows = stmt
                .query_map(rusqlite::params![org, after_id, limit], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get::<_, String>(5)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(tombstone).collect()
        })
        .await
    }

    async fn rewrite(
        &self,
        org: OrgId,
        contact_id: i64,
        c: SealedContact,
        previous: Option<Vec<u8>>,
        mark: RequestMark,
        now: i64,
    ) -> Result<()> {
        let RequestMark { request_id, hold } = mark;
        self.write(move |tx| {
            if let Some(prev) = previous {
                tx.prepare_cached(
                    "INSERT INTO contact_versions (org_id, contact_id, request_id, replaced_at, previous)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(rusqlite::params![org, contact_id, request_id, now, prev])?;
            }
            sqlite_delete_lookups(tx, org, contact_id)?;
            tx.prepare_cached(
                "UPDATE contacts SET email_bidx = ?3, phone_bidx = ?4, pii = ?5, restricted = ?6, row_digest = ?7,
                     updated_at = ?8, wrapped_dek = ?9, restriction_held = COALESCE(?10, restriction_held)
                 WHERE org_id = ?1 AND id = ?2 AND erased_at IS NULL",
            )?
            .execute(rusqlite::params![
                org,
                contact_id,
                c.email_bidx.map(|d| d.to_vec()),
                c.phone_bidx.map(|d| d.to_vec()),
                c.pii,
                c.restricted,
                &c.row_digest[..],
                now,
                c.wrapped_dek,
                hold
            ])?;
            // SQLite finds contacts by identifier through `contact_lookup`: its entries follow.
            for (kind, bidx) in [
                (crate::sqlite::LOOKUP_EMAIL, c.email_bidx),
                (crate::sqlite::LOOKUP_PHONE, c.phone_bidx),
            ] {
                if let Some(b) = bidx {
                    tx.prepare_cached(
                        "INSERT OR IGNORE INTO contact_lookup (org_id, kind, bidx, contact_id) VALUES (?1, ?2, ?3, ?4)",
                    )?
                    .execute(rusqlite::params![org, kind, &b[..], contact_id])?;
                }
            }
            crate::names::sqlite_set_name_lookups(tx, org, contact_id, &c.name_bidx)?;
            tx.prepare_cached("UPDATE organizations SET data_version = data_version + 1 WHERE id = ?1")?
                .execute([org])?;
            Ok(())
        })
        .await
    }

    async fn versions(
        &self,
        org: OrgId,
        contact_id: i64,
    ) -> Result<Vec<(i64, Option<i64>, i64, Vec<u8>)>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, request_id, replaced_at, previous FROM contact_versions
                 WHERE org_id = ?1 AND contact_id = ?2 ORDER BY id",
            )?;
            let rows = stmt
                .query_map(rusqlite::params![org, contact_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }
}

fn tombstone(
    (id, contact_id, contact_ref, request_id, at, actions): (
        i64,
        Option<i64>,
        Option<String>,
        i64,
        i64,
        String,
    ),
) -> Result<Tombstone> {
    Ok(Tombstone {
        id,
        contact_id,
        contact_ref,
        request_id,
        erased_at: from_micros(at),
        actions: serde_json::from_str(&actions).map_err(|e| corrupt("tombstone", e))?,
    })
}

// --- PostgreSQL ----------------------------------------------------------------------------

fn pg_row(r: &tokio_postgres::Row) -> Row {
    Row {
        id: r.get(0),
        kind: r.get(1),
        status: r.get(2),
        identifier_kind: r.get(3),
        identifier: r.get(4),
        identifier_bidx: r.get(5),
        contact_id: r.get(6),
        contact_ref: r.get(7),
        received_at: r.get(8),
        verified_at: r.get(9),
        pauses: r.get(10),
        extension_months: r.get::<_, Option<i16>>(11).map(i64::from),
        extension_reason: r.get(12),
        extended_at: r.get(13),
        closed_at: r.get(14),
        details: r.get(15),
        outcome: r.get(16),
        version: r.get(17),
    }
}

async fn pg_step(
    tx: &impl deadpool_postgres::GenericClient,
    org: OrgId,
    request_id: i64,
    s: &Step,
) -> Result<()> {
    tx.execute(
        "INSERT INTO dsar_history (org_id, request_id, seq, at, actor, step, note)
         VALUES ($1, $2, (SELECT coalesce(max(seq), 0) + 1 FROM dsar_history WHERE org_id = $1 AND request_id = $2),
                 $3, $4, $5, $6)",
        &[&org, &request_id, &s.at, &s.actor, &s.step, &s.note],
    )
    .await?;
    Ok(())
}

async fn pg_contact_id(
    tx: &impl deadpool_postgres::GenericClient,
    org: OrgId,
    contact_ref: &str,
) -> Result<Option<i64>> {
    Ok(tx
        .query_opt(
            "SELECT id FROM contacts WHERE org_id = $1 AND contact_ref = $2",
            &[&org, &contact_ref],
        )
        .await?
        .map(|r| r.get(0)))
}

impl PgStore {
    async fn insert_request(&self, org: OrgId, row: Row, step: Step) -> Result<(i64, bool)> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let contact_id = match &row.contact_ref {
            Some(r) => pg_contact_id(&tx, org, r).await?,
            None => None,
        };
        let inserted = tx
            .query_opt(
                "INSERT INTO dsar_requests (org_id, kind, status, identifier_kind, identifier, identifier_bidx,
                     contact_id, contact_ref, received_at, verified_at, pauses, details, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)
                 ON CONFLICT DO NOTHING RETURNING id",
                &[
                    &org,
                    &row.kind,
                    &row.status,
                    &row.identifier_kind,
                    &row.identifier,
                    &row.identifier_bidx,
                    &contact_id,
                    &row.contact_ref,
                    &row.received_at,
                    &row.verified_at,
                    &row.pauses,
                    &row.details,
                ],
            )
            .await?;
        let out = match inserted {
            Some(r) => {
                let id: i64 = r.get(0);
                pg_step(&tx, org, id, &step).await?;
                (id, true)
            }
            None => {
                let id: i64 = tx
                    .query_one(
                        "SELECT id FROM dsar_requests WHERE org_id = $1 AND kind = $2 AND identifier_bidx = $3
                         AND closed_at IS NULL",
                        &[&org, &row.kind, &row.identifier_bidx],
                    )
                    .await?
                    .get(0);
                let merged = Step {
                    step: "merged".into(),
                    note: Some("filed again while open: one request".into()),
                    ..step
                };
                pg_step(&tx, org, id, &merged).await?;
                (id, false)
            }
        };
        tx.commit().await?;
        Ok(out)
    }

    async fn request_rows(
        &self,
        org: OrgId,
        id: Option<i64>,
        q: &RequestQuery,
    ) -> Result<Vec<Row>> {
        let c = self.client().await?;
        let by_id = if id.is_some() {
            "id = $2"
        } else {
            "$2::int8 IS NULL"
        };
        let rows = c
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM dsar_requests WHERE org_id = $1
                       AND {by_id} AND id > $3 AND (NOT $4 OR closed_at IS NULL)
                       AND ($5::text IS NULL OR contact_ref = $5)
                     ORDER BY id LIMIT $6"
                ),
                &[
                    &org,
                    &id,
                    &q.after_id.unwrap_or(0),
                    &q.open_only,
                    &q.contact_ref.as_ref().map(|c| c.as_str()),
                    &i64::from(q.limit),
                ],
            )
            .await?;
        Ok(rows.iter().map(pg_row).collect())
    }

    async fn update_request(&self, org: OrgId, u: Update, step: Step) -> Result<bool> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let contact_id = match &u.contact_ref {
            Some(r) => pg_contact_id(&tx, org, r).await?,
            None => None,
        };
        let months = u.extension_months.map(|m| m as i16);
        let n = tx
            .execute(
                "UPDATE dsar_requests SET status = $3, contact_ref = $4, contact_id = $5, verified_at = $6,
                     pauses = $7, extension_months = $8, extension_reason = $9, extended_at = $10,
                     closed_at = $11, outcome = $12, version = version + 1
                 WHERE org_id = $1 AND id = $2 AND version = $13",
                &[
                    &org,
                    &u.id,
                    &u.status,
                    &u.contact_ref,
                    &contact_id,
                    &u.verified_at,
                    &u.pauses,
                    &months,
                    &u.extension_reason,
                    &u.extended_at,
                    &u.closed_at,
                    &u.outcome,
                    &u.version,
                ],
            )
            .await?;
        if n == 1 {
            pg_step(&tx, org, u.id, &step).await?;
        }
        tx.commit().await?;
        Ok(n == 1)
    }

    async fn insert_step(&self, org: OrgId, request_id: i64, step: Step) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        pg_step(&tx, org, request_id, &step).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn history(&self, org: OrgId, request_id: i64) -> Result<Vec<HistoryStep>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT seq, at, actor, step, note FROM dsar_history WHERE org_id = $1 AND request_id = $2 ORDER BY seq",
                &[&org, &request_id],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| HistoryStep {
                seq: r.get(0),
                at: from_micros(r.get(1)),
                actor: r.get(2),
                step: r.get(3),
                note: r.get(4),
            })
            .collect())
    }

    async fn erase(&self, org: OrgId, e: Erasure) -> Result<i64> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let id = pg_erase(&tx, org, &e).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn tombstones(&self, org: OrgId, after_id: i64, limit: u32) -> Result<Vec<Tombstone>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT id, contact_id, contact_ref, request_id, erased_at, actions FROM dsar_tombstones
                 WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                &[&org, &after_id, &i64::from(limit)],
            )
            .await?;
        rows.iter()
            .map(|r| tombstone((r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5))))
            .collect()
    }

    async fn rewrite(
        &self,
        org: OrgId,
        contact_id: i64,
        c: SealedContact,
        previous: Option<Vec<u8>>,
        mark: RequestMark,
        now: i64,
    ) -> Result<()> {
        let RequestMark { request_id, hold } = mark;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        if let Some(prev) = previous {
            tx.execute(
                "INSERT INTO contact_versions (org_id, contact_id, request_id, replaced_at, previous)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&org, &contact_id, &request_id, &now, &prev],
            )
            .await?;
        }
        let email = c.email_bidx.map(|d| d.to_vec());
        let phone = c.phone_bidx.map(|d| d.to_vec());
        tx.execute(
            "UPDATE contacts SET email_bidx = $3, phone_bidx = $4, pii = $5, restricted = $6, row_digest = $7,
                 updated_at = $8, wrapped_dek = $9, restriction_held = COALESCE($10, restriction_held)
             WHERE org_id = $1 AND id = $2 AND erased_at IS NULL",
            &[
                &org,
                &contact_id,
                &email,
                &phone,
                &c.pii,
                &c.restricted,
                &&c.row_digest[..],
                &now,
                &c.wrapped_dek,
                &hold,
            ],
        )
        .await?;
        crate::names::pg_set_names(&tx, org, contact_id, &c.name_bidx).await?;
        tx.execute(
            "UPDATE organizations SET data_version = data_version + 1 WHERE id = $1",
            &[&org],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn versions(
        &self,
        org: OrgId,
        contact_id: i64,
    ) -> Result<Vec<(i64, Option<i64>, i64, Vec<u8>)>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT id, request_id, replaced_at, previous FROM contact_versions
                 WHERE org_id = $1 AND contact_id = $2 ORDER BY id",
                &[&org, &contact_id],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect())
    }
}

/// Deletes a contact's `contact_lookup` entries (SQLite), found by its current blind indexes:
/// the table's key leads with the blind index, so this is two key look-ups, not a scan.
fn sqlite_delete_lookups(
    tx: &rusqlite::Transaction<'_>,
    org: OrgId,
    contact_id: i64,
) -> Result<()> {
    for (kind, column) in [
        (crate::sqlite::LOOKUP_EMAIL, "email_bidx"),
        (crate::sqlite::LOOKUP_PHONE, "phone_bidx"),
    ] {
        tx.prepare_cached(&format!(
            "DELETE FROM contact_lookup WHERE org_id = ?1 AND kind = ?3 AND contact_id = ?2
               AND bidx = (SELECT {column} FROM contacts WHERE org_id = ?1 AND id = ?2)"
        ))?
        .execute(rusqlite::params![org, contact_id, kind])?;
    }
    crate::names::sqlite_delete_name_lookups(tx, org, contact_id)?;
    Ok(())
}

/// What a request's rewrite of a contact records beside the sealed row: the request it answers
/// (for the previous version), and whether it sets or lifts its hold on the restriction.
#[derive(Debug, Clone, Copy)]
struct RequestMark {
    request_id: Option<i64>,
    hold: Option<bool>,
}

/// An erasure in the caller's transaction (a request's, or one of a retention run's batch).
pub(crate) fn sqlite_erase(tx: &rusqlite::Transaction<'_>, org: OrgId, e: &Erasure) -> Result<i64> {
    let contact_id = match &e.contact_ref {
        Some(c) => Some(
            sqlite_contact_id(tx, org, c)?
                .ok_or_else(|| StoreError::NotFound(format!("contact {c}")))?,
        ),
        None => None,
    };
    if let Some(id) = contact_id {
        // Not even a blind index of the person stays linked to the contact.
        sqlite_delete_lookups(tx, org, id)?;
        // The data key goes with the row's other sealed fields: crypto-shredding.
        tx.prepare_cached(
            "UPDATE contacts SET pii = X'', email_bidx = NULL, phone_bidx = NULL, name_bidx = X'', erased_at = ?3,
                 row_digest = X'', updated_at = ?3, wrapped_dek = NULL
             WHERE org_id = ?1 AND id = ?2",
        )?
        .execute(rusqlite::params![org, id, e.at])?;
        if e.retention_run.is_some() {
            // A later import of the row reports it rather than bringing it back (migration 0019).
            tx.prepare_cached(
                "UPDATE contacts SET erased_by_retention = 1 WHERE org_id = ?1 AND id = ?2",
            )?
            .execute(rusqlite::params![org, id])?;
        }
        tx.prepare_cached("DELETE FROM contact_versions WHERE org_id = ?1 AND contact_id = ?2")?
            .execute(rusqlite::params![org, id])?;
        tx.prepare_cached(
            "UPDATE calls SET phone_bidx = X'' WHERE org_id = ?1 AND contact_id = ?2",
        )?
        .execute(rusqlite::params![org, id])?;

        tx.prepare_cached(
            "UPDATE dsar_requests SET identifier = NULL, identifier_bidx = NULL, details = NULL
             WHERE org_id = ?1 AND contact_id = ?2",
        )?
        .execute(rusqlite::params![org, id])?;
    }
    for b in &e.bidx {
        tx.prepare_cached(
            "UPDATE dsar_requests SET identifier = NULL, identifier_bidx = NULL, details = NULL
             WHERE org_id = ?1 AND identifier_bidx = ?2",
        )?
        .execute(rusqlite::params![org, &b[..]])?;
    }
    for h in &e.suppress {
        tx.prepare_cached(
            "INSERT INTO suppression (org_id, sha256, added_at) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
        )?
        .execute(rusqlite::params![org, &h[..], e.at])?;
    }
    tx.prepare_cached(
        "INSERT INTO dsar_tombstones (org_id, contact_id, contact_ref, request_id, erased_at, actions,
             retention_run_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(rusqlite::params![
        org,
        contact_id,
        e.contact_ref,
        e.request_id,
        e.at,
        e.actions,
        e.retention_run
    ])?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached("UPDATE organizations SET data_version = data_version + 1 WHERE id = ?1")?
        .execute([org])?;
    Ok(id)
}

/// An erasure in the caller's transaction (a request's, or one of a retention run's batch).
pub(crate) async fn pg_erase(
    tx: &deadpool_postgres::Transaction<'_>,
    org: OrgId,
    e: &Erasure,
) -> Result<i64> {
    let contact_id = match &e.contact_ref {
        Some(r) => Some(
            pg_contact_id(tx, org, r)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("contact {r}")))?,
        ),
        None => None,
    };
    if let Some(id) = contact_id {
        // The data key goes with the row's other sealed fields: crypto-shredding.
        tx.execute(
            "UPDATE contacts SET pii = ''::bytea, email_bidx = NULL, phone_bidx = NULL, name_bidx = ''::bytea,
                 erased_at = $3, row_digest = ''::bytea, updated_at = $3, wrapped_dek = NULL
             WHERE org_id = $1 AND id = $2",
            &[&org, &id, &e.at],
        )
        .await?;
        if e.retention_run.is_some() {
            tx.execute(
                "UPDATE contacts SET erased_by_retention = TRUE WHERE org_id = $1 AND id = $2",
                &[&org, &id],
            )
            .await?;
        }
        tx.execute(
            "DELETE FROM contact_names WHERE org_id = $1 AND contact_id = $2",
            &[&org, &id],
        )
        .await?;
        tx.execute(
            "DELETE FROM contact_versions WHERE org_id = $1 AND contact_id = $2",
            &[&org, &id],
        )
        .await?;
        tx.execute(
            "UPDATE calls SET phone_bidx = ''::bytea WHERE org_id = $1 AND contact_id = $2",
            &[&org, &id],
        )
        .await?;
        tx.execute(
            "UPDATE dsar_requests SET identifier = NULL, identifier_bidx = NULL, details = NULL
             WHERE org_id = $1 AND contact_id = $2",
            &[&org, &id],
        )
        .await?;
    }
    let bidx: Vec<&[u8]> = e.bidx.iter().map(|b| &b[..]).collect();
    tx.execute(
        "UPDATE dsar_requests SET identifier = NULL, identifier_bidx = NULL, details = NULL
         WHERE org_id = $1 AND identifier_bidx = ANY($2)",
        &[&org, &bidx],
    )
    .await?;
    let hashes: Vec<&[u8]> = e.suppress.iter().map(|h| &h[..]).collect();
    tx.execute(
        "INSERT INTO suppression (org_id, sha256, added_at) SELECT $1, h, $3 FROM UNNEST($2::bytea[]) AS h
         ON CONFLICT DO NOTHING",
        &[&org, &hashes, &e.at],
    )
    .await?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO dsar_tombstones (org_id, contact_id, contact_ref, request_id, erased_at, actions,
                 retention_run_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &[&org, &contact_id, &e.contact_ref, &e.request_id, &e.at, &e.actions, &e.retention_run],
        )
        .await?
        .get(0);
    tx.execute(
        "UPDATE organizations SET data_version = data_version + 1 WHERE id = $1",
        &[&org],
    )
    .await?;
    Ok(id)
}
