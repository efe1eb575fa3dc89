//! Durability, with the real binary: what Vigie acknowledged survives `kill -9`, and an import
//! killed half-way leaves nothing of its file behind.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use vigie_core::ContactRef;
use vigie_store::{ContactQuery, DEFAULT_ORG, SecretKey, Store, Vault};

const KEY_HEX: &str = "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a";

fn vigie(data_dir: &Path, key_file: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigie"));
    cmd.arg("--data-dir")
        .arg(data_dir)
        .arg("--master-key-file")
        .arg(key_file);
    cmd.env_remove("VIGIE_MASTER_KEY")
        .env_remove("VIGIE_DATABASE_URL");
    cmd
}

/// A token made with the CLI, as an operator would; its secret is the only line on stdout.
fn token(data: &Path, key: &Path, name: &str, scopes: &str) -> String {
    let made = vigie(data, key)
        .args([
            "token", "create", "--name", name, "--scopes", scopes, "--days", "1",
        ])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let token = String::from_utf8(made.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("vigie_tok_"), "{token}");
    token
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("master.key");
    std::fs::write(&key, KEY_HEX).unwrap();
    let data = dir.path().join("data");
    (dir, data, key)
}

async fn reopen(data: &Path) -> Store {
    let vault = Vault::new(SecretKey::decode(KEY_HEX.as_bytes()).unwrap());
    Store::open(&data.join("vigie.db").to_string_lossy(), vault)
        .await
        .unwrap()
}

/// Starts `vigie serve` on a free port and returns it with its base URL.
fn serve(data: &Path, key: &Path) -> (Child, String) {
    let mut child = vigie(data, key)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    // Keep reading: the server goes on printing, and a closed pipe must not be what stops it.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_owned();
    (child, base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9() {
    let (_dir, data, key) = setup();
    let token = token(&data, &key, "durability", "contacts:write,ledger:write");
    let (mut server, base) = serve(&data, &key);
    let http = reqwest::Client::new();
    let contact = serde_json::json!({
        "contact_ref": "K1", "email": "survivor@example.org", "phone": "+33612345678",
        "audience": "consumer", "informed": true, "objection_offered": true
    });
    let created = http
        .post(format!("{base}/api/v1/contacts"))
        .bearer_auth(&token)
        .json(&contact)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    let event = serde_json::json!({
        "channel": "email", "purpose": "marketing", "action": "grant",
        "at": "2026-01-10T08:00:00Z", "method": "double_opt_in", "notice_version": "v1"
    });
    let appended = http
        .post(format!("{base}/api/v1/contacts/K1/events"))
        .bearer_auth(&token)
        .json(&event)
        .send()
        .await
        .unwrap();
    assert_eq!(appended.status(), 201, "{}", appended.text().await.unwrap());

    server.kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.wait().unwrap();

    let store = reopen(&data).await;
    let org = store.require_org(DEFAULT_ORG).await.unwrap();
    let k1 = ContactRef::parse("K1").unwrap();
    let stored = store
        .contact(org.id, &k1)
        .await
        .unwrap()
        .expect("the acknowledged contact is there");
    assert_eq!(stored.data.email.unwrap().as_str(), "survivor@example.org");
    assert_eq!(
        store.ledger(org.id, &k1).await.unwrap().len(),
        1,
        "the acknowledged event is there"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_half_way_leaves_nothing() {
    let (dir, data, key) = setup();
    let rows = 150_000;
    let file = dir.path().join("contacts.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    writeln!(w, "contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted").unwrap();
    for i in 0..rows {
        writeln!(w, "C{i:08},p{i}@example.org,+3361{:07},consumer,false,,web_form,2025-01-01T00:00:00Z,true,true,false,false", i % 10_000_000).unwrap();
    }
    w.flush().unwrap();
    drop(w);
    // Create the store first, so that the import below only loads.
    let status = vigie(&data, &key)
        .args(["org", "list"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());

    let mut import = vigie(&data, &key)
        .arg("import")
        .arg("contacts")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it while it is writing: once the rollback journal exists, the load has begun.
    let journal = data.join("vigie.db-journal");
    let started = Instant::now();
    while !journal.exists() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(Duration::from_millis(100));
    let finished_already = import.try_wait().unwrap().is_some();
    eprintln!(
        "journal seen after {:?}, finished already: {finished_already}",
        started.elapsed()
    );
    import.kill().unwrap();
    import.wait().unwrap();

    let store = reopen(&data).await;
    let org = store.require_org(DEFAULT_ORG).await.unwrap();
    let page = store
        .contacts(
            org.id,
            &ContactQuery {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    if finished_already {
        // The machine was faster than the kill: then everything must be there.
        assert_eq!(page.contacts.len(), 10);
    } else {
        assert!(
            page.contacts.is_empty(),
            "a killed import left contacts behind"
        );
    }
}

/// A contacts file of `rows` rows (`C00000000`…), with `tail` appended as its last line.
fn contacts_file(path: &Path, rows: usize, tail: &str) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(w, "contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted").unwrap();
    for i in 0..rows {
        writeln!(w, "C{i:08},p{i}@example.org,+3361{:07},consumer,false,,web_form,2025-01-01T00:00:00Z,true,true,false,false", i % 10_000_000).unwrap();
    }
    w.write_all(tail.as_bytes()).unwrap();
    w.flush().unwrap();
}

/// Runs `vigie import contacts` on `file` while the server answers: every request sent during
/// the import (reads, each also a write to the audit trail, and contact creations) must
/// succeed. Returns the import's output and how many requests were answered during it.
async fn import_while_serving(
    data: &Path,
    key: &Path,
    file: &Path,
    base: &str,
    token: &str,
    tag: &str,
) -> (std::process::Output, usize) {
    let import = vigie(data, key)
        .arg("import")
        .arg("contacts")
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let done = tokio::task::spawn_blocking(move || import.wait_with_output().unwrap());
    let http = reqwest::Client::new();
    let mut answered = 0;
    while !done.is_finished() {
        let read = http
            .get(format!("{base}/api/v1/contacts?limit=5"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(read.status(), 200, "{}", read.text().await.unwrap());
        let write = http
            .post(format!("{base}/api/v1/contacts"))
            .bearer_auth(token)
            .json(&serde_json::json!({
                "contact_ref": format!("LIVE-{tag}-{answered}"), "email": format!("live{answered}@{tag}.example.org"),
                "audience": "consumer", "informed": true, "objection_offered": true
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(write.status(), 201, "{}", write.text().await.unwrap());
        answered += 1;
    }
    (done.await.unwrap(), answered)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_run_while_the_server_answers() {
    let (dir, data, key) = setup();
    let token = token(&data, &key, "live", "contacts:read,contacts:write");
    let (mut server, base) = serve(&data, &key);
    let rows = 20_000;

    // A file whose last row is bad: refused whole, while the server goes on answering.
    let bad = dir.path().join("bad.csv");
    contacts_file(
        &bad,
        rows,
        "BAD,not-an-address,,consumer,false,,web_form,2025-01-01T00:00:00Z,true,true,false,false\n",
    );
    let (out, _) = import_while_serving(&data, &key, &bad, &base, &token, "bad").await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = reqwest::Client::new()
        .get(format!("{base}/api/v1/contacts/C00000000"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 404, "a refused import left contacts behind");

    let good = dir.path().join("good.csv");
    contacts_file(&good, rows, "");
    let (out, answered) = import_while_serving(&data, &key, &good, &base, &token, "good").await;
    assert!(
        out.status.success(),
        "the import failed while serving: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(answered > 0, "no request was sent during the import");
    eprintln!("{answered} reads and writes answered during the import");

    server.kill().unwrap();
    server.wait().unwrap();
    let store = reopen(&data).await;
    let org = store.require_org(DEFAULT_ORG).await.unwrap();
    let first = ContactRef::parse("C00000000").unwrap();
    assert!(store.contact(org.id, &first).await.unwrap().is_some());
    let last = ContactRef::parse(&format!("C{:08}", rows - 1)).unwrap();
    assert!(store.contact(org.id, &last).await.unwrap().is_some());
    assert!(
        store
            .contact(org.id, &ContactRef::parse("BAD").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

/// SIGTERM during `vigie import`: the import stops reading, rolls back and says so (exit 130);
/// afterwards the store holds nothing of the file, and the interruption is in the audit trail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signal_during_an_import_rolls_it_back() {
    let (dir, data, key) = setup();
    let file = dir.path().join("contacts.csv");
    contacts_file(&file, 400_000, "");
    let status = vigie(&data, &key)
        .args(["org", "list"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let import = vigie(&data, &key)
        .arg("import")
        .arg("contacts")
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once the load has begun (its journal exists), the signal.
    let journal = data.join("vigie.db-journal");
    let started = Instant::now();
    while !journal.exists() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(Duration::from_millis(200));
    let sent = Command::new("kill")
        .args(["-TERM", &import.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = import.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "stderr: {err}");
    assert!(
        err.contains("interrupted") && err.contains("rolled back"),
        "{err}"
    );

    let store = reopen(&data).await;
    let org = store.require_org(DEFAULT_ORG).await.unwrap();
    assert_eq!(store.count_contacts(org.id).await.unwrap(), 0);
    let audit = vigie(&data, &key)
        .args(["audit", "export"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&audit.stdout).contains("interrupted, rolled back"),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );
    // The imports page says so too.
    let runs = store.import_runs(org.id, 5).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].run.outcome, vigie_store::INTERRUPTED);
}

/// An import killed outright (no signal handler runs) leaves its run `running` with a holder
/// that no longer exists; the next server to start marks it interrupted at once, and never
/// leaves it running. SIGTERM then stops that server cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_imports_run_is_marked_interrupted_by_the_next_start() {
    let (dir, data, key) = setup();
    let file = dir.path().join("contacts.csv");
    contacts_file(&file, 150_000, "");
    let status = vigie(&data, &key)
        .args(["org", "list"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let mut import = vigie(&data, &key)
        .arg("import")
        .arg("contacts")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let journal = data.join("vigie.db-journal");
    let started = Instant::now();
    while !journal.exists() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(Duration::from_millis(100));
    let finished_already = import.try_wait().unwrap().is_some();
    import.kill().unwrap(); // SIGKILL: the run is never finished by its process
    import.wait().unwrap();
    let store = reopen(&data).await;
    let org = store.require_org(DEFAULT_ORG).await.unwrap();
    let outcome = |runs: Vec<vigie_store::ImportRun>| runs[0].run.outcome.clone();
    if finished_already {
        eprintln!("the machine was faster than the kill: nothing to mark");
        assert_eq!(outcome(store.import_runs(org.id, 1).await.unwrap()), "done");
        return;
    }
    assert_eq!(
        outcome(store.import_runs(org.id, 1).await.unwrap()),
        "running"
    );
    drop(store);

    let (server, base) = serve(&data, &key);
    let store = reopen(&data).await;
    let started = Instant::now();
    let mut seen = outcome(store.import_runs(org.id, 1).await.unwrap());
    while seen == "running" && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
        seen = outcome(store.import_runs(org.id, 1).await.unwrap());
    }
    assert_eq!(
        seen,
        vigie_store::INTERRUPTED,
        "the server left the run running"
    );
    // Once it answers, its signal handler is in place.
    let health = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    let sent = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = server.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(store.count_contacts(org.id).await.unwrap(), 0);
}

/// `vigie serve --log-format json` at debug level, with e-mails, phones and names in requests
/// (bodies, paths, queries, refused values): every line is JSON, requests are named by route
/// template, and no personal datum appears. SIGTERM stops the server cleanly (exit 0).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_carry_no_personal_data_and_sigterm_stops_cleanly() {
    let (dir, data, key) = setup();
    let secret = token(
        &data,
        &key,
        "log test",
        "contacts:read,contacts:write,decide",
    );
    let log = dir.path().join("server.log");
    let mut server = vigie(&data, &key)
        .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
        .env("VIGIE_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(server.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_owned();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let contact = serde_json::json!({
        "contact_ref": "K1", "email": "gaspard.leroux@example.org", "phone": "06 71 72 73 74",
        "first_name": "Gaspard", "last_name": "Leroux", "audience": "consumer",
        "collected_at": "2025-06-01T09:00:00Z", "informed": true, "objection_offered": true
    });
    let bad = serde_json::json!({
        "contact_ref": "K2", "email": "mauvaise adresse.ortolan@example", "audience": "consumer"
    });
    let r = client
        .post(format!("{base}/api/v1/contacts"))
        .bearer_auth(&secret)
        .json(&contact)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let r = client
        .post(format!("{base}/api/v1/contacts"))
        .bearer_auth(&secret)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    for path in [
        "/api/v1/contacts/K1",
        "/api/v1/contacts?email=gaspard.leroux@example.org",
        "/api/v1/contacts?phone=%2B33671727374",
        "/api/v1/contacts/gaspard.leroux@example.org",
        "/nowhere/gaspard.leroux@example.org",
    ] {
        client
            .get(format!("{base}{path}"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
    }
    // A failed sign-in with an address.
    client
        .post(format!("{base}/login"))
        .form(&[
            ("email", "gaspard.leroux@example.org"),
            ("password", "wrong"),
        ])
        .send()
        .await
        .unwrap();

    let sent = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = server.wait().unwrap();
    assert!(
        status.success(),
        "the server did not stop cleanly: {status}"
    );

    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() > 5, "too few log lines:\n{text}");
    for l in &lines {
        let v: serde_json::Value =
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
        assert!(v["level"].is_string() && v["fields"].is_object(), "{l}");
    }
    assert!(text.contains("/api/v1/contacts/{contact_ref}"), "{text}");
    assert!(text.contains("shutting down"), "{text}");
    for personal in [
        "gaspard",
        "Gaspard",
        "leroux",
        "Leroux",
        "ortolan",
        "71 72 73",
        "671727374",
        "example.org",
    ] {
        assert!(!text.contains(personal), "{personal:?} in the log:\n{text}");
    }
}
