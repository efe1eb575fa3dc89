//! Calling hours in screening are the consumer's own (D223-9, issue 12): the zone recorded for
//! the contact, else the one the screened number implies, else the jurisdiction's.

use vigie_import::{ImportKind, ImportOptions, import_file};
use vigie_screen::{CampaignSpec, SnapshotCache};
use vigie_store::both_stores;
use vigie_store::testing::TestStore;

use crate::fixture::{default_org, import, screen};
use crate::staleness::write;

/// R1: a Réunion number, no zone recorded. R2: a Réunion number, Europe/Paris recorded. R3: a
/// metropolitan number, America/New_York recorded (a zone no number implies).
const CONTACTS: &str = "\
contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted,time_zone
R1,,+262 692 12 34 56,consumer,false,,web_form,2026-01-02T10:00:00Z,true,true,false,false,
R2,,+262 692 12 34 57,consumer,false,,web_form,2026-01-02T10:00:00Z,true,true,false,false,Europe/Paris
R3,,06 12 34 56 78,consumer,false,,web_form,2026-01-02T10:00:00Z,true,true,false,false,America/New_York
R4,,06 12 34 56 79,consumer,false,,web_form,2026-01-02T10:00:00Z,true,true,false,false,
";

const TARGETS: &str = "phone\n+262692123456\n+262692123457\n0612345678\n0612345679\n";

/// 10:30 in Paris on a Tuesday of the Bloctel era: 13:30 in Réunion, 04:30 in New York.
const PHONE_CAMPAIGN: &str = r#"{"jurisdiction": "FR", "purpose": "marketing", "channel": "phone",
  "sender": "Optique Lumière SAS", "at": "2026-03-10T10:30:00+01:00", "name": "Mars"}"#;

/// `(decision, code)` of each row of a screening's output.
fn decisions(output: &[u8]) -> Vec<(String, String)> {
    String::from_utf8(output.to_vec())
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let mut fields = l.split(',').skip(1);
            (
                fields.next().unwrap().to_owned(),
                fields.next().unwrap().to_owned(),
            )
        })
        .collect()
}

both_stores! {
    screening_reads_hours_in_the_recorded_zone_else_the_numbers => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        import(s, ImportKind::Contacts, &write(dir.path(), "contacts.csv", CONTACTS)).await;
        let targets = write(dir.path(), "targets.csv", TARGETS);
        let spec = CampaignSpec::parse(PHONE_CAMPAIGN).unwrap();
        // A campaign of the Bloctel era needs a current extract (none of these numbers is on it).
        let bloctel = write(dir.path(), "bloctel.csv", "phone\n+33699999999\n");
        let opts = ImportOptions {
            extract_date: Some(spec.context().local_time().date()),
            ..Default::default()
        };
        import_file(s, &default_org(s).await, ImportKind::Opposition, &bloctel, &opts)
            .await
            .unwrap();
        let cache = SnapshotCache::new(dir.path().join("cache"));
        let screened = screen(s, &cache, &spec, &targets).await.unwrap();
        let got = decisions(&screened.output);
        let outside = ("deny".to_owned(), "OUTSIDE_CALLING_HOURS".to_owned());
        assert_eq!(got[0], outside, "a Réunion number: 13:30 there; {got:?}");
        assert_eq!(got[1].0, "allow", "the recorded Europe/Paris wins over the number; {got:?}");
        assert_eq!(got[2], outside, "the recorded America/New_York wins over the number; {got:?}");
        assert_eq!(got[3].0, "allow", "a metropolitan number, nothing recorded: Paris; {got:?}");
    };
}
