//! Access and portability archives offered to the person (table `dsar_archives`, migration
//! 0035): the zip made at fulfilment, kept for a limited time so the person downloads it from
//! the privacy centre's status page.
//!
//! Kept sealed rather than rebuilt on demand: the archive is the answer given on the day of
//! fulfilment (its SHA-256 is in the request's outcome and history), a rebuild would answer
//! with later data and query the connected systems again. It is sealed with the contact's own
//! data key, so the erasure that destroys that key shreds the archive with everything else;
//! a request that matched no contact holds only the request itself, sealed with the
//! organization's request key, and an erasure naming the person deletes it. Once expired, the
//! sealed bytes are cleared and only the facts (name, digest, dates) stay, so the page can say
//! it has expired.

use jiff::Timestamp;
use vigie_core::ContactRef;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::model::{OrgId, from_micros, to_micros};
use crate::sql::{Val, sql_params};
use crate::vault::VaultError;

/// An archive as it was made (no content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptArchive {
    pub request_id: i64,
    pub file_name: String,
    pub sha256: String,
    pub made_at: Timestamp,
    pub expires_at: Timestamp,
}

/// Whether the person can still download an archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveAvailability {
    Available,
    /// Past its time limit.
    Expired,
    /// The contact was erased since: its key, and so the archive, are gone.
    Erased,
}

fn archive_aad(org: OrgId, request_id: i64) -> Vec<u8> {
    format!("vigie/dsar/archive/{org}/{request_id}").into_bytes()
}

impl Store {
    /// Keeps an access archive for `request_id` until `expires_at`, sealed with the contact's
    /// data key (or the organization's request key without a contact). Fulfilment happens
    /// once; keeping it again replaces nothing.
    #[allow(clippy::too_many_arguments)]
    pub async fn keep_archive(
        &self,
        org: OrgId,
        request_id: i64,
        contact_ref: Option<&ContactRef>,
        file_name: &str,
        sha256: &str,
        bytes: &[u8],
        made_at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        let crypto = self.org_crypto(org).await?;
        let aad = archive_aad(org, request_id);
        let sealed = match contact_ref {
            Some(c) => {
                let row = self.contact_row(org, c.as_str()).await?;
                crypto
                    .data_key(c.as_str(), row.wrapped_dek.as_deref())?
                    .seal(bytes, &aad)
            }
            None => crypto.requests.seal(bytes, &aad),
        };
        self.sql_exec(
            "INSERT INTO dsar_archives (org_id, request_id, contact_ref, file_name, sha256, \
             sealed, made_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT DO NOTHING",
            sql_params![
                org,
                request_id,
                contact_ref.map(ContactRef::as_str),
                file_name,
                sha256,
                sealed,
                to_micros(made_at),
                to_micros(expires_at)
            ],
        )
        .await?;
        Ok(())
    }

    /// The archive kept for a request and whether it can be downloaded at `now`, without
    /// opening it.
    pub async fn kept_archive(
        &self,
        org: OrgId,
        request_id: i64,
        now: Timestamp,
    ) -> Result<Option<(KeptArchive, ArchiveAvailability)>> {
        let row = self
            .sql_row(
                "SELECT file_name, sha256, made_at, expires_at, contact_ref, sealed IS NULL \
                 FROM dsar_archives WHERE org_id = $1 AND request_id = $2",
                sql_params![org, request_id],
            )
            .await?;
        let Some(r) = row else { return Ok(None) };
        let kept = KeptArchive {
            request_id,
            file_name: r[0].text()?,
            sha256: r[1].text()?,
            made_at: from_micros(r[2].int()?),
            expires_at: from_micros(r[3].int()?),
        };
        let cleared = r[5] == Val::Int(1);
        let availability = if now >= kept.expires_at || cleared {
            ArchiveAvailability::Expired
        } else if let Some(c) = r[4].opt_text()?
            && self.contact_shredded(org, &c).await?
        {
            ArchiveAvailability::Erased
        } else {
            ArchiveAvailability::Available
        };
        Ok(Some((kept, availability)))
    }

    /// The archive's bytes, when it can still be downloaded at `now`.
    pub async fn open_archive(
        &self,
        org: OrgId,
        request_id: i64,
        now: Timestamp,
    ) -> Result<Option<(KeptArchive, Vec<u8>)>> {
        let Some((kept, ArchiveAvailability::Available)) =
            self.kept_archive(org, request_id, now).await?
        else {
            return Ok(None);
        };
        let row = self
            .sql_row(
                "SELECT contact_ref, sealed FROM dsar_archives WHERE org_id = $1 AND request_id = $2",
                sql_params![org, request_id],
            )
            .await?
            .ok_or_else(|| StoreError::Other("archive vanished".into()))?;
        let Some(sealed) = row[1].opt_blob()? else {
            return Ok(None);
        };
        let crypto = self.org_crypto(org).await?;
        let aad = archive_aad(org, request_id);
        let opened = match row[0].opt_text()? {
            Some(c) => {
                let contact = self.contact_row(org, &c).await?;
                match crypto.data_key(&c, contact.wrapped_dek.as_deref()) {
                    Ok(key) => key.open(&sealed, &aad),
                    // Erased between the two reads.
                    Err(VaultError::Shredded) => return Ok(None),
                    Err(e) => return Err(e.into()),
                }
            }
            None => crypto.requests.open(&sealed, &aad),
        };
        Ok(Some((kept, opened?)))
    }

    /// Clears the sealed bytes of archives expired at `now` (their facts stay). Returns how
    /// many were cleared.
    pub async fn clear_expired_archives(&self, org: OrgId, now: Timestamp) -> Result<u64> {
        self.sql_exec(
            "UPDATE dsar_archives SET sealed = NULL WHERE org_id = $1 AND expires_at <= $2 \
             AND sealed IS NOT NULL",
            sql_params![org, to_micros(now)],
        )
        .await
    }

    /// Deletes the archives an erasure makes unlawful to keep: the erased contact's, and those
    /// of requests naming one of the person's identifiers (`bidx`).
    pub(crate) async fn delete_archives_of(
        &self,
        org: OrgId,
        contact_ref: Option<&ContactRef>,
        bidx: &[crate::vault::Digest16],
    ) -> Result<()> {
        if let Some(c) = contact_ref {
            self.sql_exec(
                "DELETE FROM dsar_archives WHERE org_id = $1 AND contact_ref = $2",
                sql_params![org, c.as_str()],
            )
            .await?;
        }
        for b in bidx {
            self.sql_exec(
                "DELETE FROM dsar_archives WHERE org_id = $1 AND request_id IN \
                 (SELECT id FROM dsar_requests WHERE org_id = $1 AND identifier_bidx = $2)",
                sql_params![org, b.to_vec()],
            )
            .await?;
        }
        Ok(())
    }

    /// Whether a contact's data key is destroyed (erased).
    async fn contact_shredded(&self, org: OrgId, contact_ref: &str) -> Result<bool> {
        match self.contact_row(org, contact_ref).await {
            Ok(row) => Ok(row.wrapped_dek.is_none()),
            Err(StoreError::NotFound(_)) => Ok(true),
            Err(e) => Err(e),
        }
    }
}
