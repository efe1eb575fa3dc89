//! The retention run's purges on both stores, the clock as an input: closed requests and
//! screening proofs just past their period go (with everything of the request), those just
//! within stay; the plan says what the run does; the audit trail loses a prefix and still
//! verifies from its purge checkpoint, while a change in what remains (or in the checkpoint) is
//! still caught; a run stopped between two purge batches resumes without counting twice.

use std::collections::BTreeMap;

use jiff::ToSpan;
use vigie_core::dsar::RequestKind;
use vigie_core::{Email, Lang, Moment, Timestamp};

use super::*;

/// The moment of the runs: requests and proofs (five years) are cut at 2021-12-05T09:00:00Z.
const AT: &str = "2026-12-05T10:00:00+01:00";
const JUST_PAST: &str = "2021-12-05T08:59:59Z";
const JUST_WITHIN: &str = "2021-12-05T09:00:00Z";

fn actor() -> AuditEvent {
    AuditEvent {
        actor: "cli:test".into(),
        origin: Some("cli".into()),
        ..AuditEvent::default()
    }
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn plan(s: &Store, org: i64, at: &str) -> RetentionPlan {
    let policies = s.retention_policies(org).await.unwrap();
    let cut = policies.cutoffs(Moment::parse(at).unwrap());
    s.retention_plan(org, at, &policies, &cut, 10)
        .await
        .unwrap()
}

/// A request filed by `email`, refused (closed) at `closed`, with a step, an answer and an
/// access archive of its own.
async fn closed_request(s: &Store, org: i64, email: &str, closed: &str) -> i64 {
    let filed = s
        .file_request(
            org,
            &NewRequest {
                kind: RequestKind::Access,
                identifier: Identifier::Email(Email::parse(email).unwrap()),
                verified: true,
                received_at: ts("2021-11-02T10:00:00Z"),
                corrections: None,
            },
            "public",
        )
        .await
        .unwrap();
    let mut r = filed.request;
    r.clock.reject(ts(closed), "not the person").unwrap();
    s.update_request(org, &r, "cli:dpo", "rejected", None)
        .await
        .unwrap();
    s.queue_answer(
        org,
        r.id,
        AnswerKind::Rejection,
        Lang::Fr,
        Ok(&Email::parse(email).unwrap()),
        ts(closed),
    )
    .await
    .unwrap();
    s.keep_archive(
        org,
        r.id,
        None,
        "acces.zip",
        "00",
        b"zip",
        ts(closed),
        ts(closed) + std::time::Duration::from_secs(30 * 86_400),
    )
    .await
    .unwrap();
    r.id
}

fn proof(finished: &str) -> NewScreeningRun {
    NewScreeningRun {
        actor: "alice".into(),
        started_at: ts(finished) - std::time::Duration::from_secs(2),
        finished_at: ts(finished),
        campaign: "{\"channel\": \"email\"}".into(),
        rule_pack: "FR-2026-08-11".into(),
        data_version: 1,
        input_name: None,
        input_sha256: [1; 32],
        output_sha256: [2; 32],
        rows: 1,
        counts: BTreeMap::from([("CONSENT".to_owned(), 1)]),
        opposition_override: None,
    }
}

async fn rows_of_request(t: &TestStore, org: i64, id: i64) -> i64 {
    let mut n = 0;
    for table in ["dsar_history", "dsar_answers", "dsar_archives"] {
        n += t
            .raw_count(&format!(
                "SELECT count(*) FROM {table} WHERE org_id = {org} AND request_id = {id}"
            ))
            .await
            .unwrap();
    }
    n
}

async fn requests_and_proofs_just_past_their_period_are_purged(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    // Filed in this order, the purged request has the highest id.
    let within = closed_request(s, org, "recent@example.org", JUST_WITHIN).await;
    let past = closed_request(s, org, "old@example.org", JUST_PAST).await;
    // Recorded in this order, the purged proof has the highest id.
    let kept_proof = s
        .record_screening_run(org, &proof(JUST_WITHIN))
        .await
        .unwrap();
    let old_proof = s
        .record_screening_run(org, &proof(JUST_PAST))
        .await
        .unwrap();

    let p = plan(s, org, AT).await;
    assert_eq!(
        p.purge,
        PurgePlan {
            closed_requests: 1,
            screening_proofs: 1,
            audit_entries: 0
        }
    );
    let run = s
        .run_retention(org, AT, RunLimits::default(), actor())
        .await
        .unwrap();
    assert_eq!(run.status, "done");
    assert_eq!(run.purged, p.purge, "the plan says what the run does");

    assert!(s.request(org, past).await.unwrap().is_none());
    assert_eq!(
        rows_of_request(&t, org, past).await,
        0,
        "history, answer and archive go with it"
    );
    assert!(s.request(org, within).await.unwrap().is_some());
    assert!(rows_of_request(&t, org, within).await >= 3);
    assert!(s.screening_run(org, old_proof.id).await.unwrap().is_none());
    assert!(s.screening_run(org, kept_proof.id).await.unwrap().is_some());

    // What stays is still append-only.
    let refused = t
        .raw_sql(&format!(
            "DELETE FROM dsar_history WHERE org_id = {org} AND request_id = {within}"
        ))
        .await
        .unwrap_err();
    assert!(refused.contains("append-only"), "{refused}");
    let refused = t
        .raw_sql(&format!(
            "DELETE FROM screening_runs WHERE org_id = {org} AND id = {}",
            kept_proof.id
        ))
        .await
        .unwrap_err();
    assert!(refused.contains("never"), "{refused}");
    // A purged proof's id is never given again.
    let next = s
        .record_screening_run(org, &proof(JUST_WITHIN))
        .await
        .unwrap();
    assert!(next.id > old_proof.id, "{} after {}", next.id, old_proof.id);
    // Nor a purged request's: a link or a log line naming it never names someone else's.
    let next = closed_request(s, org, "new@example.org", JUST_WITHIN).await;
    assert!(next > past, "request {next} after the purged {past}");

    let trail = s.audit_entries(org, 0, 100).await.unwrap();
    let entry = trail
        .iter()
        .rev()
        .find(|e| e.action == "retention.run")
        .unwrap();
    assert!(
        entry
            .reason
            .as_deref()
            .unwrap()
            .contains("purged 1 closed requests, 1 screening proofs, 0 audit entries"),
        "{entry:?}"
    );
    assert!(s.verify_audit().await.unwrap().intact());
}

/// `at` plus six years (the trail's period), in RFC 3339.
fn six_years_after(at: Timestamp) -> String {
    at.to_zoned(jiff::tz::TimeZone::UTC)
        .checked_add(6.years())
        .unwrap()
        .timestamp()
        .to_string()
}

async fn drop_audit_guards(t: &TestStore) {
    let sql = if t.sqlite_file.is_some() {
        "DROP TRIGGER audit_log_append_only_update; DROP TRIGGER audit_log_append_only_delete;"
    } else {
        "DROP TRIGGER audit_log_append_only ON audit_log;"
    };
    t.raw_sql(sql).await.unwrap();
}

async fn the_audit_trail_loses_a_prefix_and_still_verifies(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    let mut seqs = Vec::new();
    for i in 0..3 {
        let e = AuditEvent {
            action: "contact.read".into(),
            target: Some(format!("contact:C{i}")),
            ..actor()
        };
        seqs.push(s.audit(org, e).await.unwrap());
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let anchor = dir.path().join("audit-checkpoint.json");
    assert!(s.write_audit_checkpoint(&anchor).await.unwrap().is_empty());
    let entries = s.audit_entries(org, 0, 100).await.unwrap();
    let third = entries.iter().find(|e| e.seq == seqs[2]).unwrap();
    // Six years after the third entry exactly: everything before it is past, it is not.
    let at = six_years_after(third.at);
    let p = plan(s, org, &at).await;
    assert_eq!(p.purge.audit_entries, seqs[2] - 1, "{p:?}");
    let run = s
        .run_retention(org, &at, RunLimits::default(), actor())
        .await
        .unwrap();
    assert_eq!(run.purged.audit_entries, seqs[2] - 1);
    let left = s.audit_entries(org, 0, 100).await.unwrap();
    assert_eq!(left.first().map(|e| e.seq), Some(seqs[2]), "{left:?}");
    let report = s.verify_audit().await.unwrap();
    assert!(report.intact(), "{report:?}");
    // The anchored head is still there; anchored before a purge, the trail holds against it.
    assert!(
        s.verify_audit_against(AuditCheckpoint::read_file(&anchor).unwrap().as_ref())
            .await
            .unwrap()
            .intact()
    );

    // Later, everything recorded so far is past: purged again, from the checkpoint on.
    let later = six_years_after(left.last().unwrap().at + std::time::Duration::from_secs(1));
    let second = s
        .run_retention(org, &later, RunLimits::default(), actor())
        .await
        .unwrap();
    assert_eq!(second.purged.audit_entries, left.len() as i64);
    s.audit(
        org,
        AuditEvent {
            action: "contact.read".into(),
            ..actor()
        },
    )
    .await
    .unwrap();
    let report = s.verify_audit().await.unwrap();
    assert!(report.intact(), "{report:?}");
    // The external anchor named an entry purged since: not a truncation.
    let report = s
        .verify_audit_against(AuditCheckpoint::read_file(&anchor).unwrap().as_ref())
        .await
        .unwrap();
    assert!(report.intact(), "{report:?}");
    let remaining = s.audit_entries(org, 0, 100).await.unwrap();
    let first_left = remaining[0].seq;

    // A remaining entry is still not deleted through the guard.
    let refused = t
        .raw_sql(&format!(
            "DELETE FROM audit_log WHERE org_id = {org} AND seq = {first_left}"
        ))
        .await
        .unwrap_err();
    assert!(refused.contains("append-only"), "{refused}");

    // A checkpoint moved forward (hiding entries) does not verify.
    drop_audit_guards(&t).await;
    t.raw_sql(&format!(
        "UPDATE audit_purges SET through_seq = through_seq + 1 WHERE org_id = {org}"
    ))
    .await
    .unwrap();
    let fault = s.verify_audit().await.unwrap().faults;
    assert_eq!(fault.len(), 1, "{fault:?}");
    assert!(fault[0].problem.contains("purge checkpoint"), "{fault:?}");
    t.raw_sql(&format!(
        "UPDATE audit_purges SET through_seq = through_seq - 1 WHERE org_id = {org}"
    ))
    .await
    .unwrap();
    assert!(s.verify_audit().await.unwrap().intact());

    // A changed remaining entry is named.
    t.raw_sql(&format!(
        "UPDATE audit_log SET target = 'contact:X' WHERE org_id = {org} AND seq = {first_left}"
    ))
    .await
    .unwrap();
    let fault = s.verify_audit().await.unwrap().faults;
    assert_eq!(fault.len(), 1, "{fault:?}");
    assert_eq!(fault[0].seq, first_left);
    assert!(fault[0].problem.contains("changed"), "{fault:?}");
    // Removing the first remaining entry is named too (it no longer follows the checkpoint).
    t.raw_sql(&format!(
        "DELETE FROM audit_log WHERE org_id = {org} AND seq = {first_left}"
    ))
    .await
    .unwrap();
    let fault = s.verify_audit().await.unwrap().faults;
    assert_eq!(fault.len(), 1, "{fault:?}");
    assert_eq!(fault[0].seq, first_left, "{fault:?}");
}

/// Stopped after its first purge batch, the run resumes where it was: every past request and
/// proof purged once, counted once.
async fn a_run_stopped_between_purge_batches_resumes(t: TestStore) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap().id;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(closed_request(s, org, &format!("p{i}@example.org"), JUST_PAST).await);
        s.record_screening_run(org, &proof(JUST_PAST))
            .await
            .unwrap();
    }
    let kept = closed_request(s, org, "kept@example.org", JUST_WITHIN).await;
    let limits = RunLimits {
        batch: 2,
        // One batch of contacts (none), then one of requests.
        stop_after_batches: Some(2),
    };
    let first = s.run_retention(org, AT, limits, actor()).await.unwrap();
    assert_eq!(first.status, "running");
    assert_eq!(first.purged.closed_requests, 2);
    assert_eq!(first.purged.screening_proofs, 0);
    let done = s
        .run_retention(
            org,
            AT,
            RunLimits {
                batch: 2,
                stop_after_batches: None,
            },
            actor(),
        )
        .await
        .unwrap();
    assert!(done.resumed);
    assert_eq!(done.id, first.id);
    assert_eq!(done.status, "done");
    assert_eq!(done.purged.closed_requests, 3);
    assert_eq!(done.purged.screening_proofs, 3);
    for id in ids {
        assert!(s.request(org, id).await.unwrap().is_none());
    }
    assert!(s.request(org, kept).await.unwrap().is_some());
    assert!(s.screening_runs(org, 10).await.unwrap().is_empty());
    assert_eq!(plan(s, org, AT).await.purge.closed_requests, 0);
}

both_stores! {
    retention_purges_requests_and_proofs_just_past_their_period => requests_and_proofs_just_past_their_period_are_purged;
    retention_purges_the_audit_trail_loses_a_prefix_and_still_verifies => the_audit_trail_loses_a_prefix_and_still_verifies;
    retention_purges_a_run_stopped_between_purge_batches_resumes => a_run_stopped_between_purge_batches_resumes;
}
