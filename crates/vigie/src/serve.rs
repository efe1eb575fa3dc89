//! `vigie serve`: the HTTP API and the admin UI.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vigie_server::{AppState, AuthConfig, ScreeningConfig};
use vigie_store::Store;

use crate::config::StoreArgs;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// A TOML configuration file: each key is a flag's long name with `_` for `-` (see `vigie
    /// config show`). A flag wins over its environment variable, which wins over the file,
    /// which wins over the default.
    #[arg(long, env = "VIGIE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address and port to listen on. Keep it on the loopback interface behind a reverse proxy
    /// that terminates TLS.
    #[arg(long, env = "VIGIE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Directory of the screening snapshots, shared with `vigie screen` (default:
    /// DATA_DIR/cache).
    #[arg(long, env = "VIGIE_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Directory of the screening jobs: uploads being screened and decisions files, kept 24 h
    /// (default: DATA_DIR/jobs).
    #[arg(long, env = "VIGIE_JOBS_DIR")]
    pub jobs_dir: Option<PathBuf>,
    #[command(flatten)]
    pub auth: AuthArgs,
    #[command(flatten)]
    pub requests: RequestArgs,
    /// Run retention every day at this hour (0-23) of each organization's time zone (`vigie
    /// retention run`); off when not given. Servers sharing a database run it once a day.
    #[arg(long, env = "VIGIE_RETENTION_HOUR", value_parser = clap::value_parser!(i8).range(0..=23))]
    pub retention_hour: Option<i8>,
    /// The server's public address, as people reach it (e.g. https://vigie.example.org): the
    /// base of every link a person receives (one-click unsubscribe, preference centre), in the
    /// screening downloads and `vigie links`. Without it, downloads carry no such links.
    #[arg(long, env = "VIGIE_PUBLIC_URL")]
    pub public_url: Option<vigie_server::person_links::PublicUrl>,
    /// On Ctrl-C or SIGTERM, how long running imports and screenings may take to end; imports
    /// still running then are rolled back and recorded as interrupted (nothing imported).
    #[arg(long, env = "VIGIE_SHUTDOWN_GRACE_SECONDS", default_value_t = vigie_server::DEFAULT_SHUTDOWN_GRACE.as_secs())]
    pub shutdown_grace_seconds: u64,
    /// Days a delivered webhook row stays in the outbox before it is purged.
    #[arg(long, env = "VIGIE_OUTBOX_KEEP_DELIVERED_DAYS", default_value_t = vigie_server::DEFAULT_KEEP_DELIVERED.as_secs() / 86_400)]
    pub outbox_keep_delivered_days: u64,
    /// Days a webhook row failed for good stays in the outbox (for the administrator to see and
    /// retry) before it is purged, unless it still holds later rows of its contact.
    #[arg(long, env = "VIGIE_OUTBOX_KEEP_FAILED_DAYS", default_value_t = vigie_server::DEFAULT_KEEP_FAILED.as_secs() / 86_400)]
    pub outbox_keep_failed_days: u64,
}

/// Data subject requests: mail for the privacy centre, connected systems, the calendar.
#[derive(Debug, Clone, clap::Args)]
pub struct RequestArgs {
    /// The SMTP relay mail to people goes through (privacy centre codes, extension notices,
    /// consent confirmations): smtp://host[:port] (a local MTA trusted by network, no TLS),
    /// smtp+starttls://host[:port] (STARTTLS required, port 587) or smtps://host[:port]
    /// (implicit TLS, port 465). Without it, the privacy centre says requests cannot be filed
    /// online and forms ask no double opt-in.
    #[arg(long, env = "VIGIE_SMTP_URL", requires = "mail_from")]
    pub smtp_url: Option<String>,
    /// The user to authenticate as on the relay (TLS only). The password comes from
    /// VIGIE_SMTP_PASSWORD or --smtp-password-file, never from the command line.
    #[arg(long, env = "VIGIE_SMTP_USER", requires = "smtp_url")]
    pub smtp_user: Option<String>,
    /// A file holding the relay's password (VIGIE_SMTP_PASSWORD_FILE).
    #[arg(long, env = "VIGIE_SMTP_PASSWORD_FILE", requires = "smtp_user")]
    pub smtp_password_file: Option<PathBuf>,
    /// PEM certificates of a private relay's CA, trusted besides the system's.
    #[arg(long, env = "VIGIE_SMTP_CA_FILE", requires = "smtp_url")]
    pub smtp_ca_file: Option<PathBuf>,
    /// The sender of that mail, e.g. "ACME DPO <dpo@acme.example>".
    #[arg(long, env = "VIGIE_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Connected systems and processors (YAML), as `vigie dsar --systems`.
    #[arg(long, env = "VIGIE_DSAR_SYSTEMS")]
    pub dsar_systems: Option<PathBuf>,
    /// The time zone deadlines are counted in.
    #[arg(long, env = "VIGIE_TIME_ZONE", default_value = vigie_dsar::DEFAULT_TIME_ZONE)]
    pub time_zone: String,
}

impl RequestArgs {
    /// Applies these settings to a server.
    pub fn apply(&self, state: AppState, store: &Store) -> anyhow::Result<AppState> {
        let tz = jiff::tz::TimeZone::get(&self.time_zone)
            .map_err(|e| anyhow::anyhow!("--time-zone {}: {e}", self.time_zone))?;
        let systems = match &self.dsar_systems {
            Some(p) => {
                vigie_dsar::Systems::load(p).map_err(|e| anyhow::anyhow!("--dsar-systems: {e}"))?
            }
            None => vigie_dsar::Systems::default(),
        };
        let mut state = state.with_dsar(
            vigie_dsar::Dsar::new(store.clone())
                .with_time_zone(tz)
                .with_systems(systems),
        );
        if let Some(url) = &self.smtp_url {
            state = state.with_mailer(vigie_server::Mailer::configure(&self.smtp_settings(url)?)?);
        }
        Ok(state)
    }
}

/// The relay's password: a file wins over the environment; never a flag (it would show in the
/// process list).
pub const SMTP_PASSWORD_ENV: &str = "VIGIE_SMTP_PASSWORD";

impl RequestArgs {
    fn smtp_settings(&self, url: &str) -> anyhow::Result<vigie_server::SmtpSettings> {
        let password = match &self.smtp_password_file {
            Some(path) => Some(crate::serve_config::read_secret_file(
                "smtp_password_file",
                path,
            )?),
            None => std::env::var(SMTP_PASSWORD_ENV)
                .ok()
                .filter(|p| !p.is_empty()),
        };
        let extra_ca_pem = match &self.smtp_ca_file {
            Some(path) => Some(
                std::fs::read(path)
                    .map_err(|e| anyhow::anyhow!("--smtp-ca-file {}: {e}", path.display()))?,
            ),
            None => None,
        };
        Ok(vigie_server::SmtpSettings {
            url: url.to_owned(),
            from: self.mail_from.clone().unwrap_or_default(),
            user: self.smtp_user.clone(),
            // A password without a user stays unused (set for another program, perhaps).
            password: self.smtp_user.as_ref().and(password),
            extra_ca_pem,
        })
    }
}

/// Sessions, cookies and rate limits.
#[derive(Debug, Clone, clap::Args)]
pub struct AuthArgs {
    /// Mark cookies Secure: set it when the server is reached over HTTPS (behind a proxy).
    #[arg(long, env = "VIGIE_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Tell browsers to reach this server over HTTPS only, for a year
    /// (`Strict-Transport-Security: max-age=31536000`): set it only when Vigie is served over
    /// HTTPS (behind a proxy), with --secure-cookies.
    #[arg(long, env = "VIGIE_HSTS")]
    pub hsts: bool,
    /// Requests per second one client address may make to public routes (sign-in pages,
    /// health, API document), after a burst of 100.
    #[arg(long, env = "VIGIE_PUBLIC_RATE_LIMIT", default_value_t = 20.0)]
    pub public_rate_limit: f64,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "VIGIE_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u64,
    /// The address of a reverse proxy in front of Vigie (repeat, or comma-separated in the
    /// variable): its X-Forwarded-For header then names the client, for rate limits and the
    /// audit trail. Without it the header is ignored (anyone could write it).
    #[arg(
        long = "trusted-proxy",
        env = "VIGIE_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl AuthArgs {
    pub fn config(&self) -> AuthConfig {
        let mut c = AuthConfig {
            secure_cookies: self.secure_cookies,
            hsts: self
                .hsts
                .then_some(std::time::Duration::from_secs(365 * 24 * 3600)),
            public_rate: self.public_rate_limit.max(0.1),
            trusted_proxies: self.trusted_proxies.clone(),
            ..AuthConfig::default()
        };
        c.sessions.idle = std::time::Duration::from_secs(self.session_idle_minutes.max(1) * 60);
        c
    }
}

pub async fn run(store_args: &StoreArgs, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let store = store_args.open().await?;
    let mut screening = screening_config(store_args);
    if let Some(dir) = args.cache_dir {
        screening.cache_dir = dir;
    }
    if let Some(dir) = args.jobs_dir {
        screening.jobs_dir = dir;
    }
    if let Some(hour) = args.retention_hour {
        tokio::spawn(crate::cli_retention::run_daily(store.clone(), hour));
    }
    // The webhook outbox is sent while the server runs; servers sharing a database share the
    // work through leases (see `vigie_server::webhook_delivery`).
    let days = |n: u64| std::time::Duration::from_secs(n.saturating_mul(86_400));
    let delivery = vigie_server::DeliveryConfig {
        keep_delivered: days(args.outbox_keep_delivered_days),
        keep_failed: days(args.outbox_keep_failed_days),
        ..vigie_server::DeliveryConfig::default()
    };
    tokio::spawn(
        vigie_server::DeliveryWorker::new(store.clone(), delivery).run(std::future::pending()),
    );
    let auth = args.auth.config();
    let state = AppState::with_config(store.clone(), screening, auth)
        .with_shutdown_grace(std::time::Duration::from_secs(args.shutdown_grace_seconds));
    let state = args.requests.apply(state, &store)?;
    let state = match args.public_url {
        Some(url) => state.with_public_url(url),
        None => {
            tracing::warn!(
                "no --public-url (public_url): screening downloads carry no unsubscribe or \
                 preference links"
            );
            state
        }
    };
    let state = match store_args.audit_checkpoint_file() {
        Some(path) => {
            tokio::spawn(keep_audit_checkpoint(store.clone(), path.clone()));
            state.with_audit_checkpoint(path)
        }
        None => state,
    };
    serve(store, state, args.listen, None, &[]).await
}

/// Refreshes the audit checkpoint every minute while the server runs, so that a cut made to the
/// trail behind the server's back is caught by `vigie audit verify`. When the trail contradicts
/// the checkpoint, it is left as it was and the fault logged.
async fn keep_audit_checkpoint(store: Store, path: std::path::PathBuf) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        every.tick().await;
        match store.write_audit_checkpoint(&path).await {
            Ok(faults) => {
                for fault in faults {
                    tracing::error!(%fault, "audit trail contradicts its checkpoint: not refreshed");
                }
            }
            Err(e) => {
                tracing::error!(error = %e, path = %path.display(), "audit checkpoint not written")
            }
        }
    }
}

/// Where screening keeps its files by default: DATA_DIR/jobs and DATA_DIR/cache.
pub fn screening_config(store_args: &StoreArgs) -> ScreeningConfig {
    ScreeningConfig::in_dir(&store_args.data_dir)
}

/// Serves the store until Ctrl-C or SIGTERM. `org` is the organization to point the printed
/// URLs at (the default organization when `None`).
pub async fn serve(
    store: Store,
    state: AppState,
    listen: SocketAddr,
    org: Option<&str>,
    notes: &[String],
) -> anyhow::Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    let base = format!("http://{addr}");
    let ui = match org {
        Some(slug) => format!("{base}/?org={slug}"),
        None => format!("{base}/"),
    };
    // The banner is for a person. A closed stdout (a supervisor that stopped reading) must not
    // stop the server, so write errors are ignored where `println!` would panic.
    let mut banner = format!("Vigie is listening on {base} ({} store)\n", store.kind());
    banner.push_str(&format!("  admin UI   {ui}\n"));
    banner.push_str(&format!("  health     {base}/healthz\n"));
    banner.push_str(&format!(
        "  API        {base}/api/openapi.json (OpenAPI 3.1)\n"
    ));
    banner.push_str(&format!(
        "  privacy    {base}/privacy/ORG (the public privacy centre of organization ORG)\n"
    ));
    banner.push_str(&format!(
        "  screening  curl -H 'Authorization: Bearer TOKEN' -F campaign=@campaign.json -F targets=@targets.csv {base}/api/v1/screenings\n"
    ));
    if notes.is_empty() {
        banner.push_str(
            "  sign in    give someone a role: vigie user add --org ORG --email E --role admin\n",
        );
    }
    for note in notes {
        banner.push_str(note);
        banner.push('\n');
    }
    banner.push_str("Press Ctrl-C to stop.\n");
    say(&banner);
    vigie_server::serve(listener, state)
        .await
        .context("serving HTTP")?;
    say("Stopped.\n");
    Ok(ExitCode::SUCCESS)
}

/// Writes to stdout, ignoring errors (see the banner above).
fn say(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Completes on Ctrl-C or SIGTERM, with the signal's name.
pub async fn stop_signal() -> &'static str {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => "SIGINT",
        () = terminate => "SIGTERM",
    }
}
