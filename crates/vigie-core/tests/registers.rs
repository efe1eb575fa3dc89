//! The registers' model: YAML round-trip, refusal of invalid files whole with the field named,
//! and the gaps flagged from the core's assessments.

use jiff::civil::date;
use vigie_core::assess::Safeguard;
use vigie_core::registers::{
    Art28Clause, Issue, RecordRef, Registers, flags, from_json, from_yaml, to_yaml,
};

/// The demo organization's register (the binary ships it).
const DEMO: &str = include_str!("../../vigie/src/demo_registers.yaml");

fn demo() -> Registers {
    from_yaml(DEMO).unwrap_or_else(|e| panic!("{e}"))
}

fn codes_for(r: &Registers, record: &RecordRef, today: jiff::civil::Date) -> Vec<&'static str> {
    flags(r, today)
        .into_iter()
        .filter(|f| &f.record == record)
        .map(|f| f.issue.code())
        .collect()
}

#[test]
fn yaml_and_json_round_trip() {
    let r = demo();
    assert_eq!(r.activities.len(), 3);
    assert_eq!(r.processors.len(), 3);
    let yaml = to_yaml(&r);
    assert_eq!(from_yaml(&yaml).unwrap(), r, "{yaml}");
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(from_json(&json).unwrap(), r);
    // The country code NO (Norway) stays a string, not YAML 1.1's false.
    let norway = DEMO.replace("country: FR", "country: NO");
    let r = from_yaml(&norway).unwrap();
    assert_eq!(r.processors[0].country.as_str(), "NO");
    assert_eq!(from_yaml(&to_yaml(&r)).unwrap(), r);
}

#[test]
fn a_processor_in_tunisia_without_safeguard_is_flagged_until_clauses_are_recorded() {
    let mut r = demo();
    let today = date(2026, 12, 5);
    let cc = RecordRef::Processor("callcentre".into());
    assert!(!codes_for(&r, &cc, today).contains(&"TRANSFER_WITHOUT_BASIS"));
    let x = r
        .processors
        .iter_mut()
        .find(|p| p.id == "callcentre")
        .unwrap();
    x.safeguard = None;
    let flagged = flags(&r, today);
    let transfer = flagged
        .iter()
        .find(|f| f.record == cc && f.issue.code() == "TRANSFER_WITHOUT_BASIS")
        .expect("flagged");
    assert_eq!(transfer.field, "country");
    assert!(
        transfer.issue.explain(vigie_core::Lang::En).contains("TN"),
        "{:?}",
        transfer.issue
    );
    // Standard contractual clauses recorded: no longer flagged.
    let x = r
        .processors
        .iter_mut()
        .find(|p| p.id == "callcentre")
        .unwrap();
    x.safeguard = Some(Safeguard::Scc);
    assert!(!codes_for(&r, &cc, today).contains(&"TRANSFER_WITHOUT_BASIS"));
    // The same for an activity's own transfer and a sub-processor in the United States that
    // loses its certification.
    r.activities[1].transfers[0].safeguard = None;
    assert!(
        codes_for(&r, &RecordRef::Activity("prospecting-phone".into()), today)
            .contains(&"TRANSFER_WITHOUT_BASIS")
    );
    let crm = RecordRef::Processor("crm".into());
    assert!(codes_for(&r, &crm, today).is_empty());
    r.processors[1].sub_processors[0].dpf_certified = false;
    let f: Vec<_> = flags(&r, today)
        .into_iter()
        .filter(|f| f.record == crm)
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].field, "sub_processors[0]");
}

#[test]
fn every_missing_art_28_clause_is_flagged_one_by_one() {
    let mut r = demo();
    let today = date(2026, 12, 5);
    let cc = RecordRef::Processor("callcentre".into());
    let missing: Vec<_> = flags(&r, today)
        .into_iter()
        .filter_map(|f| match f.issue {
            Issue::MissingClause { clause } if f.record == cc => Some(clause),
            _ => None,
        })
        .collect();
    assert_eq!(missing, [Art28Clause::AssistanceWithObligations]);
    r.processors[2].clauses.clear();
    assert_eq!(
        codes_for(&r, &cc, today)
            .iter()
            .filter(|c| **c == "MISSING_CLAUSE")
            .count(),
        8
    );
    r.processors[2].clauses = Art28Clause::ALL.to_vec();
    assert!(!codes_for(&r, &cc, today).contains(&"MISSING_CLAUSE"));
}

#[test]
fn a_review_is_overdue_the_day_after_its_date() {
    let r = demo();
    let cc = RecordRef::Processor("callcentre".into());
    // Due on 2026-11-30.
    assert!(!codes_for(&r, &cc, date(2026, 11, 30)).contains(&"REVIEW_OVERDUE"));
    assert!(codes_for(&r, &cc, date(2026, 12, 1)).contains(&"REVIEW_OVERDUE"));
    let dpia = RecordRef::Dpia("dpia-phone".into());
    assert!(!codes_for(&r, &dpia, date(2027, 6, 30)).contains(&"DPIA_REVIEW_OVERDUE"));
    assert!(codes_for(&r, &dpia, date(2027, 7, 1)).contains(&"DPIA_REVIEW_OVERDUE"));
}

#[test]
fn two_criteria_need_a_signed_assessment_one_does_not() {
    let mut r = demo();
    let today = date(2026, 12, 5);
    let phone = RecordRef::Activity("prospecting-phone".into());
    let dpia = RecordRef::Dpia("dpia-phone".into());
    // Two criteria, an assessment recorded but not signed.
    assert_eq!(codes_for(&r, &dpia, today), ["DPIA_UNSIGNED"]);
    r.dpias[0].signed_off = Some(vigie_core::registers::SignOff {
        by: "Julien Marchand".into(),
        on: date(2026, 12, 1),
    });
    assert!(codes_for(&r, &dpia, today).is_empty());
    r.dpias.clear();
    assert_eq!(codes_for(&r, &phone, today), ["DPIA_MISSING"]);
    // One criterion: nothing required.
    r.activities[1].dpia.criteria.truncate(1);
    assert!(codes_for(&r, &phone, today).is_empty());
    // On the authority's list: required whatever the criteria.
    r.activities[1].dpia.on_authority_list = true;
    assert_eq!(codes_for(&r, &phone, today), ["DPIA_MISSING"]);
}

#[test]
fn an_invalid_file_is_refused_whole_with_the_field_and_line() {
    let line_of = |needle: &str| DEMO.lines().position(|l| l.contains(needle)).unwrap() + 1;
    // A legal basis out of the vocabulary.
    let bad = DEMO.replacen("legal_basis: consent", "legal_basis: convenience", 1);
    let e = from_yaml(&bad).unwrap_err();
    assert_eq!(e.path, "activities[0].legal_basis", "{e}");
    assert_eq!(e.line, Some(line_of("legal_basis: consent")), "{e}");
    assert!(e.message.contains("convenience"), "{e}");
    // A bad country code.
    let bad = DEMO.replacen(
        "country: TN\n    safeguard: scc\n    clauses",
        "country: TUN\n    safeguard: scc\n    clauses",
        1,
    );
    let e = from_yaml(&bad).unwrap_err();
    assert_eq!(e.path, "processors[2].country", "{e}");
    assert!(e.line.is_some());
    // An unknown field.
    let bad = DEMO.replacen(
        "  roles: [controller]",
        "  roles: [controller]\n  colour: blue",
        1,
    );
    let e = from_yaml(&bad).unwrap_err();
    assert!(e.message.contains("unknown field"), "{e}");
    assert_eq!(e.path, "profile.colour", "{e}");
    // An unknown clause.
    let bad = DEMO.replacen(
        "deletion_or_return, audits]",
        "deletion_or_return, audit]",
        1,
    );
    assert_eq!(
        from_yaml(&bad).unwrap_err().path,
        "processors[0].clauses[7]"
    );
    // Checks of the whole: references, duplicates, required fields, art. 9 condition.
    for (from, to, path) in [
        (
            "processors: [mailer, crm]",
            "processors: [mailer, crm, ghost]",
            "activities[0].processors[2]",
        ),
        ("id: crm", "id: mailer", "processors[1].id"),
        (
            "activity: prospecting-phone",
            "activity: nowhere",
            "dpias[0].activity",
        ),
        (
            "legal_name: Optique Horizon SAS",
            "legal_name: \"  \"",
            "profile.legal_name",
        ),
        (
            "roles: [controller]",
            "roles: [controller, processor]",
            "profile.clients",
        ),
        (
            "{ name: \"Adresse électronique\", kind: general }",
            "{ name: \"Santé visuelle\", kind: sensitive }",
            "activities[0].special_condition",
        ),
        (
            "id: prospecting-email",
            "id: Prospecting Email",
            "activities[0].id",
        ),
    ] {
        assert!(DEMO.contains(from), "{from}");
        let e = from_yaml(&DEMO.replacen(from, to, 1)).unwrap_err();
        assert_eq!(e.path, path, "{from} → {to}: {e}");
    }
    // Not YAML at all.
    let e = from_yaml("profile: [").unwrap_err();
    assert!(e.line.is_some(), "{e}");
}
