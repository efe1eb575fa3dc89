//! Webhooks, both ways (issue 15): what an organization's endpoints may subscribe to, where
//! Vigie may send personal-data events, how long a failed delivery waits, and the events e-mail
//! services send back. Pure: the store queues, the server sends and receives.

use std::time::Duration;

use crate::vocab::{Action, Method, vocabulary};

vocabulary! {
    /// A change delivered to subscribed endpoints. The ledger's changes are `consent.` followed
    /// by the event's action (the store's triggers derive it so).
    WebhookEvent, "webhook event type" {
        ConsentGrant => "consent.grant",
        ConsentWithdraw => "consent.withdraw",
        /// An objection (GDPR art. 21) recorded in the ledger.
        ConsentObject => "consent.object",
        /// A restriction of processing held by a request (art. 18).
        ContactRestricted => "contact.restricted",
        ContactRestrictionLifted => "contact.restriction_lifted",
        /// An erasure (art. 17): the receiver should forget the reference too.
        ContactErased => "contact.erased",
    }
}

vocabulary! {
    /// What an e-mail service reports about an address.
    InboundKind, "inbound event type" {
        /// The person used the message's unsubscribe link or header.
        Unsubscribe => "unsubscribe",
        /// The person marked the message as spam: a withdrawal and an objection.
        Complaint => "complaint",
        /// The address does not exist: it goes on the suppression list.
        HardBounce => "hard_bounce",
    }
}

impl InboundKind {
    /// What the event writes in the ledger on the e-mail channel, for each purpose it concerns:
    /// an unsubscribe withdraws consent; a complaint (the "spam" button) withdraws it and objects
    /// (art. 21: an objection to direct marketing needs no reason); a hard bounce writes nothing
    /// (the address is dead, the person said nothing).
    pub fn ledger_actions(self) -> &'static [Action] {
        match self {
            InboundKind::Unsubscribe => &[Action::Withdraw],
            InboundKind::Complaint => &[Action::Withdraw, Action::Object],
            InboundKind::HardBounce => &[],
        }
    }

    /// How the person expressed it, in the ledger's vocabulary: the link (or one-click header)
    /// for an unsubscribe, an answer to the message for a complaint.
    pub fn method(self) -> Method {
        match self {
            InboundKind::Unsubscribe | InboundKind::HardBounce => Method::UnsubscribeLink,
            InboundKind::Complaint => Method::EmailReply,
        }
    }

    /// Whether the address goes on the organization's suppression list (never e-mailed again,
    /// whatever the ledger says): a hard bounce only.
    pub fn suppresses(self) -> bool {
        self == InboundKind::HardBounce
    }
}

/// A signed request older or newer than this is refused (a replayed capture).
pub const SIGNATURE_TOLERANCE_SECONDS: i64 = 300;

/// Whether a signature made at `signed_at` is still acceptable at `now` (Unix seconds).
pub fn signature_fresh(signed_at: i64, now: i64) -> bool {
    (now - signed_at).abs() <= SIGNATURE_TOLERANCE_SECONDS
}

/// An endpoint personal data may be sent to: `https://`, or plain `http://` only to this
/// machine (loopback), where nothing crosses a network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrl(String);

impl EndpointUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        const LOOPBACK: [&str; 5] = [
            "http://127.0.0.1:",
            "http://127.0.0.1/",
            "http://localhost:",
            "http://localhost/",
            "http://[::1]:",
        ];
        let host_part = url
            .strip_prefix("https://")
            .filter(|rest| !rest.is_empty() && !rest.starts_with('/'));
        let loopback = LOOPBACK.iter().any(|p| url.starts_with(p));
        if host_part.is_none() && !loopback {
            return Err("an https:// URL (plain http:// only to this machine)".into());
        }
        // Printable ASCII: an international domain in its xn-- form, the rest percent-encoded.
        if url.len() > 2048 || !url.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("a URL of at most 2048 printable ASCII characters, without spaces".into());
        }
        Ok(EndpointUrl(url.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How deliveries are retried: exponential backoff from `base`, capped at `cap`, with jitter
/// (so endpoints coming back are not hit by every server at once), `max_attempts` in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base: Duration,
    pub cap: Duration,
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// 30 s, 1 min, 2 min … capped at 6 h; 15 attempts span about two days.
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(30),
            cap: Duration::from_secs(6 * 3600),
            max_attempts: 15,
        }
    }
}

impl RetryPolicy {
    /// The wait after the `attempts`-th failed attempt (1 for the first), `None` when the row
    /// should now be marked failed. `jitter` in [0, 1) takes the wait between half and all of
    /// the exponential step.
    pub fn next_wait(&self, attempts: u32, jitter: f64) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let step = self
            .base
            .saturating_mul(1u32 << attempts.saturating_sub(1).min(30))
            .min(self.cap);
        Some(step.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_actions_name_their_event_types() {
        for a in crate::Action::ALL {
            let t: WebhookEvent = format!("consent.{a}")
                .parse()
                .expect("every action has a type");
            assert!(t.as_str().ends_with(a.as_str()));
        }
    }

    #[test]
    fn endpoints_are_https_or_loopback() {
        assert!(EndpointUrl::parse("https://crm.example/hooks").is_ok());
        assert!(EndpointUrl::parse("http://127.0.0.1:8080/h").is_ok());
        assert!(EndpointUrl::parse("http://localhost/h").is_ok());
        assert!(EndpointUrl::parse("http://crm.example/hooks").is_err());
        assert!(EndpointUrl::parse("http://127.0.0.1.evil.example/").is_err());
        assert!(EndpointUrl::parse("https://").is_err());
        assert!(EndpointUrl::parse("ftp://x").is_err());
        assert!(EndpointUrl::parse("https://a.example/x y").is_err());
    }

    #[test]
    fn waits_grow_to_the_cap_then_give_up() {
        let p = RetryPolicy {
            base: Duration::from_secs(10),
            cap: Duration::from_secs(60),
            max_attempts: 5,
        };
        assert_eq!(p.next_wait(1, 0.999_999).unwrap().as_secs(), 9);
        assert_eq!(p.next_wait(2, 0.0), Some(Duration::from_secs(10)));
        assert_eq!(p.next_wait(3, 0.0), Some(Duration::from_secs(20)));
        assert_eq!(p.next_wait(4, 0.0), Some(Duration::from_secs(30)));
        assert_eq!(p.next_wait(5, 0.0), None);
        let capped = RetryPolicy {
            max_attempts: 100,
            ..p
        };
        assert_eq!(capped.next_wait(40, 0.0), Some(Duration::from_secs(30)));
    }

    #[test]
    fn old_and_future_signatures_are_stale() {
        assert!(signature_fresh(1000, 1000 + SIGNATURE_TOLERANCE_SECONDS));
        assert!(!signature_fresh(1000, 1001 + SIGNATURE_TOLERANCE_SECONDS));
        assert!(!signature_fresh(2000 + SIGNATURE_TOLERANCE_SECONDS, 1999));
    }
}
