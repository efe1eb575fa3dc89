//! Fulfilment of each kind of request, on both stores, with connected systems and a processor.

use std::io::Read;

use vigie_core::dsar::{RequestKind, RequestStatus};
use vigie_core::{Action, ChannelScope, ConsentEvent, Email, Method, PhoneE164, Purpose};
use vigie_dsar::{Actor, Dsar, DsarError, Systems, notify};
use vigie_store::testing::TestStore;
use vigie_store::*;

use crate::harness::*;

fn dpo() -> Actor {
    Actor {
        name: "cli:dpo".into(),
        role: Some("dpo".into()),
        origin: Some("cli".into()),
    }
}

fn by_email() -> Identifier {
    Identifier::Email(Email::parse(EMAIL).unwrap())
}

async fn seed(t: &TestStore, customer: bool) -> Organization {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap();
    let p = person("P1", customer);
    s.create_contact(org.id, &p).await.unwrap();
    s.append_event(
        org.id,
        &p.contact_ref,
        &NewConsentEvent {
            event: ConsentEvent {
                scope: ChannelScope::Email,
                purpose: Purpose::Newsletter,
                action: Action::Grant,
                at: "2025-03-01T09:05:00Z".parse().unwrap(),
                method: Method::DoubleOptIn,
            },
            notice_version: Some("v2".into()),
            source: Some("stand-salon-2025".into()),
            ip: Some("192.0.2.77".into()),
            user_agent: Some("InesPhone/1.0".into()),
        },
    )
    .await
    .unwrap();
    org
}

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        out.insert(f.name().unwrap().into_owned(), s);
    }
    out
}

async fn access_gathers_everything_into_one_archive(t: TestStore) {
    let org = seed(&t, false).await;
    let dir = tempfile::tempdir().unwrap();
    let shop = shop_db(dir.path());
    let (hook, _) = webhook().await;
    let pg = crm_schema().await;
    let systems = Systems::parse(&systems_yaml(&shop, Some((&pg.0, &pg.1)), &hook)).unwrap();
    let dsar = Dsar::new(t.store.clone()).with_systems(systems);
    let filed = dsar
        .file(
            &org,
            RequestKind::Access,
            by_email(),
            false,
            None,
            &Actor::public(None),
        )
        .await
        .unwrap();
    // Not yet verified: fulfilment waits.
    let early = dsar.fulfil(&org, filed.request.id, &dpo()).await;
    assert!(early.unwrap_err().to_string().contains("proof of identity"));
    dsar.verify(&org, filed.request.id, &Actor::public(None))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let done = dsar.fulfil(&org, filed.request.id, &dpo()).await.unwrap();
    assert!(started.elapsed().as_secs() < 5);
    assert_eq!(done.request.clock.status, RequestStatus::Completed);
    let archive = done.archive.unwrap();
    let files = unzip(&archive.bytes);
    assert!(files["LISEZMOI-README.txt"].starts_with("VOS DONNÉES PERSONNELLES"));
    assert!(files["LISEZMOI-README.txt"].contains("YOUR PERSONAL DATA"));
    assert!(files["LISEZMOI-README.txt"].contains("callcentre"));
    assert!(files["LISEZMOI-README.txt"].contains("10 ans"));
    assert!(files["contact.json"].contains(EMAIL));
    assert!(files["contact.csv"].contains(PHONE));
    // The ledger, with its proof.
    assert!(files["consent_ledger.json"].contains("\"newsletter\""));
    assert!(files["consent_ledger.json"].contains("192.0.2.77"));
    assert!(files["consent_ledger.csv"].contains("InesPhone/1.0"));
    assert!(files["requests.json"].contains("\"verified\""));
    assert!(files["lists.json"].contains("\"email_suppressed\": false"));
    // Connected systems: the person's rows only.
    assert!(files["systems/shop/customers.json"].contains("prefers mornings"));
    assert!(!files["systems/shop/customers.json"].contains(OTHER_EMAIL));
    assert!(files["systems/shop/invoices.csv"].contains("12900"));
    let crm = format!("systems/crm/{}.people.json", pg.1);
    assert!(files[&crm].contains("Inès Baradel"), "{files:?}");
    assert!(!files[&crm].contains("Paul"));
    assert!(files.contains_key("manifest.json"));
    // The outcome names the archive by hash, with no personal data.
    let outcome = done.request.outcome.unwrap();
    assert_eq!(
        outcome["systems"][0],
        serde_json::json!({"system": "shop", "table": "customers", "rows": 1})
    );
    let outcome = outcome.to_string();
    assert!(outcome.contains(&archive.sha256));
    assert!(!outcome.contains(EMAIL));
    // The audit trail holds the steps and still verifies.
    let entries = t.store.audit_entries(org.id, 0, 100).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "dsar.file",
            "dsar.verified",
            "contact.export",
            "dsar.fulfil"
        ]
    );
    assert!(entries.iter().all(|e| !format!("{e:?}").contains(EMAIL)));
    assert!(t.store.verify_audit().await.unwrap().intact());
}

async fn erasure_leaves_nothing_in_clear_and_nothing_comes_back(t: TestStore) {
    let org = seed(&t, false).await;
    let dir = tempfile::tempdir().unwrap();
    let shop = shop_db(dir.path());
    let (hook, got) = webhook().await;
    let pg = crm_schema().await;
    let systems = Systems::parse(&systems_yaml(&shop, Some((&pg.0, &pg.1)), &hook)).unwrap();
    let dsar = Dsar::new(t.store.clone()).with_systems(systems);
    let filed = dsar
        .file(&org, RequestKind::Erasure, by_email(), true, None, &dpo())
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let done = dsar.fulfil(&org, filed.request.id, &dpo()).await.unwrap();
    assert!(started.elapsed().as_secs() < 5);
    let outcome = done.request.outcome.clone().unwrap();
    assert_eq!(outcome["erasure"]["disposition"], "erased");
    assert_eq!(done.request.identifier, None);
    let text = outcome.to_string();
    assert!(!text.contains(EMAIL) && !text.contains(PHONE), "{text}");

    // Vigie: shredded, suppressed, tombstoned.
    let s = &t.store;
    let c = s
        .contact(org.id, &vigie_core::ContactRef::parse("P1").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (c.data.email, c.data.phone, c.data.first_name),
        (None, None, None)
    );
    assert!(s.is_suppressed(org.id, EMAIL).await.unwrap());
    assert!(s.is_suppressed(org.id, PHONE).await.unwrap());
    let tombs = s.tombstones(org.id, 0, 10).await.unwrap();
    assert_eq!(tombs.len(), 1);
    assert_eq!(tombs[0].request_id, filed.request.id);
    assert!(!tombs[0].actions.to_string().contains(EMAIL));
    // Re-importing the person's row does not bring them back.
    let (_, outcome) = s
        .upsert_contact(org.id, &person("P1", false))
        .await
        .unwrap();
    assert_eq!(outcome, UpsertOutcome::Unchanged);

    // Connected systems: each table's strategy applied to the person's rows only.
    let results = &outcome_systems(&done.request);
    assert!(results.contains(&("shop".into(), "customers".into(), "updated".into(), 1)));
    assert!(results.contains(&("shop".into(), "newsletter".into(), "deleted".into(), 1)));
    assert!(results.contains(&(
        "shop".into(),
        "invoices".into(),
        "kept_legal_hold".into(),
        1
    )));
    assert!(results.contains(&(
        "crm".into(),
        format!("{}.people", pg.1),
        "updated".into(),
        1
    )));
    let shop_files = with_companions(&shop);
    for needle in [EMAIL, PHONE, "Inès", "prefers mornings"] {
        assert!(
            !in_files(&shop_files, needle),
            "{needle} still in the shop database"
        );
    }
    assert!(
        in_files(&shop_files, OTHER_EMAIL),
        "someone else's row was touched"
    );
    let c = rusqlite::Connection::open(&shop).unwrap();
    let hashed: String = c
        .query_row(
            "SELECT email FROM customers WHERE crm_ref = 'P1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hashed.len(), 64);
    let invoices: i64 = c
        .query_row(
            "SELECT count(*) FROM invoices WHERE customer_ref = 'P1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(invoices, 1);
    let people = pg_rows(
        &pg.0,
        &format!("SELECT coalesce(email, '') || '|' || coalesce(phone, '') || '|' || name FROM {}.people ORDER BY id", pg.1),
    )
    .await;
    assert_eq!(people.len(), 2);
    assert!(
        !people[0].contains(EMAIL) && people[0].ends_with("||[effacé]"),
        "{people:?}"
    );
    assert!(people[1].contains(OTHER_EMAIL));

    // The processor was told, with a valid signature.
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert!(notify::verify(
        b"hook-secret",
        &got[0].signature,
        &got[0].body
    ));
    let body: serde_json::Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(body["event"], "dsar.erasure");
    assert_eq!(body["subject"]["emails"][0], EMAIL);
    let steps: Vec<String> = s
        .request_history(org.id, filed.request.id)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.step)
        .collect();
    assert_eq!(steps, ["filed", "processor_notified", "fulfilled"]);

    // Nothing in clear in Vigie's own SQLite files.
    if let Some(file) = &t.sqlite_file {
        let files = with_companions(file);
        for needle in [EMAIL, PHONE, "Baradel", "192.0.2.77", "InesPhone"] {
            assert!(
                !in_files(&files, needle),
                "{needle} found in clear in the store"
            );
        }
    }
    assert!(s.verify_audit().await.unwrap().intact());
}

fn outcome_systems(r: &Request) -> Vec<(String, String, String, u64)> {
    r.outcome.as_ref().unwrap()["erasure"]["systems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["system"].as_str().unwrap().to_owned(),
                v["table"].as_str().unwrap().to_owned(),
                v["action"].as_str().unwrap().to_owned(),
                v["rows"].as_u64().unwrap(),
            )
        })
        .collect()
}

async fn a_customer_is_archived_and_restricted_not_erased(t: TestStore) {
    let org = seed(&t, true).await;
    let dsar = Dsar::new(t.store.clone());
    let filed = dsar
        .file(&org, RequestKind::Erasure, by_email(), true, None, &dpo())
        .await
        .unwrap();
    let done = dsar.fulfil(&org, filed.request.id, &dpo()).await.unwrap();
    let e = &done.request.outcome.as_ref().unwrap()["erasure"];
    assert_eq!(e["disposition"], "archived_and_restricted");
    assert_eq!(e["legal_hold"], "accounting");
    assert!(e["answer_fr"].as_str().unwrap().contains("10 ans"));
    let c = t
        .store
        .contact(org.id, &vigie_core::ContactRef::parse("P1").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(c.data.restricted);
    assert_eq!(c.data.email.as_ref().map(|e| e.as_str()), Some(EMAIL));
    assert!(t.store.is_suppressed(org.id, EMAIL).await.unwrap());
    assert!(t.store.tombstones(org.id, 0, 10).await.unwrap().is_empty());
    assert!(t.store.verify_audit().await.unwrap().intact());
    // Issue 12: a routine re-import of the contact (restricted: false) keeps it restricted.
    let mut again = c.data.clone();
    again.restricted = false;
    let (c, _) = t.store.upsert_contact(org.id, &again).await.unwrap();
    assert!(
        c.data.restricted,
        "a re-import lifted the erasure's restriction"
    );
}

async fn rectification_restriction_and_objection(t: TestStore) {
    let org = seed(&t, false).await;
    let (hook, got) = webhook().await;
    let systems = Systems::parse(&format!(
        "processors:\n  - name: callcentre\n    webhook: {hook}\n    secret: hook-secret\n"
    ))
    .unwrap();
    let dsar = Dsar::new(t.store.clone()).with_systems(systems);
    let p1 = vigie_core::ContactRef::parse("P1").unwrap();

    // Rectification without corrections is refused at filing, naming the field.
    let refused = dsar
        .file(
            &org,
            RequestKind::Rectification,
            by_email(),
            true,
            None,
            &dpo(),
        )
        .await;
    assert!(
        matches!(&refused, Err(DsarError::Invalid { field, .. }) if field == "corrections"),
        "{refused:?}"
    );
    let corrections = Corrections {
        phone: Some(PhoneE164::parse_e164("+33611223344").unwrap()),
        last_name: Some("Baradel-Nguyen".into()),
        ..Default::default()
    };
    let filed = dsar
        .file(
            &org,
            RequestKind::Rectification,
            by_email(),
            true,
            Some(corrections.clone()),
            &dpo(),
        )
        .await
        .unwrap();
    assert_eq!(filed.request.corrections.as_ref(), Some(&corrections));
    let done = dsar.fulfil(&org, filed.request.id, &dpo()).await.unwrap();
    assert_eq!(
        done.request.outcome.unwrap()["rectification"]["fields"],
        serde_json::json!(["phone", "last_name"])
    );
    let c = t.store.contact(org.id, &p1).await.unwrap().unwrap();
    assert_eq!(c.data.phone.as_ref().unwrap().as_str(), "+33611223344");
    let versions = t.store.contact_versions(org.id, &p1).await.unwrap();
    assert_eq!(
        versions[0]
            .previous
            .as_ref()
            .unwrap()
            .phone
            .as_ref()
            .unwrap()
            .as_str(),
        PHONE
    );

    // Restriction, then lifted.
    let filed = dsar
        .file(
            &org,
            RequestKind::Restriction,
            by_email(),
            true,
            None,
            &dpo(),
        )
        .await
        .unwrap();
    dsar.fulfil(&org, filed.request.id, &dpo()).await.unwrap();
    assert!(
        t.store
            .contact(org.id, &p1)
            .await
            .unwrap()
            .unwrap()
            .data
            .restricted
    );
    dsar.lift_restriction(&org, &p1, "accuracy checked", &dpo())
        .await
        .unwrap();
    assert!(
        !t.store
            .contact(org.id, &p1)
            .await
            .unwrap()
            .unwrap()
            .data
            .restricted
    );

    // Objection: an `object` event on channel any.
    let filed = dsar
        .file(
            &org,
            RequestKind::Objection,
            by_email(),
            true,
            None,
            &Actor::public(None),
        )
        .await
        .unwrap();
    dsar.fulfil(&org, filed.request.id, &dpo()).await.unwrap();
    let ledger = t.store.ledger(org.id, &p1).await.unwrap();
    assert!(ledger.iter().any(|e| e.new.event.scope == ChannelScope::Any
        && e.new.event.action == Action::Object
        && e.new.event.purpose == Purpose::Marketing));

    // The processor heard of the rectification, the restriction and its lifting, signed.
    let got = got.lock().unwrap().clone();
    let events: Vec<String> = got
        .iter()
        .map(|r| {
            assert!(notify::verify(b"hook-secret", &r.signature, &r.body));
            serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        events,
        [
            "dsar.rectification",
            "dsar.restriction",
            "dsar.restriction_lifted"
        ]
    );
    let rect: serde_json::Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(rect["corrections"]["phone"], "+33611223344");
    assert!(t.store.verify_audit().await.unwrap().intact());
}

vigie_store::both_stores! {
    fulfil_access => access_gathers_everything_into_one_archive;
    fulfil_erasure => erasure_leaves_nothing_in_clear_and_nothing_comes_back;
    fulfil_erasure_under_legal_hold => a_customer_is_archived_and_restricted_not_erased;
    fulfil_rectification_restriction_objection => rectification_restriction_and_objection;
}
