//! `vigie backup` and `vigie restore`: online backups of the embedded store, restores that
//! replay the erasure journal (so no erased person comes back), and the replay alone after a
//! PostgreSQL restore made with `pg_restore`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;

use crate::config::{StoreArgs, cli_audit};

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The backup file to write (replaced whole only once the new copy is complete and checked).
    #[arg(short, long)]
    pub output: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup file to put in place of the embedded store (stop the server first). Without
    /// it, only the erasures of the journal are replayed: run that after restoring PostgreSQL
    /// with pg_restore.
    pub backup: Option<PathBuf>,
}

pub async fn backup(store: &StoreArgs, args: BackupArgs) -> anyhow::Result<ExitCode> {
    if store.database_url.is_some() {
        bail!(
            "vigie backup copies the embedded store; back PostgreSQL up with pg_dump (README, \
             Backups) and keep the erasure journal with the master key"
        );
    }
    let db = store.sqlite_file();
    let out = args.output.clone();
    let report = tokio::task::spawn_blocking(move || vigie_store::backup::backup_sqlite(&db, &out))
        .await??;
    // A backup reads and changes nothing: no audit entry (and no write lock to wait for
    // while an import runs); a restore records what it replays.
    println!(
        "Backup written to {} ({} bytes), checked. Keep the master key and the erasure journal \
         apart from it.",
        report.path.display(),
        report.bytes
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(store: &StoreArgs, args: RestoreArgs) -> anyhow::Result<ExitCode> {
    if let Some(backup) = &args.backup {
        if store.database_url.is_some() {
            bail!(
                "restore PostgreSQL with pg_restore (README, Backups), then run `vigie restore` \
                 without a file to replay the erasures made since the dump"
            );
        }
        let (from, db) = (backup.clone(), store.sqlite_file());
        let kept =
            tokio::task::spawn_blocking(move || vigie_store::backup::restore_sqlite(&from, &db))
                .await??;
        println!(
            "Restored {} from {}.",
            store.sqlite_file().display(),
            backup.display()
        );
        if let Some(kept) = kept {
            println!("The store it replaced is kept as {}.", kept.display());
        }
    }
    let opened = store.open().await?;
    let Some(journal) = store.erasure_journal_file() else {
        println!(
            "No erasure journal (the master key comes from VIGIE_MASTER_KEY and no \
             --erasure-journal was given): no erasure replayed."
        );
        return Ok(ExitCode::SUCCESS);
    };
    let replayed = opened.replay_erasures(&journal).await?;
    if replayed.is_empty() {
        println!(
            "Erasure journal {}: every erasure it holds is already in the store; none replayed.",
            journal.display()
        );
    } else {
        println!(
            "Erasure journal {}: {} erasure(s) made after the backup replayed:",
            journal.display(),
            replayed.len()
        );
    }
    for r in &replayed {
        let who = r
            .contact_ref
            .as_deref()
            .map_or_else(|| "no contact".to_owned(), |c| format!("contact {c}"));
        let by = r.retention_run.map_or_else(
            || format!("request {}", r.request_id),
            |run| format!("retention run {run}"),
        );
        println!(
            "  {} organization {}, {who}, {by}, erased at {} ({} suppression hash(es) put back)",
            r.journal_id, r.org, r.at, r.suppressions_added
        );
        let org = opened.require_org(&r.org).await?;
        opened
            .audit(
                org.id,
                cli_audit(
                    "contact.erase.replay",
                    r.contact_ref.as_deref().map_or_else(
                        || format!("request:{}", r.request_id),
                        |c| format!("contact:{c}"),
                    ),
                ),
            )
            .await?;
    }
    Ok(ExitCode::SUCCESS)
}
