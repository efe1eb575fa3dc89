//! `vigie retention`: the plan's JSON (`expired_prospects` at the three-year edge, on the
//! moment's own clock), a policy change refused naming its field, and a run that erases, leaves
//! its proof in the audit trail and is listed by `runs`.

use super::*;

const CONTACTS: &str = "\
contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted,relationship_ended_at
P-OLD,old@example.org,,consumer,false,,web_form,2023-12-04T09:00:00Z,true,true,false,false,
P-NEW,new@example.org,,consumer,false,,web_form,2023-12-06T09:00:00Z,true,true,false,false,
C-END,buyer@example.org,,consumer,true,optics,shop,2019-01-01T09:00:00Z,true,true,false,false,2023-12-04T09:00:00Z
";

#[test]
fn plan_run_and_policies_from_the_command_line() {
    let v = Install::new();
    let csv = v.data.parent().unwrap().join("contacts.csv");
    write(&csv, CONTACTS);
    ok(&v.run(&["import", "contacts", csv.to_str().unwrap()]));
    let at = "2026-12-05T10:00:00+01:00";
    let plan: serde_json::Value = serde_json::from_str(&ok(&v.run(&[
        "retention",
        "plan",
        "--at",
        at,
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(plan["expired_prospects"], 1, "{plan}");
    assert_eq!(plan["erase"]["references"], serde_json::json!(["P-OLD"]));
    assert_eq!(
        plan["archive"]["references"],
        serde_json::json!(["C-END"]),
        "{plan}"
    );
    assert_eq!(plan["at"], at);

    let refused = v.run(&[
        "retention",
        "set-policy",
        "--category",
        "prospects",
        "--years",
        "4",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("changes[0].years"),
        "{}",
        text(&refused.stderr)
    );

    let run: serde_json::Value = serde_json::from_str(&ok(&v.run(&[
        "retention",
        "run",
        "--at",
        at,
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(
        (run["erased"].as_i64(), run["archived"].as_i64()),
        (Some(1), Some(1)),
        "{run}"
    );
    let digest = run["refs_sha256"].as_str().unwrap().to_owned();
    let listed = ok(&v.run(&["retention", "runs"]));
    assert!(listed.contains(&digest), "{listed}");
    let proof: String = v
        .db()
        .query_row(
            "SELECT reason FROM audit_log WHERE action = 'retention.run'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(proof.contains(&digest), "{proof}");
    // Nothing left to do at the same moment.
    let plan: serde_json::Value = serde_json::from_str(&ok(&v.run(&[
        "retention",
        "plan",
        "--at",
        at,
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(
        (
            plan["expired_prospects"].as_i64(),
            plan["archive"]["count"].as_i64()
        ),
        (Some(0), Some(0))
    );
}

/// Long after everything recorded so far, the plan counts the audit entries a run would purge,
/// the run purges as many, and `vigie audit verify` still finds the trail intact (against the
/// checkpoint written before the purge too).
#[test]
fn the_audit_trail_purged_by_a_run_still_verifies_from_the_command_line() {
    let v = Install::new();
    let csv = v.data.parent().unwrap().join("contacts.csv");
    write(&csv, CONTACTS);
    ok(&v.run(&["import", "contacts", csv.to_str().unwrap()]));
    ok(&v.run(&["audit", "checkpoint"]));
    let entries: i64 = v
        .db()
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert!(entries > 0);
    let at = "2040-01-01T00:00:00Z";
    let plan: serde_json::Value = serde_json::from_str(&ok(&v.run(&[
        "retention",
        "plan",
        "--at",
        at,
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(
        plan["purge"]["audit_entries"].as_i64(),
        Some(entries),
        "{plan}"
    );
    let run: serde_json::Value = serde_json::from_str(&ok(&v.run(&[
        "retention",
        "run",
        "--at",
        at,
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(run["purged"], plan["purge"], "{run}");
    assert!(ok(&v.run(&["audit", "verify"])).contains("intact"));
    let listed = ok(&v.run(&["retention", "runs"]));
    assert!(
        listed.contains(&format!("{entries} audit entries")),
        "{listed}"
    );
}

/// `vigie retention requalify`: a campaign created now asks the prospect whose period ends
/// within the days given (not the one already past, not the fresh one), `show` reports its
/// progress, `export` writes each person's address and signed link token as CSV and makes them
/// sent, and both are in the audit trail. (Dates relative to now: an export needs the window
/// open.)
#[test]
fn a_requalification_campaign_from_the_command_line() {
    let v = Install::new();
    let csv = v.data.parent().unwrap().join("contacts.csv");
    let days_ago = |days: i64| {
        (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * days))
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    // Three years less about 30 days ago: the period ends within 90 days.
    let (soon, fresh) = (days_ago(3 * 365 - 30), days_ago(1));
    write(
        &csv,
        &format!("\
contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted,relationship_ended_at
P-SOON,soon@example.org,,consumer,false,,web_form,{soon},true,true,false,false,
P-OLD,old@example.org,,consumer,false,,web_form,2021-01-01T09:00:00Z,true,true,false,false,
P-NEW,new@example.org,,consumer,false,,web_form,{fresh},true,true,false,false,
"),
    );
    ok(&v.run(&["import", "contacts", csv.to_str().unwrap()]));
    let created: serde_json::Value = serde_json::from_str(&ok(&v.run(&[
        "retention",
        "requalify",
        "create",
        "--name",
        "Relance 2026",
        "--within-days",
        "90",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(created["progress"]["asked"], 1, "{created}");
    // Asked, not yet sent: nobody has a link before an export.
    assert_eq!(created["progress"]["not_sent"], 1, "{created}");
    assert_eq!(created["progress"]["silent"], 0, "{created}");
    assert_eq!(created["channel"], "email");
    let id = created["id"].as_i64().unwrap().to_string();

    let shown = ok(&v.run(&["retention", "requalify", "show", "--campaign", &id]));
    assert!(
        shown.contains("asked 1, sent 0, confirmed 0, refused 0, silent 0, not yet sent 1"),
        "{shown}"
    );

    let out = v.data.parent().unwrap().join("links.csv");
    ok(&v.run(&[
        "retention",
        "requalify",
        "export",
        "--campaign",
        &id,
        "--base-url",
        "https://vigie.example.org/",
        "--out",
        out.to_str().unwrap(),
    ]));
    let exported = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = exported.lines().collect();
    assert_eq!(lines.len(), 2, "{exported}");
    assert_eq!(lines[0], "contact_ref,email,link,token,expires");
    let cells: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(&cells[..2], ["P-SOON", "soon@example.org"], "{exported}");
    let token = cells[3];
    assert_eq!(token.split('.').count(), 4, "{exported}");
    assert!(token.starts_with(&format!("{id}.")), "{exported}");
    assert_eq!(
        cells[2],
        format!("https://vigie.example.org/requalify/default/{token}"),
        "{exported}"
    );

    // The export made her sent: silent now, until she answers.
    let shown = ok(&v.run(&["retention", "requalify", "show", "--campaign", &id]));
    assert!(
        shown.contains("asked 1, sent 1, confirmed 0, refused 0, silent 1, not yet sent 0"),
        "{shown}"
    );

    let missing = v.run(&["retention", "requalify", "show", "--campaign", "999"]);
    assert!(!missing.status.success());
    for action in [
        "retention.requalification.create",
        "retention.requalification.export",
    ] {
        let n: i64 = v
            .db()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = ?1",
                [action],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "{action}");
    }
}

/// `vigie retention coverage`: the JSON report's counts for e-mail marketing, and `--list` the
/// CSV of the references behind one count (formula-safe), the listing audited.
#[test]
fn the_coverage_report_and_its_lists_from_the_command_line() {
    let v = Install::new();
    let csv = v.data.parent().unwrap().join("contacts.csv");
    write(&csv, CONTACTS);
    ok(&v.run(&["import", "contacts", csv.to_str().unwrap()]));
    let at = "2026-12-05T10:00:00+01:00";
    let report: serde_json::Value = serde_json::from_str(&ok(&v.run(&[
        "retention",
        "coverage",
        "--at",
        at,
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(report["contacts"], 3, "{report}");
    let cell = report["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == "email" && c["purpose"] == "marketing")
        .unwrap();
    assert_eq!(cell["counts"]["past_period"], 2, "{cell}");
    assert_eq!(cell["counts"]["no_basis"], 1, "{cell}");
    assert_eq!(cell["counts"]["consent"], 0, "{cell}");

    let list = ok(&v.run(&[
        "retention",
        "coverage",
        "--at",
        at,
        "--list",
        "past_period",
        "--channel",
        "email",
        "--purpose",
        "marketing",
    ]));
    assert_eq!(list, "contact_ref\r\nP-OLD\r\nC-END\r\n");
    let listed: i64 = v
        .db()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'retention.coverage.list'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(listed, 1);
    let refused = v.run(&["retention", "coverage", "--list", "everyone"]);
    assert_eq!(refused.status.code(), Some(2));
}

/// `vigie org set --financial-year-end`: 29 February refused naming the setting, nothing
/// changed; 06-30 kept, shown by `org show`, the change audited old -> new; the next run
/// archives the customer until the end of 30 June 2034 and keeps no e-mail of it.
#[test]
fn the_financial_year_end_from_the_command_line_moves_the_hold() {
    let v = Install::new();
    let refused = v.run(&["org", "set", "default", "--financial-year-end", "02-29"]);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("financial_year_end"),
        "{}",
        text(&refused.stderr)
    );
    assert!(ok(&v.run(&["org", "show", "default"])).contains("financial year end\t12-31"));
    ok(&v.run(&["org", "set", "default", "--financial-year-end", "06-30"]));
    assert!(ok(&v.run(&["org", "show", "default"])).contains("financial year end\t06-30"));
    let reason: String = v
        .db()
        .query_row(
            "SELECT reason FROM audit_log WHERE action = 'organization.settings'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reason, "financial_year_end: 12-31 -> 06-30");

    let csv = v.data.parent().unwrap().join("contacts.csv");
    write(&csv, CONTACTS);
    ok(&v.run(&["import", "contacts", csv.to_str().unwrap()]));
    ok(&v.run(&["retention", "run", "--at", "2026-12-05T10:00:00+01:00"]));
    let (until, email): (i64, Option<Vec<u8>>) = v
        .db()
        .query_row(
            "SELECT retention_hold_until, email_bidx FROM contacts WHERE contact_ref = 'C-END'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let end_of_june_2034 = "2034-06-30T22:00:00Z"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_microsecond();
    assert_eq!(until, end_of_june_2034);
    assert_eq!(email, None, "the archive keeps no e-mail");
}
