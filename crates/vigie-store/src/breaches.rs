//! The breach register (table `breaches`, migration 0016): each breach of an organization,
//! numbered in order, kept as vigie-core's `Breach`; every change with its audit entry. And the
//! counts a notification needs: how many of the organization's contacts a selection holds.

use vigie_core::ContactRef;
use vigie_core::registers::breach::Breach;

use crate::error::{Result, StoreError};
use crate::model::OrgId;
use crate::sql::{Val, sql_params};
use crate::{AuditEvent, Store, now_micros};

/// Whether a notification is due and neither made nor decided against (the clock runs).
fn awaiting(b: &Breach) -> i64 {
    let due = b.risk != vigie_core::assess::BreachRisk::Unlikely;
    i64::from(due && b.notified_at.is_none() && b.not_notified_reason.is_none())
}

fn read(row: Vec<Val>) -> Result<(i64, Breach)> {
    let breach = serde_json::from_str(&row[1].text()?)
        .map_err(|e| StoreError::Other(format!("stored breach: {e}")))?;
    Ok((row[0].int()?, breach))
}

fn checked(b: &Breach) -> Result<String> {
    b.check().map_err(StoreError::Invalid)?;
    Ok(serde_json::to_string(b).expect("a breach serializes"))
}

impl Store {
    /// Records a breach; returns its number in the organization's register.
    pub async fn record_breach(&self, org: OrgId, b: &Breach, audit: AuditEvent) -> Result<i64> {
        let document = checked(b)?;
        // The next number; a concurrent recording takes it first and this one tries the next.
        for _ in 0..5 {
            let next = self
                .sql_row(
                    "SELECT COALESCE(MAX(id), 0) + 1 FROM breaches WHERE org_id = $1",
                    sql_params![org],
                )
                .await?
                .map_or(Ok(1), |r| r[0].int())?;
            let now = now_micros();
            let written = self
                .sql_exec(
                    "INSERT INTO breaches (org_id, id, document, awaiting, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (org_id, id) DO NOTHING",
                    sql_params![org, next, document.clone(), awaiting(b), now],
                )
                .await?;
            if written == 1 {
                let mut audit = audit;
                audit.target = Some(format!("breach:{next}"));
                self.audit(org, audit).await?;
                return Ok(next);
            }
        }
        Err(StoreError::Conflict(
            "could not number the breach: try again".into(),
        ))
    }

    /// Replaces the record of breach `id` (a notification, a decision, a count).
    pub async fn update_breach(
        &self,
        org: OrgId,
        id: i64,
        b: &Breach,
        audit: AuditEvent,
    ) -> Result<()> {
        let document = checked(b)?;
        let written = self
            .sql_exec(
                "UPDATE breaches SET document = $1, awaiting = $2, updated_at = $3
                 WHERE org_id = $4 AND id = $5",
                sql_params![document, awaiting(b), now_micros(), org, id],
            )
            .await?;
        if written == 0 {
            return Err(StoreError::NotFound(format!("breach {id}")));
        }
        let mut audit = audit;
        audit.target = Some(format!("breach:{id}"));
        self.audit(org, audit).await?;
        Ok(())
    }

    pub async fn breach(&self, org: OrgId, id: i64) -> Result<Option<Breach>> {
        self.sql_row(
            "SELECT id, document FROM breaches WHERE org_id = $1 AND id = $2",
            sql_params![org, id],
        )
        .await?
        .map(read)
        .transpose()
        .map(|b| b.map(|(_, b)| b))
    }

    /// Every breach of the organization, newest first.
    pub async fn breaches(&self, org: OrgId) -> Result<Vec<(i64, Breach)>> {
        self.sql_rows(
            "SELECT id, document FROM breaches WHERE org_id = $1 ORDER BY id DESC",
            sql_params![org],
        )
        .await?
        .into_iter()
        .map(read)
        .collect()
    }

    /// The breaches whose notification is due and neither made nor decided against.
    pub async fn breaches_awaiting(&self, org: OrgId) -> Result<Vec<(i64, Breach)>> {
        self.sql_rows(
            "SELECT id, document FROM breaches WHERE org_id = $1 AND awaiting = 1 ORDER BY id",
            sql_params![org],
        )
        .await?
        .into_iter()
        .map(read)
        .collect()
    }

    /// How many of `refs` are contacts of the organization (each counted once), looked up a
    /// few hundred at a time (a breach may concern thousands of references).
    pub async fn count_contacts_by_refs(&self, org: OrgId, refs: &[ContactRef]) -> Result<u64> {
        // Well under SQLite's and PostgreSQL's limits on bound parameters.
        const CHUNK: usize = 500;
        let mut refs: Vec<&str> = refs.iter().map(|r| r.as_str()).collect();
        refs.sort_unstable();
        refs.dedup();
        let mut n = 0;
        for chunk in refs.chunks(CHUNK) {
            let marks: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT COUNT(*) FROM contacts WHERE org_id = $1 AND contact_ref IN ({})",
                marks.join(", ")
            );
            let mut params = sql_params![org];
            params.extend(chunk.iter().map(|r| Val::from(*r)));
            let rows = self.sql_rows(sql, params).await?;
            n += rows.first().map_or(Ok(0), |r| r[0].int())? as u64;
        }
        Ok(n)
    }

    /// How many of the organization's contacts were collected in `[from, until)`.
    pub async fn count_contacts_collected(
        &self,
        org: OrgId,
        from: jiff::Timestamp,
        until: jiff::Timestamp,
    ) -> Result<u64> {
        let row = self
            .sql_row(
                "SELECT COUNT(*) FROM contacts WHERE org_id = $1 AND collected_at >= $2 AND collected_at < $3",
                sql_params![org, from.as_microsecond(), until.as_microsecond()],
            )
            .await?;
        Ok(row.map_or(Ok(0), |r| r[0].int())? as u64)
    }
}
