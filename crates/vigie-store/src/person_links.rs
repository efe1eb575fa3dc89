//! The links a person receives in every message (issue 15): one-click unsubscribe (RFC 8058)
//! and the preference centre. Tokens are `LinkSigner` tokens naming the contact by its id (a
//! reference may hold characters a token part cannot), checked before any read; what each
//! change writes is the core's (`vigie_core::preferences`); every change is a ledger event with
//! its proof (IP address and user agent sealed) and an audit entry by `public`.
//!
//! Unsubscribe parts: `<contact id>.<purpose>[.<campaign in base64url, 64 characters a
//! part>…]`; preferences parts: `<contact id>`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use vigie_core::preferences::{self, Preference, PreferenceChange};
use vigie_core::{Channel, ConsentEvent, ContactRef, Purpose};

use crate::error::{Result, StoreError};
use crate::links::{LinkKind, LinkRefusal, LinkSigner};
use crate::model::{NewConsentEvent, OrgId};
use crate::sql::sql_params;
use crate::{AuditEvent, Store};

/// The longest campaign name a link carries (in UTF-8 bytes): four token parts.
pub const MAX_LINK_CAMPAIGN: usize = 192;

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
    /// The token of a one-click unsubscribe link for a contact, purpose and campaign: one HMAC.
    /// `None` when the campaign's name is longer than [`MAX_LINK_CAMPAIGN`] bytes.
    pub fn unsubscribe_token(
        &self,
        contact_id: i64,
        purpose: Purpose,
        campaign: Option<&str>,
        expires: Timestamp,
    ) -> Option<String> {
        let id = contact_id.to_string();
        let encoded = match campaign.filter(|c| !c.is_empty()) {
            Some(c) if c.len() > MAX_LINK_CAMPAIGN => return None,
            Some(c) => URL_SAFE_NO_PAD.encode(c),
            None => String::new(),
        };
        let mut parts = vec![id.as_str(), purpose.as_str()];
        // base64url is ASCII: splitting at every 64th byte is a character boundary.
        parts.extend(encoded.as_bytes().chunks(64).map(|c| {
            std::str::from_utf8(c).expect("base64url is ASCII")
        }));
        Some(self.sign(LinkKind::Unsubscribe, &parts, expires))
    }

    /// The token of a contact's preference centre link.
    pub fn preferences_token(&self, contact_id: i64, expires: Timestamp) -> String {
        self.sign(
            LinkKind::Preferences,
            &[contact_id.to_string().as_str()],
            expires,
        )
    }
}

fn forged(kind: LinkKind) -> StoreError {
    LinkRefusal::Forged.into_error(kind)
}

impl Store {
    /// The reference of a contact named by a link, if it exists and is not erased.
    async fn linked_contact(&self, org: OrgId, id: i64, kind: LinkKind) -> Result<ContactRef> {
        let row = self
            .sql_row(
                "SELECT contact_ref FROM contacts
                 WHERE org_id = $1 AND id = $2 AND erased_at IS NULL",
                sql_params![org, id],
            )
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("{kind:?} link: no such person")))?;
        ContactRef::parse(&row[0].text()?)
            .map_err(|e| StoreError::Other(format!("stored contact: {e}")))
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
        let (Ok(contact_id), Ok(purpose)) = (id.parse::<i64>(), purpose.parse::<Purpose>()) else {
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
        let contact_ref = self.linked_contact(org, contact_id, KIND).await?;
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
        let contact_id = id.parse::<i64>().map_err(|_| forged(KIND))?;
        let contact_ref = self.linked_contact(org, contact_id, KIND).await?;
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
        // One event at a time: each is a complete statement of the person's will on its own, and
        // appending the same content again is a no-op.
        for event in &events {
            self.append_event(
                org,
                &shown.contact_ref,
                &NewConsentEvent {
                    event: *event,
                    notice_version: None,
                    source: Some("preference_centre".into()),
                    ip: proof.ip.clone(),
                    user_agent: proof.user_agent.clone(),
                },
            )
            .await?;
        }
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
                    reason: Some(format!("preference centre: {what}, {} event(s)", events.len())),
                    ..AuditEvent::default()
                },
            )
            .await?;
        }
        Ok(events.len())
    }
}
