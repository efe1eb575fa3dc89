//! Retention (migration 0018): the versions of an organization's policies, the plan (what a run
//! would do, counted by one set-based query) and the run itself (`retention_run.rs`).
//!
//! Which contact is past its period is decided by the core ([`vigie_core::retention`]): it turns
//! the policies and the moment into cut-off instants, and the SQL below only compares stored
//! instants with them. The three predicates (prospect past its period, customer past its
//! marketing period, archived customer whose accounting hold ended) are written once here and
//! shared by the plan and the run.

use serde::Serialize;
use vigie_core::retention::{Cutoffs, PolicySet};

use crate::error::{Result, StoreError};
use crate::model::OrgId;
use crate::retention_purges::PurgePlan;
use crate::sql::{Val, sql_params};
use crate::{AuditEvent, Backends, Store, now_micros};

/// A prospect without a sign of life since `$since` (an instant parameter), up to `$3` (the
/// moment): collection before it, and no ledger event between it and the moment. `$4`-style
/// placeholders are replaced per use below.
macro_rules! prospect_past {
    ($since:literal, $events:expr) => {
        concat!(
            "(NOT c.customer AND c.audience <> 'generic' AND (c.collected_at IS NULL OR c.collected_at < ",
            $since,
            ") AND ",
            $events,
            ")"
        )
    };
}

/// Correlated form: one look-up of the contact's events by the ledger's (org, contact) index.
macro_rules! no_event_since {
    ($since:literal) => {
        concat!(
            "NOT EXISTS (SELECT 1 FROM consent_events e WHERE e.org_id = c.org_id AND e.contact_id = c.id AND e.at >= ",
            $since,
            " AND e.at <= $2)"
        )
    };
}

/// Set form for SQLite's whole-base count: the contacts with an event in the window are read
/// once into a temporary index, instead of one index probe and row read per event.
macro_rules! no_event_since_set {
    ($since:literal) => {
        concat!(
            "c.id NOT IN (SELECT contact_id FROM consent_events WHERE org_id = $1 AND at >= ",
            $since,
            " AND at <= $2)"
        )
    };
}

/// A prospect past its period at the cut-off `$cut`, the moment being `$2`.
macro_rules! prospect_past_at {
    ($cut:literal) => {
        $crate::retention::prospect_past!($cut, $crate::retention::no_event_since!($cut))
    };
}
pub(crate) use {no_event_since, prospect_past, prospect_past_at};

/// A prospect asked by a requalification campaign whose window closed at or before the moment
/// `$2`, who did not answer yes, nor granted again any other way (a form…) since the campaign
/// began: erased.
macro_rules! requalification_unconfirmed {
    () => {
        "(NOT c.customer AND EXISTS (SELECT 1 FROM requalification_members m
             JOIN requalification_campaigns k ON k.org_id = m.org_id AND k.id = m.campaign_id
             WHERE m.org_id = c.org_id AND m.contact_id = c.id AND k.closes_at <= $2
               AND (m.answer IS NULL OR m.answer <> 'yes')
               AND NOT EXISTS (SELECT 1 FROM consent_events e
                   WHERE e.org_id = c.org_id AND e.contact_id = c.id AND e.action = 'grant'
                     AND e.at >= k.starts_at AND e.at <= $2)))"
    };
}

/// A customer past the marketing period, not yet archived, with no contract in force.
macro_rules! customer_past {
    () => {
        "(c.customer AND NOT c.contract_active AND c.retention_hold_until IS NULL AND c.relationship_ended_at < $5)"
    };
}

/// An archived customer whose accounting hold has ended.
macro_rules! hold_ended {
    () => {
        "(c.retention_hold_until IS NOT NULL AND c.retention_hold_until <= $2)"
    };
}

/// Parameters: $1 org, $2 moment, $3 the decision rule's cut-off, $4 the prospects' policy
/// cut-off, $5 the customers' policy cut-off. The unconfirmed requalifications are counted apart
/// from the prospects past their period (a person can be both), as the run erases them too.
macro_rules! plan_counts {
    ($rule:expr, $prospects:expr) => {
        concat!(
            "SELECT count(*) FILTER (WHERE ",
            $rule,
            "), count(*) FILTER (WHERE ",
            $prospects,
            "), count(*) FILTER (WHERE ",
            customer_past!(),
            "), count(*) FILTER (WHERE ",
            hold_ended!(),
            "), count(*) FILTER (WHERE c.customer AND c.relationship_ended_at IS NULL), count(*),
             count(*) FILTER (WHERE ",
            requalification_unconfirmed!(),
            " AND NOT ",
            $prospects,
            ") FROM contacts c WHERE c.org_id = $1 AND c.erased_at IS NULL"
        )
    };
}

const PLAN_COUNTS_SQLITE: &str = plan_counts!(
    prospect_past!("$3", no_event_since_set!("$3")),
    prospect_past!("$4", no_event_since_set!("$4"))
);
const PLAN_COUNTS_PG: &str = plan_counts!(
    prospect_past!("$3", no_event_since!("$3")),
    prospect_past!("$4", no_event_since!("$4"))
);

/// The contacts a run acts on, after the cursor `$6`, in id order, at most `$7`; what to do with
/// each: why it is concerned (`hold_ended`, `prospect_period_ended`, `customer_period_ended`,
/// `requalification_unconfirmed`). Parameters as for the plan ($3 unused, but bound so that both stores number them alike).
pub(crate) const RUN_CANDIDATES: &str = concat!(
    "SELECT c.id, c.contact_ref, c.relationship_ended_at,
         CASE WHEN c.retention_hold_until IS NOT NULL THEN 'hold_ended'
              WHEN c.customer THEN 'customer_period_ended'
              WHEN ", requalification_unconfirmed!(), " THEN 'requalification_unconfirmed'
              ELSE 'prospect_period_ended' END
     FROM contacts c
     WHERE c.org_id = $1 AND c.erased_at IS NULL AND c.id > $6 AND CAST($3 AS BIGINT) IS NOT NULL AND (",
    hold_ended!(),
    " OR ",
    prospect_past!("$4", no_event_since!("$4")),
    " OR ",
    customer_past!(),
    " OR ",
    requalification_unconfirmed!(),
    ") ORDER BY c.id LIMIT $7"
);

/// Same contacts, for the plan's list of references (no cursor).
macro_rules! plan_refs {
    ($which:expr) => {
        concat!(
            "SELECT c.contact_ref FROM contacts c WHERE c.org_id = $1 AND c.erased_at IS NULL AND CAST($2 AS BIGINT) IS NOT NULL AND CAST($3 AS BIGINT) IS NOT NULL AND CAST($4 AS BIGINT) IS NOT NULL AND CAST($5 AS BIGINT) IS NOT NULL AND ",
            $which,
            " ORDER BY c.id LIMIT $6"
        )
    };
}
const PLAN_REFS_ERASE: &str = plan_refs!(concat!(
    "(",
    hold_ended!(),
    " OR ",
    prospect_past!("$4", no_event_since!("$4")),
    " OR ",
    requalification_unconfirmed!(),
    ")"
));
const PLAN_REFS_ARCHIVE: &str = plan_refs!(customer_past!());

/// What a run at a moment would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionPlan {
    pub at: String,
    pub policy_version: u32,
    /// Contacts not erased, not customers, not generic addresses, whose latest sign of life at or
    /// before the moment is more than three calendar years before it: `RETENTION_EXPIRED`.
    pub expired_prospects: i64,
    pub erase: PlanAction,
    pub archive: PlanAction,
    /// Contacts not erased that the run leaves as they are.
    pub keep: i64,
    /// Customers without an end-of-relationship date: their period cannot be counted.
    pub customers_without_end_date: i64,
    /// Closed requests, screening proofs and audit entries the run would purge.
    pub purge: PurgePlan,
}

/// One kind of action: how many contacts and the first references (in id order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanAction {
    pub count: i64,
    /// Prospects past their period; archived customers whose accounting hold ended (erase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of_which_hold_ended: Option<i64>,
    /// People asked by a requalification whose window closed without a yes, and not otherwise
    /// past their period (erase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of_which_requalification_unconfirmed: Option<i64>,
    pub references: Vec<String>,
}

impl Store {
    /// The organization's policies: the latest version, or the defaults (version 0).
    pub async fn retention_policies(&self, org: OrgId) -> Result<PolicySet> {
        let row = self
            .sql_row(
                "SELECT version, policies FROM retention_policy_versions WHERE org_id = $1
                 ORDER BY version DESC LIMIT 1",
                sql_params![org],
            )
            .await?;
        match row {
            None => Ok(PolicySet::defaults()),
            Some(r) => stored_policies(r[0].int()?, &r[1].text()?),
        }
    }

    /// A version of the organization's policies.
    pub async fn retention_policies_version(&self, org: OrgId, version: u32) -> Result<PolicySet> {
        if version == 0 {
            return Ok(PolicySet::defaults());
        }
        let row = self
            .sql_row(
                "SELECT version, policies FROM retention_policy_versions WHERE org_id = $1 AND version = $2",
                sql_params![org, i64::from(version)],
            )
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("retention policies version {version}")))?;
        stored_policies(row[0].int()?, &row[1].text()?)
    }

    /// Records a new version of the policies and its audit entry. The version must follow the
    /// latest one: two editors racing get [`StoreError::Conflict`] for the second.
    pub async fn record_retention_policies(
        &self,
        org: OrgId,
        set: &PolicySet,
        audit: AuditEvent,
    ) -> Result<()> {
        let current = self.retention_policies(org).await?.version;
        if set.version != current + 1 {
            return Err(StoreError::Conflict(format!(
                "retention policies changed meanwhile (now version {current})"
            )));
        }
        let stored: Vec<(&str, u8, &str)> = set
            .policies
            .iter()
            .map(|p| (p.category.as_str(), p.years, p.legal_reference.as_str()))
            .collect();
        let json = serde_json::to_string(&stored).map_err(|e| StoreError::Other(e.to_string()))?;
        self.sql_exec(
            "INSERT INTO retention_policy_versions (org_id, version, policies, created_at, actor)
             VALUES ($1, $2, $3, $4, $5)",
            sql_params![
                org,
                i64::from(set.version),
                json,
                now_micros(),
                audit.actor.as_str()
            ],
        )
        .await?;
        self.audit(org, audit).await?;
        Ok(())
    }

    /// What a run at `at` under `policies` would do: counts by one query over the organization's
    /// contacts, and the first `max_refs` references of each action.
    pub async fn retention_plan(
        &self,
        org: OrgId,
        at_text: &str,
        policies: &PolicySet,
        cut: &Cutoffs,
        max_refs: u32,
    ) -> Result<RetentionPlan> {
        let params = || {
            sql_params![
                org,
                cut.at.as_microsecond(),
                cut.expired_rule.as_microsecond(),
                cut.prospects.as_microsecond(),
                cut.customers.as_microsecond()
            ]
        };
        let counts = match &self.backend {
            Backends::Sqlite(_) => self.sql_rows(sqlite_text(PLAN_COUNTS_SQLITE), params()),
            Backends::Postgres(_) => self.sql_rows(PLAN_COUNTS_PG.to_owned(), params()),
        }
        .await?;
        let c = counts
            .first()
            .ok_or_else(|| StoreError::Other("a count returned no row".into()))?
            .iter()
            .map(Val::int)
            .collect::<Result<Vec<i64>>>()?;
        let refs = |sql: &'static str| {
            let mut p = params();
            p.push(Val::Int(i64::from(max_refs)));
            let text = match &self.backend {
                Backends::Sqlite(_) => sqlite_text(sql),
                Backends::Postgres(_) => sql.to_owned(),
            };
            async move {
                self.sql_rows(text, p)
                    .await?
                    .iter()
                    .map(|r| r[0].text())
                    .collect::<Result<Vec<String>>>()
            }
        };
        let (expired, erase_prospects, archive, hold_ended, without_end, total, unconfirmed) =
            (c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
        let erase = erase_prospects + hold_ended + unconfirmed;
        Ok(RetentionPlan {
            at: at_text.to_owned(),
            policy_version: policies.version,
            expired_prospects: expired,
            erase: PlanAction {
                count: erase,
                of_which_hold_ended: Some(hold_ended),
                of_which_requalification_unconfirmed: Some(unconfirmed),
                references: refs(PLAN_REFS_ERASE).await?,
            },
            archive: PlanAction {
                count: archive,
                of_which_hold_ended: None,
                of_which_requalification_unconfirmed: None,
                references: refs(PLAN_REFS_ARCHIVE).await?,
            },
            keep: total - erase - archive,
            customers_without_end_date: without_end,
            purge: self.retention_purge_plan(org, cut).await?,
        })
    }

    /// Claims the day's retention run for this server: true for the first claimant of
    /// (organization, day), false for every other (two servers sharing a database).
    pub async fn claim_retention_day(&self, org: OrgId, day: &str, holder: &str) -> Result<bool> {
        let n = self
            .sql_exec(
                "INSERT INTO retention_daily_claims (org_id, day, holder, claimed_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                sql_params![org, day, holder, now_micros()],
            )
            .await?;
        Ok(n == 1)
    }
}

/// SQLite reads `?N` as the N-th parameter; the texts are written with PostgreSQL's `$N`.
pub(crate) fn sqlite_text(sql: &str) -> String {
    sql.replace('$', "?")
}

fn stored_policies(version: i64, json: &str) -> Result<PolicySet> {
    let corrupt = |e: String| StoreError::Other(format!("stored retention policies: {e}"));
    let rows: Vec<(String, i64, String)> =
        serde_json::from_str(json).map_err(|e| corrupt(e.to_string()))?;
    let version = u32::try_from(version).map_err(|e| corrupt(e.to_string()))?;
    PolicySet::from_stored(version, &rows).map_err(|e| corrupt(e.to_string()))
}
