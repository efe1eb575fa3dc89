//! `vigie backup` and `vigie restore` with the real binary: a backup taken while imports go on
//! is a consistent, checked copy that restores; an erasure made after a backup is replayed from
//! the erasure journal when the backup is restored (screening says SUPPRESSED, nothing of the
//! person readable), and the journal holds no identifier in clear.

use std::path::Path;

use super::{Install, ok, text, write};

const EMAIL: &str = "louise.artigue@example.org";
const CONTACTS: &str = "contact_ref,email,phone,first_name,last_name,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted\n\
    L1,louise.artigue@example.org,06 45 45 45 45,Louise,Artigue,consumer,false,,web_form,2025-05-05T03:36:52Z,true,true,false,false\n\
    L2,paul@example.org,06 98 76 54 32,Paul,Durand,consumer,false,,web_form,2025-05-05T03:36:52Z,true,true,false,false\n";

fn sqlite_count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// Imports of 500 contacts each run in another process while backups are taken: every backup
/// is whole (integrity check) and holds whole imports only (a multiple of 500 contacts); the
/// last one restores in place of the store.
#[test]
fn a_backup_taken_while_imports_go_on_is_consistent_and_restores() {
    let v = Install::new();
    let dir = v.data.parent().unwrap().to_path_buf();
    ok(&v.run(&["org", "add", "acme"]));
    const FILES: usize = 8;
    const ROWS: usize = 500;
    for f in 0..FILES {
        let mut csv = String::from(CONTACTS.lines().next().unwrap());
        csv.push('\n');
        for r in 0..ROWS {
            csv.push_str(&format!(
                "F{f}-{r},person{f}x{r}@example.org,,A,B,consumer,false,,web_form,\
                 2025-05-05T03:36:52Z,true,true,false,false\n"
            ));
        }
        write(&dir.join(format!("contacts-{f}.csv")), &csv);
    }
    let writer = {
        let (data, key, dir) = (v.data.clone(), v.key.clone(), dir.clone());
        std::thread::spawn(move || {
            for f in 0..FILES {
                let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
                    .arg("--data-dir")
                    .arg(&data)
                    .arg("--master-key-file")
                    .arg(&key)
                    .args(["import", "contacts", "--org", "acme"])
                    .arg(dir.join(format!("contacts-{f}.csv")))
                    .env_remove("VIGIE_MASTER_KEY")
                    .env_remove("VIGIE_DATABASE_URL")
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{}", text(&out.stderr));
            }
        })
    };
    let backup = dir.join("vigie-backup.db");
    let mut seen = std::collections::BTreeSet::new();
    let mut backups = 0;
    while !writer.is_finished() || backups == 0 {
        let said = ok(&v.run(&["backup", "-o", backup.to_str().unwrap()]));
        assert!(said.contains("checked"), "{said}");
        assert_eq!(integrity(&backup), "ok");
        let n = sqlite_count(&backup, "SELECT count(*) FROM contacts");
        assert_eq!(
            n as usize % ROWS,
            0,
            "a backup holds part of an import: {n} contacts"
        );
        seen.insert(n);
        backups += 1;
    }
    writer.join().unwrap();
    assert!(backups >= 2, "{backups} backups");
    // No temporary file left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".partial-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The store goes on (more imports), then the backup is restored in its place.
    ok(&v.run(&["backup", "-o", backup.to_str().unwrap()]));
    let at_backup = sqlite_count(&backup, "SELECT count(*) FROM contacts");
    assert_eq!(at_backup as usize, FILES * ROWS);
    let extra = dir.join("extra.csv");
    write(
        &extra,
        &CONTACTS.replace("L1,", "X1,").replace("L2,", "X2,"),
    );
    ok(&v.run(&[
        "import",
        "contacts",
        "--org",
        "acme",
        extra.to_str().unwrap(),
    ]));
    let said = ok(&v.run(&["restore", backup.to_str().unwrap()]));
    assert!(said.contains("Restored"), "{said}");
    let db = v.data.join("vigie.db");
    assert_eq!(integrity(&db), "ok");
    assert_eq!(
        sqlite_count(&db, "SELECT count(*) FROM contacts"),
        at_backup
    );
    assert!(v.data.join("vigie.db.before-restore").exists());
    assert!(ok(&v.run(&["audit", "verify"])).contains("intact"));

    // A file that is not a backup is refused, and the store is left as it was.
    let junk = dir.join("junk.db");
    write(&junk, "not a database");
    let refused = v.run(&["restore", junk.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert_eq!(
        sqlite_count(&db, "SELECT count(*) FROM contacts"),
        at_backup
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_after_the_backup_is_replayed_on_restore() {
    let v = Install::new();
    let dir = v.data.parent().unwrap().to_path_buf();
    let contacts = dir.join("contacts.csv");
    write(&contacts, CONTACTS);
    ok(&v.run(&["import", "contacts", contacts.to_str().unwrap()]));
    let backup = dir.join("before-erasure.db");
    ok(&v.run(&["backup", "-o", backup.to_str().unwrap()]));

    // Louise asks to be erased after the backup.
    let filed = ok(&v.run(&[
        "dsar",
        "file",
        "--kind",
        "erasure",
        "--email",
        EMAIL,
        "--verified",
    ]));
    let id = filed
        .lines()
        .find_map(|l| l.strip_prefix("filed request "))
        .unwrap()
        .trim()
        .to_owned();
    ok(&v.run(&["dsar", "fulfil", &id]));

    // The journal, beside the master key, names her by reference and hashes only.
    let journal = v.key.with_file_name("master.key.erasures.jsonl");
    let lines = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(lines.lines().count(), 1, "{lines}");
    assert!(lines.contains("\"contact_ref\":\"L1\""), "{lines}");
    for clear in [EMAIL, "louise", "Louise", "Artigue", "645454545", "06 45"] {
        assert!(!lines.contains(clear), "{clear:?} in the journal: {lines}");
    }

    // The backup from before the erasure is restored: the erasure is replayed, and said.
    let said = ok(&v.run(&["restore", backup.to_str().unwrap()]));
    assert!(
        said.contains("1 erasure(s) made after the backup replayed") && said.contains("contact L1"),
        "{said}"
    );
    // Screening says SUPPRESSED for her, not for Paul.
    let campaign = dir.join("campaign.json");
    write(
        &campaign,
        r#"{"jurisdiction": "FR", "purpose": "marketing", "channel": "email", "at": "2026-11-24T10:30:00+01:00", "name": "Winter"}"#,
    );
    let targets = dir.join("targets.csv");
    write(&targets, &format!("email\n{EMAIL}\npaul@example.org\n"));
    let decisions = dir.join("decisions.csv");
    ok(&v.run(&[
        "screen",
        "--campaign",
        campaign.to_str().unwrap(),
        targets.to_str().unwrap(),
        "-o",
        decisions.to_str().unwrap(),
    ]));
    let d = std::fs::read_to_string(&decisions).unwrap();
    let rows: Vec<&str> = d.lines().collect();
    assert!(rows[1].ends_with("SUPPRESSED"), "{d}");
    assert!(!rows[2].ends_with("SUPPRESSED"), "{d}");
    // Nothing of her is readable: her data key is gone, her sealed fields cleared.
    let store = vigie_store::Store::open(
        v.data.join("vigie.db").to_str().unwrap(),
        vigie_store::Vault::from_key_file(&v.key).unwrap(),
    )
    .await
    .unwrap();
    let org = store.require_org(vigie_store::DEFAULT_ORG).await.unwrap();
    let louise = store
        .contact(org.id, &vigie_core::ContactRef::parse("L1").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        louise.data.email.is_none()
            && louise.data.phone.is_none()
            && louise.data.first_name.is_none(),
        "{louise:?}"
    );
    drop(store);

    // A second replay finds nothing to do.
    let again = ok(&v.run(&["restore"]));
    assert!(again.contains("none replayed"), "{again}");
}
