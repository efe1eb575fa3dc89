//! Privacy notices (table `notices`, migration 0017): versions per organization, French and
//! English. A draft may be written again; a published version, or one a consent event names,
//! is refused any change: what a person was shown stays what the proof points to.

use jiff::Timestamp;

use crate::error::{Result, StoreError};
use crate::model::{Contact, OrgId, from_micros};
use crate::sql::{Val, sql_params};
use crate::{AuditEvent, Store, now_micros};
use vigie_core::ContactRef;

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

/// The contacts to inform of a new notice version: not erased (an erased person is no longer
/// written to), with a consent event naming another version. The count and the list share it,
/// so the e-mail service gets exactly the people the publication counted.
const TO_INFORM: &str = "FROM contacts c WHERE c.org_id = $1 AND c.erased_at IS NULL
     AND EXISTS (SELECT 1 FROM consent_events e WHERE e.org_id = c.org_id
                 AND e.contact_id = c.id AND e.notice_version IS NOT NULL
                 AND e.notice_version <> $2)";

impl Store {
    /// How many contacts are to be told about `version` (see [`TO_INFORM`]).
    pub async fn contacts_under_other_notices(&self, org: OrgId, version: &str) -> Result<u64> {
        let rows = self
            .sql_rows(
                format!("SELECT COUNT(*) {TO_INFORM}"),
                sql_params![org, version],
            )
            .await?;
        Ok(rows.first().map_or(Ok(0), |r| r[0].int())? as u64)
    }

    /// The contacts to tell about `version` (see [`TO_INFORM`]), decrypted through the usual
    /// read path, in reference order.
    pub async fn contacts_to_inform(&self, org: OrgId, version: &str) -> Result<Vec<Contact>> {
        let rows = self
            .sql_rows(
                format!("SELECT c.contact_ref {TO_INFORM} ORDER BY c.contact_ref"),
                sql_params![org, version],
            )
            .await?;
        let mut contacts = Vec::with_capacity(rows.len());
        for r in rows {
            let reference = ContactRef::from_stored(&r[0].text()?)
                .map_err(|e| StoreError::Other(format!("stored contact_ref: {e}")))?;
            // Erased in between: no longer to be informed.
            if let Some(c) = self.contact(org, &reference).await? {
                contacts.push(c);
            }
        }
        Ok(contacts)
    }
}
