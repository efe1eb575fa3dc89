//! The snapshot follows the base: any import that changes it makes the next screening rebuild.

use std::path::Path;

use vigie_core::Code;
use vigie_import::ImportKind;
use vigie_screen::{CampaignSpec, Freshness, SnapshotCache};
use vigie_store::testing::{TestStore, sqlite_store};

use crate::fixture::{default_org, import, screen};

pub const CONTACTS: &str = "\
contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted
C1,marie.martin@gmail.com,06 12 34 56 78,consumer,true,optics|audio,web_form,2026-03-01T10:00:00Z,true,true,false,false
C2,contact@company2.fr,+33 7 31 22 33 44,generic,false,,trade_show,2026-05-02T11:00:00Z,true,true,false,false
C3,jean.petit@company3.fr,0033612121212,professional,false,,public_directory,2026-01-02T11:00:00Z,true,true,false,false
C4,lea.roux@free.fr,06 98 76 54 32,consumer,false,,web_form,2026-02-01T10:00:00Z,true,true,false,false
";

pub const CONSENTS: &str = "\
contact_ref,channel,purpose,action,at,method,notice_version,source
C4,email,marketing,grant,2026-02-01T10:00:00Z,double_opt_in,v2,web_form
";

pub const TARGETS: &str = "\
email,phone
Marie.Martin@GMAIL.com,06 12 34 56 78
contact@company2.fr,07 31 22 33 44
 jean.petit@company3.fr ,+33612121212
lea.roux@free.fr,06 98 76 54 32
not-an-address,12
";

pub const EMAIL_CAMPAIGN: &str = r#"{"jurisdiction": "FR", "purpose": "marketing", "product_category": "optics",
  "relates_to_profession": true, "sender": "Optique Lumière SAS", "channel": "email",
  "at": "2026-11-24T10:30:00+01:00", "name": "Black Friday"}"#;

pub fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn codes(output: &[u8]) -> Vec<String> {
    String::from_utf8(output.to_vec())
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().to_owned())
        .collect()
}

// On both stores: PostgreSQL loads through COPY and a staging table, SQLite row by row; a
// screening right after either sees what was imported, never a stale snapshot.
vigie_store::both_stores! {
an_import_that_changes_the_base_is_seen_by_the_next_screening => |t: TestStore| async move {
    let dir = tempfile::tempdir().unwrap();
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
    let crypto = s.org_crypto(org.id).await.unwrap();

    assert_eq!(
        cache.freshness(s, &crypto).await.unwrap(),
        Freshness::Missing
    );
    let first = screen(s, &cache, &spec, &targets).await.unwrap();
    assert!(first.built.is_some());
    let expected = [
        Code::SoftOptIn,
        Code::GenericAddress,
        Code::B2bOptOut,
        Code::Consent,
        Code::InvalidIdentifier,
    ];
    assert_eq!(
        codes(&first.output),
        expected.map(|c| c.as_str().to_owned())
    );

    // Nothing changed: the snapshot is reused.
    assert_eq!(cache.freshness(s, &crypto).await.unwrap(), Freshness::Fresh);
    let again = screen(s, &cache, &spec, &targets).await.unwrap();
    assert!(again.built.is_none());
    assert_eq!(again.output, first.output);

    // Suppress one address (the list takes it in clear and keeps its hash).
    import(
        s,
        ImportKind::Suppression,
        &write(dir.path(), "suppression.csv", "email\nLEA.ROUX@free.fr\n"),
    )
    .await;
    assert_eq!(cache.freshness(s, &crypto).await.unwrap(), Freshness::Stale);
    let after = screen(s, &cache, &spec, &targets).await.unwrap();
    assert!(after.built.is_some(), "a stale snapshot is rebuilt");
    assert_eq!(codes(&after.output)[3], "SUPPRESSED");
    assert!(after.data_version > first.data_version);

    // The same list again changes nothing: the snapshot stays current, nothing to rebuild.
    import(
        s,
        ImportKind::Suppression,
        &write(dir.path(), "suppression-again.csv", "email\nlea.roux@free.fr\n"),
    )
    .await;
    assert_eq!(cache.freshness(s, &crypto).await.unwrap(), Freshness::Fresh);

    // A contact restricted, a consent withdrawn: both seen.
    let restricted = CONTACTS.replace("true,true,false,false\nC2", "true,true,false,true\nC2");
    import(
        s,
        ImportKind::Contacts,
        &write(dir.path(), "contacts2.csv", &restricted),
    )
    .await;
    import(
        s,
        ImportKind::Consents,
        &write(
            dir.path(),
            "consents2.csv",
            "contact_ref,channel,purpose,action,at,method,notice_version,source\n\
             C3,email,marketing,withdraw,2026-06-01T10:00:00Z,unsubscribe_link,v2,newsletter\n",
        ),
    )
    .await;
    let last = screen(s, &cache, &spec, &targets).await.unwrap();
    assert_eq!(
        codes(&last.output),
        [
            "RESTRICTED",
            "GENERIC_ADDRESS",
            "WITHDRAWN",
            "SUPPRESSED",
            "INVALID_IDENTIFIER"
        ]
    );
};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_snapshot_is_rebuilt_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let t = sqlite_store().await;
    let s = &t.store;
    import(
        s,
        ImportKind::Contacts,
        &write(dir.path(), "contacts.csv", CONTACTS),
    )
    .await;
    let targets = write(dir.path(), "targets.csv", TARGETS);
    let spec = CampaignSpec::parse(EMAIL_CAMPAIGN).unwrap();
    let cache = SnapshotCache::new(dir.path().join("cache"));
    let first = screen(s, &cache, &spec, &targets).await.unwrap();
    let org = default_org(s).await;
    let path = cache.path(org.id);
    // Same header, garbage after it.
    let mut bytes = std::fs::read(&path).unwrap();
    let len = bytes.len();
    for b in &mut bytes[len - 64..] {
        *b = 0xee;
    }
    std::fs::write(&path, &bytes).unwrap();
    let again = screen(s, &cache, &spec, &targets).await.unwrap();
    assert!(again.built.is_some());
    assert_eq!(again.output, first.output);
    // Not a snapshot at all.
    std::fs::write(&path, b"hello").unwrap();
    let crypto = s.org_crypto(org.id).await.unwrap();
    assert_eq!(cache.freshness(s, &crypto).await.unwrap(), Freshness::Stale);
    let third = screen(s, &cache, &spec, &targets).await.unwrap();
    assert_eq!(third.output, first.output);
}
