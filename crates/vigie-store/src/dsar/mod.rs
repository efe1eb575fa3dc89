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
//! This module keeps the requests (filing, listing, updates, history); `fulfilment` what a
//! request does to Vigie's own data (erasure, rectification, restriction, earlier versions).
//! As in `audit.rs`, both stores' SQL is in each module: the `Backend` trait does not grow.

mod fulfilment;

pub use fulfilment::{ContactVersion, Tombstone};
pub(crate) use fulfilment::{Erasure, pg_erase, sqlite_erase};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use vigie_core::dsar::{Extension, Pause, RequestClock, RequestKind};
use vigie_core::{ContactRef, Email, PhoneE164};

use crate::error::{Result, StoreError};
use crate::model::{Contact, ContactData, OrgId, from_micros, to_micros};
use crate::postgres::PgStore;
use crate::sealing::OrgCrypto;
use crate::sqlite::SqliteStore;
use crate::vault::Digest16;
use crate::{Backends, Store, now_micros};

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
}
