//! The audit trail's heads anchored outside the database: a checkpoint.
//!
//! The chain (see `audit.rs`) proves that no entry was changed, inserted or reordered, but its
//! head lives in the same database: someone who deletes the newest entries and moves
//! `audit_heads` back to an earlier link leaves a shorter chain that verifies. A checkpoint
//! records, for each organization, the last sequence number and link at a moment, each sealed
//! by a MAC under the organization's chain key (derived from its key, wrapped by the master
//! key), and is kept away from the database (beside the master key file). Verifying against it
//! catches a truncation (the trail ends before the anchored entry) or a rollback (the anchored
//! entry no longer has its link).
//!
//! A checkpoint is only replaced by one that extends it ([`Store::write_audit_checkpoint`]):
//! a truncated trail is never re-anchored. An anchored entry that the retention run purged
//! (a prefix of the chain, see `retention_purges.rs`) is not a truncation: the sealed purge
//! checkpoint covers it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::audit::{AuditFault, AuditReport};
use crate::error::{Result, StoreError};
use crate::vault::ChainKey;
use crate::{Store, now_micros};

/// One organization's head at the checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnchoredHead {
    /// The organization's slug.
    pub org: String,
    /// Its last sequence number (0: no entry yet).
    pub seq: i64,
    /// The link of that entry, hex.
    pub link: String,
    /// MAC of (organization, seq, link, checkpoint time) under the organization's chain key,
    /// hex: a checkpoint cannot be forged or edited without the master key.
    pub mac: String,
}

/// The heads of every organization's trail at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditCheckpoint {
    pub version: u32,
    pub at: jiff::Timestamp,
    pub heads: Vec<AnchoredHead>,
}

impl AuditCheckpoint {
    /// Reads a checkpoint file; `None` if there is none yet.
    pub fn read_file(path: &Path) -> Result<Option<Self>> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::Other(format!("{}: {e}", path.display()))),
        };
        serde_json::from_str(&text).map(Some).map_err(|e| {
            StoreError::Invalid(format!(
                "{}: line {}, column {}: not an audit checkpoint: {e}",
                path.display(),
                e.line(),
                e.column()
            ))
        })
    }

    /// Writes the checkpoint to `path` whole or not at all (a temporary file renamed over it).
    pub fn write_file(&self, path: &Path) -> Result<()> {
        let tmp = path.with_extension("tmp");
        let io = |e: std::io::Error| StoreError::Other(format!("{}: {e}", path.display()));
        let json = serde_json::to_vec_pretty(self).map_err(|e| StoreError::Other(e.to_string()))?;
        {
            use std::io::Write as _;
            let mut f = std::fs::File::create(&tmp).map_err(io)?;
            f.write_all(&json).map_err(io)?;
            f.sync_all().map_err(io)?;
        }
        std::fs::rename(&tmp, path).map_err(io)
    }
}

fn seal(key: &ChainKey, org: &str, seq: i64, link: &[u8; 32], at: jiff::Timestamp) -> String {
    // Four fields where an entry's link has nine: no checkpoint seal is ever an entry's link.
    hex::encode(key.link(
        link,
        &[
            b"vigie-audit-checkpoint",
            org.as_bytes(),
            &seq.to_le_bytes(),
            &at.as_microsecond().to_le_bytes(),
        ],
    ))
}

impl Store {
    /// The heads of every organization's trail now, sealed.
    pub async fn audit_checkpoint(&self) -> Result<AuditCheckpoint> {
        let at = jiff::Timestamp::from_microsecond(now_micros())
            .map_err(|e| StoreError::Other(e.to_string()))?;
        let mut heads = Vec::new();
        for org in self.orgs().await? {
            let key = self.org_crypto(org.id).await?.chain;
            let (seq, link) = self.audit_head_link(org.id).await?;
            heads.push(AnchoredHead {
                mac: seal(&key, &org.slug, seq, &link, at),
                org: org.slug,
                seq,
                link: hex::encode(link),
            });
        }
        Ok(AuditCheckpoint {
            version: 1,
            at,
            heads,
        })
    }

    /// What in the trail contradicts `checkpoint`: for each organization it names, a seal that
    /// does not verify, a trail that now ends before the anchored entry (truncated), or an
    /// anchored entry whose link changed (rolled back and rewritten). Reads one entry per
    /// organization: cheap enough to run before every new checkpoint.
    pub async fn audit_checkpoint_faults(
        &self,
        checkpoint: &AuditCheckpoint,
    ) -> Result<Vec<AuditFault>> {
        let mut faults = Vec::new();
        let at = checkpoint.at;
        for head in &checkpoint.heads {
            let fault = |seq, problem: String| AuditFault {
                org: head.org.clone(),
                seq,
                problem,
            };
            let Some(org) = self.org(&head.org).await? else {
                faults.push(fault(
                    head.seq,
                    format!("the organization anchored by the checkpoint of {at} is gone"),
                ));
                continue;
            };
            let key = self.org_crypto(org.id).await?.chain;
            let link = hex::decode(&head.link)
                .ok()
                .and_then(|l| <[u8; 32]>::try_from(l).ok());
            let Some(link) = link.filter(|l| seal(&key, &head.org, head.seq, l, at) == head.mac)
            else {
                faults.push(fault(
                    head.seq,
                    format!(
                        "the checkpoint of {at} does not verify: altered, or not written with \
                         this installation's keys"
                    ),
                ));
                continue;
            };
            let (last, _) = self.audit_head_link(org.id).await?;
            let mut found = self.audit_link_at(org.id, head.seq).await?;
            if found.is_none() {
                // Purged by retention since the checkpoint: the sealed purge checkpoint answers
                // for it (its own seal is checked by the chain's verification). The entry it
                // ends on has its link; an earlier one is vouched for by the chain it began.
                match self.audit_purge_checkpoint(org.id, &key).await? {
                    Some(p) if p.sealed && head.seq == p.through_seq => {
                        found = Some(p.through_link);
                    }
                    Some(p) if p.sealed && head.seq < p.through_seq => continue,
                    _ => {}
                }
            }
            if head.seq > 0 && found.is_none() {
                faults.push(fault(
                    head.seq,
                    format!(
                        "truncated: the checkpoint of {at} anchored entry {} but the trail now \
                         ends at {last} (entries removed at the end)",
                        head.seq
                    ),
                ));
            } else if head.seq > 0 && found != Some(link) {
                faults.push(fault(
                    head.seq,
                    format!(
                        "rolled back: entry {} no longer has the link anchored by the checkpoint \
                         of {at} (the trail was cut and rewritten)",
                        head.seq
                    ),
                ));
            }
        }
        Ok(faults)
    }

    /// [`Store::verify_audit`], then the trail held against `checkpoint` for the organizations
    /// whose chain is otherwise intact.
    pub async fn verify_audit_against(
        &self,
        checkpoint: Option<&AuditCheckpoint>,
    ) -> Result<AuditReport> {
        let mut report = self.verify_audit().await?;
        if let Some(cp) = checkpoint {
            for fault in self.audit_checkpoint_faults(cp).await? {
                if !report.faults.iter().any(|f| f.org == fault.org) {
                    report.faults.push(fault);
                }
            }
        }
        Ok(report)
    }

    /// Replaces the checkpoint at `path` with the heads now, unless the trail contradicts the
    /// one there (then nothing is written and the faults are returned: a cut trail is never
    /// re-anchored).
    pub async fn write_audit_checkpoint(&self, path: &Path) -> Result<Vec<AuditFault>> {
        if let Some(old) = AuditCheckpoint::read_file(path)? {
            let faults = self.audit_checkpoint_faults(&old).await?;
            if !faults.is_empty() {
                return Ok(faults);
            }
        }
        self.audit_checkpoint().await?.write_file(path)?;
        Ok(Vec::new())
    }
}
