//! Every run is recorded as proof, with the SHA-256 of both files and the counts.

use sha2::{Digest, Sha256};
use vigie_import::ImportKind;
use vigie_screen::{CampaignSpec, SnapshotCache};
use vigie_store::testing::sqlite_store;

use crate::fixture::{default_org, import, screen_and_record};
use crate::staleness::{CONSENTS, CONTACTS, EMAIL_CAMPAIGN, TARGETS, write};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_is_recorded_with_both_files_hashes_and_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let t = sqlite_store().await;
    let s = &t.store;
    import(
        s,
        ImportKind::Contacts,
        &write(dir.path(), "contacts.csv", CONTACTS),
    )
    .await;
    import(
        s,
        ImportKind::Consents,
        &write(dir.path(), "consents.csv", CONSENTS),
    )
    .await;
    let targets = write(dir.path(), "targets.csv", TARGETS);
    let spec = CampaignSpec::parse(EMAIL_CAMPAIGN).unwrap();
    let cache = SnapshotCache::new(dir.path().join("cache"));
    let org = default_org(s).await;

    let (screened, run) = screen_and_record(s, &cache, &spec, &targets).await;
    let r = &run.run;
    let input_sha: [u8; 32] = Sha256::digest(std::fs::read(&targets).unwrap()).into();
    let output_sha: [u8; 32] = Sha256::digest(&screened.output).into();
    assert_eq!(r.input_sha256, input_sha);
    assert_eq!(r.output_sha256, output_sha);
    assert_eq!(r.rows, 5);
    assert_eq!(r.actor, "tester");
    assert_eq!(r.campaign, EMAIL_CAMPAIGN, "the campaign is kept as given");
    assert_eq!(r.rule_pack, "FR-2026-08-11");
    assert_eq!(r.data_version, s.data_version(org.id).await.unwrap());
    assert_eq!(
        r.input_name.as_deref(),
        Some(targets.display().to_string().as_str())
    );
    assert!(r.started_at <= r.finished_at);
    let counts: Vec<(&str, u64)> = r.counts.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    assert_eq!(
        counts,
        [
            ("B2B_OPT_OUT", 1),
            ("CONSENT", 1),
            ("GENERIC_ADDRESS", 1),
            ("INVALID_IDENTIFIER", 1),
            ("SOFT_OPT_IN", 1)
        ]
    );
    assert_eq!(screened.summary.counts.allowed(), 4);
    assert_eq!(screened.summary.counts.denied(), 1);

    // Listed from the store, most recent first.
    let (_, second) = screen_and_record(s, &cache, &spec, &targets).await;
    let runs = s.screening_runs(org.id, 10).await.unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0], second);
    assert_eq!(runs[1], run);
    assert_eq!(
        s.screening_run(org.id, run.id).await.unwrap(),
        Some(run.clone())
    );
    // Another organization sees none of them.
    let other = s.create_org("other", "Other").await.unwrap();
    assert!(s.screening_runs(other.id, 10).await.unwrap().is_empty());
    assert_eq!(s.screening_run(other.id, run.id).await.unwrap(), None);
}
