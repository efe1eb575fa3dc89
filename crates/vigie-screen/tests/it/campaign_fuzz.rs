//! Fuzzing the campaign file reader with proptest (cargo-fuzz needs a nightly compiler): any
//! input either reads or is refused with an error that says why (and names the field when one is
//! at fault), and never panics. The corpus of tricky files in `tests/corpus/campaigns/` is
//! replayed first, then mutated.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use vigie_screen::CampaignSpec;

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/campaigns");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

/// Reads `bytes` as `vigie screen --campaign` does (a file read as UTF-8; invalid UTF-8 is
/// refused before the reader, so it is read lossily here) and checks the outcome is an answer.
fn check(bytes: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(bytes);
    match std::panic::catch_unwind(|| CampaignSpec::parse(&text)) {
        Err(_) => Err(format!("panicked on {text:?}")),
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) if !e.reason.trim().is_empty() => Ok(()),
        Ok(Err(e)) => Err(format!(
            "an error that says nothing: {e:?} (input {text:?})"
        )),
    }
}

#[test]
fn the_campaign_corpus_gives_answers_not_crashes() {
    let corpus = corpus();
    assert!(corpus.len() >= 10, "the corpus is in the repository");
    for (name, bytes) in &corpus {
        check(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // The corpus holds both kinds: files that read, and files refused with a field named.
    let read = |name: &str| {
        let (_, bytes) = corpus.iter().find(|(n, _)| n.ends_with(name)).unwrap();
        CampaignSpec::parse(&String::from_utf8_lossy(bytes))
    };
    assert!(read("valid_email.json").is_ok());
    assert!(read("valid_press_phone.json").unwrap().campaign.press);
    assert_eq!(read("misspelt_option.json").unwrap_err().field, "pres");
    assert_eq!(
        read("wrong_type.json").unwrap_err().field,
        "relates_to_profession"
    );
    assert_eq!(
        read("postal_cannot_be_screened.json").unwrap_err().field,
        "channel"
    );
}

#[test]
fn mutated_and_arbitrary_campaign_files_give_answers_not_crashes() {
    let corpus: Vec<Vec<u8>> = corpus().into_iter().map(|(_, b)| b).collect();
    let tricky = prop_oneof![
        Just(b"\"".to_vec()),
        Just(b"\\".to_vec()),
        Just(b"\\u0000".to_vec()),
        Just(b"\\ud800".to_vec()),
        Just(b"{".to_vec()),
        Just(b"}".to_vec()),
        Just(b"null".to_vec()),
        Just(b"1e999".to_vec()),
        Just(b"-0".to_vec()),
        Just(b"\"press\":true,".to_vec()),
        Just(b"\"at\":\"2026-02-30T10:00:00Z\",".to_vec()),
        Just("é\u{202e}".as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
    ];
    // A corpus file with a slice replaced by tricky bytes, or bytes of any kind.
    let input = prop_oneof![
        3 => (0..corpus.len(), any::<prop::sample::Index>(), any::<prop::sample::Index>(), tricky)
            .prop_map(move |(i, a, b, insert)| {
                let base = &corpus[i];
                let (a, b) = (a.index(base.len() + 1), b.index(base.len() + 1));
                let (from, to) = (a.min(b), a.max(b));
                let mut out = base[..from].to_vec();
                out.extend_from_slice(&insert);
                out.extend_from_slice(&base[to..]);
                out
            }),
        1 => prop::collection::vec(any::<u8>(), 0..200),
    ];
    let mut runner = TestRunner::new(Config {
        cases: 3000,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&input, |bytes| {
            check(&bytes).map_err(proptest::test_runner::TestCaseError::fail)
        })
        .unwrap();
}
