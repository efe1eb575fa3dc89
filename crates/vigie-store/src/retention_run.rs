//! A retention run (migration 0018): the contacts past their period, in id order, a batch per
//! transaction. Each batch erases (the same erasure as a data subject request's, without the
//! suppression list: the person did not object) or archives its contacts, records what it did
//! to whom in `retention_run_items`, and moves the run's cursor, all in one transaction: a run
//! killed between two batches resumes after the last committed one, and nobody is handled
//! twice or missed. The finished run's proof (policy version, moment, counts, SHA-256 of the
//! sorted references) goes into the audit trail. Each erasure is written to the erasure
//! journal before its batch commits (write-ahead, as a request's), and cancelled there when the
//! batch does not commit, so that a restored backup replays it.
//!
//! Once the batches are done, the archived customers are reduced to what the accounting
//! obligation needs (`retention_archive.rs`, its own bounded transactions), and the accounting
//! hold counts from the organization's financial year end (its settings).

use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;
use sha2::{Digest, Sha256};
use vigie_core::retention::{Cutoffs, PolicySet};
use vigie_core::{FinancialYearEnd, Moment};

use crate::dsar::Erasure;
use crate::erasure_journal::{ErasureJournal, JournalLine};
use crate::error::{Result, StoreError};
use crate::model::{OrgId, from_micros, to_micros};
use crate::retention::{RUN_CANDIDATES, sqlite_text};
use crate::retention_purges::{PurgeInput, PurgePlan, PurgeStep};
use crate::sql::sql_params;
use crate::{AuditEvent, Backends, Store, now_micros};

/// How a run proceeds.
#[derive(Debug, Clone, Copy)]
pub struct RunLimits {
    /// Contacts per transaction.
    pub batch: u32,
    /// Stop (leaving the run resumable) after this many batches: what a crash between two
    /// batches leaves behind, for tests.
    pub stop_after_batches: Option<u32>,
}

impl Default for RunLimits {
    fn default() -> RunLimits {
        RunLimits {
            batch: 1000,
            stop_after_batches: None,
        }
    }
}

/// A run and its proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionRun {
    pub id: i64,
    /// The moment the run decides for, as given.
    pub at: String,
    pub policy_version: u32,
    /// `running` (stopped before its end: the next run resumes it) or `done`.
    pub status: String,
    pub erased: i64,
    pub archived: i64,
    /// Closed data subject requests, screening proof records and audit entries purged.
    pub purged: PurgePlan,
    /// SHA-256 (hex) of the references handled, sorted, each followed by a line feed.
    pub refs_sha256: Option<String>,
    pub actor: String,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    /// Whether this call resumed a run stopped earlier.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub resumed: bool,
}

/// One contact a batch acts on.
struct Item {
    contact_id: i64,
    contact_ref: String,
    /// `erase` or `archive`.
    action: &'static str,
    reason: String,
    hold_until: Option<i64>,
}

/// What a batch needs to decide, moved onto the store's threads.
#[derive(Clone)]
struct BatchInput {
    org: OrgId,
    run_id: i64,
    policy_version: u32,
    policies: PolicySet,
    cut: Cutoffs,
    zone: TimeZone,
    /// The organization's financial year end: the accounting hold counts from its closing.
    year_end: FinancialYearEnd,
    cursor: i64,
    batch: u32,
    journal: Option<Arc<ErasureJournal>>,
    /// The journal lines the batch under way wrote: cancelled if it does not commit.
    journaled: Arc<Mutex<Vec<String>>>,
}

impl BatchInput {
    /// The action for a candidate row: an archived customer whose hold ended and a prospect past
    /// its period are erased; a customer past the marketing period is archived until the end
    /// of the accounting hold, or erased at once if that has passed too.
    fn item(&self, id: i64, contact_ref: String, ended: Option<i64>, reason: String) -> Item {
        let hold_until = match (reason.as_str(), ended) {
            ("customer_period_ended", Some(ended)) => Some(
                self.policies
                    .accounting_hold_until(from_micros(ended), &self.zone, self.year_end)
                    .as_microsecond(),
            ),
            _ => None,
        };
        let archive = hold_until.is_some_and(|until| until > self.cut.at.as_microsecond());
        Item {
            contact_id: id,
            contact_ref,
            action: if archive { "archive" } else { "erase" },
            reason,
            hold_until: hold_until.filter(|_| archive),
        }
    }

    fn erasure(&self, item: &Item) -> Erasure {
        Erasure {
            contact_ref: Some(item.contact_ref.clone()),
            request_id: 0,
            retention_run: Some(self.run_id),
            suppress: Vec::new(),
            bidx: Vec::new(),
            at: now_micros(),
            actions: serde_json::json!({
                "by": "retention",
                "run": self.run_id,
                "policy_version": self.policy_version,
                "reason": item.reason,
                "keys_destroyed": true,
                "suppression": "not added: the person did not object",
            })
            .to_string(),
        }
    }

    /// Journals the erasure ahead of its batch's commit.
    fn journal_ahead(&self, erasure: &Erasure) -> Result<()> {
        if let Some(journal) = &self.journal {
            let id = erasure.journal_ahead(self.org, journal)?;
            self.journaled
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(id);
        }
        Ok(())
    }

    /// The batch committed (`true`) or not: its journal lines stay, or are cancelled.
    fn settle_journal(&self, committed: bool) {
        let ids = std::mem::take(&mut *self.journaled.lock().unwrap_or_else(|e| e.into_inner()));
        if committed {
            return;
        }
        let Some(journal) = &self.journal else {
            return;
        };
        for id in ids {
            if let Err(e) = journal.append(&JournalLine::Cancelled { id }) {
                tracing::error!(error = %e, "a retention batch failed and its journal line could not be cancelled");
            }
        }
    }

    fn params(&self) -> [i64; 7] {
        [
            self.org,
            self.cut.at.as_microsecond(),
            self.cut.expired_rule.as_microsecond(),
            self.cut.prospects.as_microsecond(),
            self.cut.customers.as_microsecond(),
            self.cursor,
            i64::from(self.batch),
        ]
    }
}

impl Store {
    /// Runs retention for the organization at `at` (RFC 3339) under its current policies, or
    /// resumes the run left unfinished (with that run's moment and policy version). Writes the
    /// proof into the audit trail under `audit`'s actor once the run is done.
    pub async fn run_retention(
        &self,
        org: OrgId,
        at: &str,
        limits: RunLimits,
        audit: AuditEvent,
    ) -> Result<RetentionRun> {
        let (mut run, resumed) = match self.unfinished_retention_run(org).await? {
            Some(run) => (run, true),
            None => {
                Moment::parse(at).map_err(|e| StoreError::Invalid(format!("at: {e}")))?;
                let version = self.retention_policies(org).await?.version;
                let now = now_micros();
                let id = self
                    .sql_row(
                        "INSERT INTO retention_runs (org_id, at, at_text, policy_version, status, cursor,
                             erased, archived, actor, started_at)
                         VALUES ($1, $2, $3, $4, 'running', 0, 0, 0, $5, $6) RETURNING id",
                        sql_params![
                            org,
                            Moment::parse(at).expect("checked").instant().as_microsecond(),
                            at,
                            i64::from(version),
                            audit.actor.as_str(),
                            now
                        ],
                    )
                    .await?
                    .ok_or_else(|| StoreError::Other("no run id returned".into()))?[0]
                    .int()?;
                (self.retention_run_by_id(org, id).await?, false)
            }
        };
        run.resumed = resumed;
        let policies = self
            .retention_policies_version(org, run.policy_version)
            .await?;
        let moment =
            Moment::parse(&run.at).map_err(|e| StoreError::Other(format!("stored run: {e}")))?;
        let settings = self.org_settings(org).await?;
        let zone =
            TimeZone::get(&settings.time_zone).map_err(|e| StoreError::Other(e.to_string()))?;
        let mut input = BatchInput {
            org,
            run_id: run.id,
            policy_version: run.policy_version,
            cut: policies.cutoffs(moment),
            policies,
            zone,
            year_end: settings.financial_year_end,
            cursor: self.retention_run_cursor(org, run.id).await?,
            batch: limits.batch.max(1),
            journal: self.erasure_journal.clone(),
            journaled: Arc::default(),
        };
        let mut batches = 0u32;
        loop {
            if limits.stop_after_batches.is_some_and(|n| batches >= n) {
                return self.retention_run_by_id(org, run.id).await;
            }
            let handled = match &self.backend {
                Backends::Sqlite(b) => {
                    let input = input.clone();
                    b.write(move |tx| sqlite_batch(tx, &input)).await
                }
                Backends::Postgres(b) => pg_batch_committed(b, &input).await,
            };
            input.settle_journal(handled.is_ok());
            let handled = handled?;
            batches += 1;
            match handled {
                Some(last) => input.cursor = last,
                None => break,
            }
        }
        // The archived customers (this run's and earlier ones') keep only what the accounting
        // obligation needs (`retention_archive.rs`), in their own bounded transactions.
        self.reduce_accounting_archives(
            org,
            None,
            &format!("retention_run:{}", run.id),
            input.batch,
            &audit,
        )
        .await?;
        if !self
            .run_retention_purges(&input, limits, &mut batches)
            .await?
        {
            return self.retention_run_by_id(org, run.id).await;
        }
        let mut done = self.finish_retention_run(org, run.id, audit).await?;
        done.resumed = resumed;
        Ok(done)
    }

    /// The run's purge steps after its contacts, each in batches (see `retention_purges.rs`);
    /// false when the run stopped before their end (`limits.stop_after_batches`).
    async fn run_retention_purges(
        &self,
        contacts: &BatchInput,
        limits: RunLimits,
        batches: &mut u32,
    ) -> Result<bool> {
        let input = PurgeInput {
            org: contacts.org,
            run_id: contacts.run_id,
            cut: contacts.cut,
            batch: contacts.batch,
            chain: self.org_crypto(contacts.org).await?.chain,
        };
        for step in PurgeStep::ALL {
            loop {
                if limits.stop_after_batches.is_some_and(|n| *batches >= n) {
                    return Ok(false);
                }
                let purged = self.retention_purge_batch(step, &input).await?;
                *batches += 1;
                if purged == 0 {
                    break;
                }
            }
        }
        Ok(true)
    }

    /// The organization's runs, latest first.
    pub async fn retention_runs(&self, org: OrgId, limit: u32) -> Result<Vec<RetentionRun>> {
        self.sql_rows(
            "SELECT id, at_text, policy_version, status, erased, archived, refs_sha256, actor,
                 started_at, finished_at, requests_purged, proofs_purged, audit_purged FROM retention_runs WHERE org_id = $1 ORDER BY id DESC LIMIT $2",
            sql_params![org, i64::from(limit)],
        )
        .await?
        .iter()
        .map(|r| run_from_row(r))
        .collect()
    }

    /// The first finished run that decided for `at` or later: for a requalification campaign
    /// whose window closes at `at`, the run that erased the people who did not answer yes.
    pub async fn first_retention_run_since(
        &self,
        org: OrgId,
        at: Timestamp,
    ) -> Result<Option<RetentionRun>> {
        self.sql_row(
            "SELECT id, at_text, policy_version, status, erased, archived, refs_sha256, actor,
                 started_at, finished_at, requests_purged, proofs_purged, audit_purged
             FROM retention_runs WHERE org_id = $1 AND status = 'done' AND at >= $2
             ORDER BY id LIMIT 1",
            sql_params![org, to_micros(at)],
        )
        .await?
        .map(|r| run_from_row(&r))
        .transpose()
    }

    async fn retention_run_by_id(&self, org: OrgId, id: i64) -> Result<RetentionRun> {
        let row = self
            .sql_row(
                "SELECT id, at_text, policy_version, status, erased, archived, refs_sha256, actor,
                     started_at, finished_at, requests_purged, proofs_purged, audit_purged FROM retention_runs WHERE org_id = $1 AND id = $2",
                sql_params![org, id],
            )
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("retention run {id}")))?;
        run_from_row(&row)
    }

    async fn unfinished_retention_run(&self, org: OrgId) -> Result<Option<RetentionRun>> {
        let row = self
            .sql_row(
                "SELECT id FROM retention_runs WHERE org_id = $1 AND status = 'running'",
                sql_params![org],
            )
            .await?;
        match row {
            Some(r) => Ok(Some(self.retention_run_by_id(org, r[0].int()?).await?)),
            None => Ok(None),
        }
    }

    async fn retention_run_cursor(&self, org: OrgId, id: i64) -> Result<i64> {
        self.sql_row(
            "SELECT cursor FROM retention_runs WHERE org_id = $1 AND id = $2",
            sql_params![org, id],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("retention run {id}")))?[0]
            .int()
    }

    /// Closes the run: the digest of the sorted references it handled, then the audit entry.
    async fn finish_retention_run(
        &self,
        org: OrgId,
        id: i64,
        audit: AuditEvent,
    ) -> Result<RetentionRun> {
        let mut refs: Vec<String> = self
            .sql_rows(
                "SELECT contact_ref FROM retention_run_items WHERE org_id = $1 AND run_id = $2",
                sql_params![org, id],
            )
            .await?
            .iter()
            .map(|r| r[0].text())
            .collect::<Result<_>>()?;
        refs.sort_unstable();
        let mut hash = Sha256::new();
        for r in &refs {
            hash.update(r.as_bytes());
            hash.update(b"\n");
        }
        let digest = hex::encode(hash.finalize());
        self.sql_exec(
            "UPDATE retention_runs SET status = 'done', refs_sha256 = $1, finished_at = $2
             WHERE org_id = $3 AND id = $4 AND status = 'running'",
            sql_params![digest.as_str(), now_micros(), org, id],
        )
        .await?;
        let run = self.retention_run_by_id(org, id).await?;
        self.audit(
            org,
            AuditEvent {
                action: "retention.run".into(),
                target: Some(format!("retention_run:{id}")),
                reason: Some(format!(
                    "at {}; policy version {}; erased {}; archived {}; sha256 of the sorted references {}; \
                     purged {} closed requests, {} screening proofs, {} audit entries",
                    run.at,
                    run.policy_version,
                    run.erased,
                    run.archived,
                    digest,
                    run.purged.closed_requests,
                    run.purged.screening_proofs,
                    run.purged.audit_entries
                )),
                ..audit
            },
        )
        .await?;
        Ok(run)
    }
}

fn run_from_row(r: &[crate::sql::Val]) -> Result<RetentionRun> {
    Ok(RetentionRun {
        id: r[0].int()?,
        at: r[1].text()?,
        policy_version: u32::try_from(r[2].int()?).map_err(|e| StoreError::Other(e.to_string()))?,
        status: r[3].text()?,
        erased: r[4].int()?,
        archived: r[5].int()?,
        refs_sha256: r[6].opt_text()?,
        actor: r[7].text()?,
        started_at: from_micros(r[8].int()?),
        finished_at: r[9].opt_int()?.map(from_micros),
        purged: PurgePlan {
            closed_requests: r[10].int()?,
            screening_proofs: r[11].int()?,
            audit_entries: r[12].int()?,
        },
        resumed: false,
    })
}

/// One batch on SQLite, in the writer's transaction; the last contact id handled, or `None`
/// when nothing is left.
fn sqlite_batch(tx: &rusqlite::Transaction<'_>, input: &BatchInput) -> Result<Option<i64>> {
    let rows = tx
        .prepare_cached(&sqlite_text(RUN_CANDIDATES))?
        .query_map(rusqlite::params_from_iter(input.params()), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<Vec<(i64, String, Option<i64>, String)>>>()?;
    let Some(last) = rows.last().map(|r| r.0) else {
        return Ok(None);
    };
    let (mut erased, mut archived) = (0i64, 0i64);
    for (id, contact_ref, ended, reason) in rows {
        let item = input.item(id, contact_ref, ended, reason);
        if item.action == "erase" {
            let erasure = input.erasure(&item);
            input.journal_ahead(&erasure)?;
            // Also marks the contact erased by retention (migration 0019).
            crate::dsar::sqlite_erase(tx, input.org, &erasure)?;
            erased += 1;
        } else {
            // Restricted and held: marketing never reaches the person, imports keep it so.
            tx.prepare_cached(
                "UPDATE contacts SET restricted = 1, restriction_held = 1, retention_hold_until = ?3,
                     updated_at = ?4 WHERE org_id = ?1 AND id = ?2",
            )?
            .execute(rusqlite::params![input.org, item.contact_id, item.hold_until, now_micros()])?;
            archived += 1;
        }
        tx.prepare_cached(
            "INSERT INTO retention_run_items (org_id, run_id, contact_id, contact_ref, action)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(rusqlite::params![
            input.org,
            input.run_id,
            item.contact_id,
            item.contact_ref,
            item.action
        ])?;
    }
    if archived > 0 {
        tx.prepare_cached(
            "UPDATE organizations SET data_version = data_version + 1 WHERE id = ?1",
        )?
        .execute([input.org])?;
    }
    tx.prepare_cached(
        "UPDATE retention_runs SET cursor = ?3, erased = erased + ?4, archived = archived + ?5
         WHERE org_id = ?1 AND id = ?2",
    )?
    .execute(rusqlite::params![
        input.org,
        input.run_id,
        last,
        erased,
        archived
    ])?;
    Ok(Some(last))
}

/// One batch on PostgreSQL in its own transaction, committed.
async fn pg_batch_committed(
    b: &crate::postgres::PgStore,
    input: &BatchInput,
) -> Result<Option<i64>> {
    let mut c = b.client().await?;
    let tx = c.transaction().await?;
    let next = pg_batch(&tx, input).await?;
    tx.commit().await?;
    Ok(next)
}

/// One batch on PostgreSQL, in the caller's transaction.
async fn pg_batch(
    tx: &deadpool_postgres::Transaction<'_>,
    input: &BatchInput,
) -> Result<Option<i64>> {
    let p = input.params();
    let rows = tx
        .query(
            RUN_CANDIDATES,
            &[&p[0], &p[1], &p[2], &p[3], &p[4], &p[5], &p[6]],
        )
        .await?;
    let Some(last) = rows.last().map(|r| r.get::<_, i64>(0)) else {
        return Ok(None);
    };
    let (mut erased, mut archived) = (0i64, 0i64);
    for r in rows {
        let item = input.item(r.get(0), r.get(1), r.get(2), r.get(3));
        if item.action == "erase" {
            let erasure = input.erasure(&item);
            input.journal_ahead(&erasure)?;
            crate::dsar::pg_erase(tx, input.org, &erasure).await?;
            erased += 1;
        } else {
            tx.execute(
                "UPDATE contacts SET restricted = TRUE, restriction_held = TRUE, retention_hold_until = $3,
                     updated_at = $4 WHERE org_id = $1 AND id = $2",
                &[&input.org, &item.contact_id, &item.hold_until, &now_micros()],
            )
            .await?;
            archived += 1;
        }
        tx.execute(
            "INSERT INTO retention_run_items (org_id, run_id, contact_id, contact_ref, action)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &input.org,
                &input.run_id,
                &item.contact_id,
                &item.contact_ref,
                &item.action,
            ],
        )
        .await?;
    }
    if archived > 0 {
        tx.execute(
            "UPDATE organizations SET data_version = data_version + 1 WHERE id = $1",
            &[&input.org],
        )
        .await?;
    }
    tx.execute(
        "UPDATE retention_runs SET cursor = $3, erased = erased + $4, archived = archived + $5
         WHERE org_id = $1 AND id = $2",
        &[&input.org, &input.run_id, &last, &erased, &archived],
    )
    .await?;
    Ok(Some(last))
}
