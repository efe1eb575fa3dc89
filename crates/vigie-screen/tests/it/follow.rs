//! An import brings the snapshot current (`SnapshotCache::follow_import`): after every import
//! of a sequence (contacts, consents, suppression, opposition, a re-import with changes, new
//! events, calls, an erasure in between), the file is byte for byte the one a whole build
//! gives (but for its build time), and it is updated in place whenever the snapshot before the
//! import was current. A snapshot missed by a crash is never updated into a wrong one. Both
//! stores.

use std::path::Path;

use vigie_import::{ImportKind, ImportOptions, ImportReport, import_file};
use vigie_screen::{Followed, Freshness, Skipped, SnapshotCache, snapshot};
use vigie_store::Store;
use vigie_store::testing::TestStore;

use crate::fixture::{data, default_org};
use crate::staleness::write;

/// Offset and length of the build time in a snapshot's header: the one field a whole build and
/// an update may differ in.
const BUILT_AT: std::ops::Range<usize> = 56..64;

async fn import(s: &Store, kind: ImportKind, path: &Path) -> ImportReport {
    let org = default_org(s).await;
    import_file(s, &org, kind, path, &ImportOptions::default())
        .await
        .unwrap_or_else(|e| panic!("import {}: {e}", path.display()))
}

/// Follows `report` and checks the result against a whole build; returns what was done.
async fn follow_and_compare(
    s: &Store,
    cache: &SnapshotCache,
    dir: &Path,
    report: &ImportReport,
) -> Followed {
    let org = default_org(s).await;
    let crypto = s.org_crypto(org.id).await.unwrap();
    let followed = cache.follow_import(s, &crypto, report).await.unwrap();
    assert_eq!(
        cache.freshness(s, &crypto).await.unwrap(),
        Freshness::Fresh,
        "after {:?}",
        report.kind
    );
    let whole = dir.join("whole.snap");
    snapshot::build(s, &crypto, &whole).await.unwrap();
    let mut followed_bytes = std::fs::read(cache.path(org.id)).unwrap();
    let mut whole_bytes = std::fs::read(&whole).unwrap();
    followed_bytes[BUILT_AT].fill(0);
    whole_bytes[BUILT_AT].fill(0);
    assert!(
        followed_bytes == whole_bytes,
        "after {:?} ({followed:?}): the snapshot differs from a whole build ({} / {} bytes)",
        report.kind,
        followed_bytes.len(),
        whole_bytes.len()
    );
    followed
}

fn updated(f: &Followed) -> bool {
    matches!(f, Followed::Updated(_))
}

const MORE_CONTACTS: &str = "\
contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted
F1,follow.one@example.org,06 12 34 56 78,consumer,true,optics|audio,web_form,2026-03-01T10:00:00Z,true,true,false,false
F2,follow.two@example.org,,professional,false,,trade_show,2026-05-02T11:00:00Z,true,true,false,false
F3,,+33 7 31 22 33 44,consumer,true,garden,web_form,2026-02-01T10:00:00Z,true,true,false,false
F4,,,consumer,false,,web_form,2026-02-01T10:00:00Z,true,true,false,false
";

/// F1 restricted with another address and categories, F2 a customer now, F5 new.
const CHANGED_CONTACTS: &str = "\
contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted
F1,follow.one.new@example.org,06 12 34 56 78,consumer,true,audio|kitchen,web_form,2026-03-01T10:00:00Z,true,true,false,true
F2,follow.two@example.org,,professional,true,optics,trade_show,2026-05-02T11:00:00Z,true,true,true,false
F5,follow.five@example.org,06 98 76 54 32,consumer,false,,web_form,2026-06-01T10:00:00Z,true,true,false,false
";

const MORE_CONSENTS: &str = "\
contact_ref,channel,purpose,action,at,method,notice_version,source
F1,email,marketing,grant,2026-03-01T10:00:00Z,double_opt_in,v2,web_form
F5,sms,marketing,grant,2026-06-01T10:00:00Z,unticked_checkbox,v2,web_form
F1,email,marketing,withdraw,2026-07-01T10:00:00Z,unsubscribe_link,v2,email
F4,any,marketing,object,2026-07-02T10:00:00Z,customer_service,v2,letter
";

const CALLS: &str = "\
contact_ref,phone,at,outcome,campaign,agent
F1,,2026-03-02T10:00:00Z,no_answer,spring,a1
F3,,2026-03-03T10:00:00Z,refused,spring,a1
";

vigie_store::both_stores! {
every_import_leaves_the_snapshot_a_whole_build_would_give => |t: TestStore| async move {
    let dir = tempfile::tempdir().unwrap();
    let s = &t.store;
    let cache = SnapshotCache::new(dir.path().join("cache"));

    // The data set, file by file: the first import finds no snapshot and builds it whole,
    // every later one updates it in place.
    let mut steps = Vec::new();
    for (kind, file) in [
        (ImportKind::Contacts, "contacts.csv"),
        (ImportKind::Consents, "consents.csv"),
        (ImportKind::Suppression, "suppression.csv"),
        (ImportKind::Opposition, "opposition.csv"),
    ] {
        let report = import(s, kind, &data().join(file)).await;
        if kind == ImportKind::Consents {
            // A first load: the store wrote every event, and hands them over.
            assert!(report.written_events.is_some(), "{report:?}");
        }
        steps.push(follow_and_compare(s, &cache, dir.path(), &report).await);
    }
    assert!(
        matches!(steps[0], Followed::Rebuilt { skipped: Some(Skipped::NoUsableSnapshot), .. }),
        "{:?}",
        steps[0]
    );
    assert!(steps[1..].iter().all(updated), "{steps:?}");

    // New contacts (one with no identifier, one with a phone only), then changes to them and a
    // new one, then events for old and new contacts: each updated in place.
    for (kind, name, text) in [
        (ImportKind::Contacts, "more.csv", MORE_CONTACTS),
        (ImportKind::Contacts, "changed.csv", CHANGED_CONTACTS),
        (ImportKind::Consents, "more-consents.csv", MORE_CONSENTS),
        (ImportKind::Suppression, "more-suppression.csv", "email\nfollow.two@example.org\n"),
        // A replaced list: numbers leave it, one of the contacts' joins it.
        (ImportKind::Opposition, "bloctel.csv", "phone\n06 98 76 54 32\n+33611111111\n"),
    ] {
        let report = import(s, kind, &write(dir.path(), name, text)).await;
        let followed = follow_and_compare(s, &cache, dir.path(), &report).await;
        assert!(updated(&followed), "{name}: {followed:?}");
    }

    // A second list holding a number the first one holds: updated in place, the number
    // counted once.
    let org = default_org(s).await;
    let path = cache.path(org.id);
    let listed = snapshot::read_info(&path).unwrap().unwrap().opposition;
    let internal = ImportOptions {
        list: "internal".into(),
        ..ImportOptions::default()
    };
    let file = write(dir.path(), "internal.csv", "phone\n06 98 76 54 32\n");
    let report = import_file(s, &org, ImportKind::Opposition, &file, &internal)
        .await
        .unwrap();
    assert_eq!(report.counts.inserted, 1, "{report:?}");
    let followed = follow_and_compare(s, &cache, dir.path(), &report).await;
    assert!(updated(&followed), "{followed:?}");
    assert_eq!(snapshot::read_info(&path).unwrap().unwrap().opposition, listed);

    // Events already in the ledger and a new one: which were new, only the ledger knows, so
    // they are read back from the store (not handed over); still updated in place.
    let mixed = format!(
        "{MORE_CONSENTS}F2,email,marketing,grant,2026-08-01T10:00:00Z,double_opt_in,v2,web_form\n"
    );
    let report = import(s, ImportKind::Consents, &write(dir.path(), "mixed.csv", &mixed)).await;
    assert_eq!((report.counts.inserted, report.counts.unchanged), (1, 4), "{report:?}");
    assert!(report.written_events.is_none(), "{report:?}");
    let followed = follow_and_compare(s, &cache, dir.path(), &report).await;
    assert!(updated(&followed), "{followed:?}");

    // The same file again changes nothing: nothing to do, and the snapshot is still current.
    let report = import(s, ImportKind::Consents, &dir.path().join("more-consents.csv")).await;
    assert!(matches!(
        follow_and_compare(s, &cache, dir.path(), &report).await,
        Followed::Unchanged
    ));

    // Calls: the call log is read by a whole build.
    let report = import(s, ImportKind::Calls, &write(dir.path(), "calls.csv", CALLS)).await;
    assert!(matches!(
        follow_and_compare(s, &cache, dir.path(), &report).await,
        Followed::Rebuilt { skipped: None, .. }
    ));
    // A contacts import after it keeps the calls and the events of the file it updates.
    let changed = CHANGED_CONTACTS.replace("follow.five@", "follow.five.new@");
    let report = import(s, ImportKind::Contacts, &write(dir.path(), "after-calls.csv", &changed)).await;
    assert_eq!(report.counts.updated, 1, "{report:?}");
    let followed = follow_and_compare(s, &cache, dir.path(), &report).await;
    assert!(updated(&followed), "{followed:?}");

    // An erasure is no import: the snapshot is stale after it, and the next import, which
    // cannot tell what the erasure changed, builds it whole rather than update it.
    let org = default_org(s).await;
    let erased = vigie_core::ContactRef::parse("F2").unwrap();
    let address = vigie_core::Email::parse("follow.two@example.org").unwrap();
    s.erase_person(
        org.id,
        Some(&erased),
        &[vigie_store::Identifier::Email(address)],
        1,
        &serde_json::json!({}),
    )
    .await
    .unwrap();
    let report = import(
        s,
        ImportKind::Suppression,
        &write(dir.path(), "after-erasure.csv", "email\nsomeone.else@example.org\n"),
    )
    .await;
    let followed = follow_and_compare(s, &cache, dir.path(), &report).await;
    assert!(
        matches!(followed, Followed::Rebuilt { skipped: Some(Skipped::OtherChanges { .. }), .. }),
        "{followed:?}"
    );
};

a_snapshot_missed_by_a_crash_is_never_updated_into_a_wrong_one => |t: TestStore| async move {
    let dir = tempfile::tempdir().unwrap();
    let s = &t.store;
    let cache = SnapshotCache::new(dir.path().join("cache"));
    let org = default_org(s).await;
    let crypto = s.org_crypto(org.id).await.unwrap();
    for (name, text) in [("c.csv", MORE_CONTACTS), ("c2.csv", CHANGED_CONTACTS)] {
        let report = import(s, ImportKind::Contacts, &write(dir.path(), name, text)).await;
        follow_and_compare(s, &cache, dir.path(), &report).await;
    }
    // An import whose process stopped between its commit and the snapshot's update …
    import(s, ImportKind::Consents, &write(dir.path(), "e.csv", MORE_CONSENTS)).await;
    assert_eq!(cache.freshness(s, &crypto).await.unwrap(), Freshness::Stale);
    // … then another import: the snapshot is two versions behind, so it is not updated from
    // this import alone (the consents would be missing) …
    let report = import(
        s,
        ImportKind::Suppression,
        &write(dir.path(), "s.csv", "email\nfollow.one@example.org\n"),
    )
    .await;
    let path = cache.path(org.id);
    let outcome = snapshot::update_after_import(s, &crypto, &path, snapshot::ImportChange::Suppression)
        .await
        .unwrap();
    assert!(
        matches!(outcome, Err(Skipped::OtherChanges { .. })),
        "{outcome:?}"
    );
    assert_eq!(cache.freshness(s, &crypto).await.unwrap(), Freshness::Stale);
    // … and following it builds the snapshot whole, with the consents.
    let followed = follow_and_compare(s, &cache, dir.path(), &report).await;
    assert!(matches!(followed, Followed::Rebuilt { .. }), "{followed:?}");
    assert!(snapshot::read_info(&path).unwrap().unwrap().events >= 4);
};
}

/// A snapshot whose part only the update reads is damaged: built whole, never read back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_snapshot_is_built_whole_not_updated() {
    let dir = tempfile::tempdir().unwrap();
    let t = vigie_store::testing::sqlite_store().await;
    let s = &t.store;
    let cache = SnapshotCache::new(dir.path().join("cache"));
    let report = import(
        s,
        ImportKind::Contacts,
        &write(dir.path(), "c.csv", MORE_CONTACTS),
    )
    .await;
    follow_and_compare(s, &cache, dir.path(), &report).await;
    let path = cache.path(default_org(s).await.id);
    // The contacts section comes first, after the header and the directory of ten sections.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[128 + 40 * 10 + 8] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();
    let consents = "contact_ref,channel,purpose,action,at,method,notice_version,source\n\
                    F1,email,marketing,grant,2026-03-01T10:00:00Z,double_opt_in,v2,web_form\n";
    let report = import(
        s,
        ImportKind::Consents,
        &write(dir.path(), "e.csv", consents),
    )
    .await;
    let followed = follow_and_compare(s, &cache, dir.path(), &report).await;
    assert!(
        matches!(
            followed,
            Followed::Rebuilt {
                skipped: Some(Skipped::NoUsableSnapshot),
                ..
            }
        ),
        "{followed:?}"
    );
}
