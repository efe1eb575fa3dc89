//! The retention run's purges (migration 0029): closed data subject requests, screening proof
//! records and the audit trail past their periods, each a step of the run after its contacts.
//!
//! A step purges at most a batch per transaction and counts what it purged in the run's row in
//! the same transaction. What a step deletes is decided by the run's moment alone (its cut-off
//! instants), so a run killed between two batches resumes by doing the same step again: what
//! was purged is gone, what was not is found again, nothing is counted twice.
//!
//! **Closed requests** (counted from their closing): the request, its history, its answers, its
//! access archive and its privacy-centre secrets are deleted. Nothing else is kept of it: the
//! deadlines it kept (`DeadlinesKept` in the evidence pack) are proof only for as long as the
//! policy keeps the request itself, which is the period the organization chose for that proof;
//! past it, the run's own proof (its row and its audit entry) keeps how many were purged, and
//! no identifier, reference or date of the request. Tombstones are not the request's: they are
//! the proof that a contact was erased and stay with the contact.
//!
//! **Screening proofs** (counted from their recording, `finished_at`): the record goes. A
//! screening keeps no result file beside its record (the decisions file of a job is dropped
//! hours after the job), so there is nothing on disk to delete. The horizon row lets the
//! append-only guard through for records before it and no other, and keeps the highest purged
//! id so that SQLite never gives one again.
//!
//! **The audit trail** (counted from each entry): a prefix of the chain, the entries up to the
//! first one recorded at or after the cut-off, so that what remains is still one unbroken chain.
//! The checkpoint (`audit_purges`: the last purged entry's sequence number and link, and how
//! many were purged) is sealed with a MAC under the organization's chain key and written before
//! the entries go, in the same transaction; verification starts from it (the first remaining
//! entry must follow its link), so a change in what remains is still caught, and a checkpoint
//! moved without the master key does not verify.

use serde::Serialize;
use vigie_core::retention::Cutoffs;

use crate::error::{Result, StoreError};
use crate::model::OrgId;
use crate::sql::{Val, sql_params};
use crate::vault::ChainKey;
use crate::{Backends, Store, now_micros};

/// What a run at a moment would purge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PurgePlan {
    /// Data subject requests closed before their period's cut-off.
    pub closed_requests: i64,
    /// Screening proof records recorded before their period's cut-off.
    pub screening_proofs: i64,
    /// Audit entries of the chain's prefix recorded before the trail's cut-off.
    pub audit_entries: i64,
}

/// The steps, in the order a run does them (the audit trail last, so that the run's own
/// entries of the steps before are never the ones it purges).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PurgeStep {
    ClosedRequests,
    ScreeningProofs,
    AuditTrail,
}

impl PurgeStep {
    pub(crate) const ALL: [PurgeStep; 3] = [
        PurgeStep::ClosedRequests,
        PurgeStep::ScreeningProofs,
        PurgeStep::AuditTrail,
    ];

    /// The run's counter of this step (a column of `retention_runs`).
    fn counter(self) -> &'static str {
        match self {
            PurgeStep::ClosedRequests => "requests_purged",
            PurgeStep::ScreeningProofs => "proofs_purged",
            PurgeStep::AuditTrail => "audit_purged",
        }
    }
}

/// What a purge batch needs, moved onto the store's threads.
#[derive(Clone)]
pub(crate) struct PurgeInput {
    pub(crate) org: OrgId,
    pub(crate) run_id: i64,
    pub(crate) cut: Cutoffs,
    pub(crate) batch: u32,
    pub(crate) chain: ChainKey,
}

/// The organization's audit purge checkpoint: entries up to `through_seq` were purged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuditPurgeCheckpoint {
    pub(crate) through_seq: i64,
    pub(crate) through_link: [u8; 32],
    pub(crate) purged: i64,
    /// Whether its MAC verifies under the organization's chain key.
    pub(crate) sealed: bool,
}

fn checkpoint_mac(
    key: &ChainKey,
    org: OrgId,
    through_seq: i64,
    link: &[u8; 32],
    purged: i64,
    at: i64,
) -> [u8; 32] {
    // A label and five fields where an entry's link has nine: never an entry's link, nor an
    // external checkpoint's seal (its own label).
    key.link(
        link,
        &[
            b"vigie-audit-purge",
            &org.to_le_bytes(),
            &through_seq.to_le_bytes(),
            &purged.to_le_bytes(),
            &at.to_le_bytes(),
        ],
    )
}

/// Counts of what a run at the cut-offs would purge. `$1` org, `$2` the requests' cut-off, `$3`
/// the proofs', `$4` the trail's.
const PLAN_SQL: &str = "SELECT
    (SELECT count(*) FROM dsar_requests WHERE org_id = $1 AND closed_at IS NOT NULL AND closed_at < $2),
    (SELECT count(*) FROM screening_runs WHERE org_id = $1 AND finished_at < $3),
    (SELECT count(*) FROM audit_log WHERE org_id = $1 AND seq < coalesce(
        (SELECT min(seq) FROM audit_log WHERE org_id = $1 AND at >= $4), 9223372036854775807))";

impl Store {
    /// What a run at `cut` would purge.
    pub async fn retention_purge_plan(&self, org: OrgId, cut: &Cutoffs) -> Result<PurgePlan> {
        let sql = match &self.backend {
            Backends::Sqlite(_) => crate::retention::sqlite_text(PLAN_SQL),
            Backends::Postgres(_) => PLAN_SQL.to_owned(),
        };
        let row = self
            .sql_rows(
                sql,
                sql_params![
                    org,
                    cut.closed_requests.as_microsecond(),
                    cut.screening_proofs.as_microsecond(),
                    cut.audit_trail.as_microsecond()
                ],
            )
            .await?;
        let c = row
            .first()
            .ok_or_else(|| StoreError::Other("a count returned no row".into()))?
            .iter()
            .map(Val::int)
            .collect::<Result<Vec<i64>>>()?;
        Ok(PurgePlan {
            closed_requests: c[0],
            screening_proofs: c[1],
            audit_entries: c[2],
        })
    }

    /// One batch of a purge step in its own transaction, committed: how many rows it purged
    /// (0: the step is done).
    pub(crate) async fn retention_purge_batch(
        &self,
        step: PurgeStep,
        input: &PurgeInput,
    ) -> Result<i64> {
        match &self.backend {
            Backends::Sqlite(b) => {
                let input = input.clone();
                b.write(move |tx| sqlite_purge(tx, step, &input)).await
            }
            Backends::Postgres(b) => {
                let mut c = b.client().await?;
                let tx = c.transaction().await?;
                let n = pg_purge(&tx, step, input).await?;
                tx.commit().await?;
                Ok(n)
            }
        }
    }

    /// The contacts of the organization erased by retention (and not brought back since): each
    /// reference and when it was erased. A re-import names the rows it left erased with it.
    pub async fn erased_by_retention(&self, org: OrgId) -> Result<Vec<(String, jiff::Timestamp)>> {
        self.sql_rows(
            "SELECT contact_ref, erased_at FROM contacts
             WHERE org_id = $1 AND erased_by_retention AND erased_at IS NOT NULL",
            sql_params![org],
        )
        .await?
        .iter()
        .map(|r| Ok((r[0].text()?, crate::model::from_micros(r[1].int()?))))
        .collect()
    }

    /// The first sequence number the organization's audit trail still holds: 1 before any purge,
    /// the entry after the checkpoint since. Pages of the trail start there.
    pub async fn audit_first_seq(&self, org: OrgId) -> Result<i64> {
        let through = match self
            .sql_row(
                "SELECT through_seq FROM audit_purges WHERE org_id = $1",
                sql_params![org],
            )
            .await?
        {
            Some(r) => r[0].int()?,
            None => 0,
        };
        Ok(through + 1)
    }

    /// The organization's audit purge checkpoint, its seal checked; `None` before any purge.
    pub(crate) async fn audit_purge_checkpoint(
        &self,
        org: OrgId,
        key: &ChainKey,
    ) -> Result<Option<AuditPurgeCheckpoint>> {
        let Some(r) = self
            .sql_row(
                "SELECT through_seq, through_link, purged, purged_at, mac FROM audit_purges WHERE org_id = $1",
                sql_params![org],
            )
            .await?
        else {
            return Ok(None);
        };
        let blob = |v: &Val| {
            v.opt_blob()?
                .ok_or_else(|| StoreError::Other("the audit purge checkpoint lacks a value".into()))
        };
        let through_seq = r[0].int()?;
        let link: [u8; 32] = blob(&r[1])?.try_into().map_err(|_| {
            StoreError::Other("the audit purge checkpoint's link is not 32 bytes".into())
        })?;
        let purged = r[2].int()?;
        let mac = checkpoint_mac(key, org, through_seq, &link, purged, r[3].int()?);
        Ok(Some(AuditPurgeCheckpoint {
            through_seq,
            through_link: link,
            purged,
            sealed: blob(&r[4])? == mac.as_slice(),
        }))
    }
}

// --- SQLite ------------------------------------------------------------------------------------

fn sqlite_purge(
    tx: &rusqlite::Transaction<'_>,
    step: PurgeStep,
    input: &PurgeInput,
) -> Result<i64> {
    let org = input.org;
    let limit = i64::from(input.batch);
    let purged = match step {
        PurgeStep::ClosedRequests => {
            let ids = tx
                .prepare_cached(
                    "SELECT id FROM dsar_requests WHERE org_id = ?1 AND closed_at IS NOT NULL
                     AND closed_at < ?2 ORDER BY closed_at, id LIMIT ?3",
                )?
                .query_map(
                    rusqlite::params![org, input.cut.closed_requests.as_microsecond(), limit],
                    |r| r.get::<_, i64>(0),
                )?
                .collect::<rusqlite::Result<Vec<i64>>>()?;
            // SQLite would give the newest request's id again once it is gone (migration 0039).
            if let Some(max) = ids.iter().max() {
                tx.prepare_cached(
                    "INSERT INTO dsar_request_purges (org_id, last_id) VALUES (?1, ?2)
                     ON CONFLICT (org_id) DO UPDATE SET last_id = max(last_id, excluded.last_id)",
                )?
                .execute(rusqlite::params![org, max])?;
            }
            for id in &ids {
                // The request first: its history's guard lets the steps of a gone request go.
                for sql in [
                    "DELETE FROM dsar_requests WHERE org_id = ?1 AND id = ?2",
                    "DELETE FROM dsar_history WHERE org_id = ?1 AND request_id = ?2",
                    "DELETE FROM dsar_answers WHERE org_id = ?1 AND request_id = ?2",
                    "DELETE FROM dsar_archives WHERE org_id = ?1 AND request_id = ?2",
                    "DELETE FROM dsar_portal WHERE org_id = ?1 AND request_id = ?2",
                ] {
                    tx.prepare_cached(sql)?
                        .execute(rusqlite::params![org, id])?;
                }
            }
            ids.len() as i64
        }
        PurgeStep::ScreeningProofs => {
            let before = input.cut.screening_proofs.as_microsecond();
            let ids = tx
                .prepare_cached(
                    "SELECT id FROM screening_runs WHERE org_id = ?1 AND finished_at < ?2
                     ORDER BY finished_at, id LIMIT ?3",
                )?
                .query_map(rusqlite::params![org, before, limit], |r| {
                    r.get::<_, i64>(0)
                })?
                .collect::<rusqlite::Result<Vec<i64>>>()?;
            if let Some(max) = ids.iter().max() {
                tx.prepare_cached(
                    "INSERT INTO screening_proof_purges (org_id, finished_before, last_id) VALUES (?1, ?2, ?3)
                     ON CONFLICT (org_id) DO UPDATE SET finished_before = max(finished_before, excluded.finished_before),
                         last_id = max(last_id, excluded.last_id)",
                )?
                .execute(rusqlite::params![org, before, max])?;
                for id in &ids {
                    tx.prepare_cached("DELETE FROM screening_runs WHERE org_id = ?1 AND id = ?2")?
                        .execute(rusqlite::params![org, id])?;
                }
            }
            ids.len() as i64
        }
        PurgeStep::AuditTrail => {
            let (after, before): (i64, Option<i64>) = tx
                .prepare_cached("SELECT through_seq, purged FROM audit_purges WHERE org_id = ?1")?
                .query_row([org], |r| Ok((r.get(0)?, Some(r.get(1)?))))
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok((0, None)),
                    e => Err(e),
                })?;
            let entries = tx
                .prepare_cached("SELECT seq, at, link FROM audit_log WHERE org_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3")?
                .query_map(rusqlite::params![org, after, limit], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Vec<u8>>(2)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let Some(mut checkpoint) = audit_prefix(input, after, &entries)? else {
                return Ok(0);
            };
            checkpoint.before = before;
            tx.prepare_cached(
                "INSERT INTO audit_purges (org_id, through_seq, through_link, purged, purged_at, mac)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (org_id) DO UPDATE SET through_seq = excluded.through_seq,
                     through_link = excluded.through_link, purged = excluded.purged,
                     purged_at = excluded.purged_at, mac = excluded.mac",
            )?
            .execute(rusqlite::params![
                org,
                checkpoint.through_seq,
                &checkpoint.link[..],
                checkpoint.purged(),
                checkpoint.at,
                &checkpoint.mac(input)[..],
            ])?;
            tx.prepare_cached("DELETE FROM audit_log WHERE org_id = ?1 AND seq > ?2 AND seq <= ?3")?
                .execute(rusqlite::params![org, after, checkpoint.through_seq])? as i64
        }
    };
    if purged > 0 {
        tx.prepare_cached(&format!(
            "UPDATE retention_runs SET {c} = {c} + ?3 WHERE org_id = ?1 AND id = ?2",
            c = step.counter()
        ))?
        .execute(rusqlite::params![org, input.run_id, purged])?;
    }
    Ok(purged)
}

/// The new checkpoint of an audit purge batch.
struct NewCheckpoint {
    through_seq: i64,
    link: [u8; 32],
    /// Entries this batch purges.
    count: i64,
    at: i64,
    /// Entries purged before this batch.
    before: Option<i64>,
}

impl NewCheckpoint {
    fn purged(&self) -> i64 {
        self.before.unwrap_or(0) + self.count
    }

    fn mac(&self, input: &PurgeInput) -> [u8; 32] {
        checkpoint_mac(
            &input.chain,
            input.org,
            self.through_seq,
            &self.link,
            self.purged(),
            self.at,
        )
    }
}

/// The prefix of `entries` (the chain after `after`, in order) recorded before the trail's
/// cut-off, as the checkpoint that would end it; `None` when the first entry is within its
/// period. The entries must follow `after` without a gap: a broken chain is not purged (its
/// fault must stay visible to verification).
fn audit_prefix(
    input: &PurgeInput,
    after: i64,
    entries: &[(i64, i64, Vec<u8>)],
) -> Result<Option<NewCheckpoint>> {
    let cut = input.cut.audit_trail.as_microsecond();
    let mut last: Option<(i64, &[u8])> = None;
    for (i, (seq, at, link)) in entries.iter().enumerate() {
        if *at >= cut {
            break;
        }
        if *seq != after + 1 + i as i64 {
            return Err(StoreError::Other(format!(
                "audit entry {} is missing: the trail is not purged until `vigie audit verify` is clean",
                after + 1 + i as i64
            )));
        }
        last = Some((*seq, link));
    }
    let Some((through_seq, link)) = last else {
        return Ok(None);
    };
    let link: [u8; 32] = link.try_into().map_err(|_| {
        StoreError::Other(format!(
            "audit entry {through_seq}: its link is not 32 bytes"
        ))
    })?;
    Ok(Some(NewCheckpoint {
        through_seq,
        link,
        count: through_seq - after,
        at: now_micros(),
        before: None,
    }))
}

// --- PostgreSQL --------------------------------------------------------------------------------

async fn pg_purge(
    tx: &deadpool_postgres::Transaction<'_>,
    step: PurgeStep,
    input: &PurgeInput,
) -> Result<i64> {
    let org = input.org;
    let limit = i64::from(input.batch);
    let purged = match step {
        PurgeStep::ClosedRequests => {
            let ids: Vec<i64> = tx
                .query(
                    "SELECT id FROM dsar_requests WHERE org_id = $1 AND closed_at IS NOT NULL
                     AND closed_at < $2 ORDER BY closed_at, id LIMIT $3 FOR UPDATE",
                    &[&org, &input.cut.closed_requests.as_microsecond(), &limit],
                )
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
            for sql in [
                "DELETE FROM dsar_requests WHERE org_id = $1 AND id = ANY($2)",
                "DELETE FROM dsar_history WHERE org_id = $1 AND request_id = ANY($2)",
                "DELETE FROM dsar_answers WHERE org_id = $1 AND request_id = ANY($2)",
                "DELETE FROM dsar_archives WHERE org_id = $1 AND request_id = ANY($2)",
                "DELETE FROM dsar_portal WHERE org_id = $1 AND request_id = ANY($2)",
            ] {
                tx.execute(sql, &[&org, &ids]).await?;
            }
            ids.len() as i64
        }
        PurgeStep::ScreeningProofs => {
            let before = input.cut.screening_proofs.as_microsecond();
            let ids: Vec<i64> = tx
                .query(
                    "SELECT id FROM screening_runs WHERE org_id = $1 AND finished_at < $2
                     ORDER BY finished_at, id LIMIT $3",
                    &[&org, &before, &limit],
                )
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
            if let Some(max) = ids.iter().max() {
                tx.execute(
                    "INSERT INTO screening_proof_purges (org_id, finished_before, last_id) VALUES ($1, $2, $3)
                     ON CONFLICT (org_id) DO UPDATE SET
                         finished_before = greatest(screening_proof_purges.finished_before, excluded.finished_before),
                         last_id = greatest(screening_proof_purges.last_id, excluded.last_id)",
                    &[&org, &before, max],
                )
                .await?;
                tx.execute(
                    "DELETE FROM screening_runs WHERE org_id = $1 AND id = ANY($2)",
                    &[&org, &ids],
                )
                .await?;
            }
            ids.len() as i64
        }
        PurgeStep::AuditTrail => {
            // The chain's head row is what appends lock: a purge waits for appends under way.
            tx.execute(
                "SELECT 1 FROM audit_heads WHERE org_id = $1 FOR UPDATE",
                &[&org],
            )
            .await?;
            let (after, before): (i64, Option<i64>) = match tx
                .query_opt(
                    "SELECT through_seq, purged FROM audit_purges WHERE org_id = $1",
                    &[&org],
                )
                .await?
            {
                Some(r) => (r.get(0), Some(r.get(1))),
                None => (0, None),
            };
            let entries: Vec<(i64, i64, Vec<u8>)> = tx
                .query(
                    "SELECT seq, at, link FROM audit_log WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                    &[&org, &after, &limit],
                )
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect();
            let Some(mut checkpoint) = audit_prefix(input, after, &entries)? else {
                return Ok(0);
            };
            checkpoint.before = before;
            tx.execute(
                "INSERT INTO audit_purges (org_id, through_seq, through_link, purged, purged_at, mac)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (org_id) DO UPDATE SET through_seq = excluded.through_seq,
                     through_link = excluded.through_link, purged = excluded.purged,
                     purged_at = excluded.purged_at, mac = excluded.mac",
                &[
                    &org,
                    &checkpoint.through_seq,
                    &&checkpoint.link[..],
                    &checkpoint.purged(),
                    &checkpoint.at,
                    &&checkpoint.mac(input)[..],
                ],
            )
            .await?;
            tx.execute(
                "DELETE FROM audit_log WHERE org_id = $1 AND seq > $2 AND seq <= $3",
                &[&org, &after, &checkpoint.through_seq],
            )
            .await? as i64
        }
    };
    if purged > 0 {
        tx.execute(
            &format!(
                "UPDATE retention_runs SET {c} = {c} + $3 WHERE org_id = $1 AND id = $2",
                c = step.counter()
            ),
            &[&org, &input.run_id, &purged],
        )
        .await?;
    }
    Ok(purged)
}
