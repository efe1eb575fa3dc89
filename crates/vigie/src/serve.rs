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
}

/// Sessions, cookies and rate limits.
#[derive(Debug, Clone, clap::Args)]
pub struct AuthArgs {
    /// Mark cookies Secure: set it when the server is reached over HTTPS (behind a proxy).
    #[arg(long, env = "VIGIE_SECURE_COOKIES")]
    pub secure_cookies: bool,
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
    let auth = args.auth.config();
    serve(store, screening, auth, args.listen, None, &[]).await
}

/// Where screening keeps its files by default: DATA_DIR/jobs and DATA_DIR/cache.
pub fn screening_config(store_args: &StoreArgs) -> ScreeningConfig {
    ScreeningConfig::in_dir(&store_args.data_dir)
}

/// Serves the store until Ctrl-C or SIGTERM. `org` is the organization to point the printed
/// URLs at (the default organization when `None`).
pub async fn serve(
    store: Store,
    screening: ScreeningConfig,
    auth: AuthConfig,
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
    vigie_server::serve(listener, AppState::with_config(store, screening, auth))
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
