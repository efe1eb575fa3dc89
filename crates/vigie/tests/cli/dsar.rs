//! `vigie dsar` end to end with the real binary on the embedded store: file → verify → access
//! archive with the ledger → erasure; afterwards the person is nowhere in clear, a re-import does
//! not bring them back, screening answers SUPPRESSED and `vigie audit verify` passes. Exit codes.

use std::io::Read;

use std::process::{Command, Output};

use super::{Install, ok, text, write};

/// Runs `vigie` on the install's SQLite store, or on PostgreSQL when `db` is given.
fn vigie(v: &Install, db: Option<&str>, args: &[&str]) -> Output {
    match db {
        None => v.run(args),
        Some(url) => Command::new(env!("CARGO_BIN_EXE_vigie"))
            .arg("--database-url")
            .arg(url)
            .arg("--data-dir")
            .arg(&v.data)
            .arg("--master-key-file")
            .arg(&v.key)
            .args(args)
            .env_remove("VIGIE_MASTER_KEY")
            .env("USER", "alice")
            .output()
            .unwrap(),
    }
}

const EMAIL: &str = "louise.artigue@example.org";
const PHONE_E164: &str = "+33645454545";

fn request_id(out: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix("filed request "))
        .unwrap_or_else(|| panic!("no request id in {out}"))
        .trim()
        .to_owned()
}

fn status(out: &std::process::Output) -> i32 {
    out.status.code().unwrap()
}

#[test]
fn dsar_access_then_erasure_from_the_command_line() {
    scenario(&Install::new(), None);
}

/// The same on PostgreSQL, in a fresh schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dsar_access_then_erasure_from_the_command_line_on_postgres() {
    let t = vigie_store::testing::postgres_store().await;
    let (url, schema) = t.pg.clone().unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    let db = format!("{url}{sep}options=-c%20search_path%3D{schema}");
    // The CLI opens the schema with its own master key file: the test store's key.
    let v = Install::new();
    tokio::task::spawn_blocking(move || scenario(&v, Some(&db)))
        .await
        .unwrap();
}

fn scenario(v: &Install, db: Option<&str>) {
    let run = |args: &[&str]| vigie(v, db, args);
    let dir = v.data.parent().unwrap().to_path_buf();
    let contacts = dir.join("contacts.csv");
    let contacts_text = format!(
        "contact_ref,email,phone,first_name,last_name,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted\n\
         L1,{EMAIL},06 45 45 45 45,Louise,Artigue,consumer,false,,web_form,2025-05-05T03:36:52Z,true,true,false,false\n\
         L2,paul@example.org,06 98 76 54 32,Paul,Durand,consumer,false,,web_form,2025-05-05T03:36:52Z,true,true,false,false\n"
    );
    write(&contacts, &contacts_text);
    ok(&run(&["import", "contacts", contacts.to_str().unwrap()]));
    let consents = dir.join("consents.csv");
    write(
        &consents,
        "contact_ref,channel,purpose,action,at,method,notice_version,source\n\
         L1,email,marketing,grant,2025-05-05T03:40:00Z,double_opt_in,v4,newsletter-footer\n",
    );
    ok(&run(&["import", "consents", consents.to_str().unwrap()]));

    // Input errors name the field and exit 2.
    let bad = run(&[
        "dsar",
        "file",
        "--kind",
        "access",
        "--email",
        "not-an-address",
    ]);
    assert_eq!(status(&bad), 2, "{}", text(&bad.stderr));
    assert!(
        text(&bad.stderr).contains("--email"),
        "{}",
        text(&bad.stderr)
    );
    let bad = run(&["dsar", "file", "--kind", "forget", "--email", EMAIL]);
    assert_eq!(status(&bad), 2);
    let bad = run(&["dsar", "file", "--kind", "rectification", "--email", EMAIL]);
    assert_eq!(status(&bad), 2);
    assert!(
        text(&bad.stderr).contains("--set-"),
        "{}",
        text(&bad.stderr)
    );

    // Access: filed unverified, fulfilment waits for the identity (exit 3).
    let filed = ok(&run(&[
        "dsar", "file", "--kind", "access", "--email", EMAIL,
    ]));
    let id = request_id(&filed);
    assert!(filed.contains("awaiting_identity"), "{filed}");
    assert!(filed.contains("contact L1"), "{filed}");
    let again = ok(&run(&[
        "dsar", "file", "--kind", "access", "--email", EMAIL,
    ]));
    assert!(again.contains(&format!("request {id} (merged)")), "{again}");
    let early = run(&["dsar", "fulfil", &id]);
    assert_eq!(status(&early), 3, "{}", text(&early.stderr));
    ok(&run(&["dsar", "verify", &id]));
    let list = ok(&run(&["dsar", "list"]));
    assert!(
        list.contains("in_progress") && list.contains("on_track"),
        "{list}"
    );
    let extend = run(&["dsar", "extend", &id, "--months", "3", "--reason", "x"]);
    assert_eq!(status(&extend), 3, "{}", text(&extend.stderr));
    let archive = dir.join("louise.zip");
    let done = ok(&run(&[
        "dsar",
        "fulfil",
        &id,
        "--output",
        archive.to_str().unwrap(),
    ]));
    assert!(done.contains("archive written"), "{done}");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&archive).unwrap()).unwrap();
    let mut ledger = String::new();
    zip.by_name("consent_ledger.json")
        .unwrap()
        .read_to_string(&mut ledger)
        .unwrap();
    assert!(
        ledger.contains("newsletter-footer") && ledger.contains("\"grant\""),
        "{ledger}"
    );
    let mut summary = String::new();
    zip.by_name("LISEZMOI-README.txt")
        .unwrap()
        .read_to_string(&mut summary)
        .unwrap();
    assert!(summary.contains("Finalités : marketing"), "{summary}");
    std::fs::remove_file(&archive).unwrap();
    let shown = ok(&run(&["dsar", "show", &id]));
    assert!(
        shown.contains("fulfilled") && shown.contains("merged"),
        "{shown}"
    );
    assert_eq!(status(&run(&["dsar", "show", "9999"])), 4);

    // Erasure by phone, identity checked by the DPO.
    let filed = ok(&run(&[
        "dsar",
        "file",
        "--kind",
        "erasure",
        "--phone",
        "06 45 45 45 45",
        "--verified",
    ]));
    let id = request_id(&filed);
    let done = ok(&run(&["dsar", "fulfil", &id, "--json"]));
    let r: serde_json::Value = serde_json::from_str(&done).unwrap();
    assert_eq!(r["status"], "completed");
    assert_eq!(r["outcome"]["erasure"]["disposition"], "erased");
    let tombs = ok(&run(&["dsar", "tombstones"]));
    assert!(
        tombs.contains("contact L1") && !tombs.contains(EMAIL),
        "{tombs}"
    );

    // Re-import the same rows: the erased person stays erased.
    ok(&run(&["import", "contacts", contacts.to_str().unwrap()]));
    // Screening answers SUPPRESSED for the person, not for the other contact.
    let campaign = dir.join("campaign.json");
    write(
        &campaign,
        r#"{"jurisdiction": "FR", "purpose": "marketing", "channel": "email", "at": "2026-11-24T10:30:00+01:00", "name": "Winter"}"#,
    );
    let targets = dir.join("targets.csv");
    write(&targets, &format!("email\n{EMAIL}\npaul@example.org\n"));
    let decisions = dir.join("decisions.csv");
    ok(&run(&[
        "screen",
        "--campaign",
        campaign.to_str().unwrap(),
        targets.to_str().unwrap(),
        "-o",
        decisions.to_str().unwrap(),
    ]));
    let d = std::fs::read_to_string(&decisions).unwrap();
    let lines: Vec<&str> = d.lines().collect();
    assert!(lines[1].ends_with("SUPPRESSED"), "{d}");
    assert!(!lines[2].ends_with("SUPPRESSED"), "{d}");

    // Issue 12: a restriction fulfilled for Paul survives a routine re-import of the same file;
    // only `vigie dsar lift` ends it.
    let screen_paul = || {
        ok(&run(&[
            "screen",
            "--campaign",
            campaign.to_str().unwrap(),
            targets.to_str().unwrap(),
            "-o",
            decisions.to_str().unwrap(),
        ]));
        let d = std::fs::read_to_string(&decisions).unwrap();
        d.lines().nth(2).unwrap().to_owned()
    };
    assert!(!screen_paul().ends_with("RESTRICTED"));
    let filed = ok(&run(&[
        "dsar",
        "file",
        "--kind",
        "restriction",
        "--email",
        "paul@example.org",
        "--verified",
    ]));
    ok(&run(&["dsar", "fulfil", &request_id(&filed)]));
    assert!(screen_paul().ends_with("RESTRICTED"));
    ok(&run(&["import", "contacts", contacts.to_str().unwrap()]));
    let after_import = screen_paul();
    assert!(
        after_import.ends_with("RESTRICTED"),
        "a re-import lifted the request's restriction: {after_import}"
    );
    ok(&run(&[
        "dsar",
        "lift",
        "--contact",
        "L2",
        "--reason",
        "accuracy verified",
    ]));
    assert!(!screen_paul().ends_with("RESTRICTED"));

    // Nowhere in clear in the store's files (the import file itself is outside the data dir).
    let mut files = Vec::new();
    for e in std::fs::read_dir(&v.data).into_iter().flatten() {
        let p = e.unwrap().path();
        if p.is_file() {
            files.push(p);
        }
    }
    for needle in [EMAIL, PHONE_E164, "Artigue", "Louise"] {
        for f in &files {
            let b = std::fs::read(f).unwrap();
            assert!(
                !b.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} found in clear in {}",
                f.display()
            );
        }
    }
    // The audit trail still verifies, and names the steps by reference only.
    ok(&run(&["audit", "verify"]));
    let trail = ok(&run(&["audit", "export"]));
    assert!(
        trail.contains("dsar.fulfil") && trail.contains("contact.erase"),
        "{trail}"
    );
    assert!(!trail.contains(EMAIL));
}

#[test]
fn dsar_help_teaches_the_life_cycle() {
    let v = Install::new();
    let help = ok(&v.run(&["dsar", "--help"]));
    for needle in [
        "one calendar month",
        "31 January",
        "EXIT STATUS",
        "vigie dsar fulfil",
    ] {
        assert!(help.contains(needle), "{needle} missing from:\n{help}");
    }
}
