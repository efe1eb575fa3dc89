//! The configuration of `vigie serve`: a TOML file (`--config FILE` or VIGIE_CONFIG), the
//! environment and the flags. A flag wins over its environment variable, which wins over the
//! file, which wins over the default. Each key of the file is the long flag's name with `_`
//! for `-` (`trusted_proxies` for the repeated `--trusted-proxy`); an unknown key is refused with
//! its name and line. Secrets can be read from files: `database_url_file` (or
//! VIGIE_DATABASE_URL_FILE), and the master key is always a file or VIGIE_MASTER_KEY.
//!
//! The file is applied by adding the flags it stands for to the command line for every setting
//! the command line and the environment left at its default, then parsing again: one parser,
//! one set of value checks, and the flags keep their meaning.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

/// The keys of the configuration file. Paths relative to the working directory, as flags.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    database_url_file: Option<PathBuf>,
    master_key_file: Option<PathBuf>,
    audit_checkpoint: Option<PathBuf>,
    erasure_journal: Option<PathBuf>,
    listen: Option<SocketAddr>,
    cache_dir: Option<PathBuf>,
    jobs_dir: Option<PathBuf>,
    secure_cookies: Option<bool>,
    hsts: Option<bool>,
    public_rate_limit: Option<f64>,
    session_idle_minutes: Option<u64>,
    trusted_proxies: Option<Vec<IpAddr>>,
    smtp_url: Option<String>,
    smtp_user: Option<String>,
    smtp_password_file: Option<PathBuf>,
    smtp_ca_file: Option<PathBuf>,
    mail_from: Option<String>,
    dsar_systems: Option<PathBuf>,
    time_zone: Option<String>,
    log_format: Option<crate::config::LogFormat>,
    public_url: Option<String>,
    retention_hour: Option<i8>,
    shutdown_grace_seconds: Option<u64>,
    outbox_keep_delivered_days: Option<u64>,
    outbox_keep_failed_days: Option<u64>,
}

/// How a value is written back in `vigie config show`.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Text,
    /// A URL whose password is hidden.
    SecretUrl,
    Bare,
    List,
}

/// Every key, in the order `config show` prints them, with the clap argument it sets (the
/// field name of the flag) and its shape.
const KEYS: [(&str, Shape); 27] = [
    ("data_dir", Shape::Text),
    ("database_url", Shape::SecretUrl),
    ("database_url_file", Shape::Text),
    ("master_key_file", Shape::Text),
    ("audit_checkpoint", Shape::Text),
    ("erasure_journal", Shape::Text),
    ("listen", Shape::Text),
    ("cache_dir", Shape::Text),
    ("jobs_dir", Shape::Text),
    ("secure_cookies", Shape::Bare),
    ("hsts", Shape::Bare),
    ("public_rate_limit", Shape::Bare),
    ("session_idle_minutes", Shape::Bare),
    ("trusted_proxies", Shape::List),
    ("smtp_url", Shape::SecretUrl),
    ("smtp_user", Shape::Text),
    ("smtp_password_file", Shape::Text),
    ("smtp_ca_file", Shape::Text),
    ("mail_from", Shape::Text),
    ("dsar_systems", Shape::Text),
    ("time_zone", Shape::Text),
    ("log_format", Shape::Text),
    ("public_url", Shape::Text),
    ("retention_hour", Shape::Bare),
    ("shutdown_grace_seconds", Shape::Bare),
    ("outbox_keep_delivered_days", Shape::Bare),
    ("outbox_keep_failed_days", Shape::Bare),
];

impl ConfigFile {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("configuration file {}", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            // toml's message names the line, the column and the key; the file is ours to add.
            anyhow::anyhow!("configuration file {}: {e}", path.display())
        })
    }

    /// The server's public address, as written (`vigie links` reads it; `serve` parses it as
    /// its flag).
    pub fn public_url(&self) -> Option<&str> {
        self.public_url.as_deref()
    }

    /// The values the file sets, each as the command-line words that say it.
    fn settings(&self) -> Vec<(&'static str, Vec<String>)> {
        fn one<T: ToString>(v: &Option<T>) -> Option<Vec<String>> {
            v.as_ref().map(|v| vec![v.to_string()])
        }
        fn path(v: &Option<PathBuf>) -> Option<Vec<String>> {
            v.as_ref().map(|p| vec![p.display().to_string()])
        }
        // A switch set to false in the file is the default: nothing to add.
        fn switch(v: Option<bool>) -> Option<Vec<String>> {
            v.filter(|on| *on).map(|_| Vec::new())
        }
        let all = [
            ("data_dir", path(&self.data_dir)),
            ("database_url", one(&self.database_url)),
            ("database_url_file", path(&self.database_url_file)),
            ("master_key_file", path(&self.master_key_file)),
            ("audit_checkpoint", path(&self.audit_checkpoint)),
            ("erasure_journal", path(&self.erasure_journal)),
            ("listen", one(&self.listen)),
            ("cache_dir", path(&self.cache_dir)),
            ("jobs_dir", path(&self.jobs_dir)),
            ("secure_cookies", switch(self.secure_cookies)),
            ("hsts", switch(self.hsts)),
            ("public_rate_limit", one(&self.public_rate_limit)),
            ("session_idle_minutes", one(&self.session_idle_minutes)),
            (
                "trusted_proxies",
                self.trusted_proxies
                    .as_ref()
                    .map(|v| v.iter().map(|ip| ip.to_string()).collect()),
            ),
            ("smtp_url", one(&self.smtp_url)),
            ("smtp_user", one(&self.smtp_user)),
            ("smtp_password_file", path(&self.smtp_password_file)),
            ("smtp_ca_file", path(&self.smtp_ca_file)),
            ("mail_from", one(&self.mail_from)),
            ("dsar_systems", path(&self.dsar_systems)),
            ("time_zone", one(&self.time_zone)),
            ("log_format", one(&self.log_format)),
            ("public_url", one(&self.public_url)),
            ("retention_hour", one(&self.retention_hour)),
            ("shutdown_grace_seconds", one(&self.shutdown_grace_seconds)),
            (
                "outbox_keep_delivered_days",
                one(&self.outbox_keep_delivered_days),
            ),
            (
                "outbox_keep_failed_days",
                one(&self.outbox_keep_failed_days),
            ),
        ];
        all.into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect()
    }
}

/// Where each effective value came from, for `vigie config show`.
#[derive(Debug, Default)]
pub struct Sources(BTreeMap<&'static str, &'static str>);

/// The serve settings' matches within the whole command line: `serve` or `config show`.
fn serve_matches(m: &ArgMatches) -> Option<&ArgMatches> {
    match m.subcommand() {
        Some(("serve", sm)) => Some(sm),
        Some(("config", cm)) => match cm.subcommand() {
            Some(("show", sm)) => Some(sm),
            _ => None,
        },
        _ => None,
    }
}

/// Where a setting's value came from on the command line or in the environment.
fn source_of(root: &ArgMatches, sub: Option<&ArgMatches>, id: &str) -> Option<ValueSource> {
    let look = |m: &ArgMatches| m.try_contains_id(id).ok().and_then(|_| m.value_source(id));
    sub.and_then(look).into_iter().chain(look(root)).max()
}

/// The long flag of an argument of the root command or of `serve`.
fn long_flag(cmd: &clap::Command, id: &str) -> String {
    let serve = cmd.find_subcommand("serve").expect("the serve command");
    let arg = cmd
        .get_arguments()
        .chain(serve.get_arguments())
        .find(|a| a.get_id() == id)
        .unwrap_or_else(|| panic!("no flag for the configuration key {id}"));
    format!("--{}", arg.get_long().expect("a long flag"))
}

/// Parses the command line with the configuration file (if `serve` or `config show` name one)
/// applied under the flags and the environment, and reads `*_FILE` secrets. Exits with clap's
/// message on a bad command line, as `Parser::parse`.
pub fn parse() -> anyhow::Result<(crate::Cli, Sources)> {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let cmd = crate::Cli::command();
    let first = cmd.clone().get_matches_from(argv.clone());
    let sub = serve_matches(&first);
    let mut sources = Sources::default();
    for (key, _) in KEYS {
        let from = match source_of(&first, sub, key) {
            Some(ValueSource::CommandLine) => "flag",
            Some(ValueSource::EnvVariable) => "environment",
            Some(ValueSource::DefaultValue) => "default",
            _ => "not set",
        };
        sources.0.insert(key, from);
    }
    let mut argv = argv;
    if let Some(path) = sub.and_then(|s| s.get_one::<PathBuf>("config")) {
        let file = ConfigFile::load(path)?;
        let given_keys: Vec<&str> = sources
            .0
            .iter()
            .filter(|(_, from)| matches!(**from, "flag" | "environment"))
            .map(|(k, _)| *k)
            .collect();
        let given = |key: &str| given_keys.contains(&key);
        // The database URL is one setting, given in clear or through a file.
        let url_given = given("database_url") || given("database_url_file");
        for (key, words) in file.settings() {
            let is_url = key == "database_url" || key == "database_url_file";
            if given(key) || (is_url && url_given) {
                continue;
            }
            let flag = long_flag(&cmd, key);
            if words.is_empty() {
                argv.push(flag.clone().into());
            }
            for w in words {
                argv.push(flag.clone().into());
                argv.push(w.into());
            }
            sources.0.insert(key, "file");
        }
    }
    let matches = cmd.get_matches_from(argv);
    let mut cli = crate::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // A URL given in clear wins over one in a file, whatever their sources.
    if cli.store.database_url.is_none()
        && let Some(path) = &cli.store.database_url_file
    {
        cli.store.database_url = Some(read_secret_file("database_url_file", path)?);
        sources.0.insert("database_url", "database_url_file");
    }
    Ok((cli, sources))
}

/// A secret read from a file (`*_FILE`): the file's content, trimmed.
pub fn read_secret_file(what: &str, path: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{what}: cannot read {}", path.display()))?;
    let value = text.trim();
    if value.is_empty() {
        bail!("{what}: {} is empty", path.display());
    }
    Ok(value.to_owned())
}

/// A TOML string.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[derive(Debug, clap::Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration of `vigie serve` given the same flags, environment and
    /// --config file (flag > environment > file > default), as a file it accepts, each value's
    /// source in a comment, secrets redacted.
    Show(crate::serve::ServeArgs),
}

pub fn run(
    cli_store: &crate::config::StoreArgs,
    log: &crate::config::LogArgs,
    cmd: ConfigCommand,
    sources: &Sources,
) {
    let ConfigCommand::Show(serve) = cmd;
    let mut values = ShowValues::of(cli_store, &serve);
    values
        .0
        .insert("log_format", vec![log.log_format.to_string()]);
    let text = show(&values, sources);
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// `vigie config show`: the effective configuration of `vigie serve` with the same flags, as a
/// TOML file it would accept, each value's source in a comment, secrets redacted.
pub fn show(matches_of_serve: &ShowValues, sources: &Sources) -> String {
    let mut out = String::from(
        "# The effective configuration of `vigie serve` (flag > environment > file > default).\n\
         # Secrets are redacted; the master key is never shown.\n",
    );
    for (key, shape) in KEYS {
        // A value nobody set but derived from others (cache_dir from data_dir…) is a default.
        let from = match sources.0.get(key).copied() {
            None | Some("not set") => "default",
            Some(from) => from,
        };
        let values = matches_of_serve.0.get(key).cloned().unwrap_or_default();
        if values.is_empty() && shape != Shape::List {
            out.push_str(&format!("# {key} = (not set)\n"));
            continue;
        }
        let value = match shape {
            Shape::Text => quoted(&values[0]),
            Shape::SecretUrl => quoted(&crate::config::redact_url(&values[0])),
            Shape::Bare => values[0].clone(),
            Shape::List => format!(
                "[{}]",
                values
                    .iter()
                    .map(|v| quoted(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        out.push_str(&format!("{key} = {value}  # {from}\n"));
    }
    if std::env::var_os("VIGIE_MASTER_KEY").is_some() {
        out.push_str("# master key: VIGIE_MASTER_KEY (redacted)\n");
    }
    if std::env::var_os(crate::serve::SMTP_PASSWORD_ENV).is_some() {
        out.push_str("# smtp password: VIGIE_SMTP_PASSWORD (redacted)\n");
    }
    out
}

/// The effective values of the serve settings, as text, taken from the parsed options.
#[derive(Debug, Default)]
pub struct ShowValues(BTreeMap<&'static str, Vec<String>>);

impl ShowValues {
    pub fn of(store: &crate::config::StoreArgs, serve: &crate::serve::ServeArgs) -> Self {
        fn path(p: &Option<PathBuf>) -> Vec<String> {
            p.iter().map(|p| p.display().to_string()).collect()
        }
        let mut v = BTreeMap::new();
        v.insert("data_dir", vec![store.data_dir.display().to_string()]);
        v.insert("database_url", store.database_url.iter().cloned().collect());
        v.insert("database_url_file", path(&store.database_url_file));
        v.insert("master_key_file", path(&store.key_file()));
        v.insert("audit_checkpoint", path(&store.audit_checkpoint_file()));
        v.insert("erasure_journal", path(&store.erasure_journal_file()));
        v.insert("listen", vec![serve.listen.to_string()]);
        let screening = crate::serve::screening_config(store);
        v.insert(
            "cache_dir",
            vec![
                serve
                    .cache_dir
                    .clone()
                    .unwrap_or(screening.cache_dir)
                    .display()
                    .to_string(),
            ],
        );
        v.insert(
            "jobs_dir",
            vec![
                serve
                    .jobs_dir
                    .clone()
                    .unwrap_or(screening.jobs_dir)
                    .display()
                    .to_string(),
            ],
        );
        let auth = &serve.auth;
        v.insert("secure_cookies", vec![auth.secure_cookies.to_string()]);
        v.insert("hsts", vec![auth.hsts.to_string()]);
        v.insert(
            "public_rate_limit",
            vec![auth.public_rate_limit.to_string()],
        );
        v.insert(
            "session_idle_minutes",
            vec![auth.session_idle_minutes.to_string()],
        );
        v.insert(
            "trusted_proxies",
            auth.trusted_proxies
                .iter()
                .map(|ip| ip.to_string())
                .collect(),
        );
        let req = &serve.requests;
        v.insert("smtp_url", req.smtp_url.iter().cloned().collect());
        v.insert("smtp_user", req.smtp_user.iter().cloned().collect());
        v.insert("smtp_password_file", path(&req.smtp_password_file));
        v.insert("smtp_ca_file", path(&req.smtp_ca_file));
        v.insert("mail_from", req.mail_from.iter().cloned().collect());
        v.insert("dsar_systems", path(&req.dsar_systems));
        v.insert("time_zone", vec![req.time_zone.clone()]);
        v.insert(
            "public_url",
            serve.public_url.iter().map(|u| u.to_string()).collect(),
        );
        v.insert(
            "retention_hour",
            serve.retention_hour.iter().map(|h| h.to_string()).collect(),
        );
        v.insert(
            "shutdown_grace_seconds",
            vec![serve.shutdown_grace_seconds.to_string()],
        );
        v.insert(
            "outbox_keep_delivered_days",
            vec![serve.outbox_keep_delivered_days.to_string()],
        );
        v.insert(
            "outbox_keep_failed_days",
            vec![serve.outbox_keep_failed_days.to_string()],
        );
        ShowValues(v)
    }
}
