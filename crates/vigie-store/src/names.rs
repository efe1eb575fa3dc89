//! The name index: contacts found by name although names are sealed. Each search key of a name
//! (`vigie_core::names`) is hashed under the organization's blind-index key
//! ([`crate::OrgCrypto::name_indexes`]); the hashes go into `contacts.name_bidx` (end to end)
//! and into a look-up table keyed by organization then hash: `contact_lookup` kind 3 on SQLite,
//! `contact_names` on PostgreSQL (migration 0024). Every write of a contact keeps both in the
//! same transaction; an erasure clears them; rows written before the migration are indexed by
//! [`Store::index_contact_names`] when the store opens.

use crate::error::{Result, StoreError};
use crate::model::OrgId;
use crate::sealing::split_name_bidx;
use crate::sqlite_write::LOOKUP_NAME;
use crate::vault::Digest16;
use crate::{Backends, Store};

/// Contacts indexed per transaction by the backfill.
const BACKFILL_BATCH: u32 = 1000;

/// Replaces the name entries of contacts an upsert changed (PostgreSQL): `(id, inserted, its
/// new name_bidx)`. An updated contact loses all its entries first (the index on
/// `(org_id, contact_id)` finds them), then every changed contact gets its new ones.
pub(crate) async fn pg_replace_names<'r>(
    c: &impl deadpool_postgres::GenericClient,
    org: OrgId,
    changed: impl Iterator<Item = (i64, bool, Option<&'r [u8]>)>,
) -> Result<()> {
    let mut updated: Vec<i64> = Vec::new();
    let mut ids: Vec<i64> = Vec::new();
    let mut hashes: Vec<&[u8]> = Vec::new();
    for (id, inserted, names) in changed {
        if !inserted {
            updated.push(id);
        }
        for h in names.unwrap_or_default().chunks_exact(16) {
            ids.push(id);
            hashes.push(h);
        }
    }
    if !updated.is_empty() {
        c.execute(
            "DELETE FROM contact_names WHERE org_id = $1 AND contact_id = ANY($2)",
            &[&org, &updated],
        )
        .await?;
    }
    if !ids.is_empty() {
        c.execute(
            "INSERT INTO contact_names (org_id, name_bidx, contact_id)
             SELECT $1, t.h, t.id FROM UNNEST($2::bytea[], $3::int8[]) AS t(h, id)
             ON CONFLICT DO NOTHING",
            &[&org, &hashes, &ids],
        )
        .await?;
    }
    Ok(())
}

/// Deletes a contact's name entries (SQLite), found by its current `name_bidx`: key look-ups,
/// not a scan.
pub(crate) fn sqlite_delete_name_lookups(
    tx: &rusqlite::Transaction<'_>,
    org: OrgId,
    contact_id: i64,
) -> Result<()> {
    let current: Option<Vec<u8>> = tx
        .prepare_cached("SELECT name_bidx FROM contacts WHERE org_id = ?1 AND id = ?2")?
        .query_row(rusqlite::params![org, contact_id], |r| r.get(0))?;
    let mut delete = tx.prepare_cached(
        "DELETE FROM contact_lookup WHERE org_id = ?1 AND kind = ?2 AND bidx = ?3 AND contact_id = ?4",
    )?;
    for h in split_name_bidx(current.as_deref()) {
        delete.execute(rusqlite::params![org, LOOKUP_NAME, &h[..], contact_id])?;
    }
    Ok(())
}

/// Sets a contact's `name_bidx` and adds its name entries (SQLite): after
/// [`sqlite_delete_name_lookups`], a rewrite of the contact.
pub(crate) fn sqlite_set_name_lookups(
    tx: &rusqlite::Transaction<'_>,
    org: OrgId,
    contact_id: i64,
    names: &[Digest16],
) -> Result<()> {
    // An erased contact keeps no name entry (its rewrite changed nothing either).
    let live = tx
        .prepare_cached(
            "UPDATE contacts SET name_bidx = ?3 WHERE org_id = ?1 AND id = ?2 AND erased_at IS NULL",
        )?
        .execute(rusqlite::params![org, contact_id, names.as_flattened()])?;
    if live == 0 {
        return Ok(());
    }
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO contact_lookup (org_id, kind, bidx, contact_id) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for h in names {
        insert.execute(rusqlite::params![org, LOOKUP_NAME, &h[..], contact_id])?;
    }
    Ok(())
}

/// Sets a contact's `name_bidx` and replaces its name entries (PostgreSQL), in the caller's
/// transaction.
pub(crate) async fn pg_set_names(
    tx: &impl deadpool_postgres::GenericClient,
    org: OrgId,
    contact_id: i64,
    names: &[Digest16],
) -> Result<()> {
    let joined = names.as_flattened();
    // An erased contact keeps no name entry (its rewrite changed nothing either).
    let live = tx
        .execute(
            "UPDATE contacts SET name_bidx = $3 WHERE org_id = $1 AND id = $2 AND erased_at IS NULL",
            &[&org, &contact_id, &joined],
        )
        .await?;
    if live == 0 {
        return Ok(());
    }
    pg_replace_names(tx, org, std::iter::once((contact_id, false, Some(joined)))).await
}

impl Store {
    /// Indexes the names of the organization's contacts written before the name index existed
    /// (`name_bidx` NULL), a batch per transaction; returns how many. Run by [`Store::open`] for
    /// every organization: once all are indexed, it reads one empty partial index and stops.
    /// A batch sets the column only where it is still NULL: a contact written meanwhile keeps
    /// the hashes its own write gave it.
    pub async fn index_contact_names(&self, org: OrgId) -> Result<u64> {
        let mut done = 0;
        loop {
            let rows = self
                .sql_rows(
                    "SELECT id, contact_ref, pii, wrapped_dek FROM contacts
                     WHERE org_id = $1 AND name_bidx IS NULL ORDER BY id LIMIT $2",
                    crate::sql::sql_params![org, i64::from(BACKFILL_BATCH)],
                )
                .await?;
            if rows.is_empty() {
                return Ok(done);
            }
            let crypto = self.org_crypto(org).await?;
            let mut batch = Vec::with_capacity(rows.len());
            for r in &rows {
                let id = r[0].int()?;
                let pii = r[2].opt_blob()?.unwrap_or_default();
                let names = crypto
                    .open_name_indexes(&r[1].text()?, &pii, r[3].opt_blob()?.as_deref())
                    .map_err(|e| StoreError::Other(format!("contacts row {id}, field pii: {e}")))?;
                batch.push((id, names));
            }
            done += batch.len() as u64;
            match &self.backend {
                Backends::Sqlite(b) => {
                    b.write(move |tx| {
                        for (id, names) in &batch {
                            if still_unindexed_sqlite(tx, org, *id)? {
                                sqlite_set_name_lookups(tx, org, *id, names)?;
                            }
                        }
                        Ok(())
                    })
                    .await?
                }
                Backends::Postgres(b) => {
                    let mut client = b.client().await?;
                    let tx = client.transaction().await?;
                    for (id, names) in &batch {
                        let unindexed = tx
                            .query_opt(
                                "SELECT 1 FROM contacts WHERE org_id = $1 AND id = $2
                                   AND name_bidx IS NULL FOR UPDATE",
                                &[&org, id],
                            )
                            .await?
                            .is_some();
                        if unindexed {
                            pg_set_names(&tx, org, *id, names).await?;
                        }
                    }
                    tx.commit().await?;
                }
            }
        }
    }
}

/// Whether a contact still waits for its name entries (SQLite; the writer holds the lock).
fn still_unindexed_sqlite(tx: &rusqlite::Transaction<'_>, org: OrgId, id: i64) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT name_bidx IS NULL FROM contacts WHERE org_id = ?1 AND id = ?2")?
        .query_row(rusqlite::params![org, id], |r| r.get(0))?)
}
