//! The audit trail: every read of personal data and every change, appended to one hash chain per
//! organization.
//!
//! Each entry stores the link of the entry before it and its own link, a keyed MAC
//! ([`ChainKey`]) over that previous link and all its fields. The key derives from the
//! organization's key, itself wrapped by the master key, so someone who can write to the
//! database but does not hold the master key cannot recompute links. `audit_heads` keeps each
//! organization's last sequence number and link: removing the newest entries is caught too.
//!
//! [`Store::verify_audit`] walks every chain and names the first bad entry: a changed entry (its
//! link does not match its content), a removed or inserted one (a gap or a broken link in the
//! sequence), a reordered one (its previous link is not the link before it), a truncated tail
//! (the head names an entry that is not there).
//!
//! The retention run purges a prefix of the chain past the trail's period
//! (`retention_purges.rs`): verification then starts from the sealed purge checkpoint (the last
//! purged entry's sequence number and link) instead of the genesis link.

use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::model::{OrgId, from_micros};
use crate::postgres::PgStore;
use crate::sqlite::SqliteStore;
use crate::vault::ChainKey;
use crate::{Backends, Store, now_micros};

/// What to record. Never put an identifier in clear (an e-mail address of a contact, a phone
/// number) in these fields: name records by their reference (`contact:C0001`, `request:42`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditEvent {
    /// Who: `user:<email>`, `token:<id>`, `cli:<os user>`, `public`.
    pub actor: String,
    /// The role the actor acted in, when it had one.
    pub role: Option<String>,
    /// What, as a dotted verb: `contact.read`, `contact.update`, `dsar.erase`, `login.failed` …
    pub action: String,
    /// On what.
    pub target: Option<String>,
    /// From where: the client address, or `cli`.
    pub origin: Option<String>,
    /// Why, when the action requires a reason.
    pub reason: Option<String>,
}

/// A recorded entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: jiff::Timestamp,
    pub actor: String,
    pub role: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub origin: Option<String>,
    pub reason: Option<String>,
    /// This entry's link, hex: what a later entry's chain builds on.
    pub link: String,
}

/// The first problem found in an organization's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditFault {
    pub org: String,
    /// The sequence number of the first bad entry (or where one is missing).
    pub seq: i64,
    pub problem: String,
}

impl std::fmt::Display for AuditFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "organization {}, entry {}: {}",
            self.org, self.seq, self.problem
        )
    }
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    pub organizations: u64,
    pub entries: u64,
    /// One per organization whose chain is broken; empty when the whole trail verifies.
    pub faults: Vec<AuditFault>,
}

impl AuditReport {
    pub fn intact(&self) -> bool {
        self.faults.is_empty()
    }
}

/// An entry as stored.
struct Row {
    seq: i64,
    at: i64,
    actor: String,
    role: Option<String>,
    action: String,
    target: Option<String>,
    origin: Option<String>,
    reason: Option<String>,
    prev_link: Vec<u8>,
    link: Vec<u8>,
}

const GENESIS: [u8; 32] = [0; 32];
const COLUMNS: &str = "seq, at, actor, role, action, target, origin, reason, prev_link, link";
/// Entries read per query while verifying or exporting.
const PAGE: u32 = 10_000;

fn opt(s: &Option<String>) -> &[u8] {
    // Absent and empty are told apart: absent is a single 0xFF byte, which no UTF-8 text is.
    s.as_deref().map_or(&[0xFF], str::as_bytes)
}

fn link_of(key: &ChainKey, org: OrgId, prev: &[u8; 32], r: &Row) -> [u8; 32] {
    key.link(
        prev,
        &[
            &org.to_le_bytes(),
            &r.seq.to_le_bytes(),
            &r.at.to_le_bytes(),
            r.actor.as_bytes(),
            opt(&r.role),
            r.action.as_bytes(),
            opt(&r.target),
            opt(&r.origin),
            opt(&r.reason),
        ],
    )
}

fn link32(what: &str, seq: i64, b: &[u8]) -> Result<[u8; 32]> {
    b.try_into().map_err(|_| {
        StoreError::Other(format!(
            "audit entry {seq}: {what} has {} bytes, not 32",
            b.len()
        ))
    })
}

impl Row {
    fn into_entry(self) -> AuditEntry {
        AuditEntry {
            seq: self.seq,
            at: from_micros(self.at),
            actor: self.actor,
            role: self.role,
            action: self.action,
            target: self.target,
            origin: self.origin,
            reason: self.reason,
            link: hex::encode(&self.link),
        }
    }
}

fn row_of(org: OrgId, e: AuditEvent, at: i64, seq: i64, prev: [u8; 32], key: &ChainKey) -> Row {
    let mut row = Row {
        seq,
        at,
        actor: e.actor,
        role: e.role,
        action: e.action,
        target: e.target,
        origin: e.origin,
        reason: e.reason,
        prev_link: prev.to_vec(),
        link: Vec::new(),
    };
    row.link = link_of(key, org, &prev, &row).to_vec();
    row
}

impl Store {
    /// Appends `event` to the organization's audit trail; returns its sequence number.
    pub async fn audit(&self, org: OrgId, event: AuditEvent) -> Result<i64> {
        if event.actor.is_empty() || event.action.is_empty() {
            return Err(StoreError::Invalid(
                "an audit entry needs an actor and an action".into(),
            ));
        }
        let key = self.org_crypto(org).await?.chain;
        let at = now_micros();
        match &self.backend {
            Backends::Sqlite(b) => b.append_audit(org, event, at, key).await,
            Backends::Postgres(b) => b.append_audit(org, event, at, &key).await,
        }
    }

    /// How many entries the organization's trail has (the last sequence number).
    pub async fn audit_count(&self, org: OrgId) -> Result<i64> {
        Ok(self.audit_head(org).await?.map_or(0, |(seq, _)| seq))
    }

    /// The organization's entries after sequence number `after_seq`, oldest first.
    pub async fn audit_entries(
        &self,
        org: OrgId,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditEntry>> {
        let rows = self.audit_rows(org, after_seq, limit).await?;
        Ok(rows.into_iter().map(Row::into_entry).collect())
    }

    async fn audit_rows(&self, org: OrgId, after_seq: i64, limit: u32) -> Result<Vec<Row>> {
        match &self.backend {
            Backends::Sqlite(b) => b.audit_rows(org, after_seq, limit).await,
            Backends::Postgres(b) => b.audit_rows(org, after_seq, limit).await,
        }
    }

    async fn audit_head(&self, org: OrgId) -> Result<Option<(i64, Vec<u8>)>> {
        match &self.backend {
            Backends::Sqlite(b) => b.audit_head(org).await,
            Backends::Postgres(b) => b.audit_head(org).await,
        }
    }

    /// The organization's head: its last sequence number and link (0 and the genesis link
    /// before the first entry).
    pub(crate) async fn audit_head_link(&self, org: OrgId) -> Result<(i64, [u8; 32])> {
        match self.audit_head(org).await? {
            None => Ok((0, GENESIS)),
            Some((seq, link)) => Ok((seq, link32("the head's link", seq, &link)?)),
        }
    }

    /// The link of entry `seq`, if the trail has it.
    pub(crate) async fn audit_link_at(&self, org: OrgId, seq: i64) -> Result<Option<[u8; 32]>> {
        let rows = self.audit_rows(org, seq - 1, 1).await?;
        match rows.first() {
            Some(r) if r.seq == seq => Ok(Some(link32("link", seq, &r.link)?)),
            _ => Ok(None),
        }
    }

    /// Verifies every organization's chain from its first entry to its head.
    pub async fn verify_audit(&self) -> Result<AuditReport> {
        let orgs = self.orgs().await?;
        let mut report = AuditReport {
            organizations: orgs.len() as u64,
            entries: 0,
            faults: Vec::new(),
        };
        for org in orgs {
            let (entries, fault) = self.verify_chain(org.id).await?;
            report.entries += entries;
            if let Some((seq, problem)) = fault {
                report.faults.push(AuditFault {
                    org: org.slug,
                    seq,
                    problem,
                });
            }
        }
        Ok(report)
    }

    /// Walks one chain: the number of entries, and the first fault if any.
    async fn verify_chain(&self, org: OrgId) -> Result<(u64, Option<(i64, String)>)> {
        let key = self.org_crypto(org).await?.chain;
        let mut prev = GENESIS;
        let mut expected = 1i64;
        let mut count = 0u64;
        // After a purge by retention the chain starts from its checkpoint: the first entry
        // kept must follow the last one purged.
        if let Some(purge) = self.audit_purge_checkpoint(org, &key).await? {
            if !purge.sealed {
                return Ok((
                    0,
                    Some((
                        purge.through_seq,
                        "the purge checkpoint does not verify: altered, or not written with \
                         this installation's keys"
                            .into(),
                    )),
                ));
            }
            prev = purge.through_link;
            expected = purge.through_seq + 1;
        }
        loop {
            let rows = self.audit_rows(org, expected - 1, PAGE).await?;
            let done = rows.len() < PAGE as usize;
            for r in rows {
                count += 1;
                if r.seq != expected {
                    return Ok((
                        count,
                        Some((
                            expected,
                            format!(
                                "missing (the next entry is {}): removed, or the sequence was altered",
                                r.seq
                            ),
                        )),
                    ));
                }
                if r.prev_link != prev {
                    return Ok((
                        count,
                        Some((
                            r.seq,
                            "does not follow the entry before it: inserted, reordered, or the \
                             entry before it was removed"
                                .into(),
                        )),
                    ));
                }
                let link = link_of(&key, org, &prev, &r);
                if r.link != link {
                    return Ok((
                        count,
                        Some((
                            r.seq,
                            "its content was changed (the link does not match)".into(),
                        )),
                    ));
                }
                prev = link;
                expected += 1;
            }
            if done {
                break;
            }
        }
        let last = expected - 1;
        match self.audit_head(org).await? {
            None if last == 0 => Ok((count, None)),
            None => Ok((
                count,
                Some((
                    last,
                    "the chain has entries but no head: the head was removed".into(),
                )),
            )),
            Some((seq, link)) if seq == last && link == prev => Ok((count, None)),
            Some((seq, _)) if seq > last => Ok((
                count,
                Some((
                    last + 1,
                    format!(
                        "missing: the chain ends at {last} but its head says {seq} (entries removed \
                         at the end)"
                    ),
                )),
            )),
            Some((seq, _)) => Ok((
                count,
                Some((
                    seq,
                    "the head does not match the last entry: entries were added or changed \
                     behind the store's back"
                        .into(),
                )),
            )),
        }
    }
}

fn sqlite_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        role: r.get(3)?,
        action: r.get(4)?,
        target: r.get(5)?,
        origin: r.get(6)?,
        reason: r.get(7)?,
        prev_link: r.get(8)?,
        link: r.get(9)?,
    })
}

impl SqliteStore {
    async fn append_audit(
        &self,
        org: OrgId,
        event: AuditEvent,
        at: i64,
        key: ChainKey,
    ) -> Result<i64> {
        // The writer connection is one, and its transaction is IMMEDIATE: appends are serialized.
        self.write(move |tx| {
            let head: Option<(i64, Vec<u8>)> = tx
                .prepare_cached("SELECT seq, link FROM audit_heads WHERE org_id = ?1")?
                .query_row([org], |r| Ok((r.get(0)?, r.get(1)?)))
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(e),
                })?;
            let (seq, prev) = match head {
                Some((seq, link)) => (seq + 1, link32("head link", seq, &link)?),
                None => (1, GENESIS),
            };
            let row = row_of(org, event, at, seq, prev, &key);
            tx.prepare_cached(&format!(
                "INSERT INTO audit_log (org_id, {COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
            ))?
            .execute(rusqlite::params![
                org,
                row.seq,
                row.at,
                row.actor,
                row.role,
                row.action,
                row.target,
                row.origin,
                row.reason,
                row.prev_link,
                row.link
            ])?;
            tx.prepare_cached(
                "INSERT INTO audit_heads (org_id, seq, link) VALUES (?1, ?2, ?3)
                 ON CONFLICT (org_id) DO UPDATE SET seq = excluded.seq, link = excluded.link",
            )?
            .execute(rusqlite::params![org, row.seq, row.link])?;
            Ok(seq)
        })
        .await
    }

    async fn audit_rows(&self, org: OrgId, after_seq: i64, limit: u32) -> Result<Vec<Row>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM audit_log WHERE org_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
            ))?;
            let rows = stmt
                .query_map(rusqlite::params![org, after_seq, limit], sqlite_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn audit_head(&self, org: OrgId) -> Result<Option<(i64, Vec<u8>)>> {
        self.read(move |c| {
            match c
                .prepare_cached("SELECT seq, link FROM audit_heads WHERE org_id = ?1")?
                .query_row([org], |r| Ok((r.get(0)?, r.get(1)?)))
            {
                Ok(h) => Ok(Some(h)),
                Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }
}

impl PgStore {
    async fn append_audit(
        &self,
        org: OrgId,
        event: AuditEvent,
        at: i64,
        key: &ChainKey,
    ) -> Result<i64> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        // The head row is created once, then locked by every append to this organization's
        // chain: appends to one chain are serialized, other organizations are not held up.
        tx.execute(
            "INSERT INTO audit_heads (org_id, seq, link) VALUES ($1, 0, $2) ON CONFLICT (org_id) DO NOTHING",
            &[&org, &&GENESIS[..]],
        )
        .await?;
        let head = tx
            .query_one(
                "SELECT seq, link FROM audit_heads WHERE org_id = $1 FOR UPDATE",
                &[&org],
            )
            .await?;
        let last: i64 = head.get(0);
        let prev = link32("head link", last, head.get::<_, &[u8]>(1))?;
        let row = row_of(org, event, at, last + 1, prev, key);
        tx.execute(
            &format!(
                "INSERT INTO audit_log (org_id, {COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            ),
            &[
                &org,
                &row.seq,
                &row.at,
                &row.actor,
                &row.role,
                &row.action,
                &row.target,
                &row.origin,
                &row.reason,
                &row.prev_link,
                &row.link,
            ],
        )
        .await?;
        tx.execute(
            "UPDATE audit_heads SET seq = $2, link = $3 WHERE org_id = $1",
            &[&org, &row.seq, &row.link],
        )
        .await?;
        tx.commit().await?;
        Ok(row.seq)
    }

    async fn audit_rows(&self, org: OrgId, after_seq: i64, limit: u32) -> Result<Vec<Row>> {
        let c = self.client().await?;
        let rows = c
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM audit_log WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
                ),
                &[&org, &after_seq, &i64::from(limit)],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| Row {
                seq: r.get(0),
                at: r.get(1),
                actor: r.get(2),
                role: r.get(3),
                action: r.get(4),
                target: r.get(5),
                origin: r.get(6),
                reason: r.get(7),
                prev_link: r.get(8),
                link: r.get(9),
            })
            .collect())
    }

    async fn audit_head(&self, org: OrgId) -> Result<Option<(i64, Vec<u8>)>> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT seq, link FROM audit_heads WHERE org_id = $1 AND seq > 0",
                &[&org],
            )
            .await?;
        Ok(row.map(|r| (r.get(0), r.get(1))))
    }
}
