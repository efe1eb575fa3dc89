//! The test data, kept in the repository (tests/fixtures/, gzipped): a 20,000-contact base
//! written by the bench kit's gen_dataset.py, the campaigns screened, and reference_screen.py's
//! outputs for them (`--contract 2`). The tests read only these files: no python, no bench kit.
//! `scripts/refresh-fixtures` rewrites them from the kit when it changes (the ignored test
//! `refresh::refresh_fixtures_from_the_bench_kit`). The base is unpacked once into the target
//! directory (keyed by the committed files, so a refresh unpacks again) and shared by every test
//! process: nextest runs each test in its own process.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use vigie_import::{ImportKind, ImportOptions, import_file};
use vigie_screen::{
    CampaignSpec, ScreenOptions, Screened, SnapshotCache, record_run, screen_targets,
};
use vigie_store::{DEFAULT_ORG, Organization, ScreeningRun, Store};

pub const CONTACTS: u32 = 20_000;

/// The campaigns checked against the reference: the three the generator writes, a phone
/// campaign before the opt-in switch of 2026-08-11 (Bloctel regime), one on a French public
/// holiday (Ascension 2026), and two press offers (contract v2: outside Bloctel and the opt-in
/// rule), one before the switch and one after.
pub const CAMPAIGNS: [&str; 7] = [
    "email",
    "sms",
    "phone",
    "phone_before_switch",
    "phone_holiday",
    "phone_press_before_switch",
    "phone_press",
];

/// The version of the decision contract the reference applies (`--contract 2`); the engine
/// follows version 2 only, so the v1 outputs are not compared any more.
pub const CONTRACT: &str = "2";

/// The files of the base, as gen_dataset.py writes them.
pub const BASE_FILES: [&str; 5] = [
    "contacts.csv",
    "consents.csv",
    "suppression.csv",
    "opposition.csv",
    "targets.csv",
];

/// The committed fixtures: tests/fixtures/ of this crate.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Reads a gzipped fixture file.
pub fn read_gz(path: &Path) -> Vec<u8> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the fixtures are committed; scripts/refresh-fixtures rewrites them)",
            path.display()
        )
    });
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut out)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    out
}

/// Writes into `path` through a temporary sibling and a rename, so that a concurrent test
/// process never sees a half-written file or directory.
pub fn publish(path: &Path, make: impl FnOnce(&Path)) {
    if path.exists() {
        return;
    }
    static SEQ: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}-{seq}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_dir_all(&tmp);
    let _ = std::fs::remove_file(&tmp);
    make(&tmp);
    if std::fs::rename(&tmp, path).is_err() {
        // Another process published it first.
        assert!(path.exists(), "cannot publish {}", path.display());
        let _ = std::fs::remove_dir_all(&tmp);
        let _ = std::fs::remove_file(&tmp);
    }
}

/// The data set directory: the committed base unpacked (on first use), with the campaign files.
pub fn data() -> &'static Path {
    static DATA: OnceLock<PathBuf> = OnceLock::new();
    DATA.get_or_init(|| {
        let fixtures = fixtures();
        let mut h = Sha256::new();
        for f in BASE_FILES {
            h.update(std::fs::read(fixtures.join(format!("{f}.gz"))).unwrap_or_default());
        }
        for name in CAMPAIGNS {
            h.update(
                std::fs::read(fixtures.join(format!("campaign_{name}.json"))).unwrap_or_default(),
            );
        }
        let key = hex::encode(&h.finalize()[..6]);
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vigie-screen-fixtures");
        std::fs::create_dir_all(&root).expect("fixture directory");
        let dir = root.join(format!("{CONTACTS}-{key}"));
        publish(&dir, |tmp| {
            std::fs::create_dir_all(tmp).unwrap();
            for f in BASE_FILES {
                std::fs::write(tmp.join(f), read_gz(&fixtures.join(format!("{f}.gz")))).unwrap();
            }
            for name in CAMPAIGNS {
                let file = format!("campaign_{name}.json");
                std::fs::copy(fixtures.join(&file), tmp.join(&file))
                    .unwrap_or_else(|e| panic!("{file}: {e}"));
            }
        });
        dir
    })
}

pub fn campaign_path(name: &str) -> PathBuf {
    data().join(format!("campaign_{name}.json"))
}

pub fn campaign(name: &str) -> CampaignSpec {
    CampaignSpec::parse(&std::fs::read_to_string(campaign_path(name)).unwrap())
        .unwrap_or_else(|e| panic!("campaign {name}: {e}"))
}

/// The name of reference_screen.py's output for a campaign on the base (`variant` None) or on a
/// variant of its targets.
pub fn reference_file(variant: Option<&str>, campaign: &str) -> String {
    match variant {
        None => format!("reference_{campaign}.csv.gz"),
        Some(v) => format!("reference_{v}_{campaign}.csv.gz"),
    }
}

/// reference_screen.py's output for a campaign under contract v2, as committed.
pub fn reference(name: &str) -> Vec<u8> {
    read_gz(&fixtures().join(reference_file(None, name)))
}

/// reference_screen.py's output for a campaign on a variant of the targets, as committed.
pub fn variant_reference(variant: &str, name: &str) -> Vec<u8> {
    read_gz(&fixtures().join(reference_file(Some(variant), name)))
}

pub async fn default_org(store: &Store) -> Organization {
    store.require_org(DEFAULT_ORG).await.unwrap()
}

/// Imports a file of the data set (or any file) into the default organization.
pub async fn import(store: &Store, kind: ImportKind, path: &Path) {
    let org = default_org(store).await;
    import_file(store, &org, kind, path, &ImportOptions::default())
        .await
        .unwrap_or_else(|e| panic!("import {}: {e}", path.display()));
}

/// Imports the whole data set.
pub async fn import_data_set(store: &Store) {
    for (kind, file) in [
        (ImportKind::Contacts, "contacts.csv"),
        (ImportKind::Consents, "consents.csv"),
        (ImportKind::Suppression, "suppression.csv"),
        (ImportKind::Opposition, "opposition.csv"),
    ] {
        import(store, kind, &data().join(file)).await;
    }
}

/// Imports the data set's opposition list again as the Bloctel extract of the campaign's day:
/// the same numbers, so nothing changes but the extract's date, which a consumer phone campaign
/// of the Bloctel era needs current (at most 30 days old).
pub async fn bloctel_extract_of_the_day(store: &Store, spec: &CampaignSpec) {
    let org = default_org(store).await;
    let opts = ImportOptions {
        extract_date: Some(spec.context().local_time().date()),
        ..Default::default()
    };
    import_file(
        store,
        &org,
        ImportKind::Opposition,
        &data().join("opposition.csv"),
        &opts,
    )
    .await
    .unwrap_or_else(|e| panic!("the Bloctel extract: {e}"));
}

/// Screens a targets file (default organization) into memory.
pub async fn screen(
    store: &Store,
    cache: &SnapshotCache,
    spec: &CampaignSpec,
    targets: &Path,
) -> Result<Screened<Vec<u8>>, vigie_screen::ScreenError> {
    let org = default_org(store).await;
    let crypto = store.org_crypto(org.id).await.unwrap();
    let input = std::fs::File::open(targets).unwrap();
    screen_targets(
        store,
        &crypto,
        cache,
        spec,
        input,
        Vec::new(),
        ScreenOptions::default(),
    )
    .await
}

/// Screens and records the run.
pub async fn screen_and_record(
    store: &Store,
    cache: &SnapshotCache,
    spec: &CampaignSpec,
    targets: &Path,
) -> (Screened<Vec<u8>>, ScreeningRun) {
    let screened = screen(store, cache, spec, targets).await.unwrap();
    let org = default_org(store).await;
    let run = record_run(
        store,
        org.id,
        spec,
        &screened,
        "tester",
        Some(&targets.display().to_string()),
    )
    .await
    .unwrap();
    (screened, run)
}

/// Compares two outputs and, when they differ, names the first line that does.
pub fn assert_same_output(name: &str, ours: &[u8], reference: &[u8]) {
    if ours == reference {
        return;
    }
    let (a, b) = (
        String::from_utf8_lossy(ours),
        String::from_utf8_lossy(reference),
    );
    let first = a
        .lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .map(|(i, (x, y))| format!("line {}: vigie {x:?}, reference {y:?}", i + 1))
        .unwrap_or_else(|| format!("{} lines vs {} lines", a.lines().count(), b.lines().count()));
    panic!("{name}: the output differs from reference_screen.py's: {first}");
}
