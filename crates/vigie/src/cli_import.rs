//! `vigie import`: CSV files into the store, all or nothing.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use vigie_core::Region;
use vigie_import::{ImportError, ImportKind, ImportOptions, import_file};
use vigie_store::DEFAULT_ORG;

use crate::config::StoreArgs;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Kind {
    /// contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,
    /// informed,objection_offered,contract_active,restricted[,first_name,last_name,time_zone]
    /// (time_zone: an IANA name such as Indian/Reunion; calling hours are read in it)
    Contacts,
    /// contact_ref,channel,purpose,action,at,method,notice_version,source
    Consents,
    /// sha256 (hex SHA-256 of the normalized identifier), or email, or phone (hashed on import)
    Suppression,
    /// phone (E.164, or national in --region): the national do-not-call list
    Opposition,
    /// at,outcome[,contact_ref][,phone][,campaign][,agent]: call attempts (contact_ref or phone
    /// names the contact; outcome: answered no_answer busy voicemail refused wrong_number
    /// callback_requested consent_given)
    Calls,
}

/// Import a CSV file. A single bad row rejects the whole file (file, line, column and reason are
/// printed) and nothing is stored, unless --skip-invalid is given. Importing the same file again
/// changes nothing.
///
/// Examples:
///   vigie import contacts contacts.csv
///   vigie import consents consents.csv --org acme
///   vigie import opposition bloctel.csv --list bloctel --extract-date 2026-03-01
///   vigie import opposition bloctel.csv --skip-invalid --rejects bloctel-rejects.csv
///   vigie import calls calls.csv --org acme
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ImportArgs {
    /// What the file holds.
    #[arg(value_enum)]
    pub kind: Kind,
    /// The CSV file (UTF-8, comma-separated, with a header line).
    pub file: PathBuf,
    /// Organization (data controller) that owns the data.
    #[arg(long, env = "VIGIE_ORG", default_value = DEFAULT_ORG)]
    pub org: String,
    /// Region for phone numbers written without a country code (ISO 3166 code); default: the
    /// organization's (`vigie org set ORG --region …`).
    #[arg(long)]
    pub region: Option<String>,
    /// Import the good rows and write the bad ones, with their reasons, to the rejects file.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Rejects file for --skip-invalid (default: FILE.rejects.csv).
    #[arg(long, requires = "skip_invalid")]
    pub rejects: Option<PathBuf>,
    /// Opposition files: the list the file is an extract of (bloctel, tps, ctps,
    /// robinsonliste …). The import replaces that list: numbers no longer in it are callable
    /// again.
    #[arg(long, default_value = "bloctel")]
    pub list: String,
    /// Opposition files: the date of the extract (YYYY-MM-DD), recorded with the list.
    #[arg(long)]
    pub extract_date: Option<jiff::civil::Date>,
}

pub async fn run(store_args: &StoreArgs, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let kind = match args.kind {
        Kind::Contacts => ImportKind::Contacts,
        Kind::Consents => ImportKind::Consents,
        Kind::Suppression => ImportKind::Suppression,
        Kind::Opposition => ImportKind::Opposition,
        Kind::Calls => ImportKind::Calls,
    };
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("{}", args.file.display()))?
        .len();
    let store = store_args.open().await?;
    let org = store.require_org(&args.org).await?;
    let region: Region = match &args.region {
        Some(r) => r.parse()?,
        None => store.org_settings(org.id).await?.region,
    };

    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message(format!("importing {}", kind.name()));
        Some(bar)
    } else {
        None
    };
    let progress = bar.clone().map(|b| {
        Arc::new(move |bytes: u64| b.set_position(bytes)) as Arc<dyn Fn(u64) + Send + Sync>
    });
    let opts = ImportOptions {
        region,
        skip_invalid: args.skip_invalid,
        rejects_path: args.rejects,
        progress,
        list: args.list,
        extract_date: args.extract_date,
        cancel: Some(Arc::new(std::sync::atomic::AtomicBool::new(false))),
    };
    let started = Instant::now();
    // Ctrl-C or SIGTERM stops the import: the rows read so far are rolled back, never half
    // kept; the import is awaited to the end of its rollback before the process exits.
    let cancel = opts.cancel.clone().expect("set above");
    let signal = tokio::spawn(async move {
        let name = crate::serve::stop_signal().await;
        cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        name
    });
    let started_at = jiff::Timestamp::now();
    // Every import is listed on the imports page, the CLI's too: `running` while it runs,
    // held by this process, which beats for it (a process killed outright stops beating, and
    // the next server or import to look marks the run interrupted).
    let file_name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let actor = crate::config::cli_audit("", "").actor;
    let holder = vigie_store::import_holder_id();
    let start = vigie_store::StartedImport {
        kind: kind.name().to_owned(),
        file_name: file_name.clone(),
        actor: actor.clone(),
        started_at,
        job: None,
    };
    let run_id = store.begin_import_run(org.id, &start, &holder).await?;
    let tending = {
        let (store, holder) = (store.clone(), holder.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(vigie_store::IMPORT_HEARTBEAT);
            loop {
                every.tick().await;
                if let Err(e) = store.tend_import_runs(&holder).await {
                    tracing::error!(error = %e, "cannot tend the running imports");
                }
            }
        })
    };
    let result = import_file(&store, &org, kind, &args.file, &opts).await;
    let interrupted = opts.cancelled_by_signal();
    signal.abort();
    tending.abort();
    store
        .finish_import_run(
            org.id,
            run_id,
            &vigie_import::run_record(kind, file_name, actor, started_at, &result),
        )
        .await?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if interrupted && let Err(ImportError::Store(vigie_store::StoreError::ImportAborted)) = &result
    {
        store
            .audit(
                org.id,
                crate::config::cli_audit(
                    &format!("import.{}", kind.name()),
                    format!("file:{}: interrupted, rolled back", args.file.display()),
                ),
            )
            .await?;
        eprintln!(
            "interrupted: {} was rolled back; nothing of it was imported",
            args.file.display()
        );
        return Ok(ExitCode::from(130));
    }
    match result {
        Ok(report) => {
            let c = report.counts;
            let file = report.file.file_name().map_or_else(
                || report.file.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            store
                .audit(
                    org.id,
                    crate::config::cli_audit(
                        &format!("import.{}", kind.name()),
                        format!(
                            "file:{file} ({} rows: {} inserted, {} updated, {} unchanged, {} removed, {} rejected)",
                            report.rows, c.inserted, c.updated, c.unchanged, c.removed, report.rejected
                        ),
                    ),
                )
                .await?;
            println!(
                "{}: {} rows → {} inserted, {} updated, {} unchanged, {} removed, {} rejected ({:.1}s, organization {})",
                report.file.display(),
                report.rows,
                c.inserted,
                c.updated,
                c.unchanged,
                c.removed,
                report.rejected,
                started.elapsed().as_secs_f64(),
                org.slug
            );
            if c.left_erased > 0 {
                println!(
                    "{} rows name contacts erased by retention, with no collection since: left erased \
                     (a row collected after the erasure brings the person back)",
                    c.left_erased
                );
                for skipped in &report.skipped {
                    println!("  {skipped}");
                }
            }
            // The screening snapshot follows the import, so that the next screening finds it
            // current. The import is committed whatever happens here: a failure only leaves the
            // snapshot stale, rebuilt by the next screening.
            let cache = vigie_screen::SnapshotCache::new(store_args.data_dir.join("cache"));
            let crypto = store.org_crypto(org.id).await?;
            match cache.follow_import(&store, &crypto, &report).await {
                Ok(vigie_screen::Followed::Updated(built)) => println!(
                    "screening snapshot updated to data version {} ({:.1}s)",
                    built.info.data_version,
                    built.total.as_secs_f64()
                ),
                Ok(vigie_screen::Followed::Rebuilt { refreshed, .. }) => {
                    if let Some(built) = refreshed.built {
                        println!(
                            "screening snapshot built at data version {} ({:.1}s)",
                            built.info.data_version,
                            built.total.as_secs_f64()
                        );
                    }
                }
                Ok(vigie_screen::Followed::Unchanged) => {}
                Err(e) => eprintln!(
                    "warning: the screening snapshot was not brought current ({e}); the next screening rebuilds it"
                ),
            }
            if let Some(rejects) = report.rejects_file {
                println!("rejected rows and their reasons: {}", rejects.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Invalid {
            file,
            count,
            errors,
        }) => {
            eprintln!(
                "error: {}: {count} invalid row(s); nothing was imported",
                file.display()
            );
            for e in &errors {
                eprintln!("  {}:{e}", file.display());
            }
            if count > errors.len() as u64 {
                eprintln!("  … and {} more", count - errors.len() as u64);
            }
            eprintln!(
                "hint: fix the file, or pass --skip-invalid to import the good rows and list the bad ones"
            );
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}
