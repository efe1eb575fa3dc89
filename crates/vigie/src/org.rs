//! `vigie org`: organizations are the data controllers that own every record.

use std::process::ExitCode;

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
    }
    Ok(ExitCode::SUCCESS)
}
