//! Screening counts the call log: four attempts in 30 days cap calls, a refusal 20 days before
//! the campaign blocks and one 70 days before does not; a logged call makes the snapshot stale.
//! Both stores.

use std::path::Path;

use vigie_import::{ImportKind, ImportOptions, import_file};
use vigie_screen::{
    CampaignSpec, ScreenError, ScreenOptions, SnapshotCache, record_run, screen_targets,
};
use vigie_store::Store;
use vigie_store::testing::TestStore;

use crate::fixture::{default_org, import, screen};
use crate::staleness::write;

const CONTACTS: &str = "\
contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted
C1,c1@example.org,06 12 34 56 78,consumer,false,,web_form,2026-01-05T10:00:00Z,true,true,false,false
C2,c2@example.org,06 11 11 11 11,consumer,false,,web_form,2026-01-05T10:00:00Z,true,true,false,false
C3,c3@example.org,06 22 22 22 22,consumer,false,,web_form,2026-01-05T10:00:00Z,true,true,false,false
";

const CALLS: &str = "\
contact_ref,phone,at,outcome,campaign,agent
C1,,2026-03-02T10:00:00Z,no_answer,spring,a1
C1,,2026-03-03T10:00:00Z,busy,spring,a1
,0612345678,2026-03-04T10:00:00Z,voicemail,spring,a2
C1,,2026-03-05T10:00:00Z,callback_requested,spring,a2
C2,,2026-02-18T10:00:00Z,refused,spring,a1
C3,,2025-12-30T10:00:00Z,refused,winter,a1
";

/// A Tuesday, 11:00 in Paris: calling hours.
const PHONE_CAMPAIGN: &str = r#"{"jurisdiction": "FR", "purpose": "marketing", "sender": "Optique Lumière SAS",
  "channel": "phone", "at": "2026-03-10T11:00:00+01:00", "name": "Printemps"}"#;

const TARGETS: &str = "phone\n06 12 34 56 78\n+33611111111\n0622222222\n";

/// A Bloctel extract dated `date` (holding a number none of the contacts has).
async fn bloctel_extract(s: &Store, dir: &Path, date: &str) {
    let org = default_org(s).await;
    let opts = ImportOptions {
        extract_date: Some(date.parse().unwrap()),
        ..Default::default()
    };
    let file = write(dir, &format!("bloctel-{date}.csv"), "phone\n+33699999999\n");
    import_file(s, &org, ImportKind::Opposition, &file, &opts)
        .await
        .unwrap();
}

fn codes(output: &[u8]) -> Vec<String> {
    String::from_utf8(output.to_vec())
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().to_owned())
        .collect()
}

vigie_store::both_stores! {
    screening_counts_attempts_and_refusals_of_the_call_log => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        import(s, ImportKind::Contacts, &write(dir.path(), "contacts.csv", CONTACTS)).await;
        bloctel_extract(s, dir.path(), "2026-03-01").await;
        let spec = CampaignSpec::parse(PHONE_CAMPAIGN).unwrap();
        let targets = write(dir.path(), "targets.csv", TARGETS);
        let cache = SnapshotCache::new(dir.path().join("cache"));
        let before = screen(s, &cache, &spec, &targets).await.unwrap();
        let allowed = codes(&before.output);
        assert!(allowed.iter().all(|c| c != "CALL_FREQUENCY_CAP" && c != "RECENT_REFUSAL"), "{allowed:?}");

        import(s, ImportKind::Calls, &write(dir.path(), "calls.csv", CALLS)).await;
        let after = screen(s, &cache, &spec, &targets).await.unwrap();
        assert!(after.built.is_some(), "logged calls make the snapshot stale");
        let got = codes(&after.output);
        assert_eq!(&got[..2], ["CALL_FREQUENCY_CAP", "RECENT_REFUSAL"], "{got:?}");
        assert_eq!(got[2], allowed[2], "a refusal 70 days before no longer blocks: {got:?}");
    };

    a_stale_bloctel_extract_refuses_a_consumer_phone_screening_unless_overridden => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        import(s, ImportKind::Contacts, &write(dir.path(), "contacts.csv", CONTACTS)).await;
        let spec = CampaignSpec::parse(PHONE_CAMPAIGN).unwrap();
        let targets = write(dir.path(), "targets.csv", TARGETS);
        let cache = SnapshotCache::new(dir.path().join("cache"));
        // No extract at all, then one of 15 January: 54 days before the campaign of 10 March.
        let refused = screen(s, &cache, &spec, &targets).await.unwrap_err();
        assert!(matches!(refused, ScreenError::StaleOppositionList(_)), "{refused}");
        bloctel_extract(s, dir.path(), "2026-01-15").await;
        let refused = screen(s, &cache, &spec, &targets).await.unwrap_err().to_string();
        assert!(refused.contains("2026-01-15") && refused.contains("54 days"), "{refused}");
        assert!(refused.contains("--allow-stale-opposition-list"), "{refused}");

        let org = default_org(s).await;
        let crypto = s.org_crypto(org.id).await.unwrap();
        let options = ScreenOptions { allow_stale_opposition_list: true, ..Default::default() };
        let input = std::fs::File::open(&targets).unwrap();
        let screened = screen_targets(s, &crypto, &cache, &spec, input, Vec::new(), options).await.unwrap();
        let run = record_run(s, org.id, &spec, &screened, "tester", Some("targets.csv")).await.unwrap();
        let proof = s.screening_run(org.id, run.id).await.unwrap().unwrap();
        let why = proof.run.opposition_override.expect("the override is in the proof record");
        assert!(why.contains("2026-01-15") && why.contains("overridden"), "{why}");

        // An e-mail campaign, or a phone campaign after 10 August 2026, needs no Bloctel extract.
        let email = CampaignSpec::parse(&PHONE_CAMPAIGN.replace("\"phone\"", "\"email\"")).unwrap();
        let email_targets = write(dir.path(), "email.csv", "email\nc1@example.org\n");
        screen(s, &cache, &email, &email_targets).await.unwrap();
        let autumn = CampaignSpec::parse(&PHONE_CAMPAIGN.replace("2026-03-10", "2026-11-24")).unwrap();
        screen(s, &cache, &autumn, &targets).await.unwrap();
    };
}
