//! The `vigie` command: one binary for the server, the demo and every batch job.

mod assess;
mod cli_access;
mod cli_audit;
mod cli_backup;
mod cli_coverage;
mod cli_dsar;
mod cli_import;
mod cli_keys;
mod cli_links;
mod cli_registers;
mod cli_requalify;
mod cli_retention;
mod cli_screen;
mod config;
mod decide;
mod demo;
mod org;
mod serve;
mod serve_config;

use clap::{Parser, Subcommand};

use crate::config::StoreArgs;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Vigie — a self-hosted GDPR compliance engine for marketing contact data.
///
/// Keeps the proof of consent, decides whether a contact may be reached on a channel (and why),
/// screens campaign lists, and handles data subject requests. Without options, Vigie works on an
/// embedded SQLite store in ./vigie-data/; pass --database-url postgres://… for PostgreSQL.
#[derive(Debug, Parser)]
#[command(
    name = "vigie",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    #[command(flatten)]
    store: StoreArgs,

    #[command(flatten)]
    log: config::LogArgs,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import contacts, consent events, the suppression or opposition list, or call attempts from CSV.
    Import(cli_import::ImportArgs),
    /// Screen a campaign list against the base: one decision per row, recorded as proof.
    Screen(cli_screen::ScreenArgs),
    /// Manage organizations (data controllers).
    #[command(subcommand)]
    Org(org::OrgCommand),
    /// Check and export the tamper-evident audit trail.
    #[command(subcommand)]
    Audit(cli_audit::AuditCommand),
    /// Manage who signs in: members of an organization, their roles, set-up links.
    #[command(subcommand)]
    User(cli_access::UserCommand),
    /// Manage API tokens: create (scopes, expiry), list, revoke.
    #[command(subcommand)]
    Token(cli_access::TokenCommand),
    /// Data subject requests: file, follow, extend and fulfil them (GDPR art. 12-21).
    Dsar(cli_dsar::DsarArgs),
    /// Retention: policies, what a run would do (plan) and the run (erase, archive).
    Retention(cli_retention::RetentionArgs),
    /// The registers of GDPR art. 28-35 as code: apply a YAML file, export (yaml, json, csv), check the gaps.
    #[command(subcommand)]
    Registers(cli_registers::RegistersCommand),
    /// A person's signed links: one-click unsubscribe (RFC 8058) and the preference centre.
    #[command(subcommand)]
    Links(cli_links::LinksCommand),
    /// Show or rotate the master keys.
    #[command(subcommand)]
    Keys(cli_keys::KeysCommand),
    /// Back the embedded store up while it runs: a consistent copy, checked, replacing FILE
    /// only once whole (PostgreSQL: pg_dump, see the README).
    Backup(cli_backup::BackupArgs),
    /// Put a backup in place of the embedded store (server stopped), then replay the erasures
    /// made since from the erasure journal; without a file, only the replay (after pg_restore).
    Restore(cli_backup::RestoreArgs),
    /// Decide one request (or a stream with --jsonl) of the decision contract, without a store.
    Decide(decide::DecideArgs),
    /// Assess a transfer, an impact assessment's need, a breach's deadline or a request's due date.
    #[command(long_about = assess::LONG_ABOUT)]
    Assess(assess::AssessArgs),
    /// Serve the HTTP API and the admin UI.
    ///
    /// Settings come from the flags, their environment variables, a TOML file (--config) and the
    /// defaults, in that order of precedence: a flag wins over its variable, which wins over the
    /// file, which wins over the default. `vigie config show` prints the result.
    Serve(serve::ServeArgs),
    /// The configuration of `vigie serve`: `vigie config show [--config FILE] [FLAGS]`.
    #[command(subcommand)]
    Config(serve_config::ConfigCommand),
    /// Load a generated demo base (organization "demo") and serve it: `cargo run --release -- demo`.
    Demo(demo::DemoArgs),
}

fn main() -> std::process::ExitCode {
    let (cli, sources) = match serve_config::parse() {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("error: {e:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    cli.log.init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Import(args) => cli_import::run(&cli.store, args).await,
            Command::Screen(args) => cli_screen::run(&cli.store, args).await,
            Command::Org(cmd) => org::run(&cli.store, cmd).await,
            Command::Audit(cmd) => cli_audit::run(&cli.store, cmd).await,
            Command::Keys(cmd) => cli_keys::run(&cli.store, cmd).await,
            Command::Links(cmd) => cli_links::run(&cli.store, cmd).await,
            Command::Registers(cmd) => cli_registers::run(&cli.store, cmd).await,
            Command::User(cmd) => cli_access::run_user(&cli.store, cmd).await,
            Command::Token(cmd) => cli_access::run_token(&cli.store, cmd).await,
            Command::Dsar(args) => cli_dsar::run(&cli.store, args).await,
            Command::Backup(args) => cli_backup::backup(&cli.store, args).await,
            Command::Restore(args) => cli_backup::restore(&cli.store, args).await,
            Command::Retention(args) => cli_retention::run(&cli.store, args).await,
            Command::Decide(args) => decide::run(args),
            Command::Assess(args) => assess::run(args),
            Command::Serve(args) => serve::run(&cli.store, args).await,
            Command::Config(cmd) => {
                serve_config::run(&cli.store, &cli.log, cmd, &sources);
                Ok(std::process::ExitCode::SUCCESS)
            }
            Command::Demo(args) => demo::run(&cli.store, args).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
