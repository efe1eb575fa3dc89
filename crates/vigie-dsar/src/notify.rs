//! Notices to processors (GDPR art. 19: every rectification, erasure or restriction is
//! communicated to each recipient): a JSON body POSTed to the processor's webhook, signed with
//! HMAC-SHA-256 under a secret shared with it.
//!
//! Header `Vigie-Signature: t=<unix seconds>,v1=<hex HMAC-SHA-256 of "<t>.<body>">`: the
//! processor recomputes it with its secret, compares in constant time, and refuses old `t`
//! (replays).

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::systems::Processor;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "Vigie-Signature";

/// The signature of `body` sent at `t` (Unix seconds).
pub fn sign(secret: &[u8], t: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The time a signature header says it was made at (Unix seconds), and its MAC.
fn parts(header: &str) -> Option<(i64, Vec<u8>)> {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => v1 = hex::decode(v).ok(),
            _ => {}
        }
    }
    Some((t?, v1?))
}

/// The time (Unix seconds) a signature header claims; trust it only once [`verify`] holds.
pub fn signed_at(header: &str) -> Option<i64> {
    parts(header).map(|(t, _)| t)
}

/// Checks a signature header against `body` (what a processor or webhook receiver does, and
/// Vigie for the events e-mail services send it). The header's time is checked by the caller
/// ([`signed_at`]): a receiver refuses old ones (replays).
pub fn verify(secret: &[u8], header: &str, body: &[u8]) -> bool {
    let Some((t, v1)) = parts(header) else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&v1).is_ok()
}

/// What a processor is told.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    /// `dsar.rectification`, `dsar.erasure`, `dsar.restriction`, `dsar.restriction_lifted`.
    pub event: String,
    pub organization: String,
    pub request_id: Option<i64>,
    pub at: jiff::Timestamp,
    /// Who: the identifiers the processor holds the person under (it must find them to act).
    pub subject: NoticeSubject,
    /// Rectification: the corrected fields and their new values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrections: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct NoticeSubject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_ref: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
}

/// How a notice went: recorded with the request (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub processor: String,
    /// The HTTP status, when the processor answered.
    pub status: Option<u16>,
    pub delivered: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Sends `notice` to every processor; never fails as a whole: each delivery says how it went.
pub async fn notify_all(processors: &[Processor], notice: &Notice) -> Vec<Delivery> {
    let body = serde_json::to_vec(notice).expect("plain struct serializes");
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build();
    let mut out = Vec::with_capacity(processors.len());
    for p in processors {
        let failed = |e: String| Delivery {
            processor: p.name.clone(),
            status: None,
            delivered: false,
            error: Some(e),
        };
        let client = match &client {
            Ok(c) => c,
            Err(e) => {
                out.push(failed(e.to_string()));
                continue;
            }
        };
        let secret = match p.secret() {
            Ok(s) => s,
            Err(e) => {
                out.push(failed(e.to_string()));
                continue;
            }
        };
        let t = jiff::Timestamp::now().as_second();
        let sent = client
            .post(&p.webhook)
            .header("content-type", "application/json")
            .header(SIGNATURE_HEADER, sign(&secret, t, &body))
            .body(body.clone())
            .send()
            .await;
        out.push(match sent {
            Ok(r) => Delivery {
                processor: p.name.clone(),
                status: Some(r.status().as_u16()),
                delivered: r.status().is_success(),
                error: (!r.status().is_success()).then(|| format!("HTTP {}", r.status())),
            },
            // reqwest's error text names the URL, not the body: no personal data.
            Err(e) => failed(e.to_string()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_tampering_is_caught() {
        let sig = sign(b"s3cret", 1_800_000_000, b"{\"a\":1}");
        assert!(sig.starts_with("t=1800000000,v1="));
        assert!(verify(b"s3cret", &sig, b"{\"a\":1}"));
        assert!(!verify(b"s3cret", &sig, b"{\"a\":2}"));
        assert!(!verify(b"other", &sig, b"{\"a\":1}"));
        let replayed = sig.replace("t=1800000000", "t=1800000001");
        assert!(!verify(b"s3cret", &replayed, b"{\"a\":1}"));
        assert!(!verify(b"s3cret", "garbage", b"{\"a\":1}"));
    }
}
