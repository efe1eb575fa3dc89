//! What a contact's page reads besides the contact itself: its call log, newest first, and
//! whether (and when) it was erased. Keyed reads by organization and contact, written once for
//! both stores over `sql.rs`.

use jiff::Timestamp;
use vigie_core::CallOutcome;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::model::{OrgId, from_micros};
use crate::sql::sql_params;

/// One call of a contact's log, as a page shows it (the number called is a blind index only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactCall {
    pub id: i64,
    pub at: Timestamp,
    pub outcome: CallOutcome,
    pub campaign: Option<String>,
    pub agent: Option<String>,
}

/// When a contact was erased and by which request (its tombstone, without the actions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactErasure {
    pub request_id: i64,
    pub erased_at: Timestamp,
}

impl Store {
    /// A contact's latest `limit` calls, newest first (the index `calls_by_contact` serves it).
    pub async fn contact_calls(
        &self,
        org: OrgId,
        contact_id: i64,
        limit: u32,
    ) -> Result<Vec<ContactCall>> {
        let rows = self
            .sql_rows(
                "SELECT id, at, outcome, campaign, agent FROM calls
                 WHERE org_id = $1 AND contact_id = $2 ORDER BY at DESC, id DESC LIMIT $3",
                sql_params![org, contact_id, i64::from(limit)],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ContactCall {
                    id: r[0].int()?,
                    at: from_micros(r[1].int()?),
                    outcome: r[2]
                        .text()?
                        .parse()
                        .map_err(|e: vigie_core::ParseVocabError| {
                            StoreError::Other(e.to_string())
                        })?,
                    campaign: r[3].opt_text()?,
                    agent: r[4].opt_text()?,
                })
            })
            .collect()
    }

    /// The erasure of a contact, if it was erased.
    pub async fn contact_erasure(
        &self,
        org: OrgId,
        contact_id: i64,
    ) -> Result<Option<ContactErasure>> {
        let row = self
            .sql_row(
                "SELECT request_id, erased_at FROM dsar_tombstones
                 WHERE org_id = $1 AND contact_id = $2 ORDER BY id LIMIT 1",
                sql_params![org, contact_id],
            )
            .await?;
        row.map(|r| {
            Ok(ContactErasure {
                request_id: r[0].int()?,
                erased_at: from_micros(r[1].int()?),
            })
        })
        .transpose()
    }
}
