//! Master key rotation: re-wrapping every organization key and contact data key under the
//! vault's current master key, online.
//!
//! The data itself is never re-encrypted: only the small wrapped keys change. Each batch is its
//! own short transaction and each row is updated only if it still holds the wrapping that was
//! read (compare-and-swap), so servers keep reading and writing throughout, an erasure that
//! deletes a key meanwhile is never undone, and a key wrapped meanwhile under the old master key
//! is caught by the next pass. [`Store::rewrap_keys`] repeats passes until one finds nothing left
//! to re-wrap.

use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::model::OrgId;
use crate::postgres::PgStore;
use crate::sqlite::SqliteStore;
use crate::vault::Vault;
use crate::{Backends, Store};

/// Keys re-wrapped per transaction.
const BATCH: u32 = 5_000;

/// What a rotation did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RewrapReport {
    /// Passes over the keys (the last one found nothing to re-wrap).
    pub passes: u32,
    pub org_keys_rewrapped: u64,
    /// Users' TOTP secrets (wrapped like keys).
    pub totp_secrets_rewrapped: u64,
    pub contact_keys_rewrapped: u64,
    /// Contact keys already under the current master key when first seen.
    pub contact_keys_current: u64,
}

/// A wrapped key as stored: (organization, contact id or 0 for organization keys, the context
/// it is bound to, the wrapping).
struct WrappedRow {
    org: OrgId,
    id: i64,
    /// `kind` for organization keys, `contact_ref` for contact keys.
    name: String,
    wrapped: Vec<u8>,
}

/// A re-wrapping to apply if the row still holds `old`.
struct Swap {
    org: OrgId,
    id: i64,
    name: String,
    old: Vec<u8>,
    new: Vec<u8>,
}

impl Store {
    /// How many contact keys the store holds, all organizations together.
    pub async fn count_all_contact_keys(&self) -> Result<u64> {
        match &self.backend {
            Backends::Sqlite(b) => {
                b.read(|c| {
                    Ok(c.query_row(
                        "SELECT count(*) FROM contacts WHERE wrapped_dek IS NOT NULL",
                        [],
                        |r| r.get::<_, i64>(0),
                    )? as u64)
                })
                .await
            }
            Backends::Postgres(b) => {
                let c = b.client().await?;
                let n: i64 = c
                    .query_one(
                        "SELECT count(*) FROM contacts WHERE wrapped_dek IS NOT NULL",
                        &[],
                    )
                    .await?
                    .get(0);
                Ok(n as u64)
            }
        }
    }

    /// Re-wraps every key not yet under the current master key. `progress` is called with the
    /// number of contact keys looked at so far in the current pass.
    pub async fn rewrap_keys(&self, progress: &(dyn Fn(u64) + Sync)) -> Result<RewrapReport> {
        let mut report = RewrapReport::default();
        loop {
            report.passes += 1;
            let mut changed = 0u64;

            let org_rows = match &self.backend {
                Backends::Sqlite(b) => b.org_key_rows().await?,
                Backends::Postgres(b) => b.org_key_rows().await?,
            };
            let swaps = rewrap(
                &self.vault,
                org_rows,
                |org, _| Vault::org_key_context(org),
                &mut 0,
            )?;
            let n = match &self.backend {
                Backends::Sqlite(b) => b.swap_org_keys(swaps).await?,
                Backends::Postgres(b) => b.swap_org_keys(swaps).await?,
            };
            report.org_keys_rewrapped += n;
            changed += n;

            let n = self.rewrap_totp_secrets().await?;
            report.totp_secrets_rewrapped += n;
            changed += n;

            let mut after = (0, 0);
            let mut seen = 0u64;
            loop {
                let rows = match &self.backend {
                    Backends::Sqlite(b) => b.contact_key_rows(after, BATCH).await?,
                    Backends::Postgres(b) => b.contact_key_rows(after, BATCH).await?,
                };
                let Some(last) = rows.last() else { break };
                after = (last.org, last.id);
                seen += rows.len() as u64;
                let mut current = 0;
                let swaps = rewrap(
                    &self.vault,
                    rows,
                    |org, name: &str| Vault::contact_key_context(org, name),
                    &mut current,
                )?;
                if report.passes == 1 {
                    report.contact_keys_current += current;
                }
                let n = match &self.backend {
                    Backends::Sqlite(b) => b.swap_contact_keys(swaps).await?,
                    Backends::Postgres(b) => b.swap_contact_keys(swaps).await?,
                };
                report.contact_keys_rewrapped += n;
                changed += n;
                progress(seen);
            }
            if changed == 0 {
                return Ok(report);
            }
        }
    }
}

impl Store {
    /// Re-wraps the users' TOTP secrets (few rows: one pass, compare-and-swap per row). Each is
    /// bound to its user, not to an organization.
    async fn rewrap_totp_secrets(&self) -> Result<u64> {
        let mut changed = 0;
        for r in self
            .sql_rows(
                "SELECT id, totp_wrapped FROM users WHERE totp_wrapped IS NOT NULL",
                Vec::new(),
            )
            .await?
        {
            let id = r[0].int()?;
            let old = r[1].opt_blob()?.unwrap_or_default();
            let ctx = crate::accounts::totp_context(id);
            let (key, current) = self.vault.unwrap_any(&old, &ctx).map_err(|_| {
                StoreError::Other(format!(
                    "user {id}: no master key of the ring opens the TOTP secret"
                ))
            })?;
            if current {
                continue;
            }
            changed += self
                .sql_exec(
                    "UPDATE users SET totp_wrapped = $1 WHERE id = $2 AND totp_wrapped = $3",
                    crate::sql::sql_params![self.vault.wrap(&key, &ctx), id, old],
                )
                .await?;
        }
        Ok(changed)
    }
}

/// The re-wrappings of `rows` not under the current master key; counts those that are.
fn rewrap<C: AsRef<[u8]>>(
    vault: &Vault,
    rows: Vec<WrappedRow>,
    context: impl Fn(OrgId, &str) -> C,
    already_current: &mut u64,
) -> Result<Vec<Swap>> {
    let mut swaps = Vec::new();
    for r in rows {
        let ctx = context(r.org, &r.name);
        let (key, current) = vault.unwrap_any(&r.wrapped, ctx.as_ref()).map_err(|_| {
            StoreError::Other(format!(
                "organization {}, key {:?}: no master key of the ring opens it (was it wrapped by \
                 a key that is not in the key file?)",
                r.org, r.name
            ))
        })?;
        if current {
            *already_current += 1;
            continue;
        }
        swaps.push(Swap {
            new: vault.wrap(&key, ctx.as_ref()),
            org: r.org,
            id: r.id,
            name: r.name,
            old: r.wrapped,
        });
    }
    Ok(swaps)
}

impl SqliteStore {
    async fn org_key_rows(&self) -> Result<Vec<WrappedRow>> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT org_id, kind, wrapped FROM org_keys")?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(WrappedRow {
                        org: r.get(0)?,
                        id: 0,
                        name: r.get(1)?,
                        wrapped: r.get(2)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn swap_org_keys(&self, swaps: Vec<Swap>) -> Result<u64> {
        self.write(move |tx| {
            let mut stmt = tx.prepare_cached(
                "UPDATE org_keys SET wrapped = ?4 WHERE org_id = ?1 AND kind = ?2 AND wrapped = ?3",
            )?;
            let mut n = 0;
            for s in &swaps {
                n += stmt.execute(rusqlite::params![s.org, s.name, s.old, s.new])? as u64;
            }
            Ok(n)
        })
        .await
    }

    async fn contact_key_rows(&self, after: (OrgId, i64), limit: u32) -> Result<Vec<WrappedRow>> {
        self.read(move |c| {
            // Contact ids are unique across organizations in SQLite (the rowid): pages by id
            // follow the table itself.
            let mut stmt = c.prepare_cached(
                "SELECT org_id, id, contact_ref, wrapped_dek FROM contacts
                 WHERE id > ?1 AND wrapped_dek IS NOT NULL
                 ORDER BY id LIMIT ?2",
            )?;
            let rows = stmt
                .query_map(rusqlite::params![after.1, limit], |r| {
                    Ok(WrappedRow {
                        org: r.get(0)?,
                        id: r.get(1)?,
                        name: r.get(2)?,
                        wrapped: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn swap_contact_keys(&self, swaps: Vec<Swap>) -> Result<u64> {
        if swaps.is_empty() {
            return Ok(0);
        }
        self.write(move |tx| {
            let mut stmt = tx.prepare_cached(
                "UPDATE contacts SET wrapped_dek = ?4
                 WHERE org_id = ?1 AND id = ?2 AND wrapped_dek = ?3",
            )?;
            let mut n = 0;
            for s in &swaps {
                n += stmt.execute(rusqlite::params![s.org, s.id, s.old, s.new])? as u64;
            }
            Ok(n)
        })
        .await
    }
}

impl PgStore {
    async fn org_key_rows(&self) -> Result<Vec<WrappedRow>> {
        let c = self.client().await?;
        let rows = c
            .query("SELECT org_id, kind, wrapped FROM org_keys", &[])
            .await?;
        Ok(rows
            .iter()
            .map(|r| WrappedRow {
                org: r.get(0),
                id: 0,
                name: r.get(1),
                wrapped: r.get(2),
            })
            .collect())
    }

    async fn swap_org_keys(&self, swaps: Vec<Swap>) -> Result<u64> {
        let c = self.client().await?;
        let mut n = 0;
        for s in &swaps {
            n += c
                .execute(
                    "UPDATE org_keys SET wrapped = $4 WHERE org_id = $1 AND kind = $2 AND wrapped = $3",
                    &[&s.org, &s.name, &s.old, &s.new],
                )
                .await?;
        }
        Ok(n)
    }

    async fn contact_key_rows(&self, after: (OrgId, i64), limit: u32) -> Result<Vec<WrappedRow>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT org_id, id, contact_ref, wrapped_dek FROM contacts
                 WHERE (org_id, id) > ($1, $2) AND wrapped_dek IS NOT NULL
                 ORDER BY org_id, id LIMIT $3",
                &[&after.0, &after.1, &i64::from(limit)],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| WrappedRow {
                org: r.get(0),
                id: r.get(1),
                name: r.get(2),
                wrapped: r.get(3),
            })
            .collect())
    }

    async fn swap_contact_keys(&self, swaps: Vec<Swap>) -> Result<u64> {
        if swaps.is_empty() {
            return Ok(0);
        }
        // One statement per batch: arrays of the rows to swap, each compared to what was read.
        let (mut orgs, mut ids, mut olds, mut news) = (vec![], vec![], vec![], vec![]);
        for s in swaps {
            orgs.push(s.org);
            ids.push(s.id);
            olds.push(s.old);
            news.push(s.new);
        }
        let c = self.client().await?;
        let n = c
            .execute(
                "UPDATE contacts c SET wrapped_dek = s.new
                 FROM UNNEST($1::int8[], $2::int8[], $3::bytea[], $4::bytea[]) AS s(org_id, contact_id, old, new)
                 WHERE c.org_id = s.org_id AND c.id = s.contact_id AND c.wrapped_dek = s.old",
                &[&orgs, &ids, &olds, &news],
            )
            .await?;
        Ok(n)
    }
}
