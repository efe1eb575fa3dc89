//! How the SQLite store writes contacts and ledger events: the prepared statements of an
//! upsert, the look-up tables kept beside the contacts (e-mail, phone, names), the resolution of
//! a ledger file's references in sorted windows, and the pacing of a bulk load (idle flushes,
//! freeing written batches on a thread of their own). The connection, the migrations and the
//! `Backend` methods that call these are in `sqlite.rs`.

use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::mpsc::Receiver;

use crate::backend::ImportMsg;
use crate::error::Result;
use crate::model::{ImportCounts, OrgId, UpsertOutcome};
use crate::sealing::{SealedContact, SealedEvent};
use crate::sqlite_bulk::{BulkStatement, Param};
use crate::vault::Digest16;

/// The parameters of the contact INSERT and UPDATE, bound without copies: `?1` org, `?2` the
/// row's key (its reference for the insert, its id for the update), `?3`–`?15` the sealed
/// fields, `?16` now, `?17` the wrapped data key, `?18` the recorded time zone, `?19` the end of
/// the relationship, `?20` the name's hashes end to end.
fn contact_params<'a>(
    org: OrgId,
    key: Param<'a>,
    c: &'a SealedContact,
    now: i64,
) -> [Param<'a>; 20] {
    [
        Param::Int(org),
        key,
        c.email_bidx.as_ref().map(|b| &b[..]).into(),
        c.phone_bidx.as_ref().map(|b| &b[..]).into(),
        Param::Blob(&c.pii),
        Param::Text(c.audience),
        c.customer.into(),
        Param::Text(&c.customer_categories),
        c.collected_via.as_deref().into(),
        c.collected_at.into(),
        c.informed.into(),
        c.objection_offered.into(),
        c.contract_active.into(),
        c.restricted.into(),
        Param::Blob(&c.row_digest),
        Param::Int(now),
        Param::Blob(&c.wrapped_dek),
        c.time_zone.into(),
        c.relationship_ended_at.into(),
        Param::Blob(c.name_bidx.as_flattened()),
    ]
}

/// `contact_lookup.kind` of an e-mail and of a phone blind index.
pub(crate) const LOOKUP_EMAIL: i64 = 1;
pub(crate) const LOOKUP_PHONE: i64 = 2;
/// SQL true when the contact `c` still has the name hash `param` (an entry left behind never
/// returns a wrong contact): one of the 16-byte hashes kept end to end in `c.name_bidx`.
pub(crate) fn name_check(param: &str) -> String {
    format!("(instr(c.name_bidx, {param}) - 1) % 16 = 0")
}

/// `contact_lookup.kind` of a name's search key (migration 0024).
pub(crate) const LOOKUP_NAME: i64 = 3;

/// The statements of a contact upsert, prepared once per transaction (a bulk load runs them two
/// million times: looking each up in rusqlite's statement cache hashes its whole text).
pub(crate) struct ContactStatements<'c> {
    insert: BulkStatement<'c>,
    select: rusqlite::CachedStatement<'c>,
    update: BulkStatement<'c>,
    insert_lookup: rusqlite::CachedStatement<'c>,
    delete_lookup: rusqlite::CachedStatement<'c>,
}

impl<'c> ContactStatements<'c> {
    pub(crate) fn new(conn: &'c Connection) -> rusqlite::Result<Self> {
        Ok(ContactStatements {
            insert: BulkStatement::prepare(
                conn,
                "INSERT INTO contacts (org_id, contact_ref, email_bidx, phone_bidx, pii, audience, customer,
                     customer_categories, collected_via, collected_at, informed, objection_offered,
                     contract_active, restricted, row_digest, created_at, updated_at, wrapped_dek,
                     time_zone, relationship_ended_at, name_bidx)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17, ?18, ?19, ?20)
                 ON CONFLICT (org_id, contact_ref) DO NOTHING",
            )?,
            select: conn.prepare_cached(
                "SELECT id, row_digest, email_bidx, phone_bidx, erased_at, erased_by_retention, name_bidx
                 FROM contacts
                 WHERE org_id = ?1 AND contact_ref = ?2",
            )?,
            update: BulkStatement::prepare(
                conn,
                "UPDATE contacts SET email_bidx = ?3, phone_bidx = ?4, pii = ?5, audience = ?6, customer = ?7,
                     customer_categories = ?8, collected_via = ?9, collected_at = ?10, informed = ?11,
                     objection_offered = ?12, contract_active = ?13,
                     -- A restriction held by a data subject request survives (migration 0009).
                     restricted = (?14 OR restriction_held), row_digest = ?15,
                     updated_at = ?16, wrapped_dek = ?17, time_zone = ?18, relationship_ended_at = ?19,
                     name_bidx = ?20
                 WHERE org_id = ?1 AND id = ?2",
            )?,
            insert_lookup: conn.prepare_cached(
                "INSERT INTO contact_lookup (org_id, kind, bidx, contact_id) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO NOTHING",
            )?,
            delete_lookup: conn.prepare_cached(
                "DELETE FROM contact_lookup
                 WHERE org_id = ?1 AND kind = ?2 AND bidx = ?3 AND contact_id = ?4",
            )?,
        })
    }

    /// Adds the look-up entries of a contact.
    fn add_lookups(&mut self, org: OrgId, id: i64, c: &SealedContact) -> rusqlite::Result<()> {
        for (kind, bidx) in [(LOOKUP_EMAIL, c.email_bidx), (LOOKUP_PHONE, c.phone_bidx)] {
            if let Some(b) = bidx {
                self.insert_lookup.execute(params![org, kind, &b[..], id])?;
            }
        }
        for b in &c.name_bidx {
            self.insert_lookup
                .execute(params![org, LOOKUP_NAME, &b[..], id])?;
        }
        Ok(())
    }

    /// Replaces a contact's name entries `old` (its `name_bidx` before the update) by `new`.
    fn replace_name_lookups(
        &mut self,
        org: OrgId,
        id: i64,
        old: &[Digest16],
        new: &[Digest16],
    ) -> rusqlite::Result<()> {
        for b in old.iter().filter(|b| !new.contains(b)) {
            self.delete_lookup
                .execute(params![org, LOOKUP_NAME, &b[..], id])?;
        }
        for b in new.iter().filter(|b| !old.contains(b)) {
            self.insert_lookup
                .execute(params![org, LOOKUP_NAME, &b[..], id])?;
        }
        Ok(())
    }
}

/// The blind indexes of contacts a bulk load inserted, in insertion (id) order: their look-up
/// entries are written once, sorted, at the end of the load.
#[derive(Default)]
pub(crate) struct PendingLookups {
    rows: Vec<PendingContact>,
}

/// A contact a bulk load inserted: its id, e-mail, phone and name blind indexes.
type PendingContact = (i64, Option<Digest16>, Option<Digest16>, Vec<Digest16>);

impl PendingLookups {
    /// The entry of a contact this load inserted, if it is one.
    fn get_mut(&mut self, id: i64) -> Option<&mut PendingContact> {
        self.rows
            .binary_search_by_key(&id, |r| r.0)
            .ok()
            .map(|i| &mut self.rows[i])
    }

    /// Writes the entries in key order: the B-tree fills by appending (an empty table) or page by
    /// page (a table that has entries already).
    pub(crate) fn write(self, conn: &Connection, org: OrgId) -> rusqlite::Result<()> {
        /// Entries per INSERT statement.
        const ROWS: usize = 256;
        fn sql(n: usize) -> String {
            let mut sql = String::from(
                "INSERT OR IGNORE INTO contact_lookup (org_id, kind, bidx, contact_id) VALUES ",
            );
            for i in 0..n {
                if i > 0 {
                    sql.push(',');
                }
                let b = 2 + 3 * i;
                sql.push_str(&format!("(?1, ?{}, ?{}, ?{})", b, b + 1, b + 2));
            }
            sql
        }
        fn run<'a>(
            st: &mut BulkStatement<'_>,
            params: &mut Vec<Param<'a>>,
            org: OrgId,
            chunk: &'a [(i64, Digest16, i64)],
        ) -> rusqlite::Result<()> {
            params.clear();
            params.push(Param::Int(org));
            for (kind, bidx, id) in chunk {
                params.extend([Param::Int(*kind), Param::Blob(bidx), Param::Int(*id)]);
            }
            st.execute(params)?;
            Ok(())
        }
        let mut entries: Vec<(i64, Digest16, i64)> = Vec::with_capacity(self.rows.len() * 5);
        for (id, email, phone, names) in self.rows {
            entries.extend(names.into_iter().map(|n| (LOOKUP_NAME, n, id)));
            if let Some(e) = email {
                entries.push((LOOKUP_EMAIL, e, id));
            }
            if let Some(p) = phone {
                entries.push((LOOKUP_PHONE, p, id));
            }
        }
        // On both cores: the load's other threads are done by now.
        rayon::slice::ParallelSliceMut::par_sort_unstable(&mut entries[..]);
        let mut full = BulkStatement::prepare(conn, &sql(ROWS))?;
        let mut params = Vec::with_capacity(1 + 3 * ROWS);
        for chunk in entries.chunks(ROWS) {
            if chunk.len() == ROWS {
                run(&mut full, &mut params, org, chunk)?;
            } else {
                let mut last = BulkStatement::prepare(conn, &sql(chunk.len()))?;
                run(&mut last, &mut params, org, chunk)?;
            }
        }
        Ok(())
    }
}

/// Inserts or updates one contact (its row carries its wrapped data key) inside the caller's
/// transaction. The insert is tried first: in a load of new contacts, that is one statement per
/// row. Look-up entries are written at once, or, during a bulk load (`bulk`), collected for one
/// sorted write at the end.
pub(crate) fn upsert_contact_tx(
    st: &mut ContactStatements<'_>,
    conn: &Connection,
    org: OrgId,
    c: &SealedContact,
    now: i64,
    mut bulk: Option<&mut PendingLookups>,
) -> Result<(i64, UpsertOutcome)> {
    let inserted = st
        .insert
        .execute(&contact_params(org, Param::Text(&c.contact_ref), c, now))?;
    if inserted == 1 {
        let id = conn.last_insert_rowid();
        match bulk {
            Some(lookups) => {
                lookups
                    .rows
                    .push((id, c.email_bidx, c.phone_bidx, c.name_bidx.clone()))
            }
            None => st.add_lookups(org, id, c)?,
        }
        return Ok((id, UpsertOutcome::Inserted));
    }
    type Old = (
        i64,
        Vec<u8>,
        Option<Vec<u8>>,
        Option<Vec<u8>>,
        Option<i64>,
        bool,
        Option<Vec<u8>>,
    );
    let (id, digest, old_email, old_phone, erased_at, by_retention, old_names): Old =
        st.select.query_row(params![org, c.contact_ref], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
    if let Some(erased_at) = erased_at {
        // Erased at the person's request: stays erased, whatever the row says. Erased by
        // retention: stays erased (reported) unless collected again since the erasure.
        if !by_retention {
            return Ok((id, UpsertOutcome::Unchanged));
        }
        if c.collected_at.is_none_or(|t| t <= erased_at) {
            return Ok((id, UpsertOutcome::LeftErased));
        }
        conn.prepare_cached(
            "UPDATE contacts SET erased_at = NULL, erased_by_retention = 0 WHERE org_id = ?1 AND id = ?2",
        )?
        .execute(params![org, id])?;
    } else if digest == c.row_digest {
        return Ok((id, UpsertOutcome::Unchanged));
    }
    st.update
        .execute(&contact_params(org, Param::Int(id), c, now))?;
    if let Some(entry) = bulk.as_mut().and_then(|b| b.get_mut(id)) {
        // Inserted earlier in this load: its entries are not written yet.
        entry.1 = c.email_bidx;
        entry.2 = c.phone_bidx;
        entry.3 = c.name_bidx.clone();
    } else {
        let old_names = crate::sealing::split_name_bidx(old_names.as_deref());
        st.replace_name_lookups(org, id, &old_names, &c.name_bidx)?;
        for (kind, old, new) in [
            (LOOKUP_EMAIL, old_email, c.email_bidx),
            (LOOKUP_PHONE, old_phone, c.phone_bidx),
        ] {
            if old.as_deref() == new.as_ref().map(|n| &n[..]) {
                continue;
            }
            if let Some(old) = old {
                st.delete_lookup.execute(params![org, kind, old, id])?;
            }
            if let Some(new) = new {
                st.insert_lookup.execute(params![org, kind, &new[..], id])?;
            }
        }
    }
    Ok((id, UpsertOutcome::Updated))
}

/// Loads a list of keys (suppression hashes, opposition blind indexes) into `table`
/// (`org_id, column, added_at`, and `list` when one is named), 256 keys per statement. Sorted
/// keys fill the B-tree in order: far fewer page splits than random inserts.
pub(crate) fn insert_list<K: AsRef<[u8]> + Ord>(
    tx: &rusqlite::Transaction<'_>,
    org: OrgId,
    (table, column): (&str, &str),
    list: Option<&str>,
    mut keys: Vec<K>,
    now: i64,
) -> Result<ImportCounts> {
    const ROWS: usize = 256;
    let sql = |n: usize| {
        let mut sql = match list {
            Some(_) => {
                format!("INSERT OR IGNORE INTO {table} (org_id, {column}, added_at, list) VALUES ")
            }
            None => format!("INSERT OR IGNORE INTO {table} (org_id, {column}, added_at) VALUES "),
        };
        for i in 0..n {
            if i > 0 {
                sql.push(',');
            }
            match list {
                Some(_) => sql.push_str(&format!("(?1, ?{}, ?2, ?3)", 4 + i)),
                None => sql.push_str(&format!("(?1, ?{}, ?2)", 3 + i)),
            }
        }
        sql
    };
    let run = |st: &mut BulkStatement<'_>, chunk: &[K]| -> Result<u64> {
        let mut params = Vec::with_capacity(3 + chunk.len());
        params.extend([Param::Int(org), Param::Int(now)]);
        params.extend(list.map(Param::Text));
        params.extend(chunk.iter().map(|k| Param::Blob(k.as_ref())));
        Ok(st.execute(&params)? as u64)
    };
    keys.sort_unstable();
    keys.dedup();
    let mut full = BulkStatement::prepare(tx, &sql(ROWS))?;
    let mut counts = ImportCounts::default();
    for chunk in keys.chunks(ROWS) {
        let inserted = if chunk.len() == ROWS {
            run(&mut full, chunk)?
        } else {
            run(&mut BulkStatement::prepare(tx, &sql(chunk.len()))?, chunk)?
        };
        counts.inserted += inserted;
        counts.unchanged += chunk.len() as u64 - inserted;
    }
    // The caller bumps the data version, once for its whole transaction: one import, one
    // version (the screening snapshot's update after an import counts on it).
    Ok(counts)
}

/// The statements of an event append, prepared once per transaction.
pub(crate) struct EventStatements<'c> {
    insert: rusqlite::CachedStatement<'c>,
    select: rusqlite::CachedStatement<'c>,
}

impl<'c> EventStatements<'c> {
    pub(crate) fn new(conn: &'c Connection) -> rusqlite::Result<Self> {
        Ok(EventStatements {
            insert: conn.prepare_cached(
                "INSERT INTO consent_events (org_id, contact_id, channel, purpose, action, at, method,
                     notice_version, source, proof, recorded_at, content_digest)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT (org_id, contact_id, content_digest) DO NOTHING",
            )?,
            select: conn.prepare_cached(
                "SELECT id FROM consent_events WHERE org_id = ?1 AND contact_id = ?2 AND content_digest = ?3",
            )?,
        })
    }
}

pub(crate) fn insert_event_tx(
    st: &mut EventStatements<'_>,
    conn: &Connection,
    org: OrgId,
    contact_id: i64,
    e: &SealedEvent,
    now: i64,
) -> Result<(i64, bool)> {
    let changed = st.insert.execute(params![
        org,
        contact_id,
        e.channel,
        e.purpose,
        e.action,
        e.at,
        e.method,
        e.notice_version,
        e.source,
        e.proof,
        now,
        &e.content_digest[..]
    ])?;
    if changed == 1 {
        return Ok((conn.last_insert_rowid(), true));
    }
    let id = st
        .select
        .query_row(params![org, contact_id, &e.content_digest[..]], |r| {
            r.get(0)
        })?;
    Ok((id, false))
}

/// Rows per multi-row INSERT in bulk loads: one statement run per 64 rows instead of per row.
///
/// The multi-row inserts of bulk loads say `INSERT OR IGNORE`, not `ON CONFLICT DO NOTHING`: with
/// a constraint that may abort, SQLite copies every page a statement touches to a statement
/// journal first, to undo that one statement (8% of a ledger load). A bulk load is one
/// transaction, rolled back whole on any error, so it never needs that. The two forms differ
/// only for NULL in a NOT NULL column, which the typed rows bound here cannot hold; the
/// append-only triggers still abort.
pub(crate) const CHUNK: usize = 64;

/// `INSERT OR IGNORE INTO consent_events … VALUES` of `n` rows: `?1` the organization, `?2` now,
/// then 10 parameters per row (see [`event_params`]).
pub(crate) fn insert_events_sql(n: usize) -> String {
    let mut sql = String::from(
        "INSERT OR IGNORE INTO consent_events (org_id, contact_id, channel, purpose, action, at, method,
             notice_version, source, proof, recorded_at, content_digest) VALUES ",
    );
    for i in 0..n {
        let b = 3 + i * 10;
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!(
            "(?1, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?2, ?{})",
            b,
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6,
            b + 7,
            b + 8,
            b + 9
        ));
    }
    sql
}

/// The 10 parameters of one row of [`insert_events_sql`].
fn event_params(contact_id: i64, e: &SealedEvent) -> [Param<'_>; 10] {
    [
        Param::Int(contact_id),
        Param::Text(e.channel),
        Param::Text(e.purpose),
        Param::Text(e.action),
        Param::Int(e.at),
        Param::Text(e.method),
        e.notice_version.as_deref().into(),
        e.source.as_deref().into(),
        e.proof.as_deref().into(),
        Param::Blob(&e.content_digest),
    ]
}

/// Appends events (contact id, event) with as few statements as possible; returns how many were
/// new (the others were in the ledger already, or twice in `rows`).
///
/// `full` is the statement of [`CHUNK`] rows, prepared once for the whole load (not looked up in
/// rusqlite's statement cache, which hashes its whole text, once per chunk).
pub(crate) fn insert_events_chunked(
    conn: &Connection,
    full: &mut BulkStatement<'_>,
    org: OrgId,
    now: i64,
    rows: &[(i64, &SealedEvent)],
) -> Result<u64> {
    let mut params = Vec::with_capacity(2 + 10 * CHUNK);
    let mut inserted = 0;
    for chunk in rows.chunks(CHUNK) {
        params.clear();
        params.extend([Param::Int(org), Param::Int(now)]);
        for (contact_id, e) in chunk {
            params.extend(event_params(*contact_id, e));
        }
        inserted += if chunk.len() == CHUNK {
            full.execute(&params)?
        } else {
            BulkStatement::prepare(conn, &insert_events_sql(chunk.len()))?.execute(&params)?
        } as u64;
    }
    Ok(inserted)
}

/// Resolves contact references for an events load. Ledger files are grouped by contact and
/// usually follow the contact file's order: the references then come in ascending order, and
/// reading the contacts' reference index ahead, a window at a time, answers them without a
/// look-up each. A reference before the window is looked up by key; once windows are seen to
/// serve few references (a file in another order), every reference is.
pub(crate) struct RefResolver<'c> {
    org: OrgId,
    window: rusqlite::Statement<'c>,
    by_key: rusqlite::CachedStatement<'c>,
    /// (contact_ref, id) of consecutive entries of the index, from a reference on.
    buf: Window,
    pos: usize,
    /// The index has no entry after `buf`.
    exhausted: bool,
    /// References answered by the current window; windows that answered few.
    served: usize,
    wasted: usize,
}

impl<'c> RefResolver<'c> {
    /// Entries read per window.
    const WINDOW: usize = 4096;
    /// Windows that answer fewer references than this are wasted; after `MAX_WASTED` of them,
    /// look-ups by key only.
    const FEW: usize = 64;
    const MAX_WASTED: usize = 8;

    pub(crate) fn new(conn: &'c Connection, org: OrgId) -> rusqlite::Result<Self> {
        Ok(RefResolver {
            org,
            window: conn.prepare(&format!(
                "SELECT contact_ref, id FROM contacts WHERE org_id = ?1 AND contact_ref >= ?2
                 ORDER BY contact_ref LIMIT {}",
                Self::WINDOW
            ))?,
            by_key: conn
                .prepare_cached("SELECT id FROM contacts WHERE org_id = ?1 AND contact_ref = ?2")?,
            buf: Window::default(),
            pos: 0,
            exhausted: false,
            served: 0,
            wasted: 0,
        })
    }

    fn by_key(&mut self, contact_ref: &str) -> rusqlite::Result<Option<i64>> {
        self.by_key
            .query_row(params![self.org, contact_ref], |r| r.get(0))
            .optional()
    }

    fn refill(&mut self, from: &str) -> rusqlite::Result<()> {
        if self.served < Self::FEW && !self.buf.is_empty() {
            self.wasted += 1;
        }
        self.buf.clear();
        self.pos = 0;
        self.served = 0;
        let mut rows = self.window.query(params![self.org, from])?;
        while let Some(r) = rows.next()? {
            let contact_ref = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            self.buf.push(contact_ref, r.get(1)?);
        }
        self.exhausted = self.buf.len() < Self::WINDOW;
        Ok(())
    }

    pub(crate) fn resolve(&mut self, contact_ref: &str) -> rusqlite::Result<Option<i64>> {
        if self.wasted >= Self::MAX_WASTED {
            return self.by_key(contact_ref);
        }
        let before_window = self
            .buf
            .first()
            .is_none_or(|(first, _)| contact_ref < first);
        if before_window && !self.buf.is_empty() {
            return self.by_key(contact_ref);
        }
        let past_window = self.buf.last().is_none_or(|(last, _)| contact_ref > last);
        if past_window {
            if self.exhausted && !self.buf.is_empty() {
                return Ok(None);
            }
            self.refill(contact_ref)?;
        }
        // Within the window [first, last]: the reference exists if and only if it is in it.
        if self.buf.get(self.pos).is_none_or(|(r, _)| contact_ref < r) {
            // Behind the reading position: search the part of the window already passed.
            return Ok(self.buf.search_before(self.pos, contact_ref));
        }
        while self.buf.get(self.pos).is_some_and(|(r, _)| r < contact_ref) {
            self.pos += 1;
        }
        match self.buf.get(self.pos) {
            Some((r, id)) if r == contact_ref => {
                self.served += 1;
                Ok(Some(id))
            }
            _ => Ok(None),
        }
    }
}

/// A window of the contact reference index: the references one after the other in one string
/// (a window read costs no allocation per reference; a ledger load reads two million of them on
/// its writer, the bottleneck of the load), with each entry's end and contact id.
#[derive(Default)]
struct Window {
    refs: String,
    /// (end of the reference in `refs`, contact id), in index order.
    entries: Vec<(usize, i64)>,
}

impl Window {
    fn clear(&mut self) {
        self.refs.clear();
        self.entries.clear();
    }

    fn push(&mut self, contact_ref: &str, id: i64) {
        self.refs.push_str(contact_ref);
        self.entries.push((self.refs.len(), id));
    }

    fn len(&self) -> usize {
        self.entries.len()
    }

    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn get(&self, i: usize) -> Option<(&str, i64)> {
        let &(end, id) = self.entries.get(i)?;
        let start = i.checked_sub(1).map_or(0, |p| self.entries[p].0);
        Some((&self.refs[start..end], id))
    }

    fn first(&self) -> Option<(&str, i64)> {
        self.get(0)
    }

    fn last(&self) -> Option<(&str, i64)> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// The id of `contact_ref` among the first `n` entries (sorted), if it is there.
    fn search_before(&self, n: usize, contact_ref: &str) -> Option<i64> {
        let (mut lo, mut hi) = (0, n.min(self.len()));
        while lo < hi {
            let mid = (lo + hi) / 2;
            let (r, id) = self.get(mid)?;
            match r.cmp(contact_ref) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(id),
            }
        }
        None
    }
}

/// Writes a bulk load's filled pages while the writer waits for rows.
///
/// A load keeps its pages in SQLite's cache and writes them all at the commit, a second or more
/// of work on the writer alone at the end of a two-million-row load. Pages written while the
/// writer would otherwise wait for the parsers come off that end. `sqlite3_db_cacheflush`
/// writes dirty pages mid-transaction without committing anything: a crash still rolls the load
/// back whole (new pages lie past the size the rollback journal restores).
#[derive(Default)]
pub(crate) struct IdleFlush {
    /// Rows written since the last flush.
    pub(crate) rows: usize,
}

impl IdleFlush {
    /// Rows between two flushes: each rewrites the few pages still being filled (the right edge
    /// of each B-tree), so not at every batch.
    const EVERY: usize = 65536;
}

/// The next message of a bulk load; flushes filled pages first when none is ready.
pub(crate) fn next_batch<T>(
    conn: &Connection,
    rx: &mut Receiver<ImportMsg<T>>,
    flush: &mut IdleFlush,
    waiting: &mut std::time::Duration,
) -> Result<Option<ImportMsg<T>>> {
    match rx.try_recv() {
        Ok(msg) => return Ok(Some(msg)),
        Err(tokio::sync::mpsc::error::TryRecvError::Disconnected) => return Ok(None),
        Err(tokio::sync::mpsc::error::TryRecvError::Empty) => {}
    }
    if flush.rows >= IdleFlush::EVERY {
        conn.cache_flush()?;
        flush.rows = 0;
    }
    let asked = std::time::Instant::now();
    let msg = rx.blocking_recv();
    *waiting += asked.elapsed();
    Ok(msg)
}

/// Frees, on a thread of its own, the batches a bulk load has written. Their strings were
/// allocated by the parser threads; freeing millions of them took the writer (the bottleneck of
/// a load) a tenth of its time.
pub(crate) fn dropper<T: Send + 'static>() -> std::sync::mpsc::Sender<T> {
    let (tx, rx) = std::sync::mpsc::channel::<T>();
    std::thread::spawn(move || rx.into_iter().for_each(drop));
    tx
}
