//! Signed links on both stores: a token is genuine only for its kind, organization, parts and
//! time; tokens signed before the links module existed (requalification) stay valid.

use jiff::Timestamp;
use vigie_store::{LinkKind, LinkRefusal};

use super::*;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn a_link_is_genuine_only_for_its_kind_organization_parts_and_time(t: TestStore) {
    let s = &t.store;
    let a = s.require_org(DEFAULT_ORG).await.unwrap().id;
    let b = s.create_org("links-other", "Other").await.unwrap().id;
    let signer = s.link_signer(a).await.unwrap();
    let other = s.link_signer(b).await.unwrap();
    let expires = at("2027-01-01T00:00:00Z");
    let now = at("2026-12-05T00:00:00Z");
    let token = signer.sign(LinkKind::Unsubscribe, &["42", "spring-sale"], expires);
    assert_eq!(
        signer
            .verify(LinkKind::Unsubscribe, &token, now)
            .map(|v| (v.parts, v.expires)),
        Ok((vec!["42", "spring-sale"], expires))
    );
    // Another kind, another organization: forged.
    assert_eq!(
        signer.verify(LinkKind::Preferences, &token, now),
        Err(LinkRefusal::Forged)
    );
    assert_eq!(
        other.verify(LinkKind::Unsubscribe, &token, now),
        Err(LinkRefusal::Forged)
    );
    // A part, the expiry or the mac altered, or no token at all: forged.
    for altered in [
        token.replacen("42", "43", 1),
        token.replacen(&expires.as_second().to_string(), "1893456000", 1),
        // The mac's last digit changed (to another digit, whatever it was).
        format!(
            "{}{}",
            &token[..token.len() - 1],
            if token.ends_with('0') { '1' } else { '0' }
        ),
        token.replacen('.', "", 1),
        format!("x/y.{token}"),
        String::new(),
        "garbage".into(),
    ] {
        assert_eq!(
            signer.verify(LinkKind::Unsubscribe, &altered, now),
            Err(LinkRefusal::Forged),
            "{altered}"
        );
    }
    // Genuine but expired, from its expiry on; one second before, still valid.
    assert_eq!(
        signer.verify(LinkKind::Unsubscribe, &token, expires),
        Err(LinkRefusal::Expired)
    );
    assert!(
        signer
            .verify(
                LinkKind::Unsubscribe,
                &token,
                expires - jiff::SignedDuration::from_secs(1)
            )
            .is_ok()
    );
}

/// A requalification link made by the campaign's export verifies through the signer with the
/// same parts: one signing scheme for every link.
async fn requalification_links_are_signed_links(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    let signer = s.link_signer(org).await.unwrap();
    let expires = at("2027-01-01T00:00:00Z");
    let token = signer.sign(LinkKind::Requalification, &["7", "9"], expires);
    assert!(token.starts_with("7.9.1798761600."), "{token}");
    assert_eq!(
        signer
            .verify(
                LinkKind::Requalification,
                &token,
                at("2026-12-05T00:00:00Z")
            )
            .map(|v| v.parts),
        Ok(vec!["7", "9"])
    );
}

both_stores! {
    links_are_genuine_only_for_their_kind_organization_parts_and_time => a_link_is_genuine_only_for_its_kind_organization_parts_and_time;
    links_requalification_links_are_signed_links => requalification_links_are_signed_links;
}
