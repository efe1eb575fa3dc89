//! The row form of contacts and events: what the clear model becomes once its personal fields
//! are sealed and its identifiers replaced by blind indexes. Both stores write and read these.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use vigie_core::{Audience, ConsentEvent, ContactRef, Email, PhoneE164, Zone};

use crate::model::{ContactData, NewConsentEvent, OrgId, from_micros, to_micros};
use crate::vault::{ChainKey, DataKey, Digest16, IndexKey, SecretKey, Vault, VaultError};

/// The personal fields, serialized then sealed with the contact's data key. Absent fields are
/// left out (rows sealed before that have them as `null`: both read as `None`).
///
/// Every field is a `Cow`, never a `&str`: serde_json can only borrow a string that holds no
/// escape, so a value with `"`, `\` or a control character written as `&str` could be sealed
/// but never read back (issue 18, defect 1). A `Cow` borrows when it can and copies when it must.
#[derive(Serialize, Deserialize)]
struct Pii<'a> {
    #[serde(rename = "e", borrow, default, skip_serializing_if = "Option::is_none")]
    email: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "p", borrow, default, skip_serializing_if = "Option::is_none")]
    phone: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "f", borrow, default, skip_serializing_if = "Option::is_none")]
    first_name: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "l", borrow, default, skip_serializing_if = "Option::is_none")]
    last_name: Option<std::borrow::Cow<'a, str>>,
}

/// A contact ready to be written.
#[derive(Debug, Clone)]
pub struct SealedContact {
    pub contact_ref: String,
    pub email_bidx: Option<Digest16>,
    pub phone_bidx: Option<Digest16>,
    /// Blind indexes of the name's search keys (whole name, each word), without duplicates.
    pub name_bidx: Vec<Digest16>,
    pub pii: Vec<u8>,
    pub wrapped_dek: Vec<u8>,
    pub audience: &'static str,
    pub customer: bool,
    pub customer_categories: String,
    pub collected_via: Option<String>,
    pub collected_at: Option<i64>,
    pub informed: bool,
    pub objection_offered: bool,
    pub contract_active: bool,
    pub restricted: bool,
    /// The recorded zone's IANA name.
    pub time_zone: Option<&'static str>,
    pub relationship_ended_at: Option<i64>,
    /// Keyed digest of every field: equal digests mean an upsert changes nothing.
    pub row_digest: Digest16,
}

/// The name hashes of a `contacts.name_bidx` value, which keeps them end to end, 16 bytes each
/// (none for NULL or the empty value).
pub fn split_name_bidx(joined: Option<&[u8]>) -> Vec<Digest16> {
    joined
        .unwrap_or_default()
        .chunks_exact(16)
        .map(|c| c.try_into().expect("chunks of 16"))
        .collect()
}

/// A contact row as read back.
#[derive(Debug, Clone)]
pub struct ContactRow {
    pub id: i64,
    pub contact_ref: String,
    pub pii: Vec<u8>,
    pub wrapped_dek: Option<Vec<u8>>,
    pub audience: String,
    pub customer: bool,
    pub customer_categories: String,
    pub collected_via: Option<String>,
    pub collected_at: Option<i64>,
    pub informed: bool,
    pub objection_offered: bool,
    pub contract_active: bool,
    pub restricted: bool,
    pub time_zone: Option<String>,
    pub relationship_ended_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A ledger event ready to be written.
#[derive(Debug, Clone)]
pub struct SealedEvent {
    /// Line of the source file, for error reports (0 when not from a file).
    pub line: u64,
    pub contact_ref: String,
    pub channel: &'static str,
    pub purpose: &'static str,
    pub action: &'static str,
    pub at: i64,
    pub method: &'static str,
    pub notice_version: Option<String>,
    pub source: Option<String>,
    /// IP and user agent, sealed with the contact's data key.
    pub proof: Option<Vec<u8>>,
    pub content_digest: Digest16,
    /// The event itself, as decisions read it (the fields above are its stored form).
    pub event: ConsentEvent,
}

/// An event row as read back.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: i64,
    pub channel: String,
    pub purpose: String,
    pub action: String,
    pub at: i64,
    pub method: String,
    pub notice_version: Option<String>,
    pub source: Option<String>,
    pub proof: Option<Vec<u8>>,
    pub recorded_at: i64,
}

#[derive(Serialize, Deserialize)]
struct Proof {
    ip: Option<String>,
    user_agent: Option<String>,
}

/// An organization's keys, unwrapped: everything needed to seal and open its rows.
#[derive(Clone, Debug)]
pub struct OrgCrypto {
    pub org_id: OrgId,
    pub vault: Vault,
    pub index: IndexKey,
    /// Links the organization's audit trail (see `audit.rs`).
    pub chain: ChainKey,
    /// Seals the identifiers named by data subject requests (see `dsar/`): a request may name
    /// someone who is not a contact, so it cannot use a contact's key.
    pub requests: DataKey,
    /// Signs the per-person links of requalification campaigns (see `requalification.rs`).
    pub links: ChainKey,
    /// Seals the signing secrets of the organization's webhook endpoints and inbound sources.
    pub secrets: DataKey,
}

/// A row read back from the store could not be turned into the model.
#[derive(Debug, thiserror::Error)]
pub enum RowError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("stored row is corrupt: {0}")]
    Corrupt(String),
}

fn bool_byte(b: bool) -> &'static [u8] {
    if b { b"1" } else { b"0" }
}

impl OrgCrypto {
    /// The MAC of a signed link's message.
    pub(crate) fn link_mac(&self, message: &str) -> [u8; 32] {
        self.links.link(&[0; 32], &[message.as_bytes()])
    }

    fn pii_aad(&self, contact_ref: &str) -> Vec<u8> {
        format!("vigie/pii/{}/{}", self.org_id, contact_ref).into_bytes()
    }

    /// Seals a contact with a fresh data key.
    pub fn seal_contact(&self, c: &ContactData) -> SealedContact {
        self.seal_contact_with(c, &SecretKey::random())
    }

    /// Seals a contact with its existing data key `dek` (a change that must keep what was sealed
    /// before, such as ledger proofs and earlier versions, readable with the same key).
    pub fn seal_contact_with(&self, c: &ContactData, dek: &SecretKey) -> SealedContact {
        let data_key = DataKey::new(dek);
        let contact_ref = c.contact_ref.as_str();
        let pii = Pii {
            email: c.email.as_ref().map(|e| e.as_str().into()),
            phone: c.phone.as_ref().map(|p| p.as_str().into()),
            first_name: c.first_name.as_deref().map(Into::into),
            last_name: c.last_name.as_deref().map(Into::into),
        };
        let plain = serde_json::to_vec(&pii).expect("plain struct serializes");
        let sealed = data_key.seal(&plain, &self.pii_aad(contact_ref));
        let wrapped_dek = self
            .vault
            .wrap(dek, &Vault::contact_key_context(self.org_id, contact_ref));
        let categories = c.customer_categories.join("|");
        let collected_at = c.collected_at.map(to_micros);
        let collected_at_bytes = collected_at.unwrap_or(i64::MIN).to_le_bytes();
        let mut parts: Vec<&[u8]> = vec![
            contact_ref.as_bytes(),
            pii.email.as_deref().unwrap_or("").as_bytes(),
            pii.phone.as_deref().unwrap_or("").as_bytes(),
            c.first_name.as_deref().unwrap_or("").as_bytes(),
            c.last_name.as_deref().unwrap_or("").as_bytes(),
            c.audience.as_str().as_bytes(),
            bool_byte(c.customer),
            categories.as_bytes(),
            c.collected_via.as_deref().unwrap_or("").as_bytes(),
            &collected_at_bytes,
            bool_byte(c.informed),
            bool_byte(c.objection_offered),
            bool_byte(c.contract_active),
            bool_byte(c.restricted),
        ];
        let time_zone = c.time_zone.map(Zone::name);
        // The zone joins the digest only when recorded, so that the digests of contacts stored
        // before zones existed stay equal and re-importing them changes nothing.
        if let Some(name) = time_zone {
            parts.extend([b"time_zone".as_slice(), name.as_bytes()]);
        }
        // Likewise the end of the relationship.
        let relationship_ended_at = c.relationship_ended_at.map(to_micros);
        let ended_bytes = relationship_ended_at.unwrap_or_default().to_le_bytes();
        if relationship_ended_at.is_some() {
            parts.extend([b"relationship_ended_at".as_slice(), &ended_bytes]);
        }
        let row_digest = self.index.content_digest(b"contact", &parts);
        SealedContact {
            contact_ref: contact_ref.to_owned(),
            email_bidx: c.email.as_ref().map(|e| self.index.email_index(e)),
            phone_bidx: c.phone.as_ref().map(|p| self.index.phone_index(p)),
            name_bidx: self.name_indexes(c.first_name.as_deref(), c.last_name.as_deref()),
            pii: sealed,
            wrapped_dek,
            audience: c.audience.as_str(),
            customer: c.customer,
            customer_categories: categories,
            collected_via: c.collected_via.clone(),
            collected_at,
            informed: c.informed,
            objection_offered: c.objection_offered,
            contract_active: c.contract_active,
            restricted: c.restricted,
            time_zone,
            relationship_ended_at,
            row_digest,
        }
    }

    /// The blind indexes of a name's search keys, sorted and without duplicates.
    pub fn name_indexes(&self, first_name: Option<&str>, last_name: Option<&str>) -> Vec<Digest16> {
        let mut hashes: Vec<Digest16> = vigie_core::names::name_search_keys(first_name, last_name)
            .iter()
            .map(|k| self.index.name_index(k))
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes
    }

    /// The name indexes of a sealed contact, opened for the purpose (the backfill of the name
    /// index): none for an erased contact.
    pub fn open_name_indexes(
        &self,
        contact_ref: &str,
        pii: &[u8],
        wrapped_dek: Option<&[u8]>,
    ) -> Result<Vec<Digest16>, RowError> {
        if wrapped_dek.is_none() && pii.is_empty() {
            return Ok(Vec::new());
        }
        let plain = self
            .data_key(contact_ref, wrapped_dek)?
            .open(pii, &self.pii_aad(contact_ref))?;
        let pii: Pii<'_> =
            serde_json::from_slice(&plain).map_err(|e| RowError::Corrupt(e.to_string()))?;
        Ok(self.name_indexes(pii.first_name.as_deref(), pii.last_name.as_deref()))
    }

    /// A contact's e-mail address and phone number as stored (normalized), from its sealed
    /// fields; none for an erased contact.
    pub fn open_identifiers(
        &self,
        contact_ref: &str,
        pii: &[u8],
        wrapped_dek: Option<&[u8]>,
    ) -> Result<(Option<String>, Option<String>), RowError> {
        if wrapped_dek.is_none() && pii.is_empty() {
            return Ok((None, None));
        }
        let plain = self
            .data_key(contact_ref, wrapped_dek)?
            .open(pii, &self.pii_aad(contact_ref))?;
        let pii: Pii<'_> =
            serde_json::from_slice(&plain).map_err(|e| RowError::Corrupt(e.to_string()))?;
        Ok((
            pii.email.map(|e| e.into_owned()),
            pii.phone.map(|p| p.into_owned()),
        ))
    }

    /// Unwraps a contact's data key, as the raw key (to seal a new version of the contact with it).
    pub fn unwrap_dek(
        &self,
        contact_ref: &str,
        wrapped_dek: Option<&[u8]>,
    ) -> Result<SecretKey, VaultError> {
        let wrapped = wrapped_dek.ok_or(VaultError::Shredded)?;
        self.vault.unwrap_key(
            wrapped,
            &Vault::contact_key_context(self.org_id, contact_ref),
        )
    }

    /// Unwraps a contact's data key.
    pub fn data_key(
        &self,
        contact_ref: &str,
        wrapped_dek: Option<&[u8]>,
    ) -> Result<DataKey, VaultError> {
        let wrapped = wrapped_dek.ok_or(VaultError::Shredded)?;
        let dek = self.vault.unwrap_key(
            wrapped,
            &Vault::contact_key_context(self.org_id, contact_ref),
        )?;
        Ok(DataKey::new(&dek))
    }

    /// Opens a contact row into the clear model.
    pub fn open_contact(
        &self,
        row: &ContactRow,
    ) -> Result<(ContactData, Timestamp, Timestamp), RowError> {
        // An erased contact (data key destroyed, sealed fields cleared) reads as a contact without
        // identifiers or names: its reference and facts stay, as the tombstone's subject.
        let erased = row.wrapped_dek.is_none() && row.pii.is_empty();
        let plain = if erased {
            b"{}".to_vec()
        } else {
            let dk = self.data_key(&row.contact_ref, row.wrapped_dek.as_deref())?;
            dk.open(&row.pii, &self.pii_aad(&row.contact_ref))?
        };
        let pii: Pii<'_> =
            serde_json::from_slice(&plain).map_err(|e| RowError::Corrupt(e.to_string()))?;
        let corrupt =
            |what: &str, e: &dyn std::fmt::Display| RowError::Corrupt(format!("{what}: {e}"));
        let data = ContactData {
            contact_ref: ContactRef::from_stored(&row.contact_ref)
                .map_err(|e| corrupt("contact_ref", &e))?,
            email: pii
                .email
                .as_deref()
                .map(Email::from_stored)
                .transpose()
                .map_err(|e| corrupt("email", &e))?,
            phone: pii
                .phone
                .as_deref()
                .map(PhoneE164::parse_e164)
                .transpose()
                .map_err(|e| corrupt("phone", &e))?,
            first_name: pii.first_name.map(|s| s.into_owned()),
            last_name: pii.last_name.map(|s| s.into_owned()),
            audience: row
                .audience
                .parse::<Audience>()
                .map_err(|e| corrupt("audience", &e))?,
            customer: row.customer,
            customer_categories: split_categories(&row.customer_categories),
            collected_via: row.collected_via.clone(),
            collected_at: row.collected_at.map(from_micros),
            informed: row.informed,
            objection_offered: row.objection_offered,
            contract_active: row.contract_active,
            restricted: row.restricted,
            time_zone: row
                .time_zone
                .as_deref()
                .map(Zone::parse)
                .transpose()
                .map_err(|e| corrupt("time_zone", &e))?,
            relationship_ended_at: row.relationship_ended_at.map(from_micros),
        };
        Ok((
            data,
            from_micros(row.created_at),
            from_micros(row.updated_at),
        ))
    }

    /// Seals the IP address and user agent of a person's action (a ledger event's proof, a form
    /// submission awaiting confirmation) with the contact's data key; `None` when neither is
    /// known.
    pub fn seal_proof(
        &self,
        contact_ref: &str,
        ip: Option<&str>,
        user_agent: Option<&str>,
        dek: &DataKey,
    ) -> Option<Vec<u8>> {
        if ip.is_none() && user_agent.is_none() {
            return None;
        }
        let p = Proof {
            ip: ip.map(str::to_owned),
            user_agent: user_agent.map(str::to_owned),
        };
        let plain = serde_json::to_vec(&p).expect("plain struct serializes");
        Some(dek.seal(&plain, &self.pii_aad(contact_ref)))
    }

    /// Opens what [`OrgCrypto::seal_proof`] sealed: (IP, user agent).
    pub fn open_proof(
        &self,
        contact_ref: &str,
        sealed: &[u8],
        dek: &DataKey,
    ) -> Result<(Option<String>, Option<String>), RowError> {
        let plain = dek.open(sealed, &self.pii_aad(contact_ref))?;
        let p: Proof =
            serde_json::from_slice(&plain).map_err(|e| RowError::Corrupt(format!("proof: {e}")))?;
        Ok((p.ip, p.user_agent))
    }

    /// Seals an event for a contact. The IP and user agent, if any, are sealed with the contact's
    /// data key (`dek` must then be given).
    pub fn seal_event(
        &self,
        line: u64,
        contact_ref: &str,
        e: &NewConsentEvent,
        dek: Option<&DataKey>,
    ) -> SealedEvent {
        let at = to_micros(e.event.at);
        let proof = dek.and_then(|dk| {
            self.seal_proof(contact_ref, e.ip.as_deref(), e.user_agent.as_deref(), dk)
        });
        let content_digest = self.index.content_digest(
            b"event",
            &[
                contact_ref.as_bytes(),
                e.event.scope.as_str().as_bytes(),
                e.event.purpose.as_str().as_bytes(),
                e.event.action.as_str().as_bytes(),
                &at.to_le_bytes(),
                e.event.method.as_str().as_bytes(),
                e.notice_version.as_deref().unwrap_or("").as_bytes(),
                e.source.as_deref().unwrap_or("").as_bytes(),
                e.ip.as_deref().unwrap_or("").as_bytes(),
                e.user_agent.as_deref().unwrap_or("").as_bytes(),
            ],
        );
        SealedEvent {
            line,
            contact_ref: contact_ref.to_owned(),
            channel: e.event.scope.as_str(),
            purpose: e.event.purpose.as_str(),
            action: e.event.action.as_str(),
            at,
            method: e.event.method.as_str(),
            notice_version: e.notice_version.clone(),
            source: e.source.clone(),
            proof,
            content_digest,
            event: e.event,
        }
    }

    /// Opens an event row. Without the contact's data key (erased contact) the proof's IP and
    /// user agent stay sealed and read as absent.
    pub fn open_event(
        &self,
        contact_ref: &str,
        row: &EventRow,
        dek: Option<&DataKey>,
    ) -> Result<NewConsentEvent, RowError> {
        let corrupt =
            |what: &str, e: &dyn std::fmt::Display| RowError::Corrupt(format!("{what}: {e}"));
        let (ip, user_agent) = match (&row.proof, dek) {
            (Some(sealed), Some(dk)) => self.open_proof(contact_ref, sealed, dk)?,
            _ => (None, None),
        };
        Ok(NewConsentEvent {
            event: vigie_core::ConsentEvent {
                scope: row.channel.parse().map_err(|e| corrupt("channel", &e))?,
                purpose: row.purpose.parse().map_err(|e| corrupt("purpose", &e))?,
                action: row.action.parse().map_err(|e| corrupt("action", &e))?,
                at: from_micros(row.at),
                method: row.method.parse().map_err(|e| corrupt("method", &e))?,
            },
            notice_version: row.notice_version.clone(),
            source: row.source.clone(),
            ip,
            user_agent,
        })
    }
}

/// Categories are stored `|`-separated, as in the import format.
pub fn split_categories(s: &str) -> Vec<String> {
    if s.is_empty() {
        Vec::new()
    } else {
        s.split('|').map(str::to_owned).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Pii;

    #[test]
    fn pii_reads_absent_and_null_fields_alike() {
        let old: Pii<'_> =
            serde_json::from_str(r#"{"e":"a@example.org","p":null,"f":null,"l":null}"#).unwrap();
        let new: Pii<'_> = serde_json::from_str(r#"{"e":"a@example.org"}"#).unwrap();
        for p in [old, new] {
            assert_eq!(p.email.as_deref(), Some("a@example.org"));
            assert_eq!((p.phone, p.first_name, p.last_name), (None, None, None));
        }
        let written = serde_json::to_string(&Pii {
            email: None,
            phone: Some("+33612345678".into()),
            first_name: None,
            last_name: None,
        })
        .unwrap();
        assert_eq!(written, r#"{"p":"+33612345678"}"#);
    }

    /// Every character a sealed field may hold comes back: quotes, backslashes and control
    /// characters are escaped by serde_json, and an escaped string cannot be borrowed.
    #[test]
    fn pii_round_trips_quotes_backslashes_and_controls() {
        let tricky = "a\"b\\c\u{0}d\n\u{202e}é😀";
        let written = serde_json::to_vec(&Pii {
            email: Some(tricky.into()),
            phone: Some(tricky.into()),
            first_name: Some(tricky.into()),
            last_name: Some(tricky.into()),
        })
        .unwrap();
        let read: Pii<'_> = serde_json::from_slice(&written).unwrap();
        for field in [read.email, read.phone, read.first_name, read.last_name] {
            assert_eq!(field.as_deref(), Some(tricky));
        }
    }
}
