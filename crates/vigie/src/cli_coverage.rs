//! `vigie retention coverage`: the consent coverage report (per channel and purpose, how many
//! contacts have consent with proof, rest on soft opt-in, B2B opt-out or another basis, have no
//! basis, are blocked, on the suppression list, on an opposition list (Bloctel), past their
//! period or not a person), or with `--list` the references
//! behind one count as CSV. The classification is the core's (`vigie_core::coverage`).

use std::process::ExitCode;

use vigie_core::spreadsheet::one_column_csv;
use vigie_core::{Channel, Coverage, Purpose};
use vigie_store::{CoverageReport, CoverageSelection, Organization, Store};

use crate::cli_retention::Format;
use crate::config::cli_audit;

/// What `--list` asks for: one category of one cell.
#[derive(Debug, clap::Args)]
pub struct CoverageArgs {
    /// The moment (RFC 3339 with its offset); now by default.
    #[arg(long, value_parser = crate::cli_retention::checked_moment)]
    pub at: Option<String>,
    /// Write the references of this category (consent, soft_opt_in, b2b_opt_out, other_basis,
    /// no_basis, blocked, suppressed, opposition_list, past_period, not_personal) as CSV, for
    /// --channel and --purpose.
    #[arg(long, requires_all = ["channel", "purpose"])]
    pub list: Option<Coverage>,
    #[arg(long)]
    pub channel: Option<Channel>,
    #[arg(long)]
    pub purpose: Option<Purpose>,
}

pub async fn run(
    store: &Store,
    org: &Organization,
    format: Format,
    args: CoverageArgs,
) -> anyhow::Result<ExitCode> {
    let at = crate::cli_retention::moment_text(args.at);
    match (args.list, args.channel, args.purpose) {
        (Some(category), Some(channel), Some(purpose)) => {
            let selection = CoverageSelection {
                category,
                channel,
                purpose,
            };
            let refs = store.coverage_list(org.id, &at, selection).await?;
            print!(
                "{}",
                one_column_csv("contact_ref", refs.iter().map(String::as_str))
            );
            // The references listed are records read: the trail says which list was taken.
            let mut audit = cli_audit("retention.coverage.list", format!("org:{}", org.slug));
            audit.reason = Some(format!(
                "{category} on {channel} for {purpose} at {at}: {} reference(s)",
                refs.len()
            ));
            store.audit(org.id, audit).await?;
        }
        _ => {
            let report = store.coverage(org.id, &at).await?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
                Format::Text => print_report(&report),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(r: &CoverageReport) {
    println!(
        "consent coverage at {} (policies version {}): {} contact(s)",
        r.at, r.policy_version, r.contacts
    );
    print!("{:<15} {:<11}", "channel", "purpose");
    for c in Coverage::ALL {
        print!(" {:>15}", c.as_str());
    }
    println!();
    for cell in &r.cells {
        print!(
            "{:<15} {:<11}",
            cell.channel.as_str(),
            cell.purpose.as_str()
        );
        for (_, n) in cell.counts.iter() {
            print!(" {n:>15}");
        }
        println!();
    }
}
