//! What the dashboard reads (migration 0026): the figures computed in the background, stored
//! per organization with the data version they were computed at, and the results of the audit
//! chain's verifications. One row per read, keyed by organization.

use jiff::Timestamp;

use crate::Store;
use crate::error::Result;
use crate::model::{OrgId, from_micros};
use crate::sql::sql_params;

/// The dashboard's figures as last computed; `figures` is the server's JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardFigures {
    /// The organization's data version the figures were computed at: behind the store's when
    /// data changed since.
    pub data_version: i64,
    pub computed_at: Timestamp,
    pub figures: String,
}

/// A verification of an organization's audit chain and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerification {
    pub at: Timestamp,
    pub actor: String,
    pub intact: bool,
    pub faults: u64,
    /// The checkpoint the trail was held against, if there was one.
    pub checkpoint_at: Option<Timestamp>,
}

impl Store {
    /// Replaces the organization's dashboard figures.
    pub async fn save_dashboard_figures(&self, org: OrgId, f: &DashboardFigures) -> Result<()> {
        self.sql_exec(
            "INSERT INTO dashboard_figures (org_id, data_version, computed_at, figures)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (org_id) DO UPDATE SET data_version = excluded.data_version,
                 computed_at = excluded.computed_at, figures = excluded.figures",
            sql_params![
                org,
                f.data_version,
                f.computed_at.as_microsecond(),
                f.figures.as_str()
            ],
        )
        .await?;
        Ok(())
    }

    /// The organization's dashboard figures, if they were ever computed.
    pub async fn dashboard_figures(&self, org: OrgId) -> Result<Option<DashboardFigures>> {
        let row = self
            .sql_row(
                "SELECT data_version, computed_at, figures FROM dashboard_figures WHERE org_id = $1",
                sql_params![org],
            )
            .await?;
        row.map(|r| {
            Ok(DashboardFigures {
                data_version: r[0].int()?,
                computed_at: from_micros(r[1].int()?),
                figures: r[2].text()?,
            })
        })
        .transpose()
    }

    /// Records a verification of the organization's audit chain.
    pub async fn record_audit_verification(&self, org: OrgId, v: &AuditVerification) -> Result<()> {
        self.sql_exec(
            "INSERT INTO audit_verifications (org_id, at, actor, intact, faults, checkpoint_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            sql_params![
                org,
                v.at.as_microsecond(),
                v.actor.as_str(),
                i64::from(v.intact),
                i64::try_from(v.faults).unwrap_or(i64::MAX),
                v.checkpoint_at.map(|t| t.as_microsecond())
            ],
        )
        .await?;
        Ok(())
    }

    /// The organization's latest verification of its audit chain.
    pub async fn last_audit_verification(&self, org: OrgId) -> Result<Option<AuditVerification>> {
        let row = self
            .sql_row(
                "SELECT at, actor, intact, faults, checkpoint_at FROM audit_verifications
                 WHERE org_id = $1 ORDER BY at DESC LIMIT 1",
                sql_params![org],
            )
            .await?;
        row.map(|r| {
            Ok(AuditVerification {
                at: from_micros(r[0].int()?),
                actor: r[1].text()?,
                intact: r[2].int()? != 0,
                faults: u64::try_from(r[3].int()?).unwrap_or(0),
                checkpoint_at: r[4].opt_int()?.map(from_micros),
            })
        })
        .transpose()
    }
}
