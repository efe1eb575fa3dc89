//! The embedded store: one SQLite file in WAL mode. One writer connection (SQLite has a single
//! writer), a small pool of readers, all used from blocking threads.
//!
//! Durability: WAL with `synchronous = FULL`, so a commit returned to the caller is on disk and
//! survives `kill -9` and power loss alike.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use tokio::sync::mpsc::Receiver;

use crate::backend::{Backend, ImportMsg, LedgerImport, RowQuery, UnknownRefs, WrittenEvents};
use crate::error::{Result, StoreError};
use crate::migrations::{Migration, SQLITE};
use crate::model::{ImportCounts, OrgId, Organization, UpsertOutcome, from_micros};
use crate::sealing::{ContactRow, EventRow, SealedContact, SealedEvent};
use crate::sqlite_bulk::BulkStatement;
use crate::sqlite_write::{
    CHUNK, ContactStatements, EventStatements, IdleFlush, LOOKUP_EMAIL, LOOKUP_NAME, LOOKUP_PHONE,
    PendingLookups, RefResolver, dropper, insert_event_tx, insert_events_chunked,
    insert_events_sql, insert_list, name_check, next_batch, upsert_contact_tx,
};
use crate::vault::Digest16;

#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// Readers of this process must go on reading during bulk loads (a server importing a
    /// file from its pages): the loads stay in the WAL.
    serving: std::sync::atomic::AtomicBool,
}

const MAX_IDLE_READERS: usize = 8;

/// How long a connection waits for another's write lock before answering "database is
/// locked". A bulk load by another process (`vigie import` while `vigie serve` runs) holds the
/// lock for its whole transaction, tens of seconds for millions of rows: the server's writes
/// wait for it rather than fail.
const BUSY_TIMEOUT_MS: u32 = 120_000;

/// Switches the connection from the WAL to a rollback journal for a bulk load, unless another
/// connection has the file open; the journal mode the load runs in (`delete` or `wal`).
///
/// Leaving the WAL needs the file to itself, and SQLite refuses at once (no busy wait) with
/// `SQLITE_BUSY` when another process has it open: the load then stays in the WAL.
fn leave_wal_if_alone(conn: &Connection) -> Result<String> {
    match conn.query_row("PRAGMA journal_mode = DELETE", [], |r| {
        r.get::<_, String>(0)
    }) {
        Ok(mode) => Ok(mode),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::DatabaseBusy =>
        {
            tracing::info!("another process has the store open: the bulk load stays in the WAL");
            Ok("wal".to_owned())
        }
        Err(e) => Err(e.into()),
    }
}

fn open_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS.into()))?;
    conn.execute_batch(
        "PRAGMA page_size = 8192;
         PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -65536;",
    )?;
    Ok(conn)
}

fn migrate(conn: &mut Connection, migrations: &[Migration]) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS vigie_migrations (
             version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    )?;
    for m in migrations {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let done: bool = tx.query_row(
            "SELECT count(*) > 0 FROM vigie_migrations WHERE version = ?1",
            [m.version],
            |r| r.get(0),
        )?;
        if !done {
            tracing::info!(
                version = m.version,
                name = m.name,
                "applying SQLite migration"
            );
            tx.execute_batch(m.sql)?;
            tx.execute(
                "INSERT INTO vigie_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                params![m.version, m.name, jiff::Timestamp::now().as_microsecond()],
            )?;
        }
        tx.commit()?;
    }
    Ok(())
}

fn org_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Organization> {
    Ok(Organization {
        id: r.get(0)?,
        slug: r.get(1)?,
        name: r.get(2)?,
        created_at: from_micros(r.get(3)?),
    })
}

const CONTACT_COLUMNS: &str = "c.id, c.contact_ref, c.pii, c.wrapped_dek, c.audience, c.customer, c.customer_categories,
     c.collected_via, c.collected_at, c.informed, c.objection_offered, c.contract_active, c.restricted,
     c.created_at, c.updated_at, c.time_zone, c.relationship_ended_at";

fn contact_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ContactRow> {
    Ok(ContactRow {
        id: r.get(0)?,
        contact_ref: r.get(1)?,
        pii: r.get(2)?,
        wrapped_dek: r.get(3)?,
        audience: r.get(4)?,
        customer: r.get(5)?,
        customer_categories: r.get(6)?,
        collected_via: r.get(7)?,
        collected_at: r.get(8)?,
        informed: r.get(9)?,
        objection_offered: r.get(10)?,
        contract_active: r.get(11)?,
        restricted: r.get(12)?,
        created_at: r.get(13)?,
        updated_at: r.get(14)?,
        time_zone: r.get(15)?,
        relationship_ended_at: r.get(16)?,
    })
}

pub(crate) fn bump_version(conn: &Connection, org: OrgId) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE organizations SET data_version = data_version + 1 WHERE id = ?1",
        [org],
    )?;
    Ok(())
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path` and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self> {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Other(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            let mut writer = open_connection(&path)?;
            migrate(&mut writer, SQLITE)?;
            Ok(SqliteStore {
                inner: Arc::new(Inner {
                    path,
                    writer: Mutex::new(writer),
                    readers: Mutex::new(Vec::new()),
                    serving: std::sync::atomic::AtomicBool::new(false),
                }),
            })
        })
        .await
        .map_err(|e| StoreError::Other(e.to_string()))?
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` on a reader connection, in a blocking thread.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = inner.readers.lock().expect("reader pool").pop();
            let conn = match pooled {
                Some(c) => c,
                None => open_connection(&inner.path)?,
            };
            let out = f(&conn);
            let mut idle = inner.readers.lock().expect("reader pool");
            if idle.len() < MAX_IDLE_READERS {
                idle.push(conn);
            }
            out
        })
        .await
        .map_err(|e| StoreError::Other(e.to_string()))?
    }

    /// Runs `f` in one IMMEDIATE transaction on the writer connection, in a blocking thread.
    /// The transaction commits if `f` returns `Ok`.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = inner.writer.lock().unwrap_or_else(|p| p.into_inner());
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })
        .await
        .map_err(|e| StoreError::Other(e.to_string()))?
    }

    /// Bulk loads stay in the WAL from now on: this process serves readers (a server that
    /// imports files from its pages) who must go on reading during a load.
    pub fn serve_readers_during_bulk_loads(&self) {
        self.inner
            .serving
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Like [`Self::write`] for bulk loads: a larger page cache for the duration and, when no
    /// other connection has the file open, a rollback journal instead of the WAL. A load that
    /// fills new pages then writes them once, instead of once to the WAL and again at the
    /// checkpoint. The commit is as durable either way (`synchronous = FULL`). When another
    /// process has the file open (`vigie serve` while `vigie import` runs), the load stays in
    /// the WAL: the server's readers go on reading the last commit, and its writes wait for
    /// the load's commit (`BUSY_TIMEOUT_MS`) instead of failing.
    pub(crate) async fn bulk_write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = inner.writer.lock().unwrap_or_else(|p| p.into_inner());
            let mode = if inner.serving.load(std::sync::atomic::Ordering::Relaxed) {
                // Leaving the WAL would lock this process's own readers out mid-request.
                "wal".to_owned()
            } else {
                // Idle readers would keep the WAL in use: close them (the pool reopens on
                // demand).
                inner.readers.lock().expect("reader pool").clear();
                leave_wal_if_alone(&conn)?
            };
            // A cache the size of the load keeps SQLite from spilling dirty pages mid-transaction;
            // sorter threads build indexes faster. Foreign keys: bulk loads only write rows of an
            // organization the caller has just read, and the check costs a lookup per row.
            conn.execute_batch(
                "PRAGMA cache_size = -4194304; PRAGMA threads = 2; PRAGMA foreign_keys = OFF;",
            )?;
            let result = (|| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let out = f(&tx)?;
                tx.commit()?;
                Ok(out)
            })();
            conn.execute_batch(
                "PRAGMA cache_size = -65536; PRAGMA threads = 0; PRAGMA foreign_keys = ON;",
            )?;
            if mode != "wal" {
                conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
            }
            result
        })
        .await
        .map_err(|e| StoreError::Other(e.to_string()))?
    }
}

impl Backend for SqliteStore {
    async fn list_orgs(&self) -> Result<Vec<Organization>> {
        self.read(|c| {
            let mut st =
                c.prepare("SELECT id, slug, name, created_at FROM organizations ORDER BY slug")?;
            let rows = st
                .query_map([], org_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn org_by_slug(&self, slug: &str) -> Result<Option<Organization>> {
        let slug = slug.to_owned();
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT id, slug, name, created_at FROM organizations WHERE slug = ?1",
            )?
            .query_row([slug], org_from_row)
            .optional()?)
        })
        .await
    }

    async fn create_org(&self, slug: &str, name: &str, now: i64) -> Result<Organization> {
        let (slug, name) = (slug.to_owned(), name.to_owned());
        self.write(move |tx| {
            let inserted = tx.execute(
                "INSERT INTO organizations (slug, name, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (slug) DO NOTHING",
                params![slug, name, now],
            )?;
            if inserted == 0 {
                return Err(StoreError::Conflict(format!("organization {slug:?} already exists")));
            }
            Ok(Organization { id: tx.last_insert_rowid(), slug, name, created_at: from_micros(now) })
        })
        .await
    }

    async fn org_key(&self, org: OrgId, kind: &str) -> Result<Option<Vec<u8>>> {
        let kind = kind.to_owned();
        self.read(move |c| {
            Ok(
                c.prepare_cached("SELECT wrapped FROM org_keys WHERE org_id = ?1 AND kind = ?2")?
                    .query_row(params![org, kind], |r| r.get(0))
                    .optional()?,
            )
        })
        .await
    }

    async fn put_org_key_if_absent(&self, org: OrgId, kind: &str, wrapped: Vec<u8>) -> Result<()> {
        let kind = kind.to_owned();
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO org_keys (org_id, kind, wrapped) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                params![org, kind, wrapped],
            )?;
            Ok(())
        })
        .await
    }

    async fn data_version(&self, org: OrgId) -> Result<i64> {
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT data_version FROM organizations WHERE id = ?1",
                [org],
                |r| r.get(0),
            )?)
        })
        .await
    }

    async fn upsert_contact(
        &self,
        org: OrgId,
        c: SealedContact,
        now: i64,
    ) -> Result<(i64, UpsertOutcome)> {
        self.write(move |tx| {
            let out = upsert_contact_tx(&mut ContactStatements::new(tx)?, tx, org, &c, now, None)?;
            if out.1 != UpsertOutcome::Unchanged {
                bump_version(tx, org)?;
            }
            Ok(out)
        })
        .await
    }

    async fn insert_contact(&self, org: OrgId, c: SealedContact, now: i64) -> Result<Option<i64>> {
        self.write(move |tx| {
            let exists = tx
                .prepare_cached("SELECT 1 FROM contacts WHERE org_id = ?1 AND contact_ref = ?2")?
                .exists(params![org, c.contact_ref])?;
            if exists {
                return Ok(None);
            }
            let (id, _) =
                upsert_contact_tx(&mut ContactStatements::new(tx)?, tx, org, &c, now, None)?;
            bump_version(tx, org)?;
            Ok(Some(id))
        })
        .await
    }

    async fn count_contacts(&self, org: OrgId) -> Result<u64> {
        self.read(move |c| {
            let n: i64 = c
                .prepare_cached("SELECT count(*) FROM contacts WHERE org_id = ?1")?
                .query_row([org], |r| r.get(0))?;
            Ok(n as u64)
        })
        .await
    }

    async fn contact_row_by_ref(
        &self,
        org: OrgId,
        contact_ref: &str,
    ) -> Result<Option<ContactRow>> {
        let contact_ref = contact_ref.to_owned();
        self.read(move |c| {
            let sql = format!(
                "SELECT {CONTACT_COLUMNS} FROM contacts c
                 WHERE c.org_id = ?1 AND c.contact_ref = ?2"
            );
            Ok(c.prepare_cached(&sql)?
                .query_row(params![org, contact_ref], contact_from_row)
                .optional()?)
        })
        .await
    }

    async fn contact_rows(&self, org: OrgId, q: RowQuery) -> Result<Vec<ContactRow>> {
        self.read(move |c| {
            // A search by identifier starts from `contact_lookup` (CROSS JOIN keeps it the outer
            // loop: otherwise SQLite may walk contacts in id order, testing each) and checks the
            // contact's own blind index (an entry left behind never returns a wrong contact).
            let lookup = |kind: i64, param: &str| {
                format!(
                    "contact_lookup l CROSS JOIN contacts c ON c.org_id = l.org_id AND c.id = l.contact_id
                     WHERE l.org_id = ?1 AND l.kind = {kind} AND l.bidx = {param} AND"
                )
            };
            let from = match (&q.email_bidx, &q.phone_bidx, &q.name_bidx) {
                (Some(_), _, _) => lookup(LOOKUP_EMAIL, "?3"),
                (None, Some(_), _) => lookup(LOOKUP_PHONE, "?4"),
                (None, None, Some(_)) => lookup(LOOKUP_NAME, "?6"),
                // Filtered by audience: the index on (org_id, audience, id) walks in id order.
                (None, None, None) if q.audience.is_some() => "contacts c WHERE".to_owned(),
                // A page of the list walks the rowid from `after_id` in order: without NOT
                // INDEXED, SQLite (no statistics) picks the index on (org_id, contact_ref) and
                // sorts every contact of the organization for each page (190 ms at 2,000,000).
                (None, None, None) => "contacts c NOT INDEXED WHERE".to_owned(),
            };
            let mut filter = String::new();
            if q.email_bidx.is_some() {
                filter.push_str(" AND c.email_bidx = ?3");
            }
            if q.phone_bidx.is_some() {
                filter.push_str(" AND c.phone_bidx = ?4");
            }
            if q.name_bidx.is_some() {
                filter.push_str(&format!(" AND {}", name_check("?6")));
            } else {
                // ?6 is bound either way: SQLite wants every bound parameter in the text.
                filter.push_str(" AND ?6 IS NULL");
            }
            filter.push_str(match q.audience {
                Some(_) => " AND c.audience = ?7",
                None => " AND ?7 IS NULL",
            });
            // Paging backwards reads the nearest rows first.
            let (bound, order) = match q.before_id {
                Some(_) => ("c.id < ?2", "DESC"),
                None => ("c.id > ?2", "ASC"),
            };
            let sql = format!(
                "SELECT {CONTACT_COLUMNS} FROM {from} c.org_id = ?1 AND {bound}{filter}
                 ORDER BY c.id {order} LIMIT ?5"
            );
            let mut st = c.prepare_cached(&sql)?;
            let rows = st
                .query_map(
                    params![
                        org,
                        q.before_id.or(q.after_id).unwrap_or(0),
                        q.email_bidx.as_ref().map(|d| &d[..]),
                        q.phone_bidx.as_ref().map(|d| &d[..]),
                        q.limit,
                        q.name_bidx.as_ref().map(|d| &d[..]),
                        q.audience,
                    ],
                    contact_from_row,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn contact_rows_by_ids(&self, org: OrgId, ids: Vec<i64>) -> Result<Vec<ContactRow>> {
        self.read(move |c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {CONTACT_COLUMNS} FROM contacts c WHERE c.org_id = ?1 AND c.id = ?2"
            ))?;
            let mut rows = Vec::with_capacity(ids.len());
            for id in ids
                .iter()
                .copied()
                .collect::<std::collections::BTreeSet<i64>>()
            {
                if let Some(row) = st
                    .query_row(params![org, id], contact_from_row)
                    .optional()?
                {
                    rows.push(row);
                }
            }
            Ok(rows)
        })
        .await
    }

    /// Appends a contact's events in one transaction: all of them or none.
    async fn insert_events(
        &self,
        org: OrgId,
        contact_id: i64,
        events: Vec<SealedEvent>,
        now: i64,
    ) -> Result<Vec<(i64, bool)>> {
        self.write(move |tx| {
            let mut st = EventStatements::new(tx)?;
            let out = events
                .iter()
                .map(|e| insert_event_tx(&mut st, tx, org, contact_id, e, now))
                .collect::<Result<Vec<_>>>()?;
            if out.iter().any(|(_, inserted)| *inserted) {
                bump_version(tx, org)?;
            }
            Ok(out)
        })
        .await
    }

    async fn event_rows(&self, org: OrgId, contact_id: i64) -> Result<Vec<EventRow>> {
        self.read(move |c| {
            let mut st = c.prepare_cached(
                "SELECT id, channel, purpose, action, at, method, notice_version, source, proof, recorded_at
                 FROM consent_events WHERE org_id = ?1 AND contact_id = ?2 ORDER BY id",
            )?;
            let rows = st
                .query_map(params![org, contact_id], |r| {
                    Ok(EventRow {
                        id: r.get(0)?,
                        channel: r.get(1)?,
                        purpose: r.get(2)?,
                        action: r.get(3)?,
                        at: r.get(4)?,
                        method: r.get(5)?,
                        notice_version: r.get(6)?,
                        source: r.get(7)?,
                        proof: r.get(8)?,
                        recorded_at: r.get(9)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn is_suppressed(&self, org: OrgId, sha256: [u8; 32]) -> Result<bool> {
        self.read(move |c| {
            Ok(
                c.prepare_cached("SELECT 1 FROM suppression WHERE org_id = ?1 AND sha256 = ?2")?
                    .exists(params![org, &sha256[..]])?,
            )
        })
        .await
    }

    async fn on_opposition(&self, org: OrgId, phone_bidx: Digest16) -> Result<bool> {
        self.read(move |c| {
            Ok(
                c.prepare_cached("SELECT 1 FROM opposition WHERE org_id = ?1 AND phone_bidx = ?2")?
                    .exists(params![org, &phone_bidx[..]])?,
            )
        })
        .await
    }

    async fn import_contacts(
        &self,
        org: OrgId,
        mut rx: Receiver<ImportMsg<SealedContact>>,
        now: i64,
    ) -> Result<ImportCounts> {
        self.bulk_write(move |tx| {
            let mut counts = ImportCounts::default();
            let mut st = ContactStatements::new(tx)?;
            let mut lookups = PendingLookups::default();
            let drop_later = dropper();
            let started = std::time::Instant::now();
            let mut waiting = std::time::Duration::ZERO;
            let mut flush = IdleFlush::default();
            loop {
                let msg = next_batch(tx, &mut rx, &mut flush, &mut waiting)?;
                match msg {
                    Some(ImportMsg::Batch(rows)) => {
                        flush.rows += rows.len();
                        for c in &rows {
                            match upsert_contact_tx(&mut st, tx, org, c, now, Some(&mut lookups))?.1 {
                                UpsertOutcome::Inserted => counts.inserted += 1,
                                UpsertOutcome::Updated => counts.updated += 1,
                                UpsertOutcome::Unchanged => counts.unchanged += 1,
                                UpsertOutcome::LeftErased => counts.left_erased += 1,
                            }
                        }
                        let _ = drop_later.send(rows);
                    }
                    Some(ImportMsg::Commit) => break,
                    None => return Err(StoreError::ImportAborted),
                }
            }
            tracing::debug!(?waiting, total = ?started.elapsed(), "contacts import: writer time waiting for rows");
            let t = std::time::Instant::now();
            lookups.write(tx, org)?;
            tracing::debug!(took = ?t.elapsed(), "contacts import: look-up entries written");
            if counts.inserted + counts.updated > 0 {
                bump_version(tx, org)?;
            }
            Ok(counts)
        })
        .await
    }

    async fn import_events(
        &self,
        org: OrgId,
        mut rx: Receiver<ImportMsg<SealedEvent>>,
        skip_unknown: bool,
        now: i64,
    ) -> Result<LedgerImport> {
        self.bulk_write(move |tx| {
            let mut counts = ImportCounts::default();
            let mut unknown = UnknownRefs::new();
            // Every resolved event so far inserted, in rowid order (see LedgerImport::written).
            let mut written = Some(WrittenEvents::default());
            let mut resolver = RefResolver::new(tx, org)?;
            let mut full = BulkStatement::prepare(tx, &insert_events_sql(CHUNK))?;
            let drop_later = dropper();
            // Ledger files are grouped by contact: remember the last one looked up.
            // (reference, its id), in a buffer reused for every contact.
            let mut last_ref = String::new();
            let mut last_id: Option<Option<i64>> = None;
            let started = std::time::Instant::now();
            let mut waiting = std::time::Duration::ZERO;
            let mut flush = IdleFlush::default();
            loop {
                let msg = next_batch(tx, &mut rx, &mut flush, &mut waiting)?;
                match msg {
                    Some(ImportMsg::Batch(rows)) => {
                        flush.rows += rows.len();
                        let mut resolved = Vec::with_capacity(rows.len());
                        for e in &rows {
                            let contact_id = match last_id {
                                Some(id) if last_ref == e.contact_ref => id,
                                _ => {
                                    let id = resolver.resolve(&e.contact_ref)?;
                                    last_ref.clear();
                                    last_ref.push_str(&e.contact_ref);
                                    last_id = Some(id);
                                    id
                                }
                            };
                            let Some(contact_id) = contact_id else {
                                unknown.push((e.line, e.contact_ref.clone()));
                                counts.rejected += 1;
                                continue;
                            };
                            resolved.push((contact_id, e));
                        }
                        if skip_unknown || unknown.is_empty() {
                            let inserted =
                                insert_events_chunked(tx, &mut full, org, now, &resolved)?;
                            counts.inserted += inserted;
                            counts.unchanged += resolved.len() as u64 - inserted;
                            if inserted != resolved.len() as u64 {
                                written = None;
                            } else if let Some(w) = written.as_mut() {
                                w.events
                                    .extend(resolved.iter().map(|(id, e)| (*id, e.event)));
                                if inserted > 0 {
                                    // Rowids grow with each insert: the last is the greatest.
                                    w.last_id = Some(tx.last_insert_rowid());
                                }
                            }
                        }
                        drop(resolved);
                        let _ = drop_later.send(rows);
                    }
                    Some(ImportMsg::Commit) => break,
                    None => return Err(StoreError::ImportAborted),
                }
            }
            tracing::debug!(?waiting, total = ?started.elapsed(), "events import: writer time waiting for rows");
            if !skip_unknown && !unknown.is_empty() {
                return Err(StoreError::UnknownContacts(unknown));
            }
            if counts.inserted > 0 {
                bump_version(tx, org)?;
            }
            Ok(LedgerImport {
                counts,
                unknown,
                written,
            })
        })
        .await
    }

    async fn import_suppression(
        &self,
        org: OrgId,
        hashes: Vec<[u8; 32]>,
        now: i64,
    ) -> Result<ImportCounts> {
        self.bulk_write(move |tx| {
            let counts = insert_list(tx, org, ("suppression", "sha256"), None, hashes, now)?;
            if counts.inserted > 0 {
                bump_version(tx, org)?;
            }
            Ok(counts)
        })
        .await
    }

    async fn import_opposition(
        &self,
        org: OrgId,
        bidx: Vec<Digest16>,
        now: i64,
    ) -> Result<ImportCounts> {
        self.bulk_write(move |tx| {
            let counts = insert_list(tx, org, ("opposition", "phone_bidx"), None, bidx, now)?;
            if counts.inserted > 0 {
                bump_version(tx, org)?;
            }
            Ok(counts)
        })
        .await
    }
}
