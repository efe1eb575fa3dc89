//! The admin UI's pages: dashboard, contacts, a contact, the audit trail. Each handler gathers
//! its data, then renders through [`crate::html`].

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use vigie_core::{Audience, Channel, Code, ContactRef, Email, PhoneE164, Region};
use vigie_store::{Contact, ContactPage, ContactQuery, DEFAULT_ORG};

use crate::AppState;
use crate::contact_actions;
use crate::contact_ui::{contact_page, full_name};
use crate::decision_lists::{DecisionLists, Edge, Wanted};
use crate::html::components::{Field, empty, pager, pager_both_ways, select, table};
use crate::html::{Label, STYLESHEET, Section, Ui, UiError, W, page, when};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(crate::dashboard_ui::dashboard))
        .route("/contacts", get(contacts))
        .route("/contacts/{contact_ref}", get(contact_page))
        .route(
            "/contacts/{contact_ref}/ledger",
            post(contact_actions::record_event),
        )
        .route(
            "/contacts/{contact_ref}/correction",
            post(contact_actions::correct),
        )
        .route(
            "/contacts/{contact_ref}/restriction",
            post(contact_actions::restriction),
        )
        .route("/audit", get(audit_page))
        .route("/static/vigie.css", get(stylesheet))
}

const PAGE_SIZE: u32 = 50;

/// The hidden input that carries the organization through a GET form.
pub(crate) fn org_field(ui: &Ui) -> Markup {
    html! {
        @if ui.org.slug != DEFAULT_ORG { input type="hidden" name="org" value=(ui.org.slug); }
    }
}

/// The audit trail, newest first, a page at a time.
async fn audit_page(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let store = state.store();
    let total = store.audit_count(ui.org.id).await?;
    // Entries before `floor` were purged by retention (a checkpoint keeps the chain verifiable).
    let floor = store.audit_first_seq(ui.org.id).await?;
    // Pages go backwards from the newest entry: `before` is the first sequence number not shown.
    let before = ui
        .params
        .after_id
        .as_deref()
        .and_then(|a| a.parse::<i64>().ok())
        .unwrap_or(total + 1);
    // A link into purged numbers shows the oldest page kept.
    let before = if before <= floor {
        (floor + i64::from(PAGE_SIZE)).min(total + 1)
    } else {
        before.min(total + 1)
    };
    let first = (before - i64::from(PAGE_SIZE)).max(floor);
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
        (pager(ui.lang, None, (first > floor).then(|| ui.link("/audit").q("after_id", first.to_string())), W::Older))
        @if floor > 1 && first == floor {
            p { (ui.t(W::AuditPurgedBefore)) " " (floor) (ui.t(W::AuditPurgedBeforeEnd)) }
        }
    };
    Ok(page(
        &ui,
        ui.t(W::Audit),
        Some(Section::Audit),
        ui.link("/audit"),
        body,
    ))
}

enum Search {
    Email(Email),
    Phone(PhoneE164),
    Reference(ContactRef),
    Name(String),
}

/// What the search box searches by (`by`): the default box, a reference, a name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SearchBy {
    /// An e-mail address, a phone number, or a name when it can be nothing else.
    Identifier,
    Reference,
    Name,
}

impl SearchBy {
    fn parse(by: Option<&str>) -> Self {
        match by {
            Some("ref") => SearchBy::Reference,
            Some("name") => SearchBy::Name,
            _ => SearchBy::Identifier,
        }
    }

    fn param(self) -> &'static str {
        match self {
            SearchBy::Identifier => "",
            SearchBy::Reference => "ref",
            SearchBy::Name => "name",
        }
    }
}

/// What the search box holds: with `by=ref`, a contact's reference; with `by=name`, a name;
/// else an e-mail address, or a phone number (national numbers in the organization's region),
/// or a name when the text has letters and neither digit nor `@` (no phone number, e-mail
/// address or usual reference looks like that: unambiguous).
fn parse_search(q: &str, by: SearchBy, region: Region) -> Option<Search> {
    let name = || vigie_core::names::name_query_key(q).map(|_| Search::Name(q.to_owned()));
    match by {
        SearchBy::Reference => ContactRef::parse(q).ok().map(Search::Reference),
        SearchBy::Name => name(),
        SearchBy::Identifier if q.contains('@') => Email::parse(q).ok().map(Search::Email),
        SearchBy::Identifier => match PhoneE164::parse(q, region) {
            Ok(p) => Some(Search::Phone(p)),
            Err(_)
                if q.chars().any(char::is_alphabetic) && !q.chars().any(|c| c.is_ascii_digit()) =>
            {
                name()
            }
            Err(_) => None,
        },
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
    let before_id = ui
        .params
        .before_id
        .as_deref()
        .and_then(|b| b.parse::<i64>().ok());
    // An audience the list does not know filters nothing (the choice shows « all »).
    let audience: Option<Audience> = ui.params.audience.as_deref().and_then(|a| a.parse().ok());
    let mut query = ContactQuery {
        after_id,
        before_id,
        audience,
        limit: PAGE_SIZE,
        ..ContactQuery::default()
    };
    // The filter by decision on a channel: on the list, not on a search.
    let channel: Option<Channel> = ui.params.channel.as_deref().and_then(|c| c.parse().ok());
    let wanted = ui.params.decision.as_deref().and_then(Wanted::parse);
    let by_decision = match (&q, channel, wanted) {
        (None, Some(c), Some(w)) => Some((c, w)),
        _ => None,
    };
    let search_by = SearchBy::parse(ui.params.by.as_deref());
    let mut reference = None;
    let mut search_error = None;
    if let Some(text) = &q {
        let region = state.store().org_settings(ui.org.id).await?.region;
        match parse_search(text, search_by, region) {
            Some(Search::Email(e)) => query.email = Some(e),
            Some(Search::Phone(p)) => query.phone = Some(p),
            Some(Search::Reference(r)) => reference = Some(r),
            Some(Search::Name(n)) => query.name = Some(n),
            None => {
                search_error = Some(format!(
                    "{}{}{}{text}{}",
                    ui.t(if search_by == SearchBy::Name {
                        W::BadNameSearch
                    } else {
                        W::BadSearch
                    }),
                    ui.t(W::Colon),
                    ui.t(W::OpenQuote),
                    ui.t(W::CloseQuote)
                ))
            }
        }
    }
    let mut filtered = None;
    let found = if search_error.is_none() {
        let action = if q.is_some() {
            "contact.search"
        } else {
            "contact.list"
        };
        let found = match (&reference, by_decision) {
            // A reference names one contact: a keyed look-up, no page to turn.
            (Some(r), _) => Some(ContactPage {
                contacts: state
                    .store()
                    .contact(ui.org.id, r)
                    .await?
                    .into_iter()
                    .collect(),
                next_after_id: None,
                prev_before_id: None,
            }),
            (None, Some((channel, wanted))) => {
                let edge = match (after_id, before_id) {
                    (_, Some(b)) => Edge::Before(b),
                    (Some(a), None) => Edge::After(a),
                    (None, None) => Edge::First,
                };
                let f = by_decision_page(&state, &ui, channel, wanted, audience, edge).await?;
                let page = f.page.clone();
                filtered = Some(f);
                page
            }
            (None, None) => Some(state.store().contacts(ui.org.id, &query).await?),
        };
        if let Some(found) = &found {
            let refs = found.contacts.iter().map(|c| c.data.contact_ref.as_str());
            ui.caller
                .audit_set(&state, action, "contacts", refs)
                .await?;
        }
        found
    } else {
        None
    };

    let q_text = q.clone().unwrap_or_default();
    let by = search_by.param();
    // The total of the list, filtered by audience or not (a search has no total: it is a
    // keyed look-up of a few contacts).
    let total = match (&q, audience, &filtered) {
        (_, _, Some(f)) => f.total,
        (Some(_), _, _) => None,
        (None, None, None) => Some(crate::overview::contact_count(&state, ui.org.id).await?),
        (None, Some(a), None) => Some(state.store().count_contacts_of(ui.org.id, a).await?),
    };
    let audience_param = audience.map_or("", Audience::as_str);
    let audience_options: Vec<(String, String)> =
        std::iter::once((String::new(), ui.t(W::AllAudiences).to_owned()))
            .chain(
                Audience::ALL
                    .iter()
                    .map(|a| (a.as_str().to_owned(), a.label(ui.lang).to_owned())),
            )
            .collect();
    let channel_param = channel.map_or("", Channel::as_str);
    let decision_param = wanted.map_or("", Wanted::param);
    let list = || {
        ui.link("/contacts")
            .q("q", q_text.clone())
            .q("by", by)
            .q("audience", audience_param)
            .q("channel", channel_param)
            .q("decision", decision_param)
    };
    let by_options = [
        (String::new(), ui.t(W::ByEmailOrPhone).to_owned()),
        ("ref".to_owned(), ui.t(W::ByReference).to_owned()),
        ("name".to_owned(), ui.t(W::ByName).to_owned()),
    ];
    let body = html! {
        h1 { (ui.t(W::Contacts)) }
        form.search method="get" action="/contacts" role="search" {
            (org_field(&ui))
            (Field {
                kind: "search",
                value: &q_text,
                error: search_error.as_deref(),
                ..Field::text("q", ui.t(W::ContactSearchLabel))
            })
            (select("by", ui.t(W::SearchBy), &by_options, by))
            (select("audience", ui.t(W::AudienceFilter), &audience_options, audience_param))
            (select("channel", ui.t(W::DecisionChannel), &channel_options(&ui), channel_param))
            (select("decision", ui.t(W::DecisionFilter), &decision_options(&ui), decision_param))
            button type="submit" { (ui.t(W::Search)) }
            p.hint { (ui.t(W::ContactSearchHint)) }
            p.hint { (ui.t(W::DecisionFilterHint)) }
        }
        @if let Some(f) = &filtered {
            (f.note.clone())
        }
        @if let Some(n) = total {
            p.total { (n) " " (ui.t(W::ContactsInTotal)) }
        }
        @if let Some(found) = &found {
            @if found.contacts.is_empty() {
                (empty(ui.t(if q.is_some() || filtered.is_some() { W::NoMatch } else { W::NoContacts })))
            } @else {
                (contact_table(&ui, &found.contacts))
            }
            (pager_both_ways(
                ui.lang,
                found.prev_before_id.map(|p| list().q("before_id", p.to_string())),
                found.next_after_id.map(|n| list().q("after_id", n.to_string())),
            ))
        }
    };
    let mut here = list();
    if let Some(a) = after_id {
        here = here.q("after_id", a.to_string());
    }
    if let Some(b) = before_id {
        here = here.q("before_id", b.to_string());
    }
    let mut resp = page(&ui, ui.t(W::Contacts), Some(Section::Contacts), here, body);
    if search_error.is_some() {
        *resp.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(resp)
}

/// The channels a decision can be filtered on: those with an identifier in the base.
fn channel_options(ui: &Ui) -> Vec<(String, String)> {
    std::iter::once((String::new(), ui.t(W::NoChannelFilter).to_owned()))
        .chain(
            Channel::ALL
                .iter()
                .filter(|c| **c == Channel::Email || c.uses_phone_number())
                .map(|c| (c.as_str().to_owned(), c.label(ui.lang).to_owned())),
        )
        .collect()
}

/// Allowed or blocked, then each code a decision on a stored contact can give.
fn decision_options(ui: &Ui) -> Vec<(String, String)> {
    let colon = ui.t(W::Colon);
    let mut options = vec![
        (String::new(), ui.t(W::AllDecisions).to_owned()),
        ("allow".to_owned(), ui.t(W::AllowedAll).to_owned()),
        ("deny".to_owned(), ui.t(W::BlockedAll).to_owned()),
    ];
    let screening_only = [Code::UnknownContact, Code::InvalidIdentifier];
    for code in Code::ALL.iter().filter(|c| !screening_only.contains(c)) {
        let kind = ui.t(if code.is_allow() {
            W::AllowedBecause
        } else {
            W::BlockedBecause
        });
        options.push((
            code.as_str().to_owned(),
            format!("{kind}{colon}{}", code.label(ui.lang)),
        ));
    }
    options
}

/// A page of the list filtered by decision, with what the page says about the decisions'
/// freshness.
struct ByDecision {
    /// `None` while the decisions are first computed, or on a channel nothing reaches.
    page: Option<ContactPage>,
    total: Option<u64>,
    note: Markup,
}

async fn by_decision_page(
    state: &AppState,
    ui: &Ui,
    channel: Channel,
    wanted: Wanted,
    audience: Option<Audience>,
    edge: Edge,
) -> Result<ByDecision, UiError> {
    let shown = crate::overview::decision_lists(state, ui.org.id).await?;
    let Some(lists) = shown.lists else {
        return Ok(ByDecision {
            page: None,
            total: None,
            note: empty(ui.t(W::DecisionsComputing)),
        });
    };
    let note = freshness(ui, &lists, shown.refreshing);
    let Some(page) = lists.page(channel, wanted, audience, edge, PAGE_SIZE as usize) else {
        return Ok(ByDecision {
            page: None,
            total: None,
            note: html! { (note) (empty(ui.t(W::DecisionsNotOnChannel))) },
        });
    };
    let contacts = state.store().contacts_by_ids(ui.org.id, &page.ids).await?;
    Ok(ByDecision {
        page: Some(ContactPage {
            contacts,
            next_after_id: page.next_after_id,
            prev_before_id: page.prev_before_id,
        }),
        total: Some(page.total),
        note,
    })
}

fn freshness(ui: &Ui, lists: &DecisionLists, refreshing: bool) -> Markup {
    html! {
        p.hint {
            (ui.t(W::DecisionsComputedAt)) (ui.t(W::Colon)) (when(lists.computed_at))
            " (" (ui.t(W::FilterDataVersion)) " " (lists.data_version) ")"
            @if refreshing { " · " (ui.t(W::DashRefreshing)) }
        }
    }
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
