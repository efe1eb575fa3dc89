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
}
