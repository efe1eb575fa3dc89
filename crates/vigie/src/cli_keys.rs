//! `vigie keys`: the master keys that wrap every organization and contact key.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use vigie_store::vault::{KEY_FILE_CHECK, read_key_file, write_key_file};
use vigie_store::{SecretKey, Vault};

use crate::config::{StoreArgs, cli_audit};

#[derive(Debug, clap::Subcommand)]
pub enum KeysCommand {
    /// Show the fingerprints of the master keys in use (never the keys).
    Show,
    /// Replace the master key by a new one, online.
    ///
    /// Steps: a new key is generated and written first in the key file, the old one kept after
    /// it; running Vigie processes notice the file changed (within a second) and wrap new keys
    /// under the new master key while still opening the old wrappings; every organization and
    /// contact key is then re-wrapped in small transactions (the data itself is not touched),
    /// pass after pass until none is left under the old key; finally the old key is removed
    /// from the file. Interrupted, the command can simply be run again: the file then holds
    /// every key needed. Backups taken before the rotation need the old key: keep a copy of it
    /// only if you must restore them (see --keep-old).
    Rotate {
        /// Leave the old key in the file after the rotation (it then still opens older backups).
        #[arg(long)]
        keep_old: bool,
    },
}

pub async fn run(store_args: &StoreArgs, cmd: KeysCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        KeysCommand::Show => {
            let vault = store_args.vault()?;
            for (i, fp) in vault.fingerprints().iter().enumerate() {
                println!("{fp}\t{}", if i == 0 { "current" } else { "previous" });
            }
            Ok(ExitCode::SUCCESS)
        }
        KeysCommand::Rotate { keep_old } => rotate(store_args, keep_old).await,
    }
}

async fn rotate(store_args: &StoreArgs, keep_old: bool) -> anyhow::Result<ExitCode> {
    let Some(path) = store_args.key_file() else {
        bail!(
            "the master key comes from VIGIE_MASTER_KEY: online rotation needs a key file that \
             running processes can re-read. Move the key to a file (--master-key-file), or rotate \
             by hand: set VIGIE_MASTER_KEY=NEW,OLD on every process, run `vigie keys rotate` with \
             a key file holding NEW then OLD, then drop OLD"
        );
    };
    // Opening the store first proves the key file opens it.
    let store = store_args.open().await?;
    let old = read_key_file(&path)?;
    let new = SecretKey::random();
    let mut ring = vec![new.clone()];
    ring.extend(old.iter().cloned());
    write_key_file(&path, &ring)?;
    println!(
        "new master key {} written to {} (old keys kept for now: {})",
        new.fingerprint(),
        path.display(),
        old.iter()
            .map(SecretKey::fingerprint)
            .collect::<Vec<_>>()
            .join(", ")
    );
    // Running processes re-read the file at most once per KEY_FILE_CHECK: after twice that,
    // every one wraps under the new key.
    tokio::time::sleep(KEY_FILE_CHECK * 2).await;

    let vault = Vault::from_key_file(&path)?;
    anyhow::ensure!(
        vault.master_fingerprint() == new.fingerprint(),
        "the key file changed under the rotation: run it again"
    );
    let store = store.with_vault(vault);
    let total = store.count_all_contact_keys().await?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template("re-wrapping keys [{bar:30}] {pos}/{len} ({eta})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar
    });
    let started = Instant::now();
    let report = store
        .rewrap_keys(&|seen| {
            if let Some(b) = &bar {
                b.set_position(seen);
            }
        })
        .await
        .context(
            "re-wrapping the keys (the key file still holds every key: run the rotation again)",
        )?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let kept = if keep_old {
        ring.as_slice()
    } else {
        &ring[..1]
    };
    write_key_file(&path, kept)?;
    for org in store.orgs().await? {
        store
            .audit(
                org.id,
                cli_audit("keys.rotate", format!("master-key:{}", new.fingerprint())),
            )
            .await?;
    }
    println!(
        "re-wrapped {} contact keys, {} organization keys and {} TOTP secrets in {:.1} s \
         ({} pass(es)); master key is now {}{}",
        report.contact_keys_rewrapped,
        report.org_keys_rewrapped,
        report.totp_secrets_rewrapped,
        started.elapsed().as_secs_f64(),
        report.passes,
        new.fingerprint(),
        if keep_old {
            " (old keys kept in the file, --keep-old)"
        } else {
            "; the old key no longer opens this store (backups taken before now still need it)"
        }
    );
    Ok(ExitCode::SUCCESS)
}
