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
    println!("Vigie is listening on {base} ({} store)", store.kind());
    println!("  admin UI   {ui}");
    println!("  health     {base}/healthz");
    println!("  API        {base}/api/openapi.json (OpenAPI 3.1)");
    println!(
        "  screening  curl -F campaign=@campaign.json -F targets=@targets.csv {base}/api/v1/screenings"
    );
    if let Some(slug) = org {
        println!("  try        curl -H 'Vigie-Org: {slug}' '{base}/api/v1/contacts?limit=3'");
        println!("  API calls choose their organization with the header `Vigie-Org: {slug}`.");
    }
    println!("Press Ctrl-C to stop.");
    vigie_server::serve(listener, AppState::with_screening(store, screening))
        .await
        .context("serving HTTP")?;
    println!("Stopped.");
    Ok(ExitCode::SUCCESS)
}
