//! The links a person receives in every message (issue 15): one-click unsubscribe (RFC 8058)
//! and the preference centre. Tokens are `LinkSigner` tokens naming the contact by its id (a
//! reference may hold characters a token part cannot), checked before any read; what each
//! change writes is the core's (`vigie_core::preferences`); every change is a ledger event with
//! its proof (IP address and user agent sealed) and an audit entry by `public`.
//!
//! Unsubscribe parts: `<person>.<purpose>[.<campaign in base64url, 64 characters a
//! part>…]`; preferences parts: `<person>`. A person is a contact id (`vigie links`), or `e`
//! and the hex blind index of an e-mail address (a screening export, which knows the list's
//! addresses but not the contacts' ids: the link then names the contact that address finds,
//! as screening does).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use vigie_core::preferences::{self, Preference, PreferenceChange};
use vigie_core::{Channel, ConsentEvent, ContactRef, Email, Purpose};

use crate::backend::{Backend, RowQuery};
use crate::error::{Result, StoreError};
use crate::links::{LinkKind, LinkRefusal, LinkSigner};
use crate::model::{NewConsentEvent, OrgId};
use crate::sql::sql_params;
use crate::vault::Digest16;
use crate::{AuditEvent, Backends, Store};

/// The longest campaign name a link carries (in UTF-8 bytes): four token parts.
pub const MAX_LINK_CAMPAIGN: usize = 192;

/// Who a person link names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkedPerson {
    /// A contact, by id.
    Contact(i64),
    /// The contact an e-mail address finds, by the address's blind index.
    Email(Digest16),
}

impl LinkedPerson {
    fn part(self) -> String {
        match self {
            LinkedPerson::Contact(id) => id.to_string(),
            LinkedPerson::Email(bidx) => format!("e{}", hex::encode(bidx)),
        }
    }

    fn parse(part: &str) -> Option<Self> {
        match part.strip_prefix('e') {
            Some(h) => hex::decode(h)
                .ok()
                .and_then(|b| Digest16::try_from(b.as_slice()).ok())
                .map(LinkedPerson::Email),
            None => part.parse().ok().map(LinkedPerson::Contact),
        }
    }
}

/// What a genuine unsubscribe link names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubscribeTarget {
    pub contact_id: i64,
    pub contact_ref: ContactRef,
    pub purpose: Purpose,
    pub campaign: Option<String>,
}

/// What a one-click unsubscribe did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribed {
    pub target: UnsubscribeTarget,
    /// `false` when the ledger already refused the e-mail channel for the purpose.
    pub written: bool,
}

/// What a genuine preference centre link names, and what the ledger says now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferencesOf {
    pub contact_id: i64,
    pub contact_ref: ContactRef,
    /// The channels the contact can be reached on (an identifier on record; postal always).
    pub channels: Vec<Channel>,
    pub preferences: Vec<Preference>,
}

/// The proof a person's own change carries.
#[derive(Debug, Clone, Default)]
pub struct PersonProof {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl LinkSigner {
    /// The person an e-mail address finds: its blind index (one HMAC).
    pub fn person_of_email(&self, email: &Email) -> LinkedPerson {
        LinkedPerson::Email(self.crypto().index.email_index(email))
    }

    /// The token of a one-click unsubscribe link for a person, purpose and campaign: one HMAC.
    /// `None` when the campaign's name is longer than [`MAX_LINK_CAMPAIGN`] bytes.
    pub fn unsubscribe_token(
        &self,
        person: LinkedPerson,
        purpose: Purpose,
        campaign: Option<&str>,
        expires: Timestamp,
    ) -> Option<String> {
        let id = person.part();
        let encoded = match campaign.filter(|c| !c.is_empty()) {
            Some(c) if c.len() > MAX_LINK_CAMPAIGN => return None,
            Some(c) => URL_SAFE_NO_PAD.encode(c),
            None => String::new(),
        };
        let mut parts = vec![id.as_str(), purpose.as_str()];
        // base64url is ASCII: splitting at every 64th byte is a character boundary.
        parts.extend(
            encoded
                .as_bytes()
                .chunks(64)
                .map(|c| std::str::from_utf8(c).expect("base64url is ASCII")),
        );
        Some(self.sign(LinkKind::Unsubscribe, &parts, expires))
    }

    /// The token of a person's preference centre link.
    pub fn preferences_token(&self, person: LinkedPerson, expires: Timestamp) -> String {
        self.sign(LinkKind::Preferences, &[person.part().as_str()], expires)
    }
}

fn forged(kind: LinkKind) -> StoreError {
    LinkRefusal::Forged.into_error(kind)
}

impl Store {
    /// The id and reference of the contact a link names, if it exists and is not erased.
    async fn linked_contact(
        &self,
        org: OrgId,
        person: LinkedPerson,
        kind: LinkKind,
    ) -> Result<(i64, ContactRef)> {
        let none = || StoreError::NotFound(format!("{kind:?} link: no such person"));
        let (id, contact_ref) = match person {
            LinkedPerson::Contact(id) => {
                let row = self
                    .sql_row(
                        "SELECT contact_ref FROM contacts
                         WHERE org_id = $1 AND id = $2 AND erased_at IS NULL",
                        sql_params![org, id],
                    )
                    .await?
                    .ok_or_else(none)?;
                (id, row[0].text()?)
            }
            LinkedPerson::Email(bidx) => {
                // The first contact by id, as screening finds it; erasure clears the index.
                let q = RowQuery {
                    email_bidx: Some(bidx),
                    limit: 1,
                    ..RowQuery::default()
                };
                let rows = match &self.backend {
                    Backends::Sqlite(b) => b.contact_rows(org, q).await?,
                    Backends::Postgres(b) => b.contact_rows(org, q).await?,
                };
                let row = rows.into_iter().next().ok_or_else(none)?;
                (row.id, row.contact_ref)
            }
        };
        let contact_ref = ContactRef::parse(&contact_ref)
            .map_err(|e| StoreError::Other(format!("stored contact: {e}")))?;
        Ok((id, contact_ref))
    }

    /// The contact, purpose and campaign of a genuine, unexpired unsubscribe token. Reads
    /// nothing but the key before the token is checked.
    pub async fn unsubscribe_target(
        &self,
        org: OrgId,
        token: &str,
        now: Timestamp,
    ) -> Result<UnsubscribeTarget> {
        const KIND: LinkKind = LinkKind::Unsubscribe;
        let signer = self.link_signer(org).await?;
        let link = signer
            .verify(KIND, token, now)
            .map_err(|r| r.into_error(KIND))?;
        let [id, purpose, campaign @ ..] = link.parts.as_slice() else {
            return Err(forged(KIND));
        };
        let (Some(person), Ok(purpose)) = (LinkedPerson::parse(id), purpose.parse::<Purpose>())
        else {
            return Err(forged(KIND));
        };
        let campaign = if campaign.is_empty() {
            None
        } else {
            let bytes = URL_SAFE_NO_PAD
                .decode(campaign.concat())
                .map_err(|_| forged(KIND))?;
            Some(String::from_utf8(bytes).map_err(|_| forged(KIND))?)
        };
        let (contact_id, contact_ref) = self.linked_contact(org, person, KIND).await?;
        Ok(UnsubscribeTarget {
            contact_id,
            contact_ref,
            purpose,
            campaign,
        })
    }

    /// One-click unsubscribe (RFC 8058): a withdrawal on the e-mail channel for the link's
    /// purpose, method `unsubscribe_link`, source `unsubscribe[:<campaign>]`, with its proof;
    /// nothing when the ledger already refuses that channel and purpose.
    pub async fn unsubscribe(
        &self,
        org: OrgId,
        token: &str,
        now: Timestamp,
        proof: PersonProof,
    ) -> Result<Unsubscribed> {
        let target = self.unsubscribe_target(org, token, now).await?;
        let events = self.ledger_events(org, &target.contact_ref).await?;
        let Some(event) = preferences::unsubscribe_event(&events, target.purpose, now) else {
            return Ok(Unsubscribed {
                target,
                written: false,
            });
        };
        let source = match &target.campaign {
            Some(c) => format!("unsubscribe:{c}"),
            None => "unsubscribe".to_owned(),
        };
        self.append_event(
            org,
            &target.contact_ref,
            &NewConsentEvent {
                event,
                notice_version: None,
                source: Some(source),
                ip: proof.ip,
                user_agent: proof.user_agent,
            },
        )
        .await?;
        self.audit(
            org,
            AuditEvent {
                actor: "public".into(),
                action: "ledger.unsubscribe".into(),
                target: Some(format!("contact:{}", target.contact_ref)),
                reason: Some(match &target.campaign {
                    Some(c) => format!("one-click unsubscribe ({}), campaign {c}", target.purpose),
                    None => format!("one-click unsubscribe ({})", target.purpose),
                }),
                ..AuditEvent::default()
            },
        )
        .await?;
        Ok(Unsubscribed {
            target,
            written: true,
        })
    }

    async fn ledger_events(&self, org: OrgId, contact: &ContactRef) -> Result<Vec<ConsentEvent>> {
        Ok(self
            .ledger(org, contact)
            .await?
            .into_iter()
            .map(|e| e.new.event)
            .collect())
    }

    /// What the person named by a genuine preference centre token agreed to at `now`.
    pub async fn preferences_of(
        &self,
        org: OrgId,
        token: &str,
        now: Timestamp,
    ) -> Result<PreferencesOf> {
        const KIND: LinkKind = LinkKind::Preferences;
        let signer = self.link_signer(org).await?;
        let link = signer
            .verify(KIND, token, now)
            .map_err(|r| r.into_error(KIND))?;
        let [id] = link.parts.as_slice() else {
            return Err(forged(KIND));
        };
        let person = LinkedPerson::parse(id).ok_or_else(|| forged(KIND))?;
        let (contact_id, contact_ref) = self.linked_contact(org, person, KIND).await?;
        let contact = self
            .contact(org, &contact_ref)
            .await?
            .ok_or_else(|| StoreError::NotFound("preferences link: no such person".into()))?;
        let channels: Vec<Channel> = Channel::ALL
            .iter()
            .copied()
            .filter(|c| match c.identifier() {
                Some(vigie_core::IdentifierKind::Email) => contact.data.email.is_some(),
                Some(vigie_core::IdentifierKind::Phone) => contact.data.phone.is_some(),
                None => true,
            })
            .collect();
        let events = self.ledger_events(org, &contact_ref).await?;
        let preferences = preferences::preferences(&events, &channels, now);
        Ok(PreferencesOf {
            contact_id,
            contact_ref,
            channels,
            preferences,
        })
    }

    /// Records the change the person named by a preference centre token asks for: the core's
    /// events (method `privacy_centre`, source `preference_centre`, with the proof), then one
    /// audit entry by `public`. The number of events written.
    pub async fn change_preferences(
        &self,
        org: OrgId,
        token: &str,
        change: &PreferenceChange,
        now: Timestamp,
        proof: PersonProof,
    ) -> Result<usize> {
        let shown = self.preferences_of(org, token, now).await?;
        let events = preferences::change_events(&shown.preferences, change, now);
        // One transaction: the person's change is kept whole or not at all (a failure half-way
        // must not leave some boxes changed and others not).
        let new: Vec<NewConsentEvent> = events
            .iter()
            .map(|event| NewConsentEvent {
                event: *event,
                notice_version: None,
                source: Some("preference_centre".into()),
                ip: proof.ip.clone(),
                user_agent: proof.user_agent.clone(),
            })
            .collect();
        self.append_events(org, &shown.contact_ref, &new).await?;
        if !events.is_empty() {
            let what = match change {
                PreferenceChange::Choose(_) => "choices",
                PreferenceChange::WithdrawAll => "withdraw everything",
                PreferenceChange::Object => "objection (art. 21)",
            };
            self.audit(
                org,
                AuditEvent {
                    actor: "public".into(),
                    action: "ledger.preferences".into(),
                    target: Some(format!("contact:{}", shown.contact_ref)),
                    reason: Some(format!(
                        "preference centre: {what}, {} event(s)",
                        events.len()
                    )),
                    ..AuditEvent::default()
                },
            )
            .await?;
        }
        Ok(events.len())
    }
}
