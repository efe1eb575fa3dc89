//! The command line with the real binary: `vigie audit verify` and `vigie audit export`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "cli/assess.rs"]
mod assess;
#[path = "cli/backup.rs"]
mod backup;
#[path = "cli/config.rs"]
mod config;
#[path = "cli/decide.rs"]
mod decide;
#[path = "cli/dsar.rs"]
mod dsar;
#[path = "cli/links.rs"]
mod links;
#[path = "cli/registers.rs"]
mod registers;
#[path = "cli/retention.rs"]
mod retention;

const KEY_HEX: &str = "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a";

struct Install {
    _dir: tempfile::TempDir,
    data: PathBuf,
    key: PathBuf,
}

impl Install {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("master.key");
        std::fs::write(&key, KEY_HEX).unwrap();
        let data = dir.path().join("data");
        Install {
            _dir: dir,
            data,
            key,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_vigie"))
            .arg("--data-dir")
            .arg(&self.data)
            .arg("--master-key-file")
            .arg(&self.key)
            .args(args)
            .env_remove("VIGIE_MASTER_KEY")
            .env_remove("VIGIE_DATABASE_URL")
            .env("USER", "alice")
            .output()
            .unwrap()
    }

    fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.data.join("vigie.db")).unwrap()
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn write(path: &Path, content: &str) {
    std::fs::write(path, content).unwrap();
}

#[test]
fn audit_verify_catches_a_cut_tail_against_the_checkpoint() {
    let v = Install::new();
    ok(&v.run(&["org", "add", "acme"]));
    let csv = v.data.parent().unwrap().join("suppression.csv");
    write(&csv, "email\nnobody@example.org\n");
    for _ in 0..2 {
        ok(&v.run(&[
            "import",
            "suppression",
            csv.to_str().unwrap(),
            "--org",
            "acme",
        ]));
    }
    // Anchored beside the master key file.
    let written = ok(&v.run(&["audit", "checkpoint"]));
    let checkpoint = v.key.with_file_name("master.key.audit-checkpoint.json");
    assert!(written.contains(checkpoint.to_str().unwrap()), "{written}");
    assert!(ok(&v.run(&["audit", "verify"])).contains("intact"));

    // The newest entry deleted and the head moved back: the chain alone looks whole.
    v.db()
        .execute_batch(
            "DROP TRIGGER audit_log_append_only_delete;
             DELETE FROM audit_log WHERE org_id = (SELECT id FROM organizations WHERE slug = 'acme') AND seq = 3;
             UPDATE audit_heads SET seq = 2, link = (SELECT link FROM audit_log
                 WHERE org_id = audit_heads.org_id AND seq = 2)
             WHERE org_id = (SELECT id FROM organizations WHERE slug = 'acme');",
        )
        .unwrap();
    let broken = v.run(&["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(1), "{}", text(&broken.stdout));
    let err = text(&broken.stderr);
    assert!(
        err.contains("organization acme, entry 3") && err.contains("truncated"),
        "{err}"
    );
    // Each organization's result is kept for its dashboard: acme's broken, the others' intact.
    let latest = |slug: &str| -> (i64, i64, String) {
        v.db()
            .query_row(
                "SELECT intact, faults, actor FROM audit_verifications
                 WHERE org_id = (SELECT id FROM organizations WHERE slug = ?1)
                 ORDER BY at DESC LIMIT 1",
                [slug],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    };
    let (intact, faults, actor) = latest("acme");
    assert_eq!((intact, actor.as_str()), (0, "cli"));
    assert!(faults >= 1, "{faults}");
    assert_eq!(latest("default"), (1, 0, "cli".to_owned()));
    // A new checkpoint is refused rather than anchoring the cut trail.
    let refused = v.run(&["audit", "checkpoint"]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));
    assert_eq!(v.run(&["audit", "verify"]).status.code(), Some(1));
}

#[test]
fn audit_verify_passes_untouched_and_names_the_first_tampered_entry() {
    let v = Install::new();
    for slug in ["acme", "globex"] {
        ok(&v.run(&["org", "add", slug]));
    }
    let csv = v.data.parent().unwrap().join("suppression.csv");
    write(&csv, "email\nnobody@example.org\n");
    ok(&v.run(&[
        "import",
        "suppression",
        csv.to_str().unwrap(),
        "--org",
        "acme",
    ]));

    let verified = ok(&v.run(&["audit", "verify"]));
    assert!(verified.contains("intact: 3 entries"), "{verified}");

    // The CLI names itself as the actor.
    let export = ok(&v.run(&["audit", "export", "--org", "acme"]));
    let lines: Vec<serde_json::Value> = export
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{export}");
    assert_eq!(lines[0]["actor"], "cli:alice");
    assert_eq!(lines[0]["action"], "organization.create");
    assert_eq!(lines[1]["action"], "import.suppression");
    let csv_export = ok(&v.run(&["audit", "export", "--org", "acme", "--format", "csv"]));
    assert!(csv_export.starts_with("seq,at,actor,role,action,target,origin,reason,link\n"));
    assert_eq!(csv_export.lines().count(), 3);

    // Someone with write access to the file lifts the guard and edits the import's entry.
    v.db()
        .execute_batch(
            "DROP TRIGGER audit_log_append_only_update;
             UPDATE audit_log SET actor = 'cli:mallory'
             WHERE org_id = (SELECT id FROM organizations WHERE slug = 'acme') AND seq = 2;",
        )
        .unwrap();
    let broken = v.run(&["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(1), "{}", text(&broken.stdout));
    let err = text(&broken.stderr);
    assert!(
        err.contains("organization acme, entry 2") && err.contains("changed"),
        "{err}"
    );
    // The other organization's chain is not blamed.
    assert!(!err.contains("globex"), "{err}");
}

#[test]
fn keys_rotate_rewraps_everything_under_a_new_key_and_drops_the_old_one() {
    let v = Install::new();
    let csv = v.data.parent().unwrap().join("contacts.csv");
    write(
        &csv,
        "contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted\n\
         C1,marie@example.org,06 12 34 56 78,consumer,true,optics,web_form,2025-05-05T03:36:52Z,true,true,false,false\n\
         C2,paul@example.org,06 98 76 54 32,consumer,false,,web_form,2025-05-05T03:36:52Z,true,true,false,false\n",
    );
    ok(&v.run(&["import", "contacts", csv.to_str().unwrap()]));
    let old_fp = ok(&v.run(&["keys", "show"]));
    let old_key_copy = v.data.parent().unwrap().join("old.key");
    std::fs::copy(&v.key, &old_key_copy).unwrap();

    let rotated = ok(&v.run(&["keys", "rotate"]));
    assert!(
        rotated.contains("re-wrapped 2 contact keys, 1 organization keys and 0 TOTP secrets"),
        "{rotated}"
    );
    let new_fp = ok(&v.run(&["keys", "show"]));
    assert_ne!(old_fp, new_fp);
    assert_eq!(
        new_fp.lines().count(),
        1,
        "the old key left the file: {new_fp}"
    );

    // The rotated store reads with the new key file alone: the contacts open, a re-import
    // changes nothing, and the audit chain verifies.
    let email = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let vault = vigie_store::Vault::from_key_file(&v.key).unwrap();
        let store = vigie_store::Store::open(&v.data.join("vigie.db").to_string_lossy(), vault)
            .await
            .unwrap();
        let org = store.require_org(vigie_store::DEFAULT_ORG).await.unwrap();
        let c1 = vigie_core::ContactRef::parse("C1").unwrap();
        store
            .contact(org.id, &c1)
            .await
            .unwrap()
            .unwrap()
            .data
            .email
    });
    assert_eq!(email.unwrap().as_str(), "marie@example.org");
    let again = ok(&v.run(&["import", "contacts", csv.to_str().unwrap()]));
    assert!(again.contains("2 unchanged"), "{again}");
    let verified = ok(&v.run(&["audit", "verify"]));
    assert!(verified.contains("intact"), "{verified}");
    let export = ok(&v.run(&["audit", "export"]));
    assert!(export.contains("keys.rotate"), "{export}");

    // The old key opens nothing any more.
    let old = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("--data-dir")
        .arg(&v.data)
        .arg("--master-key-file")
        .arg(&old_key_copy)
        .args(["audit", "verify"])
        .env_remove("VIGIE_MASTER_KEY")
        .output()
        .unwrap();
    assert!(!old.status.success());
    assert!(
        text(&old.stderr).contains("master key"),
        "{}",
        text(&old.stderr)
    );
}

#[test]
fn cli_imports_are_recorded_for_the_imports_page_semicolons_included() {
    let v = Install::new();
    let csv = v.data.parent().unwrap().join("export-excel.csv");
    write(
        &csv,
        "contact_ref;email;phone;audience;customer;customer_categories;collected_via;collected_at;informed;objection_offered;contract_active;restricted\r\n\
         C1;marie@example.org;06 12 34 56 78;consumer;true;optics;web_form;2025-05-05T03:36:52Z;true;true;false;false\r\n",
    );
    let done = ok(&v.run(&["import", "contacts", csv.to_str().unwrap()]));
    assert!(done.contains("1 inserted"), "{done}");
    let bad = v.data.parent().unwrap().join("bad.csv");
    write(&bad, "phone\n+33612345678\nnot a number\n");
    let refused = v.run(&["import", "opposition", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    let runs: Vec<(String, String, String, i64, String, Option<String>)> = v
        .db()
        .prepare("SELECT kind, file_name, outcome, inserted, actor, message FROM import_runs ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!(
        (
            runs[0].0.as_str(),
            runs[0].1.as_str(),
            runs[0].2.as_str(),
            runs[0].3
        ),
        ("contacts", "export-excel.csv", "done", 1)
    );
    assert_eq!(runs[0].4, "cli:alice");
    assert_eq!(
        (runs[1].0.as_str(), runs[1].2.as_str()),
        ("opposition", "refused")
    );
    assert!(
        runs[1].5.as_deref().is_some_and(|m| m.contains("line 3")),
        "{runs:?}"
    );
}
