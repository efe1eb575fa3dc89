//! `vigie serve`: the HTTP API and the admin UI.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vigie_server::{AppState, ScreeningConfig};
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
    serve(store, screening, args.listen, None).await
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
    listen: SocketAddr,
    org: Option<&str>,
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
        "  screening  curl -F campaign=@campaign.json -F targets=@targets.csv {base}/api/v1/screenings\n"
    ));
    if let Some(slug) = org {
        banner.push_str(&format!(
            "  try        curl -H 'Vigie-Org: {slug}' '{base}/api/v1/contacts?limit=3'\n"
        ));
        banner.push_str(&format!(
            "  API calls choose their organization with the header `Vigie-Org: {slug}`.\n"
        ));
    }
    banner.push_str("Press Ctrl-C to stop.\n");
    say(&banner);
    vigie_server::serve(listener, AppState::with_screening(store, screening))
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
