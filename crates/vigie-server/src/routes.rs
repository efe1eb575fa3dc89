//! The route table: every route the server answers, by method and template, with the one
//! [`Permission`] it requires. The gate (`auth::authorize`) looks a request up here (a route
//! missing from the table answers 500: fail closed), the OpenAPI document writes each
//! operation's permission from it, and a test walks it.

use axum::http::Method;
use vigie_core::Permission;

use Permission::*;

/// Every route, by method and template, and the permission it requires.
pub const ROUTES: &[(&str, &str, Permission)] = &[
    // server
    ("GET", "/healthz", Public),
    ("GET", "/api/openapi.json", Public),
    ("GET", "/metrics", Metrics),
    ("GET", "/api/v1/me", Authenticated),
    // contacts
    ("POST", "/api/v1/contacts", ContactsWrite),
    ("GET", "/api/v1/contacts", ContactsRead),
    ("GET", "/api/v1/contacts/{contact_ref}", ContactsRead),
    ("PUT", "/api/v1/contacts/{contact_ref}", ContactsWrite),
    ("PATCH", "/api/v1/contacts/{contact_ref}", ContactsWrite),
    // ledger
    ("POST", "/api/v1/contacts/{contact_ref}/events", LedgerWrite),
    ("GET", "/api/v1/contacts/{contact_ref}/events", LedgerRead),
    // decisions
    (
        "GET",
        "/api/v1/contacts/{contact_ref}/decision",
        ContactReach,
    ),
    ("POST", "/api/v1/decide", Decide),
    // register assessments (no stored data)
    ("POST", "/api/v1/assess", Authenticated),
    // registers (issue 13)
    ("GET", "/api/v1/registers", RegistersRead),
    ("PUT", "/api/v1/registers", RegistersWrite),
    ("PUT", "/api/v1/registers/activities/{id}", RegistersWrite),
    ("PUT", "/api/v1/registers/processors/{id}", RegistersWrite),
    ("GET", "/api/v1/registers/export", RegistersRead),
    ("GET", "/api/v1/registers/evidence", RegistersRead),
    ("GET", "/api/v1/breaches", RegistersRead),
    ("POST", "/api/v1/breaches", RegistersWrite),
    ("GET", "/api/v1/breaches/{id}", RegistersRead),
    ("PUT", "/api/v1/breaches/{id}", RegistersWrite),
    ("POST", "/api/v1/breaches/{id}/count", RegistersWrite),
    ("GET", "/api/v1/notices", RegistersRead),
    ("POST", "/api/v1/notices", RegistersWrite),
    ("POST", "/api/v1/notices/{version}/publish", RegistersWrite),
    // personal data of every person to inform: the register's writers only
    (
        "GET",
        "/api/v1/notices/{version}/recipients",
        RegistersWrite,
    ),
    // privacy notices, public at a stable address per organization and version
    ("GET", "/privacy/{org}/notice", Public),
    ("GET", "/privacy/{org}/notice/{version}", Public),
    // call log
    ("POST", "/api/v1/calls", CallsLog),
    ("GET", "/api/v1/calls/check", ContactReach),
    // organization settings
    ("GET", "/api/v1/org/settings", OrgSettings),
    ("PUT", "/api/v1/org/settings", OrgSettings),
    // retention
    ("GET", "/api/v1/retention/policies", RetentionRead),
    ("PUT", "/api/v1/retention/policies", RetentionManage),
    ("GET", "/api/v1/retention/plan", RetentionRead),
    ("GET", "/api/v1/retention/runs", RetentionRead),
    ("GET", "/api/v1/retention/coverage", RetentionRead),
    ("GET", "/api/v1/retention/coverage/list", RetentionRead),
    (
        "POST",
        "/api/v1/retention/requalifications",
        RetentionManage,
    ),
    (
        "GET",
        "/api/v1/retention/requalifications/{id}",
        RetentionRead,
    ),
    // the links file holds identifiers and issues links: who may create a campaign
    (
        "GET",
        "/api/v1/retention/requalifications/{id}/links",
        RetentionManage,
    ),
    // screening
    ("POST", "/api/v1/screenings", ScreeningRun),
    ("GET", "/api/v1/screenings", ScreeningRead),
    ("GET", "/api/v1/screenings/{id}", ScreeningRead),
    ("GET", "/api/v1/screenings/{id}/decisions", ScreeningRead),
    ("GET", "/api/v1/screenings/{id}/summary", ScreeningRead),
    // audit trail
    ("GET", "/api/v1/audit", AuditRead),
    ("GET", "/api/v1/audit/export", AuditRead),
    ("GET", "/api/v1/audit/verify", AuditRead),
    // members and tokens
    ("GET", "/api/v1/users", UsersManage),
    ("POST", "/api/v1/users", UsersManage),
    ("DELETE", "/api/v1/users/{id}", UsersManage),
    ("GET", "/api/v1/tokens", TokensManage),
    ("POST", "/api/v1/tokens", TokensManage),
    ("DELETE", "/api/v1/tokens/{id}", TokensManage),
    // data subject requests
    ("GET", "/api/v1/requests", RequestsRead),
    ("GET", "/api/v1/requests/{id}", RequestsRead),
    ("POST", "/api/v1/requests/{id}/verify", RequestsManage),
    ("POST", "/api/v1/requests/{id}/pause", RequestsManage),
    ("POST", "/api/v1/requests/{id}/resume", RequestsManage),
    ("POST", "/api/v1/requests/{id}/extend", RequestsManage),
    ("POST", "/api/v1/requests/{id}/reject", RequestsManage),
    ("POST", "/api/v1/requests/{id}/fulfil", RequestsManage),
    ("GET", "/api/v1/requests/{id}/archive", RequestsManage),
    // admin UI
    ("GET", "/", Authenticated),
    ("GET", "/contacts", ContactsRead),
    ("GET", "/contacts/{contact_ref}", ContactsRead),
    ("POST", "/contacts/{contact_ref}/ledger", LedgerWrite),
    ("POST", "/contacts/{contact_ref}/correction", ContactsWrite),
    (
        "POST",
        "/contacts/{contact_ref}/restriction",
        RequestsManage,
    ),
    ("GET", "/audit", AuditRead),
    ("GET", "/requests", RequestsRead),
    ("POST", "/requests", RequestsManage),
    ("GET", "/requests/new", RequestsManage),
    ("GET", "/requests/{id}", RequestsRead),
    ("GET", "/requests/{id}/archive", RequestsManage),
    ("POST", "/requests/{id}/{step}", RequestsManage),
    ("GET", "/admin", UsersManage),
    ("POST", "/admin/members", UsersManage),
    ("POST", "/admin/members/{id}/remove", UsersManage),
    ("GET", "/admin/tokens", TokensManage),
    ("POST", "/admin/tokens", TokensManage),
    ("POST", "/admin/tokens/{id}/revoke", TokensManage),
    ("GET", "/admin/settings", OrgSettings),
    ("POST", "/admin/settings", OrgSettings),
    ("GET", "/admin/audit", AuditRead),
    ("POST", "/admin/audit/verify", AuditRead),
    ("GET", "/agent", ContactReach),
    ("POST", "/agent/calls", CallsLog),
    ("GET", "/screenings", ScreeningRead),
    ("POST", "/screenings", ScreeningRun),
    ("GET", "/screenings/{id}", ScreeningRead),
    ("GET", "/screenings/{id}/decisions", ScreeningRead),
    // imports: each kind also needs its own permission, checked by the upload
    ("GET", "/imports", ContactsWrite),
    ("POST", "/imports", ContactsWrite),
    ("GET", "/imports/{id}", ContactsWrite),
    ("GET", "/imports/{id}/rejects", ContactsWrite),
    ("GET", "/retention", RetentionRead),
    ("POST", "/retention/policies", RetentionManage),
    ("GET", "/retention/coverage", RetentionRead),
    ("GET", "/retention/coverage/list", RetentionRead),
    ("POST", "/retention/requalifications", RetentionManage),
    ("GET", "/retention/requalifications/{id}", RetentionRead),
    (
        "GET",
        "/retention/requalifications/{id}/links",
        RetentionManage,
    ),
    // registers' pages (issue 13)
    ("GET", "/registers", RegistersRead),
    ("GET", "/registers/profile/edit", RegistersWrite),
    ("POST", "/registers/profile", RegistersWrite),
    ("GET", "/registers/activities/new", RegistersWrite),
    ("POST", "/registers/activities", RegistersWrite),
    ("GET", "/registers/activities/{id}", RegistersRead),
    ("GET", "/registers/activities/{id}/edit", RegistersWrite),
    ("GET", "/registers/processors/new", RegistersWrite),
    ("POST", "/registers/processors", RegistersWrite),
    ("GET", "/registers/processors/{id}", RegistersRead),
    ("GET", "/registers/processors/{id}/edit", RegistersWrite),
    ("GET", "/registers/dpias/new", RegistersWrite),
    ("POST", "/registers/dpias", RegistersWrite),
    ("GET", "/registers/dpias/{id}", RegistersRead),
    ("GET", "/registers/dpias/{id}/edit", RegistersWrite),
    ("GET", "/registers/breaches", RegistersRead),
    ("POST", "/registers/breaches", RegistersWrite),
    ("GET", "/registers/breaches/{id}", RegistersRead),
    ("POST", "/registers/breaches/{id}/{step}", RegistersWrite),
    ("GET", "/registers/notices", RegistersRead),
    ("POST", "/registers/notices", RegistersWrite),
    ("GET", "/registers/notices/{version}", RegistersRead),
    (
        "POST",
        "/registers/notices/{version}/publish",
        RegistersWrite,
    ),
    (
        "GET",
        "/registers/notices/{version}/recipients",
        RegistersWrite,
    ),
    ("GET", "/static/vigie.css", Public),
    // signing in: public, each handler checks the session state it needs
    ("GET", "/login", Public),
    ("POST", "/login", Public),
    ("GET", "/login/totp", Public),
    ("POST", "/login/totp", Public),
    ("GET", "/account/totp", Public),
    ("POST", "/account/totp", Public),
    ("GET", "/setup/{secret}", Public),
    ("POST", "/setup/{secret}", Public),
    ("POST", "/logout", Public),
    // the privacy centre: public, rate-limited again per address and mailbox by its handlers
    ("GET", "/privacy/{org}", Public),
    ("POST", "/privacy/{org}/requests", Public),
    ("GET", "/privacy/{org}/verify/{handle}", Public),
    ("POST", "/privacy/{org}/verify/{handle}", Public),
    ("GET", "/privacy/{org}/status/{token}", Public),
    // the person's access archive, through their status link (a POST: a click, not a scanner)
    ("POST", "/privacy/{org}/status/{token}/archive", Public),
    // a requalification link's page: the signed link is the authority; rate-limited again
    ("GET", "/requalify/{org}/{token}", Public),
    ("POST", "/requalify/{org}/{token}", Public),
    // the links in every message (signed, no session, no CSRF: RFC 8058 forbids any context
    // in the one-click POST; the preference centre's forms carry a token bound to the link)
    ("GET", "/unsubscribe/{org}/{token}", Public),
    ("POST", "/unsubscribe/{org}/{token}", Public),
    ("GET", "/preferences/{org}/{token}", Public),
    ("POST", "/preferences/{org}/{token}", Public),
    // outbox (issue 15): webhook endpoints, the outbox, inbound sources; the inbound route is
    // public, its signature is the authority
    ("GET", "/api/v1/webhooks", WebhooksManage),
    ("POST", "/api/v1/webhooks", WebhooksManage),
    ("PATCH", "/api/v1/webhooks/{id}", WebhooksManage),
    ("DELETE", "/api/v1/webhooks/{id}", WebhooksManage),
    ("GET", "/api/v1/webhooks/outbox", WebhooksManage),
    ("POST", "/api/v1/webhooks/{id}/retry", WebhooksManage),
    ("GET", "/api/v1/inbound-sources", WebhooksManage),
    ("POST", "/api/v1/inbound-sources", WebhooksManage),
    ("DELETE", "/api/v1/inbound-sources/{name}", WebhooksManage),
    ("POST", "/inbound/{org}/{source}", Public),
    ("GET", "/admin/webhooks", WebhooksManage),
    ("POST", "/admin/webhooks", WebhooksManage),
    ("POST", "/admin/webhooks/{id}/{step}", WebhooksManage),
    ("POST", "/admin/inbound-sources", WebhooksManage),
    (
        "POST",
        "/admin/inbound-sources/{name}/remove",
        WebhooksManage,
    ),
    // consent forms (branch forms): the definitions
    ("GET", "/api/v1/forms", FormsManage),
    ("GET", "/api/v1/forms/{slug}", FormsManage),
    ("PUT", "/api/v1/forms/{slug}", FormsManage),
    ("GET", "/admin/forms", FormsManage),
    ("POST", "/admin/forms", FormsManage),
    // consent forms (branch forms): public, rate-limited again per address by their handlers
    ("GET", "/forms/{org}/{form}", Public),
    ("POST", "/forms/{org}/{form}", Public),
    ("OPTIONS", "/forms/{org}/{form}", Public),
    ("GET", "/forms/{org}/confirm/{token}", Public),
    ("POST", "/forms/{org}/confirm/{token}", Public),
];

/// The permission a route requires, if it is declared.
pub fn route_permission(method: &Method, path: &str) -> Option<Permission> {
    // axum answers HEAD with the GET handler: it needs what GET needs.
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    ROUTES
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|(_, _, perm)| *perm)
}
