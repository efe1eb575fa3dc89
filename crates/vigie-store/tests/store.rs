//! The store conformance suite: every test runs against SQLite and PostgreSQL.
//! PostgreSQL comes from `VIGIE_TEST_DATABASE_URL` (scripts/test starts one).

use tokio::sync::mpsc;
use vigie_core::{
    Action, Audience, ChannelScope, ConsentEvent, ContactRef, Email, Method, PhoneE164, Purpose,
    Region,
};
use vigie_store::both_stores;
use vigie_store::testing::{TestStore, sqlite_store};
use vigie_store::*;

#[path = "store/accounts.rs"]
mod accounts;
#[path = "store/answers.rs"]
mod answers;
#[path = "store/audit.rs"]
mod audit;
#[path = "store/breaches.rs"]
mod breaches;
#[path = "store/calls.rs"]
mod calls;
#[path = "store/coverage.rs"]
mod coverage;
#[path = "store/distribution.rs"]
mod distribution;
#[path = "store/dsar.rs"]
mod dsar;
#[path = "store/forms.rs"]
mod forms;
#[path = "store/import_runs.rs"]
mod import_runs;
#[path = "store/keys.rs"]
mod keys;
#[path = "store/links.rs"]
mod links;
#[path = "store/names.rs"]
mod names;
#[path = "store/notices.rs"]
mod notices;
#[path = "store/overview.rs"]
mod overview;
#[path = "store/preferences.rs"]
mod preferences;
#[path = "store/registers.rs"]
mod registers;
#[path = "store/requalification.rs"]
mod requalification;
#[path = "store/retention.rs"]
mod retention;
#[path = "store/retention_purges.rs"]
mod retention_purges;
#[path = "store/round_trip.rs"]
mod round_trip;
#[path = "store/webhooks.rs"]
mod webhooks;

fn contact(r: &str, email: &str, phone: &str) -> ContactData {
    ContactData {
        contact_ref: ContactRef::parse(r).unwrap(),
        email: Some(Email::parse(email).unwrap()),
        phone: Some(PhoneE164::parse(phone, Region::FR).unwrap()),
        first_name: Some("Marie".into()),
        last_name: Some("Martin".into()),
        audience: Audience::Consumer,
        customer: true,
        customer_categories: vec!["optics".into(), "audio".into()],
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

fn event(scope: ChannelScope, action: Action, at: &str) -> NewConsentEvent {
    NewConsentEvent {
        event: ConsentEvent {
            scope,
            purpose: Purpose::Marketing,
            action,
            at: at.parse().unwrap(),
            method: Method::DoubleOptIn,
        },
        notice_version: Some("v3".into()),
        source: Some("web_form".into()),
        ip: Some("203.0.113.7".into()),
        user_agent: Some("Mozilla/5.0".into()),
    }
}

async fn default_org(s: &Store) -> Organization {
    s.require_org(DEFAULT_ORG).await.unwrap()
}

/// Streams `rows` to a bulk import, then commits (or drops the sender when `commit` is false).
async fn stream<T: Send + 'static>(rows: Vec<T>, commit: bool) -> mpsc::Receiver<ImportMsg<T>> {
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        tx.send(ImportMsg::Batch(rows)).await.unwrap();
        if commit {
            tx.send(ImportMsg::Commit).await.unwrap();
        }
    });
    rx
}

both_stores! {
    contacts_insert_then_unchanged_then_updated => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let c = contact("C1", " Marie.Martin@Example.ORG ", "06 12 34 56 78");
        let (stored, outcome) = s.upsert_contact(org.id, &c).await.unwrap();
        assert_eq!(outcome, UpsertOutcome::Inserted);
        assert_eq!(stored.data, c);
        assert_eq!(stored.data.email.as_ref().unwrap().as_str(), "marie.martin@example.org");
        let (_, again) = s.upsert_contact(org.id, &c).await.unwrap();
        assert_eq!(again, UpsertOutcome::Unchanged);
        let mut changed = c.clone();
        changed.restricted = true;
        changed.last_name = None;
        let (stored, outcome) = s.upsert_contact(org.id, &changed).await.unwrap();
        assert_eq!(outcome, UpsertOutcome::Updated);
        assert_eq!(stored.data, changed);
        assert_eq!(s.contact(org.id, &c.contact_ref).await.unwrap().unwrap().data, changed);
    };

    creating_a_contact_twice_is_a_conflict_even_concurrently => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        assert_eq!(s.count_contacts(org.id).await.unwrap(), 0);
        let first = contact("C1", "a@example.org", "0612345678");
        let mut second = first.clone();
        second.last_name = Some("Other".into());
        let (a, b) = tokio::join!(s.create_contact(org.id, &first), s.create_contact(org.id, &second));
        let winner = match (a, b) {
            (Ok(c), Err(StoreError::Conflict(_))) | (Err(StoreError::Conflict(_)), Ok(c)) => c,
            other => panic!("exactly one creation must win: {other:?}"),
        };
        let stored = s.contact(org.id, &first.contact_ref).await.unwrap().unwrap();
        assert_eq!(stored.data, winner.data, "the loser changed nothing");
        assert_eq!(s.count_contacts(org.id).await.unwrap(), 1);
        let other = s.create_org("other", "Other").await.unwrap();
        assert_eq!(s.count_contacts(other.id).await.unwrap(), 0);
    };

    contacts_are_found_by_exact_identifier_and_paged => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        for i in 0..5 {
            s.upsert_contact(org.id, &contact(&format!("C{i}"), &format!("p{i}@example.org"), &format!("06 12 34 56 7{i}"))).await.unwrap();
        }
        let by_email = s.contacts(org.id, &ContactQuery { email: Some(Email::parse("P3@EXAMPLE.org").unwrap()), limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(by_email.contacts.len(), 1);
        assert_eq!(by_email.contacts[0].data.contact_ref.as_str(), "C3");
        let by_phone = s.contacts(org.id, &ContactQuery { phone: Some(PhoneE164::parse("+33612345674", Region::FR).unwrap()), limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(by_phone.contacts[0].data.contact_ref.as_str(), "C4");
        let first = s.contacts(org.id, &ContactQuery { limit: 2, ..Default::default() }).await.unwrap();
        assert_eq!(first.contacts.len(), 2);
        let second = s.contacts(org.id, &ContactQuery { limit: 2, after_id: first.next_after_id, ..Default::default() }).await.unwrap();
        let third = s.contacts(org.id, &ContactQuery { limit: 2, after_id: second.next_after_id, ..Default::default() }).await.unwrap();
        assert_eq!(third.contacts.len(), 1);
        assert_eq!(third.next_after_id, None);
        let refs: Vec<_> = [first, second, third].iter().flat_map(|p| p.contacts.iter().map(|c| c.data.contact_ref.to_string())).collect();
        assert_eq!(refs, ["C0", "C1", "C2", "C3", "C4"]);
    };

    organizations_never_see_each_other => |t: TestStore| async move {
        let s = &t.store;
        let a = default_org(s).await;
        let b = s.create_org("call-centre", "Call centre").await.unwrap();
        assert!(matches!(s.create_org("call-centre", "again").await, Err(StoreError::Conflict(_))));
        assert!(matches!(s.create_org("Bad Slug", "x").await, Err(StoreError::Invalid(_))));
        let c = contact("C1", "a@example.org", "0612345678");
        s.upsert_contact(a.id, &c).await.unwrap();
        assert!(s.contact(b.id, &c.contact_ref).await.unwrap().is_none());
        let found = s.contacts(b.id, &ContactQuery { email: c.email.clone(), limit: 10, ..Default::default() }).await.unwrap();
        assert!(found.contacts.is_empty());
        // Same contact_ref in another organization is another contact.
        let (_, outcome) = s.upsert_contact(b.id, &c).await.unwrap();
        assert_eq!(outcome, UpsertOutcome::Inserted);
    };

    ledger_appends_dedupes_and_keeps_recording_order => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let c = contact("C1", "a@example.org", "0612345678");
        s.upsert_contact(org.id, &c).await.unwrap();
        let grant = event(ChannelScope::Email, Action::Grant, "2026-01-10T08:00:00Z");
        let withdraw = event(ChannelScope::Email, Action::Withdraw, "2026-01-10T08:00:00Z");
        let (e1, new1) = s.append_event(org.id, &c.contact_ref, &grant).await.unwrap();
        let (_, new2) = s.append_event(org.id, &c.contact_ref, &withdraw).await.unwrap();
        let (e3, new3) = s.append_event(org.id, &c.contact_ref, &grant).await.unwrap();
        assert!(new1 && new2 && !new3);
        assert_eq!(e1.id, e3.id);
        let ledger = s.ledger(org.id, &c.contact_ref).await.unwrap();
        assert_eq!(ledger.len(), 2);
        assert_eq!(ledger[0].new, grant);
        assert_eq!(ledger[1].new, withdraw);
        // the proof (IP, user agent) comes back in clear
        assert_eq!(ledger[0].new.ip.as_deref(), Some("203.0.113.7"));
        let unknown = ContactRef::parse("nobody").unwrap();
        assert!(matches!(s.append_event(org.id, &unknown, &grant).await, Err(StoreError::NotFound(_))));
    };

    ledger_rows_cannot_be_updated_or_deleted => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let c = contact("C1", "a@example.org", "0612345678");
        s.upsert_contact(org.id, &c).await.unwrap();
        s.append_event(org.id, &c.contact_ref, &event(ChannelScope::Email, Action::Grant, "2026-01-10T08:00:00Z")).await.unwrap();
        let attempts = ["UPDATE consent_events SET action = 'withdraw'", "DELETE FROM consent_events"];
        for sql in attempts {
            let refused = raw_sql_fails(&t, sql).await;
            assert!(refused.contains("append-only"), "{sql}: {refused}");
        }
        assert_eq!(s.ledger(org.id, &c.contact_ref).await.unwrap()[0].new.event.action, Action::Grant);
    };

    bulk_import_commits_only_on_commit => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let crypto = s.org_crypto(org.id).await.unwrap();
        let rows: Vec<_> = (0..100).map(|i| crypto.seal_contact(&contact(&format!("C{i}"), &format!("p{i}@example.org"), "0612345678"))).collect();
        let aborted = s.import_contacts(org.id, stream(rows.clone(), false).await).await;
        assert!(matches!(aborted, Err(StoreError::ImportAborted)), "{aborted:?}");
        assert!(s.contacts(org.id, &ContactQuery { limit: 10, ..Default::default() }).await.unwrap().contacts.is_empty());
        let counts = s.import_contacts(org.id, stream(rows, true).await).await.unwrap();
        assert_eq!(counts.inserted, 100);
        // the same sealed content again (fresh nonces, same fields) changes nothing
        let again: Vec<_> = (0..100).map(|i| crypto.seal_contact(&contact(&format!("C{i}"), &format!("p{i}@example.org"), "0612345678"))).collect();
        let counts = s.import_contacts(org.id, stream(again, true).await).await.unwrap();
        assert_eq!((counts.inserted, counts.updated, counts.unchanged), (0, 0, 100));
    };

    a_load_rolled_back_after_writing_pages_midway_leaves_nothing => |t: TestStore| async move {
        // SQLite loads write filled pages while waiting for rows (every 65,536 rows): a load that
        // fails after that must still leave the store as it was.
        let s = &t.store;
        let org = default_org(s).await;
        let crypto = s.org_crypto(org.id).await.unwrap();
        s.upsert_contact(org.id, &contact("OLD", "old@example.org", "0600000001")).await.unwrap();
        let size = || t.sqlite_file.as_ref().map(|f| std::fs::metadata(f).unwrap().len());
        let before = size();
        let (tx, rx) = mpsc::channel(4);
        let feed = async move {
            for b in 0..2 {
                let batch: Vec<_> = (0..35_000)
                    .map(|i| crypto.seal_contact(&contact(&format!("L{b}-{i:05}"), &format!("l{b}.{i}@example.org"), "0612345678")))
                    .collect();
                tx.send(ImportMsg::Batch(batch)).await.unwrap();
            }
            // The writer waits for more rows now: it writes what it has.
            let mut grown = false;
            for _ in 0..100 {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                if size() > before.map(|b| b + (4 << 20)) {
                    grown = true;
                    break;
                }
            }
            grown
            // `tx` dropped here: the reader gives up, the load rolls back.
        };
        let (aborted, grown) = tokio::join!(s.import_contacts(org.id, rx), feed);
        assert_eq!(grown, before.is_some(), "a SQLite load writes pages before its commit");
        assert!(matches!(aborted, Err(StoreError::ImportAborted)), "{aborted:?}");
        let page = s.contacts(org.id, &ContactQuery { limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(page.contacts.len(), 1);
        assert_eq!(page.contacts[0].data.contact_ref.as_str(), "OLD");
        if let Some(file) = &t.sqlite_file {
            let conn = rusqlite::Connection::open(file).unwrap();
            let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
            assert_eq!(check, "ok");
            let n: i64 = conn.query_row("SELECT count(*) FROM contacts", [], |r| r.get(0)).unwrap();
            assert_eq!(n, 1);
        }
    };

    bulk_imports_keep_identifier_searches_exact => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let crypto = s.org_crypto(org.id).await.unwrap();
        let by_email = |e: &str| ContactQuery { email: Some(Email::parse(e).unwrap()), limit: 10, ..Default::default() };
        let by_phone = |p: &str| ContactQuery { phone: Some(PhoneE164::parse(p, Region::FR).unwrap()), limit: 10, ..Default::default() };
        let refs = |page: ContactPage| page.contacts.iter().map(|c| c.data.contact_ref.to_string()).collect::<Vec<_>>();
        s.upsert_contact(org.id, &contact("OLD", "old@example.org", "0600000001")).await.unwrap();
        // One load: new contacts, one of them changed again later in the same load, and a
        // contact that existed before the load changed.
        let first: Vec<_> = (0..3).map(|i| crypto.seal_contact(&contact(&format!("C{i}"), &format!("p{i}@example.org"), &format!("061234567{i}")))).collect();
        let later = vec![
            crypto.seal_contact(&contact("C1", "moved@example.org", "0612345671")),
            crypto.seal_contact(&contact("OLD", "renamed@example.org", "0600000009")),
        ];
        let (tx, rx) = mpsc::channel(4);
        tokio::spawn(async move {
            tx.send(ImportMsg::Batch(first)).await.unwrap();
            tx.send(ImportMsg::Batch(later)).await.unwrap();
            tx.send(ImportMsg::Commit).await.unwrap();
        });
        let counts = s.import_contacts(org.id, rx).await.unwrap();
        assert_eq!((counts.inserted, counts.updated), (3, 2));
        assert_eq!(refs(s.contacts(org.id, &by_email("p0@example.org")).await.unwrap()), ["C0"]);
        assert_eq!(refs(s.contacts(org.id, &by_email("p1@example.org")).await.unwrap()), Vec::<String>::new());
        assert_eq!(refs(s.contacts(org.id, &by_email("moved@example.org")).await.unwrap()), ["C1"]);
        assert_eq!(refs(s.contacts(org.id, &by_phone("0612345671")).await.unwrap()), ["C1"]);
        assert_eq!(refs(s.contacts(org.id, &by_phone("0612345672")).await.unwrap()), ["C2"]);
        assert_eq!(refs(s.contacts(org.id, &by_email("old@example.org")).await.unwrap()), Vec::<String>::new());
        assert_eq!(refs(s.contacts(org.id, &by_email("renamed@example.org")).await.unwrap()), ["OLD"]);
        assert_eq!(refs(s.contacts(org.id, &by_phone("0600000001")).await.unwrap()), Vec::<String>::new());
        assert_eq!(refs(s.contacts(org.id, &by_phone("0600000009")).await.unwrap()), ["OLD"]);
        // Two contacts may share an identifier; both are found, in id order.
        s.upsert_contact(org.id, &contact("TWIN", "p0@example.org", "0612345670")).await.unwrap();
        assert_eq!(refs(s.contacts(org.id, &by_email("p0@example.org")).await.unwrap()), ["C0", "TWIN"]);
        let both = ContactQuery { email: Some(Email::parse("p0@example.org").unwrap()), phone: Some(PhoneE164::parse("0612345670", Region::FR).unwrap()), limit: 10, ..Default::default() };
        assert_eq!(refs(s.contacts(org.id, &both).await.unwrap()), ["C0", "TWIN"]);
        // An API update moves the entries too.
        s.upsert_contact(org.id, &contact("TWIN", "twin@example.org", "0612345670")).await.unwrap();
        assert_eq!(refs(s.contacts(org.id, &by_email("p0@example.org")).await.unwrap()), ["C0"]);
        assert_eq!(refs(s.contacts(org.id, &by_email("twin@example.org")).await.unwrap()), ["TWIN"]);
        // Other organizations see none of it.
        let other = s.create_org("other", "Other").await.unwrap();
        assert!(s.contacts(other.id, &by_email("p0@example.org")).await.unwrap().contacts.is_empty());
    };

    bulk_events_find_their_contacts_in_any_order => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let crypto = s.org_crypto(org.id).await.unwrap();
        // Contacts R00000, R00002, … R09998 (more than one window of the SQLite reader).
        let contacts: Vec<_> = (0..10_000).step_by(2).map(|i| crypto.seal_contact(&contact(&format!("R{i:05}"), &format!("r{i}@example.org"), "0612345678"))).collect();
        s.import_contacts(org.id, stream(contacts, true).await).await.unwrap();
        let mut e = event(ChannelScope::Email, Action::Grant, "2026-01-10T08:00:00Z");
        e.ip = None;
        e.user_agent = None;
        // Ascending references (every third number: known when even), then some behind, some
        // before the first and after the last contact.
        let mut refs: Vec<String> = (0..10_000).step_by(3).map(|i| format!("R{i:05}")).collect();
        refs.extend(["R00010", "R00011", "R05000", "A0", "R09998", "R99999", "R00000"].map(String::from));
        let known = |r: &str| r.starts_with('R') && r[1..].parse::<u32>().is_ok_and(|n| n % 2 == 0 && n < 10_000);
        let expected_unknown: Vec<(u64, String)> = refs.iter().enumerate().filter(|(_, r)| !known(r)).map(|(i, r)| (i as u64 + 2, r.clone())).collect();
        let expected_known = refs.iter().filter(|r| known(r)).count() as u64;
        let mut reversed = refs.clone();
        reversed.reverse();
        for (n, order) in [refs, reversed].into_iter().enumerate() {
            // Each run's events differ (another instant), so both are new.
            let mut ev = e.clone();
            ev.event.at = format!("2026-01-1{n}T08:00:00Z").parse().unwrap();
            let rows: Vec<_> = order.iter().enumerate().map(|(i, r)| crypto.seal_event(i as u64 + 2, r, &ev, None)).collect();
            let (counts, unknown) = s.import_events(org.id, stream(rows, true).await, true).await.unwrap();
            // R00000 is there twice with the same content: one event.
            assert_eq!((counts.inserted, counts.unchanged), (expected_known - 1, 1), "run {n}");
            assert_eq!(counts.rejected, (order.len() as u64) - expected_known, "run {n}");
            if n == 0 {
                assert_eq!(unknown, expected_unknown);
            }
        }
        let ledger = s.ledger(org.id, &ContactRef::parse("R00000").unwrap()).await.unwrap();
        assert_eq!(ledger.len(), 2);
        assert_eq!(s.ledger(org.id, &ContactRef::parse("R09996").unwrap()).await.unwrap().len(), 2);
        assert_eq!(s.ledger(org.id, &ContactRef::parse("R00002").unwrap()).await.unwrap().len(), 0);
    };

    bulk_events_for_unknown_contacts_roll_back_unless_skipped => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let crypto = s.org_crypto(org.id).await.unwrap();
        let c = contact("C1", "a@example.org", "0612345678");
        s.upsert_contact(org.id, &c).await.unwrap();
        let mut e = event(ChannelScope::Sms, Action::Grant, "2026-01-10T08:00:00Z");
        e.ip = None;
        e.user_agent = None;
        let rows = vec![crypto.seal_event(2, "C1", &e, None), crypto.seal_event(3, "GHOST", &e, None)];
        let refused = s.import_events(org.id, stream(rows.clone(), true).await, false).await;
        match refused {
            Err(StoreError::UnknownContacts(u)) => assert_eq!(u, vec![(3, "GHOST".to_string())]),
            other => panic!("expected UnknownContacts, got {other:?}"),
        }
        assert!(s.ledger(org.id, &c.contact_ref).await.unwrap().is_empty(), "nothing stored after a refused import");
        let (counts, unknown) = s.import_events(org.id, stream(rows.clone(), true).await, true).await.unwrap();
        assert_eq!((counts.inserted, counts.rejected), (1, 1));
        assert_eq!(unknown, vec![(3, "GHOST".to_string())]);
        let (counts, _) = s.import_events(org.id, stream(rows, true).await, true).await.unwrap();
        assert_eq!((counts.inserted, counts.unchanged), (0, 1));
        assert_eq!(s.ledger(org.id, &c.contact_ref).await.unwrap().len(), 1);
    };

    suppression_and_opposition_lists => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let crypto = s.org_crypto(org.id).await.unwrap();
        let h = vigie_core::suppression_hash("a@example.org");
        let counts = s.import_suppression(org.id, vec![h, h, vigie_core::suppression_hash("b@example.org")]).await.unwrap();
        assert_eq!(counts.inserted, 2);
        assert!(s.is_suppressed(org.id, "a@example.org").await.unwrap());
        assert!(!s.is_suppressed(org.id, "c@example.org").await.unwrap());
        let p = PhoneE164::parse("+33612345678", Region::FR).unwrap();
        let counts = s.import_opposition(org.id, vec![crypto.index.phone_index(&p)]).await.unwrap();
        assert_eq!(counts.inserted, 1);
        assert!(s.on_opposition_list(org.id, &p).await.unwrap());
        assert!(!s.on_opposition_list(org.id, &PhoneE164::parse("+33612345679", Region::FR).unwrap()).await.unwrap());
        let counts = s.import_opposition(org.id, vec![crypto.index.phone_index(&p)]).await.unwrap();
        assert_eq!((counts.inserted, counts.unchanged), (0, 1));
    };

    data_version_moves_with_writes_only => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let v0 = s.data_version(org.id).await.unwrap();
        let c = contact("C1", "a@example.org", "0612345678");
        s.upsert_contact(org.id, &c).await.unwrap();
        let v1 = s.data_version(org.id).await.unwrap();
        assert!(v1 > v0);
        s.upsert_contact(org.id, &c).await.unwrap();
        assert_eq!(s.data_version(org.id).await.unwrap(), v1, "an unchanged upsert is not a write");
    };

    a_wrong_master_key_cannot_open_the_data => |t: TestStore| async move {
        let org = default_org(&t.store).await;
        t.store.upsert_contact(org.id, &contact("C1", "a@example.org", "0612345678")).await.unwrap();
        let other = Vault::new(SecretKey::from_bytes([7u8; 32]));
        let reopened = t.reopen_with(other).await.unwrap();
        let err = reopened.contact(org.id, &ContactRef::parse("C1").unwrap()).await.unwrap_err();
        assert!(err.to_string().contains("master key"), "{err}");
    };
}

/// Runs one raw statement behind the store's back and returns its error text ("" if it passed).
async fn raw_sql_fails(t: &TestStore, sql: &str) -> String {
    t.raw_sql(sql).await.err().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_files_hold_no_identifier_in_clear() {
    let t = sqlite_store().await;
    let org = default_org(&t.store).await;
    let c = contact("C1", "unique.marker@example.org", "06 98 76 54 32");
    t.store.upsert_contact(org.id, &c).await.unwrap();
    let mut e = event(ChannelScope::Email, Action::Grant, "2026-01-10T08:00:00Z");
    e.ip = Some("198.51.100.77".into());
    t.store
        .append_event(org.id, &c.contact_ref, &e)
        .await
        .unwrap();
    let db = t.sqlite_file.clone().unwrap();
    // The main file and its write-ahead log, where the latest pages live.
    let mut bytes = std::fs::read(&db).unwrap();
    bytes.extend(std::fs::read(db.with_extension("db-wal")).unwrap_or_default());
    assert!(bytes.len() > 4096);
    for needle in [
        "unique.marker",
        "+33698765432",
        "698765432",
        "Martin",
        "198.51.100.77",
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} found in clear"
        );
    }
    // The same scan finds what is stored in clear, so it can fail.
    assert!(bytes.windows(8).any(|w| w == b"web_form"));
}
