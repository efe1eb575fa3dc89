//! Privacy notices (table `notices`, migration 0017): versions per organization, French and
//! English. A draft may be written again; a published version, or one a consent event names,
//! is refused any change: what a person was shown stays what the proof points to.

use jiff::Timestamp;

use crate::error::{Result, StoreError};
use crate::model::{OrgId, from_micros};
use crate::sql::{Val, sql_params};
use crate::{AuditEvent, Store, now_micros};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub version: String,
    pub text_fr: String,
    pub text_en: String,
    pub created_at: Timestamp,
    pub published_at: Option<Timestamp>,
}

fn read(r: Vec<Val>) -> Result<Notice> {
    Ok(Notice {
        version: r[0].text()?,
        text_fr: r[1].text()?,
        text_en: r[2].text()?,
        created_at: from_micros(r[3].int()?),
        published_at: r[4].opt_int()?.map(from_micros),
    })
}

impl Store {
    pub async fn notice(&self, org: OrgId, version: &str) -> Result<Option<Notice>> {
        self.sql_row(
            "SELECT version, text_fr, text_en, created_at, published_at FROM notices
             WHERE org_id = $1 AND version = $2",
            sql_params![org, version],
        )
        .await?
        .map(read)
        .transpose()
    }

    /// Every version, the newest first.
    pub async fn notices(&self, org: OrgId) -> Result<Vec<Notice>> {
        self.sql_rows(
            "SELECT version, text_fr, text_en, created_at, published_at FROM notices
             WHERE org_id = $1 ORDER BY created_at DESC, version DESC",
            sql_params![org],
        )
        .await?
        .into_iter()
        .map(read)
        .collect()
    }

    /// The version published last.
    pub async fn published_notice(&self, org: OrgId) -> Result<Option<Notice>> {
        self.sql_row(
            "SELECT version, text_fr, text_en, created_at, published_at FROM notices
             WHERE org_id = $1 AND published_at IS NOT NULL ORDER BY published_at DESC LIMIT 1",
            sql_params![org],
        )
        .await?
        .map(read)
        .transpose()
    }

    /// Writes a draft (new, or replacing a draft). Refused with a conflict when the version is
    /// published or named by a consent event.
    pub async fn write_notice(
        &self,
        org: OrgId,
        version: &str,
        text_fr: &str,
        text_en: &str,
        audit: AuditEvent,
    ) -> Result<()> {
        if !vigie_core::registers::notice::valid_version(version) {
            return Err(StoreError::Invalid(format!(
                "{version:?} is not a notice version (1-32 of letters, digits, '.', '-', '_')"
            )));
        }
        if let Some(n) = self.notice(org, version).await?
            && n.published_at.is_some()
        {
            return Err(StoreError::Conflict(format!(
                "notice {version} is published: it cannot change; write a new version"
            )));
        }
        if self.notice_referenced(org, version).await? {
            return Err(StoreError::Conflict(format!(
                "consent events name notice {version}: it cannot change; write a new version"
            )));
        }
        let written = self
            .sql_exec(
                "INSERT INTO notices (org_id, version, text_fr, text_en, created_at, published_at)
                 VALUES ($1, $2, $3, $4, $5, NULL)
                 ON CONFLICT (org_id, version) DO UPDATE SET text_fr = excluded.text_fr,
                     text_en = excluded.text_en WHERE notices.published_at IS NULL",
                sql_params![org, version, text_fr, text_en, now_micros()],
            )
            .await?;
        if written == 0 {
            return Err(StoreError::Conflict(format!(
                "notice {version} was published meanwhile: it cannot change"
            )));
        }
        let mut audit = audit;
        audit.target = Some(format!("notice:{version}"));
        self.audit(org, audit).await?;
        Ok(())
    }

    /// Publishes a draft: from now on it never changes.
    pub async fn publish_notice(&self, org: OrgId, version: &str, audit: AuditEvent) -> Result<()> {
        let written = self
            .sql_exec(
                "UPDATE notices SET published_at = $1 WHERE org_id = $2 AND version = $3
                 AND published_at IS NULL",
                sql_params![now_micros(), org, version],
            )
            .await?;
        if written == 0 {
            return match self.notice(org, version).await? {
                None => Err(StoreError::NotFound(format!("notice {version}"))),
                Some(_) => Err(StoreError::Conflict(format!(
                    "notice {version} is already published"
                ))),
            };
        }
        let mut audit = audit;
        audit.target = Some(format!("notice:{version}"));
        self.audit(org, audit).await?;
        Ok(())
    }

    /// Whether a consent event of the organization names this notice version.
    pub async fn notice_referenced(&self, org: OrgId, version: &str) -> Result<bool> {
        Ok(self
            .sql_row(
                "SELECT 1 FROM consent_events WHERE org_id = $1 AND notice_version = $2 LIMIT 1",
                sql_params![org, version],
            )
            .await?
            .is_some())
    }
}

impl Store {
    /// How many contacts have consent events naming a notice version other than `version`:
    /// the people to tell about a new version.
    pub async fn contacts_under_other_notices(&self, org: OrgId, version: &str) -> Result<u64> {
        let row = self
            .sql_row(
                "SELECT COUNT(DISTINCT contact_id) FROM consent_events
                 WHERE org_id = $1 AND notice_version IS NOT NULL AND notice_version <> $2",
                sql_params![org, version],
            )
            .await?;
        Ok(row.map_or(Ok(0), |r| r[0].int())? as u64)
    }
}
