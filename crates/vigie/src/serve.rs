//! `vigie serve`: the HTTP API and the admin UI.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use vigie_server::AppState;
use vigie_store::Store;

use crate::config::StoreArgs;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on. Keep it on the loopback interface behind a reverse proxy
    /// that terminates TLS.
    #[arg(long, env = "VIGIE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

pub async fn run(store_args: &StoreArgs, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let store = store_args.open().await?;
    serve(store, args.listen, None).await
}

/// Serves the store until Ctrl-C or SIGTERM. `org` is the organization to point the printed
/// URLs at (the default organization when `None`).
pub async fn serve(
    store: Store,
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
    if let Some(slug) = org {
        println!("  try        curl -H 'Vigie-Org: {slug}' '{base}/api/v1/contacts?limit=3'");
        println!("  API calls choose their organization with the header `Vigie-Org: {slug}`.");
    }
    println!("Press Ctrl-C to stop.");
    vigie_server::serve(listener, AppState::new(store))
        .await
        .context("serving HTTP")?;
    println!("Stopped.");
    Ok(ExitCode::SUCCESS)
}
