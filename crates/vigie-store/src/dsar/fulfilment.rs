//! Fulfilment on Vigie's own data: erasure (crypto-shredding, tombstones, the erasure
//! journal and its replay), rectification with earlier versions kept, and restriction; both
//! stores' SQL. The requests themselves are in the parent module.

use std::path::Path;

use jiff::Timestamp;
use serde::Serialize;
use vigie_core::ContactRef;
use vigie_core::retention::ContactField;

use super::{Corrections, Identifier, corrupt, pg_contact_id, sqlite_contact_id, version_aad};
use crate::backend::Backend as _;
use crate::erasure_journal::{ErasureJournal, JournalErasure, JournalLine, Replayed};
use crate::error::{Result, StoreError};
use crate::model::{Contact, ContactData, OrgId, from_micros};
use crate::postgres::PgStore;
use crate::sealing::SealedContact;
use crate::sqlite::SqliteStore;
use crate::vault::Digest16;
use crate::{Backends, Store, now_micros};

/// Proof of an erasure, without personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tombstone {
    pub id: i64,
    pub contact_id: Option<i64>,
    pub contact_ref: Option<String>,
    pub request_id: i64,
    pub erased_at: Timestamp,
    /// What was done: keys destroyed, fields cleared, hashes added to the suppression list,
    /// connected systems, data kept under a legal obligation and why.
    pub actions: serde_json::Value,
}

/// An earlier version of a rectified contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactVersion {
    pub id: i64,
    pub request_id: Option<i64>,
    pub replaced_at: Timestamp,
    /// `None` when the contact was erased since (its key is gone).
    pub previous: Option<ContactData>,
}

/// An erasure to carry out in one transaction.
pub(crate) struct Erasure {
    pub(crate) contact_ref: Option<String>,
    /// The request erasing; 0 for an erasure by retention, whose run is `retention_run`.
    pub(crate) request_id: i64,
    pub(crate) retention_run: Option<i64>,
    pub(crate) suppress: Vec<[u8; 32]>,
    /// Blind indexes of the person's identifiers: requests naming them lose their identifier.
    pub(crate) bidx: Vec<Digest16>,
    pub(crate) at: i64,
    pub(crate) actions: String,
}

impl Erasure {
    /// Writes this erasure to the journal before it commits (write-ahead) and returns the
    /// line's id, for its cancellation should the erasure not commit.
    pub(crate) fn journal_ahead(&self, org: OrgId, journal: &ErasureJournal) -> Result<String> {
        let id = hex::encode(rand::random::<[u8; 8]>());
        journal.append(&JournalLine::Erasure(JournalErasure {
            id: id.clone(),
            at: self.at,
            org,
            contact_ref: self.contact_ref.clone(),
            request_id: self.request_id,
            retention_run: self.retention_run,
            suppress: self.suppress.iter().map(hex::encode).collect(),
            bidx: self.bidx.iter().map(hex::encode).collect(),
        }))?;
        Ok(id)
    }
}

impl Store {
    // --- fulfilment on Vigie's own data --------------------------------------------------

    /// Erases a person in one transaction: destroys the contact's data key (crypto-shredding:
    /// its sealed fields, ledger proofs and earlier versions become unreadable everywhere,
    /// backups included), clears its sealed fields and blind indexes, marks it erased (imports
    /// never bring it back), adds `suppress` (SHA-256 of the normalized identifiers) to the
    /// suppression list, clears the identifier of every request naming the person, and writes
    /// the tombstone. Without a contact (`contact_ref` `None`), only the suppression, the
    /// requests and the tombstone.
    pub async fn erase_person(
        &self,
        org: OrgId,
        contact_ref: Option<&ContactRef>,
        identifiers: &[Identifier],
        request_id: i64,
        actions: &serde_json::Value,
    ) -> Result<Tombstone> {
        let crypto = self.org_crypto(org).await?;
        let erasure = Erasure {
            contact_ref: contact_ref.map(|c| c.as_str().to_owned()),
            request_id,
            retention_run: None,
            suppress: identifiers
                .iter()
                .map(|i| vigie_core::suppression_hash(i.as_str()))
                .collect(),
            bidx: identifiers.iter().map(|i| i.blind_index(&crypto)).collect(),
            at: now_micros(),
            actions: actions.to_string(),
        };
        // The archives kept for the person go first: should the erasure then fail, it is asked
        // again, and no archive outlives it.
        self.delete_archives_of(org, contact_ref, &erasure.bidx)
            .await?;
        // Write-ahead: the journal holds the erasure before it commits, and a cancellation when
        // it does not.
        let journaled = match &self.erasure_journal {
            Some(journal) => Some((journal, erasure.journal_ahead(org, journal)?)),
            None => None,
        };
        let erased = match &self.backend {
            Backends::Sqlite(b) => b.erase(org, erasure).await,
            Backends::Postgres(b) => b.erase(org, erasure).await,
        };
        let id = match erased {
            Ok(id) => id,
            Err(e) => {
                if let Some((journal, id)) = journaled
                    && let Err(j) = journal.append(&JournalLine::Cancelled { id })
                {
                    tracing::error!(error = %j, "an erasure failed and its journal line could not be cancelled");
                }
                return Err(e);
            }
        };
        self.tombstones(org, id - 1, 1)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| StoreError::Other("tombstone vanished".into()))
    }

    /// Applies again every erasure of the journal at `path` that this store does not show (a
    /// restored backup older than the erasure): the contact erased, its suppression hashes back
    /// on the list, requests naming the person cleared, a tombstone. Erasures the store already
    /// shows are left alone, so a replay can run any number of times. Returns what it replayed.
    pub async fn replay_erasures(&self, path: &Path) -> Result<Vec<Replayed>> {
        let orgs = self.orgs().await?;
        let mut replayed = Vec::new();
        for e in ErasureJournal::read(path)? {
            let Some(org) = orgs.iter().find(|o| o.id == e.org) else {
                // An organization created after the backup: none of its data is in the store.
                continue;
            };
            let decode = |what: &str, h: &String| {
                hex::decode(h)
                    .ok()
                    .filter(|b| b.len() == 32 || b.len() == 16)
                    .ok_or_else(|| {
                        StoreError::Invalid(format!(
                            "erasure journal {}: erasure {}: a {what} is not hex",
                            path.display(),
                            e.id
                        ))
                    })
            };
            let mut suppress = Vec::new();
            for h in &e.suppress {
                let b = decode("suppression hash", h)?;
                suppress.push(<[u8; 32]>::try_from(b.as_slice()).map_err(|_| {
                    StoreError::Invalid(format!(
                        "erasure journal: erasure {}: a suppression hash is not 32 bytes",
                        e.id
                    ))
                })?);
            }
            let mut bidx = Vec::new();
            for h in &e.bidx {
                let b = decode("blind index", h)?;
                bidx.push(<Digest16>::try_from(b.as_slice()).map_err(|_| {
                    StoreError::Invalid(format!(
                        "erasure journal: erasure {}: a blind index is not 16 bytes",
                        e.id
                    ))
                })?);
            }
            // The contact still holds its data key: not erased in this store.
            let holds_data = match &e.contact_ref {
                Some(r) => match &self.backend {
                    Backends::Sqlite(b) => b.contact_row_by_ref(org.id, r).await?,
                    Backends::Postgres(b) => b.contact_row_by_ref(org.id, r).await?,
                }
                .map(|row| row.wrapped_dek.is_some()),
                None => None,
            };
            let mut missing = 0;
            for h in &suppress {
                let on_list = match &self.backend {
                    Backends::Sqlite(b) => b.is_suppressed(org.id, *h).await?,
                    Backends::Postgres(b) => b.is_suppressed(org.id, *h).await?,
                };
                missing += usize::from(!on_list);
            }
            if holds_data != Some(true) && missing == 0 {
                continue;
            }
            let erasure = Erasure {
                // A contact the store does not have (made after the backup) has nothing to
                // erase: the suppression and the requests still are.
                contact_ref: e.contact_ref.clone().filter(|_| holds_data.is_some()),
                request_id: e.request_id,
                // A retention erasure's line carries no suppression hash: replayed, it leaves
                // the suppression list alone and marks the contact erased by retention.
                retention_run: e.retention_run,
                suppress,
                bidx,
                at: e.at,
                actions: serde_json::json!({
                    "disposition": "erased",
                    "by": if e.retention_run.is_some() { "retention" } else { "request" },
                    "replayed_from_erasure_journal": e.id,
                })
                .to_string(),
            };
            match &self.backend {
                Backends::Sqlite(b) => b.erase(org.id, erasure).await?,
                Backends::Postgres(b) => b.erase(org.id, erasure).await?,
            };
            replayed.push(Replayed {
                journal_id: e.id.clone(),
                at: from_micros(e.at),
                org: org.slug.clone(),
                contact_ref: e.contact_ref.clone(),
                request_id: e.request_id,
                retention_run: e.retention_run,
                suppressions_added: missing,
            });
        }
        Ok(replayed)
    }

    /// Tombstones after id `after_id`, oldest first.
    pub async fn tombstones(
        &self,
        org: OrgId,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<Tombstone>> {
        match &self.backend {
            Backends::Sqlite(b) => b.tombstones(org, after_id, limit).await,
            Backends::Postgres(b) => b.tombstones(org, after_id, limit).await,
        }
    }

    /// Applies `corrections` to a contact's identifiers and names, keeping the previous version
    /// sealed with the contact's data key; the key itself is kept, so ledger proofs stay
    /// readable. Returns the contact as now stored.
    pub async fn rectify_contact(
        &self,
        org: OrgId,
        contact_ref: &ContactRef,
        corrections: &Corrections,
        request_id: Option<i64>,
    ) -> Result<Contact> {
        let contact = self
            .contact(org, contact_ref)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("contact {contact_ref}")))?;
        // An archived customer keeps only what the accounting obligation needs (the core's
        // rule): a channel's identifier is not written back, names stay correctable (art. 16).
        let adds = [
            (
                corrections.email.is_some(),
                ContactField::Email,
                "e-mail address",
            ),
            (
                corrections.phone.is_some(),
                ContactField::Phone,
                "phone number",
            ),
        ];
        if let Some((_, _, field)) = adds
            .iter()
            .find(|(given, field, _)| *given && !field.kept_by_accounting_archive())
            && self.accounting_archive(org, contact.id).await?.is_some()
        {
            return Err(StoreError::Conflict(format!(
                "contact {contact_ref} is archived for the accounting obligation, which keeps only \
                 its reference, names and end of relationship: its {field} cannot be written back"
            )));
        }
        let data = corrections.apply(&contact.data);
        self.rewrite_contact(org, &data, request_id, true, None)
            .await
    }

    /// Turns a contact's restriction of processing (GDPR art. 18) on or off, as a data subject
    /// request does: a restriction set here is held (migration 0009), so that re-imports and
    /// PUTs, which may set `restricted`, never clear it; turning it off lifts the hold.
    pub async fn set_contact_restricted(
        &self,
        org: OrgId,
        contact_ref: &ContactRef,
        restricted: bool,
    ) -> Result<Contact> {
        let contact = self
            .contact(org, contact_ref)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("contact {contact_ref}")))?;
        // The restriction of an archived customer is the archive's: it holds until the end of
        // the accounting period, when the retention run erases the contact.
        if !restricted && self.accounting_archive(org, contact.id).await?.is_some() {
            return Err(StoreError::Conflict(format!(
                "contact {contact_ref} is archived for the accounting obligation: its processing \
                 stays restricted until the retention run erases it at the end of the hold"
            )));
        }
        let mut data = contact.data;
        data.restricted = restricted;
        self.rewrite_contact(org, &data, None, false, Some(restricted))
            .await
    }

    /// Writes a contact's identifiers, names and restriction flag (the fields a request may
    /// change), sealed with its existing data key; `hold` sets or lifts the request's hold on
    /// the restriction (`None`: unchanged).
    async fn rewrite_contact(
        &self,
        org: OrgId,
        data: &ContactData,
        request_id: Option<i64>,
        keep_previous: bool,
        hold: Option<bool>,
    ) -> Result<Contact> {
        let contact_ref = data.contact_ref.as_str();
        let row = self.contact_row(org, contact_ref).await?;
        let crypto = self.org_crypto(org).await?;
        let dek = crypto.unwrap_dek(contact_ref, row.wrapped_dek.as_deref())?;
        let previous = if keep_previous {
            let (old, _, _) = crypto.open_contact(&row)?;
            let plain = serde_json::to_vec(&old).expect("plain struct serializes");
            Some(crate::vault::DataKey::new(&dek).seal(&plain, &version_aad(org, contact_ref)))
        } else {
            None
        };
        let sealed = crypto.seal_contact_with(data, &dek);
        let now = now_micros();
        let mark = RequestMark { request_id, hold };
        match &self.backend {
            Backends::Sqlite(b) => b.rewrite(org, row.id, sealed, previous, mark, now).await?,
            Backends::Postgres(b) => b.rewrite(org, row.id, sealed, previous, mark, now).await?,
        }
        self.contact(org, &data.contact_ref)
            .await?
            .ok_or_else(|| StoreError::Other("contact vanished after rewrite".into()))
    }

    pub(crate) async fn contact_row(
        &self,
        org: OrgId,
        contact_ref: &str,
    ) -> Result<crate::sealing::ContactRow> {
        use crate::backend::Backend;
        let row = match &self.backend {
            Backends::Sqlite(b) => b.contact_row_by_ref(org, contact_ref).await?,
            Backends::Postgres(b) => b.contact_row_by_ref(org, contact_ref).await?,
        };
        row.ok_or_else(|| StoreError::NotFound(format!("contact {contact_ref}")))
    }

    /// A contact's earlier versions, oldest first.
    pub async fn contact_versions(
        &self,
        org: OrgId,
        contact_ref: &ContactRef,
    ) -> Result<Vec<ContactVersion>> {
        let row = self.contact_row(org, contact_ref.as_str()).await?;
        let crypto = self.org_crypto(org).await?;
        let dek = crypto
            .data_key(contact_ref.as_str(), row.wrapped_dek.as_deref())
            .ok();
        let rows = match &self.backend {
            Backends::Sqlite(b) => b.versions(org, row.id).await?,
            Backends::Postgres(b) => b.versions(org, row.id).await?,
        };
        rows.into_iter()
            .map(|(id, request_id, at, sealed)| {
                let previous = match &dek {
                    Some(dk) => {
                        let plain = dk.open(&sealed, &version_aad(org, contact_ref.as_str()))?;
                        Some(
                            serde_json::from_slice(&plain)
                                .map_err(|e| corrupt("contact version", e))?,
                        )
                    }
                    None => None,
                };
                Ok(ContactVersion {
                    id,
                    request_id,
                    replaced_at: from_micros(at),
                    previous,
                })
            })
            .collect()
    }
}

// --- SQLite ------------------------------------------------------------------------------

impl SqliteStore {
    async fn erase(&self, org: OrgId, e: Erasure) -> Result<i64> {
        self.write(move |tx| sqlite_erase(tx, org, &e)).await
    }

    async fn tombstones(&self, org: OrgId, after_id: i64, limit: u32) -> Result<Vec<Tombstone>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, contact_id, contact_ref, request_id, erased_at, actions FROM dsar_tombstones
                 WHERE org_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
            )?;
            let rows = stmt
                .query_map(rusqlite::params![org, after_id, limit], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get::<_, String>(5)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(tombstone).collect()
        })
        .await
    }

    async fn rewrite(
        &self,
        org: OrgId,
        contact_id: i64,
        c: SealedContact,
        previous: Option<Vec<u8>>,
        mark: RequestMark,
        now: i64,
    ) -> Result<()> {
        let RequestMark { request_id, hold } = mark;
        self.write(move |tx| {
            if let Some(prev) = previous {
                tx.prepare_cached(
                    "INSERT INTO contact_versions (org_id, contact_id, request_id, replaced_at, previous)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(rusqlite::params![org, contact_id, request_id, now, prev])?;
            }
            sqlite_delete_lookups(tx, org, contact_id)?;
            tx.prepare_cached(
                "UPDATE contacts SET email_bidx = ?3, phone_bidx = ?4, pii = ?5, restricted = ?6, row_digest = ?7,
                     updated_at = ?8, wrapped_dek = ?9, restriction_held = COALESCE(?10, restriction_held)
                 WHERE org_id = ?1 AND id = ?2 AND erased_at IS NULL",
            )?
            .execute(rusqlite::params![
                org,
                contact_id,
                c.email_bidx.map(|d| d.to_vec()),
                c.phone_bidx.map(|d| d.to_vec()),
                c.pii,
                c.restricted,
                &c.row_digest[..],
                now,
                c.wrapped_dek,
                hold
            ])?;
            // SQLite finds contacts by identifier through `contact_lookup`: its entries follow.
            for (kind, bidx) in [
                (crate::sqlite_write::LOOKUP_EMAIL, c.email_bidx),
                (crate::sqlite_write::LOOKUP_PHONE, c.phone_bidx),
            ] {
                if let Some(b) = bidx {
                    tx.prepare_cached(
                        "INSERT OR IGNORE INTO contact_lookup (org_id, kind, bidx, contact_id) VALUES (?1, ?2, ?3, ?4)",
                    )?
                    .execute(rusqlite::params![org, kind, &b[..], contact_id])?;
                }
            }
            crate::names::sqlite_set_name_lookups(tx, org, contact_id, &c.name_bidx)?;
            tx.prepare_cached("UPDATE organizations SET data_version = data_version + 1 WHERE id = ?1")?
                .execute([org])?;
            Ok(())
        })
        .await
    }

    async fn versions(
        &self,
        org: OrgId,
        contact_id: i64,
    ) -> Result<Vec<(i64, Option<i64>, i64, Vec<u8>)>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, request_id, replaced_at, previous FROM contact_versions
                 WHERE org_id = ?1 AND contact_id = ?2 ORDER BY id",
            )?;
            let rows = stmt
                .query_map(rusqlite::params![org, contact_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }
}

fn tombstone(
    (id, contact_id, contact_ref, request_id, at, actions): (
        i64,
        Option<i64>,
        Option<String>,
        i64,
        i64,
        String,
    ),
) -> Result<Tombstone> {
    Ok(Tombstone {
        id,
        contact_id,
        contact_ref,
        request_id,
        erased_at: from_micros(at),
        actions: serde_json::from_str(&actions).map_err(|e| corrupt("tombstone", e))?,
    })
}

// --- PostgreSQL --------------------------------------------------------------------------

impl PgStore {
    async fn erase(&self, org: OrgId, e: Erasure) -> Result<i64> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let id = pg_erase(&tx, org, &e).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn tombstones(&self, org: OrgId, after_id: i64, limit: u32) -> Result<Vec<Tombstone>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT id, contact_id, contact_ref, request_id, erased_at, actions FROM dsar_tombstones
                 WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                &[&org, &after_id, &i64::from(limit)],
            )
            .await?;
        rows.iter()
            .map(|r| tombstone((r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5))))
            .collect()
    }

    async fn rewrite(
        &self,
        org: OrgId,
        contact_id: i64,
        c: SealedContact,
        previous: Option<Vec<u8>>,
        mark: RequestMark,
        now: i64,
    ) -> Result<()> {
        let RequestMark { request_id, hold } = mark;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        if let Some(prev) = previous {
            tx.execute(
                "INSERT INTO contact_versions (org_id, contact_id, request_id, replaced_at, previous)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&org, &contact_id, &request_id, &now, &prev],
            )
            .await?;
        }
        let email = c.email_bidx.map(|d| d.to_vec());
        let phone = c.phone_bidx.map(|d| d.to_vec());
        tx.execute(
            "UPDATE contacts SET email_bidx = $3, phone_bidx = $4, pii = $5, restricted = $6, row_digest = $7,
                 updated_at = $8, wrapped_dek = $9, restriction_held = COALESCE($10, restriction_held)
             WHERE org_id = $1 AND id = $2 AND erased_at IS NULL",
            &[
                &org,
                &contact_id,
                &email,
                &phone,
                &c.pii,
                &c.restricted,
                &&c.row_digest[..],
                &now,
                &c.wrapped_dek,
                &hold,
            ],
        )
        .await?;
        crate::names::pg_set_names(&tx, org, contact_id, &c.name_bidx).await?;
        tx.execute(
            "UPDATE organizations SET data_version = data_version + 1 WHERE id = $1",
            &[&org],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn versions(
        &self,
        org: OrgId,
        contact_id: i64,
    ) -> Result<Vec<(i64, Option<i64>, i64, Vec<u8>)>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT id, request_id, replaced_at, previous FROM contact_versions
                 WHERE org_id = $1 AND contact_id = $2 ORDER BY id",
                &[&org, &contact_id],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect())
    }
}

/// Deletes a contact's `contact_lookup` entries (SQLite), found by its current blind indexes:
/// the table's key leads with the blind index, so this is two key look-ups, not a scan.
fn sqlite_delete_lookups(
    tx: &rusqlite::Transaction<'_>,
    org: OrgId,
    contact_id: i64,
) -> Result<()> {
    for (kind, column) in [
        (crate::sqlite_write::LOOKUP_EMAIL, "email_bidx"),
        (crate::sqlite_write::LOOKUP_PHONE, "phone_bidx"),
    ] {
        tx.prepare_cached(&format!(
            "DELETE FROM contact_lookup WHERE org_id = ?1 AND kind = ?3 AND contact_id = ?2
               AND bidx = (SELECT {column} FROM contacts WHERE org_id = ?1 AND id = ?2)"
        ))?
        .execute(rusqlite::params![org, contact_id, kind])?;
    }
    crate::names::sqlite_delete_name_lookups(tx, org, contact_id)?;
    Ok(())
}

/// What a request's rewrite of a contact records beside the sealed row: the request it answers
/// (for the previous version), and whether it sets or lifts its hold on the restriction.
#[derive(Debug, Clone, Copy)]
struct RequestMark {
    request_id: Option<i64>,
    hold: Option<bool>,
}

/// An erasure in the caller's transaction (a request's, or one of a retention run's batch).
pub(crate) fn sqlite_erase(tx: &rusqlite::Transaction<'_>, org: OrgId, e: &Erasure) -> Result<i64> {
    let contact_id = match &e.contact_ref {
        Some(c) => Some(
            sqlite_contact_id(tx, org, c)?
                .ok_or_else(|| StoreError::NotFound(format!("contact {c}")))?,
        ),
        None => None,
    };
    if let Some(id) = contact_id {
        // Not even a blind index of the person stays linked to the contact.
        sqlite_delete_lookups(tx, org, id)?;
        // The data key goes with the row's other sealed fields: crypto-shredding.
        tx.prepare_cached(
            "UPDATE contacts SET pii = X'', email_bidx = NULL, phone_bidx = NULL, name_bidx = X'', erased_at = ?3,
                 row_digest = X'', updated_at = ?3, wrapped_dek = NULL
             WHERE org_id = ?1 AND id = ?2",
        )?
        .execute(rusqlite::params![org, id, e.at])?;
        if e.retention_run.is_some() {
            // A later import of the row reports it rather than bringing it back (migration 0019).
            tx.prepare_cached(
                "UPDATE contacts SET erased_by_retention = 1 WHERE org_id = ?1 AND id = ?2",
            )?
            .execute(rusqlite::params![org, id])?;
        }
        tx.prepare_cached("DELETE FROM contact_versions WHERE org_id = ?1 AND contact_id = ?2")?
            .execute(rusqlite::params![org, id])?;
        tx.prepare_cached(
            "UPDATE calls SET phone_bidx = X'' WHERE org_id = ?1 AND contact_id = ?2",
        )?
        .execute(rusqlite::params![org, id])?;

        tx.prepare_cached(
            "UPDATE dsar_requests SET identifier = NULL, identifier_bidx = NULL, details = NULL
             WHERE org_id = ?1 AND contact_id = ?2",
        )?
        .execute(rusqlite::params![org, id])?;
    }
    for b in &e.bidx {
        tx.prepare_cached(
            "UPDATE dsar_requests SET identifier = NULL, identifier_bidx = NULL, details = NULL
             WHERE org_id = ?1 AND identifier_bidx = ?2",
        )?
        .execute(rusqlite::params![org, &b[..]])?;
    }
    for h in &e.suppress {
        tx.prepare_cached(
            "INSERT INTO suppression (org_id, sha256, added_at) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
        )?
        .execute(rusqlite::params![org, &h[..], e.at])?;
    }
    tx.prepare_cached(
        "INSERT INTO dsar_tombstones (org_id, contact_id, contact_ref, request_id, erased_at, actions,
             retention_run_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(rusqlite::params![
        org,
        contact_id,
        e.contact_ref,
        e.request_id,
        e.at,
        e.actions,
        e.retention_run
    ])?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached("UPDATE organizations SET data_version = data_version + 1 WHERE id = ?1")?
        .execute([org])?;
    Ok(id)
}

/// An erasure in the caller's transaction (a request's, or one of a retention run's batch).
pub(crate) async fn pg_erase(
    tx: &deadpool_postgres::Transaction<'_>,
    org: OrgId,
    e: &Erasure,
) -> Result<i64> {
    let contact_id = match &e.contact_ref {
        Some(r) => Some(
            pg_contact_id(tx, org, r)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("contact {r}")))?,
        ),
        None => None,
    };
    if let Some(id) = contact_id {
        // The data key goes with the row's other sealed fields: crypto-shredding.
        tx.execute(
            "UPDATE contacts SET pii = ''::bytea, email_bidx = NULL, phone_bidx = NULL, name_bidx = ''::bytea,
                 erased_at = $3, row_digest = ''::bytea, updated_at = $3, wrapped_dek = NULL
             WHERE org_id = $1 AND id = $2",
            &[&org, &id, &e.at],
        )
        .await?;
        if e.retention_run.is_some() {
            tx.execute(
                "UPDATE contacts SET erased_by_retention = TRUE WHERE org_id = $1 AND id = $2",
                &[&org, &id],
            )
            .await?;
        }
        tx.execute(
            "DELETE FROM contact_names WHERE org_id = $1 AND contact_id = $2",
            &[&org, &id],
        )
        .await?;
        tx.execute(
            "DELETE FROM contact_versions WHERE org_id = $1 AND contact_id = $2",
            &[&org, &id],
        )
        .await?;
        tx.execute(
            "UPDATE calls SET phone_bidx = ''::bytea WHERE org_id = $1 AND contact_id = $2",
            &[&org, &id],
        )
        .await?;
        tx.execute(
            "UPDATE dsar_requests SET identifier = NULL, identifier_bidx = NULL, details = NULL
             WHERE org_id = $1 AND contact_id = $2",
            &[&org, &id],
        )
        .await?;
    }
    let bidx: Vec<&[u8]> = e.bidx.iter().map(|b| &b[..]).collect();
    tx.execute(
        "UPDATE dsar_requests SET identifier = NULL, identifier_bidx = NULL, details = NULL
         WHERE org_id = $1 AND identifier_bidx = ANY($2)",
        &[&org, &bidx],
    )
    .await?;
    let hashes: Vec<&[u8]> = e.suppress.iter().map(|h| &h[..]).collect();
    tx.execute(
        "INSERT INTO suppression (org_id, sha256, added_at) SELECT $1, h, $3 FROM UNNEST($2::bytea[]) AS h
         ON CONFLICT DO NOTHING",
        &[&org, &hashes, &e.at],
    )
    .await?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO dsar_tombstones (org_id, contact_id, contact_ref, request_id, erased_at, actions,
                 retention_run_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &[&org, &contact_id, &e.contact_ref, &e.request_id, &e.at, &e.actions, &e.retention_run],
        )
        .await?
        .get(0);
    tx.execute(
        "UPDATE organizations SET data_version = data_version + 1 WHERE id = $1",
        &[&org],
    )
    .await?;
    Ok(id)
}
