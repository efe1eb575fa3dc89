//! `vigie decide` answers every worked example of the decision contract (v1 and v2 files, the
//! core's fixtures).

use super::*;

const EXAMPLES: [&str; 2] = [
    include_str!("../../../vigie-core/tests/fixtures/examples.jsonl"),
    include_str!("../../../vigie-core/tests/fixtures/examples_v2.jsonl"),
];

#[test]
fn decide_answers_every_contract_example() {
    let install = Install::new();
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<serde_json::Value> = EXAMPLES
        .iter()
        .flat_map(|f| f.lines())
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(cases.len(), 21);
    let requests: String = cases
        .iter()
        .map(|c| format!("{}\n", c["request"]))
        .collect();
    let file = dir.path().join("requests.jsonl");
    write(&file, &requests);
    let out = ok(&install.run(&["decide", "--jsonl", file.to_str().unwrap()]));
    let answers: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), cases.len());
    for (case, got) in cases.iter().zip(&answers) {
        assert_eq!(
            got["decision"], case["expect"]["decision"],
            "{}",
            case["name"]
        );
        assert_eq!(got["code"], case["expect"]["code"], "{}", case["name"]);
    }
    // One request at a time, in English: the Réunion case names the consumer's zone.
    let reunion = cases
        .iter()
        .find(|c| c["name"].as_str().unwrap().contains("Reunion"))
        .unwrap();
    let one = dir.path().join("reunion.json");
    write(&one, &reunion["request"].to_string());
    let out = ok(&install.run(&["decide", "--lang", "en", one.to_str().unwrap()]));
    assert!(out.contains("local time (Indian/Reunion)"), "{out}");
}
