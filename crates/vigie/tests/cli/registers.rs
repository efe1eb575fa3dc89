//! `vigie registers`: apply (idempotent, one audit entry per change, invalid files refused
//! whole), export in YAML (round-trip), JSON and CSV (every art. 30 field), check.

use super::*;

const DEMO: &str = include_str!("../../src/demo_registers.yaml");

fn audit_rows(v: &Install) -> i64 {
    v.db()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action LIKE 'registers.apply'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn registers_apply_is_idempotent_and_exports_every_art_30_field() {
    let v = Install::new();
    ok(&v.run(&["org", "add", "acme"]));
    let dir = v.data.parent().unwrap();
    let file = dir.join("registers.yaml");
    write(&file, DEMO);
    let out = ok(&v.run(&[
        "registers",
        "apply",
        "--org",
        "acme",
        file.to_str().unwrap(),
    ]));
    assert!(out.contains("version 1"), "{out}");
    let out = ok(&v.run(&[
        "registers",
        "apply",
        "--org",
        "acme",
        file.to_str().unwrap(),
    ]));
    assert!(out.contains("unchanged (version 1)"), "{out}");
    assert_eq!(
        audit_rows(&v),
        1,
        "one audit entry for two identical applies"
    );

    // An invalid file is refused whole: the version stays, the field and line are named.
    let bad = dir.join("bad.yaml");
    write(
        &bad,
        &DEMO
            .replace("legal_name: Optique Horizon SAS", "legal_name: Autre")
            .replacen("legal_basis: consent", "legal_basis: whim", 1),
    );
    let out = v.run(&["registers", "apply", "--org", "acme", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("activities[0].legal_basis") && err.contains("line 22"),
        "{err}"
    );
    let yaml = ok(&v.run(&["registers", "export", "--org", "acme", "--format", "yaml"]));
    assert!(
        yaml.contains("Optique Horizon SAS") && !yaml.contains("Autre"),
        "{yaml}"
    );

    // The YAML export applies back to the same version.
    let exported = dir.join("exported.yaml");
    ok(&v.run(&[
        "registers",
        "export",
        "--org",
        "acme",
        "--format",
        "yaml",
        "-o",
        exported.to_str().unwrap(),
    ]));
    let out = ok(&v.run(&[
        "registers",
        "apply",
        "--org",
        "acme",
        exported.to_str().unwrap(),
    ]));
    assert!(out.contains("unchanged (version 1)"), "{out}");

    // CSV: every art. 30 field, one row per activity.
    let csv_file = dir.join("registers.csv");
    ok(&v.run(&[
        "registers",
        "export",
        "--org",
        "acme",
        "--format",
        "csv",
        "-o",
        csv_file.to_str().unwrap(),
    ]));
    let mut reader = csv::Reader::from_path(&csv_file).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    for column in [
        "controller",
        "controller_contact",
        "dpo",
        "purpose",
        "legal_basis",
        "special_condition",
        "categories_of_persons",
        "categories_of_data",
        "recipients",
        "processors",
        "transfers",
        "retention",
        "security_measures",
        "dpia_status",
        "vigie_data",
    ] {
        assert!(
            header.iter().any(|h| h == column),
            "column {column} missing: {header:?}"
        );
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let cell =
        |row: usize, col: &str| rows[row][header.iter().position(|h| h == col).unwrap()].to_owned();
    assert_eq!(cell(1, "activity_id"), "prospecting-phone");
    assert!(
        cell(1, "transfers").contains("TN, scc"),
        "{}",
        cell(1, "transfers")
    );
    assert!(cell(1, "legal_basis").starts_with("legitimate_interests (art. 6(1)(f))"));
    assert!(
        cell(1, "dpia_status").contains("required (2 criteria): dpia-phone not signed off"),
        "{}",
        cell(1, "dpia_status")
    );
    assert!(cell(0, "retention").contains("3 ans"));
    assert!(cell(0, "dpo").contains("Julien Marchand"));

    // JSON: the registers with every field, and the gaps of the day.
    let json: serde_json::Value = serde_json::from_str(&ok(&v.run(&[
        "registers",
        "export",
        "--org",
        "acme",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(json["organization"], "acme");
    assert_eq!(json["version"], 1);
    let phone = &json["registers"]["activities"][1];
    for field in [
        "purposes",
        "legal_basis",
        "categories_of_persons",
        "categories_of_data",
        "recipients",
        "processors",
        "transfers",
        "retention",
        "security_measures",
        "dpia",
        "vigie_data",
    ] {
        assert!(!phone[field].is_null(), "{field} missing");
    }
    let codes: Vec<&str> = json["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"MISSING_CLAUSE") && codes.contains(&"DPIA_UNSIGNED"),
        "{codes:?}"
    );

    // Check on a day: the call centre's review (due 2026-11-30) is overdue a day later.
    let out = v.run(&[
        "registers",
        "check",
        "--org",
        "acme",
        "--on",
        "2026-12-01",
        "--lang",
        "en",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let listed = text(&out.stdout);
    assert!(
        listed.contains("REVIEW_OVERDUE\tprocessor:callcentre"),
        "{listed}"
    );
    let out = v.run(&["registers", "check", "--org", "acme", "--on", "2026-11-30"]);
    assert!(!text(&out.stdout).contains("REVIEW_OVERDUE"));
}

#[test]
fn the_pdf_register_renders_and_holds_the_organization_and_every_art_30_heading() {
    let v = Install::new();
    ok(&v.run(&["org", "add", "acme"]));
    let dir = v.data.parent().unwrap();
    let file = dir.join("registers.yaml");
    write(&file, DEMO);
    ok(&v.run(&[
        "registers",
        "apply",
        "--org",
        "acme",
        file.to_str().unwrap(),
    ]));
    let pdf = dir.join("registers.pdf");
    ok(&v.run(&[
        "registers",
        "export",
        "--org",
        "acme",
        "--format",
        "pdf",
        "-o",
        pdf.to_str().unwrap(),
    ]));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    // Page 1 renders to an image.
    let png = dir.join("page");
    let out = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .output()
        .expect("pdftoppm (Debian poppler-utils) runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let image = std::fs::read(dir.join("page.png")).unwrap();
    assert!(
        image.starts_with(b"\x89PNG") && image.len() > 2000,
        "{} bytes",
        image.len()
    );
    // Page 1 names the organization and its DPO; the sheets carry every art. 30 heading.
    let extract = |first: &str, last: &str| {
        let out = std::process::Command::new("pdftotext")
            .args(["-f", first, "-l", last, "-enc", "UTF-8"])
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext runs");
        assert!(out.status.success());
        text(&out.stdout)
    };
    let first = extract("1", "1");
    assert!(
        first.contains("Optique Horizon SAS") && first.contains("Julien Marchand"),
        "{first}"
    );
    let sheets = extract("2", "99");
    for heading in [
        "Finalités",
        "Base légale",
        "Catégories de personnes concernées",
        "Données concernées",
        "Destinataires",
        "Sous-traitants",
        "Transferts hors de l'EEE",
        "Durées de conservation",
        "Mesures de sécurité",
        "Analyse d'impact",
        "Prospection commerciale par téléphone",
        "Atlas Contact SARL (TN)",
    ] {
        assert!(sheets.contains(heading), "{heading} missing:\n{sheets}");
    }
}

#[test]
fn notice_recipients_lists_the_people_consenting_under_another_version_and_is_audited() {
    let v = Install::new();
    let dir = v.data.parent().unwrap();
    let contacts = dir.join("contacts.csv");
    write(
        &contacts,
        "contact_ref,email,phone,first_name,last_name,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted\n\
         C1,a@example.org,,@Anne,Martin,consumer,false,,web_form,2026-03-02T10:00:00Z,true,true,false,false\n\
         C2,b@example.org,,Bruno,Durand,consumer,false,,web_form,2026-03-02T10:00:00Z,true,true,false,false\n",
    );
    ok(&v.run(&["import", "contacts", contacts.to_str().unwrap()]));
    let consents = dir.join("consents.csv");
    write(
        &consents,
        "contact_ref,channel,purpose,action,at,method,notice_version,source\n\
         C1,email,marketing,grant,2026-03-02T10:00:00Z,double_opt_in,v3,form\n\
         C2,email,marketing,grant,2026-03-02T10:00:00Z,double_opt_in,v4,form\n",
    );
    ok(&v.run(&["import", "consents", consents.to_str().unwrap()]));
    let missing = v.run(&["registers", "notice-recipients", "v4"]);
    assert!(
        !missing.status.success() && text(&missing.stderr).contains("no notice version v4"),
        "{}",
        text(&missing.stderr)
    );
    v.db()
        .execute(
            "INSERT INTO notices (org_id, version, text_fr, text_en, created_at)
             SELECT id, 'v4', 'fr', 'en', 0 FROM organizations WHERE slug = 'default'",
            [],
        )
        .unwrap();
    let out = ok(&v.run(&["registers", "notice-recipients", "v4"]));
    assert_eq!(
        out,
        "contact_ref,email,first_name,last_name\nC1,a@example.org,'@Anne,Martin\n"
    );
    let target: String = v
        .db()
        .query_row(
            "SELECT target FROM audit_log WHERE action = 'notice.recipients.export'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(target, "contacts:C1");
}

#[test]
fn registers_evidence_writes_the_auditors_pack() {
    let v = Install::new();
    ok(&v.run(&["org", "add", "acme"]));
    let dir = v.data.parent().unwrap();
    let file = dir.join("registers.yaml");
    write(&file, DEMO);
    ok(&v.run(&[
        "registers",
        "apply",
        "--org",
        "acme",
        file.to_str().unwrap(),
    ]));
    let pack = dir.join("pack.zip");
    let out = ok(&v.run(&[
        "registers",
        "evidence",
        "--org",
        "acme",
        "--lang",
        "en",
        "-o",
        pack.to_str().unwrap(),
    ]));
    assert!(out.contains("evidence pack of acme"), "{out}");
    let zip = zip::ZipArchive::new(std::fs::File::open(&pack).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    for name in [
        "README.txt",
        "manifest.json",
        "registers/registers.pdf",
        "requests.json",
        "audit-chain.json",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    let recorded: i64 = v
        .db()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'registers.evidence'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(recorded, 1);
}
