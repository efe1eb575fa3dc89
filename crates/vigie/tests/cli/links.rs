//! `vigie links`: the printed link works — the test follows it on a running `vigie serve` — and
//! `public_url` comes from the flag or the configuration file, with a clear error when unset.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use super::{Install, ok, text, write};

/// The server, stopped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `vigie serve` on a free port, and its base URL (the first line it prints names it).
fn serve(v: &Install) -> (Server, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("--data-dir")
        .arg(&v.data)
        .arg("--master-key-file")
        .arg(&v.key)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("VIGIE_MASTER_KEY")
        .env_remove("VIGIE_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let server = Server(child);
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    (server, base)
}

fn subscriber(v: &Install) {
    let dir = v.data.parent().unwrap();
    let contacts = dir.join("contacts.csv");
    write(
        &contacts,
        "\
contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted,relationship_ended_at
L-1,l1@example.org,,consumer,false,,web_form,2026-01-02T09:00:00Z,true,true,false,false,
",
    );
    ok(&v.run(&["import", "contacts", contacts.to_str().unwrap()]));
}

fn ledger(v: &Install) -> Vec<(String, String, String)> {
    let db = v.db();
    let mut st = db
        .prepare("SELECT channel, action, method FROM consent_events ORDER BY id")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn the_unsubscribe_link_printed_by_the_cli_works() {
    let v = Install::new();
    subscriber(&v);
    let (_server, base) = serve(&v);
    let url = ok(&v.run(&[
        "links",
        "unsubscribe",
        "--org",
        "default",
        "--contact",
        "L-1",
        "--campaign",
        "Soldes",
        "--public-url",
        &base,
    ]));
    let url = url.trim();
    assert!(
        url.starts_with(&format!("{base}/unsubscribe/default/")),
        "{url}"
    );
    let headers = ok(&v.run(&[
        "links",
        "unsubscribe",
        "--org",
        "default",
        "--contact",
        "L-1",
        "--headers",
        "--public-url",
        &base,
    ]));
    let lines: Vec<&str> = headers.lines().collect();
    assert_eq!(lines.len(), 2, "{headers}");
    assert!(
        lines[0].starts_with(&format!("List-Unsubscribe: <{base}/unsubscribe/default/")),
        "{headers}"
    );
    assert!(lines[0].ends_with('>'));
    assert_eq!(
        lines[1],
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = reqwest::Client::new();
    let (get, post) = runtime.block_on(async {
        let get = client.get(url).send().await.unwrap().status();
        let post = client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap()
            .status();
        (get, post)
    });
    assert_eq!(get.as_u16(), 200);
    assert_eq!(post.as_u16(), 200);
    assert_eq!(
        ledger(&v),
        vec![("email".into(), "withdraw".into(), "unsubscribe_link".into())]
    );

    // The preference centre's link opens the person's page.
    let prefs = ok(&v.run(&[
        "links",
        "preferences",
        "--org",
        "default",
        "--contact",
        "L-1",
        "--public-url",
        &base,
    ]));
    let page = runtime.block_on(async { client.get(prefs.trim()).send().await.unwrap() });
    assert_eq!(page.status().as_u16(), 200);

    // Both handed-out links are in the audit trail.
    let db = v.db();
    let issued: i64 = db
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action IN ('links.unsubscribe', 'links.preferences')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(issued, 3);
}

#[test]
fn public_url_comes_from_the_configuration_file_or_is_asked_for() {
    let v = Install::new();
    subscriber(&v);
    let args = [
        "links",
        "preferences",
        "--org",
        "default",
        "--contact",
        "L-1",
    ];
    let unset = v.run(&args);
    assert!(!unset.status.success());
    let err = text(&unset.stderr);
    assert!(err.contains("public_url is not set"), "{err}");
    let config = v.data.parent().unwrap().join("vigie.toml");
    write(&config, "public_url = \"https://vigie.example.org/\"\n");
    let mut with_file = args.to_vec();
    with_file.extend(["--config", config.to_str().unwrap()]);
    let url = ok(&v.run(&with_file));
    assert!(
        url.starts_with("https://vigie.example.org/preferences/default/"),
        "{url}"
    );
    write(&config, "public_url = \"vigie.example.org\"\n");
    let bad = v.run(&with_file);
    let err = text(&bad.stderr);
    assert!(!bad.status.success() && err.contains("public_url"), "{err}");
    let unknown = v.run(&[
        "links",
        "unsubscribe",
        "--org",
        "default",
        "--contact",
        "NOBODY",
        "--public-url",
        "https://x.example",
    ]);
    assert!(
        text(&unknown.stderr).contains("--contact: no contact NOBODY"),
        "{}",
        text(&unknown.stderr)
    );
}

/// `vigie screen --unsubscribe-links`: the decisions with the list's identifiers and, on the
/// allowed row only, the two headers and the preference link; the decisions file (the proof)
/// is unchanged; refused for a campaign that is not by e-mail, and without a public address.
#[test]
fn screening_writes_the_allowed_rows_links() {
    let v = Install::new();
    subscriber(&v);
    let dir = v.data.parent().unwrap();
    let consents = dir.join("consents.csv");
    write(
        &consents,
        "contact_ref,channel,purpose,action,at,method,notice_version,source\n\
         L-1,email,marketing,grant,2026-01-02T09:10:00Z,double_opt_in,v4,footer\n",
    );
    ok(&v.run(&["import", "consents", consents.to_str().unwrap()]));
    let campaign = dir.join("campaign.json");
    write(
        &campaign,
        r#"{"jurisdiction": "FR", "purpose": "marketing", "channel": "email", "at": "2026-11-24T10:30:00+01:00", "name": "Winter"}"#,
    );
    let targets = dir.join("targets.csv");
    write(&targets, "email\nl1@example.org\nnobody@example.org\n");
    let (decisions, links) = (dir.join("decisions.csv"), dir.join("links.csv"));
    let screen = |extra: &[&str]| {
        let mut args = vec![
            "screen",
            "--campaign",
            campaign.to_str().unwrap(),
            targets.to_str().unwrap(),
            "-o",
            decisions.to_str().unwrap(),
            "--unsubscribe-links",
            links.to_str().unwrap(),
        ];
        args.extend(extra);
        v.run(&args)
    };
    let unset = screen(&[]);
    assert!(
        text(&unset.stderr).contains("public_url is not set"),
        "{}",
        text(&unset.stderr)
    );
    assert!(!links.exists());
    ok(&screen(&["--public-url", "https://vigie.example.org"]));
    assert_eq!(
        std::fs::read_to_string(&decisions).unwrap(),
        "row,decision,code\n1,allow,CONSENT\n2,deny,UNKNOWN_CONTACT\n"
    );
    let written = std::fs::read_to_string(&links).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(
        lines[0],
        "row,email,decision,code,reason,list_unsubscribe,list_unsubscribe_post,preferences_url"
    );
    assert!(
        lines[1].starts_with("1,l1@example.org,allow,CONSENT,")
            && lines[1].contains(",<https://vigie.example.org/unsubscribe/default/")
            && lines[1].contains(
                ">,List-Unsubscribe=One-Click,https://vigie.example.org/preferences/default/"
            ),
        "{written}"
    );
    assert!(
        lines[2].starts_with("2,nobody@example.org,deny,UNKNOWN_CONTACT,")
            && lines[2].ends_with(",,,"),
        "{written}"
    );
    write(
        &campaign,
        r#"{"jurisdiction": "FR", "purpose": "marketing", "channel": "sms", "at": "2026-11-24T10:30:00+01:00"}"#,
    );
    let sms = screen(&["--public-url", "https://vigie.example.org"]);
    assert!(
        text(&sms.stderr).contains("only for an e-mail campaign"),
        "{}",
        text(&sms.stderr)
    );
}
