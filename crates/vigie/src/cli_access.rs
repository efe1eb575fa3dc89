//! `vigie user` and `vigie token`: who may sign in, in which role, and the API tokens programs
//! use. Run on the server's host by whoever holds the store and the master key; every change is
//! recorded in the organization's audit trail as `cli:<os user>`.

use std::process::ExitCode;

use anyhow::Context as _;
use vigie_core::{Permission, Role, parse_scopes};

use crate::config::{StoreArgs, cli_audit};

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Give a person a role in an organization and print their one-time set-up link.
    ///
    /// The person opens the link (valid 72 hours), chooses a password and enrols an
    /// authenticator app (TOTP); they get recovery codes. Adding an existing person to another
    /// organization, or again with another role, changes only the role.
    ///
    /// Roles: admin (everything, users and tokens included), dpo (registers, requests, audit
    /// trail; reads contacts), marketer (contacts, imports, screening; no audit, no users),
    /// agent (a processor's staff: a contact's name, the identifier for the channel and the
    /// decision; no export), auditor (read-only, the audit trail included).
    #[command(verbatim_doc_comment)]
    Add {
        /// The person's e-mail address: their sign-in name.
        #[arg(long)]
        email: String,
        /// admin, dpo, marketer, agent or auditor.
        #[arg(long)]
        role: Role,
        #[arg(long, default_value = vigie_store::DEFAULT_ORG)]
        org: String,
        /// Where the server is reached, to print a whole link.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
    },
    /// A new set-up link for a person (lost password, or the first link expired). Earlier links
    /// stop working.
    Link {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
    },
    /// List an organization's members.
    List {
        #[arg(long, default_value = vigie_store::DEFAULT_ORG)]
        org: String,
    },
    /// Take a person out of an organization (their account stays for the others).
    Remove {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = vigie_store::DEFAULT_ORG)]
        org: String,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create an API token; its secret is printed once: send it as `Authorization: Bearer …`.
    Create {
        /// What the token is for (shown in listings and the audit trail).
        #[arg(long)]
        name: String,
        /// Comma-separated permissions: contacts:read, contacts:write, ledger:read,
        /// ledger:write, contacts:reach, decide, screening:run, screening:read, audit:read,
        /// users:manage, tokens:manage.
        #[arg(long)]
        scopes: String,
        /// Days until it expires (1 to 730).
        #[arg(long, default_value_t = 90)]
        days: u32,
        #[arg(long, default_value = vigie_store::DEFAULT_ORG)]
        org: String,
    },
    /// List an organization's tokens (never their secrets).
    List {
        #[arg(long, default_value = vigie_store::DEFAULT_ORG)]
        org: String,
    },
    /// Revoke a token: it stops working at once.
    Revoke {
        /// The token's id (tok_…).
        id: String,
        #[arg(long, default_value = vigie_store::DEFAULT_ORG)]
        org: String,
    },
}

pub async fn run_user(store_args: &StoreArgs, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let store = store_args.open().await?;
    match cmd {
        UserCommand::Add {
            email,
            role,
            org,
            base_url,
        } => {
            let org = store.require_org(&org).await?;
            let (user, created) = store
                .add_member(org.id, &email, role)
                .await
                .with_context(|| format!("--email {email:?}"))?;
            store
                .audit(
                    org.id,
                    cli_audit("user.add", format!("user:{} as {role}", user.email)),
                )
                .await?;
            println!(
                "{} {} as {role} in {}",
                if created { "added" } else { "updated" },
                user.email,
                org.slug
            );
            if !user.has_password {
                let secret = store.create_setup_secret(user.id).await?;
                println!(
                    "one-time set-up link (valid 72 hours; send it by a channel you trust):\n{}/setup/{secret}",
                    base_url.trim_end_matches('/')
                );
            }
        }
        UserCommand::Link { email, base_url } => {
            let user = store
                .user_by_email(&email)
                .await?
                .with_context(|| format!("--email: no account {email:?}"))?;
            let secret = store.create_setup_secret(user.id).await?;
            for m in store.memberships(user.id).await? {
                store
                    .audit(
                        m.org_id,
                        cli_audit("user.setup_link", format!("user:{}", user.email)),
                    )
                    .await?;
            }
            println!(
                "one-time set-up link (valid 72 hours):\n{}/setup/{secret}",
                base_url.trim_end_matches('/')
            );
        }
        UserCommand::List { org } => {
            let org = store.require_org(&org).await?;
            for (u, role) in store.members(org.id).await? {
                let state = match (u.has_password, u.totp_enabled) {
                    (false, _) => "set-up pending",
                    (true, false) => "second factor pending",
                    (true, true) => "active",
                };
                println!("{}\t{role}\t{state}", u.email);
            }
        }
        UserCommand::Remove { email, org } => {
            let org = store.require_org(&org).await?;
            let user = store
                .user_by_email(&email)
                .await?
                .with_context(|| format!("--email: no account {email:?}"))?;
            if !store.remove_member(org.id, user.id).await? {
                anyhow::bail!("--email: {} is not a member of {}", user.email, org.slug);
            }
            store
                .audit(
                    org.id,
                    cli_audit("user.remove", format!("user:{}", user.email)),
                )
                .await?;
            println!("removed {} from {}", user.email, org.slug);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn run_token(store_args: &StoreArgs, cmd: TokenCommand) -> anyhow::Result<ExitCode> {
    let store = store_args.open().await?;
    match cmd {
        TokenCommand::Create {
            name,
            scopes,
            days,
            org,
        } => {
            let org = store.require_org(&org).await?;
            let scopes: Vec<Permission> =
                parse_scopes(&scopes).map_err(|e| anyhow::anyhow!("--scopes: {e}"))?;
            if !(1..=730).contains(&days) {
                anyhow::bail!("--days: must be 1 to 730");
            }
            let expires =
                jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * i64::from(days));
            let actor = format!("cli:{}", crate::config::os_user());
            let new = store
                .create_token(org.id, &name, &scopes, Some(expires), &actor)
                .await?;
            store
                .audit(
                    org.id,
                    cli_audit("token.create", format!("token:{}", new.token.id)),
                )
                .await?;
            eprintln!(
                "created {} in {} ({}), expires {}; the secret is shown this once:",
                new.token.id,
                org.slug,
                scopes
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                expires
            );
            println!("{}", new.secret);
        }
        TokenCommand::List { org } => {
            let org = store.require_org(&org).await?;
            let now = jiff::Timestamp::now();
            for t in store.tokens(org.id).await? {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else if !t.usable_at(now) {
                    "expired"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\t{}\t{state}\t{}",
                    t.id,
                    t.name,
                    t.scopes
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    t.expires_at.map(|e| e.to_string()).unwrap_or_default()
                );
            }
        }
        TokenCommand::Revoke { id, org } => {
            let org = store.require_org(&org).await?;
            if !store.revoke_token(org.id, &id).await? {
                anyhow::bail!("no live token {id:?} in {}", org.slug);
            }
            store
                .audit(org.id, cli_audit("token.revoke", format!("token:{id}")))
                .await?;
            println!("revoked {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
