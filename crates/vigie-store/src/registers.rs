//! The registers of an organization (table `registers`, migration 0015): one versioned document
//! per organization, vigie-core's `Registers` as JSON. A change writes the next version; an
//! unchanged document writes nothing (applying the same YAML twice is one version and one audit
//! entry); a writer that read version N and finds N+1 taken gets a conflict, not a lost update.

use jiff::Timestamp;
use vigie_core::registers::Registers;

use crate::error::{Result, StoreError};
use crate::model::{OrgId, from_micros};
use crate::sql::sql_params;
use crate::{AuditEvent, Store, now_micros};

/// One version of an organization's registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRegisters {
    pub version: i64,
    pub registers: Registers,
    pub written_at: Timestamp,
    /// The actor of the audit entry that recorded the change.
    pub written_by: String,
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistersSaved {
    /// A new version was written, and its audit entry.
    Changed { version: i64 },
    /// The document equals the current version: nothing written.
    Unchanged { version: i64 },
}

impl RegistersSaved {
    pub fn version(self) -> i64 {
        match self {
            RegistersSaved::Changed { version } | RegistersSaved::Unchanged { version } => version,
        }
    }
}

fn read(row: Vec<crate::sql::Val>) -> Result<StoredRegisters> {
    let document = row[1].text()?;
    let registers = serde_json::from_str(&document)
        .map_err(|e| StoreError::Other(format!("stored registers: {e}")))?;
    Ok(StoredRegisters {
        version: row[0].int()?,
        registers,
        written_at: from_micros(row[2].int()?),
        written_by: row[3].text()?,
    })
}

impl Store {
    /// The current registers of the organization; `None` until some are saved.
    pub async fn registers(&self, org: OrgId) -> Result<Option<StoredRegisters>> {
        self.sql_row(
            "SELECT version, document, written_at, written_by FROM registers
             WHERE org_id = $1 ORDER BY version DESC LIMIT 1",
            sql_params![org],
        )
        .await?
        .map(read)
        .transpose()
    }

    /// One version of the registers, as it was written.
    pub async fn registers_version(
        &self,
        org: OrgId,
        version: i64,
    ) -> Result<Option<StoredRegisters>> {
        self.sql_row(
            "SELECT version, document, written_at, written_by FROM registers
             WHERE org_id = $1 AND version = $2",
            sql_params![org, version],
        )
        .await?
        .map(read)
        .transpose()
    }

    /// Saves the registers as the next version, with `audit` in the trail, unless they equal
    /// the current version. `based_on` is the version the writer read (a form, a single-record
    /// change): when another change came in between, the save is refused with a conflict.
    /// `None` replaces whatever is current (a whole YAML file applied).
    pub async fn save_registers(
        &self,
        org: OrgId,
        registers: &Registers,
        based_on: Option<i64>,
        audit: AuditEvent,
    ) -> Result<RegistersSaved> {
        registers
            .check()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let current = self.registers(org).await?;
        let current_version = current.as_ref().map_or(0, |c| c.version);
        if let Some(seen) = based_on
            && seen != current_version
        {
            return Err(StoreError::Conflict(format!(
                "the registers changed since version {seen} (now version {current_version}): read them again"
            )));
        }
        if let Some(c) = &current
            && &c.registers == registers
        {
            return Ok(RegistersSaved::Unchanged { version: c.version });
        }
        let version = current_version + 1;
        let document = serde_json::to_string(registers).expect("the registers serialize");
        let written = self
            .sql_exec(
                "INSERT INTO registers (org_id, version, document, written_at, written_by)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, version) DO NOTHING",
                sql_params![org, version, document, now_micros(), audit.actor.clone()],
            )
            .await?;
        if written == 0 {
            return Err(StoreError::Conflict(format!(
                "version {version} of the registers was written by another change: read them again"
            )));
        }
        self.audit(org, audit).await?;
        Ok(RegistersSaved::Changed { version })
    }
}
