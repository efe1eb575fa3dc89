//! Answers to the person and access archives on both stores (migration 0035): an answer is
//! queued once, claimed by one sender at a time, made final once; an archive is kept sealed
//! until its time limit, then says it expired, and an erasure takes it away.

use std::time::Duration;

use vigie_core::dsar::RequestKind;
use vigie_core::{Email, Lang, Timestamp};
use vigie_store::both_stores;
use vigie_store::testing::TestStore;
use vigie_store::*;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn a_request(s: &Store, org: OrgId, kind: RequestKind, email: &str) -> i64 {
    s.file_request(
        org,
        &NewRequest {
            kind,
            identifier: Identifier::Email(Email::parse(email).unwrap()),
            verified: true,
            received_at: at("2026-01-31T10:00:00Z"),
            corrections: None,
        },
        "cli:dpo",
    )
    .await
    .unwrap()
    .request
    .id
}

async fn an_answer_is_queued_once_claimed_by_one_sender_and_final_once(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    let id = a_request(s, org, RequestKind::Access, "lea.fontaine@example.org").await;
    // The language filed in is kept.
    assert_eq!(s.request_lang(org, id).await.unwrap(), None);
    s.set_request_lang(org, id, Lang::En).await.unwrap();
    assert_eq!(s.request_lang(org, id).await.unwrap(), Some(Lang::En));

    let to = Email::parse("lea.fontaine@example.org").unwrap();
    let now = at("2026-02-01T09:00:00Z");
    let kind = AnswerKind::Fulfilment;
    assert!(
        s.queue_answer(org, id, kind, Lang::En, Ok(&to), now)
            .await
            .unwrap()
    );
    assert!(
        !s.queue_answer(org, id, kind, Lang::Fr, Ok(&to), now)
            .await
            .unwrap(),
        "queued once"
    );
    assert_eq!(s.answers_due(org, now, 10).await.unwrap(), vec![(id, kind)]);

    // One sender claims it; another finds nothing while the lease runs.
    let lease = Duration::from_secs(120);
    let claimed = s
        .claim_answer(org, id, kind, now, lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (claimed.to.as_str(), claimed.lang, claimed.attempt),
        ("lea.fontaine@example.org", Lang::En, 1)
    );
    assert!(
        s.claim_answer(org, id, kind, now, lease)
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.answers_due(org, now, 10).await.unwrap().is_empty());

    // A failure sets the next attempt; the answer is due again then, claimed again.
    let later = at("2026-02-01T09:10:00Z");
    s.retry_answer(org, id, kind, "mail_relay_failed", later)
        .await
        .unwrap();
    assert!(s.answers_due(org, now, 10).await.unwrap().is_empty());
    let again = s
        .claim_answer(org, id, kind, later, lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.attempt, 2);

    // Sent: final, the address cleared, never claimed nor changed again.
    assert!(
        s.finish_answer(org, id, kind, AnswerState::Sent, None, later)
            .await
            .unwrap()
    );
    assert!(
        !s.finish_answer(org, id, kind, AnswerState::Unsent, Some("gave_up"), later)
            .await
            .unwrap()
    );
    let far = at("2026-03-01T00:00:00Z");
    assert!(
        s.claim_answer(org, id, kind, far, lease)
            .await
            .unwrap()
            .is_none()
    );
    let answers = s.request_answers(org, id).await.unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!(
        (answers[0].state, answers[0].attempts, answers[0].done_at),
        (AnswerState::Sent, 2, Some(later))
    );
    assert_eq!(
        t.raw_count("SELECT count(*) FROM dsar_answers WHERE address IS NOT NULL")
            .await
            .unwrap(),
        0,
        "no address kept once sent"
    );

    // No address: recorded unsent at once, with why.
    assert!(
        s.queue_answer(
            org,
            id,
            AnswerKind::Rejection,
            Lang::Fr,
            Err("no_email_address"),
            now
        )
        .await
        .unwrap()
    );
    let unsent = s
        .request_answers(org, id)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.kind == AnswerKind::Rejection)
        .unwrap();
    assert_eq!(
        (unsent.state, unsent.failure.as_deref()),
        (AnswerState::Unsent, Some("no_email_address"))
    );
    // Another organization sees none of it.
    let other = s.create_org("answers-other", "Other").await.unwrap().id;
    assert!(s.request_answers(other, id).await.unwrap().is_empty());
    assert!(
        s.claim_answer(other, id, kind, far, lease)
            .await
            .unwrap()
            .is_none()
    );
}

async fn an_archive_is_kept_sealed_until_its_time_limit_and_erasure_takes_it(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    let c = super::contact("A-1", "noe.vasseur@example.org", "06 11 22 33 44");
    s.upsert_contact(org, &c).await.unwrap();
    let id = a_request(s, org, RequestKind::Access, "noe.vasseur@example.org").await;
    let made = at("2026-02-01T09:00:00Z");
    let until = at("2026-03-03T09:00:00Z");
    let zip = b"PK zip bytes naming noe.vasseur@example.org".to_vec();
    s.keep_archive(
        org,
        id,
        Some(&c.contact_ref),
        "acces-A-1.zip",
        "abc123",
        &zip,
        made,
        until,
    )
    .await
    .unwrap();
    let before = at("2026-03-03T08:59:59Z");
    let (kept, availability) = s.kept_archive(org, id, before).await.unwrap().unwrap();
    assert_eq!(
        (kept.file_name.as_str(), kept.expires_at, availability),
        ("acces-A-1.zip", until, ArchiveAvailability::Available)
    );
    let (_, bytes) = s.open_archive(org, id, before).await.unwrap().unwrap();
    assert_eq!(bytes, zip);
    let sealed = "SELECT count(*) FROM dsar_archives WHERE sealed IS NOT NULL";
    assert_eq!(t.raw_count(sealed).await.unwrap(), 1);

    // From its time limit on: expired, nothing opens; clearing keeps the facts.
    let (_, availability) = s.kept_archive(org, id, until).await.unwrap().unwrap();
    assert_eq!(availability, ArchiveAvailability::Expired);
    assert!(s.open_archive(org, id, until).await.unwrap().is_none());
    assert_eq!(s.clear_expired_archives(org, before).await.unwrap(), 0);
    assert_eq!(s.clear_expired_archives(org, until).await.unwrap(), 1);
    assert_eq!(t.raw_count(sealed).await.unwrap(), 0);
    let (_, availability) = s.kept_archive(org, id, before).await.unwrap().unwrap();
    assert_eq!(
        availability,
        ArchiveAvailability::Expired,
        "cleared bytes never come back"
    );

    // Another archive, then the person is erased: it is gone.
    let id2 = a_request(s, org, RequestKind::Portability, "noe.vasseur@example.org").await;
    assert_ne!(id, id2);
    s.keep_archive(
        org,
        id2,
        Some(&c.contact_ref),
        "b.zip",
        "def",
        &zip,
        made,
        until,
    )
    .await
    .unwrap();
    assert!(s.open_archive(org, id2, before).await.unwrap().is_some());
    s.erase_person(
        org,
        Some(&c.contact_ref),
        &[Identifier::Email(
            Email::parse("noe.vasseur@example.org").unwrap(),
        )],
        id2,
        &serde_json::json!({}),
    )
    .await
    .unwrap();
    assert!(s.open_archive(org, id2, before).await.unwrap().is_none());
    assert!(s.kept_archive(org, id2, before).await.unwrap().is_none());
}

both_stores! {
    answers_are_queued_once_claimed_once_and_final_once => an_answer_is_queued_once_claimed_by_one_sender_and_final_once;
    archives_are_sealed_expire_and_go_with_an_erasure => an_archive_is_kept_sealed_until_its_time_limit_and_erasure_takes_it;
}
