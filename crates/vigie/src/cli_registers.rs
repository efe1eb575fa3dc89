//! `vigie registers`: the registers as code. `apply` reads a YAML (or JSON) file of the whole
//! set, refuses it whole when it is invalid (naming the field and line), and stores it as the
//! next version unless it changes nothing; `export` writes them as YAML, JSON or CSV; `check`
//! lists the gaps on a day.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vigie_core::Lang;
use vigie_core::registers::{flags, from_json, from_yaml};
use vigie_server::registers_export::{ExportFormat, render};
use vigie_store::{DEFAULT_ORG, RegistersSaved};

use crate::config::{StoreArgs, cli_audit};

#[derive(Debug, clap::Subcommand)]
pub enum RegistersCommand {
    /// Store a YAML (or .json) file as the organization's registers: the whole set, checked as
    /// a whole. Applying the same file twice changes nothing and records nothing the second
    /// time. See crates/vigie/src/demo_registers.yaml for a complete example.
    Apply {
        /// The registers (YAML; JSON when the name ends in .json).
        file: PathBuf,
        #[arg(long, env = "VIGIE_ORG", default_value = DEFAULT_ORG)]
        org: String,
    },
    /// Write the registers: yaml (to keep in version control and apply again), json (with the
    /// gaps flagged today), csv (one row per activity, every field of GDPR art. 30), pdf (a
    /// printable register laid out like the CNIL's template).
    Export {
        #[arg(long, env = "VIGIE_ORG", default_value = DEFAULT_ORG)]
        org: String,
        /// yaml, json, csv or pdf.
        #[arg(long, default_value = "yaml")]
        format: ExportFormat,
        /// The file to write; standard output when absent or `-`.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Language of the gaps' explanations (json) and of the PDF's headings.
        #[arg(long, default_value = "fr", value_parser = ["fr", "en"])]
        lang: String,
    },
    /// List the gaps: transfers without lawful basis, missing art. 28(3) clauses, overdue
    /// reviews, impact assessments required but absent or unsigned. Exit code 1 when any.
    Check {
        #[arg(long, env = "VIGIE_ORG", default_value = DEFAULT_ORG)]
        org: String,
        /// The day to check on (YYYY-MM-DD); default: today on the organization's clock.
        #[arg(long)]
        on: Option<jiff::civil::Date>,
        #[arg(long, default_value = "fr", value_parser = ["fr", "en"])]
        lang: String,
    },
    /// Write the evidence pack for an auditor (ISO/IEC 27701, GDPR art. 5(2)): a zip with the
    /// registers (YAML, JSON, CSV, PDF), the breach register, the notices' versions, the last
    /// screenings' proof records, the deadlines kept on data subject requests (without the
    /// persons) and the audit chain's verification, with every file's SHA-256 in manifest.json.
    /// Exit code 1 when the audit chain does not verify (the pack says where it breaks).
    Evidence {
        #[arg(long, env = "VIGIE_ORG", default_value = DEFAULT_ORG)]
        org: String,
        /// The zip file to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Language of the pack's descriptions and of the PDF's headings.
        #[arg(long, default_value = "fr", value_parser = ["fr", "en"])]
        lang: String,
    },
    /// Write the people to inform of a notice version, as a CSV for the e-mail service
    /// (contact_ref,email,first_name,last_name): the contacts not erased whose consent events
    /// name another version. Recorded in the audit trail with every reference.
    NoticeRecipients {
        /// The notice version (as in `POST /api/v1/notices`).
        #[arg(value_name = "VERSION")]
        notice: String,
        #[arg(long, env = "VIGIE_ORG", default_value = DEFAULT_ORG)]
        org: String,
        /// The file to write; standard output when absent or `-`.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

/// Today on the organization's calendar.
async fn today(
    store: &vigie_store::Store,
    org: vigie_store::OrgId,
) -> anyhow::Result<jiff::civil::Date> {
    let settings = store.org_settings(org).await?;
    let tz =
        jiff::tz::TimeZone::get(&settings.time_zone).context("the organization's time zone")?;
    Ok(jiff::Timestamp::now().to_zoned(tz).date())
}

pub async fn run(store_args: &StoreArgs, cmd: RegistersCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        RegistersCommand::Apply { file, org } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let json = file.extension().is_some_and(|e| e == "json");
            let parsed = if json {
                from_json(&text)
            } else {
                from_yaml(&text)
            };
            let registers = match parsed {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {}: {e}", file.display());
                    eprintln!("nothing was stored");
                    return Ok(ExitCode::from(2));
                }
            };
            let store = store_args.open().await?;
            let org = store.require_org(&org).await?;
            let saved = store
                .save_registers(
                    org.id,
                    &registers,
                    None,
                    cli_audit("registers.apply", format!("registers:{}", org.slug)),
                )
                .await?;
            match saved {
                RegistersSaved::Changed { version } => println!(
                    "registers of {} stored as version {version}: {} activities, {} processors, {} impact assessments",
                    org.slug,
                    registers.activities.len(),
                    registers.processors.len(),
                    registers.dpias.len()
                ),
                RegistersSaved::Unchanged { version } => {
                    println!("registers of {} unchanged (version {version})", org.slug)
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        RegistersCommand::Export {
            org,
            format,
            output,
            lang,
        } => {
            let store = store_args.open().await?;
            let org = store.require_org(&org).await?;
            let stored = store.registers(org.id).await?.with_context(|| {
                format!("{} has no registers yet: vigie registers apply", org.slug)
            })?;
            let lang: Lang = lang.parse().expect("clap checked the language");
            let bytes = render(
                format,
                &org.slug,
                &stored,
                today(&store, org.id).await?,
                lang,
            );
            match output.as_ref().filter(|p| p.as_os_str() != "-") {
                Some(p) => std::fs::write(p, &bytes)
                    .with_context(|| format!("cannot write {}", p.display()))?,
                None => std::io::stdout().lock().write_all(&bytes)?,
            }
            store
                .audit(
                    org.id,
                    cli_audit(
                        "registers.export",
                        format!("registers:{}:{format}", org.slug),
                    ),
                )
                .await?;
            Ok(ExitCode::SUCCESS)
        }
        RegistersCommand::Evidence { org, output, lang } => {
            let store = store_args.open().await?;
            let org = store.require_org(&org).await?;
            let settings = store.org_settings(org.id).await?;
            let tz = jiff::tz::TimeZone::get(&settings.time_zone)
                .context("the organization's time zone")?;
            let checkpoint = match store_args.audit_checkpoint_file() {
                Some(path) => vigie_store::AuditCheckpoint::read_file(&path)?,
                None => None,
            };
            let lang: Lang = lang.parse().expect("clap checked the language");
            store
                .audit(
                    org.id,
                    cli_audit("registers.evidence", format!("registers:{}", org.slug)),
                )
                .await?;
            let pack = vigie_server::evidence::evidence_pack(
                &store,
                &org,
                jiff::Timestamp::now(),
                &tz,
                lang,
                checkpoint.as_ref(),
                "cli",
            )
            .await?;
            std::fs::write(&output, &pack.bytes)
                .with_context(|| format!("cannot write {}", output.display()))?;
            println!(
                "evidence pack of {} written to {} ({} bytes)",
                org.slug,
                output.display(),
                pack.bytes.len()
            );
            if pack.chain_intact {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("the audit chain does not verify: see audit-chain.json in the pack");
                Ok(ExitCode::FAILURE)
            }
        }
        RegistersCommand::NoticeRecipients {
            notice: version,
            org,
            output,
        } => {
            let store = store_args.open().await?;
            let org = store.require_org(&org).await?;
            store
                .notice(org.id, &version)
                .await?
                .with_context(|| format!("{} has no notice version {version}", org.slug))?;
            let contacts = store.contacts_to_inform(org.id, &version).await?;
            let refs: Vec<&str> = contacts
                .iter()
                .map(|c| c.data.contact_ref.as_str())
                .collect();
            // Recorded before anything is written: no personal data leaves unrecorded.
            store
                .audit(
                    org.id,
                    cli_audit(
                        "notice.recipients.export",
                        format!("contacts:{}", refs.join(",")),
                    ),
                )
                .await?;
            let csv = vigie_server::recipients_csv(&contacts);
            match output.as_ref().filter(|p| p.as_os_str() != "-") {
                Some(p) => std::fs::write(p, &csv)
                    .with_context(|| format!("cannot write {}", p.display()))?,
                None => std::io::stdout().lock().write_all(csv.as_bytes())?,
            }
            eprintln!("{} contact(s) to inform of {version}", contacts.len());
            Ok(ExitCode::SUCCESS)
        }
        RegistersCommand::Check { org, on, lang } => {
            let store = store_args.open().await?;
            let org = store.require_org(&org).await?;
            let stored = store.registers(org.id).await?.with_context(|| {
                format!("{} has no registers yet: vigie registers apply", org.slug)
            })?;
            let day = match on {
                Some(d) => d,
                None => today(&store, org.id).await?,
            };
            let lang: Lang = lang.parse().expect("clap checked the language");
            let gaps = flags(&stored.registers, day);
            for f in &gaps {
                let (kind, id) = match &f.record {
                    vigie_core::registers::RecordRef::Activity(id) => ("activity", id),
                    vigie_core::registers::RecordRef::Processor(id) => ("processor", id),
                    vigie_core::registers::RecordRef::Dpia(id) => ("dpia", id),
                };
                println!(
                    "{}\t{kind}:{id}\t{}\t{}",
                    f.issue.code(),
                    f.field,
                    f.issue.explain(lang)
                );
            }
            println!(
                "{} gap(s) on {day} (version {})",
                gaps.len(),
                stored.version
            );
            Ok(if gaps.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}
