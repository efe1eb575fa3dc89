//! Opposition lists by name (migration 0011): each organization names its lists (`bloctel`,
//! `tps`, `ctps`, `robinsonliste` …) and records the date of the extract it last imported.
//! [`Store::replace_opposition_list`] replaces a list with a new extract in one transaction:
//! numbers that left the list are callable again, and a failure leaves the previous extract
//! whole. A number is on the opposition list when it is on any of the organization's lists.

use jiff::civil::Date;
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::model::{OrgId, from_micros};
use crate::sql::sql_params;
use crate::vault::Digest16;
use crate::{Backends, Store, now_micros};

/// One of an organization's opposition lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OppositionList {
    pub name: String,
    /// The date of the extract last imported; `None` when it was not given.
    pub extract_date: Option<Date>,
    pub imported_at: jiff::Timestamp,
    pub entries: u64,
}

/// What replacing a list did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ListReplaced {
    /// Numbers of the extract that were not on the list.
    pub inserted: u64,
    /// Numbers that were on the list and still are.
    pub unchanged: u64,
    /// Numbers that left the list: callable again.
    pub removed: u64,
}

/// A list's name: 1 to 32 lower-case ASCII letters, digits, `-` or `_`.
fn check_name(name: &str) -> Result<()> {
    let ok = (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "list name {name:?}: 1 to 32 lower-case letters, digits, '-' or '_' (e.g. bloctel)"
        )))
    }
}

impl Store {
    /// Replaces the organization's list `name` with the numbers of a new extract (blind
    /// indexes), in one transaction, and records the extract's date. Only the difference is
    /// written: numbers new to the list are added, numbers that left it are deleted.
    pub async fn replace_opposition_list(
        &self,
        org: OrgId,
        name: &str,
        extract_date: Option<Date>,
        mut extract: Vec<Digest16>,
    ) -> Result<ListReplaced> {
        check_name(name)?;
        extract.sort_unstable();
        extract.dedup();
        let (name, date) = (name.to_owned(), extract_date.map(|d| d.to_string()));
        let now = now_micros();
        let entries = extract.len() as i64;
        match &self.backend {
            Backends::Sqlite(b) => {
                b.bulk_write(move |tx| {
                    let current: Vec<Digest16> = tx
                        .prepare_cached(
                            "SELECT phone_bidx FROM opposition WHERE org_id = ?1 AND list = ?2",
                        )?
                        .query_map(rusqlite::params![org, name], |r| r.get::<_, Vec<u8>>(0))?
                        .map(|b| digest(b?))
                        .collect::<Result<_>>()?;
                    let (added, left, replaced) = diff(current, &extract);
                    // Many rows per statement, sorted (a first extract is a bulk load).
                    crate::sqlite_write::insert_list(
                        tx,
                        org,
                        ("opposition", "phone_bidx"),
                        Some(&name),
                        added,
                        now,
                    )?;
                    let mut delete = tx.prepare_cached(
                        "DELETE FROM opposition WHERE org_id = ?1 AND phone_bidx = ?2 AND list = ?3",
                    )?;
                    for p in &left {
                        delete.execute(rusqlite::params![org, &p[..], name])?;
                    }
                    tx.execute(
                        "INSERT INTO opposition_lists (org_id, name, extract_date, imported_at, entries)
                         VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT (org_id, name) DO UPDATE SET extract_date = excluded.extract_date,
                             imported_at = excluded.imported_at, entries = excluded.entries",
                        rusqlite::params![org, name, date, now, entries],
                    )?;
                    if replaced.inserted + replaced.removed > 0 {
                        crate::sqlite::bump_version(tx, org)?;
                    }
                    Ok(replaced)
                })
                .await
            }
            Backends::Postgres(b) => {
                let mut client = b.client().await?;
                let tx = client.transaction().await?;
                let current = tx
                    .query(
                        "SELECT phone_bidx FROM opposition WHERE org_id = $1 AND list = $2",
                        &[&org, &name],
                    )
                    .await?
                    .iter()
                    .map(|r| digest(r.try_get::<_, Vec<u8>>(0)?))
                    .collect::<Result<Vec<_>>>()?;
                let (added, left, replaced) = diff(current, &extract);
                let keys = |v: &[Digest16]| v.iter().map(|p| p.to_vec()).collect::<Vec<Vec<u8>>>();
                // The numbers new to the list, known absent: copied straight in (a first
                // extract is a bulk load).
                crate::pg_bulk::copy_opposition_entries(&tx, org, &name, &added, now).await?;
                tx.execute(
                    "DELETE FROM opposition WHERE org_id = $1 AND list = $3 AND phone_bidx = ANY($2::bytea[])",
                    &[&org, &keys(&left), &name],
                )
                .await?;
                tx.execute(
                    "INSERT INTO opposition_lists (org_id, name, extract_date, imported_at, entries)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (org_id, name) DO UPDATE SET extract_date = excluded.extract_date,
                         imported_at = excluded.imported_at, entries = excluded.entries",
                    &[&org, &name, &date, &now, &entries],
                )
                .await?;
                if replaced.inserted + replaced.removed > 0 {
                    crate::postgres::bump_version(&tx, org).await?;
                }
                tx.commit().await?;
                Ok(replaced)
            }
        }
    }

    /// The organization's opposition lists, by name.
    pub async fn opposition_lists(&self, org: OrgId) -> Result<Vec<OppositionList>> {
        let rows = self
            .sql_rows(
                "SELECT name, extract_date, imported_at, entries FROM opposition_lists
                 WHERE org_id = $1 ORDER BY name",
                sql_params![org],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let extract_date = r[1]
                    .opt_text()?
                    .map(|d| {
                        d.parse::<Date>()
                            .map_err(|e| StoreError::Other(format!("extract date {d:?}: {e}")))
                    })
                    .transpose()?;
                Ok(OppositionList {
                    name: r[0].text()?,
                    extract_date,
                    imported_at: from_micros(r[2].int()?),
                    entries: u64::try_from(r[3].int()?).unwrap_or(0),
                })
            })
            .collect()
    }
}

fn digest(b: Vec<u8>) -> Result<Digest16> {
    b.as_slice()
        .try_into()
        .map_err(|_| StoreError::Other(format!("an opposition entry of {} bytes", b.len())))
}

/// What a new extract (sorted, without duplicates) changes in a list: the numbers to add, the
/// numbers that left, and the counts.
fn diff(
    mut current: Vec<Digest16>,
    extract: &[Digest16],
) -> (Vec<Digest16>, Vec<Digest16>, ListReplaced) {
    current.sort_unstable();
    let added: Vec<Digest16> = extract
        .iter()
        .filter(|p| current.binary_search(p).is_err())
        .copied()
        .collect();
    let left: Vec<Digest16> = current
        .iter()
        .filter(|p| extract.binary_search(p).is_err())
        .copied()
        .collect();
    let replaced = ListReplaced {
        inserted: added.len() as u64,
        unchanged: (extract.len() - added.len()) as u64,
        removed: left.len() as u64,
    };
    (added, left, replaced)
}
