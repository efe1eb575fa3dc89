//! Signed links: the tokens of the URLs that reach a person without a session (requalification,
//! and the links of consent at the source). A token names what the link is for (its kind, part
//! of the signed message but not of the token), a few parts (identifiers) and an expiry, and
//! ends with an HMAC-SHA-256 under the organization's link key (`OrgCrypto::link_mac`): it is
//! checked without a database row, cannot be moved from one kind or organization to another, and
//! states its own end.
//!
//! Token: `<part>.<part>…<expires>.<hex mac>`; signed message: `<kind>/<part>/…/<expires>`. A
//! part is 1 to 64 characters of `[A-Za-z0-9_-]` (callers encode anything else, e.g. a
//! campaign's name in base64url), so neither separator can occur inside one.

use jiff::Timestamp;

use crate::sealing::OrgCrypto;
use crate::{OrgId, Result, Store, StoreError};

/// What a link is for. Each kind signs a different message: a token of one kind is forged for
/// any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// A requalification campaign's question: parts (campaign, contact).
    Requalification,
    /// A form submission's double opt-in confirmation.
    FormConfirmation,
    /// The person's preference centre.
    Preferences,
    /// One-click unsubscribe (RFC 8058).
    Unsubscribe,
    /// A data subject request's status page, from the e-mail answering it: parts (request).
    RequestStatus,
}

impl LinkKind {
    fn name(self) -> &'static str {
        match self {
            LinkKind::Requalification => "requalification",
            LinkKind::FormConfirmation => "form-confirmation",
            LinkKind::Preferences => "preferences",
            LinkKind::Unsubscribe => "unsubscribe",
            LinkKind::RequestStatus => "request-status",
        }
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    /// Not a token of this kind and organization, or altered.
    Forged,
    /// Genuine, but past its expiry.
    Expired,
}

impl LinkRefusal {
    /// The store error a caller returns (`Invalid`, naming the kind).
    pub fn into_error(self, kind: LinkKind) -> StoreError {
        StoreError::Invalid(match self {
            LinkRefusal::Forged => format!("{} link: forged or altered", kind.name()),
            LinkRefusal::Expired => format!("{} link: expired", kind.name()),
        })
    }
}

/// What a genuine token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedLink<'t> {
    pub parts: Vec<&'t str>,
    pub expires: Timestamp,
}

/// Signs and checks one organization's links without further database access (an export of
/// thousands of links asks the store for the key once).
#[derive(Clone)]
pub struct LinkSigner {
    crypto: OrgCrypto,
}

fn valid_part(p: &str) -> bool {
    (1..=64).contains(&p.len())
        && p.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn message(kind: LinkKind, parts: &[&str], expires: i64) -> String {
    let mut m = String::from(kind.name());
    for p in parts {
        m.push('/');
        m.push_str(p);
    }
    m.push('/');
    m.push_str(&expires.to_string());
    m
}

impl LinkSigner {
    /// The token for `parts` of a `kind` link, valid until `expires`.
    ///
    /// # Panics
    /// When a part is not 1 to 64 characters of `[A-Za-z0-9_-]`: parts are the caller's own
    /// identifiers, never a person's input.
    pub fn sign(&self, kind: LinkKind, parts: &[&str], expires: Timestamp) -> String {
        assert!(
            parts.iter().all(|p| valid_part(p)),
            "link parts are [A-Za-z0-9_-]{{1,64}}: {parts:?}"
        );
        let expires = expires.as_second();
        let mac = self.crypto.link_mac(&message(kind, parts, expires));
        let mut token = String::new();
        for p in parts {
            token.push_str(p);
            token.push('.');
        }
        token.push_str(&expires.to_string());
        token.push('.');
        token.push_str(&hex::encode(mac));
        token
    }

    /// The parts a `kind` token names, if it is genuine and not expired at `now`.
    pub fn verify<'t>(
        &self,
        kind: LinkKind,
        token: &'t str,
        now: Timestamp,
    ) -> std::result::Result<VerifiedLink<'t>, LinkRefusal> {
        let mut fields: Vec<&str> = token.trim().split('.').collect();
        let (Some(mac), Some(expires)) = (fields.pop(), fields.pop()) else {
            return Err(LinkRefusal::Forged);
        };
        let (Ok(expires_at), Ok(mac)) = (expires.parse::<i64>(), hex::decode(mac)) else {
            return Err(LinkRefusal::Forged);
        };
        if fields.iter().any(|p| !valid_part(p)) {
            return Err(LinkRefusal::Forged);
        }
        let expected = self.crypto.link_mac(&message(kind, &fields, expires_at));
        let differs = expected.len() != mac.len()
            || expected
                .iter()
                .zip(&mac)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                != 0;
        if differs {
            return Err(LinkRefusal::Forged);
        }
        if now.as_second() >= expires_at {
            return Err(LinkRefusal::Expired);
        }
        Ok(VerifiedLink {
            parts: fields,
            expires: Timestamp::from_second(expires_at).map_err(|_| LinkRefusal::Forged)?,
        })
    }
}

impl LinkSigner {
    /// The organization's keys (the person links name a contact by its e-mail's blind index).
    pub(crate) fn crypto(&self) -> &OrgCrypto {
        &self.crypto
    }

    /// The token a page reached by a `kind` link puts in its forms: bound to the link (a form
    /// posted with another link's token is refused) without a session or cookie. Its message,
    /// `form:<kind>/<link token>`, cannot be a link's, which starts with the kind's name.
    pub fn form_token(&self, kind: LinkKind, link_token: &str) -> String {
        let message = format!("form:{}/{}", kind.name(), link_token.trim());
        hex::encode(self.crypto.link_mac(&message))
    }

    /// Whether `given` is the form token of `link_token` (compared in constant time).
    pub fn check_form_token(&self, kind: LinkKind, link_token: &str, given: &str) -> bool {
        let expected = self.form_token(kind, link_token);
        expected.len() == given.len()
            && expected
                .bytes()
                .zip(given.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

impl Store {
    /// The signer of `org`'s links.
    pub async fn link_signer(&self, org: OrgId) -> Result<LinkSigner> {
        Ok(LinkSigner {
            crypto: self.org_crypto(org).await?,
        })
    }
}
