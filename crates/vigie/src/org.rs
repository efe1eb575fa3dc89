//! `vigie org`: organizations are the data controllers that own every record.

use std::process::ExitCode;

use vigie_core::OrgSettings;

use crate::config::StoreArgs;

#[derive(Debug, clap::Subcommand)]
pub enum OrgCommand {
    /// Create an organization.
    Add {
        /// Short name used in commands and URLs: a-z, 0-9, '-' and '_'.
        slug: String,
        /// Display name (default: the slug).
        #[arg(long)]
        name: Option<String>,
    },
    /// List organizations.
    List,
    /// Change an organization's settings; the ones not given are kept.
    ///
    /// Example: vigie org set acme --region BE --time-zone Europe/Brussels --lang fr
    Set {
        slug: String,
        /// Region for phone numbers written without a country code (ISO 3166 code).
        #[arg(long)]
        region: Option<String>,
        /// IANA time zone name, e.g. Europe/Paris.
        #[arg(long)]
        time_zone: Option<String>,
        /// Language of texts: fr or en.
        #[arg(long)]
        lang: Option<String>,
        /// The day and month the financial year ends on, MM-DD (e.g. 06-30; 29 February is
        /// refused): the accounting archive's ten years count from its closing.
        #[arg(long)]
        financial_year_end: Option<String>,
    },
    /// Show an organization's settings and opposition lists.
    Show { slug: String },
}

pub async fn run(store_args: &StoreArgs, cmd: OrgCommand) -> anyhow::Result<ExitCode> {
    let store = store_args.open().await?;
    match cmd {
        OrgCommand::Add { slug, name } => {
            let org = store
                .create_org(&slug, name.as_deref().unwrap_or(&slug))
                .await?;
            store
                .audit(
                    org.id,
                    crate::config::cli_audit("organization.create", format!("org:{}", org.slug)),
                )
                .await?;
            println!("created organization {} ({})", org.slug, org.name);
        }
        OrgCommand::List => {
            for org in store.orgs().await? {
                println!("{}\t{}", org.slug, org.name);
            }
        }
        OrgCommand::Set {
            slug,
            region,
            time_zone,
            lang,
            financial_year_end,
        } => {
            let org = store.require_org(&slug).await?;
            let now = store.org_settings(org.id).await?;
            let settings = now.changed(
                region.as_deref(),
                time_zone.as_deref(),
                lang.as_deref(),
                financial_year_end.as_deref(),
            )?;
            store.set_org_settings(org.id, &settings).await?;
            let mut audit =
                crate::config::cli_audit("organization.settings", format!("org:{}", org.slug));
            let changes = settings.differences(&now);
            audit.reason = (!changes.is_empty()).then(|| changes.join("; "));
            store.audit(org.id, audit).await?;
            print_settings(&settings);
        }
        OrgCommand::Show { slug } => {
            let org = store.require_org(&slug).await?;
            println!("organization\t{} ({})", org.slug, org.name);
            print_settings(&store.org_settings(org.id).await?);
            for list in store.opposition_lists(org.id).await? {
                let date = list.extract_date.map_or_else(
                    || "extract date unknown".to_owned(),
                    |d| format!("extract of {d}"),
                );
                println!(
                    "opposition list\t{}: {} numbers, {date}, imported {}",
                    list.name, list.entries, list.imported_at
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_settings(s: &OrgSettings) {
    println!("region\t{}", s.region);
    println!("time zone\t{}", s.time_zone);
    println!("language\t{}", s.lang);
    println!("financial year end\t{}", s.financial_year_end);
}
