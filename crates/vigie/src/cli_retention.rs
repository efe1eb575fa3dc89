//! `vigie retention`: the organization's retention policies, what a run would do (`plan`) and
//! the run itself (`run`), which `vigie serve` also starts once a day.

use std::process::ExitCode;

use anyhow::Context;
use vigie_core::retention::PolicySet;
use vigie_core::{Moment, PolicyChange, Timestamp};
use vigie_store::{RetentionPlan, RetentionRun, RunLimits, Store};

use crate::config::{StoreArgs, cli_audit};

/// How often `vigie serve` looks whether the daily run's hour has come.
const DAILY_CHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// Exit status: invalid input (a field that does not parse).
const EXIT_INPUT: u8 = 2;

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
RULES
  A prospect (not a customer, not a generic address) whose latest sign of life (collection, or
  any consent-ledger event at or before the moment) is more than its period (default 3 calendar
  years, on the moment's clock) before the moment is erased: crypto-shredding and a tombstone,
  like a data subject's erasure, but the person is NOT added to the suppression list.
  `expired_prospects` counts them with the decision contract's rule (RETENTION_EXPIRED).
  A customer whose relationship ended more than its period (default 3 years) before the moment
  is archived: restricted, kept for the accounting obligation (Code de commerce L123-22) until
  ten years after the end of the financial year (31 December) of the end of the relationship;
  the first run after that erases it. Customers without an end date are kept and counted.
  Data subject requests closed more than their period (default 5 years) before the moment are
  purged with their history, answers and archive; screening proof records recorded more than
  their period (default 5 years) before it too; the audit trail loses the entries recorded more
  than its period (default 6 years) before it, from its start: a sealed checkpoint (the last
  purged entry's number and link) is what `vigie audit verify` verifies the rest from.

RUNS
  A run works in batches, one transaction each, and records how far it went: a run stopped by a
  crash is resumed by the next `vigie retention run` (with its own moment and policy version).
  Its proof (policy version, moment, counts, SHA-256 of the sorted references) goes into the
  audit trail as `retention.run`.

EXAMPLES
  vigie retention plan --org acme --at 2026-12-05T10:00:00+01:00 --format json
  vigie retention run --org acme
  vigie retention policies --org acme
  vigie retention coverage --org acme --format json
  vigie retention coverage --org acme --list no_basis --channel email --purpose marketing
  vigie retention set-policy --org acme --category prospects --years 2
  vigie retention requalify create --org acme --name \"Relance 2026\" --within-days 60")]
pub struct RetentionArgs {
    /// The organization.
    #[arg(long, global = true, default_value = vigie_store::DEFAULT_ORG)]
    pub org: String,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(subcommand)]
    pub command: RetentionCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Subcommand)]
pub enum RetentionCommand {
    /// What a run at a moment would do: counts and the first references of each action.
    Plan {
        /// The moment (RFC 3339 with its offset); now by default.
        #[arg(long, value_parser = checked_moment)]
        at: Option<String>,
        /// How many references to list per action.
        #[arg(long, default_value_t = 20)]
        refs: u32,
    },
    /// Run retention (or resume the run left unfinished).
    Run {
        /// The moment (RFC 3339 with its offset); now by default.
        #[arg(long, value_parser = checked_moment)]
        at: Option<String>,
        /// Contacts per transaction.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        batch: u32,
    },
    /// The latest runs and their proof.
    Runs {
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Requalification campaigns: ask the prospects near the end of their period whether
    /// they still consent; the run erases those who do not say yes.
    Requalify {
        #[command(subcommand)]
        command: crate::cli_requalify::RequalifyCommand,
    },
    /// The consent coverage report per channel and purpose, or (--list) the references behind
    /// one of its counts as CSV.
    Coverage(crate::cli_coverage::CoverageArgs),
    /// The policies in force (version, period and legal reference of each category).
    Policies,
    /// Change one category's period (a new version of the policies, audited).
    SetPolicy {
        /// prospects, customers, accounting_archive, closed_requests, screening_proofs, audit_trail.
        #[arg(long)]
        category: String,
        /// The period in years.
        #[arg(long)]
        years: i64,
        /// The legal reference to record with it (kept as it was when not given).
        #[arg(long)]
        reference: Option<String>,
    },
}

/// An RFC 3339 moment, kept as typed: the run and its proof keep the offset it was written in.
pub(crate) fn checked_moment(s: &str) -> Result<String, String> {
    Moment::parse(s)
        .map(|_| s.to_owned())
        .map_err(|e| e.to_string())
}

/// The moment given, or now on UTC.
pub(crate) fn moment_text(at: Option<String>) -> String {
    at.unwrap_or_else(|| Timestamp::now().to_string())
}

pub async fn run(store_args: &StoreArgs, args: RetentionArgs) -> anyhow::Result<ExitCode> {
    let store = store_args.open().await?;
    let org = store.require_org(&args.org).await?;
    match args.command {
        RetentionCommand::Plan { at, refs } => {
            let at = moment_text(at);
            let plan = plan(&store, org.id, &at, refs).await?;
            match args.format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&plan)?),
                Format::Text => print_plan(&plan),
            }
        }
        RetentionCommand::Run { at, batch } => {
            let at = moment_text(at);
            let run = store
                .run_retention(
                    org.id,
                    &at,
                    RunLimits {
                        batch,
                        stop_after_batches: None,
                    },
                    cli_audit("retention.run", format!("org:{}", org.slug)),
                )
                .await
                .context("running retention")?;
            print_runs(args.format, &[run])?;
        }
        RetentionCommand::Runs { limit } => {
            print_runs(args.format, &store.retention_runs(org.id, limit).await?)?;
        }
        RetentionCommand::Requalify { command } => {
            return crate::cli_requalify::run(&store, &org, args.format, command).await;
        }
        RetentionCommand::Coverage(coverage) => {
            return crate::cli_coverage::run(&store, &org, args.format, coverage).await;
        }
        RetentionCommand::Policies => {
            print_policies(args.format, &store.retention_policies(org.id).await?)?;
        }
        RetentionCommand::SetPolicy {
            category,
            years,
            reference,
        } => {
            let current = store.retention_policies(org.id).await?;
            let next = match current.edited(&[PolicyChange {
                category: category.clone(),
                years,
                legal_reference: reference,
            }]) {
                Ok(next) => next,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(ExitCode::from(EXIT_INPUT));
                }
            };
            let mut audit = cli_audit(
                "retention.policies",
                format!("retention_policies:{}", next.version),
            );
            audit.reason = Some(format!(
                "{category}: {} years",
                next.get(category.parse()?).years
            ));
            store
                .record_retention_policies(org.id, &next, audit)
                .await?;
            print_policies(args.format, &next)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn plan(store: &Store, org: i64, at: &str, refs: u32) -> anyhow::Result<RetentionPlan> {
    let moment = Moment::parse(at)?;
    let policies = store.retention_policies(org).await?;
    let cut = policies.cutoffs(moment);
    Ok(store.retention_plan(org, at, &policies, &cut, refs).await?)
}

fn print_plan(p: &RetentionPlan) {
    println!(
        "retention plan at {} (policies version {})",
        p.at, p.policy_version
    );
    println!(
        "  expired prospects (RETENTION_EXPIRED): {}",
        p.expired_prospects
    );
    println!(
        "  erase:   {} (of which archived customers whose accounting hold ended: {}; \
         unanswered requalifications: {})",
        p.erase.count,
        p.erase.of_which_hold_ended.unwrap_or(0),
        p.erase.of_which_requalification_unconfirmed.unwrap_or(0)
    );
    for r in &p.erase.references {
        println!("           {r}");
    }
    println!("  archive: {}", p.archive.count);
    for r in &p.archive.references {
        println!("           {r}");
    }
    println!("  keep:    {}", p.keep);
    println!(
        "  customers without an end-of-relationship date (kept): {}",
        p.customers_without_end_date
    );
    println!(
        "  purge:   {} closed requests, {} screening proofs, {} audit entries",
        p.purge.closed_requests, p.purge.screening_proofs, p.purge.audit_entries
    );
}

fn print_runs(format: Format, runs: &[RetentionRun]) -> anyhow::Result<()> {
    match format {
        Format::Json if runs.len() == 1 => println!("{}", serde_json::to_string_pretty(&runs[0])?),
        Format::Json => println!("{}", serde_json::to_string_pretty(runs)?),
        Format::Text => {
            for r in runs {
                println!(
                    "run {} at {} (policies version {}): {}; erased {}, archived {}; sha256 {}; \
                     purged {} closed requests, {} screening proofs, {} audit entries",
                    r.id,
                    r.at,
                    r.policy_version,
                    r.status,
                    r.erased,
                    r.archived,
                    r.refs_sha256.as_deref().unwrap_or("-"),
                    r.purged.closed_requests,
                    r.purged.screening_proofs,
                    r.purged.audit_entries
                );
            }
        }
    }
    Ok(())
}

fn print_policies(format: Format, set: &PolicySet) -> anyhow::Result<()> {
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(set)?),
        Format::Text => {
            println!("retention policies, version {}", set.version);
            for p in &set.policies {
                println!(
                    "  {:<20} {:>2} years from {:?}: {}",
                    p.category.as_str(),
                    p.years,
                    p.counted_from,
                    p.legal_reference
                );
            }
        }
    }
    Ok(())
}

/// `vigie serve --retention-hour H`: every minute, for each organization whose local hour (in
/// its time zone) is `hour`, claims the day and runs retention. The claim is a row in the
/// database (`retention_daily_claims`): of several servers sharing it, one runs each day.
pub async fn run_daily(store: Store, hour: i8) {
    let holder = format!(
        "{}:{}",
        std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "vigie".into()),
        std::process::id()
    );
    let mut every = tokio::time::interval(DAILY_CHECK);
    loop {
        every.tick().await;
        if let Err(e) = daily_pass(&store, hour, Timestamp::now(), &holder).await {
            tracing::error!(error = %e, "daily retention run failed; the next day's run resumes it");
        }
    }
}

/// One look at the clock (`now`, an input): the runs this holder started.
pub async fn daily_pass(
    store: &Store,
    hour: i8,
    now: Timestamp,
    holder: &str,
) -> anyhow::Result<Vec<RetentionRun>> {
    let mut runs = Vec::new();
    for org in store.orgs().await? {
        let zone = jiff::tz::TimeZone::get(&store.org_settings(org.id).await?.time_zone)?;
        let local = now.to_zoned(zone);
        if local.hour() != hour {
            continue;
        }
        if !store
            .claim_retention_day(org.id, &local.date().to_string(), holder)
            .await?
        {
            continue;
        }
        // The moment with the organization's offset: three calendar years are counted on its
        // clock.
        let at = local.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
        let audit = vigie_store::AuditEvent {
            actor: format!("server:{holder}"),
            action: "retention.run".into(),
            target: Some(format!("org:{}", org.slug)),
            origin: Some("daily".into()),
            ..vigie_store::AuditEvent::default()
        };
        tracing::info!(org = %org.slug, %at, "daily retention run");
        runs.push(
            store
                .run_retention(org.id, &at, RunLimits::default(), audit)
                .await?,
        );
    }
    Ok(runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two servers sharing a database look at the clock at the configured hour: one runs, the
    /// other finds the day claimed; outside the hour nobody runs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_daily_run_runs_once_per_day_across_servers() {
        let t = vigie_store::testing::sqlite_store().await;
        let s = &t.store;
        let org = s.require_org(vigie_store::DEFAULT_ORG).await.unwrap();
        let gone = vigie_store::ContactData {
            contact_ref: vigie_core::ContactRef::parse("OLD").unwrap(),
            email: None,
            phone: None,
            first_name: None,
            last_name: None,
            audience: vigie_core::Audience::Consumer,
            customer: false,
            customer_categories: vec![],
            collected_via: None,
            collected_at: Some("2020-01-01T00:00:00Z".parse().unwrap()),
            informed: true,
            objection_offered: true,
            contract_active: false,
            restricted: false,
            time_zone: None,
            relationship_ended_at: None,
        };
        s.create_contact(org.id, &gone).await.unwrap();
        // 02:30 in Paris: not the hour.
        let early: Timestamp = "2026-12-05T01:30:00Z".parse().unwrap();
        assert!(daily_pass(s, 3, early, "a").await.unwrap().is_empty());
        // 03:10 in Paris.
        let now: Timestamp = "2026-12-05T02:10:00Z".parse().unwrap();
        let first = daily_pass(s, 3, now, "a").await.unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].erased, 1);
        assert_eq!(first[0].at, "2026-12-05T03:10:00+01:00");
        let later: Timestamp = "2026-12-05T02:11:00Z".parse().unwrap();
        assert!(
            daily_pass(s, 3, later, "b").await.unwrap().is_empty(),
            "the day is claimed"
        );
        assert!(
            daily_pass(s, 3, later, "a").await.unwrap().is_empty(),
            "once a day"
        );
        let tomorrow: Timestamp = "2026-12-06T02:10:00Z".parse().unwrap();
        assert_eq!(daily_pass(s, 3, tomorrow, "b").await.unwrap().len(), 1);
    }
}
