//! The preference centre's change, on both stores: all of its ledger events (and the outbox rows
//! their triggers write) or none.

use vigie_core::preferences::PreferenceChange;
use vigie_core::webhooks::{EndpointUrl, WebhookEvent};
use vigie_store::{LinkedPerson, NewWebhook, PersonProof};

use super::*;

/// A trigger that refuses the ledger event of `purpose`, as a failure half-way through a change.
fn failing_trigger(t: &TestStore, purpose: &str) -> String {
    if t.pg.is_some() {
        format!(
            "CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$; \
             CREATE TRIGGER refuse_event BEFORE INSERT ON consent_events FOR EACH ROW \
             WHEN (NEW.purpose = '{purpose}') EXECUTE FUNCTION refuse_event();"
        )
    } else {
        format!(
            "CREATE TRIGGER refuse_event BEFORE INSERT ON consent_events \
             WHEN NEW.purpose = '{purpose}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
        )
    }
}

async fn a_preference_change_is_written_whole_or_not_at_all(t: TestStore) {
    let s = &t.store;
    let org = default_org(s).await;
    let c = contact("C1", "a@example.org", "0612345678");
    s.upsert_contact(org.id, &c).await.unwrap();
    let id = s.contact(org.id, &c.contact_ref).await.unwrap().unwrap().id;
    s.create_webhook(
        org.id,
        &NewWebhook {
            name: "crm".into(),
            url: EndpointUrl::parse("http://127.0.0.1:9/hook").unwrap(),
            events: vec![WebhookEvent::ConsentWithdraw],
        },
        AuditEvent {
            actor: "user:admin@example.org".into(),
            action: "webhook.create".into(),
            ..AuditEvent::default()
        },
    )
    .await
    .unwrap();
    let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24);
    let token = s
        .link_signer(org.id)
        .await
        .unwrap()
        .preferences_token(LinkedPerson::Contact(id), expires);
    let events = || async { s.ledger(org.id, &c.contact_ref).await.unwrap().len() };
    let outbox = || async {
        t.raw_count("SELECT COUNT(*) FROM webhook_outbox")
            .await
            .unwrap()
    };

    // Everything withdrawn is one event per purpose; the second one fails.
    let purposes = vigie_core::Purpose::ALL;
    assert!(purposes.len() >= 3);
    t.raw_sql(&failing_trigger(&t, &purposes[1].to_string()))
        .await
        .unwrap();
    let failed = s
        .change_preferences(
            org.id,
            &token,
            &PreferenceChange::WithdrawAll,
            jiff::Timestamp::now(),
            PersonProof::default(),
        )
        .await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(
        events().await,
        0,
        "a failure half-way left part of the change in the ledger"
    );
    assert_eq!(outbox().await, 0, "a failure half-way left outbox rows");

    let drop = if t.pg.is_some() {
        "DROP TRIGGER refuse_event ON consent_events"
    } else {
        "DROP TRIGGER refuse_event"
    };
    t.raw_sql(drop).await.unwrap();
    let written = s
        .change_preferences(
            org.id,
            &token,
            &PreferenceChange::WithdrawAll,
            jiff::Timestamp::now(),
            PersonProof::default(),
        )
        .await
        .unwrap();
    assert_eq!(written, purposes.len());
    assert_eq!(events().await, purposes.len());
    assert_eq!(outbox().await, purposes.len() as i64);
}

both_stores! {
    preference_change_is_written_whole_or_not_at_all => a_preference_change_is_written_whole_or_not_at_all;
}
