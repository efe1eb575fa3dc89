//! Fuzzing the CSV imports with proptest (cargo-fuzz needs a nightly compiler): any file either
//! imports or is refused with errors that each name a line, and never panics. The corpus of
//! tricky files in `tests/corpus/` (its name says its kind) is replayed, then mutated.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use vigie_store::testing::sqlite_store;

use super::*;

fn kind_of(name: &str) -> ImportKind {
    match name.split('_').next() {
        Some("contacts") => ImportKind::Contacts,
        Some("consents") => ImportKind::Consents,
        Some("suppression") => ImportKind::Suppression,
        Some("opposition") => ImportKind::Opposition,
        _ => panic!("{name}: a corpus file's name starts with its kind"),
    }
}

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// Imports `bytes` as `kind`: it imports, or every error names a line.
async fn check(
    s: &Store,
    o: &Organization,
    dir: &Path,
    kind: ImportKind,
    bytes: &[u8],
) -> Result<(), String> {
    let file = dir.join("fuzz.csv");
    std::fs::write(&file, bytes).unwrap();
    let shown = || {
        String::from_utf8_lossy(bytes)
            .chars()
            .take(400)
            .collect::<String>()
    };
    match import_file(s, o, kind, &file, &ImportOptions::default()).await {
        Ok(_) => Ok(()),
        Err(ImportError::Invalid { errors, .. })
            if !errors.is_empty() && errors.iter().all(|e| e.line >= 1) =>
        {
            Ok(())
        }
        Err(e) => Err(format!("{kind:?}: {e} (file {:?})", shown())),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_csv_corpus_and_its_mutations_give_answers_not_crashes() {
    let t = sqlite_store().await;
    let (s, dir) = (&t.store, tempfile::tempdir().unwrap());
    let o = org(s).await;
    let corpus = corpus();
    assert!(corpus.len() >= 20, "the corpus is in the repository");
    for (name, bytes) in &corpus {
        check(s, &o, dir.path(), kind_of(name), bytes)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let tricky = prop_oneof![
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b",".to_vec()),
        Just(b"\0".to_vec()),
        Just(b"|".to_vec()),
        Just(b"\"\"".to_vec()),
        Just("\u{202e}".as_bytes().to_vec()),
        Just(b"\xff\xfe".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..12),
    ];
    let mutation = (
        proptest::sample::select(corpus),
        any::<proptest::sample::Index>(),
        0usize..8,
        tricky,
    )
        .prop_map(|((name, mut doc), at, cut, insert)| {
            let i = if doc.is_empty() {
                0
            } else {
                at.index(doc.len())
            };
            let end = (i + cut).min(doc.len());
            doc.splice(i..end, insert);
            (kind_of(&name), doc)
        });
    let mut runner = TestRunner::deterministic();
    for _ in 0..300 {
        let (kind, bytes) = mutation.new_tree(&mut runner).unwrap().current();
        // A panic on the reader's thread comes back as an error, which `check` refuses.
        check(s, &o, dir.path(), kind, &bytes).await.unwrap();
    }
}
