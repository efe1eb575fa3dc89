//! The call log on both stores: all-or-nothing batches, the ledger grant of `consent_given` in
//! the same transaction, the count the engine reads, and append-only rows.

use vigie_core::{
    Action, CallOutcome, CallWindow, ChannelScope, ContactRef, Method, PhoneE164, Region, Timestamp,
};
use vigie_store::both_stores;
use vigie_store::testing::TestStore;
use vigie_store::*;

use super::{contact, default_org, raw_sql_fails};

fn call(line: u64, contact_ref: &str, at: &str, outcome: CallOutcome) -> NewCall {
    NewCall {
        line,
        to: CallTo::Contact {
            contact_ref: ContactRef::parse(contact_ref).unwrap(),
            phone: None,
        },
        at: at.parse().unwrap(),
        outcome,
        campaign: Some("spring".into()),
        agent: Some("agent-7".into()),
    }
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

both_stores! {
    consent_given_appends_a_ledger_grant_pointing_at_the_call => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let c = contact("C1", "a@example.org", "0612345678");
        s.upsert_contact(org.id, &c).await.unwrap();
        let before = s.data_version(org.id).await.unwrap();
        let logged = s
            .log_calls(org.id, vec![
                call(1, "C1", "2026-03-02T09:30:00Z", CallOutcome::NoAnswer),
                call(2, "C1", "2026-03-03T09:30:00Z", CallOutcome::ConsentGiven),
            ])
            .await
            .unwrap();
        assert_eq!(logged.len(), 2);
        assert_eq!(logged[0].consent_event_id, None);
        let grant_id = logged[1].consent_event_id.expect("a grant for consent_given");
        assert!(s.data_version(org.id).await.unwrap() > before, "a logged call makes caches stale");
        let ledger = s.ledger(org.id, &c.contact_ref).await.unwrap();
        assert_eq!(ledger.len(), 1);
        let grant = &ledger[0];
        assert_eq!(grant.id, grant_id);
        assert_eq!(grant.new.event.scope, ChannelScope::Phone);
        assert_eq!(grant.new.event.action, Action::Grant);
        assert_eq!(grant.new.event.method, Method::PhoneRecorded);
        assert_eq!(grant.new.event.at, ts("2026-03-03T09:30:00Z"));
        assert_eq!(grant.new.source.as_deref(), Some(format!("call:{}", logged[1].id).as_str()));
    };

    a_batch_with_an_unknown_contact_stores_nothing_and_names_the_line => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let c = contact("C1", "a@example.org", "0612345678");
        s.upsert_contact(org.id, &c).await.unwrap();
        let window = CallWindow { from: ts("2026-01-01T00:00:00Z"), to: ts("2026-12-31T00:00:00Z") };
        let err = s
            .log_calls(org.id, vec![
                call(2, "C1", "2026-03-02T09:30:00Z", CallOutcome::ConsentGiven),
                call(3, "C404", "2026-03-02T09:35:00Z", CallOutcome::Busy),
            ])
            .await
            .unwrap_err();
        match &err {
            StoreError::CallTarget { line, column, reason } => {
                assert_eq!((*line, *column), (3, "contact_ref"));
                assert!(reason.contains("C404"), "{reason}");
            }
            other => panic!("expected a call target error, got {other:?}"),
        }
        let id = s.contact(org.id, &c.contact_ref).await.unwrap().unwrap().id;
        assert_eq!(s.call_count(org.id, id, window).await.unwrap().attempts, 0);
        assert!(s.ledger(org.id, &c.contact_ref).await.unwrap().is_empty());
    };

    calls_are_found_by_number_and_counted_for_the_engine => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        s.upsert_contact(org.id, &contact("C1", "a@example.org", "0612345678")).await.unwrap();
        s.upsert_contact(org.id, &contact("C2", "b@example.org", "0611111111")).await.unwrap();
        s.upsert_contact(org.id, &contact("C3", "c@example.org", "0611111111")).await.unwrap();
        let by_number = |line, phone: &str, at: &str, outcome| NewCall {
            line,
            to: CallTo::Number(PhoneE164::parse(phone, Region::FR).unwrap()),
            at: ts(at),
            outcome,
            campaign: None,
            agent: None,
        };
        let logged = s
            .log_calls(org.id, vec![
                by_number(1, "06 12 34 56 78", "2026-01-20T09:00:00Z", CallOutcome::Refused),
                by_number(2, "+33612345678", "2026-03-05T09:00:00Z", CallOutcome::Busy),
                call(3, "C1", "2026-03-06T09:00:00Z", CallOutcome::Voicemail),
                call(4, "C1", "2026-03-07T09:00:00Z", CallOutcome::Answered),
            ])
            .await
            .unwrap();
        assert!(logged.iter().all(|l| l.contact_ref == "C1"));
        let ambiguous = s
            .log_calls(org.id, vec![by_number(9, "0611111111", "2026-03-05T09:00:00Z", CallOutcome::Busy)])
            .await
            .unwrap_err();
        assert!(matches!(ambiguous, StoreError::CallTarget { line: 9, column: "phone", .. }), "{ambiguous:?}");
        let id = s.contact(org.id, &ContactRef::parse("C1").unwrap()).await.unwrap().unwrap().id;
        let count = s
            .call_count(org.id, id, CallWindow::before(ts("2026-03-08T09:00:00Z"), vigie_core::Jurisdiction::Fr.time_zone()))
            .await
            .unwrap();
        // The refusal of 20 January is outside the 30 days but is the latest refusal.
        assert_eq!(count.attempts, 3);
        assert_eq!(count.last_refusal_at, Some(ts("2026-01-20T09:00:00Z")));
    };

    call_log_rows_cannot_be_updated_or_deleted => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        s.upsert_contact(org.id, &contact("C1", "a@example.org", "0612345678")).await.unwrap();
        s.log_calls(org.id, vec![call(1, "C1", "2026-03-02T09:30:00Z", CallOutcome::Refused)]).await.unwrap();
        for sql in ["UPDATE calls SET outcome = 'answered'", "DELETE FROM calls"] {
            let refused = raw_sql_fails(&t, sql).await;
            assert!(refused.contains("append-only"), "{sql}: {refused}");
        }
    };
}

mod settings {
    use super::*;

    both_stores! {
        organization_settings_default_to_france_and_are_kept_per_organization => |t: TestStore| async move {
            let s = &t.store;
            let org = default_org(s).await;
            let other = s.create_org("other", "Other").await.unwrap();
            assert_eq!(s.org_settings(org.id).await.unwrap(), vigie_core::OrgSettings::default());
            let be = vigie_core::OrgSettings::parse("BE", "Europe/Brussels", "fr").unwrap();
            s.set_org_settings(org.id, &be).await.unwrap();
            assert_eq!(s.org_settings(org.id).await.unwrap(), be);
            assert_eq!(s.org_settings(other.id).await.unwrap(), vigie_core::OrgSettings::default());
            let en = vigie_core::OrgSettings::parse("GB", "Europe/London", "en").unwrap();
            s.set_org_settings(org.id, &en).await.unwrap();
            assert_eq!(s.org_settings(org.id).await.unwrap(), en);
        };
    }
}
