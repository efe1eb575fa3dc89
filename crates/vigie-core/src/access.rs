//! Who may do what: the roles of an organization's members, the permissions they grant, and the
//! scopes of API tokens.
//!
//! This is the one place where access rules are stated. The server declares one [`Permission`]
//! per route and asks [`Role::grants`] (for people) or a token's scopes (for programs); it never
//! decides on its own who may call what.
//!
//! One organization never sees another's data, whatever the role: that is not a permission but
//! a property of every query (keyed by organization) and of the server's caller resolution.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A member's role in one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, users and tokens included.
    Admin,
    /// The data protection officer: registers, requests, the audit trail; reads contacts.
    Dpo,
    /// Contacts, imports, screening; no audit trail, no users.
    Marketer,
    /// A processor's staff (call centre): a contact's name, the identifier of the channel it
    /// calls on, and the decision. Nothing else, and no export.
    Agent,
    /// Read-only, the audit trail included.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Dpo,
        Role::Marketer,
        Role::Agent,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Dpo => "dpo",
            Role::Marketer => "marketer",
            Role::Agent => "agent",
            Role::Auditor => "auditor",
        }
    }

    /// What the role allows. `Public` and `Authenticated` are granted to everyone signed in.
    pub fn grants(self, p: Permission) -> bool {
        use Permission::*;
        match p {
            Public | Authenticated => true,
            _ => match self {
                Role::Admin => true,
                Role::Dpo => matches!(
                    p,
                    ContactsRead
                        | LedgerRead
                        | ContactReach
                        | Decide
                        | ScreeningRead
                        | AuditRead
                        | RequestsRead
                        | RequestsManage
                        | RetentionRead
                        | RetentionManage
                        | RegistersRead
                        | RegistersWrite
                ),
                Role::Marketer => matches!(
                    p,
                    ContactsRead
                        | ContactsWrite
                        | LedgerRead
                        | LedgerWrite
                        | ContactReach
                        | Decide
                        | ScreeningRun
                        | ScreeningRead
                        | RegistersRead
                ),
                // The agent asks before a call and logs how it ended.
                Role::Agent => matches!(p, ContactReach | Decide | CallsLog),
                // The queue and each request's history, to check deadlines were kept; no step,
                // no archive (it holds the person's data).
                Role::Auditor => matches!(
                    p,
                    ContactsRead
                        | LedgerRead
                        | ContactReach
                        | Decide
                        | ScreeningRead
                        | AuditRead
                        | RequestsRead
                        | RetentionRead
                        | RegistersRead
                ),
            },
        }
    }

    /// Whether the role may create API tokens with this scope (only what it holds itself).
    pub fn may_delegate(self, p: Permission) -> bool {
        p.is_scope() && self.grants(p)
    }

    /// The first permission this role grants that a caller holding only what `holds` allows
    /// lacks; `None` when the role gives nothing beyond the caller's own rights. Giving a
    /// person a role (or a set-up link for it), or changing or removing a member who holds
    /// one, is refused when this is `Some`: nobody hands out, or takes away, more than they
    /// hold. `holds` is a role's [`Role::grants`] or a token's
    /// [`Permission::allowed_by`], so people and programs follow the same rule.
    pub fn beyond(self, holds: impl Fn(Permission) -> bool) -> Option<Permission> {
        Permission::scopes().find(|p| self.grants(*p) && !holds(*p))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown role or permission name; the message lists the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {given:?}: expected one of {expected}")]
pub struct UnknownName {
    pub what: &'static str,
    pub given: String,
    pub expected: String,
}

impl FromStr for Role {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "role",
                given: s.to_owned(),
                expected: Role::ALL.map(Role::as_str).join(", "),
            })
    }
}

/// What a route requires. Every route of the server declares exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Permission {
    /// Anyone, signed in or not (health check, API document, login pages). Rate-limited.
    Public,
    /// Anyone signed in, whatever the role (their own account, logout).
    Authenticated,
    /// Read contacts in full (facts, identifiers, names), list and search them.
    ContactsRead,
    /// Create and change contacts.
    ContactsWrite,
    /// Read a contact's consent ledger.
    LedgerRead,
    /// Append to a contact's consent ledger.
    LedgerWrite,
    /// A contact's name, the identifier of one channel and the decision for it (what a call
    /// centre agent needs to place one call).
    ContactReach,
    /// Ask the decision engine about facts sent in the request (no stored data read).
    Decide,
    /// Screen campaign lists.
    ScreeningRun,
    /// Read screening jobs, results and proof records.
    ScreeningRead,
    /// Browse and export the audit trail.
    AuditRead,
    /// Manage the organization's members.
    UsersManage,
    /// Create, list and revoke API tokens.
    TokensManage,
    /// Read the data subject requests' queue, deadlines and histories (no personal data).
    RequestsRead,
    /// Take the steps of data subject requests (verify, pause, extend, reject, fulfil) and
    /// download access archives.
    RequestsManage,
    /// Record call attempts and their outcomes in the call log (diallers, call centre agents).
    CallsLog,
    /// Read and change the organization's settings (region, time zone, language, lists).
    OrgSettings,
    /// Scrape the operations metrics (`/metrics`: latencies by route, imports, screenings,
    /// the organization's open requests by urgency). Admins, and tokens given the scope.
    Metrics,
    /// Read the retention policies, the plan and the runs' proofs.
    RetentionRead,
    /// Change the retention policies.
    RetentionManage,
    /// Read the registers: processing activities, processors, impact assessments, breaches,
    /// notices, and their exports.
    RegistersRead,
    /// Change the registers (the profile, records, breaches, notices), by form, API or YAML.
    RegistersWrite,
    // outbox (issue 15)
    /// Manage the webhook endpoints and the inbound e-mail sources, see the outbox and retry
    /// failed deliveries. Admins only: a secret is shown at creation.
    WebhooksManage,
    // branch forms (issue 15)
    /// Define consent forms (wording, channels, notice, origins) and read their snippets.
    /// Admins, and tokens given the scope.
    FormsManage,
}

impl Permission {
    pub const ALL: [Permission; 24] = [
        Permission::Public,
        Permission::Authenticated,
        Permission::ContactsRead,
        Permission::ContactsWrite,
        Permission::LedgerRead,
        Permission::LedgerWrite,
        Permission::ContactReach,
        Permission::Decide,
        Permission::ScreeningRun,
        Permission::ScreeningRead,
        Permission::AuditRead,
        Permission::UsersManage,
        Permission::TokensManage,
        Permission::RequestsRead,
        Permission::RequestsManage,
        Permission::CallsLog,
        Permission::OrgSettings,
        Permission::Metrics,
        Permission::RetentionRead,
        Permission::RetentionManage,
        Permission::RegistersRead,
        Permission::RegistersWrite,
        Permission::WebhooksManage,
        Permission::FormsManage,
    ];

    /// The name of the permission as a token scope (`contacts:read` …); `public` and
    /// `authenticated` are not scopes.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Public => "public",
            Permission::Authenticated => "authenticated",
            Permission::ContactsRead => "contacts:read",
            Permission::ContactsWrite => "contacts:write",
            Permission::LedgerRead => "ledger:read",
            Permission::LedgerWrite => "ledger:write",
            Permission::ContactReach => "contacts:reach",
            Permission::Decide => "decide",
            Permission::ScreeningRun => "screening:run",
            Permission::ScreeningRead => "screening:read",
            Permission::AuditRead => "audit:read",
            Permission::UsersManage => "users:manage",
            Permission::TokensManage => "tokens:manage",
            Permission::RequestsRead => "requests:read",
            Permission::RequestsManage => "requests:manage",
            Permission::CallsLog => "calls:log",
            Permission::OrgSettings => "org:settings",
            Permission::Metrics => "metrics",
            Permission::RetentionRead => "retention:read",
            Permission::RetentionManage => "retention:manage",
            Permission::RegistersRead => "registers:read",
            Permission::RegistersWrite => "registers:write",
            Permission::WebhooksManage => "webhooks:manage",
            Permission::FormsManage => "forms:manage",
        }
    }

    /// Whether an API token can carry this permission.
    pub fn is_scope(self) -> bool {
        !matches!(self, Permission::Public | Permission::Authenticated)
    }

    /// The permissions a token can carry.
    pub fn scopes() -> impl Iterator<Item = Permission> {
        Permission::ALL.into_iter().filter(|p| p.is_scope())
    }

    /// Whether a token holding `scopes` may use a route requiring `self`.
    pub fn allowed_by(self, scopes: &[Permission]) -> bool {
        match self {
            Permission::Public | Permission::Authenticated => true,
            p => scopes.contains(&p),
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Permission {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Permission::scopes()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "scope",
                given: s.to_owned(),
                expected: Permission::scopes()
                    .map(Permission::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// Parses a comma-separated list of scopes (`contacts:read,decide`); empty items are refused,
/// duplicates dropped, the order made canonical.
pub fn parse_scopes(list: &str) -> Result<Vec<Permission>, UnknownName> {
    let mut scopes = list
        .split(',')
        .map(|s| s.trim().parse::<Permission>())
        .collect::<Result<Vec<_>, _>>()?;
    scopes.sort();
    scopes.dedup();
    Ok(scopes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_has_everything_agent_almost_nothing() {
        for p in Permission::ALL {
            assert!(Role::Admin.grants(p), "{p}");
        }
        let agent: Vec<_> = Permission::scopes()
            .filter(|p| Role::Agent.grants(*p))
            .collect();
        assert_eq!(
            agent,
            [
                Permission::ContactReach,
                Permission::Decide,
                Permission::CallsLog
            ]
        );
    }

    #[test]
    fn calls_are_logged_by_agents_and_admins_settings_changed_by_admins_only() {
        for role in Role::ALL {
            assert_eq!(
                role.grants(Permission::Metrics),
                role == Role::Admin,
                "{role}"
            );
            let logs = matches!(role, Role::Admin | Role::Agent);
            assert_eq!(role.grants(Permission::CallsLog), logs, "{role}");
            assert_eq!(
                role.grants(Permission::OrgSettings),
                role == Role::Admin,
                "{role}"
            );
        }
    }

    #[test]
    fn a_role_beyond_the_callers_rights_is_named() {
        // A token holding only `users:manage` (the escalation of issue 18) cannot make an admin.
        let users_only = |p: Permission| p.allowed_by(&[Permission::UsersManage]);
        assert_eq!(
            Role::Admin.beyond(users_only),
            Some(Permission::ContactsRead)
        );
        assert_eq!(
            Role::Agent.beyond(users_only),
            Some(Permission::ContactReach)
        );
        // An admin holds everything; a DPO may not make a marketer (contacts:write).
        for role in Role::ALL {
            assert_eq!(role.beyond(|p| Role::Admin.grants(p)), None, "{role}");
            assert_eq!(role.beyond(|p| role.grants(p)), None, "{role}");
        }
        assert_eq!(
            Role::Marketer.beyond(|p| Role::Dpo.grants(p)),
            Some(Permission::ContactsWrite)
        );
        assert_eq!(Role::Auditor.beyond(|p| Role::Dpo.grants(p)), None);
    }

    #[test]
    fn only_admins_manage_users_and_tokens() {
        for role in Role::ALL {
            let admin = role == Role::Admin;
            assert_eq!(role.grants(Permission::UsersManage), admin, "{role}");
            assert_eq!(role.grants(Permission::TokensManage), admin, "{role}");
        }
    }

    #[test]
    fn marketers_see_no_audit_auditors_change_nothing() {
        assert!(!Role::Marketer.grants(Permission::AuditRead));
        assert!(Role::Auditor.grants(Permission::AuditRead));
        assert!(Role::Dpo.grants(Permission::AuditRead));
        for write in [
            Permission::ContactsWrite,
            Permission::LedgerWrite,
            Permission::ScreeningRun,
        ] {
            assert!(!Role::Auditor.grants(write), "{write}");
            assert!(!Role::Dpo.grants(write), "{write}");
            assert!(!Role::Agent.grants(write), "{write}");
        }
    }

    #[test]
    fn dpos_handle_requests_auditors_only_read_them() {
        for role in Role::ALL {
            let handles = matches!(role, Role::Admin | Role::Dpo);
            assert_eq!(role.grants(Permission::RequestsManage), handles, "{role}");
            let reads = handles || role == Role::Auditor;
            assert_eq!(role.grants(Permission::RequestsRead), reads, "{role}");
        }
        assert_eq!(
            "requests:manage".parse::<Permission>(),
            Ok(Permission::RequestsManage)
        );
    }

    #[test]
    fn dpos_change_the_registers_auditors_and_marketers_read_them() {
        for role in Role::ALL {
            let writes = matches!(role, Role::Admin | Role::Dpo);
            assert_eq!(role.grants(Permission::RegistersWrite), writes, "{role}");
            let reads = writes || matches!(role, Role::Auditor | Role::Marketer);
            assert_eq!(role.grants(Permission::RegistersRead), reads, "{role}");
        }
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_choices() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        for p in Permission::scopes() {
            assert_eq!(p.as_str().parse::<Permission>(), Ok(p));
        }
        let e = "root".parse::<Role>().unwrap_err();
        assert!(e.to_string().contains("admin, dpo"), "{e}");
        assert!("public".parse::<Permission>().is_err());
        assert_eq!(
            parse_scopes("decide, contacts:read,decide"),
            Ok(vec![Permission::ContactsRead, Permission::Decide])
        );
        assert!(parse_scopes("decide,").is_err());
    }

    #[test]
    fn tokens_are_held_to_their_scopes() {
        let scopes = [Permission::ContactsRead];
        assert!(Permission::ContactsRead.allowed_by(&scopes));
        assert!(!Permission::ContactsWrite.allowed_by(&scopes));
        assert!(Permission::Public.allowed_by(&[]));
        assert!(!Role::Marketer.may_delegate(Permission::AuditRead));
        assert!(Role::Marketer.may_delegate(Permission::ContactsRead));
        assert!(!Role::Admin.may_delegate(Permission::Public));
    }
}
