//! `vigie assess` answers every case of the assessments contract and of Vigie's own cases (the
//! core's fixtures), in order, one line each; bad lines are answered with the field named.

use super::*;

const CASES: [&str; 2] = [
    include_str!("../../../vigie-core/tests/fixtures/assessments.jsonl"),
    include_str!("../../../vigie-core/tests/fixtures/assessments_more.jsonl"),
];

#[test]
fn assess_answers_every_case_in_order() {
    let install = Install::new();
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<serde_json::Value> = CASES
        .iter()
        .flat_map(|f| f.lines())
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let requests: String = cases
        .iter()
        .map(|c| format!("{}\n", c["request"]))
        .collect();
    let file = dir.path().join("requests.jsonl");
    write(&file, &requests);
    let out = install.run(&["assess", "--jsonl", file.to_str().unwrap()]);
    // Some of our own cases are errors: exit code 2, every line still answered.
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let answers: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), cases.len());
    for (i, (case, got)) in cases.iter().zip(&answers).enumerate() {
        let expect = case["expect"].as_object().unwrap();
        if expect.contains_key("error") {
            assert_eq!(got["line"], i + 1, "{}", case["name"]);
            assert!(got["error"]["message"].is_string(), "{}", case["name"]);
        } else {
            for (k, v) in expect {
                assert_eq!(&got[k], v, "{}: {k}", case["name"]);
            }
        }
    }
    // The contract's own file alone: no error, exit code 0.
    let contract = dir.path().join("contract.jsonl");
    let lines: String = CASES[0]
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            format!(
                "{}\n",
                serde_json::from_str::<serde_json::Value>(l).unwrap()["request"]
            )
        })
        .collect();
    write(&contract, &lines);
    let out = ok(&install.run(&["assess", "--jsonl", contract.to_str().unwrap()]));
    assert_eq!(out.lines().count(), 10);
    // One request, in English; one bad request names its field.
    let one = dir.path().join("one.json");
    write(
        &one,
        r#"{"kind":"dsar_deadline","received_on":"2026-01-31","extension_months":0}"#,
    );
    let out = ok(&install.run(&["assess", "--lang", "en", one.to_str().unwrap()]));
    assert!(out.contains("\"due_on\": \"2026-02-28\""), "{out}");
    write(&one, r#"{"kind":"dpia","criteria":["profiling"]}"#);
    let out = install.run(&["assess", one.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("criteria[0]"),
        "{}",
        text(&out.stderr)
    );
    let help = ok(&install.run(&["assess", "--help"]));
    assert!(
        help.contains("dsar_deadline") && help.contains("NO_SAFEGUARD"),
        "{help}"
    );
}
