//! `vigie dsar`: data subject requests from the command line — file, follow, pause, extend and
//! fulfil them. The same steps as the DPO's queue, through `vigie_dsar::Dsar`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vigie_core::dsar::RequestKind;
use vigie_core::{ContactRef, Email, PhoneE164, Region};
use vigie_dsar::{Actor, Dsar, DsarError, QueueItem, Systems};
use vigie_store::{Corrections, Identifier, Organization};

use crate::config::{StoreArgs, os_user};

/// Exit status: the request's state does not allow this step (e.g. extended twice, already closed).
const EXIT_STATE: u8 = 3;
/// Exit status: no such request or contact.
const EXIT_NOT_FOUND: u8 = 4;
/// Exit status: invalid input (a field that does not parse).
const EXIT_INPUT: u8 = 2;

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
LIFE CYCLE
  A request is filed (awaiting_identity, clock paused) until the person proves who they are
  (`verify`), then in_progress. The answer is due one calendar month after receipt (GDPR
  art. 12(3)): received 31 January, due 28 February (29 in a leap year). Every pause waiting for
  the person's proof of identity (`pause` … `resume`) moves the due date by its length. The
  period may be extended once, by 1 or 2 months, with a reason told to the person, before the
  due date (`extend`). `fulfil` answers and closes it; `reject` refuses it with a reason.
  Filing the same kind of request for the same person while one is open returns the open one.

FULFILMENT
  access, portability  a zip archive (JSON + CSV + a summary in French and English) of everything
                       held: contact, consent ledger with proofs, requests, lists, connected systems
  rectification        the corrections given at filing (--set-*), previous version kept
  erasure              crypto-shredding, identifiers to the suppression list (SHA-256 only), a
                       tombstone; a customer's data (invoices: 10 years) or a contract in force is
                       archived and restricted instead, and the outcome says so
  restriction          the contact is restricted (decisions answer RESTRICTED) until `lift`
  objection            an `object` event on channel `any` in the consent ledger

EXIT STATUS
  0 done · 1 failure (store, connected system) · 2 invalid input · 3 the request's state does not
  allow the step · 4 no such request or contact

EXAMPLES
  vigie dsar file --kind access --email marie@example.org
  vigie dsar verify 12
  vigie dsar list
  vigie dsar extend 12 --months 2 --reason \"twelve connected systems to search\"
  vigie dsar fulfil 12 --output marie-access.zip --systems systems.yaml
  vigie dsar file --kind rectification --email marie@example.org --verified --set-last-name Durand")]
pub struct DsarArgs {
    /// The organization.
    #[arg(long, global = true, default_value = vigie_store::DEFAULT_ORG)]
    pub org: String,
    /// Connected systems and processors (YAML): searched by access, changed by erasure,
    /// notified of rectification, erasure and restriction.
    #[arg(long, global = true, env = "VIGIE_DSAR_SYSTEMS")]
    pub systems: Option<PathBuf>,
    /// The organization's time zone: deadlines are counted in its calendar days.
    #[arg(long, global = true, default_value = vigie_dsar::DEFAULT_TIME_ZONE)]
    pub time_zone: String,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: DsarCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum DsarCommand {
    /// File a request for a person named by e-mail address or phone number.
    File {
        /// access, rectification, erasure, restriction, portability or objection.
        #[arg(long, value_parser = parse_kind)]
        kind: RequestKind,
        /// The person's e-mail address.
        #[arg(long, value_parser = parse_email, required_unless_present = "phone", conflicts_with = "phone")]
        email: Option<Email>,
        /// The person's phone number (E.164, or national in --region).
        #[arg(long)]
        phone: Option<String>,
        /// Region of national phone numbers.
        #[arg(long, default_value = "FR")]
        region: String,
        /// The identity is already proven (the clock runs from now); otherwise run `verify` later.
        #[arg(long)]
        verified: bool,
        /// Rectification: the corrected e-mail address.
        #[arg(long, value_parser = parse_email)]
        set_email: Option<Email>,
        /// Rectification: the corrected phone number.
        #[arg(long)]
        set_phone: Option<String>,
        /// Rectification: the corrected first name.
        #[arg(long)]
        set_first_name: Option<String>,
        /// Rectification: the corrected last name.
        #[arg(long)]
        set_last_name: Option<String>,
    },
    /// The queue: requests with their due date, most urgent first.
    List {
        /// Closed requests too.
        #[arg(long)]
        all: bool,
    },
    /// One request: deadline, outcome and every step.
    Show { id: i64 },
    /// The person proved their identity: the clock runs.
    Verify { id: i64 },
    /// Ask the person for proof of identity: the clock stops.
    Pause {
        id: i64,
        /// What was asked (no personal data).
        #[arg(long)]
        reason: Option<String>,
    },
    /// The proof arrived: the clock runs again.
    Resume { id: i64 },
    /// Extend the deadline once by 1 or 2 months, with the reason told to the person.
    Extend {
        id: i64,
        #[arg(long)]
        months: u8,
        #[arg(long)]
        reason: String,
    },
    /// Refuse the request, with the reason told to the person.
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Carry the request out and close it (access and portability write the archive).
    Fulfil {
        id: i64,
        /// Where to write the archive (access, portability). Default: ./vigie-<org>-request-<id>.zip
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Lift a contact's restriction of processing.
    Lift {
        /// The contact's reference.
        #[arg(long)]
        contact: String,
        /// Why the restriction ends (art. 18(3)).
        #[arg(long)]
        reason: String,
    },
    /// Erasure tombstones: proof of each erasure, without personal data.
    Tombstones,
}

fn parse_kind(s: &str) -> Result<RequestKind, String> {
    s.parse()
        .map_err(|e: vigie_core::ParseVocabError| e.to_string())
}

fn parse_email(s: &str) -> Result<Email, String> {
    Email::parse(s).map_err(|e| e.to_string())
}

/// An input error that names its field: exit status 2.
fn input_error(field: &str, e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {field}: {e}");
    ExitCode::from(EXIT_INPUT)
}

fn phone(field: &str, s: &str, region: &str) -> Result<PhoneE164, ExitCode> {
    let region: Region = region.parse().map_err(|e| input_error("--region", e))?;
    PhoneE164::parse(s, region).map_err(|e| input_error(field, e))
}

fn actor() -> Actor {
    Actor {
        name: format!("cli:{}", os_user()),
        role: None,
        origin: Some("cli".into()),
    }
}

fn print_item(i: &QueueItem) {
    let r = &i.request;
    println!(
        "{:>6}  {:<13}  {:<17}  due {}  {:<8}  {}",
        r.id,
        r.kind.as_str(),
        r.clock.status.as_str(),
        i.due.date,
        i.urgency.as_str(),
        r.contact_ref
            .as_ref()
            .map(|c| format!("contact {c}"))
            .unwrap_or_else(|| "no matching contact".into()),
    );
}

fn json_out<T: serde::Serialize>(v: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

pub async fn run(store_args: &StoreArgs, args: DsarArgs) -> anyhow::Result<ExitCode> {
    let tz = jiff::tz::TimeZone::get(&args.time_zone)
        .map_err(|e| anyhow::anyhow!("--time-zone {}: {e}", args.time_zone))?;
    let systems = match &args.systems {
        Some(p) => Systems::load(p).map_err(|e| anyhow::anyhow!("--systems: {e}"))?,
        None => Systems::default(),
    };
    let store = store_args.open().await?;
    let org = store.require_org(&args.org).await?;
    let dsar = Dsar::new(store).with_time_zone(tz).with_systems(systems);
    match step(&dsar, &org, args.command, args.json).await {
        Ok(code) => Ok(code),
        Err(e) => {
            let code = match e.downcast_ref::<DsarError>() {
                Some(DsarError::NotFound(_)) => EXIT_NOT_FOUND,
                Some(DsarError::Invalid { .. }) => EXIT_INPUT,
                Some(DsarError::Store(vigie_store::StoreError::NotFound(_))) => EXIT_NOT_FOUND,
                Some(DsarError::Transition { .. } | DsarError::NotReady { .. }) => EXIT_STATE,
                Some(DsarError::Store(vigie_store::StoreError::Conflict(_))) => EXIT_STATE,
                _ => return Err(e),
            };
            eprintln!("error: {e:#}");
            Ok(ExitCode::from(code))
        }
    }
}

async fn step(
    dsar: &Dsar,
    org: &Organization,
    cmd: DsarCommand,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let by = actor();
    let show = |r: &vigie_store::Request| -> anyhow::Result<()> {
        if json {
            json_out(r)
        } else {
            println!("request {}: {} ({})", r.id, r.kind, r.clock.status);
            Ok(())
        }
    };
    match cmd {
        DsarCommand::File {
            kind,
            email,
            phone: phone_arg,
            region,
            verified,
            set_email,
            set_phone,
            set_first_name,
            set_last_name,
        } => {
            let identifier = match (email, phone_arg) {
                (Some(e), _) => Identifier::Email(e),
                (None, Some(p)) => match phone("--phone", &p, &region) {
                    Ok(p) => Identifier::Phone(p),
                    Err(code) => return Ok(code),
                },
                (None, None) => return Ok(input_error("--email or --phone", "give one")),
            };
            let set_phone = match set_phone {
                Some(p) => match phone("--set-phone", &p, &region) {
                    Ok(p) => Some(p),
                    Err(code) => return Ok(code),
                },
                None => None,
            };
            let corrections = Corrections {
                email: set_email,
                phone: set_phone,
                first_name: set_first_name,
                last_name: set_last_name,
            };
            let corrections = if corrections.is_empty() {
                None
            } else if kind != RequestKind::Rectification {
                return Ok(input_error(
                    "--set-*",
                    "corrections go with --kind rectification only",
                ));
            } else {
                Some(corrections)
            };
            if kind == RequestKind::Rectification && corrections.is_none() {
                return Ok(input_error(
                    "--set-email/--set-phone/--set-first-name/--set-last-name",
                    "a rectification needs at least one corrected field",
                ));
            }
            let filed = dsar
                .file(org, kind, identifier, verified, corrections, &by)
                .await?;
            if json {
                json_out(&filed)?;
            } else {
                let shown = dsar.show(org, filed.request.id).await?;
                if filed.merged {
                    println!(
                        "an open {} request for this person exists: request {} (merged)",
                        kind, filed.request.id
                    );
                } else {
                    println!("filed request {}", filed.request.id);
                }
                print_item(&shown.item);
            }
        }
        DsarCommand::List { all } => {
            let q = dsar.queue(org, !all).await?;
            if json {
                json_out(&q)?;
            } else if q.is_empty() {
                println!("no {}request", if all { "" } else { "open " });
            } else {
                for i in &q {
                    print_item(i);
                }
            }
        }
        DsarCommand::Show { id } => {
            let s = dsar.show(org, id).await?;
            if json {
                json_out(&s)?;
            } else {
                print_item(&s.item);
                let r = &s.item.request;
                println!("received {}", r.clock.received_at);
                if let Some(v) = r.clock.verified_at {
                    println!("verified {v}");
                }
                if let Some(e) = &r.clock.extension {
                    println!("extended by {} month(s): {}", e.months, e.reason);
                }
                if let Some(o) = &r.outcome {
                    println!("outcome {o}");
                }
                for h in &s.history {
                    println!(
                        "  {:>3}  {}  {:<18}  {}  {}",
                        h.seq,
                        h.at,
                        h.step,
                        h.actor,
                        h.note.as_deref().unwrap_or("")
                    );
                }
            }
        }
        DsarCommand::Verify { id } => show(&dsar.verify(org, id, &by).await?)?,
        DsarCommand::Pause { id, reason } => show(&dsar.pause(org, id, reason, &by).await?)?,
        DsarCommand::Resume { id } => show(&dsar.resume(org, id, &by).await?)?,
        DsarCommand::Extend { id, months, reason } => {
            show(&dsar.extend(org, id, months, &reason, &by).await?)?
        }
        DsarCommand::Reject { id, reason } => show(&dsar.reject(org, id, &reason, &by).await?)?,
        DsarCommand::Fulfil { id, output } => {
            let done = dsar.fulfil(org, id, &by).await?;
            let written = match &done.archive {
                Some(a) => {
                    let path = output.unwrap_or_else(|| PathBuf::from(&a.file_name));
                    let mut f = std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(&path)
                        .with_context(|| {
                            format!(
                                "--output {}: cannot create (it must not exist)",
                                path.display()
                            )
                        })?;
                    f.write_all(&a.bytes)?;
                    f.sync_all()?;
                    Some(path)
                }
                None => None,
            };
            if json {
                json_out(&done.request)?;
            } else {
                println!("request {} fulfilled ({})", id, done.request.kind);
                if let Some(o) = &done.request.outcome {
                    println!("outcome {o}");
                }
                if let Some(p) = written {
                    println!("archive written to {}", p.display());
                }
            }
        }
        DsarCommand::Lift { contact, reason } => {
            let cref = match ContactRef::parse(&contact) {
                Ok(c) => c,
                Err(e) => return Ok(input_error("--contact", e)),
            };
            let c = dsar.lift_restriction(org, &cref, &reason, &by).await?;
            println!("contact {} is no longer restricted", c.data.contact_ref);
        }
        DsarCommand::Tombstones => {
            let mut after = 0;
            let mut all = Vec::new();
            loop {
                let page = dsar.store().tombstones(org.id, after, 1000).await?;
                let Some(last) = page.last() else { break };
                after = last.id;
                all.extend(page);
            }
            if json {
                json_out(&all)?;
            } else {
                for t in &all {
                    println!(
                        "{:>6}  {}  request {}  contact {}  {}",
                        t.id,
                        t.erased_at,
                        t.request_id,
                        t.contact_ref.as_deref().unwrap_or("-"),
                        t.actions
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
