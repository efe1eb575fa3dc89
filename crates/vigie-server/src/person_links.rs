//! The addresses of the links a person receives (issue 15): the server's public address
//! (`vigie serve --public-url`, key `public_url` of the configuration file) and the URLs built
//! on it — one-click unsubscribe (RFC 8058, with its two header lines) and the preference
//! centre. The CLI (`vigie links`), the screening export and the pages all build them here.

use std::fmt;

use jiff::Timestamp;
use vigie_core::{Email, Purpose};
use vigie_store::{LinkSigner, LinkedPerson, Organization, Store, StoreError};

/// `List-Unsubscribe-Post`'s one value (RFC 8058 §3.1), also the body a one-click POST carries.
pub const ONE_CLICK: &str = "List-Unsubscribe=One-Click";

/// How long a link in a message stays valid by default: messages are read, and unsubscribed
/// from, long after they were sent.
pub const DEFAULT_LINK_DAYS: i64 = 365;

/// The server's public address, as people reach it: `http(s)://host[:port][/path]`, without a
/// trailing slash, query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("public_url {given:?}: {why}")]
pub struct PublicUrlError {
    given: String,
    why: &'static str,
}

impl std::str::FromStr for PublicUrl {
    type Err = PublicUrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |why| PublicUrlError {
            given: s.to_owned(),
            why,
        };
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .ok_or_else(|| err("starts with https:// (or http://)"))?;
        let rest = rest.trim_end_matches('/');
        let host = rest.split('/').next().unwrap_or("");
        if host.is_empty() || host.starts_with(':') {
            return Err(err("names no host"));
        }
        if rest.contains(['?', '#', '@']) {
            return Err(err("has no query, fragment or user part"));
        }
        if rest
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
        {
            return Err(err("holds no space, quote or angle bracket"));
        }
        let scheme = if s.starts_with("https://") {
            "https"
        } else {
            "http"
        };
        Ok(PublicUrl(format!("{scheme}://{rest}")))
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One organization's person-facing links on one public address, valid until one moment: the
/// signing key is read once, then each link costs one HMAC.
#[derive(Clone)]
pub struct PersonLinks {
    signer: LinkSigner,
    base: String,
    slug: String,
    expires: Timestamp,
}

impl PersonLinks {
    pub async fn new(
        store: &Store,
        org: &Organization,
        public: &PublicUrl,
        expires: Timestamp,
    ) -> Result<Self, StoreError> {
        Ok(PersonLinks {
            signer: store.link_signer(org.id).await?,
            base: public.0.clone(),
            slug: org.slug.clone(),
            expires,
        })
    }

    /// The person a list's e-mail address names (its blind index: one HMAC).
    pub fn person_of_email(&self, email: &Email) -> LinkedPerson {
        self.signer.person_of_email(email)
    }

    /// The one-click unsubscribe URL of a person for a purpose (and campaign); `None` when
    /// the campaign's name is too long for a link (`vigie_store::MAX_LINK_CAMPAIGN`).
    pub fn unsubscribe(
        &self,
        person: LinkedPerson,
        purpose: Purpose,
        campaign: Option<&str>,
    ) -> Option<String> {
        let token = self
            .signer
            .unsubscribe_token(person, purpose, campaign, self.expires)?;
        Some(format!("{}/unsubscribe/{}/{token}", self.base, self.slug))
    }

    /// The preference centre URL of a person.
    pub fn preferences(&self, person: LinkedPerson) -> String {
        let token = self.signer.preferences_token(person, self.expires);
        format!("{}/preferences/{}/{token}", self.base, self.slug)
    }
}

/// The value of the `List-Unsubscribe` header for an unsubscribe URL.
pub fn list_unsubscribe(url: &str) -> String {
    format!("<{url}>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_read_once_and_refused_with_the_reason() {
        let u: PublicUrl = "https://vigie.example.org/".parse().unwrap();
        assert_eq!(u.to_string(), "https://vigie.example.org");
        let u: PublicUrl = "http://127.0.0.1:8080/base//".parse().unwrap();
        assert_eq!(u.to_string(), "http://127.0.0.1:8080/base");
        for bad in [
            "vigie.example.org",
            "https://",
            "https://x/?a=1",
            "https://a b",
            "ftp://x",
        ] {
            let e = bad.parse::<PublicUrl>().unwrap_err().to_string();
            assert!(e.starts_with("public_url"), "{e}");
        }
    }
}
