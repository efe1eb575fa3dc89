//! What bulk screening reads from the store, and the proof it writes back.
//!
//! - [`Store::scan_screening`] streams an organization's screening facts, in one consistent read
//!   (one read transaction), to a [`ScreeningSink`]: the opposition list's blind indexes, the
//!   suppression list's SHA-256 hashes, then the contacts in id order (blind indexes and the
//!   facts the rules read, never an identifier in clear), then the ledger in id order. Nothing is
//!   decrypted: screening needs no data key. The scan also returns the data version it saw, so a
//!   derived image of the base can be labelled exactly.
//! - [`Store::record_screening_run`] and [`Store::screening_runs`]: the append-only record of
//!   every screening (who, when, which campaign, rule pack, base and files, and the counts).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;
use vigie_core::{Audience, CallOutcome, ConsentEvent, Zone};

use futures_util::StreamExt;
use tokio_postgres::binary_copy::BinaryCopyOutStream;
use tokio_postgres::types::Type;

use crate::error::{Result, StoreError};
use crate::model::{OrgId, from_micros, to_micros};
use crate::postgres::PgStore;
use crate::sealing::RowError;
use crate::sqlite::SqliteStore;
use crate::vault::{DIGEST_LEN, Digest16};
use crate::{Backends, Store};

/// One contact as screening reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreeningContact<'a> {
    /// The store's id: contacts come in id order, which is import order.
    pub id: i64,
    pub email_bidx: Option<Digest16>,
    pub phone_bidx: Option<Digest16>,
    pub audience: Audience,
    pub customer: bool,
    /// Product categories bought, `|`-separated as stored.
    pub customer_categories: &'a str,
    pub collected_at: Option<Timestamp>,
    pub informed: bool,
    pub objection_offered: bool,
    pub contract_active: bool,
    pub restricted: bool,
    /// The zone recorded for the contact, if any.
    pub time_zone: Option<Zone>,
}

/// Receives a screening scan, in this order: every opposition entry (a number on two lists
/// comes twice: not made distinct by the store, whose sort cost seconds on PostgreSQL for a
/// national list, when the sink's table drops repeats anyway), every suppression entry,
/// every contact (id order), every ledger event (id order, so per contact in recording order),
/// every call attempt (by contact, then time).
/// An error from the sink stops the scan and is returned by it.
pub trait ScreeningSink: Send + 'static {
    fn opposition(&mut self, phone_bidx: Digest16) -> Result<()>;
    fn suppression(&mut self, sha256: [u8; 32]) -> Result<()>;
    fn contact(&mut self, contact: &ScreeningContact<'_>) -> Result<()>;
    fn event(&mut self, contact_id: i64, event: ConsentEvent) -> Result<()>;
    /// A call attempt of the call log; calls come last, grouped by contact (id order), each
    /// contact's in time order.
    fn call(&mut self, contact_id: i64, at: Timestamp, outcome: CallOutcome) -> Result<()>;
}

/// Which parts of the base a screening scan reads. A derived image brought current after one
/// import re-reads only what that import can have changed: the ledger is append-only, so the
/// events after the last one it holds are all it lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanParts {
    pub opposition: bool,
    pub suppression: bool,
    pub contacts: bool,
    /// The ledger events whose id is greater than this one (`None`: no event).
    pub events_after: Option<i64>,
    pub calls: bool,
}

impl ScanParts {
    /// Everything: the whole base.
    pub const ALL: ScanParts = ScanParts {
        opposition: true,
        suppression: true,
        contacts: true,
        events_after: Some(i64::MIN),
        calls: true,
    };
    /// Nothing: only the data version.
    pub const NONE: ScanParts = ScanParts {
        opposition: false,
        suppression: false,
        contacts: false,
        events_after: None,
        calls: false,
    };
}

/// What a scan saw besides the rows it gave its sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanMarks {
    /// The organization's data version the scan read.
    pub data_version: i64,
    /// The greatest id of the ledger events scanned, if any were.
    pub last_event_id: Option<i64>,
    /// The number of ledger events scanned.
    pub events: u64,
}

/// The proof of one screening run, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewScreeningRun {
    /// Who ran it (a user name, an API client).
    pub actor: String,
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    /// The campaign definition, exactly as given (JSON text).
    pub campaign: String,
    /// The rule pack applied (`RulePack::id`).
    pub rule_pack: String,
    /// The organization's data version the list was screened against.
    pub data_version: i64,
    /// The targets file as the caller named it.
    pub input_name: Option<String>,
    #[serde(serialize_with = "hex_bytes")]
    pub input_sha256: [u8; 32],
    #[serde(serialize_with = "hex_bytes")]
    pub output_sha256: [u8; 32],
    /// Data rows screened (one decision each).
    pub rows: u64,
    /// Rows per decision code.
    pub counts: BTreeMap<String, u64>,
    /// Why the screening went on against a stale or missing opposition list extract, when the
    /// caller overrode the refusal (e.g. a Bloctel extract older than 30 days).
    pub opposition_override: Option<String>,
}

/// A recorded screening run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreeningRun {
    pub id: i64,
    #[serde(flatten)]
    pub run: NewScreeningRun,
}

fn hex_bytes<S: serde::Serializer>(b: &[u8; 32], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(b))
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Row(RowError::Corrupt(format!("{what}: {e}")))
}

fn recorded_zone(name: Option<&str>) -> Result<Option<Zone>> {
    name.map(Zone::parse)
        .transpose()
        .map_err(|e| corrupt("contacts.time_zone", e))
}

fn digest16(what: &str, b: &[u8]) -> Result<Digest16> {
    b.try_into().map_err(|_| {
        corrupt(
            what,
            format!("{} bytes where {DIGEST_LEN} are expected", b.len()),
        )
    })
}

fn sha256(b: &[u8]) -> Result<[u8; 32]> {
    b.try_into()
        .map_err(|_| corrupt("sha256", format!("{} bytes where 32 are expected", b.len())))
}

/// A column of an unexpected SQLite type.
fn sql<T>(value: rusqlite::types::FromSqlResult<T>) -> Result<T> {
    value.map_err(|e| corrupt("column", e))
}

fn event_from(
    channel: &str,
    purpose: &str,
    action: &str,
    at: i64,
    method: &str,
) -> Result<ConsentEvent> {
    Ok(ConsentEvent {
        scope: channel.parse().map_err(|e| corrupt("channel", e))?,
        purpose: purpose.parse().map_err(|e| corrupt("purpose", e))?,
        action: action.parse().map_err(|e| corrupt("action", e))?,
        at: from_micros(at),
        method: method.parse().map_err(|e| corrupt("method", e))?,
    })
}

fn counts_json(counts: &BTreeMap<String, u64>) -> String {
    serde_json::to_string(counts).expect("a map of strings to integers serializes")
}

fn counts_from_json(text: &str) -> Result<BTreeMap<String, u64>> {
    serde_json::from_str(text).map_err(|e| corrupt("counts", e))
}

impl Store {
    /// Streams the organization's screening facts to `sink` in one consistent read (see the
    /// module documentation for the order). Returns the sink and the data version the scan saw.
    pub async fn scan_screening<S: ScreeningSink>(&self, org: OrgId, sink: S) -> Result<(S, i64)> {
        let (sink, marks) = self.scan_screening_parts(org, ScanParts::ALL, sink).await?;
        Ok((sink, marks.data_version))
    }

    /// As [`Store::scan_screening`], reading only `parts` (in the same order, in one consistent
    /// read); also says which ledger events it read.
    pub async fn scan_screening_parts<S: ScreeningSink>(
        &self,
        org: OrgId,
        parts: ScanParts,
        sink: S,
    ) -> Result<(S, ScanMarks)> {
        match &self.backend {
            Backends::Sqlite(b) => b.scan_screening(org, parts, sink).await,
            Backends::Postgres(b) => b.scan_screening(org, parts, sink).await,
        }
    }

    /// Records a screening run; returns it with its id.
    pub async fn record_screening_run(
        &self,
        org: OrgId,
        run: &NewScreeningRun,
    ) -> Result<ScreeningRun> {
        let id = match &self.backend {
            Backends::Sqlite(b) => b.insert_screening_run(org, run.clone()).await?,
            Backends::Postgres(b) => b.insert_screening_run(org, run).await?,
        };
        // As read back: instants are kept to the microsecond.
        let mut stored = run.clone();
        stored.started_at = from_micros(to_micros(run.started_at));
        stored.finished_at = from_micros(to_micros(run.finished_at));
        Ok(ScreeningRun { id, run: stored })
    }

    /// The organization's screening runs, most recent first.
    pub async fn screening_runs(&self, org: OrgId, limit: u32) -> Result<Vec<ScreeningRun>> {
        match &self.backend {
            Backends::Sqlite(b) => b.screening_runs(org, None, limit).await,
            Backends::Postgres(b) => b.screening_runs(org, None, limit).await,
        }
    }

    /// One screening run of the organization.
    pub async fn screening_run(&self, org: OrgId, id: i64) -> Result<Option<ScreeningRun>> {
        let runs = match &self.backend {
            Backends::Sqlite(b) => b.screening_runs(org, Some(id), 1).await?,
            Backends::Postgres(b) => b.screening_runs(org, Some(id), 1).await?,
        };
        Ok(runs.into_iter().next())
    }
}

const RUN_COLUMNS: &str =
    "id, actor, started_at, finished_at, campaign, rule_pack, data_version, input_name,
     input_sha256, output_sha256, row_count, counts, opposition_override";

/// The columns of [`RUN_COLUMNS`], read by either store.
struct RunRow {
    id: i64,
    actor: String,
    started_at: i64,
    finished_at: i64,
    campaign: String,
    rule_pack: String,
    data_version: i64,
    input_name: Option<String>,
    input_sha256: Vec<u8>,
    output_sha256: Vec<u8>,
    row_count: i64,
    counts: String,
    opposition_override: Option<String>,
}

impl RunRow {
    fn into_run(self) -> Result<ScreeningRun> {
        Ok(ScreeningRun {
            id: self.id,
            run: NewScreeningRun {
                actor: self.actor,
                started_at: from_micros(self.started_at),
                finished_at: from_micros(self.finished_at),
                campaign: self.campaign,
                rule_pack: self.rule_pack,
                data_version: self.data_version,
                input_name: self.input_name,
                input_sha256: sha256(&self.input_sha256)?,
                output_sha256: sha256(&self.output_sha256)?,
                rows: u64::try_from(self.row_count).map_err(|e| corrupt("row_count", e))?,
                counts: counts_from_json(&self.counts)?,
                opposition_override: self.opposition_override,
            },
        })
    }
}

fn row_count(run: &NewScreeningRun) -> Result<i64> {
    i64::try_from(run.rows)
        .map_err(|_| StoreError::Invalid(format!("row count {} is out of range", run.rows)))
}

// --- SQLite ------------------------------------------------------------------------------------

impl SqliteStore {
    pub(crate) async fn scan_screening<S: ScreeningSink>(
        &self,
        org: OrgId,
        parts: ScanParts,
        mut sink: S,
    ) -> Result<(S, ScanMarks)> {
        self.read(move |conn| {
            // One read transaction: the four scans and the version see the same state.
            let tx = conn.unchecked_transaction()?;
            let version: i64 = tx.query_row(
                "SELECT data_version FROM organizations WHERE id = ?1",
                [org],
                |r| r.get(0),
            )?;
            let mut marks = ScanMarks {
                data_version: version,
                last_event_id: None,
                events: 0,
            };
            scan_sqlite(&tx, org, parts, &mut sink, &mut marks)?;
            tx.commit()?;
            Ok((sink, marks))
        })
        .await
    }

    async fn insert_screening_run(&self, org: OrgId, run: NewScreeningRun) -> Result<i64> {
        let rows = row_count(&run)?;
        self.write(move |tx| {
            // Past the highest id purged by retention too: an id is never given twice.
            let id = tx.query_row(
                "INSERT INTO screening_runs (org_id, id, actor, started_at, finished_at, campaign, rule_pack,
                     data_version, input_name, input_sha256, output_sha256, row_count, counts,
                     opposition_override)
                 VALUES (?1, (SELECT max(coalesce((SELECT max(id) FROM screening_runs), 0),
                     coalesce((SELECT max(last_id) FROM screening_proof_purges), 0)) + 1), ?2, ?3, ?4, ?5, ?6, ?7, ?8,
                     ?9, ?10, ?11, ?12, ?13)
                 RETURNING id",
                rusqlite::params![
                    org,
                    run.actor,
                    to_micros(run.started_at),
                    to_micros(run.finished_at),
                    run.campaign,
                    run.rule_pack,
                    run.data_version,
                    run.input_name,
                    &run.input_sha256[..],
                    &run.output_sha256[..],
                    rows,
                    counts_json(&run.counts),
                    run.opposition_override,
                ],
                |r| r.get(0),
            )?;
            Ok(id)
        })
        .await
    }

    async fn screening_runs(
        &self,
        org: OrgId,
        id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<ScreeningRun>> {
        self.read(move |c| {
            let sql = format!(
                "SELECT {RUN_COLUMNS} FROM screening_runs WHERE org_id = ?1 AND (?2 IS NULL OR id = ?2)
                 ORDER BY started_at DESC, id DESC LIMIT ?3"
            );
            let mut st = c.prepare_cached(&sql)?;
            let rows = st
                .query_map(rusqlite::params![org, id, limit], |r| {
                    Ok(RunRow {
                        id: r.get(0)?,
                        actor: r.get(1)?,
                        started_at: r.get(2)?,
                        finished_at: r.get(3)?,
                        campaign: r.get(4)?,
                        rule_pack: r.get(5)?,
                        data_version: r.get(6)?,
                        input_name: r.get(7)?,
                        input_sha256: r.get(8)?,
                        output_sha256: r.get(9)?,
                        row_count: r.get(10)?,
                        counts: r.get(11)?,
                        opposition_override: r.get(12)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(RunRow::into_run).collect()
        })
        .await
    }
}

/// The scans of [`SqliteStore::scan_screening`] that `parts` asks for, inside its read transaction. Contacts and
/// events are read `NOT INDEXED`: in rowid (= id) order, one sequential pass over the table.
/// Through the `(org_id, …)` indexes the planner would fetch every row at random and sort them
/// all in a temporary B-tree, several times slower on millions of rows.
fn scan_sqlite<S: ScreeningSink>(
    tx: &rusqlite::Transaction<'_>,
    org: OrgId,
    parts: ScanParts,
    sink: &mut S,
    marks: &mut ScanMarks,
) -> Result<()> {
    if parts.opposition {
        scan_sqlite_opposition(tx, org, sink)?;
    }
    if parts.suppression {
        scan_sqlite_suppression(tx, org, sink)?;
    }
    if parts.contacts {
        scan_sqlite_contacts(tx, org, sink)?;
    }
    if let Some(after) = parts.events_after {
        scan_sqlite_events(tx, org, after, sink, marks)?;
    }
    if parts.calls {
        scan_sqlite_calls(tx, org, sink)?;
    }
    Ok(())
}

fn scan_sqlite_opposition<S: ScreeningSink>(
    tx: &rusqlite::Transaction<'_>,
    org: OrgId,
    sink: &mut S,
) -> Result<()> {
    let mut st = tx.prepare("SELECT phone_bidx FROM opposition WHERE org_id = ?1")?;
    let mut rows = st.query([org])?;
    while let Some(r) = rows.next()? {
        sink.opposition(digest16(
            "opposition.phone_bidx",
            sql(r.get_ref(0)?.as_blob())?,
        )?)?;
    }
    Ok(())
}

fn scan_sqlite_suppression<S: ScreeningSink>(
    tx: &rusqlite::Transaction<'_>,
    org: OrgId,
    sink: &mut S,
) -> Result<()> {
    let mut st = tx.prepare("SELECT sha256 FROM suppression WHERE org_id = ?1")?;
    let mut rows = st.query([org])?;
    while let Some(r) = rows.next()? {
        sink.suppression(sha256(sql(r.get_ref(0)?.as_blob())?)?)?;
    }
    Ok(())
}

fn scan_sqlite_contacts<S: ScreeningSink>(
    tx: &rusqlite::Transaction<'_>,
    org: OrgId,
    sink: &mut S,
) -> Result<()> {
    let mut st = tx.prepare(
        "SELECT id, email_bidx, phone_bidx, audience, customer, customer_categories, collected_at,
                informed, objection_offered, contract_active, restricted, time_zone
         FROM contacts NOT INDEXED WHERE org_id = ?1 ORDER BY id",
    )?;
    let mut rows = st.query([org])?;
    while let Some(r) = rows.next()? {
        let bidx = |i: usize, what: &str| -> Result<Option<Digest16>> {
            sql(r.get_ref(i)?.as_blob_or_null())?
                .map(|b| digest16(what, b))
                .transpose()
        };
        let flag = |i: usize| -> Result<bool> { Ok(sql(r.get_ref(i)?.as_i64())? != 0) };
        let contact = ScreeningContact {
            id: sql(r.get_ref(0)?.as_i64())?,
            email_bidx: bidx(1, "contacts.email_bidx")?,
            phone_bidx: bidx(2, "contacts.phone_bidx")?,
            audience: sql(r.get_ref(3)?.as_str())?
                .parse()
                .map_err(|e| corrupt("audience", e))?,
            customer: flag(4)?,
            customer_categories: sql(r.get_ref(5)?.as_str())?,
            collected_at: sql(r.get_ref(6)?.as_i64_or_null())?.map(from_micros),
            informed: flag(7)?,
            objection_offered: flag(8)?,
            contract_active: flag(9)?,
            restricted: flag(10)?,
            time_zone: recorded_zone(sql(r.get_ref(11)?.as_str_or_null())?)?,
        };
        sink.contact(&contact)?;
    }
    Ok(())
}

fn scan_sqlite_events<S: ScreeningSink>(
    tx: &rusqlite::Transaction<'_>,
    org: OrgId,
    after: i64,
    sink: &mut S,
    marks: &mut ScanMarks,
) -> Result<()> {
    // One sequential pass in rowid (= id) order from the first id wanted: `NOT INDEXED` still
    // seeks by rowid, so the newest events cost only themselves.
    let mut st = tx.prepare(
        "SELECT contact_id, channel, purpose, action, at, method, id
         FROM consent_events NOT INDEXED WHERE org_id = ?1 AND id > ?2 ORDER BY id",
    )?;
    let mut rows = st.query(rusqlite::params![org, after])?;
    while let Some(r) = rows.next()? {
        let event = event_from(
            sql(r.get_ref(1)?.as_str())?,
            sql(r.get_ref(2)?.as_str())?,
            sql(r.get_ref(3)?.as_str())?,
            sql(r.get_ref(4)?.as_i64())?,
            sql(r.get_ref(5)?.as_str())?,
        )?;
        sink.event(sql(r.get_ref(0)?.as_i64())?, event)?;
        let id = sql(r.get_ref(6)?.as_i64())?;
        marks.last_event_id = Some(marks.last_event_id.map_or(id, |m| m.max(id)));
        marks.events += 1;
    }
    Ok(())
}

fn scan_sqlite_calls<S: ScreeningSink>(
    tx: &rusqlite::Transaction<'_>,
    org: OrgId,
    sink: &mut S,
) -> Result<()> {
    // The call log's covering index (migration 0010) gives the rows in this order.
    let mut st = tx.prepare(
        "SELECT contact_id, at, outcome FROM calls WHERE org_id = ?1 ORDER BY contact_id, at",
    )?;
    let mut rows = st.query([org])?;
    while let Some(r) = rows.next()? {
        sink.call(
            sql(r.get_ref(0)?.as_i64())?,
            from_micros(sql(r.get_ref(1)?.as_i64())?),
            call_outcome(sql(r.get_ref(2)?.as_str())?)?,
        )?;
    }
    Ok(())
}

fn call_outcome(text: &str) -> Result<CallOutcome> {
    text.parse().map_err(|e| corrupt("calls.outcome", e))
}

// --- PostgreSQL --------------------------------------------------------------------------------

impl PgStore {
    pub(crate) async fn scan_screening<S: ScreeningSink>(
        &self,
        org: OrgId,
        parts: ScanParts,
        mut sink: S,
    ) -> Result<(S, ScanMarks)> {
        let mut client = self.client().await?;
        // One snapshot for the five scans and the version.
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await?;
        let version: i64 = tx
            .query_one(
                "SELECT data_version FROM organizations WHERE id = $1",
                &[&org],
            )
            .await?
            .get(0);

        // Each scan streams its rows in PostgreSQL's binary copy format: the server sends
        // without waiting for the client to ask for the next batch, and memory stays flat.
        // (`org` is an integer: written into the query, which COPY cannot take parameters for.)
        macro_rules! scan {
            ($sql:expr $(, $k:ident = $v:expr)*, [$($ty:expr),+], |$r:ident| $body:block) => {{
                let copy = format!("COPY ({}) TO STDOUT (FORMAT binary)", format!($sql, org = org $(, $k = $v)*));
                let stream = tx.copy_out(&copy).await?;
                let mut rows = std::pin::pin!(BinaryCopyOutStream::new(stream, &[$($ty),+]));
                while let Some($r) = rows.next().await {
                    let $r = $r?;
                    $body
                }
            }};
        }

        let mut marks = ScanMarks {
            data_version: version,
            last_event_id: None,
            events: 0,
        };
        // (`after` too is an integer written into the query.)
        let after = parts.events_after.unwrap_or(i64::MAX);
        if parts.opposition {
            scan!(
                "SELECT phone_bidx FROM opposition WHERE org_id = {org}",
                [Type::BYTEA],
                |r| {
                    sink.opposition(digest16("opposition.phone_bidx", r.try_get::<&[u8]>(0)?)?)?;
                }
            );
        }
        if parts.suppression {
            scan!(
                "SELECT sha256 FROM suppression WHERE org_id = {org}",
                [Type::BYTEA],
                |r| {
                    sink.suppression(sha256(r.try_get::<&[u8]>(0)?)?)?;
                }
            );
        }
        if parts.contacts {
            scan!(
            "SELECT id, email_bidx, phone_bidx, audience, customer, customer_categories, collected_at,
                    informed, objection_offered, contract_active, restricted, time_zone
             FROM contacts WHERE org_id = {org} ORDER BY id",
            [
                Type::INT8,
                Type::BYTEA,
                Type::BYTEA,
                Type::TEXT,
                Type::BOOL,
                Type::TEXT,
                Type::INT8,
                Type::BOOL,
                Type::BOOL,
                Type::BOOL,
                Type::BOOL,
                Type::TEXT
            ],
            |r| {
                let bidx = |i: usize, what: &str| -> Result<Option<Digest16>> {
                    r.try_get::<Option<&[u8]>>(i)?.map(|b| digest16(what, b)).transpose()
                };
                let contact = ScreeningContact {
                    id: r.try_get(0)?,
                    email_bidx: bidx(1, "contacts.email_bidx")?,
                    phone_bidx: bidx(2, "contacts.phone_bidx")?,
                    audience: r.try_get::<&str>(3)?.parse().map_err(|e| corrupt("audience", e))?,
                    customer: r.try_get(4)?,
                    customer_categories: r.try_get(5)?,
                    collected_at: r.try_get::<Option<i64>>(6)?.map(from_micros),
                    informed: r.try_get(7)?,
                    objection_offered: r.try_get(8)?,
                    contract_active: r.try_get(9)?,
                    restricted: r.try_get(10)?,
                    time_zone: recorded_zone(r.try_get(11)?)?,
                };
                sink.contact(&contact)?;
            }
        );
        }
        if parts.events_after.is_some() {
            scan!(
                "SELECT contact_id, channel, purpose, action, at, method, id
             FROM consent_events WHERE org_id = {org} AND id > {after} ORDER BY id",
                after = after,
                [
                    Type::INT8,
                    Type::TEXT,
                    Type::TEXT,
                    Type::TEXT,
                    Type::INT8,
                    Type::TEXT,
                    Type::INT8
                ],
                |r| {
                    let event = event_from(
                        r.try_get(1)?,
                        r.try_get(2)?,
                        r.try_get(3)?,
                        r.try_get(4)?,
                        r.try_get(5)?,
                    )?;
                    sink.event(r.try_get(0)?, event)?;
                    let id: i64 = r.try_get(6)?;
                    marks.last_event_id = Some(marks.last_event_id.map_or(id, |m| m.max(id)));
                    marks.events += 1;
                }
            );
        }
        if parts.calls {
            scan!(
                "SELECT contact_id, at, outcome FROM calls WHERE org_id = {org} ORDER BY contact_id, at",
                [Type::INT8, Type::INT8, Type::TEXT],
                |r| {
                    sink.call(
                        r.try_get(0)?,
                        from_micros(r.try_get(1)?),
                        call_outcome(r.try_get(2)?)?,
                    )?;
                }
            );
        }
        tx.commit().await?;
        Ok((sink, marks))
    }

    async fn insert_screening_run(&self, org: OrgId, run: &NewScreeningRun) -> Result<i64> {
        let c = self.client().await?;
        let row = c
            .query_one(
                "INSERT INTO screening_runs (org_id, actor, started_at, finished_at, campaign, rule_pack,
                     data_version, input_name, input_sha256, output_sha256, row_count, counts,
                     opposition_override)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                 RETURNING id",
                &[
                    &org,
                    &run.actor,
                    &to_micros(run.started_at),
                    &to_micros(run.finished_at),
                    &run.campaign,
                    &run.rule_pack,
                    &run.data_version,
                    &run.input_name,
                    &&run.input_sha256[..],
                    &&run.output_sha256[..],
                    &row_count(run)?,
                    &counts_json(&run.counts),
                    &run.opposition_override,
                ],
            )
            .await?;
        Ok(row.get(0))
    }

    async fn screening_runs(
        &self,
        org: OrgId,
        id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<ScreeningRun>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM screening_runs WHERE org_id = $1 AND ($2::int8 IS NULL OR id = $2)
             ORDER BY started_at DESC, id DESC LIMIT $3"
        );
        let rows = c.query(&sql, &[&org, &id, &i64::from(limit)]).await?;
        rows.iter()
            .map(|r| {
                RunRow {
                    id: r.get(0),
                    actor: r.get(1),
                    started_at: r.get(2),
                    finished_at: r.get(3),
                    campaign: r.get(4),
                    rule_pack: r.get(5),
                    data_version: r.get(6),
                    input_name: r.get(7),
                    input_sha256: r.get(8),
                    output_sha256: r.get(9),
                    row_count: r.get(10),
                    counts: r.get(11),
                    opposition_override: r.get(12),
                }
                .into_run()
            })
            .collect()
    }
}
