//! `vigie links`: one person's signed links, as the operator puts them in a message — one-click
//! unsubscribe (RFC 8058, with `--headers` the two header lines) and the preference centre —
//! built on the server's public address (`public_url`: the flag, VIGIE_PUBLIC_URL, or the key
//! of the configuration file given by --config / VIGIE_CONFIG).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use jiff::{SignedDuration, Timestamp};
use vigie_core::{ContactRef, Purpose};
use vigie_server::person_links::{
    DEFAULT_LINK_DAYS, ONE_CLICK, PersonLinks, PublicUrl, list_unsubscribe,
};
use vigie_store::LinkedPerson;

use crate::config::{StoreArgs, cli_audit};

#[derive(Debug, clap::Subcommand)]
#[command(after_help = "Examples:
  vigie links unsubscribe --org acme --contact C-42 --campaign \"Soldes d'hiver\" --headers
  vigie links preferences --org acme --contact C-42 --public-url https://vigie.example.org")]
pub enum LinksCommand {
    /// Print a contact's one-click unsubscribe URL (RFC 8058); --headers prints the
    /// `List-Unsubscribe` and `List-Unsubscribe-Post` lines instead.
    Unsubscribe {
        #[command(flatten)]
        who: Who,
        /// The campaign the message belongs to: named in the withdrawal's proof.
        #[arg(long)]
        campaign: Option<String>,
        /// The purpose the person unsubscribes from.
        #[arg(long, default_value = "marketing")]
        purpose: Purpose,
        /// Print the two header lines to put in the message.
        #[arg(long)]
        headers: bool,
    },
    /// Print a contact's preference centre URL.
    Preferences {
        #[command(flatten)]
        who: Who,
    },
}

#[derive(Debug, clap::Args)]
pub struct Who {
    /// The organization (slug).
    #[arg(long)]
    org: String,
    /// The contact's reference.
    #[arg(long)]
    contact: String,
    /// Days the link stays valid.
    #[arg(long, default_value_t = DEFAULT_LINK_DAYS, value_parser = clap::value_parser!(i64).range(1..=3650))]
    expires_days: i64,
    /// The server's public address (e.g. https://vigie.example.org); else VIGIE_PUBLIC_URL,
    /// else `public_url` in the configuration file.
    #[arg(long, env = "VIGIE_PUBLIC_URL")]
    public_url: Option<PublicUrl>,
    /// The configuration file of `vigie serve`, read for its `public_url`.
    #[arg(long, env = "VIGIE_CONFIG")]
    config: Option<PathBuf>,
}

/// The server's public address for a command that builds person links: the flag (or
/// VIGIE_PUBLIC_URL), else the configuration file's `public_url`, else a clear error.
pub fn public_url(flag: Option<&PublicUrl>, config: Option<&Path>) -> anyhow::Result<PublicUrl> {
    if let Some(u) = flag {
        return Ok(u.clone());
    }
    if let Some(path) = config
        && let Some(u) = crate::serve_config::ConfigFile::load(path)?.public_url()
    {
        return u
            .parse()
            .with_context(|| format!("configuration file {}", path.display()));
    }
    bail!(
        "public_url is not set: pass --public-url, set VIGIE_PUBLIC_URL, or set public_url in the \
         configuration file (--config / VIGIE_CONFIG)"
    )
}

pub async fn run(store_args: &StoreArgs, command: LinksCommand) -> anyhow::Result<ExitCode> {
    let who = match &command {
        LinksCommand::Unsubscribe { who, .. } | LinksCommand::Preferences { who } => who,
    };
    let public = public_url(who.public_url.as_ref(), who.config.as_deref())?;
    let contact_ref =
        ContactRef::parse(&who.contact).map_err(|e| anyhow::anyhow!("--contact: {e}"))?;
    let store = store_args.open().await?;
    let org = store.require_org(&who.org).await?;
    let Some(contact) = store.contact(org.id, &contact_ref).await? else {
        bail!("--contact: no contact {contact_ref} in {}", org.slug);
    };
    let expires = Timestamp::now() + SignedDuration::from_hours(24 * who.expires_days);
    let links = PersonLinks::new(&store, &org, &public, expires).await?;
    let (kind, out) = match &command {
        LinksCommand::Unsubscribe {
            campaign,
            purpose,
            headers,
            ..
        } => {
            let Some(url) = links.unsubscribe(
                LinkedPerson::Contact(contact.id),
                *purpose,
                campaign.as_deref(),
            ) else {
                bail!(
                    "--campaign: at most {} bytes in a link",
                    vigie_store::MAX_LINK_CAMPAIGN
                );
            };
            let out = if *headers {
                format!(
                    "List-Unsubscribe: {}\nList-Unsubscribe-Post: {ONE_CLICK}\n",
                    list_unsubscribe(&url)
                )
            } else {
                format!("{url}\n")
            };
            ("links.unsubscribe", out)
        }
        LinksCommand::Preferences { .. } => (
            "links.preferences",
            format!("{}\n", links.preferences(LinkedPerson::Contact(contact.id))),
        ),
    };
    // Who handed out a link that lets someone change a person's consent, and until when.
    let mut audit = cli_audit(kind, format!("contact:{contact_ref}"));
    audit.reason = Some(format!("expires {expires}"));
    store.audit(org.id, audit).await?;
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}
