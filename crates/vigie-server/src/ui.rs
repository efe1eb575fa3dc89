//! The admin UI's pages: dashboard, contacts, a contact, the audit trail. Each handler gathers
//! its data, then renders through [`crate::html`].

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use vigie_core::{
    Campaign, Channel, Decision, Email, Jurisdiction, Moment, PhoneE164, Purpose, Region, Zone,
};
use vigie_store::{Contact, ContactQuery, DEFAULT_ORG, StoredEvent};

use crate::AppState;
use crate::auth::Who;
use crate::decisions::{Ask, MissingIdentifier, decide_stored};
use crate::html::components::{Field, empty, facts, pager, select, table};
use crate::html::labels::collected_via;
use crate::html::{Label, Link, STYLESHEET, Section, Ui, UiError, W, page, when};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/contacts", get(contacts))
        .route("/contacts/{contact_ref}", get(contact_page))
        .route("/audit", get(audit_page))
        .route("/static/vigie.css", get(stylesheet))
}

const PAGE_SIZE: u32 = 50;

/// The hidden input that carries the organization through a GET form.
fn org_field(ui: &Ui) -> Markup {
    html! {
        @if ui.org.slug != DEFAULT_ORG { input type="hidden" name="org" value=(ui.org.slug); }
    }
}

/// The audit trail, newest first, a page at a time.
async fn audit_page(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
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
    // Reading the trail is itself audited, with the range read (as the API's read is).
    let range = match (entries.last(), entries.first()) {
        (Some(oldest), Some(newest)) => format!("audit:{}..{}", oldest.seq, newest.seq),
        _ => "audit:".to_owned(),
    };
    ui.caller.audit(&state, "audit.read", Some(range)).await?;
    let dash = |s: Option<&str>| s.unwrap_or("—").to_owned();
    let heads = [
        "#",
        ui.t(W::When),
        ui.t(W::Actor),
        ui.t(W::What),
        ui.t(W::Target),
        ui.t(W::Origin),
        ui.t(W::Reason),
    ];
    let body = html! {
        h1 { (ui.t(W::Audit)) }
        p { (ui.t(W::AuditIntro)) " " a href="/api/v1/audit/export" { (ui.t(W::AuditExport)) } }
        (table("audit", Some(ui.t(W::Audit)), &heads, html! {
            @for e in &entries {
                tr {
                    td { (e.seq) }
                    td { (when(e.at)) }
                    td { (e.actor) @if let Some(r) = &e.role { " (" (r) ")" } }
                    td { code { (e.action) } }
                    td { (dash(e.target.as_deref())) }
                    td { (dash(e.origin.as_deref())) }
                    td { (dash(e.reason.as_deref())) }
                }
            }
        }))
        (pager(ui.lang, None, (first > 1).then(|| ui.link("/audit").q("after_id", first.to_string())), W::Older))
    };
    Ok(page(
        &ui,
        ui.t(W::Audit),
        Some(Section::Audit),
        ui.link("/audit"),
        body,
    ))
}

async fn dashboard(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    // The agent's landing page is the call check: the overview is not theirs to read.
    if !ui.caller.may(vigie_core::Permission::ContactsRead)
        && ui.caller.may(vigie_core::Permission::CallsLog)
    {
        return Ok(axum::response::Redirect::to(&ui.link("/agent").to_string()).into_response());
    }
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
    let body = html! {
        h1 { (ui.org.name) }
        (facts([
            (ui.t(W::Organization), html! { code { (ui.org.slug) } }),
            (ui.t(W::Store), html! { (store.kind()) }),
            (ui.t(W::ContactCount), html! { a href=(ui.link("/contacts")) { (count) } }),
        ]))
        h2 { (ui.t(W::Organizations)) }
        ul.orgs {
            @for (slug, name) in &orgs {
                li { a href=(Link::new("/").q("org", slug.clone())) { (name) } " " code { (slug) } }
            }
        }
    };
    Ok(page(
        &ui,
        ui.t(W::Dashboard),
        Some(Section::Dashboard),
        ui.link("/"),
        body,
    ))
}

enum Search {
    Email(Email),
    Phone(PhoneE164),
}

/// What the search box holds: an e-mail address, else a phone number (national numbers in the
/// organization's region).
fn parse_search(q: &str, region: Region) -> Option<Search> {
    if q.contains('@') {
        Email::parse(q).ok().map(Search::Email)
    } else {
        PhoneE164::parse(q, region).ok().map(Search::Phone)
    }
}

async fn contacts(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
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
    let mut query = ContactQuery {
        after_id,
        limit: PAGE_SIZE,
        ..ContactQuery::default()
    };
    let mut search_error = None;
    if let Some(text) = &q {
        let region = state.store().org_settings(ui.org.id).await?.region;
        match parse_search(text, region) {
            Some(Search::Email(e)) => query.email = Some(e),
            Some(Search::Phone(p)) => query.phone = Some(p),
            None => {
                search_error = Some(format!(
                    "{}{}{}{text}{}",
                    ui.t(W::BadSearch),
                    ui.t(W::Colon),
                    ui.t(W::OpenQuote),
                    ui.t(W::CloseQuote)
                ))
            }
        }
    }
    let found = if search_error.is_none() {
        let action = if q.is_some() {
            "contact.search"
        } else {
            "contact.list"
        };
        let found = state.store().contacts(ui.org.id, &query).await?;
        let refs = found.contacts.iter().map(|c| c.data.contact_ref.as_str());
        ui.caller
            .audit_set(&state, action, "contacts", refs)
            .await?;
        Some(found)
    } else {
        None
    };

    let q_text = q.clone().unwrap_or_default();
    let body = html! {
        h1 { (ui.t(W::Contacts)) }
        form.search method="get" action="/contacts" role="search" {
            (org_field(&ui))
            (Field {
                kind: "search",
                value: &q_text,
                error: search_error.as_deref(),
                ..Field::text("q", ui.t(W::SearchLabel))
            })
            button type="submit" { (ui.t(W::Search)) }
            p.hint { (ui.t(W::SearchHint)) }
        }
        @if let Some(found) = &found {
            @if found.contacts.is_empty() {
                (empty(ui.t(if q.is_some() { W::NoMatch } else { W::NoContacts })))
            } @else {
                (contact_table(&ui, &found.contacts))
            }
            (pager(
                ui.lang,
                after_id.map(|_| ui.link("/contacts").q("q", q_text.clone())),
                found.next_after_id.map(|n| ui.link("/contacts").q("q", q_text.clone()).q("after_id", n.to_string())),
                W::NextPage,
            ))
        }
    };
    let mut here = ui.link("/contacts").q("q", q_text.clone());
    if let Some(a) = after_id {
        here = here.q("after_id", a.to_string());
    }
    let mut resp = page(&ui, ui.t(W::Contacts), Some(Section::Contacts), here, body);
    if search_error.is_some() {
        *resp.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(resp)
}

fn contact_table(ui: &Ui, contacts: &[Contact]) -> Markup {
    let heads = [
        ui.t(W::ContactRef),
        ui.t(W::Email),
        ui.t(W::Phone),
        ui.t(W::Name),
        ui.t(W::Audience),
        ui.t(W::Customer),
    ];
    table(
        "contacts",
        Some(ui.t(W::Contacts)),
        &heads,
        html! {
            @for c in contacts {
                @let d = &c.data;
                tr {
                    th scope="row" { a href=(ui.link("/contacts").seg(d.contact_ref.as_str())) { (d.contact_ref.as_str()) } }
                    td { (d.email.as_ref().map(Email::as_str).unwrap_or("")) }
                    td { (d.phone.as_ref().map(PhoneE164::as_str).unwrap_or("")) }
                    td { (full_name(c)) }
                    td { (d.audience.label(ui.lang)) }
                    td { (ui.t(if d.customer { W::Yes } else { W::No })) }
                }
            }
        },
    )
}

fn full_name(c: &Contact) -> String {
    let d = &c.data;
    match (&d.first_name, &d.last_name) {
        (Some(f), Some(l)) => format!("{f} {l}"),
        (Some(n), None) | (None, Some(n)) => n.clone(),
        (None, None) => String::new(),
    }
}

/// A contact's decision on one channel, or why there is none.
struct ChannelDecision {
    channel: Channel,
    outcome: Result<crate::decisions::StoredDecision, MissingIdentifier>,
}

async fn contact_page(
    State(state): State<AppState>,
    ui: Ui,
    Path(contact_ref): Path<String>,
) -> Result<Response, UiError> {
    let not_found = || UiError {
        status: StatusCode::NOT_FOUND,
        lang: ui.lang,
        title: Some(ui.t(W::Contacts).to_owned()),
        message: ui.t(W::ContactNotFound).to_owned(),
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

    // The campaign the decisions are asked for (a GET form on the page).
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
    let mut decisions = Vec::with_capacity(Channel::ALL.len());
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
                press: false,
            },
        };
        let outcome = decide_stored(&state, ui.org.id, &contact, &events, ask, ui.lang).await?;
        decisions.push(ChannelDecision {
            channel: *channel,
            outcome,
        });
    }

    let d = &contact.data;
    let name = full_name(&contact);
    let title = if name.is_empty() {
        d.contact_ref.as_str().to_owned()
    } else {
        name
    };
    let yes_no = |b: bool| ui.t(if b { W::Yes } else { W::No });
    let opt = |s: Option<&str>| s.unwrap_or("—").to_owned();
    let text = |s: String| html! { (s) };
    let body = html! {
        h1 { (title) }
        h2 { (ui.t(W::Fields)) }
        (facts([
            (ui.t(W::ContactRef), text(d.contact_ref.as_str().to_owned())),
            (ui.t(W::Email), text(opt(d.email.as_ref().map(Email::as_str)))),
            (ui.t(W::Phone), text(opt(d.phone.as_ref().map(PhoneE164::as_str)))),
            (ui.t(W::FirstName), text(opt(d.first_name.as_deref()))),
            (ui.t(W::LastName), text(opt(d.last_name.as_deref()))),
            (ui.t(W::Audience), text(d.audience.label(ui.lang).to_owned())),
            (ui.t(W::Customer), text(yes_no(d.customer).to_owned())),
            (ui.t(W::Categories), text(if d.customer_categories.is_empty() { "—".into() } else { d.customer_categories.join(", ") })),
            (ui.t(W::CollectedVia), text(opt(d.collected_via.as_deref().map(|v| collected_via(v, ui.lang))))),
            (ui.t(W::CollectedAt), text(d.collected_at.map(when).unwrap_or_else(|| "—".into()))),
            (ui.t(W::Informed), text(yes_no(d.informed).to_owned())),
            (ui.t(W::ObjectionOffered), text(yes_no(d.objection_offered).to_owned())),
            (ui.t(W::ContractActive), text(yes_no(d.contract_active).to_owned())),
            (ui.t(W::Restricted), text(yes_no(d.restricted).to_owned())),
            (ui.t(W::RecordedTimeZone), text(opt(d.time_zone.map(Zone::name)))),
            (ui.t(W::CreatedAt), text(when(contact.created_at))),
            (ui.t(W::UpdatedAt), text(when(contact.updated_at))),
        ]))
        (ledger_table(&ui, &events))
        (decisions_section(&ui, &contact, &decisions, category.as_deref(), jurisdiction, b2b, now))
    };
    let here = ui.link("/contacts").seg(d.contact_ref.as_str());
    Ok(page(&ui, &title, Some(Section::Contacts), here, body))
}

fn ledger_table(ui: &Ui, events: &[StoredEvent]) -> Markup {
    let heads = [
        ui.t(W::Date),
        ui.t(W::Channel),
        ui.t(W::Purpose),
        ui.t(W::Action),
        ui.t(W::Method),
        ui.t(W::NoticeVersion),
        ui.t(W::Source),
        ui.t(W::Ip),
        ui.t(W::RecordedAt),
    ];
    html! {
        h2 { (ui.t(W::Ledger)) }
        @if events.is_empty() {
            (empty(ui.t(W::EmptyLedger)))
        } @else {
            (table("ledger", Some(ui.t(W::Ledger)), &heads, html! {
                @for e in events {
                    @let n = &e.new;
                    tr class=(n.event.action.as_str()) {
                        td { (when(n.event.at)) }
                        td { (n.event.scope.label(ui.lang)) }
                        td { (n.event.purpose.label(ui.lang)) }
                        td { (n.event.action.label(ui.lang)) }
                        td data-code=(n.event.method.as_str()) { (n.event.method.label(ui.lang)) }
                        td { (n.notice_version.as_deref().unwrap_or("")) }
                        td { (n.source.as_deref().unwrap_or("")) }
                        td { (n.ip.as_deref().unwrap_or("")) }
                        td { (when(e.recorded_at)) }
                    }
                }
            }))
            p.hint { (ui.t(W::TimeZoneNote)) }
        }
    }
}

fn decisions_section(
    ui: &Ui,
    contact: &Contact,
    decisions: &[ChannelDecision],
    category: Option<&str>,
    jurisdiction: Jurisdiction,
    b2b: bool,
    now: jiff::Timestamp,
) -> Markup {
    let jurisdictions: Vec<(String, String)> = Jurisdiction::ALL
        .iter()
        .map(|j| (j.as_str().to_owned(), j.as_str().to_owned()))
        .collect();
    let heads = [
        ui.t(W::Channel),
        ui.t(W::Decision),
        ui.t(W::Code),
        ui.t(W::Explanation),
        ui.t(W::References),
    ];
    let pack = decisions
        .iter()
        .find_map(|d| d.outcome.as_ref().ok().map(|o| o.rule_pack));
    html! {
        h2 { (ui.t(W::Decisions)) }
        p { (ui.t(W::DecisionsIntro)) }
        form.campaign method="get" action=(Link::new("/contacts").seg(contact.data.contact_ref.as_str())) {
            (org_field(ui))
            (Field { value: category.unwrap_or(""), ..Field::text("category", ui.t(W::ProductCategory)) })
            (select("jurisdiction", ui.t(W::Jurisdiction), &jurisdictions, jurisdiction.as_str()))
            div.field.check {
                input #f-b2b type="checkbox" name="b2b" value="1" checked[b2b];
                label for="f-b2b" { (ui.t(W::RelatesToProfession)) }
            }
            button type="submit" { (ui.t(W::Decide)) }
        }
        (table("decisions", Some(ui.t(W::Decisions)), &heads, html! {
            @for d in decisions {
                @let label = d.channel.label(ui.lang);
                @match &d.outcome {
                    Ok(o) => {
                        @let allow = o.response.decision == Decision::Allow;
                        tr.allow[allow].deny[!allow] {
                            th scope="row" { (label) }
                            td { strong { (ui.t(if allow { W::Allow } else { W::Deny })) } }
                            td { code { (o.response.code.as_str()) } }
                            td { (o.response.explanation) }
                            td { (o.response.references.join(" ; ")) }
                        }
                    }
                    Err(missing) => {
                        tr.none {
                            th scope="row" { (label) }
                            td colspan="4" {
                                (ui.t(match missing { MissingIdentifier::Email => W::NoEmail, MissingIdentifier::Phone => W::NoPhone }))
                            }
                        }
                    }
                }
            }
        }))
        @if let Some(p) = pack {
            p.hint { (ui.t(W::RulePack)) (ui.t(W::Colon)) code { (p) } " · " (when(now)) }
        }
    }
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
