//! The accounting archive (migration 0028): a customer archived by a retention run (held for
//! the accounting obligation, `retention_hold_until`) keeps only the fields the core's rule
//! keeps ([`ContactField::kept_by_accounting_archive`]); the others are shredded as an erasure
//! shreds them: the sealed fields re-sealed without them, their blind indexes and look-up
//! entries gone (no screening or search finds the person by e-mail or phone any more), earlier
//! versions deleted, the number's blind index cleared from the call log.
//!
//! Each batch is one transaction that also marks its contacts `archive_reduced_at`, so a run
//! stopped in the middle resumes where the marks end, and a second run finds nothing left to do.
//! A contact whose identifiers came back afterwards (a re-import of the CRM row, or a `PUT`,
//! writes them again) is reduced again right after that write
//! (`reduce_accounting_archives_after_write`, found through the partial index of migration
//! 0040), or by the next run if the process stopped in between. Each contact is written only if it did not change
//! since it was read (`updated_at`): one that did is left for the next run.

use jiff::Timestamp;
use vigie_core::retention::ContactField;

use crate::error::{Result, StoreError};
use crate::model::{ContactData, OrgId, from_micros};
use crate::sealing::ContactRow;
use crate::sql::{Val, sql_params};
use crate::{AuditEvent, Backends, Store, now_micros};

// The names are kept: the reduction leaves the name index as it is. Were the rule to drop them,
// the name look-ups would have to be cleared here too.
const _: () = assert!(ContactField::Names.kept_by_accounting_archive());
const _: () = assert!(ContactField::Reference.kept_by_accounting_archive());

/// An archived customer, as a contact's page and the API show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct AccountingArchive {
    /// The end of the accounting hold: the first run after it erases the contact.
    pub until: Timestamp,
    /// When the fields the obligation does not need were shredded (`None`: not yet, the next
    /// retention run does it).
    pub reduced_at: Option<Timestamp>,
}

/// The archived customers still holding a field the archive does not keep, after the cursor
/// `$2`, in id order; the columns a [`ContactRow`] needs. `$only` narrows them (parameters
/// numbered in order of first use), `$limit` names the limit's parameter.
macro_rules! to_reduce {
    ($only:literal, $limit:literal) => {
        concat!(
            "SELECT id, contact_ref, pii, wrapped_dek, audience, customer, customer_categories,
                 collected_via, collected_at, informed, objection_offered, contract_active,
                 restricted, time_zone, relationship_ended_at, created_at, updated_at
             FROM contacts
             WHERE org_id = $1 AND id > $2 ",
            $only,
            " AND retention_hold_until IS NOT NULL AND erased_at IS NULL
               AND (archive_reduced_at IS NULL OR email_bidx IS NOT NULL OR phone_bidx IS NOT NULL
                    OR customer_categories <> '' OR collected_via IS NOT NULL
                    OR time_zone IS NOT NULL)
             ORDER BY id LIMIT ",
            $limit
        )
    };
}

/// Every archived customer to reduce, at most `$3`.
const TO_REDUCE: &str = to_reduce!("", "$3");

/// The one contact `$3`, if it is to reduce: after a write of that contact alone.
const ONE_TO_REDUCE: &str = to_reduce!("AND id = $3", "$4");

/// SQLite keeps the e-mail and phone look-ups in `contact_lookup` (kind `$2`), keyed by blind
/// index: found by the contact's current one, if the contact is still as read (`$4`).
const SQLITE_DELETE_EMAIL_LOOKUP: &str = "DELETE FROM contact_lookup WHERE org_id = $1 AND kind = $2 AND contact_id = $3
       AND bidx = (SELECT email_bidx FROM contacts WHERE org_id = $1 AND id = $3 AND updated_at = $4)";
const SQLITE_DELETE_PHONE_LOOKUP: &str = "DELETE FROM contact_lookup WHERE org_id = $1 AND kind = $2 AND contact_id = $3
       AND bidx = (SELECT phone_bidx FROM contacts WHERE org_id = $1 AND id = $3 AND updated_at = $4)";

/// The reduced row, written only if the contact is still as read.
const WRITE_REDUCED: &str = "UPDATE contacts SET pii = $1, email_bidx = $2, phone_bidx = $3, customer_categories = $4,
         collected_via = $5, time_zone = $6, row_digest = $7, archive_reduced_at = $8, updated_at = $8
     WHERE org_id = $9 AND id = $10 AND updated_at = $11 AND erased_at IS NULL";

/// Earlier versions hold the fields the archive drops, sealed: gone, as in an erasure.
const DELETE_VERSIONS: &str = "DELETE FROM contact_versions WHERE org_id = $1 AND contact_id = $2";

/// The call log keeps no link to a number the archive drops (the triggers of migration 0014
/// allow this one change).
const SQLITE_CLEAR_CALLS: &str =
    "UPDATE calls SET phone_bidx = X'' WHERE org_id = $1 AND contact_id = $2";
const PG_CLEAR_CALLS: &str =
    "UPDATE calls SET phone_bidx = ''::bytea WHERE org_id = $1 AND contact_id = $2";

const BUMP_DATA_VERSION: &str =
    "UPDATE organizations SET data_version = data_version + 1 WHERE id = $1";

/// What the accounting archive keeps of a contact: the core's rule applied field by field. The
/// facts that are not personal data (audience, customer, the flags) stay as they are.
pub(crate) fn accounting_archive_of(data: &ContactData) -> ContactData {
    let keep = ContactField::kept_by_accounting_archive;
    ContactData {
        contact_ref: data.contact_ref.clone(),
        email: data.email.clone().filter(|_| keep(ContactField::Email)),
        phone: data.phone.clone().filter(|_| keep(ContactField::Phone)),
        first_name: data
            .first_name
            .clone()
            .filter(|_| keep(ContactField::Names)),
        last_name: data.last_name.clone().filter(|_| keep(ContactField::Names)),
        customer_categories: if keep(ContactField::ProductCategories) {
            data.customer_categories.clone()
        } else {
            Vec::new()
        },
        collected_via: data
            .collected_via
            .clone()
            .filter(|_| keep(ContactField::CollectionSource)),
        time_zone: data.time_zone.filter(|_| keep(ContactField::TimeZone)),
        relationship_ended_at: data
            .relationship_ended_at
            .filter(|_| keep(ContactField::RelationshipEnd)),
        ..data.clone()
    }
}

fn row_of(r: &[Val]) -> Result<ContactRow> {
    Ok(ContactRow {
        id: r[0].int()?,
        contact_ref: r[1].text()?,
        pii: r[2].opt_blob()?.unwrap_or_default(),
        wrapped_dek: r[3].opt_blob()?,
        audience: r[4].text()?,
        customer: r[5].int()? != 0,
        customer_categories: r[6].text()?,
        collected_via: r[7].opt_text()?,
        collected_at: r[8].opt_int()?,
        informed: r[9].int()? != 0,
        objection_offered: r[10].int()? != 0,
        contract_active: r[11].int()? != 0,
        restricted: r[12].int()? != 0,
        time_zone: r[13].opt_text()?,
        relationship_ended_at: r[14].opt_int()?,
        created_at: r[15].int()?,
        updated_at: r[16].int()?,
    })
}

impl Store {
    /// After a write that may have brought fields back to archived customers (a contacts
    /// import, a contact written by the API): the archive's reduction at once rather than at
    /// the next retention run. One keyed query (migration 0040) when there is nothing to do. A
    /// crash between the write and the reduction leaves the fields to the next run.
    /// `only`: the one contact written (a `PUT`), else every archived customer (an import).
    pub(crate) async fn reduce_accounting_archives_after_write(
        &self,
        org: OrgId,
        only: Option<i64>,
        target: &str,
    ) -> Result<i64> {
        let audit = AuditEvent {
            actor: "system:accounting_archive".into(),
            ..AuditEvent::default()
        };
        self.reduce_accounting_archives(org, only, target, 500, &audit)
            .await
    }

    /// Reduces every archived customer of the organization (or `only` that contact) to what the
    /// accounting archive keeps, `batch` contacts per transaction; records the count in the audit trail, on
    /// `target` (the run, or the write that brought fields back), when there was any. The
    /// number of contacts reduced.
    pub(crate) async fn reduce_accounting_archives(
        &self,
        org: OrgId,
        only: Option<i64>,
        target: &str,
        batch: u32,
        audit: &AuditEvent,
    ) -> Result<i64> {
        let sqlite = matches!(self.backend, Backends::Sqlite(_));
        let mut crypto = None;
        let mut cursor = i64::MIN;
        let mut reduced = 0i64;
        loop {
            let limit = i64::from(batch.max(1));
            let rows = match only {
                None => {
                    self.sql_rows(TO_REDUCE, sql_params![org, cursor, limit])
                        .await?
                }
                Some(id) => {
                    self.sql_rows(ONE_TO_REDUCE, sql_params![org, cursor, id, limit])
                        .await?
                }
            };
            let Some(last) = rows.last() else { break };
            cursor = last[0].int()?;
            let crypto = match &crypto {
                Some(c) => c,
                None => crypto.insert(self.org_crypto(org).await?),
            };
            let now = now_micros();
            let mut statements = Vec::with_capacity(rows.len() * 5 + 1);
            // Where each contact's UPDATE is in `statements`: it changes a row only for a contact
            // still as read.
            let mut updates = Vec::with_capacity(rows.len());
            for r in &rows {
                let row = row_of(r)?;
                let at = |e: &dyn std::fmt::Display| {
                    StoreError::Other(format!("contacts row {}, field pii: {e}", row.id))
                };
                let (data, _, _) = crypto.open_contact(&row).map_err(|e| at(&e))?;
                let dek = crypto
                    .unwrap_dek(&row.contact_ref, row.wrapped_dek.as_deref())
                    .map_err(|e| at(&e))?;
                let sealed = crypto.seal_contact_with(&accounting_archive_of(&data), &dek);
                if sqlite {
                    for (sql, kind) in [
                        (
                            SQLITE_DELETE_EMAIL_LOOKUP,
                            crate::sqlite_write::LOOKUP_EMAIL,
                        ),
                        (
                            SQLITE_DELETE_PHONE_LOOKUP,
                            crate::sqlite_write::LOOKUP_PHONE,
                        ),
                    ] {
                        statements.push((sql, sql_params![org, kind, row.id, row.updated_at]));
                    }
                }
                updates.push(statements.len());
                statements.push((
                    WRITE_REDUCED,
                    sql_params![
                        sealed.pii,
                        sealed.email_bidx.map(|d| d.to_vec()),
                        sealed.phone_bidx.map(|d| d.to_vec()),
                        sealed.customer_categories,
                        sealed.collected_via,
                        sealed.time_zone,
                        sealed.row_digest.to_vec(),
                        now,
                        org,
                        row.id,
                        row.updated_at
                    ],
                ));
                statements.push((DELETE_VERSIONS, sql_params![org, row.id]));
                if !ContactField::Phone.kept_by_accounting_archive() {
                    let clear = if sqlite {
                        SQLITE_CLEAR_CALLS
                    } else {
                        PG_CLEAR_CALLS
                    };
                    statements.push((clear, sql_params![org, row.id]));
                }
            }
            statements.push((BUMP_DATA_VERSION, sql_params![org]));
            let changed = self.sql_exec_all(statements).await?;
            reduced += updates.iter().map(|&i| changed[i]).sum::<u64>() as i64;
        }
        if reduced > 0 {
            self.audit(
                org,
                AuditEvent {
                    action: "retention.archive_reduced".into(),
                    target: Some(target.to_owned()),
                    reason: Some(format!(
                        "{reduced} archived customers keep only what the accounting obligation needs (Code de commerce L123-22: reference, names, end of the relationship); e-mail, phone, product categories, collection source and time zone shredded"
                    )),
                    ..audit.clone()
                },
            )
            .await?;
        }
        Ok(reduced)
    }

    /// The contact's accounting archive, if it is an archived customer not yet erased.
    pub async fn accounting_archive(
        &self,
        org: OrgId,
        contact_id: i64,
    ) -> Result<Option<AccountingArchive>> {
        let row = self
            .sql_row(
                "SELECT retention_hold_until, archive_reduced_at FROM contacts
                 WHERE org_id = $1 AND id = $2 AND erased_at IS NULL AND retention_hold_until IS NOT NULL",
                sql_params![org, contact_id],
            )
            .await?;
        row.map(|r| {
            Ok(AccountingArchive {
                until: from_micros(r[0].int()?),
                reduced_at: r[1].opt_int()?.map(from_micros),
            })
        })
        .transpose()
    }
}
