//! `vigie serve --config FILE` and `vigie config show`: flag > environment > file > default,
//! secrets read from `*_FILE` and never printed, unknown keys refused with their name and line.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use super::{ok, text};

/// The binary with none of the operator's VIGIE_* variables.
fn vigie(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigie"));
    cmd.current_dir(dir);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("VIGIE_") {
            cmd.env_remove(name);
        }
    }
    cmd
}

/// The line of `config show`'s output for a key.
fn line<'a>(shown: &'a str, key: &str) -> &'a str {
    shown
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no {key} in:\n{shown}"))
}

#[test]
fn flags_win_over_the_environment_over_the_file_over_defaults() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vigie.toml"),
        "listen = \"127.0.0.1:9001\"\n\
         time_zone = \"Europe/Paris\"\n\
         session_idle_minutes = 15\n\
         database_url = \"postgres://vigie:in-the-file@db.example/vigie\"\n\
         trusted_proxies = [\"10.0.0.1\", \"10.0.0.2\"]\n\
         secure_cookies = true\n\
         retention_hour = 3\n\
         shutdown_grace_seconds = 5\n\
         outbox_keep_failed_days = 365\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("db-url"),
        "postgres://vigie:from-a-secret-file@db2.example/vigie\n",
    )
    .unwrap();
    let shown = ok(&vigie(dir.path())
        .args(["config", "show", "--config", "vigie.toml"])
        .args(["--time-zone", "Europe/Berlin"])
        .env("VIGIE_LISTEN", "127.0.0.1:9002")
        .env("VIGIE_DATABASE_URL_FILE", "db-url")
        .output()
        .unwrap());
    // A flag over the file.
    assert_eq!(
        line(&shown, "time_zone"),
        "time_zone = \"Europe/Berlin\"  # flag"
    );
    // The environment over the file.
    assert_eq!(
        line(&shown, "listen"),
        "listen = \"127.0.0.1:9002\"  # environment"
    );
    // A secret file named in the environment over the URL in the file, password redacted.
    assert_eq!(
        line(&shown, "database_url"),
        "database_url = \"postgres://vigie:***@db2.example/vigie\"  # database_url_file"
    );
    assert!(!shown.contains("from-a-secret-file") && !shown.contains("in-the-file"));
    // The file over the defaults.
    assert_eq!(
        line(&shown, "session_idle_minutes"),
        "session_idle_minutes = 15  # file"
    );
    // The server's schedules and periods are keys too.
    assert_eq!(line(&shown, "retention_hour"), "retention_hour = 3  # file");
    assert_eq!(
        line(&shown, "shutdown_grace_seconds"),
        "shutdown_grace_seconds = 5  # file"
    );
    assert_eq!(
        line(&shown, "outbox_keep_failed_days"),
        "outbox_keep_failed_days = 365  # file"
    );
    assert_eq!(
        line(&shown, "outbox_keep_delivered_days"),
        "outbox_keep_delivered_days = 30  # default"
    );
    assert_eq!(
        line(&shown, "trusted_proxies"),
        "trusted_proxies = [\"10.0.0.1\", \"10.0.0.2\"]  # file"
    );
    assert_eq!(
        line(&shown, "secure_cookies"),
        "secure_cookies = true  # file"
    );
    assert_eq!(
        line(&shown, "public_rate_limit"),
        "public_rate_limit = 20  # default"
    );
    // Derived from another setting: the erasure journal beside the master key.
    assert_eq!(
        line(&shown, "erasure_journal"),
        "erasure_journal = \"vigie-master.key.erasures.jsonl\"  # default"
    );

    // Without the environment, the file's URL, still redacted.
    let shown = ok(&vigie(dir.path())
        .args(["config", "show", "--config", "vigie.toml"])
        .output()
        .unwrap());
    assert_eq!(
        line(&shown, "database_url"),
        "database_url = \"postgres://vigie:***@db.example/vigie\"  # file"
    );
    assert_eq!(
        line(&shown, "listen"),
        "listen = \"127.0.0.1:9001\"  # file"
    );
    assert!(!shown.contains("in-the-file"), "{shown}");
}

#[test]
fn an_unknown_key_is_refused_with_its_name_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vigie.toml"),
        "listen = \"127.0.0.1:9001\"\n\n# the next key is misspelt\nsesion_idle_minutes = 15\n",
    )
    .unwrap();
    for args in [
        &["config", "show", "--config", "vigie.toml"][..],
        &["serve", "--config", "vigie.toml"][..],
    ] {
        let out = vigie(dir.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("vigie.toml")
                && err.contains("line 4")
                && err.contains("unknown field `sesion_idle_minutes`"),
            "{err}"
        );
    }
    // A value of the wrong type names its key and line too.
    std::fs::write(dir.path().join("vigie.toml"), "hsts = \"yes\"\n").unwrap();
    let out = vigie(dir.path())
        .args(["config", "show", "--config", "vigie.toml"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert!(
        !out.status.success() && err.contains("line 1") && err.contains("hsts"),
        "{err}"
    );
}

#[test]
fn serve_listens_where_the_file_says() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        dir.path().join("vigie.toml"),
        format!("listen = \"127.0.0.1:{port}\"\ndata_dir = \"store\"\n"),
    )
    .unwrap();
    let mut server = vigie(dir.path())
        .args(["serve", "--config", "vigie.toml"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(
        first.contains(&format!("listening on http://127.0.0.1:{port}")),
        "{first}"
    );
    assert!(dir.path().join("store/vigie.db").exists());
}

#[test]
fn the_smtp_relay_is_configured_by_file_and_its_password_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vigie.toml"),
        "smtp_url = \"smtp+starttls://relay.example:587\"\n\
         mail_from = \"ACME DPO <dpo@acme.example>\"\n\
         smtp_user = \"acme\"\n\
         smtp_password_file = \"smtp-password\"\n\
         smtp_ca_file = \"relay-ca.pem\"\n",
    )
    .unwrap();
    let shown = ok(&vigie(dir.path())
        .args(["config", "show", "--config", "vigie.toml"])
        .env("VIGIE_SMTP_PASSWORD", "an-env-password-never-shown")
        .output()
        .unwrap());
    assert_eq!(
        line(&shown, "smtp_url"),
        "smtp_url = \"smtp+starttls://relay.example:587\"  # file"
    );
    assert_eq!(line(&shown, "smtp_user"), "smtp_user = \"acme\"  # file");
    assert_eq!(
        line(&shown, "smtp_password_file"),
        "smtp_password_file = \"smtp-password\"  # file"
    );
    assert_eq!(
        line(&shown, "smtp_ca_file"),
        "smtp_ca_file = \"relay-ca.pem\"  # file"
    );
    assert!(
        shown.contains("# smtp password: VIGIE_SMTP_PASSWORD (redacted)")
            && !shown.contains("an-env-password-never-shown"),
        "{shown}"
    );
    // No password flag: it would show in the process list.
    let out = vigie(dir.path())
        .args(["serve", "--smtp-password", "x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--smtp-password"),
        "{}",
        text(&out.stderr)
    );
}
