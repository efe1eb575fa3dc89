//! The record of imports (migration 0022): kept per organization, read back most recent first.

use vigie_store::both_stores;
use vigie_store::testing::TestStore;
use vigie_store::*;

fn run(kind: &str, outcome: &str, inserted: u64) -> NewImportRun {
    NewImportRun {
        kind: kind.into(),
        file_name: Some("clients;export.csv".into()),
        actor: "user:m@example.org".into(),
        started_at: "2026-03-10T10:00:00.123456Z".parse().unwrap(),
        finished_at: "2026-03-10T10:00:02Z".parse().unwrap(),
        outcome: outcome.into(),
        rows: 3,
        inserted,
        updated: 1,
        unchanged: 0,
        removed: 0,
        rejected: 1,
        message: (outcome == "refused").then(|| "line 3, column \"email\": invalid".into()),
    }
}

fn started(kind: &str, at: jiff::Timestamp, job: Option<&str>) -> StartedImport {
    StartedImport {
        kind: kind.into(),
        file_name: Some("clients.csv".into()),
        actor: "user:m@example.org".into(),
        started_at: at,
        job: job.map(Into::into),
    }
}

both_stores! {
    import_runs_are_kept_per_organization_most_recent_first => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        let other = s.create_org("other", "Other").await.unwrap();
        let first = s.record_import_run(org.id, &run("contacts", "done", 1)).await.unwrap();
        let second = s.record_import_run(org.id, &run("consents", "refused", 0)).await.unwrap();
        s.record_import_run(other.id, &run("calls", "done", 9)).await.unwrap();
        assert!(second > first);
        let runs = s.import_runs(org.id, 10).await.unwrap();
        assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), [second, first]);
        assert_eq!(runs[0].run, run("consents", "refused", 0));
        assert_eq!(runs[1].run, run("contacts", "done", 1));
        assert_eq!(s.import_runs(org.id, 1).await.unwrap().len(), 1);
        let theirs = s.import_runs(other.id, 10).await.unwrap();
        assert_eq!(theirs.len(), 1);
        assert_eq!(theirs[0].run.kind, "calls");
    };

    a_run_left_running_by_a_dead_holder_is_marked_interrupted_a_live_ones_is_not => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        let other = s.create_org("other", "Other").await.unwrap();
        // To the microsecond, as the store keeps instants.
        let now = jiff::Timestamp::from_microsecond(jiff::Timestamp::now().as_microsecond()).unwrap();
        let long_ago = now - jiff::SignedDuration::from_mins(10);
        // Both started ten minutes ago; the dead holder stopped beating then, the live one
        // (another server sharing the database) has just beaten.
        let dead = s.begin_import_run(other.id, &started("contacts", long_ago, Some("job-dead")), "dead-1").await.unwrap();
        let live = s.begin_import_run(org.id, &started("consents", long_ago, Some("job-live")), "live-2").await.unwrap();
        assert_eq!(s.beat_import_runs("live-2", now).await.unwrap(), 1);
        assert_eq!(s.import_runs(org.id, 10).await.unwrap()[0].run.outcome, "running");
        let mut running = s.running_import_jobs().await.unwrap();
        running.sort();
        assert_eq!(running, ["job-dead", "job-live"]);

        // What the next process to start does.
        let marked = s.tend_import_runs(&import_holder_id()).await.unwrap();
        assert_eq!(marked, [InterruptedRun { org: other.id, id: dead, job: Some("job-dead".into()) }]);
        let theirs = s.import_runs(other.id, 10).await.unwrap();
        assert_eq!(theirs[0].run.outcome, INTERRUPTED);
        assert_eq!(theirs[0].run.message.as_deref(), Some(INTERRUPTED_MESSAGE));
        assert_eq!(theirs[0].run.finished_at, long_ago, "the run ended at its last sign of life");
        let ours = s.import_runs(org.id, 10).await.unwrap();
        assert_eq!((ours[0].id, ours[0].run.outcome.as_str()), (live, "running"));
        assert_eq!(s.running_import_jobs().await.unwrap(), ["job-live"]);
        // A second look marks nothing more.
        assert!(s.tend_import_runs(&import_holder_id()).await.unwrap().is_empty());
    };

    a_run_of_a_process_gone_from_this_machine_is_marked_at_once => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        let me = import_holder_id();
        // The same machine, a process id no process has (pid_max is at most 2^22).
        let mut parts: Vec<&str> = me.split('/').collect();
        if parts[0].is_empty() {
            return; // not Linux: only heartbeats tell
        }
        let gone_pid = (1u32 << 30).to_string();
        parts[1] = &gone_pid;
        let gone = parts.join("/");
        let now = jiff::Timestamp::now();
        let killed = s.begin_import_run(org.id, &started("contacts", now, None), &gone).await.unwrap();
        let mine = s.begin_import_run(org.id, &started("calls", now, None), &me).await.unwrap();
        let marked = s.tend_import_runs(&me).await.unwrap();
        assert_eq!(marked.iter().map(|r| r.id).collect::<Vec<_>>(), [killed]);
        let runs = s.import_runs(org.id, 10).await.unwrap();
        assert_eq!(runs.iter().find(|r| r.id == killed).unwrap().run.outcome, INTERRUPTED);
        assert_eq!(runs.iter().find(|r| r.id == mine).unwrap().run.outcome, "running");
    };

    a_stopping_holder_marks_its_own_runs_and_an_ending_run_says_what_happened => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        let now = jiff::Timestamp::now();
        let mine = s.begin_import_run(org.id, &started("contacts", now, None), "me").await.unwrap();
        let theirs = s.begin_import_run(org.id, &started("calls", now, None), "them").await.unwrap();
        let finished = s.begin_import_run(org.id, &started("consents", now, None), "me").await.unwrap();
        let record = run("consents", "done", 7);
        s.finish_import_run(org.id, finished, &record).await.unwrap();

        let marked = s.interrupt_import_runs_of("me", now).await.unwrap();
        assert_eq!(marked.iter().map(|r| r.id).collect::<Vec<_>>(), [mine]);
        let runs = s.import_runs(org.id, 10).await.unwrap();
        let outcome = |id: i64| runs.iter().find(|r| r.id == id).unwrap().run.outcome.clone();
        assert_eq!(outcome(mine), INTERRUPTED);
        assert_eq!(outcome(theirs), "running", "another holder's run is left to it");
        assert_eq!(runs.iter().find(|r| r.id == finished).unwrap().run, record);
        // A finished run is no longer beaten nor marked.
        assert_eq!(s.beat_import_runs("me", now).await.unwrap(), 0);
        // A run that ends after being taken for dead says how it ended.
        s.finish_import_run(org.id, mine, &run("contacts", "done", 2)).await.unwrap();
        assert_eq!(s.import_runs(org.id, 10).await.unwrap().iter().find(|r| r.id == mine).unwrap().run.outcome, "done");
        assert!(s.finish_import_run(org.id, 999_999, &record).await.is_err());
    };
}
