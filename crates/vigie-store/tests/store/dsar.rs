//! Data subject requests in the store, on both stores: filing and merging double requests,
//! updates with compare-and-swap and history, rectification with earlier versions, restriction,
//! and erasure (crypto-shredding, suppression, tombstone, nothing in clear, no resurrection).

use vigie_core::dsar::{RequestClock, RequestKind, RequestStatus};
use vigie_core::{
    Action, Audience, ChannelScope, ConsentEvent, ContactRef, Email, Method, PhoneE164, Purpose,
    Region, Timestamp,
};
use vigie_store::both_stores;
use vigie_store::testing::TestStore;
use vigie_store::*;

fn person(r: &str, email: &str, phone: &str) -> ContactData {
    ContactData {
        contact_ref: ContactRef::parse(r).unwrap(),
        email: Some(Email::parse(email).unwrap()),
        phone: Some(PhoneE164::parse(phone, Region::FR).unwrap()),
        first_name: Some("Zoé".into()),
        last_name: Some("Quenardel".into()),
        audience: Audience::Consumer,
        customer: false,
        customer_categories: vec![],
        collected_via: Some("web_form".into()),
        collected_at: Some("2025-06-01T09:00:00Z".parse().unwrap()),
        informed: true,
        objection_offered: true,
        contract_active: false,
        restricted: false,
        time_zone: None,
        relationship_ended_at: None,
    }
}

fn email(s: &str) -> Identifier {
    Identifier::Email(Email::parse(s).unwrap())
}

fn new_request(kind: RequestKind, id: Identifier, verified: bool) -> NewRequest {
    NewRequest {
        kind,
        identifier: id,
        verified,
        received_at: "2026-01-31T10:00:00Z".parse().unwrap(),
        corrections: None,
    }
}

async fn filing_matches_merges_and_records_history(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap();
    s.create_contact(org.id, &person("P1", "zoe.q@example.org", "0612345678"))
        .await
        .unwrap();
    let filed = s
        .file_request(
            org.id,
            &new_request(RequestKind::Access, email("Zoe.Q@Example.org"), false),
            "public",
        )
        .await
        .unwrap();
    assert!(!filed.merged);
    let r = &filed.request;
    assert_eq!(r.kind, RequestKind::Access);
    assert_eq!(r.identifier, Some(email("zoe.q@example.org")));
    assert_eq!(r.contact_ref.as_ref().map(|c| c.as_str()), Some("P1"));
    assert_eq!(r.clock.status, RequestStatus::AwaitingIdentity);
    assert!(r.clock.paused());

    // Filed again while open: the same request, one more history step.
    let again = s
        .file_request(
            org.id,
            &new_request(RequestKind::Access, email("zoe.q@example.org"), false),
            "public",
        )
        .await
        .unwrap();
    assert!(again.merged);
    assert_eq!(again.request.id, r.id);
    // Another kind is another request; so is another person.
    let erase = s
        .file_request(
            org.id,
            &new_request(RequestKind::Erasure, email("zoe.q@example.org"), true),
            "cli:dpo",
        )
        .await
        .unwrap();
    assert!(!erase.merged);
    assert_ne!(erase.request.id, r.id);
    assert_eq!(erase.request.clock.status, RequestStatus::InProgress);
    let stranger = s
        .file_request(
            org.id,
            &new_request(RequestKind::Access, email("nobody@example.org"), true),
            "cli:dpo",
        )
        .await
        .unwrap();
    assert_eq!(stranger.request.contact_ref, None);

    // Verify, with compare-and-swap: a stale copy is refused.
    let mut verified = r.clone();
    verified
        .clock
        .verify("2026-02-02T10:00:00Z".parse().unwrap())
        .unwrap();
    let stored = s
        .update_request(org.id, &verified, "public", "verified", None)
        .await
        .unwrap();
    assert_eq!(stored.clock.status, RequestStatus::InProgress);
    assert_eq!(stored.version, r.version + 1);
    let stale = s
        .update_request(org.id, &verified, "public", "verified", None)
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");

    let steps: Vec<String> = s
        .request_history(org.id, r.id)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.step)
        .collect();
    assert_eq!(steps, ["filed", "merged", "verified"]);

    // Closed, the same person may file again: a new request.
    let mut done = stored.clone();
    done.clock.complete(Timestamp::now()).unwrap();
    s.update_request(org.id, &done, "cli:dpo", "fulfilled", None)
        .await
        .unwrap();
    let later = s
        .file_request(
            org.id,
            &new_request(RequestKind::Access, email("zoe.q@example.org"), true),
            "public",
        )
        .await
        .unwrap();
    assert!(!later.merged);
    assert_ne!(later.request.id, r.id);

    // Listing: open only, by contact, paging.
    let open = s
        .requests(
            org.id,
            &RequestQuery {
                open_only: true,
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(open.len(), 3);
    assert!(open.iter().all(|r| r.clock.status.is_open()));
    let of_p1 = s
        .requests(
            org.id,
            &RequestQuery {
                contact_ref: Some(ContactRef::parse("P1").unwrap()),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(of_p1.len(), 3);
    // Another organization sees none of them.
    let other = s.create_org("other", "Other").await.unwrap();
    assert!(s.request(other.id, r.id).await.unwrap().is_none());
}

async fn rectification_keeps_the_previous_version_and_the_key(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap();
    let p = person("P2", "old@example.org", "0611111111");
    s.create_contact(org.id, &p).await.unwrap();
    let mut e = NewConsentEvent {
        event: ConsentEvent {
            scope: ChannelScope::Any,
            purpose: Purpose::Marketing,
            action: Action::Grant,
            at: "2025-06-01T09:00:00Z".parse().unwrap(),
            method: Method::DoubleOptIn,
        },
        notice_version: None,
        source: None,
        ip: Some("198.51.100.4".into()),
        user_agent: None,
    };
    e.notice_version = Some("v1".into());
    s.append_event(org.id, &p.contact_ref, &e).await.unwrap();
    let corrections = Corrections {
        email: Some(Email::parse("new@example.org").unwrap()),
        last_name: Some("Quenardel-Vidal".into()),
        ..Default::default()
    };
    let after = s
        .rectify_contact(org.id, &p.contact_ref, &corrections, Some(7))
        .await
        .unwrap();
    assert_eq!(
        after.data.email.as_ref().unwrap().as_str(),
        "new@example.org"
    );
    assert_eq!(after.data.last_name.as_deref(), Some("Quenardel-Vidal"));
    assert_eq!(after.data.phone, p.phone);
    // Found by the new address, not the old one.
    let by_new = s
        .contact_by_identifier(org.id, &email("new@example.org"))
        .await
        .unwrap();
    assert_eq!(by_new.map(|c| c.id), Some(after.id));
    assert!(
        s.contact_by_identifier(org.id, &email("old@example.org"))
            .await
            .unwrap()
            .is_none()
    );
    let versions = s.contact_versions(org.id, &p.contact_ref).await.unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].request_id, Some(7));
    assert_eq!(versions[0].previous.as_ref(), Some(&p));
    // The ledger proof sealed before the rectification is still readable (same data key).
    let ledger = s.ledger(org.id, &p.contact_ref).await.unwrap();
    assert_eq!(ledger[0].new.ip.as_deref(), Some("198.51.100.4"));

    // Restriction on, then lifted.
    let r = s
        .set_contact_restricted(org.id, &p.contact_ref, true)
        .await
        .unwrap();
    assert!(r.data.restricted);
    assert_eq!(r.data.email, after.data.email);
    let r = s
        .set_contact_restricted(org.id, &p.contact_ref, false)
        .await
        .unwrap();
    assert!(!r.data.restricted);
}

async fn erasure_shreds_suppresses_and_leaves_a_tombstone(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap();
    let p = person("P3", "zoe.quenardel@example.org", "0698765432");
    let keep = person("P4", "keep.me@example.org", "0655555555");
    s.create_contact(org.id, &p).await.unwrap();
    s.create_contact(org.id, &keep).await.unwrap();
    let e = NewConsentEvent {
        event: ConsentEvent {
            scope: ChannelScope::Any,
            purpose: Purpose::Marketing,
            action: Action::Grant,
            at: "2025-06-01T09:00:00Z".parse().unwrap(),
            method: Method::DoubleOptIn,
        },
        notice_version: Some("v1".into()),
        source: Some("web_form".into()),
        ip: Some("198.51.100.99".into()),
        user_agent: Some("Mozilla/5.0 ZoeBrowser".into()),
    };
    s.append_event(org.id, &p.contact_ref, &e).await.unwrap();
    // A call to the person: the call log keeps the number's blind index until the erasure.
    s.log_calls(
        org.id,
        vec![NewCall {
            line: 1,
            to: CallTo::Contact {
                contact_ref: p.contact_ref.clone(),
                phone: None,
            },
            at: "2025-06-02T09:30:00Z".parse().unwrap(),
            outcome: vigie_core::CallOutcome::Answered,
            campaign: None,
            agent: None,
        }],
    )
    .await
    .unwrap();
    // (A DELETE of the calls still holding a blind index fails on the append-only trigger
    // exactly when there is one.)
    let blind_indexed_calls = "DELETE FROM calls WHERE length(phone_bidx) > 0";
    assert!(t.raw_sql(blind_indexed_calls).await.is_err());
    let empty = if t.sqlite_file.is_some() {
        "X''"
    } else {
        "''::bytea"
    };
    let refused = t
        .raw_sql(&format!(
            "UPDATE calls SET phone_bidx = {empty}, outcome = 'refused'"
        ))
        .await
        .unwrap_err();
    assert!(
        refused.contains("append-only"),
        "clearing the blind index changes nothing else: {refused}"
    );
    s.rectify_contact(
        org.id,
        &p.contact_ref,
        &Corrections {
            first_name: Some("Zoëlle".into()),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    let filed = s
        .file_request(
            org.id,
            &NewRequest {
                corrections: None,
                ..new_request(
                    RequestKind::Erasure,
                    email("zoe.quenardel@example.org"),
                    true,
                )
            },
            "cli:dpo",
        )
        .await
        .unwrap();
    let ids = [
        email("zoe.quenardel@example.org"),
        Identifier::Phone(p.phone.clone().unwrap()),
    ];
    let version_before = s.data_version(org.id).await.unwrap();
    let tomb = s
        .erase_person(
            org.id,
            Some(&p.contact_ref),
            &ids,
            filed.request.id,
            &serde_json::json!({"contact": "shredded"}),
        )
        .await
        .unwrap();
    assert!(s.data_version(org.id).await.unwrap() > version_before);
    assert_eq!(
        t.raw_sql(blind_indexed_calls).await,
        Ok(()),
        "no call keeps the erased person's number, not even as a blind index"
    );
    assert_eq!(tomb.contact_ref.as_deref(), Some("P3"));
    assert_eq!(tomb.request_id, filed.request.id);
    assert_eq!(
        s.tombstones(org.id, 0, 10).await.unwrap(),
        vec![tomb.clone()]
    );

    // The contact reads as erased: reference and facts, no identifier, no name.
    let c = s.contact(org.id, &p.contact_ref).await.unwrap().unwrap();
    assert_eq!(c.data.email, None);
    assert_eq!(c.data.phone, None);
    assert_eq!(c.data.first_name, None);
    // Not found by its identifiers any more; both are suppressed (hash only).
    assert!(
        s.contact_by_identifier(org.id, &ids[0])
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.is_suppressed(org.id, "zoe.quenardel@example.org")
            .await
            .unwrap()
    );
    assert!(
        s.is_suppressed(org.id, p.phone.as_ref().unwrap().as_str())
            .await
            .unwrap()
    );
    // The ledger stays (proof of consent), its proof unreadable.
    let ledger = s.ledger(org.id, &p.contact_ref).await.unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].new.ip, None);
    // Earlier versions are gone with the key.
    assert!(
        s.contact_versions(org.id, &p.contact_ref)
            .await
            .unwrap()
            .is_empty()
    );
    // The request keeps no identifier.
    let r = s.request(org.id, filed.request.id).await.unwrap().unwrap();
    assert_eq!(r.identifier, None);
    // Re-importing the row changes nothing: the contact stays erased.
    let (_, outcome) = s.upsert_contact(org.id, &p).await.unwrap();
    assert_eq!(outcome, UpsertOutcome::Unchanged);
    let c = s.contact(org.id, &p.contact_ref).await.unwrap().unwrap();
    assert_eq!(c.data.email, None);
    // Listing contacts still works across the erased one; the other contact is untouched.
    let page = s
        .contacts(
            org.id,
            &ContactQuery {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.contacts.len(), 2);
    let kept = s.contact(org.id, &keep.contact_ref).await.unwrap().unwrap();
    assert_eq!(kept.data, keep);
    // Tombstones and history are append-only.
    assert!(t.raw_sql("DELETE FROM dsar_tombstones").await.is_err());
    assert!(
        t.raw_sql("UPDATE dsar_history SET note = 'x'")
            .await
            .is_err()
    );

    // Nothing in clear in the SQLite files.
    if let Some(file) = &t.sqlite_file {
        let mut bytes = Vec::new();
        for suffix in ["", "-wal"] {
            let f = format!("{}{suffix}", file.display());
            if let Ok(b) = std::fs::read(&f) {
                bytes.extend_from_slice(&b);
            }
        }
        for needle in [
            "zoe.quenardel@example.org",
            "+33698765432",
            "Quenardel",
            "198.51.100.99",
            "ZoeBrowser",
        ] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} found in clear"
            );
        }
    }
}

async fn a_clock_round_trips_through_the_store(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap();
    let filed = s
        .file_request(
            org.id,
            &new_request(RequestKind::Portability, email("a@example.org"), false),
            "public",
        )
        .await
        .unwrap();
    let mut r = filed.request;
    let tz = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    r.clock
        .verify("2026-02-03T10:00:00Z".parse().unwrap())
        .unwrap();
    r.clock
        .pause("2026-02-05T10:00:00Z".parse().unwrap())
        .unwrap();
    r.clock
        .resume("2026-02-07T10:00:00Z".parse().unwrap())
        .unwrap();
    r.clock
        .extend(
            "2026-02-08T10:00:00Z".parse().unwrap(),
            2,
            "many systems",
            &tz,
        )
        .unwrap();
    let stored = s
        .update_request(org.id, &r, "cli:dpo", "extended", Some("2 months".into()))
        .await
        .unwrap();
    let expected: RequestClock = r.clock.clone();
    assert_eq!(stored.clock, expected);
    assert_eq!(
        stored
            .clock
            .due("2026-03-01T00:00:00Z".parse().unwrap(), &tz)
            .date,
        jiff::civil::date(2026, 5, 5)
    );
}

/// An update through `upsert_contact` (the API's PUT) keeps the contact's data key, so proofs
/// sealed before stay readable (an access request must be able to export them).
async fn an_update_keeps_the_data_key_and_the_ledger_proofs(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap();
    let mut p = person("P5", "proof@example.org", "0622222222");
    s.create_contact(org.id, &p).await.unwrap();
    let e = NewConsentEvent {
        event: ConsentEvent {
            scope: ChannelScope::Email,
            purpose: Purpose::Marketing,
            action: Action::Grant,
            at: "2025-06-01T09:00:00Z".parse().unwrap(),
            method: Method::DoubleOptIn,
        },
        notice_version: None,
        source: None,
        ip: Some("203.0.113.50".into()),
        user_agent: None,
    };
    s.append_event(org.id, &p.contact_ref, &e).await.unwrap();
    p.first_name = Some("Changed".into());
    let (_, outcome) = s.upsert_contact(org.id, &p).await.unwrap();
    assert_eq!(outcome, UpsertOutcome::Updated);
    let ledger = s.ledger(org.id, &p.contact_ref).await.unwrap();
    assert_eq!(ledger[0].new.ip.as_deref(), Some("203.0.113.50"));
}

/// Issue 12: a restriction set by a request survives a PUT and a bulk re-import of the same
/// data (which says `restricted: false`); only lifting it clears it. An import may still set it.
async fn a_requests_restriction_survives_re_imports(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap();
    let crypto = s.org_crypto(org.id).await.unwrap();
    let p = person("P6", "held@example.org", "0633333333");
    s.create_contact(org.id, &p).await.unwrap();
    let restricted = |c: Contact| c.data.restricted;
    assert!(restricted(
        s.set_contact_restricted(org.id, &p.contact_ref, true)
            .await
            .unwrap()
    ));
    // The same data again, through the single upsert (PUT) and the bulk import.
    let (c, _) = s.upsert_contact(org.id, &p).await.unwrap();
    assert!(restricted(c), "a PUT lifted the request's restriction");
    let mut changed = p.clone();
    changed.first_name = Some("Zoë".into());
    let batch = vec![crypto.seal_contact(&changed)];
    s.import_contacts(org.id, super::stream(batch, true).await)
        .await
        .unwrap();
    let c = s.contact(org.id, &p.contact_ref).await.unwrap().unwrap();
    assert_eq!(
        c.data.first_name.as_deref(),
        Some("Zoë"),
        "the import was applied"
    );
    assert!(restricted(c), "an import lifted the request's restriction");
    // Lifted by the request path only; then imports decide again, and may set it.
    assert!(!restricted(
        s.set_contact_restricted(org.id, &p.contact_ref, false)
            .await
            .unwrap()
    ));
    let (c, _) = s.upsert_contact(org.id, &changed).await.unwrap();
    assert!(!restricted(c));
    let mut by_import = changed.clone();
    by_import.restricted = true;
    let (c, _) = s.upsert_contact(org.id, &by_import).await.unwrap();
    assert!(restricted(c), "an import may set the restriction");
    let (c, _) = s.upsert_contact(org.id, &changed).await.unwrap();
    assert!(
        !restricted(c),
        "a restriction set by an import is the import's to clear"
    );
}

both_stores! {
    dsar_a_requests_restriction_survives_re_imports => a_requests_restriction_survives_re_imports;
    dsar_an_update_keeps_the_data_key_and_the_ledger_proofs => an_update_keeps_the_data_key_and_the_ledger_proofs;
    dsar_filing_matches_merges_and_records_history => filing_matches_merges_and_records_history;
    dsar_rectification_keeps_the_previous_version_and_the_key => rectification_keeps_the_previous_version_and_the_key;
    dsar_erasure_shreds_suppresses_and_leaves_a_tombstone => erasure_shreds_suppresses_and_leaves_a_tombstone;
    dsar_a_clock_round_trips_through_the_store => a_clock_round_trips_through_the_store;
    dsar_erasures_are_journaled_and_replayed_on_an_older_copy => erasures_are_journaled_and_replayed_on_an_older_copy;
}

/// An erasure is written to the journal (no identifier in clear) and, replayed on a copy of the
/// store that still holds the person (a restored older backup), erases her there too; a second
/// replay does nothing; an erasure that failed is cancelled in the journal and never replayed.
async fn erasures_are_journaled_and_replayed_on_an_older_copy(t: TestStore) {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("master.key.erasures.jsonl");
    let s = t.store.clone().with_erasure_journal(&journal);
    // The older copy: another store of the same kind and key, holding the same person.
    let older = match s.kind() {
        "sqlite" => vigie_store::testing::sqlite_store().await,
        _ => vigie_store::testing::postgres_store().await,
    };
    let p = person("J1", "jeanne.journal@example.org", "06 11 22 33 44");
    let mut orgs = Vec::new();
    for store in [&s, &older.store] {
        let org = store.require_org(DEFAULT_ORG).await.unwrap();
        store.create_contact(org.id, &p).await.unwrap();
        orgs.push(org);
    }
    assert_eq!(orgs[0].id, orgs[1].id);
    let org = &orgs[0];
    let filed = s
        .file_request(
            org.id,
            &new_request(
                RequestKind::Erasure,
                email("jeanne.journal@example.org"),
                true,
            ),
            "cli:dpo",
        )
        .await
        .unwrap();
    let ids = [
        email("jeanne.journal@example.org"),
        Identifier::Phone(p.phone.clone().unwrap()),
    ];
    s.erase_person(
        org.id,
        Some(&p.contact_ref),
        &ids,
        filed.request.id,
        &serde_json::json!({}),
    )
    .await
    .unwrap();
    // An erasure that fails (no such contact) is cancelled in the journal.
    let missing = ContactRef::parse("NOBODY").unwrap();
    assert!(
        s.erase_person(org.id, Some(&missing), &[], 0, &serde_json::json!({}))
            .await
            .is_err()
    );
    let text = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.lines()
            .nth(2)
            .unwrap()
            .contains("\"kind\":\"cancelled\""),
        "{text}"
    );
    for clear in [
        "jeanne",
        "journal@",
        "example.org",
        "611223344",
        "Quenardel",
    ] {
        assert!(!text.contains(clear), "{clear:?} in the journal: {text}");
    }

    // The older copy still holds her; the replay erases her and puts her back on the list.
    let still = older
        .store
        .contact(org.id, &p.contact_ref)
        .await
        .unwrap()
        .unwrap();
    assert!(still.data.email.is_some());
    let replayed = older.store.replay_erasures(&journal).await.unwrap();
    assert_eq!(replayed.len(), 1, "{replayed:?}");
    assert_eq!(replayed[0].contact_ref.as_deref(), Some("J1"));
    assert_eq!(replayed[0].suppressions_added, 2);
    let gone = older
        .store
        .contact(org.id, &p.contact_ref)
        .await
        .unwrap()
        .unwrap();
    assert!(
        gone.data.email.is_none() && gone.data.phone.is_none() && gone.data.first_name.is_none()
    );
    assert!(
        older
            .store
            .is_suppressed(org.id, "jeanne.journal@example.org")
            .await
            .unwrap()
    );
    assert!(
        older
            .store
            .is_suppressed(org.id, "+33611223344")
            .await
            .unwrap()
    );
    // Idempotent: nothing left to replay, here or on the store that erased her.
    assert!(
        older
            .store
            .replay_erasures(&journal)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.replay_erasures(&journal).await.unwrap().is_empty());
}
