//! Every case of the assessments contract (tests/fixtures/assessments.jsonl, a copy of
//! the contract's assessments.jsonl) and of Vigie's own cases (assessments_more.jsonl),
//! through the core's reader and assessments; and the adequacy table, day by day.

use jiff::ToSpan;
use serde_json::{Value, json};
use vigie_core::assess::{ADEQUACY, assess, parse_assessment};
use vigie_core::decision::Lang;

fn cases(file: &str) -> Vec<Value> {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Checks one case; returns a description of the mismatch, if any.
fn check(case: &Value, lang: Lang) -> Option<String> {
    let name = &case["name"];
    let request = case["request"].to_string();
    let expect = case["expect"].as_object().unwrap();
    match parse_assessment(&request) {
        Err(e) if expect.get("error") == Some(&Value::Bool(true)) => {
            assert!(!e.message().is_empty());
            None
        }
        Err(e) => Some(format!("{name}: unexpected error {e}")),
        Ok(_) if expect.contains_key("error") => Some(format!("{name}: expected an error")),
        Ok(r) => {
            let answer = serde_json::to_value(assess(&r, lang)).unwrap();
            for field in ["explanation", "references"] {
                assert!(answer.get(field).is_some(), "{name}: no {field}");
            }
            expect
                .iter()
                .find(|(k, v)| answer.get(k.as_str()) != Some(v))
                .map(|(k, v)| format!("{name}: {k} is {:?}, expected {v}", answer.get(k)))
        }
    }
}

#[test]
fn every_contract_case_passes() {
    let cases = cases("assessments.jsonl");
    assert_eq!(cases.len(), 10);
    for lang in [Lang::Fr, Lang::En] {
        let failures: Vec<_> = cases.iter().filter_map(|c| check(c, lang)).collect();
        assert!(failures.is_empty(), "{failures:#?}");
    }
}

#[test]
fn every_case_of_our_own_passes() {
    let cases = cases("assessments_more.jsonl");
    assert!(cases.len() >= 50);
    let failures: Vec<_> = cases.iter().filter_map(|c| check(c, Lang::En)).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_adequacy_decision_applies_from_its_day_not_the_day_before() {
    assert_eq!(ADEQUACY.len(), 15);
    for a in ADEQUACY {
        let before = a.from.checked_sub(1.day()).unwrap();
        for (at, lawful) in [(before, false), (a.from, true)] {
            let request = json!({"kind": "transfer", "at": at.to_string(), "country": a.country,
                "safeguard": null, "dpf_certified": true});
            let answer = serde_json::to_value(assess(
                &parse_assessment(&request.to_string()).unwrap(),
                Lang::En,
            ))
            .unwrap();
            assert_eq!(answer["lawful"], lawful, "{} on {at}", a.country);
            let code = if lawful { "ADEQUACY" } else { "NO_SAFEGUARD" };
            assert_eq!(answer["code"], code, "{} on {at}", a.country);
        }
    }
}

#[test]
fn errors_name_the_field() {
    for (request, field) in [
        (
            r#"{"kind":"transfer","at":"2026-12-04","country":"UK"}"#,
            "country",
        ),
        (
            r#"{"kind":"transfer","at":"2026-12-04","country":"TN","safeguard":"x"}"#,
            "safeguard",
        ),
        (
            r#"{"kind":"transfer","at":"2026-13-04","country":"TN"}"#,
            "at",
        ),
        (r#"{"kind":"transfer","at":"2026-12-04"}"#, "country"),
        (
            r#"{"kind":"dpia","criteria":["large_scale","profiling"]}"#,
            "criteria[1]",
        ),
        (
            r#"{"kind":"breach","aware_at":"2026-01-01T00:00:00Z","risk":"bad"}"#,
            "risk",
        ),
        (
            r#"{"kind":"dsar_deadline","received_on":"2026-01-31","extension_months":3}"#,
            "extension_months",
        ),
        (r#"{"kind":"pigeon"}"#, "kind"),
    ] {
        let e = parse_assessment(request).unwrap_err();
        assert_eq!(e.path(), field, "{request}: {e}");
    }
    let e = parse_assessment(r#"{"kind":"dpia","criteria":[],"extra":1}"#).unwrap_err();
    assert!(e.message().contains("unknown field"), "{e}");
    let e = parse_assessment("{").unwrap_err();
    assert!(e.message().starts_with("invalid JSON"), "{e}");
    let e = parse_assessment(
        r#"{"kind":"dsar_deadline","received_on":"2026-01-31","extension_months":3}"#,
    )
    .unwrap_err();
    assert!(e.message().contains("0, 1 or 2"), "{e}");
}

#[test]
fn the_72_hours_are_elapsed_time_across_both_clock_changes() {
    // Paris: summer time starts 2026-03-29 and ends 2026-10-25. On the wall clock the deadline
    // shows one hour later (spring) or earlier (autumn) than the hour of awareness.
    for (aware, deadline) in [
        ("2026-03-27T15:00:00+01:00", "2026-03-30T14:00:00Z"),
        ("2026-10-23T15:00:00+02:00", "2026-10-26T13:00:00Z"),
    ] {
        let r = parse_assessment(
            &json!({"kind": "breach", "aware_at": aware, "risk": "risk"}).to_string(),
        )
        .unwrap();
        let answer = serde_json::to_value(assess(&r, Lang::Fr)).unwrap();
        assert_eq!(answer["deadline"], deadline);
    }
}
