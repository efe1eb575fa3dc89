//! The census (the dashboard's reach per channel, the contacts list filtered by decision)
//! counts what a screening of every contact would allow: the same codes, code by code, as
//! screening a list of every contact's own identifier, suppression list included.

use std::collections::HashMap;

use vigie_core::Code;
use vigie_screen::{IdentifierFacts, Screener, SnapshotCache};
use vigie_store::testing::sqlite_store;

use crate::fixture::{
    bloctel_extract_of_the_day, campaign, data, default_org, import_data_set, screen,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_census_counts_what_screening_every_contact_allows() {
    let t = sqlite_store().await;
    import_data_set(&t.store).await;
    let org = default_org(&t.store).await;
    let crypto = t.store.org_crypto(org.id).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = SnapshotCache::new(dir.path());
    let contacts = std::fs::read_to_string(data().join("contacts.csv")).unwrap();
    let mut lines = contacts.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    for name in ["email", "sms", "phone"] {
        let spec = campaign(name);
        bloctel_extract_of_the_day(&t.store, &spec).await;
        // Every contact's own identifier for the campaign's channel, as a list to screen.
        let id_column = spec.identifier.column();
        let values: Vec<&str> = rows
            .iter()
            .map(|r| r[column(id_column)])
            .filter(|v| !v.is_empty())
            .collect();
        let targets = dir.path().join(format!("every-{name}.csv"));
        std::fs::write(&targets, format!("{id_column}\n{}\n", values.join("\n"))).unwrap();
        let screened = screen(&t.store, &cache, &spec, &targets).await.unwrap();
        let screened_counts = &screened.summary.counts;

        let (snapshot, _) = cache
            .load(&t.store, &crypto, spec.identifier)
            .await
            .unwrap();
        let facts: HashMap<i64, vigie_store::IdentifierFacts> = t
            .store
            .identifier_facts(org.id)
            .await
            .unwrap()
            .into_iter()
            .map(|f| (f.contact_id, f))
            .collect();
        let phone = spec.identifier == vigie_screen::Identifier::Phone;
        let screener = Screener::new(&snapshot, &crypto, &spec, spec.default_region()).unwrap();
        let census = screener.census(|id| {
            facts
                .get(&id)
                .map_or(IdentifierFacts::default(), |f| IdentifierFacts {
                    suppressed: if phone {
                        f.phone_suppressed
                    } else {
                        f.email_suppressed
                    },
                    zone: if phone { f.phone_zone } else { None },
                })
        });
        assert_eq!(census.decided.len() as u64, screened.summary.rows, "{name}");
        assert!(
            census.counts.get(Code::Suppressed) > 0,
            "{name}: the suppression list applies"
        );
        for code in Code::ALL {
            assert_eq!(
                census.counts.get(*code),
                screened_counts.get(*code),
                "{name}: {code} in the census and in a screening of every contact"
            );
        }
        assert_eq!(census.counts.allowed(), screened_counts.allowed(), "{name}");
    }
}
