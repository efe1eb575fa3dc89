//! The admin UI: a few server-rendered pages, French first, English with `?lang=en` or
//! `Accept-Language`. No JavaScript, no inline style (the CSP forbids both), one stylesheet.
//!
//! The HTML is written by hand rather than with a template engine: five small pages do not
//! justify a proc-macro dependency and its build time. Every dynamic value goes through
//! [`esc`] (text and attribute values) and every URL through [`Link`] (percent-encoding), and
//! the only raw strings are literals of this file.

use std::fmt::{self, Write as _};

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;
use vigie_core::{
    Action, Audience, Campaign, Channel, ChannelScope, Decision, Email, Jurisdiction, Lang, Moment,
    PhoneE164, Purpose, Region,
};
use vigie_store::{Contact, ContactQuery, DEFAULT_ORG, Organization, StoredEvent};

use crate::AppState;
use crate::auth::{Caller, Who};
use crate::decisions::{Ask, MissingIdentifier, decide_stored};
use crate::error::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/contacts", get(contacts))
        .route("/contacts/{contact_ref}", get(contact_page))
        .route("/audit", get(audit_page))
        .route("/static/vigie.css", get(stylesheet))
}

const PAGE_SIZE: u32 = 50;

// ------------------------------------------------------------------------------- escaping

/// Text escaped for HTML element content and quoted attribute values.
pub struct Esc<'a>(&'a str);

pub fn esc(s: &str) -> Esc<'_> {
    Esc(s)
}

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut last = 0;
        for (i, c) in self.0.char_indices() {
            let rep = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => continue,
            };
            f.write_str(&self.0[last..i])?;
            f.write_str(rep)?;
            last = i + c.len_utf8();
        }
        f.write_str(&self.0[last..])
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub(crate) fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A link within the UI: a path of segments and query parameters, encoded when written.
#[derive(Clone)]
pub(crate) struct Link {
    path: String,
    query: Vec<(&'static str, String)>,
}

impl Link {
    pub(crate) fn new(path: &'static str) -> Link {
        Link {
            path: path.to_owned(),
            query: Vec::new(),
        }
    }

    /// Appends an encoded path segment.
    pub(crate) fn seg(mut self, s: &str) -> Link {
        if !self.path.ends_with('/') {
            self.path.push('/');
        }
        self.path.push_str(&pct(s));
        self
    }

    pub(crate) fn q(mut self, name: &'static str, value: impl Into<String>) -> Link {
        let value = value.into();
        self.query.retain(|(n, _)| *n != name);
        if !value.is_empty() {
            self.query.push((name, value));
        }
        self
    }
}

impl fmt::Display for Link {
    /// The URL, escaped for an attribute value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut url = self.path.clone();
        for (i, (n, v)) in self.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(n);
            url.push('=');
            url.push_str(&pct(v));
        }
        write!(f, "{}", esc(&url))
    }
}

// ------------------------------------------------------------------------------ languages

/// The words of the UI.
struct Words {
    lang: &'static str,
    dashboard: &'static str,
    contacts: &'static str,
    organization: &'static str,
    organizations: &'static str,
    store: &'static str,
    contact_count: &'static str,
    api: &'static str,
    search: &'static str,
    search_label: &'static str,
    search_hint: &'static str,
    no_contacts: &'static str,
    no_match: &'static str,
    next_page: &'static str,
    first_page: &'static str,
    contact_ref: &'static str,
    email: &'static str,
    phone: &'static str,
    name: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    audience: &'static str,
    customer: &'static str,
    categories: &'static str,
    collected_via: &'static str,
    collected_at: &'static str,
    informed: &'static str,
    objection_offered: &'static str,
    contract_active: &'static str,
    restricted: &'static str,
    created_at: &'static str,
    updated_at: &'static str,
    yes: &'static str,
    no: &'static str,
    fields: &'static str,
    ledger: &'static str,
    empty_ledger: &'static str,
    date: &'static str,
    channel: &'static str,
    purpose: &'static str,
    action: &'static str,
    method: &'static str,
    notice_version: &'static str,
    source: &'static str,
    ip: &'static str,
    recorded_at: &'static str,
    decisions: &'static str,
    decisions_intro: &'static str,
    product_category: &'static str,
    jurisdiction: &'static str,
    relates_to_profession: &'static str,
    decide: &'static str,
    decision: &'static str,
    code: &'static str,
    explanation: &'static str,
    references: &'static str,
    allow: &'static str,
    deny: &'static str,
    no_email: &'static str,
    no_phone: &'static str,
    rule_pack: &'static str,
    contact_not_found: &'static str,
    bad_search: &'static str,
    time_zone_note: &'static str,
    audit: &'static str,
    audit_intro: &'static str,
    audit_export: &'static str,
    when: &'static str,
    actor: &'static str,
    what: &'static str,
    target: &'static str,
    origin: &'static str,
    reason: &'static str,
    older: &'static str,
    logout: &'static str,
}

const FR: Words = Words {
    lang: "fr",
    dashboard: "Tableau de bord",
    contacts: "Contacts",
    organization: "Organisation",
    organizations: "Organisations",
    store: "Stockage",
    contact_count: "Contacts",
    api: "API",
    search: "Rechercher",
    search_label: "E-mail ou téléphone",
    search_hint: "Recherche exacte par index aveugle : saisissez l'adresse e-mail complète ou le numéro de \
                  téléphone (06 12 34 56 78 ou +33612345678).",
    no_contacts: "Aucun contact.",
    no_match: "Aucun contact ne correspond.",
    next_page: "Page suivante",
    first_page: "Première page",
    contact_ref: "Référence",
    email: "E-mail",
    phone: "Téléphone",
    name: "Nom",
    first_name: "Prénom",
    last_name: "Nom",
    audience: "Public",
    customer: "Client",
    categories: "Catégories achetées",
    collected_via: "Collecté via",
    collected_at: "Collecté le",
    informed: "Informé à la collecte",
    objection_offered: "Opposition proposée à la collecte",
    contract_active: "Contrat en cours",
    restricted: "Traitement limité (art. 18)",
    created_at: "Créé le",
    updated_at: "Modifié le",
    yes: "oui",
    no: "non",
    fields: "Fiche",
    ledger: "Registre des consentements",
    empty_ledger: "Aucun événement.",
    date: "Date",
    channel: "Canal",
    purpose: "Finalité",
    action: "Action",
    method: "Méthode",
    notice_version: "Version de la notice",
    source: "Source",
    ip: "IP",
    recorded_at: "Enregistré le",
    decisions: "Décisions",
    decisions_intro: "Peut-on contacter cette personne maintenant, pour de la prospection, sur chaque canal ?",
    product_category: "Catégorie de produit",
    jurisdiction: "Juridiction",
    relates_to_profession: "Message lié à la profession (B2B)",
    decide: "Décider",
    decision: "Décision",
    code: "Code",
    explanation: "Explication",
    references: "Références",
    allow: "autorisé",
    deny: "refusé",
    no_email: "pas d'adresse e-mail",
    no_phone: "pas de numéro de téléphone",
    rule_pack: "Règles appliquées",
    contact_not_found: "Aucun contact avec cette référence dans cette organisation.",
    bad_search: "Ni une adresse e-mail ni un numéro de téléphone valable",
    time_zone_note: "Heures de Paris.",
    audit: "Journal d'audit",
    audit_intro: "Chaque lecture de données personnelles et chaque modification, chaînées : `vigie audit verify` détecte toute entrée modifiée, supprimée, insérée ou déplacée.",
    audit_export: "Exporter (JSON lines)",
    when: "Quand",
    actor: "Qui",
    what: "Quoi",
    target: "Sur",
    origin: "D'où",
    reason: "Motif",
    older: "Plus anciennes →",
    logout: "Se déconnecter",
};

const EN: Words = Words {
    lang: "en",
    dashboard: "Dashboard",
    contacts: "Contacts",
    organization: "Organization",
    organizations: "Organizations",
    store: "Store",
    contact_count: "Contacts",
    api: "API",
    search: "Search",
    search_label: "E-mail or phone",
    search_hint: "Exact search through a blind index: type the whole e-mail address or phone number \
                  (06 12 34 56 78 or +33612345678).",
    no_contacts: "No contacts.",
    no_match: "No contact matches.",
    next_page: "Next page",
    first_page: "First page",
    contact_ref: "Reference",
    email: "E-mail",
    phone: "Phone",
    name: "Name",
    first_name: "First name",
    last_name: "Last name",
    audience: "Audience",
    customer: "Customer",
    categories: "Categories bought",
    collected_via: "Collected via",
    collected_at: "Collected on",
    informed: "Informed at collection",
    objection_offered: "Offered to object at collection",
    contract_active: "Contract running",
    restricted: "Processing restricted (art. 18)",
    created_at: "Created",
    updated_at: "Updated",
    yes: "yes",
    no: "no",
    fields: "Record",
    ledger: "Consent ledger",
    empty_ledger: "No events.",
    date: "Date",
    channel: "Channel",
    purpose: "Purpose",
    action: "Action",
    method: "Method",
    notice_version: "Notice version",
    source: "Source",
    ip: "IP",
    recorded_at: "Recorded",
    decisions: "Decisions",
    decisions_intro: "May we contact this person now, for marketing, on each channel?",
    product_category: "Product category",
    jurisdiction: "Jurisdiction",
    relates_to_profession: "Message about their job (B2B)",
    decide: "Decide",
    decision: "Decision",
    code: "Code",
    explanation: "Explanation",
    references: "References",
    allow: "allowed",
    deny: "denied",
    no_email: "no e-mail address",
    no_phone: "no phone number",
    rule_pack: "Rules applied",
    contact_not_found: "No contact with this reference in this organization.",
    bad_search: "Neither a valid e-mail address nor a valid phone number",
    time_zone_note: "Paris time.",
    audit: "Audit trail",
    audit_intro: "Every read of personal data and every change, chained: `vigie audit verify` detects any entry changed, removed, inserted or moved.",
    audit_export: "Export (JSON lines)",
    when: "When",
    actor: "Who",
    what: "What",
    target: "On",
    origin: "From",
    reason: "Reason",
    older: "Older →",
    logout: "Sign out",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

fn audience_label(a: Audience, lang: Lang) -> &'static str {
    match (a, lang) {
        (Audience::Consumer, Lang::Fr) => "particulier",
        (Audience::Professional, Lang::Fr) => "professionnel",
        (Audience::Generic, Lang::Fr) => "adresse générique",
        (Audience::Consumer, Lang::En) => "consumer",
        (Audience::Professional, Lang::En) => "professional",
        (Audience::Generic, Lang::En) => "role address",
    }
}

fn channel_label(c: ChannelScope, lang: Lang) -> &'static str {
    match (c, lang) {
        (ChannelScope::Email, _) => "e-mail",
        (ChannelScope::Sms, _) => "SMS",
        (ChannelScope::Whatsapp, _) => "WhatsApp",
        (ChannelScope::Phone, Lang::Fr) => "téléphone",
        (ChannelScope::Phone, Lang::En) => "phone",
        (ChannelScope::AutomatedCall, Lang::Fr) => "appel automatisé",
        (ChannelScope::AutomatedCall, Lang::En) => "automated call",
        (ChannelScope::Fax, _) => "fax",
        (ChannelScope::Postal, Lang::Fr) => "courrier",
        (ChannelScope::Postal, Lang::En) => "post",
        (ChannelScope::Any, Lang::Fr) => "tous canaux",
        (ChannelScope::Any, Lang::En) => "every channel",
    }
}

fn action_label(a: Action, lang: Lang) -> &'static str {
    match (a, lang) {
        (Action::Grant, Lang::Fr) => "consentement",
        (Action::Withdraw, Lang::Fr) => "retrait",
        (Action::Object, Lang::Fr) => "opposition",
        (Action::Grant, Lang::En) => "grant",
        (Action::Withdraw, Lang::En) => "withdrawal",
        (Action::Object, Lang::En) => "objection",
    }
}

fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").unwrap_or(TimeZone::UTC)
}

pub(crate) fn when(t: Timestamp) -> String {
    t.to_zoned(paris()).strftime("%Y-%m-%d %H:%M").to_string()
}

// ------------------------------------------------------------------------------- context

/// The query parameters the pages read; all text, checked by the pages.
#[derive(Debug, Default, Deserialize)]
struct Params {
    lang: Option<String>,
    q: Option<String>,
    after_id: Option<String>,
    category: Option<String>,
    jurisdiction: Option<String>,
    b2b: Option<String>,
}

/// Who is looking at what: the organization, the language and the page's parameters.
pub(crate) struct Ui {
    pub(crate) org: Organization,
    pub(crate) caller: Caller,
    pub(crate) lang: Lang,
    /// Whether the language was chosen with `?lang=` (links then keep it).
    pub(crate) lang_param: bool,
    params: Params,
}

impl Ui {
    /// The hidden inputs that carry the organization and the language through a GET form.
    fn hidden_context(&self, m: &mut String) {
        if self.org.slug != DEFAULT_ORG {
            let _ = writeln!(
                m,
                "<input type=\"hidden\" name=\"org\" value=\"{}\">",
                esc(&self.org.slug)
            );
        }
        if self.lang_param {
            let _ = writeln!(
                m,
                "<input type=\"hidden\" name=\"lang\" value=\"{}\">",
                self.lang.as_str()
            );
        }
    }

    fn w(&self) -> &'static Words {
        words(self.lang)
    }

    /// A link keeping the organization (unless default) and a chosen language.
    pub(crate) fn link(&self, path: &'static str) -> Link {
        let mut l = Link::new(path);
        if self.org.slug != DEFAULT_ORG {
            l = l.q("org", self.org.slug.clone());
        }
        if self.lang_param {
            l = l.q("lang", self.lang.as_str());
        }
        l
    }
}

/// An HTML error page.
pub(crate) struct UiError {
    pub(crate) status: StatusCode,
    pub(crate) lang: Lang,
    pub(crate) title: String,
    pub(crate) message: String,
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let w = words(self.lang);
        let mut h = String::new();
        let _ = write!(
            h,
            "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{} · Vigie</title>\
             <link rel=\"stylesheet\" href=\"/static/vigie.css\"></head><body><header><a class=\"brand\" href=\"/\">Vigie</a>\
             </header><main><h1>{}</h1><p>{}</p><p><a href=\"/\">{}</a></p></main></body></html>\n",
            w.lang,
            esc(&self.title),
            esc(&self.title),
            esc(&self.message),
            w.dashboard
        );
        html_response(self.status, h)
    }
}

impl From<ApiError> for UiError {
    fn from(e: ApiError) -> Self {
        let status = e.status;
        let message = if status.is_server_error() {
            "internal error".to_owned()
        } else {
            e.message
        };
        UiError {
            status,
            lang: Lang::Fr,
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            message,
        }
    }
}

/// An HTML error page of its own (for handlers outside the pages' extractor).
pub(crate) fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    UiError {
        status,
        lang: Lang::Fr,
        title: title.to_owned(),
        message: message.to_owned(),
    }
    .into_response()
}

/// The HTML page of a store failure.
pub(crate) fn store_error_page(e: vigie_store::StoreError) -> Response {
    UiError::from(e).into_response()
}

impl From<vigie_store::StoreError> for UiError {
    fn from(e: vigie_store::StoreError) -> Self {
        ApiError::from(e).into()
    }
}

pub(crate) fn html_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

impl FromRequestParts<AppState> for Ui {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, UiError> {
        let params = axum::extract::Query::<Params>::from_request_parts(parts, state)
            .await
            .map(|q| q.0)
            .unwrap_or_default();
        let (lang, lang_param) = match params.lang.as_deref().and_then(|l| l.parse::<Lang>().ok()) {
            Some(l) => (l, true),
            None => {
                let header = parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok());
                (
                    header.map(Lang::from_accept_language).unwrap_or_default(),
                    false,
                )
            }
        };
        let caller = Caller::from_request_parts(parts, state)
            .await
            .map_err(|e| UiError {
                lang,
                ..UiError::from(e)
            })?;
        let org = caller.org.clone();
        Ok(Ui {
            org,
            caller,
            lang,
            lang_param,
            params,
        })
    }
}

/// Writes the page around `main`.
pub(crate) fn page(ui: &Ui, title: &str, here: Link, main: &str) -> Response {
    let w = ui.w();
    let mut nav = format!(
        "<a href=\"{}\">{}</a> <a href=\"{}\">{}</a>",
        ui.link("/"),
        w.dashboard,
        ui.link("/contacts"),
        w.contacts
    );
    if ui.caller.may(vigie_core::Permission::RequestsRead) {
        let _ = write!(
            nav,
            " <a href=\"{}\">{}</a>",
            ui.link("/requests"),
            match ui.lang {
                Lang::Fr => "Demandes",
                Lang::En => "Requests",
            }
        );
    }
    if ui.caller.may(vigie_core::Permission::AuditRead) {
        let _ = write!(nav, " <a href=\"{}\">{}</a>", ui.link("/audit"), w.audit);
    }
    // Who is signed in, in which role, and the way out (a POST carrying the session's token).
    let account = match &ui.caller.who {
        Who::User {
            email,
            role,
            session,
            ..
        } => format!(
            "<form class=\"logout\" method=\"post\" action=\"/logout\"><span>{} · {}</span> \
             <input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">{}</button></form>",
            esc(email),
            role,
            esc(&session.csrf),
            w.logout
        ),
        Who::Token(t) => format!("<span>{}</span>", esc(&t.id)),
    };
    let mut h = String::with_capacity(main.len() + 2048);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · Vigie</title>\n<link rel=\"stylesheet\" href=\"/static/vigie.css\">\n</head>\n<body>\n\
         <header>\n<a class=\"brand\" href=\"{home}\">Vigie</a>\n<nav>{nav}</nav>\n\
         <span class=\"org\">{organization} : <strong>{org_name}</strong> <code>{org_slug}</code></span>\n\
         <span class=\"langs\"><a href=\"{fr}\" lang=\"fr\">FR</a> · <a href=\"{en}\" lang=\"en\">EN</a></span>\n\
         {account}\n</header>\n<main>\n{main}</main>\n<footer>{api} : <a href=\"/api/openapi.json\">/api/openapi.json</a> · \
         <a href=\"/healthz\">/healthz</a></footer>\n</body>\n</html>\n",
        lang = w.lang,
        title = esc(title),
        home = ui.link("/"),
        organization = w.organization,
        org_name = esc(&ui.org.name),
        org_slug = esc(&ui.org.slug),
        fr = here.clone().q("lang", "fr"),
        en = here.q("lang", "en"),
        api = w.api,
    );
    html_response(StatusCode::OK, h)
}

/// The audit trail, newest first, a page at a time.
async fn audit_page(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let w = ui.w();
    let store = state.store();
    let total = store.audit_count(ui.org.id).await?;
    // Pages go backwards from the newest entry: `before` is the first sequence number not shown.
    let before = ui
        .params
        .after_id
        .as_deref()
        .and_then(|a| a.parse::<i64>().ok())
        .unwrap_or(total + 1)
        .clamp(1, total + 1);
    let first = (before - i64::from(PAGE_SIZE)).max(1);
    let mut entries = store
        .audit_entries(ui.org.id, first - 1, (before - first) as u32)
        .await?;
    entries.reverse();
    ui.caller.audit(&state, "audit.read", None).await?;
    let mut m = String::new();
    let _ = write!(
        m,
        "<h1>{}</h1>\n<p>{} <a href=\"/api/v1/audit/export\">{}</a></p>\n<table>\n<thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        w.audit,
        w.audit_intro,
        w.audit_export,
        w.when,
        w.actor,
        w.what,
        w.target,
        w.origin,
        w.reason
    );
    for e in &entries {
        let _ = writeln!(
            m,
            "<tr><td>{}</td><td>{}</td><td>{}{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e.seq,
            when(e.at),
            esc(&e.actor),
            e.role
                .as_deref()
                .map(|r| format!(" ({})", esc(r)))
                .unwrap_or_default(),
            esc(&e.action),
            esc(e.target.as_deref().unwrap_or("—")),
            esc(e.origin.as_deref().unwrap_or("—")),
            esc(e.reason.as_deref().unwrap_or("—")),
        );
    }
    m.push_str("</tbody>\n</table>\n");
    if first > 1 {
        let _ = writeln!(
            m,
            "<p class=\"pager\"><a href=\"{}\">{}</a></p>",
            ui.link("/audit").q("after_id", first.to_string()),
            w.older
        );
    }
    Ok(page(&ui, w.audit, ui.link("/audit"), &m))
}

// --------------------------------------------------------------------------------- pages

async fn dashboard(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let w = ui.w();
    let store = state.store();
    let count = store.count_contacts(ui.org.id).await?;
    // Only the organizations the caller belongs to: one never learns of another.
    let orgs: Vec<(String, String)> = match &ui.caller.who {
        Who::User { id, .. } => {
            let all = store.orgs().await?;
            store
                .memberships(*id)
                .await?
                .into_iter()
                .filter_map(|m| all.iter().find(|o| o.id == m.org_id))
                .map(|o| (o.slug.clone(), o.name.clone()))
                .collect()
        }
        Who::Token(_) => vec![(ui.org.slug.clone(), ui.org.name.clone())],
    };
    let mut m = String::new();
    let _ = write!(
        m,
        "<h1>{name}</h1>\n<dl class=\"facts\">\n<dt>{organization}</dt><dd><code>{slug}</code></dd>\n\
         <dt>{store_label}</dt><dd>{kind}</dd>\n<dt>{contacts}</dt><dd><a href=\"{contacts_link}\">{count}</a></dd>\n</dl>\n",
        name = esc(&ui.org.name),
        organization = w.organization,
        slug = esc(&ui.org.slug),
        store_label = w.store,
        kind = store.kind(),
        contacts = w.contact_count,
        contacts_link = ui.link("/contacts"),
        count = count,
    );
    let _ = write!(m, "<h2>{}</h2>\n<ul class=\"orgs\">\n", w.organizations);
    for (slug, name) in &orgs {
        let mut link = Link::new("/").q("org", slug.clone());
        if ui.lang_param {
            link = link.q("lang", ui.lang.as_str());
        }
        let _ = writeln!(
            m,
            "<li><a href=\"{}\">{}</a> <code>{}</code></li>",
            link,
            esc(name),
            esc(slug)
        );
    }
    m.push_str("</ul>\n");
    Ok(page(&ui, w.dashboard, ui.link("/"), &m))
}

enum Search {
    Email(Email),
    Phone(PhoneE164),
}

fn parse_search(q: &str) -> Option<Search> {
    if q.contains('@') {
        Email::parse(q).ok().map(Search::Email)
    } else {
        PhoneE164::parse(q, Region::FR).ok().map(Search::Phone)
    }
}

async fn contacts(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let w = ui.w();
    let q = ui
        .params
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_owned);
    let after_id = ui
        .params
        .after_id
        .as_deref()
        .and_then(|a| a.parse::<i64>().ok());
    let mut m = String::new();
    let _ = write!(
        m,
        "<h1>{}</h1>\n<form class=\"search\" method=\"get\" action=\"/contacts\">\n",
        w.contacts
    );
    ui.hidden_context(&mut m);
    let _ = write!(
        m,
        "<label>{label} <input type=\"search\" name=\"q\" value=\"{value}\" autocomplete=\"off\"></label>\n\
         <button type=\"submit\">{search}</button>\n<p class=\"hint\">{hint}</p>\n</form>\n",
        label = w.search_label,
        value = esc(q.as_deref().unwrap_or("")),
        search = w.search,
        hint = w.search_hint,
    );
    let mut query = ContactQuery {
        after_id,
        limit: PAGE_SIZE,
        ..ContactQuery::default()
    };
    let mut status = StatusCode::OK;
    if let Some(text) = &q {
        match parse_search(text) {
            Some(Search::Email(e)) => query.email = Some(e),
            Some(Search::Phone(p)) => query.phone = Some(p),
            None => {
                status = StatusCode::BAD_REQUEST;
                let _ = writeln!(
                    m,
                    "<p class=\"error\">{} : « {} »</p>",
                    w.bad_search,
                    esc(text)
                );
            }
        }
    }
    if status == StatusCode::OK {
        let action = if q.is_some() {
            "contact.search"
        } else {
            "contact.list"
        };
        let page_ = state.store().contacts(ui.org.id, &query).await?;
        let refs = page_.contacts.iter().map(|c| c.data.contact_ref.as_str());
        ui.caller
            .audit_set(&state, action, "contacts", refs)
            .await?;
        if page_.contacts.is_empty() {
            let _ = writeln!(
                m,
                "<p>{}</p>",
                if q.is_some() {
                    w.no_match
                } else {
                    w.no_contacts
                }
            );
        } else {
            contact_table(&ui, &mut m, &page_.contacts);
        }
        m.push_str("<p class=\"pager\">");
        if after_id.is_some() {
            let link = ui.link("/contacts").q("q", q.clone().unwrap_or_default());
            let _ = write!(m, "<a href=\"{}\">{}</a> ", link, w.first_page);
        }
        if let Some(next) = page_.next_after_id {
            let link = ui
                .link("/contacts")
                .q("q", q.clone().unwrap_or_default())
                .q("after_id", next.to_string());
            let _ = write!(m, "<a href=\"{}\" rel=\"next\">{} →</a>", link, w.next_page);
        }
        m.push_str("</p>\n");
    }
    let mut here = ui.link("/contacts").q("q", q.clone().unwrap_or_default());
    if let Some(a) = after_id {
        here = here.q("after_id", a.to_string());
    }
    let mut resp = page(&ui, w.contacts, here, &m);
    *resp.status_mut() = status;
    Ok(resp)
}

fn contact_table(ui: &Ui, m: &mut String, contacts: &[Contact]) {
    let w = ui.w();
    let _ = write!(
        m,
        "<table class=\"contacts\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        w.contact_ref, w.email, w.phone, w.name, w.audience, w.customer
    );
    for c in contacts {
        let d = &c.data;
        let name = full_name(c);
        let _ = writeln!(
            m,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ui.link("/contacts").seg(d.contact_ref.as_str()),
            esc(d.contact_ref.as_str()),
            esc(d.email.as_ref().map(Email::as_str).unwrap_or("")),
            esc(d.phone.as_ref().map(PhoneE164::as_str).unwrap_or("")),
            esc(&name),
            audience_label(d.audience, ui.lang),
            if d.customer { w.yes } else { w.no },
        );
    }
    m.push_str("</tbody>\n</table>\n");
}

fn full_name(c: &Contact) -> String {
    let d = &c.data;
    match (&d.first_name, &d.last_name) {
        (Some(f), Some(l)) => format!("{f} {l}"),
        (Some(n), None) | (None, Some(n)) => n.clone(),
        (None, None) => String::new(),
    }
}

async fn contact_page(
    State(state): State<AppState>,
    ui: Ui,
    axum::extract::Path(contact_ref): axum::extract::Path<String>,
) -> Result<Response, UiError> {
    let w = ui.w();
    let not_found = || UiError {
        status: StatusCode::NOT_FOUND,
        lang: ui.lang,
        title: w.contacts.to_owned(),
        message: w.contact_not_found.to_owned(),
    };
    let Ok(r) = vigie_core::ContactRef::parse(&contact_ref) else {
        return Err(not_found());
    };
    ui.caller
        .audit(
            &state,
            "contact.read",
            Some(format!("contact:{}", r.as_str())),
        )
        .await?;
    let store = state.store();
    let contact = store.contact(ui.org.id, &r).await?.ok_or_else(not_found)?;
    let events = store.ledger(ui.org.id, &r).await?;
    let d = &contact.data;
    let name = full_name(&contact);
    let title = if name.is_empty() {
        d.contact_ref.as_str().to_owned()
    } else {
        name
    };

    let mut m = String::new();
    let _ = write!(
        m,
        "<h1>{}</h1>\n<h2>{}</h2>\n<dl class=\"facts\">\n",
        esc(&title),
        w.fields
    );
    let yes_no = |b: bool| if b { w.yes } else { w.no };
    let opt = |s: Option<&str>| s.unwrap_or("—").to_owned();
    let rows: [(&str, String); 16] = [
        (w.contact_ref, d.contact_ref.as_str().to_owned()),
        (w.email, opt(d.email.as_ref().map(Email::as_str))),
        (w.phone, opt(d.phone.as_ref().map(PhoneE164::as_str))),
        (w.first_name, opt(d.first_name.as_deref())),
        (w.last_name, opt(d.last_name.as_deref())),
        (w.audience, audience_label(d.audience, ui.lang).to_owned()),
        (w.customer, yes_no(d.customer).to_owned()),
        (
            w.categories,
            if d.customer_categories.is_empty() {
                "—".into()
            } else {
                d.customer_categories.join(", ")
            },
        ),
        (w.collected_via, opt(d.collected_via.as_deref())),
        (
            w.collected_at,
            d.collected_at.map(when).unwrap_or_else(|| "—".into()),
        ),
        (w.informed, yes_no(d.informed).to_owned()),
        (w.objection_offered, yes_no(d.objection_offered).to_owned()),
        (w.contract_active, yes_no(d.contract_active).to_owned()),
        (w.restricted, yes_no(d.restricted).to_owned()),
        (w.created_at, when(contact.created_at)),
        (w.updated_at, when(contact.updated_at)),
    ];
    for (label, value) in rows {
        let _ = writeln!(m, "<dt>{}</dt><dd>{}</dd>", label, esc(&value));
    }
    m.push_str("</dl>\n");

    ledger_table(&ui, &mut m, &events);
    decisions_section(&state, &ui, &mut m, &contact, &events).await?;

    let here = ui.link("/contacts").seg(d.contact_ref.as_str());
    Ok(page(&ui, &title, here, &m))
}

fn ledger_table(ui: &Ui, m: &mut String, events: &[StoredEvent]) {
    let w = ui.w();
    let _ = writeln!(m, "<h2>{}</h2>", w.ledger);
    if events.is_empty() {
        let _ = writeln!(m, "<p>{}</p>", w.empty_ledger);
        return;
    }
    let _ = write!(
        m,
        "<table class=\"ledger\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        w.date,
        w.channel,
        w.purpose,
        w.action,
        w.method,
        w.notice_version,
        w.source,
        w.ip,
        w.recorded_at
    );
    for e in events {
        let n = &e.new;
        let _ = writeln!(
            m,
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            n.event.action.as_str(),
            when(n.event.at),
            channel_label(n.event.scope, ui.lang),
            n.event.purpose.as_str(),
            action_label(n.event.action, ui.lang),
            n.event.method.as_str(),
            esc(n.notice_version.as_deref().unwrap_or("")),
            esc(n.source.as_deref().unwrap_or("")),
            esc(n.ip.as_deref().unwrap_or("")),
            when(e.recorded_at),
        );
    }
    let _ = writeln!(
        m,
        "</tbody>\n</table>\n<p class=\"hint\">{}</p>",
        w.time_zone_note
    );
}

async fn decisions_section(
    state: &AppState,
    ui: &Ui,
    m: &mut String,
    contact: &Contact,
    events: &[StoredEvent],
) -> Result<(), UiError> {
    let w = ui.w();
    let category = ui
        .params
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    let jurisdiction = ui
        .params
        .jurisdiction
        .as_deref()
        .and_then(|j| j.parse::<Jurisdiction>().ok())
        .unwrap_or(Jurisdiction::Fr);
    let b2b = ui
        .params
        .b2b
        .as_deref()
        .is_some_and(|v| v == "1" || v == "on" || v == "true");
    let now = crate::decisions::now();

    let _ = write!(
        m,
        "<h2>{}</h2>\n<p>{}</p>\n<form class=\"campaign\" method=\"get\" action=\"{}\">\n",
        w.decisions,
        w.decisions_intro,
        Link::new("/contacts").seg(contact.data.contact_ref.as_str()),
    );
    ui.hidden_context(m);
    let _ = write!(
        m,
        "<label>{} <input type=\"text\" name=\"category\" value=\"{}\" placeholder=\"optics\"></label>\n<label>{} <select name=\"jurisdiction\">",
        w.product_category,
        esc(category.as_deref().unwrap_or("")),
        w.jurisdiction
    );
    for j in Jurisdiction::ALL {
        let selected = if *j == jurisdiction { " selected" } else { "" };
        let _ = write!(
            m,
            "<option value=\"{0}\"{1}>{0}</option>",
            j.as_str(),
            selected
        );
    }
    let _ = write!(
        m,
        "</select></label>\n<label><input type=\"checkbox\" name=\"b2b\" value=\"1\"{}> {}</label>\n<button type=\"submit\">{}</button>\n</form>\n",
        if b2b { " checked" } else { "" },
        w.relates_to_profession,
        w.decide
    );

    let _ = write!(
        m,
        "<table class=\"decisions\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        w.channel, w.decision, w.code, w.explanation, w.references
    );
    let mut pack = None;
    for channel in Channel::ALL {
        let ask = Ask {
            jurisdiction,
            at: Moment::from(now),
            channel: *channel,
            purpose: Purpose::Marketing,
            campaign: Campaign {
                product_category: category.clone(),
                relates_to_profession: b2b,
                commercial: true,
            },
        };
        let label = channel_label((*channel).into(), ui.lang);
        match decide_stored(state, ui.org.id, contact, events, ask, ui.lang).await? {
            Ok(d) => {
                pack = Some(d.rule_pack);
                let (class, word) = match d.response.decision {
                    Decision::Allow => ("allow", w.allow),
                    Decision::Deny => ("deny", w.deny),
                };
                let _ = writeln!(
                    m,
                    "<tr class=\"{class}\"><td>{label}</td><td><strong>{word}</strong></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                    d.response.code.as_str(),
                    esc(&d.response.explanation),
                    esc(&d.response.references.join(" ; ")),
                );
            }
            Err(missing) => {
                let why = match missing {
                    MissingIdentifier::Email => w.no_email,
                    MissingIdentifier::Phone => w.no_phone,
                };
                let _ = writeln!(
                    m,
                    "<tr class=\"none\"><td>{label}</td><td colspan=\"4\">{why}</td></tr>"
                );
            }
        }
    }
    m.push_str("</tbody>\n</table>\n");
    if let Some(p) = pack {
        let _ = writeln!(
            m,
            "<p class=\"hint\">{} : <code>{}</code> · {}</p>",
            w.rule_pack,
            p,
            esc(&when(now))
        );
    }
    Ok(())
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

const STYLESHEET: &str = r#":root { --ink: #1d2430; --muted: #5b6575; --line: #d9dee6; --accent: #1f5fbf;
  --allow: #1e7b3a; --deny: #b3261e; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); }
body { margin: 0; background: #f6f7f9; }
header { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: baseline; padding: .8rem 1.5rem;
  background: #fff; border-bottom: 1px solid var(--line); }
header .brand { font-weight: 700; font-size: 1.2rem; text-decoration: none; color: var(--accent); }
header nav a { margin-right: 1rem; }
header .langs { margin-left: auto; }
main { max-width: 72rem; margin: 1.5rem auto; padding: 0 1.5rem; }
footer { max-width: 72rem; margin: 2rem auto; padding: 0 1.5rem; color: var(--muted); font-size: .9rem; }
a { color: var(--accent); }
h1 { font-size: 1.6rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: .92rem; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f5; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.5rem; background: #fff;
  padding: 1rem; border: 1px solid var(--line); }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
form { background: #fff; border: 1px solid var(--line); padding: .8rem 1rem; margin-bottom: 1rem; }
form label { margin-right: 1rem; }
input, select, button { font: inherit; padding: .25rem .4rem; }
button { background: var(--accent); color: #fff; border: 0; border-radius: 3px; padding: .3rem .9rem; }
.hint { color: var(--muted); font-size: .88rem; }
.error { color: var(--deny); font-weight: 600; }
tr.allow strong { color: var(--allow); }
tr.deny strong { color: var(--deny); }
tr.withdraw td:nth-child(4), tr.object td:nth-child(4) { color: var(--deny); }
tr.none td { color: var(--muted); }
.pager a { margin-right: 1rem; }
code { font-size: .9em; }
main.narrow { max-width: 28rem; }
form.logout { display: inline; background: none; border: 0; padding: 0; margin: 0; }
form.logout button { padding: .15rem .6rem; }
svg.qr { display: block; margin: 1rem 0; }
ul.codes { columns: 2; font-size: 1.05rem; }
.counts { display: flex; gap: 1rem; }
.counts div { background: #fff; border: 1px solid var(--line); padding: .6rem 1rem; }
.counts strong { font-size: 1.4rem; display: block; }
tr.overdue td:nth-child(6), .counts .overdue strong { color: var(--deny); font-weight: 600; }
tr.due_soon td:nth-child(6), .counts .due_soon strong { color: #a15c00; font-weight: 600; }
tr.closed td { color: var(--muted); }
main.narrow fieldset label, main.narrow form > label { display: block; margin: .4rem 0; }
main.narrow input[type=text], main.narrow input[type=email] { width: 100%; box-sizing: border-box; }
form.step { display: inline-block; vertical-align: top; margin-right: .6rem; }
a.status-link { word-break: break-all; }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_text_and_attributes() {
        assert_eq!(
            esc(r#"<a href="x">O'Neil & co</a>"#).to_string(),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/a&gt;"
        );
        assert_eq!(esc("é plain").to_string(), "é plain");
    }

    #[test]
    fn links_are_percent_encoded_then_escaped() {
        let l = Link::new("/contacts")
            .seg("C/1 \"x\"")
            .q("q", "a&b@c.fr")
            .q("empty", "");
        assert_eq!(l.to_string(), "/contacts/C%2F1%20%22x%22?q=a%26b%40c.fr");
    }
}
