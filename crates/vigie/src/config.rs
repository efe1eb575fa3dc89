//! Where the store is and how its master key is found: options shared by every command.

use std::path::PathBuf;

use anyhow::{Context, bail};
use vigie_store::{SecretKey, Store, Vault};

#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    /// Directory of the embedded SQLite store (created if needed).
    #[arg(
        long,
        global = true,
        env = "VIGIE_DATA_DIR",
        default_value = "vigie-data"
    )]
    pub data_dir: PathBuf,

    /// Database URL: postgres://user:pass@host/db for PostgreSQL. Overrides --data-dir.
    #[arg(long, global = true, env = "VIGIE_DATABASE_URL")]
    pub database_url: Option<String>,

    /// A file holding the database URL (a secret: its password), read when no URL is given in
    /// clear (--database-url, VIGIE_DATABASE_URL or the configuration file's `database_url`).
    #[arg(long, global = true, env = "VIGIE_DATABASE_URL_FILE")]
    pub database_url_file: Option<PathBuf>,

    /// File holding the 32-byte master key (raw, hex or base64). Keep it apart from the data and
    /// its backups: without it the personal data cannot be read. Default: ./vigie-master.key,
    /// created on first use with the embedded store.
    #[arg(long, global = true, env = "VIGIE_MASTER_KEY_FILE")]
    pub master_key_file: Option<PathBuf>,

    /// Where the audit trail's checkpoint is kept (its heads, sealed, outside the database; see
    /// `vigie audit checkpoint`). Default: beside the master key file, with
    /// `.audit-checkpoint.json` appended to its name.
    #[arg(long, global = true, env = "VIGIE_AUDIT_CHECKPOINT")]
    pub audit_checkpoint: Option<PathBuf>,

    /// The erasure journal: every erasure also written there, outside the database, so that
    /// `vigie restore` of an older backup erases again whoever was erased since. Keep it with
    /// the master key, not with the data. Default: beside the master key file, with
    /// `.erasures.jsonl` appended to its name.
    #[arg(long, global = true, env = "VIGIE_ERASURE_JOURNAL")]
    pub erasure_journal: Option<PathBuf>,
}

/// How the log (standard error) is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON object a line (level, target, message, fields, the request's method and route
    /// template), for log collectors.
    Json,
}

impl std::fmt::Display for LogFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        })
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct LogArgs {
    /// The log's format on standard error. Either way it never carries personal data: requests
    /// are logged by route template, never by path. VIGIE_LOG sets the levels.
    #[arg(long, global = true, env = "VIGIE_LOG_FORMAT", default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

impl LogArgs {
    /// Installs the process's log subscriber.
    pub fn init(&self) {
        let filter = tracing_subscriber::EnvFilter::try_from_env("VIGIE_LOG")
            .unwrap_or_else(|_| "warn,vigie=info".into());
        let log = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr);
        match self.log_format {
            LogFormat::Text => log.init(),
            LogFormat::Json => log.json().with_span_list(false).init(),
        }
    }
}

/// Name of the master key file created beside (not inside) the data directory.
const DEFAULT_KEY_FILE: &str = "vigie-master.key";

impl StoreArgs {
    /// The store URL: --database-url, else the SQLite file in --data-dir.
    pub fn url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("vigie.db").display()),
        }
    }

    /// The master key file in use: --master-key-file, else ./vigie-master.key. `None` when the
    /// keys come from VIGIE_MASTER_KEY.
    pub fn key_file(&self) -> Option<PathBuf> {
        if std::env::var_os("VIGIE_MASTER_KEY").is_some() {
            return None;
        }
        Some(
            self.master_key_file
                .clone()
                .unwrap_or_else(|| PathBuf::from(DEFAULT_KEY_FILE)),
        )
    }

    /// The audit checkpoint file: --audit-checkpoint, else beside the master key file. `None`
    /// when the keys come from VIGIE_MASTER_KEY and no path was given.
    pub fn audit_checkpoint_file(&self) -> Option<PathBuf> {
        self.audit_checkpoint.clone().or_else(|| {
            self.key_file().map(|key| {
                let mut name = key.file_name().unwrap_or_default().to_owned();
                name.push(".audit-checkpoint.json");
                key.with_file_name(name)
            })
        })
    }

    /// The erasure journal: --erasure-journal, else beside the master key file. `None` when
    /// the keys come from VIGIE_MASTER_KEY and no path was given.
    pub fn erasure_journal_file(&self) -> Option<PathBuf> {
        self.erasure_journal.clone().or_else(|| {
            self.key_file().map(|key| {
                let mut name = key.file_name().unwrap_or_default().to_owned();
                name.push(".erasures.jsonl");
                key.with_file_name(name)
            })
        })
    }

    /// The SQLite database file of the embedded store.
    pub fn sqlite_file(&self) -> PathBuf {
        self.data_dir.join("vigie.db")
    }

    /// The master keys: VIGIE_MASTER_KEY (hex or base64; several separated by commas, the
    /// current one first), else the key file (one key per line, current first), which running
    /// processes re-read when `vigie keys rotate` rewrites it. For the embedded store the
    /// default key file is created on first use.
    pub fn vault(&self) -> anyhow::Result<Vault> {
        let Some(path) = self.key_file() else {
            let text = std::env::var("VIGIE_MASTER_KEY").unwrap_or_default();
            let keys = text
                .split(',')
                .map(|k| SecretKey::decode(k.trim().as_bytes()))
                .collect::<Result<Vec<_>, _>>()
                .context("VIGIE_MASTER_KEY")?;
            return Ok(Vault::with_keys(keys));
        };
        if path.exists() {
            return Ok(Vault::from_key_file(&path)?);
        }
        let store_is_new = self.database_url.is_none() && !self.data_dir.join("vigie.db").exists();
        if self.master_key_file.is_some() || !store_is_new {
            bail!(
                "master key file {} not found: point --master-key-file (or VIGIE_MASTER_KEY_FILE) at the \
                 key this store was created with",
                path.display()
            );
        }
        SecretKey::create_file(&path)?;
        eprintln!(
            "Created a new master key in {} — keep it safe and apart from backups of {}",
            path.display(),
            self.data_dir.display()
        );
        Ok(Vault::from_key_file(&path)?)
    }

    pub async fn open(&self) -> anyhow::Result<Store> {
        let vault = self.vault()?;
        let url = self.url();
        let store = Store::open(&url, vault)
            .await
            .with_context(|| format!("opening the store at {}", redact_url(&url)))?;
        Ok(match self.erasure_journal_file() {
            Some(path) => store.with_erasure_journal(path),
            None => store,
        })
    }
}

/// The operating-system user running the command (how the CLI names its actor).
pub fn os_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// An audit entry for something done from the command line.
pub fn cli_audit(action: &str, target: impl Into<String>) -> vigie_store::AuditEvent {
    vigie_store::AuditEvent {
        actor: format!("cli:{}", os_user()),
        role: None,
        action: action.to_owned(),
        target: Some(target.into()),
        origin: Some("cli".to_owned()),
        reason: None,
    }
}

/// Hides a password in a database URL before it is printed.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_in_urls_are_hidden() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redact_url("sqlite://vigie-data/vigie.db"),
            "sqlite://vigie-data/vigie.db"
        );
    }
}
