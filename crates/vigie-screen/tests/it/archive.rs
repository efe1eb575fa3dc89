//! A customer archived for the accounting obligation (branch s5-archive) can no longer be
//! found by screening: its e-mail address and number are shredded with their blind indexes, so
//! a list naming them finds no contact, on both stores.

use vigie_import::ImportKind;
use vigie_screen::{CampaignSpec, SnapshotCache};
use vigie_store::testing::TestStore;
use vigie_store::{AuditEvent, RunLimits};

use crate::fixture::{default_org, import, screen};
use crate::staleness::write;

const CONTACTS: &str = "\
contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted,relationship_ended_at
C-END,buyer@example.org,06 12 34 56 78,consumer,true,optics,shop,2019-01-01T09:00:00Z,true,true,false,false,2023-12-04T09:00:00Z
";

const EMAIL_CAMPAIGN: &str = r#"{"jurisdiction": "FR", "purpose": "marketing", "sender": "Optique Lumière SAS",
  "channel": "email", "at": "2026-12-08T11:00:00+01:00", "name": "Hiver", "product_category": "optics"}"#;

fn codes(output: &[u8]) -> Vec<String> {
    String::from_utf8(output.to_vec())
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().to_owned())
        .collect()
}

vigie_store::both_stores! {
    screening_does_not_find_an_archived_customer => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        import(s, ImportKind::Contacts, &write(dir.path(), "contacts.csv", CONTACTS)).await;
        let spec = CampaignSpec::parse(EMAIL_CAMPAIGN).unwrap();
        let targets = write(dir.path(), "targets.csv", "email\nbuyer@example.org\n");
        let cache = SnapshotCache::new(dir.path().join("cache"));
        let before = codes(&screen(s, &cache, &spec, &targets).await.unwrap().output);
        assert_ne!(before, ["UNKNOWN_CONTACT"], "found before the archive");

        let org = default_org(s).await;
        let run = s
            .run_retention(org.id, "2026-12-05T10:00:00+01:00", RunLimits::default(),
                AuditEvent { actor: "cli:test".into(), ..AuditEvent::default() })
            .await
            .unwrap();
        assert_eq!(run.archived, 1);
        let after = screen(s, &cache, &spec, &targets).await.unwrap();
        assert!(after.built.is_some(), "the archive makes the snapshot stale");
        assert_eq!(codes(&after.output), ["UNKNOWN_CONTACT"]);
    };
}
