//! `vigie retention requalify`: requalification campaigns — create one (who is asked, for how
//! long), show its progress, export each person's signed link for the e-mail service.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vigie_core::{Channel, Timestamp};
use vigie_store::{NewRequalification, RequalificationCampaign, RequalificationSelection, Store};

use crate::cli_retention::Format;
use crate::config::cli_audit;

#[derive(Debug, clap::Subcommand)]
#[command(after_long_help = "\
WHO IS ASKED
  The prospects (not customers, not generic addresses) whose period (the organization's policy,
  default 3 calendar years from the latest sign of life) ends after the campaign's moment and
  within --within-days of it. Those already past their period are not asked: the next run
  erases them.
  With --without-consent-proof: the contacts without any basis on the campaign's channel for
  marketing at the campaign's moment (`vigie retention coverage`'s no_basis): no consent with
  proof, no soft opt-in, no B2B opt-out; not those who withdrew or objected.

ANSWERS
  Each person gets a signed link (HMAC-SHA-256 under a key of the organization; it names the
  campaign, the person and an expiry, and cannot be altered). A yes records a grant on the
  campaign's channel for marketing (method privacy_centre, source requalification:<id>, the
  time, the IP address and user agent sealed with the person's key): a sign of life, the
  period starts again. A no records a withdrawal. Once the window has closed, the next
  `vigie retention run` (or the daily run) erases whoever did not answer yes and did not grant
  again any other way since the campaign began — without adding them to the suppression list.

EXAMPLES
  vigie retention requalify create --org acme --name \"Relance 2026\" --within-days 60
  vigie retention requalify create --org acme --name \"Sans preuve\" --without-consent-proof
  vigie retention requalify show --org acme --campaign 1
  vigie retention requalify export --org acme --campaign 1 \\
      --base-url https://vigie.example.org --out links.csv")]
pub enum RequalifyCommand {
    /// Create a campaign: select the people to ask, open the response window.
    Create {
        /// The campaign's name (shown to the people asked).
        #[arg(long)]
        name: String,
        /// The channel the consent is asked for: email, sms, whatsapp, phone, automated_call, fax, postal.
        #[arg(long, default_value = "email")]
        channel: Channel,
        /// Ask the prospects whose period ends within this many days.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(0..=3650))]
        within_days: u32,
        /// Ask instead the contacts without proof of consent on the channel (the coverage
        /// report's no_basis for marketing; --within-days is then not used).
        #[arg(long, conflicts_with = "within_days")]
        without_consent_proof: bool,
        /// How many days the people have to answer.
        #[arg(long, default_value_t = vigie_store::DEFAULT_WINDOW_DAYS, value_parser = clap::value_parser!(u32).range(1..=365))]
        window_days: u32,
        /// The campaign's moment (RFC 3339 with its offset); now by default.
        #[arg(long)]
        at: Option<String>,
    },
    /// A campaign's progress: asked, sent (their link exported), confirmed (yes), refused (no),
    /// silent (sent, no answer), not yet sent.
    Show {
        #[arg(long)]
        campaign: i64,
    },
    /// Each person's reference, e-mail address (or number, as the channel needs) and signed
    /// link (the page where they answer), as CSV for the e-mail service (cells that a
    /// spreadsheet would run as formulas are neutralized): the same file as the API's and the
    /// web application's. Only the people the channel reaches are in it; they count as sent
    /// from then on. Recorded and audited; refused once the window has closed.
    Export {
        #[arg(long)]
        campaign: i64,
        /// The links expire after this many days; at the window's end by default.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=365))]
        expires_days: Option<u32>,
        /// The server's public address (e.g. https://vigie.example.org): the `link` column is
        /// then the full address of each person's page, <base-url>/requalify/<org>/<token>.
        #[arg(long, env = "VIGIE_PUBLIC_URL")]
        base_url: Option<vigie_server::person_links::PublicUrl>,
        /// Where to write the CSV; standard output by default.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub async fn run(
    store: &Store,
    org: &vigie_store::Organization,
    format: Format,
    command: RequalifyCommand,
) -> anyhow::Result<ExitCode> {
    match command {
        RequalifyCommand::Create {
            name,
            channel,
            within_days,
            without_consent_proof,
            window_days,
            at,
        } => {
            let selection = if without_consent_proof {
                RequalificationSelection::WithoutConsentProof
            } else {
                RequalificationSelection::PeriodEnding { within_days }
            };
            let new = NewRequalification {
                name,
                channel,
                at: at.unwrap_or_else(|| Timestamp::now().to_string()),
                selection,
                window_days,
            };
            let created = store
                .create_requalification(
                    org.id,
                    &new,
                    cli_audit(
                        "retention.requalification.create",
                        format!("org:{}", org.slug),
                    ),
                )
                .await
                .context("creating the requalification campaign")?;
            print_campaign(format, &created)?;
        }
        RequalifyCommand::Show { campaign } => {
            let Some(found) = store.requalification(org.id, campaign).await? else {
                anyhow::bail!("no requalification campaign {campaign} in {}", org.slug);
            };
            print_campaign(format, &found)?;
        }
        RequalifyCommand::Export {
            campaign,
            expires_days,
            base_url,
            out,
        } => {
            let now = Timestamp::now();
            let expires = expires_days
                .map(|days| now + jiff::SignedDuration::from_hours(24 * i64::from(days)));
            let base = base_url
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            // The file is the server's own (one producer); the store records the export and
            // marks the people sent.
            let file = vigie_server::requalification_links_csv(
                store,
                org,
                campaign,
                &base,
                expires,
                now,
                cli_audit(
                    "retention.requalification.export",
                    format!("requalification:{campaign}"),
                ),
            )
            .await
            .with_context(|| format!("exporting the links of campaign {campaign}"))?;
            match &out {
                Some(path) => std::fs::write(path, &file.csv)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => std::io::stdout().lock().write_all(file.csv.as_bytes())?,
            }
            if let Some(path) = out {
                eprintln!(
                    "{} link(s) written to {}; {} member(s) left out (no identifier for the \
                     channel, or erased)",
                    file.export.links,
                    path.display(),
                    file.export.unreachable
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_campaign(format: Format, c: &RequalificationCampaign) -> anyhow::Result<()> {
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(c)?),
        Format::Text => {
            let p = &c.progress;
            println!(
                "requalification campaign {} {:?} on {}: window {} → {}",
                c.id,
                c.name,
                c.channel.as_str(),
                c.starts_at,
                c.closes_at
            );
            println!(
                "  asked {}, sent {}, confirmed {}, refused {}, silent {}, not yet sent {}",
                p.asked, p.sent, p.confirmed, p.refused, p.silent, p.not_sent
            );
        }
    }
    Ok(())
}
