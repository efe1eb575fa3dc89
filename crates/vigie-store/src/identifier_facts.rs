//! What a screening finds about a contact's own identifiers before the engine decides, for
//! every contact of an organization at once: whether its e-mail address or its phone number is
//! on the suppression list (SHA-256 of the normalized identifier, as `vigie_core::
//! suppression_hash`), and the zone its number implies (`Zone::of_phone`). The screening
//! snapshot keeps neither (only blind indexes and the list's hashes), so the dashboard's census
//! reads them here to count what a screening of every contact would allow, and the coverage
//! report the contacts whose identifiers are suppressed. The identifiers are opened one batch
//! at a time and never kept: only these facts leave.

use std::collections::{HashMap, HashSet};

use vigie_core::{Email, PhoneE164, Zone};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::model::OrgId;
use crate::sql::sql_params;

/// Rows read per query (keyset on the contact id).
const BATCH: i64 = 20_000;

/// One contact's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdentifierFacts {
    pub contact_id: i64,
    pub email_suppressed: bool,
    pub phone_suppressed: bool,
    /// The zone the phone number implies, if any (overseas departments, single-zone countries).
    pub phone_zone: Option<Zone>,
}

impl Store {
    /// Every contact's identifier facts, in contact id order. Contacts without an identifier
    /// are left out.
    pub async fn identifier_facts(&self, org: OrgId) -> Result<Vec<IdentifierFacts>> {
        let mut out = Vec::new();
        self.visit_identifier_facts(org, |f| out.push(f)).await?;
        Ok(out)
    }

    /// The contacts with an identifier on the suppression list: (e-mail suppressed, phone
    /// suppressed) by contact id. Without any entry on the list, nothing is opened.
    pub(crate) async fn suppressed_identifiers(
        &self,
        org: OrgId,
    ) -> Result<HashMap<i64, (bool, bool)>> {
        let mut out = HashMap::new();
        let listed = self
            .sql_row(
                "SELECT 1 FROM suppression WHERE org_id = $1 LIMIT 1",
                sql_params![org],
            )
            .await?
            .is_some();
        if listed {
            self.visit_identifier_facts(org, |f| {
                if f.email_suppressed || f.phone_suppressed {
                    out.insert(f.contact_id, (f.email_suppressed, f.phone_suppressed));
                }
            })
            .await?;
        }
        Ok(out)
    }

    /// Calls `visit` with every contact's identifier facts, in contact id order.
    async fn visit_identifier_facts(
        &self,
        org: OrgId,
        mut visit: impl FnMut(IdentifierFacts) + Send,
    ) -> Result<()> {
        let crypto = self.org_crypto(org).await?;
        let suppressed: HashSet<[u8; 32]> = self
            .sql_rows(
                "SELECT sha256 FROM suppression WHERE org_id = $1",
                sql_params![org],
            )
            .await?
            .iter()
            .map(|r| {
                r[0].opt_blob()?
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .ok_or_else(|| StoreError::Other("a suppression hash is not 32 bytes".into()))
            })
            .collect::<Result<_>>()?;
        let is_suppressed =
            |normalized: &str| suppressed.contains(&vigie_core::suppression_hash(normalized));
        let mut after = i64::MIN;
        loop {
            let rows = self
                .sql_rows(
                    "SELECT id, contact_ref, pii, wrapped_dek FROM contacts
                     WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                    sql_params![org, after, BATCH],
                )
                .await?;
            let Some(last) = rows.last() else {
                return Ok(());
            };
            after = last[0].int()?;
            for r in &rows {
                let id = r[0].int()?;
                let pii = r[2].opt_blob()?.unwrap_or_default();
                let corrupt = |what: &str, e: &dyn std::fmt::Display| {
                    StoreError::Other(format!("contacts row {id}, field {what}: {e}"))
                };
                let (email, phone) = crypto
                    .open_identifiers(&r[1].text()?, &pii, r[3].opt_blob()?.as_deref())
                    .map_err(|e| corrupt("pii", &e))?;
                if email.is_none() && phone.is_none() {
                    continue;
                }
                let email = email
                    .as_deref()
                    .map(Email::from_stored)
                    .transpose()
                    .map_err(|e| corrupt("email", &e))?;
                let phone = phone
                    .as_deref()
                    .map(PhoneE164::parse_e164)
                    .transpose()
                    .map_err(|e| corrupt("phone", &e))?;
                visit(IdentifierFacts {
                    contact_id: id,
                    email_suppressed: email.as_ref().is_some_and(|e| is_suppressed(e.as_str())),
                    phone_suppressed: phone.as_ref().is_some_and(|p| is_suppressed(p.as_str())),
                    phone_zone: phone.as_ref().and_then(Zone::of_phone),
                });
            }
        }
    }
}
