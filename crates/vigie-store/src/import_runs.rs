//! The record of imports (migration 0022): one row per import, from the web pages or
//! `vigie import`, keyed by organization; low volume, so one SQL text for both stores
//! ([`crate::sql`]).

use jiff::Timestamp;

use crate::Store;
use crate::error::Result;
use crate::model::{OrgId, from_micros, to_micros};
use crate::sql::{Val, sql_params};

/// An import as it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewImportRun {
    /// `contacts`, `consents`, `suppression`, `opposition` or `calls`.
    pub kind: String,
    /// The file as its sender named it.
    pub file_name: Option<String>,
    /// Who imported (`user:…`, `token:…`, `cli:…`).
    pub actor: String,
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    /// `done`, `refused` (bad rows: nothing imported) or `failed`.
    pub outcome: String,
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub removed: u64,
    pub rejected: u64,
    /// Why it was refused or failed.
    pub message: Option<String>,
}

/// A recorded import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRun {
    pub id: i64,
    pub run: NewImportRun,
}

fn count(v: &Val) -> Result<u64> {
    Ok(u64::try_from(v.int()?).unwrap_or(0))
}

fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store {
    /// Records an import; its id.
    pub async fn record_import_run(&self, org: OrgId, run: &NewImportRun) -> Result<i64> {
        const SQL: &str = "INSERT INTO import_runs (org_id, kind, file_name, actor, started_at, \
            finished_at, outcome, rows, inserted, updated, unchanged, removed, rejected, message) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";
        let row = self
            .sql_row(
                SQL,
                sql_params![
                    org,
                    run.kind.as_str(),
                    run.file_name.clone(),
                    run.actor.as_str(),
                    to_micros(run.started_at),
                    to_micros(run.finished_at),
                    run.outcome.as_str(),
                    int(run.rows),
                    int(run.inserted),
                    int(run.updated),
                    int(run.unchanged),
                    int(run.removed),
                    int(run.rejected),
                    run.message.clone(),
                ],
            )
            .await?;
        row.map(|r| r[0].int())
            .transpose()?
            .ok_or_else(|| crate::StoreError::Other("no id returned".into()))
    }

    /// The organization's imports, most recent first.
    pub async fn import_runs(&self, org: OrgId, limit: u32) -> Result<Vec<ImportRun>> {
        const SQL: &str = "SELECT id, kind, file_name, actor, started_at, finished_at, outcome, \
            rows, inserted, updated, unchanged, removed, rejected, message FROM import_runs \
            WHERE org_id = $1 ORDER BY id DESC LIMIT $2";
        self.sql_rows(SQL, sql_params![org, i64::from(limit)])
            .await?
            .iter()
            .map(|r| {
                Ok(ImportRun {
                    id: r[0].int()?,
                    run: NewImportRun {
                        kind: r[1].text()?,
                        file_name: r[2].opt_text()?,
                        actor: r[3].text()?,
                        started_at: from_micros(r[4].int()?),
                        finished_at: from_micros(r[5].int()?),
                        outcome: r[6].text()?,
                        rows: count(&r[7])?,
                        inserted: count(&r[8])?,
                        updated: count(&r[9])?,
                        unchanged: count(&r[10])?,
                        removed: count(&r[11])?,
                        rejected: count(&r[12])?,
                        message: r[13].opt_text()?,
                    },
                })
            })
            .collect()
    }
}
