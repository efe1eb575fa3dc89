//! Nothing in clear at rest, on the bench kit's own base: after importing the generated
//! contacts, ledger, suppression and opposition lists into SQLite and screening a campaign, no
//! e-mail address and no phone number of the data set appears in any file of the store or of the
//! screening snapshot cache (every byte scanned, WAL included).

use std::path::Path;

use aho_corasick::AhoCorasick;
use vigie_core::{Email, PhoneE164, Region};
use vigie_screen::SnapshotCache;
use vigie_store::testing::sqlite_store;

use crate::fixture::{campaign, data, import_data_set, screen};

/// Every identifier of the data set in the forms a leak would take: normalized e-mail, E.164
/// and national phone numbers.
fn identifiers(dir: &Path) -> (Vec<String>, Vec<String>) {
    let mut ids = Vec::new();
    let mut refs = Vec::new();
    let mut contacts = csv::Reader::from_path(dir.join("contacts.csv")).unwrap();
    for row in contacts.records() {
        let row = row.unwrap();
        refs.push(row[0].to_owned());
        if let Ok(e) = Email::parse(&row[1]) {
            ids.push(e.as_str().to_owned());
        }
        if let Ok(p) = PhoneE164::parse(&row[2], Region::FR) {
            ids.push(p.as_str().to_owned());
            ids.push(format!("0{}", &p.as_str()[3..]));
        }
    }
    let mut opposition = csv::Reader::from_path(dir.join("opposition.csv")).unwrap();
    for row in opposition.records() {
        ids.push(row.unwrap()[0].to_owned());
    }
    (ids, refs)
}

/// The bytes of every file under `dir`.
fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_bytes(&path));
        } else {
            out.extend(std::fs::read(&path).unwrap());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bench_base_leaves_no_identifier_in_clear() {
    let t = sqlite_store().await;
    import_data_set(&t.store).await;
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = SnapshotCache::new(cache_dir.path().join("cache"));
    screen(
        &t.store,
        &cache,
        &campaign("email"),
        &data().join("targets.csv"),
    )
    .await
    .expect("screening");

    let (ids, refs) = identifiers(data());
    assert!(ids.len() > 30_000, "{} identifiers", ids.len());
    let db_dir = t.sqlite_file.as_ref().unwrap().parent().unwrap();
    let mut bytes = all_bytes(db_dir);
    bytes.extend(all_bytes(cache_dir.path()));
    assert!(bytes.len() > 1 << 20, "{} bytes", bytes.len());

    let finder = AhoCorasick::new(&ids).unwrap();
    if let Some(m) = finder.find(&bytes) {
        panic!("{:?} is stored in clear", ids[m.pattern().as_usize()]);
    }
    // The same scan finds what is meant to be in clear (contact references), so it can fail.
    let refs = AhoCorasick::new(&refs[..100]).unwrap();
    assert!(refs.find(&bytes).is_some(), "the scan finds nothing at all");
}
