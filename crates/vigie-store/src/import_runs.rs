//! The record of imports (migration 0022): one row per import, from the web pages or
//! `vigie import`, keyed by organization; low volume, so one SQL text for both stores
//! ([`crate::sql`]).
//!
//! An import is recorded `running` when it starts (migration 0038), held by the process that
//! runs it: that process refreshes the run's heartbeat while it runs ([`Store::tend_import_runs`])
//! and writes the outcome at the end ([`Store::finish_import_run`]). A run whose holder stopped
//! beating for [`IMPORT_STALE`] — a stop, a crash, a machine gone — is marked `interrupted` by
//! whichever process tends the runs next: its transaction was never committed, so nothing of it
//! was imported. A live holder, even another server sharing the database, keeps its runs.

use std::time::Duration;

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

/// How often a holder refreshes the heartbeat of its running imports.
pub const IMPORT_HEARTBEAT: Duration = Duration::from_secs(15);
/// How long a running import may go without a heartbeat before it is taken for interrupted:
/// several heartbeats, so that a busy moment is not taken for a death.
pub const IMPORT_STALE: Duration = Duration::from_secs(75);
/// The outcome of a run whose process stopped before its end.
pub const INTERRUPTED: &str = "interrupted";
/// The message an interrupted run carries.
pub const INTERRUPTED_MESSAGE: &str = "interrupted by a stop: nothing was imported";

/// An import starting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedImport {
    pub kind: String,
    pub file_name: Option<String>,
    pub actor: String,
    pub started_at: Timestamp,
    /// The web page's job, whose files are removed if the run is interrupted.
    pub job: Option<String>,
}

/// A run marked interrupted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterruptedRun {
    pub org: OrgId,
    pub id: i64,
    pub job: Option<String>,
}

/// A name for the process holding running imports: the machine (host name and process
/// namespace), the process id, and a random part, since process ids repeat across machines and
/// restarts. `machine/pid/nonce`.
pub fn import_holder_id() -> String {
    let nonce: u64 = rand::random();
    format!("{}/{}/{nonce:016x}", this_machine(), std::process::id())
}

/// The host name and the process-id namespace of this process, as Linux tells them: two
/// processes with the same value see the same process ids. Empty elsewhere.
fn this_machine() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let ns = std::fs::read_link("/proc/self/ns/pid")
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    if host.trim().is_empty() || ns.is_empty() {
        return String::new();
    }
    format!("{}@{ns}", host.trim()).replace('/', "_")
}

/// Whether `holder` is a process of this machine that no longer exists: then its runs are
/// interrupted now, without waiting for its heartbeat to go stale. A holder elsewhere, or one
/// whose id is now another process's, is left to the heartbeat.
fn holder_is_gone(holder: &str) -> bool {
    let mut parts = holder.split('/');
    let (Some(machine), Some(pid)) = (parts.next(), parts.next()) else {
        return false;
    };
    let here = this_machine();
    !here.is_empty()
        && machine == here
        && pid.parse::<u32>().is_ok()
        && !std::path::Path::new("/proc").join(pid).exists()
}

fn interrupted(rows: Vec<Vec<Val>>) -> Result<Vec<InterruptedRun>> {
    rows.iter()
        .map(|r| {
            Ok(InterruptedRun {
                org: r[0].int()?,
                id: r[1].int()?,
                job: r[2].opt_text()?,
            })
        })
        .collect()
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

    /// Records an import as it starts: `running`, held by `holder`, its first heartbeat at its
    /// start. Its id, for [`Store::finish_import_run`].
    pub async fn begin_import_run(
        &self,
        org: OrgId,
        start: &StartedImport,
        holder: &str,
    ) -> Result<i64> {
        const SQL: &str = "INSERT INTO import_runs (org_id, kind, file_name, actor, started_at, \
            finished_at, outcome, rows, inserted, updated, unchanged, removed, rejected, \
            holder, heartbeat_at, job) \
            VALUES ($1, $2, $3, $4, $5, $5, 'running', 0, 0, 0, 0, 0, 0, $6, $5, $7) RETURNING id";
        let row = self
            .sql_row(
                SQL,
                sql_params![
                    org,
                    start.kind.as_str(),
                    start.file_name.clone(),
                    start.actor.as_str(),
                    to_micros(start.started_at),
                    holder,
                    start.job.clone(),
                ],
            )
            .await?;
        row.map(|r| r[0].int())
            .transpose()?
            .ok_or_else(|| crate::StoreError::Other("no id returned".into()))
    }

    /// Writes how a run begun by [`Store::begin_import_run`] ended. What happened wins over a
    /// mark of interruption made meanwhile (a holder that beat too late still ended its run).
    pub async fn finish_import_run(&self, org: OrgId, id: i64, run: &NewImportRun) -> Result<()> {
        const SQL: &str = "UPDATE import_runs SET kind = $1, file_name = $2, actor = $3, \
            started_at = $4, finished_at = $5, outcome = $6, rows = $7, inserted = $8, \
            updated = $9, unchanged = $10, removed = $11, rejected = $12, message = $13, \
            holder = NULL, heartbeat_at = NULL WHERE org_id = $14 AND id = $15";
        let changed = self
            .sql_exec(
                SQL,
                sql_params![
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
                    org,
                    id,
                ],
            )
            .await?;
        if changed == 0 {
            return Err(crate::StoreError::Other(format!("no import run {id}")));
        }
        Ok(())
    }

    /// Refreshes the heartbeat of the runs `holder` is running, at `at`.
    pub async fn beat_import_runs(&self, holder: &str, at: Timestamp) -> Result<u64> {
        self.sql_exec(
            "UPDATE import_runs SET heartbeat_at = $1 WHERE outcome = 'running' AND holder = $2",
            sql_params![to_micros(at), holder],
        )
        .await
    }

    /// Marks `interrupted` every running import whose last heartbeat is before `stale_before`
    /// (its holder is gone), in any organization; the runs marked.
    pub async fn interrupt_stale_import_runs(
        &self,
        stale_before: Timestamp,
    ) -> Result<Vec<InterruptedRun>> {
        let rows = self
            .sql_rows(
                "UPDATE import_runs SET outcome = 'interrupted', finished_at = heartbeat_at, \
                 message = $1, holder = NULL, heartbeat_at = NULL \
                 WHERE outcome = 'running' AND heartbeat_at < $2 RETURNING org_id, id, job",
                sql_params![INTERRUPTED_MESSAGE, to_micros(stale_before)],
            )
            .await?;
        interrupted(rows)
    }

    /// Marks `interrupted` the runs `holder` still has running: a stopping process's own,
    /// whose transactions it is about to drop. The runs marked.
    pub async fn interrupt_import_runs_of(
        &self,
        holder: &str,
        at: Timestamp,
    ) -> Result<Vec<InterruptedRun>> {
        let rows = self
            .sql_rows(
                "UPDATE import_runs SET outcome = 'interrupted', finished_at = $1, \
                 message = $2, holder = NULL, heartbeat_at = NULL \
                 WHERE outcome = 'running' AND holder = $3 RETURNING org_id, id, job",
                sql_params![to_micros(at), INTERRUPTED_MESSAGE, holder],
            )
            .await?;
        interrupted(rows)
    }

    /// One round of a holder's care for the running imports: beats its own runs, then marks
    /// those of holders gone from this machine, and those of holders anywhere gone quiet for
    /// [`IMPORT_STALE`]. The runs marked.
    pub async fn tend_import_runs(&self, holder: &str) -> Result<Vec<InterruptedRun>> {
        let now = Timestamp::now();
        self.beat_import_runs(holder, now).await?;
        let holders = self
            .sql_rows(
                "SELECT DISTINCT holder FROM import_runs \
                 WHERE outcome = 'running' AND holder IS NOT NULL",
                sql_params![],
            )
            .await?;
        let mut marked = Vec::new();
        for other in holders {
            let other = other[0].text()?;
            if other != holder && holder_is_gone(&other) {
                marked.extend(self.interrupt_import_runs_of(&other, now).await?);
            }
        }
        let stale = jiff::SignedDuration::try_from(IMPORT_STALE).unwrap_or_default();
        marked.extend(self.interrupt_stale_import_runs(now - stale).await?);
        Ok(marked)
    }

    /// The web jobs of the imports still running, in any organization (their files are in use).
    pub async fn running_import_jobs(&self) -> Result<Vec<String>> {
        self.sql_rows(
            "SELECT job FROM import_runs WHERE outcome = 'running' AND job IS NOT NULL",
            sql_params![],
        )
        .await?
        .iter()
        .map(|r| r[0].text())
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holder_is_gone_only_when_its_process_of_this_machine_is() {
        let me = import_holder_id();
        assert!(!holder_is_gone(&me), "{me}");
        if this_machine().is_empty() {
            return; // not Linux: only heartbeats tell
        }
        // No process has this id on Linux (pid_max is at most 2^22).
        let dead = format!("{}/{}/00", this_machine(), 1u32 << 30);
        assert!(holder_is_gone(&dead));
        // Another machine's holder is never judged from here.
        assert!(!holder_is_gone(&format!(
            "elsewhere@pid:[1]/{}/00",
            1u32 << 30
        )));
        assert!(!holder_is_gone("an old holder name"));
    }
}
