//! The one page frame: skip link, header with the navigation the role allows (the current
//! section marked with `aria-current`), the organization, the language switch and the account,
//! then `main` and the footer. [`bare_page`] is the same frame without navigation, for the
//! pages shown before signing in and the error pages.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};
use vigie_core::{Lang, Permission};

use super::context::{Link, Ui};
use super::labels::Label;
use super::words::W;
use crate::auth::Who;

/// The sections of the navigation, in order, with the permission that shows each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Dashboard,
    Contacts,
    Requests,
    Retention,
    Registers,
    Audit,
    Agent,
    Screenings,
    Imports,
    Admin,
}

impl Section {
    const ALL: [Section; 10] = [
        Section::Dashboard,
        Section::Agent,
        Section::Contacts,
        Section::Imports,
        Section::Screenings,
        Section::Requests,
        Section::Retention,
        Section::Registers,
        Section::Audit,
        Section::Admin,
    ];

    fn path(self) -> &'static str {
        match self {
            Section::Dashboard => "/",
            Section::Contacts => "/contacts",
            Section::Requests => "/requests",
            Section::Retention => "/retention",
            Section::Registers => "/registers",
            Section::Audit => "/audit",
            Section::Admin => "/admin",
            Section::Agent => "/agent",
            Section::Screenings => "/screenings",
            Section::Imports => "/imports",
        }
    }

    fn word(self) -> W {
        match self {
            Section::Dashboard => W::Dashboard,
            Section::Contacts => W::Contacts,
            Section::Requests => W::Requests,
            Section::Retention => W::Retention,
            Section::Registers => W::Registers,
            Section::Audit => W::Audit,
            Section::Admin => W::Admin,
            Section::Agent => W::Agent,
            Section::Screenings => W::Screenings,
            Section::Imports => W::Imports,
        }
    }

    fn permission(self) -> Permission {
        match self {
            Section::Dashboard => Permission::Authenticated,
            Section::Contacts => Permission::ContactsRead,
            Section::Requests => Permission::RequestsRead,
            Section::Retention => Permission::RetentionRead,
            Section::Registers => Permission::RegistersRead,
            Section::Audit => Permission::AuditRead,
            Section::Admin => Permission::UsersManage,
            // Those who log calls: checking alone is also open to the roles that read decisions.
            Section::Agent => Permission::CallsLog,
            Section::Screenings => Permission::ScreeningRead,
            Section::Imports => Permission::ContactsWrite,
        }
    }
}

/// The `<head>`, shared by both frames.
/// `site` ends the window title: Vigie, or the organization whose public page it is.
fn head(lang: Lang, title: &str, site: &str, public: bool, refresh: Option<u32>) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            // Live progress without script: the page reloads itself while a job runs.
            @if let Some(s) = refresh { meta http-equiv="refresh" content=(s); }
            meta name="viewport" content="width=device-width, initial-scale=1";
            @if public { meta name="robots" content="noindex"; }
            title { (title) " · " (site) }
            link rel="stylesheet" href="/static/vigie.css";
        }
        a.skip href="#main" { (W::SkipToContent.t(lang)) }
    }
}

/// The language switch: links to the same page in each language (the choice is remembered).
fn lang_switch(lang: Lang, here: Option<&Link>) -> Markup {
    let link = |l: Lang| match here {
        Some(h) => h.clone().q("lang", l.as_str()).to_string(),
        None => format!("?lang={}", l.as_str()),
    };
    html! {
        nav.langs aria-label=(W::Language.t(lang)) {
            a href=(link(Lang::Fr)) lang="fr" hreflang="fr" aria-current=[(lang == Lang::Fr).then_some("true")] { "FR" }
            " · "
            a href=(link(Lang::En)) lang="en" hreflang="en" aria-current=[(lang == Lang::En).then_some("true")] { "EN" }
        }
    }
}

fn footer(lang: Lang) -> Markup {
    html! {
        footer {
            "API" (W::Colon.t(lang)) a href="/api/openapi.json" { "/api/openapi.json" } " · " a href="/healthz" { "/healthz" }
        }
    }
}

pub(crate) fn html_response(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

/// A signed-in page: `title` is the document's title (the body writes its own `h1`), `section`
/// the navigation entry to mark as current, `here` this page's link for the language switch.
pub(crate) fn page(
    ui: &Ui,
    title: &str,
    section: Option<Section>,
    here: Link,
    body: Markup,
) -> Response {
    refreshing_page(ui, title, section, here, body, None)
}

/// [`page`], reloaded every `refresh` seconds when given (a background job's progress).
pub(crate) fn refreshing_page(
    ui: &Ui,
    title: &str,
    section: Option<Section>,
    here: Link,
    body: Markup,
    refresh: Option<u32>,
) -> Response {
    let lang = ui.lang;
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.as_str()) {
            (head(lang, title, "Vigie", false, refresh))
            body {
                header.site {
                    // Where one is and as whom, then the way around.
                    div.bar {
                        p.org {
                            (W::Organization.t(lang)) (W::Colon.t(lang)) strong { (ui.org.name) } " " code { (ui.org.slug) }
                        }
                        (lang_switch(lang, Some(&here)))
                        @match &ui.caller.who {
                            Who::User { email, role, session, .. } => {
                                form.logout method="post" action="/logout" {
                                    span { (email) " · " (role.label(lang)) }
                                    input type="hidden" name="csrf" value=(session.csrf);
                                    button type="submit" { (W::Logout.t(lang)) }
                                }
                            }
                            Who::Token(t) => { p.account { (t.id) } }
                        }
                    }
                    div.row {
                        a.brand href=(ui.link("/")) { "Vigie" }
                        nav.main aria-label=(W::MainNavigation.t(lang)) {
                            ul {
                                @for s in Section::ALL.into_iter().filter(|s| ui.caller.may(s.permission())) {
                                    li {
                                        a href=(ui.link(s.path())) aria-current=[(section == Some(s)).then_some("page")] {
                                            (s.word().t(lang))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @for a in &ui.alerts {
                    // A breach's 72-hour clock, on every page until it is notified or decided.
                    p.breach-banner role="alert" {
                        a href=(ui.link("/registers/breaches").seg(&a.id.to_string())) { (W::BreachNumber.t(lang)) (a.id) }
                        (W::Colon.t(lang)) (W::NotifyBy.t(lang)) " " (super::when(a.deadline))
                        " (" (W::TimeLeft.t(lang)) " " (crate::breaches::remaining_text(a.remaining)) ")"
                    }
                }
                main #main tabindex="-1" { (body) }
                (footer(lang))
            }
        }
    };
    html_response(StatusCode::OK, markup)
}

/// A page without navigation (sign-in, set-up, privacy centre, errors): `title` is also the
/// page's `h1`.
pub(crate) fn bare_page(lang: Lang, status: StatusCode, title: &str, body: Markup) -> Response {
    public_page(lang, status, "Vigie", title, body)
}

/// A page outside the application, under the name `brand` (the organization's, on the pages a
/// person receives a link to).
pub(crate) fn public_page(
    lang: Lang,
    status: StatusCode,
    brand: &str,
    title: &str,
    body: Markup,
) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.as_str()) {
            (head(lang, title, brand, true, None))
            body {
                header.site {
                    div.row {
                        a.brand href="/" { (brand) }
                        (lang_switch(lang, None))
                    }
                }
                main.narrow #main tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    html_response(status, markup)
}
