//! Fuzzing the decision request parser with proptest (cargo-fuzz needs a nightly compiler):
//! any input either parses or is refused with an error that names the field or the position,
//! and never panics. The corpus of tricky inputs in `tests/corpus/requests/` is replayed first,
//! then mutated.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use vigie_core::parse_request;

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/requests");
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

/// Parses `bytes` as a request would arrive (bytes read as UTF-8, lossily: the server refuses
/// invalid UTF-8 before the parser) and checks the outcome is an answer, not a crash.
fn check(bytes: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(bytes);
    match std::panic::catch_unwind(|| parse_request(&text)) {
        Err(_) => Err(format!("panicked on {text:?}")),
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) if !e.path().is_empty() || e.message().contains("line ") => Ok(()),
        // A document that is not an object at all: the whole request is the field at fault.
        Ok(Err(e)) if e.message().contains("expected a decision request") => Ok(()),
        // A key that is the empty string at the top level: its path is "" (found by this test;
        // the message says which keys are expected).
        Ok(Err(e)) if e.message().starts_with("unknown field") => Ok(()),
        Ok(Err(e)) => Err(format!(
            "error names neither field nor position: {e} (input {text:?})"
        )),
    }
}

#[test]
fn the_request_corpus_gives_answers_not_crashes() {
    let corpus = corpus();
    assert!(corpus.len() >= 10, "the corpus is in the repository");
    for (name, bytes) in &corpus {
        check(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn mutated_and_arbitrary_requests_give_answers_not_crashes() {
    let corpus: Vec<Vec<u8>> = corpus().into_iter().map(|(_, b)| b).collect();
    let tricky = prop_oneof![
        Just(b"\"".to_vec()),
        Just(b"\\".to_vec()),
        Just(b"\\u0000".to_vec()),
        Just(b"\\ud800".to_vec()),
        Just(b"{".to_vec()),
        Just(b"]".to_vec()),
        Just(b",".to_vec()),
        Just(b"null".to_vec()),
        Just(b"1e400".to_vec()),
        Just(b"-1".to_vec()),
        Just("\u{202e}".as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    let mutation = (
        proptest::sample::select(corpus),
        any::<proptest::sample::Index>(),
        0usize..6,
        tricky,
    )
        .prop_map(|(mut doc, at, cut, insert)| {
            let i = if doc.is_empty() {
                0
            } else {
                at.index(doc.len())
            };
            let end = (i + cut).min(doc.len());
            doc.splice(i..end, insert);
            doc
        });
    let input = prop_oneof![
        3 => mutation,
        1 => proptest::collection::vec(any::<u8>(), 0..512),
        1 => any::<String>().prop_map(String::into_bytes),
    ];
    let mut runner = TestRunner::new(Config::with_cases(4000));
    runner
        .run(&input, |bytes| {
            check(&bytes).map_err(TestCaseError::fail)?;
            Ok(())
        })
        .unwrap();
}
