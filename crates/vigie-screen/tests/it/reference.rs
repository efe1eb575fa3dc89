//! The decisions are byte-identical to reference_screen.py's on the generated base.

use std::path::{Path, PathBuf};

use vigie_core::Code;
use vigie_screen::SnapshotCache;
use vigie_store::testing::{postgres_store, sqlite_store};

use crate::fixture::{
    CAMPAIGNS, assert_same_output, bloctel_extract_of_the_day, campaign, data, import_data_set,
    reference, screen, variant_reference,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_every_campaign_matches_the_reference() {
    let t = sqlite_store().await;
    import_data_set(&t.store).await;
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = SnapshotCache::new(cache_dir.path());
    for name in CAMPAIGNS {
        let spec = campaign(name);
        bloctel_extract_of_the_day(&t.store, &spec).await;
        let screened = screen(&t.store, &cache, &spec, &data().join("targets.csv"))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_same_output(name, &screened.output, &reference(name));
        let counts = &screened.summary.counts;
        assert_eq!(screened.summary.rows, 21_000, "{name}");
        assert_eq!(counts.total(), 21_000, "{name}");
        // Each campaign exercises what it is there for.
        let (pack, telling) = match name {
            "phone_before_switch" => ("FR-2023-03-01", Code::OppositionList),
            "phone_holiday" => ("FR-2023-03-01", Code::OutsideCallingHours),
            "phone_press_before_switch" | "phone_press" => {
                // Press offers: Bloctel and the opt-in rule do not apply.
                assert_eq!(counts.get(Code::OppositionList), 0, "{name}");
                assert_eq!(counts.get(Code::NoConsent), 0, "{name}");
                let pack = if name == "phone_press" {
                    "FR-2026-08-11"
                } else {
                    "FR-2023-03-01"
                };
                (pack, Code::OptOut)
            }
            "phone" => ("FR-2026-08-11", Code::Contract),
            "sms" => ("FR-2026-08-11", Code::SoftOptIn),
            _ => ("FR-2026-08-11", Code::SoftOptIn),
        };
        assert_eq!(screened.rule_pack, pack, "{name}");
        assert!(counts.get(telling) > 0, "{name}: no {telling} at all");
        for code in [
            Code::Suppressed,
            Code::UnknownContact,
            Code::RetentionExpired,
        ] {
            assert!(counts.get(code) > 0, "{name}: no {code} at all");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_every_campaign_matches_the_reference() {
    let t = postgres_store().await;
    import_data_set(&t.store).await;
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = SnapshotCache::new(cache_dir.path());
    for (i, name) in CAMPAIGNS.into_iter().enumerate() {
        let spec = campaign(name);
        bloctel_extract_of_the_day(&t.store, &spec).await;
        let screened = screen(&t.store, &cache, &spec, &data().join("targets.csv"))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        if i == 0 {
            assert!(
                screened.built.is_some(),
                "the first screening builds the snapshot"
            );
        }
        assert_same_output(
            &format!("{name} (PostgreSQL)"),
            &screened.output,
            &reference(name),
        );
    }
}

/// The variants of the targets list spreadsheets write: CRLF line ends, blank lines, quoted
/// fields (with commas and doubled quotes inside), a last line without its line end. The
/// reference's outputs for them are committed (`variant_reference`).
pub const VARIANTS: [&str; 2] = ["crlf", "quoted"];

/// The first 4,000 targets of `original` rewritten as the variant `name` writes them.
pub fn variant_targets(name: &str, original: &str) -> String {
    let rewrite = |i: usize, line: &str| match name {
        "crlf" => {
            let blank = if i % 11 == 5 { "\r\n" } else { "" };
            let end = if i == 4000 { "" } else { "\r\n" };
            format!("{blank}{line}{end}")
        }
        // The commas and doubled quotes are in a first column, before the identifier (a field
        // split wrongly would shift it): in the identifier itself they would make an address
        // Vigie refuses (RFC 5321) and the reference's looser pattern accepts.
        "quoted" => {
            let (email, phone) = line.split_once(',').unwrap();
            let (email, note) = match i % 13 {
                _ if i == 0 => (email.to_owned(), "note".to_owned()),
                1 => (format!("\"{email}\""), String::new()),
                2 => (format!("\"  {}\"", email.to_uppercase()), String::new()),
                3 => (email.to_owned(), format!("\"x,{email}\"")),
                4 => (
                    email.to_owned(),
                    format!("\"{}\"\"{}\"", &email[..1], &email[1..]),
                ),
                _ => (email.to_owned(), String::new()),
            };
            let blank = if i % 17 == 3 { "\n" } else { "" };
            format!("{blank}{note},{email},\"{phone}\"\n")
        }
        other => panic!("no variant {other}"),
    };
    let mut out = String::new();
    for (i, line) in original.lines().take(4001).enumerate() {
        out.push_str(&rewrite(i, line));
    }
    out
}

/// A data directory beside `base` sharing its files, with the variant's targets.csv.
pub fn variant_dir(base: &Path, name: &str) -> PathBuf {
    let dir = base.parent().unwrap().join(format!(
        "{}-variant-{name}",
        base.file_name().unwrap().to_string_lossy()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for f in [
        "contacts.csv",
        "consents.csv",
        "suppression.csv",
        "opposition.csv",
    ] {
        std::os::unix::fs::symlink(base.join(f), dir.join(f)).unwrap();
    }
    let original = std::fs::read_to_string(base.join("targets.csv")).unwrap();
    std::fs::write(dir.join("targets.csv"), variant_targets(name, &original)).unwrap();
    dir
}

/// Lists as spreadsheets write them (`VARIANTS`). Read on the hand-split path (no quotes) and on
/// the csv-crate path (quotes); row numbers skip blank lines as Python does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_typed_csv_variants_match_the_reference() {
    let t = sqlite_store().await;
    import_data_set(&t.store).await;
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = SnapshotCache::new(cache_dir.path());
    for name in VARIANTS {
        let dir = variant_dir(data(), name);
        for c in ["email", "sms"] {
            let screened = screen(&t.store, &cache, &campaign(c), &dir.join("targets.csv"))
                .await
                .unwrap();
            assert_same_output(
                &format!("{name} {c}"),
                &screened.output,
                &variant_reference(name, c),
            );
            assert_eq!(screened.summary.rows, 4000);
        }
    }
}
