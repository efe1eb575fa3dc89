//! Retention on both stores, the clock as an input: the plan's counts at the three-year edge,
//! customers archived then erased at the end of the accounting hold, a run stopped after a
//! batch that resumes without erasing anyone twice or missing anyone, policy versions, and the
//! daily claim two servers compete for.

use vigie_core::retention::PolicySet;
use vigie_core::{Moment, PolicyChange};

use super::*;

const AT: &str = "2026-12-05T10:00:00+01:00";

fn person(r: &str, customer: bool, collected_at: &str) -> ContactData {
    ContactData {
        contact_ref: ContactRef::parse(r).unwrap(),
        email: Some(Email::parse(&format!("{}@example.org", r.to_lowercase())).unwrap()),
        phone: None,
        first_name: Some("Marie".into()),
        last_name: None,
        audience: Audience::Consumer,
        customer,
        customer_categories: if customer {
            vec!["optics".into()]
        } else {
            vec![]
        },
        collected_via: Some("web_form".into()),
        collected_at: Some(collected_at.parse().unwrap()),
        informed: true,
        objection_offered: true,
        contract_active: false,
        restricted: false,
        time_zone: None,
        relationship_ended_at: None,
    }
}

fn actor() -> AuditEvent {
    AuditEvent {
        actor: "cli:test".into(),
        origin: Some("cli".into()),
        ..AuditEvent::default()
    }
}

async fn plan(s: &Store, org: i64, at: &str) -> RetentionPlan {
    let policies = s.retention_policies(org).await.unwrap();
    let cut = policies.cutoffs(Moment::parse(at).unwrap());
    s.retention_plan(org, at, &policies, &cut, 100)
        .await
        .unwrap()
}

/// Erased: neither identifiers nor names (an archived customer keeps its names).
async fn erased(s: &Store, org: i64, r: &str) -> bool {
    let c = s
        .contact(org, &ContactRef::parse(r).unwrap())
        .await
        .unwrap()
        .unwrap();
    c.data.email.is_none() && c.data.first_name.is_none()
}

/// Three years and a day before `AT` (09:00 UTC) is planned; three years less a day is not;
/// a later event brings a prospect back within its period; customers and generic addresses are
/// never expired prospects.
async fn the_plan_counts_the_three_year_edge(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    s.create_contact(org, &person("OLD", false, "2023-12-04T09:00:00Z"))
        .await
        .unwrap();
    s.create_contact(org, &person("RECENT", false, "2023-12-06T09:00:00Z"))
        .await
        .unwrap();
    s.create_contact(org, &person("REVIVED", false, "2020-01-01T09:00:00Z"))
        .await
        .unwrap();
    s.append_event(
        org,
        &ContactRef::parse("REVIVED").unwrap(),
        &event(ChannelScope::Any, Action::Grant, "2025-01-01T09:00:00Z"),
    )
    .await
    .unwrap();
    // An event after the moment is not a sign of life at the moment.
    s.create_contact(org, &person("LATER", false, "2020-01-01T09:00:00Z"))
        .await
        .unwrap();
    s.append_event(
        org,
        &ContactRef::parse("LATER").unwrap(),
        &event(ChannelScope::Any, Action::Grant, "2027-01-01T09:00:00Z"),
    )
    .await
    .unwrap();
    s.create_contact(org, &person("BUYER", true, "2020-01-01T09:00:00Z"))
        .await
        .unwrap();
    let mut generic = person("INFO", false, "2020-01-01T09:00:00Z");
    generic.audience = Audience::Generic;
    s.create_contact(org, &generic).await.unwrap();

    let p = plan(s, org, AT).await;
    assert_eq!(p.expired_prospects, 2, "{p:?}");
    assert_eq!(p.erase.count, 2);
    assert_eq!(p.erase.references, vec!["OLD", "LATER"]);
    assert_eq!(p.archive.count, 0, "a customer without an end date stays");
    assert_eq!(p.customers_without_end_date, 1);
    assert_eq!(p.keep, 4);
    // A day later the recent one is not yet expired; two days later it is.
    assert_eq!(
        plan(s, org, "2026-12-07T10:00:00+01:00")
            .await
            .expired_prospects,
        3
    );
}

/// A customer whose relationship ended three years and a day ago is archived (restricted, kept
/// for the accounting hold); the run at the end of the accounting period erases it.
async fn an_archived_customer_is_erased_at_the_end_of_the_accounting_period(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    s.create_contact(org, &person("BUYER", true, "2020-01-01T09:00:00Z"))
        .await
        .unwrap();
    let ended = "2023-12-04T09:00:00Z".parse::<jiff::Timestamp>().unwrap();
    t.raw_sql(&format!(
        "UPDATE contacts SET relationship_ended_at = {} WHERE contact_ref = 'BUYER'",
        ended.as_microsecond()
    ))
    .await
    .unwrap();
    let p = plan(s, org, AT).await;
    assert_eq!(p.archive.count, 1);
    assert_eq!(p.archive.references, vec!["BUYER"]);
    assert_eq!(p.expired_prospects, 0);

    let run = s
        .run_retention(org, AT, RunLimits::default(), actor())
        .await
        .unwrap();
    assert_eq!((run.erased, run.archived), (0, 1));
    let c = s
        .contact(org, &ContactRef::parse("BUYER").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(c.data.restricted, "archived means restricted");

    // Kept for the accounting obligation: the reference and the names, not the e-mail.
    assert_eq!(c.data.first_name.as_deref(), Some("Marie"));
    assert!(c.data.email.is_none(), "the archive keeps no e-mail");
    // The financial year closed on 31 Dec 2023: the hold runs to the end of 31 Dec 2033.
    let before = "2033-12-31T12:00:00+01:00";
    assert_eq!(plan(s, org, before).await.erase.count, 0);
    let run = s
        .run_retention(org, before, RunLimits::default(), actor())
        .await
        .unwrap();
    assert_eq!((run.erased, run.archived), (0, 0));
    let after = "2034-01-01T00:00:00+01:00";
    let p = plan(s, org, after).await;
    assert_eq!(p.erase.of_which_hold_ended, Some(1));
    let run = s
        .run_retention(org, after, RunLimits::default(), actor())
        .await
        .unwrap();
    assert_eq!((run.erased, run.archived), (1, 0));
    assert!(erased(s, org, "BUYER").await);
    // Retention does not put the person on the suppression list: they did not object.
    assert!(!s.is_suppressed(org, "buyer@example.org").await.unwrap());
}

/// A run stopped after its first batch (as a crash would leave it) resumes: every expired
/// prospect erased exactly once, the others kept, one tombstone each, and the proof digest
/// over the sorted references in the audit trail.
async fn a_stopped_run_resumes_without_erasing_twice_or_missing_anyone(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    let mut expired = Vec::new();
    for i in 0..7 {
        let r = format!("X{i}");
        s.create_contact(org, &person(&r, false, "2021-01-01T09:00:00Z"))
            .await
            .unwrap();
        expired.push(r);
        s.create_contact(
            org,
            &person(&format!("K{i}"), false, "2025-01-01T09:00:00Z"),
        )
        .await
        .unwrap();
    }
    let limits = RunLimits {
        batch: 3,
        stop_after_batches: Some(1),
    };
    let first = s.run_retention(org, AT, limits, actor()).await.unwrap();
    assert_eq!(first.status, "running");
    assert_eq!(first.erased, 3);
    // The resumed run keeps its own moment, whatever the new call says.
    let done = s
        .run_retention(
            org,
            "2030-01-01T00:00:00Z",
            RunLimits {
                batch: 3,
                stop_after_batches: None,
            },
            actor(),
        )
        .await
        .unwrap();
    assert!(done.resumed);
    assert_eq!(done.id, first.id);
    assert_eq!(done.status, "done");
    assert_eq!(done.at, AT);
    assert_eq!(done.erased, 7);
    for r in &expired {
        assert!(erased(s, org, r).await, "{r}");
    }
    for i in 0..7 {
        assert!(!erased(s, org, &format!("K{i}")).await);
    }
    let tombstones = s.tombstones(org, 0, 100).await.unwrap();
    assert_eq!(tombstones.len(), 7, "one tombstone per person");
    let mut refs: Vec<_> = tombstones
        .iter()
        .map(|t| t.contact_ref.clone().unwrap())
        .collect();
    refs.sort();
    refs.dedup();
    assert_eq!(refs.len(), 7);
    let mut sorted = expired.clone();
    sorted.sort();
    let digest = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for r in &sorted {
            h.update(format!("{r}\n"));
        }
        hex::encode(h.finalize())
    };
    assert_eq!(done.refs_sha256.as_deref(), Some(digest.as_str()));
    let trail = s.audit_entries(org, 0, 100).await.unwrap();
    let proof = trail
        .iter()
        .find(|e| e.action == "retention.run")
        .expect("the run's proof is in the audit trail");
    assert!(proof.reason.as_deref().unwrap().contains(&digest));
    assert!(proof.reason.as_deref().unwrap().contains("erased 7"));
    // Nothing left: a new run erases nobody.
    let again = s
        .run_retention(org, AT, RunLimits::default(), actor())
        .await
        .unwrap();
    assert_ne!(again.id, done.id);
    assert_eq!(again.erased, 0);
    assert_eq!(s.retention_runs(org, 10).await.unwrap().len(), 2);
}

/// A change of the policies is a new version, audited; a stale edit is refused.
async fn a_policy_change_is_a_new_audited_version(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    assert_eq!(
        s.retention_policies(org).await.unwrap(),
        PolicySet::defaults()
    );
    let next = PolicySet::defaults()
        .edited(&[PolicyChange {
            category: "prospects".into(),
            years: 2,
            legal_reference: None,
        }])
        .unwrap();
    let audit = AuditEvent {
        action: "retention.policies".into(),
        ..actor()
    };
    s.record_retention_policies(org, &next, audit.clone())
        .await
        .unwrap();
    let stored = s.retention_policies(org).await.unwrap();
    assert_eq!(stored, next);
    assert_eq!(stored.version, 1);
    assert!(matches!(
        s.record_retention_policies(org, &next, audit).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        s.retention_policies_version(org, 0).await.unwrap(),
        PolicySet::defaults()
    );
    let trail = s.audit_entries(org, 0, 100).await.unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|e| e.action == "retention.policies")
            .count(),
        1
    );
    // Two years: a prospect silent since 2024-12-04 is erased by the run, though not yet
    // RETENTION_EXPIRED (the decision contract's three years).
    s.create_contact(org, &person("TWO", false, "2024-12-04T09:00:00Z"))
        .await
        .unwrap();
    let p = plan(s, org, AT).await;
    assert_eq!((p.expired_prospects, p.erase.count), (0, 1));
}

/// Two servers sharing a database: one claims the day, the other does not.
async fn the_daily_run_is_claimed_once(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    assert!(
        s.claim_retention_day(org, "2026-12-05", "server-a")
            .await
            .unwrap()
    );
    assert!(
        !s.claim_retention_day(org, "2026-12-05", "server-b")
            .await
            .unwrap()
    );
    assert!(
        s.claim_retention_day(org, "2026-12-06", "server-b")
            .await
            .unwrap()
    );
}

fn customer_ended(r: &str, ended: &str) -> ContactData {
    ContactData {
        phone: Some(PhoneE164::parse("0612345678", Region::FR).unwrap()),
        last_name: Some("Curie".into()),
        time_zone: Some(vigie_core::Zone::parse("Europe/Paris").unwrap()),
        relationship_ended_at: Some(ended.parse().unwrap()),
        ..person(r, true, "2020-01-01T09:00:00Z")
    }
}

async fn by_email(s: &Store, org: i64, email: &str) -> usize {
    s.contacts(
        org,
        &ContactQuery {
            email: Some(Email::parse(email).unwrap()),
            limit: 10,
            ..ContactQuery::default()
        },
    )
    .await
    .unwrap()
    .contacts
    .len()
}

async fn by_phone(s: &Store, org: i64, phone: &str) -> usize {
    s.contacts(
        org,
        &ContactQuery {
            phone: Some(PhoneE164::parse(phone, Region::FR).unwrap()),
            limit: 10,
            ..ContactQuery::default()
        },
    )
    .await
    .unwrap()
    .contacts
    .len()
}

/// An archived customer keeps its reference, names and end of relationship, readable; its
/// e-mail, phone, product categories, collection source and time zone are shredded with their
/// blind indexes (a search by e-mail or phone finds nothing, so neither can screening); a
/// customer archived before the reduction existed (held, not reduced) is reduced by the next
/// run; a re-run changes nothing; a re-import bringing the e-mail back is reduced again.
async fn an_archived_customer_keeps_only_what_the_accounting_obligation_needs(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    let buyer = customer_ended("BUYER", "2023-12-04T09:00:00Z");
    s.create_contact(org, &buyer).await.unwrap();
    // Archived by a run from before this change: held until 2033, every field kept.
    let mut earlier = customer_ended("EARLIER", "2023-06-01T09:00:00Z");
    earlier.phone = Some(PhoneE164::parse("0698765432", Region::FR).unwrap());
    s.create_contact(org, &earlier).await.unwrap();
    let hold = "2033-12-31T23:00:00Z".parse::<jiff::Timestamp>().unwrap();
    t.raw_sql(&format!(
        "UPDATE contacts SET retention_hold_until = {}, restricted = TRUE, restriction_held = TRUE
         WHERE contact_ref = 'EARLIER'",
        hold.as_microsecond()
    ))
    .await
    .unwrap();
    assert_eq!(by_email(s, org, "buyer@example.org").await, 1);
    assert_eq!(by_phone(s, org, "0698765432").await, 1);

    let run = s
        .run_retention(
            org,
            AT,
            RunLimits {
                batch: 1,
                stop_after_batches: None,
            },
            actor(),
        )
        .await
        .unwrap();
    assert_eq!((run.erased, run.archived), (0, 1));
    for (r, email, phone) in [
        ("BUYER", "buyer@example.org", "0612345678"),
        ("EARLIER", "earlier@example.org", "0698765432"),
    ] {
        let c = s
            .contact(org, &ContactRef::parse(r).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.data.contact_ref.as_str(), r);
        assert_eq!(c.data.first_name.as_deref(), Some("Marie"), "{r}");
        assert_eq!(c.data.last_name.as_deref(), Some("Curie"), "{r}");
        assert!(c.data.relationship_ended_at.is_some(), "{r}");
        assert!(c.data.restricted, "{r}");
        assert_eq!(
            (c.data.email.as_ref(), c.data.phone.as_ref()),
            (None, None),
            "{r}"
        );
        assert!(c.data.customer_categories.is_empty(), "{r}");
        assert_eq!(
            (c.data.collected_via.as_deref(), c.data.time_zone),
            (None, None),
            "{r}"
        );
        assert_eq!(by_email(s, org, email).await, 0, "{r}: no blind index left");
        assert_eq!(by_phone(s, org, phone).await, 0, "{r}");
        let archive = s.accounting_archive(org, c.id).await.unwrap().unwrap();
        assert_eq!(
            archive.until, hold,
            "{r}: ten years from the closing of 2023"
        );
        assert!(archive.reduced_at.is_some(), "{r}");
    }
    // Still found by name (kept), and not yet erased.
    let by_name = s
        .contacts(
            org,
            &ContactQuery {
                name: Some("curie".into()),
                limit: 10,
                ..ContactQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(by_name.contacts.len(), 2);
    // The archive holds: no e-mail or phone written back by a rectification, no lifting of the
    // restriction; a name stays correctable.
    let buyer_ref = ContactRef::parse("BUYER").unwrap();
    let refused = s
        .rectify_contact(
            org,
            &buyer_ref,
            &Corrections {
                email: Some(Email::parse("back@example.org").unwrap()),
                ..Corrections::default()
            },
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(refused, StoreError::Conflict(ref m) if m.contains("e-mail address")),
        "{refused}"
    );
    assert_eq!(by_email(s, org, "back@example.org").await, 0);
    let refused = s
        .set_contact_restricted(org, &buyer_ref, false)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, StoreError::Conflict(ref m) if m.contains("archived")),
        "{refused}"
    );
    let renamed = s
        .rectify_contact(
            org,
            &buyer_ref,
            &Corrections {
                last_name: Some("Curie-Joliot".into()),
                ..Corrections::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(renamed.data.last_name.as_deref(), Some("Curie-Joliot"));
    assert!(renamed.data.restricted && renamed.data.email.is_none());
    let reduced = |entries: &[AuditEntry]| {
        entries
            .iter()
            .filter(|e| e.action == "retention.archive_reduced")
            .count()
    };
    let audit = s.audit_entries(org, 0, 1000).await.unwrap();
    assert_eq!(reduced(&audit), 1, "the reduction is in the audit trail");

    // A second run finds nothing to do and changes nothing.
    let before = s
        .contact(org, &ContactRef::parse("BUYER").unwrap())
        .await
        .unwrap()
        .unwrap();
    let rerun = s
        .run_retention(org, AT, RunLimits::default(), actor())
        .await
        .unwrap();
    assert_eq!((rerun.erased, rerun.archived), (0, 0));
    let after = s
        .contact(org, &ContactRef::parse("BUYER").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after, before);
    assert_eq!(reduced(&s.audit_entries(org, 0, 1000).await.unwrap()), 1);

    // A write of the CRM row brings the e-mail back for a moment only: the archive's reduction
    // follows at once (audited on the write), and the next run finds nothing left to do.
    let (written, _) = s.upsert_contact(org, &buyer).await.unwrap();
    assert_eq!(
        (written.data.email.as_ref(), written.data.phone.as_ref()),
        (None, None),
        "{written:?}"
    );
    assert_eq!(written.data.last_name.as_deref(), Some("Curie"));
    assert_eq!(by_email(s, org, "buyer@example.org").await, 0);
    let audit = s.audit_entries(org, 0, 1000).await.unwrap();
    assert_eq!(reduced(&audit), 2);
    assert!(
        audit.iter().any(|e| e.action == "retention.archive_reduced"
            && e.target.as_deref() == Some("contact:BUYER")
            && e.actor == "system:accounting_archive"),
        "{audit:?}"
    );
    s.run_retention(org, AT, RunLimits::default(), actor())
        .await
        .unwrap();
    assert_eq!(reduced(&s.audit_entries(org, 0, 1000).await.unwrap()), 2);
    assert_eq!(by_email(s, org, "buyer@example.org").await, 0);
    assert!(!erased(s, org, "BUYER").await);
}

/// A financial year closing on 30 June moves the end of the hold: the relationship that ended
/// in December 2023 falls in the year closed on 30 June 2024, so the hold ends with 30 June
/// 2034 (Paris time), not 31 December 2033.
async fn a_financial_year_ending_30_june_moves_the_hold(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    assert_eq!(
        s.org_settings(org).await.unwrap().financial_year_end,
        vigie_core::FinancialYearEnd::DECEMBER_31
    );
    let settings = vigie_core::OrgSettings::default()
        .with_financial_year_end("06-30")
        .unwrap();
    s.set_org_settings(org, &settings).await.unwrap();
    assert_eq!(s.org_settings(org).await.unwrap(), settings);
    s.create_contact(org, &customer_ended("BUYER", "2023-12-04T09:00:00Z"))
        .await
        .unwrap();
    s.run_retention(org, AT, RunLimits::default(), actor())
        .await
        .unwrap();
    let c = s
        .contact(org, &ContactRef::parse("BUYER").unwrap())
        .await
        .unwrap()
        .unwrap();
    let archive = s.accounting_archive(org, c.id).await.unwrap().unwrap();
    assert_eq!(
        archive.until,
        "2034-06-30T22:00:00Z".parse::<jiff::Timestamp>().unwrap()
    );
    // Erased by the first run after it, not before.
    let run = s
        .run_retention(
            org,
            "2034-06-30T23:00:00+02:00",
            RunLimits::default(),
            actor(),
        )
        .await
        .unwrap();
    assert_eq!(run.erased, 0);
    let run = s
        .run_retention(
            org,
            "2034-07-01T00:00:00+02:00",
            RunLimits::default(),
            actor(),
        )
        .await
        .unwrap();
    assert_eq!(run.erased, 1);
    assert!(erased(s, org, "BUYER").await);
}

both_stores! {
    retention_an_archived_customer_keeps_only_what_the_accounting_obligation_needs => an_archived_customer_keeps_only_what_the_accounting_obligation_needs;
    retention_a_financial_year_ending_30_june_moves_the_hold => a_financial_year_ending_30_june_moves_the_hold;
    retention_the_plan_counts_the_three_year_edge => the_plan_counts_the_three_year_edge;
    retention_an_archived_customer_is_erased_at_the_end_of_the_accounting_period => an_archived_customer_is_erased_at_the_end_of_the_accounting_period;
    retention_a_stopped_run_resumes_without_erasing_twice_or_missing_anyone => a_stopped_run_resumes_without_erasing_twice_or_missing_anyone;
    retention_a_policy_change_is_a_new_audited_version => a_policy_change_is_a_new_audited_version;
    retention_the_daily_run_is_claimed_once => the_daily_run_is_claimed_once;
    retention_a_run_erasure_after_a_backup_is_replayed_on_restore => a_run_erasure_after_a_backup_is_replayed_on_restore;
}

/// A retention run writes each erasure to the erasure journal, with no suppression hash and no
/// blind index; replayed on an older copy of the store (a backup restored after the run), it
/// erases the person there too, leaves the suppression list alone and marks her erased by
/// retention (a re-import of the same row leaves her erased); a second replay does nothing.
async fn a_run_erasure_after_a_backup_is_replayed_on_restore(t: TestStore) {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("master.key.erasures.jsonl");
    let s = t.store.clone().with_erasure_journal(&journal);
    // The backup: another store of the same kind and key, holding the same people.
    let older = match s.kind() {
        "sqlite" => vigie_store::testing::sqlite_store().await,
        _ => vigie_store::testing::postgres_store().await,
    };
    let expired = person("OLD1", false, "2021-01-01T09:00:00Z");
    let kept = person("NEW1", false, "2025-01-01T09:00:00Z");
    let mut orgs = Vec::new();
    for store in [&s, &older.store] {
        let org = store.require_org(DEFAULT_ORG).await.unwrap().id;
        for p in [&expired, &kept] {
            store.create_contact(org, p).await.unwrap();
        }
        orgs.push(org);
    }
    assert_eq!(orgs[0], orgs[1]);
    let org = orgs[0];
    let run = s
        .run_retention(org, AT, RunLimits::default(), actor())
        .await
        .unwrap();
    assert_eq!(run.erased, 1);

    let text = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    let line: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(line["kind"], "erasure");
    assert_eq!(line["contact_ref"], "OLD1");
    assert_eq!(line["request_id"], 0);
    assert_eq!(line["retention_run"], run.id);
    assert_eq!(line["suppress"], serde_json::json!([]), "{text}");
    assert_eq!(line["bidx"], serde_json::json!([]), "{text}");
    assert!(
        !text.contains("example.org") && !text.contains("Marie"),
        "{text}"
    );

    assert!(!erased(&older.store, org, "OLD1").await);
    let replayed = older.store.replay_erasures(&journal).await.unwrap();
    assert_eq!(replayed.len(), 1, "{replayed:?}");
    assert_eq!(replayed[0].contact_ref.as_deref(), Some("OLD1"));
    assert_eq!(replayed[0].retention_run, Some(run.id));
    assert_eq!(replayed[0].suppressions_added, 0);
    assert!(erased(&older.store, org, "OLD1").await);
    assert!(!erased(&older.store, org, "NEW1").await);
    assert!(
        !older
            .store
            .is_suppressed(org, "old1@example.org")
            .await
            .unwrap(),
        "a retention erasure puts nobody on the suppression list"
    );
    // Marked erased by retention, as the run marks it: the same row imported again stays erased.
    let (_, outcome) = older.store.upsert_contact(org, &expired).await.unwrap();
    assert_eq!(outcome, UpsertOutcome::LeftErased);
    let tombstones = older.store.tombstones(org, 0, 10).await.unwrap();
    assert_eq!(tombstones.len(), 1);
    assert_eq!(tombstones[0].request_id, 0);
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
