//! One contact's page, `/contacts/{contact_ref}`: the record and its earlier versions, the
//! consent timeline in words (the proof behind a disclosure), the decision on every channel in
//! words, the call log, the person's requests, and the actions the caller's role allows
//! ([`crate::contact_actions`]). The handler gathers everything, then renders.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use vigie_core::{
    Campaign, Channel, Decision, Email, Jurisdiction, Lang, Moment, Permission, PhoneE164, Purpose,
    Zone,
};
use vigie_store::{
    Contact, ContactCall, ContactErasure, ContactVersion, Request, RequestQuery, StoredEvent,
};

use crate::AppState;
use crate::contact_actions::{self, Submitted};
use crate::decisions::{Ask, MissingIdentifier, StoredDecision, decide_stored};
use crate::html::components::{Field, Flash, empty, facts, flash, select, table};
use crate::html::labels::collected_via;
use crate::html::{Label, Link, Section, Ui, UiError, W, page, when};
use crate::ui::org_field;

/// How many calls and requests the page lists (the newest).
const RECENT: u32 = 20;

/// A contact's name as people read it ("" when none is recorded).
pub(crate) fn full_name(c: &Contact) -> String {
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
    outcome: Result<StoredDecision, MissingIdentifier>,
}

/// The campaign the decisions are asked for (a GET form on the page).
struct Asked {
    category: Option<String>,
    jurisdiction: Jurisdiction,
    b2b: bool,
}

impl Asked {
    fn of(ui: &Ui) -> Asked {
        Asked {
            category: ui
                .params
                .category
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
            jurisdiction: ui
                .params
                .jurisdiction
                .as_deref()
                .and_then(|j| j.parse::<Jurisdiction>().ok())
                .unwrap_or(Jurisdiction::Fr),
            b2b: ui
                .params
                .b2b
                .as_deref()
                .is_some_and(|v| v == "1" || v == "on" || v == "true"),
        }
    }
}

/// Everything the page shows, gathered before rendering.
struct Gathered {
    contact: Contact,
    events: Vec<StoredEvent>,
    decisions: Vec<ChannelDecision>,
    calls: Vec<ContactCall>,
    requests: Vec<Request>,
    versions: Vec<ContactVersion>,
    erasure: Option<ContactErasure>,
    archive: Option<crate::dto::AccountingArchiveOut>,
    now: jiff::Timestamp,
}

pub(crate) async fn contact_page(
    State(state): State<AppState>,
    ui: Ui,
    Path(contact_ref): Path<String>,
) -> Result<Response, UiError> {
    render_contact(&state, &ui, &contact_ref, StatusCode::OK, None).await
}

/// The 404 page of an unknown contact.
pub(crate) fn contact_not_found(ui: &Ui) -> UiError {
    UiError {
        status: StatusCode::NOT_FOUND,
        lang: ui.lang,
        title: Some(ui.t(W::Contacts).to_owned()),
        message: ui.t(W::ContactNotFound).to_owned(),
    }
}

/// The contact's page; after a refused action, with the form's values and its errors beside
/// the fields (`submitted`) and the refusal's status.
pub(crate) async fn render_contact(
    state: &AppState,
    ui: &Ui,
    contact_ref: &str,
    status: StatusCode,
    submitted: Option<&Submitted>,
) -> Result<Response, UiError> {
    let Ok(r) = vigie_core::ContactRef::parse(contact_ref) else {
        return Err(contact_not_found(ui));
    };
    ui.caller
        .audit(
            state,
            "contact.read",
            Some(format!("contact:{}", r.as_str())),
        )
        .await?;
    let store = state.store();
    let contact = store
        .contact(ui.org.id, &r)
        .await?
        .ok_or_else(|| contact_not_found(ui))?;
    let events = store.ledger(ui.org.id, &r).await?;
    let asked = Asked::of(ui);
    // Not truncated to the second: a step taken a moment ago (an objection recorded by a
    // request's fulfilment, at its own instant) must show in the decisions of the next page.
    let now = jiff::Timestamp::now();
    let mut decisions = Vec::with_capacity(Channel::ALL.len());
    for channel in Channel::ALL {
        let ask = Ask {
            jurisdiction: asked.jurisdiction,
            at: Moment::from(now),
            channel: *channel,
            purpose: Purpose::Marketing,
            campaign: Campaign {
                product_category: asked.category.clone(),
                relates_to_profession: asked.b2b,
                commercial: true,
                press: false,
            },
        };
        let outcome = decide_stored(state, ui.org.id, &contact, &events, ask, ui.lang).await?;
        decisions.push(ChannelDecision {
            channel: *channel,
            outcome,
        });
    }
    let calls = store.contact_calls(ui.org.id, contact.id, RECENT).await?;
    let requests = if ui.caller.may(Permission::RequestsRead) {
        store
            .requests(
                ui.org.id,
                &RequestQuery {
                    open_only: false,
                    after_id: None,
                    limit: RECENT,
                    contact_ref: Some(r.clone()),
                },
            )
            .await?
    } else {
        Vec::new()
    };
    let versions = store.contact_versions(ui.org.id, &r).await?;
    let erasure = store.contact_erasure(ui.org.id, contact.id).await?;
    let archive = crate::api::accounting_archive_of(state, ui.org.id, contact.id).await?;
    let g = Gathered {
        contact,
        events,
        decisions,
        calls,
        requests,
        versions,
        erasure,
        archive,
        now,
    };
    let mut resp = render(ui, &g, &asked, submitted);
    *resp.status_mut() = status;
    Ok(resp)
}

fn render(ui: &Ui, g: &Gathered, asked: &Asked, submitted: Option<&Submitted>) -> Response {
    let d = &g.contact.data;
    let name = full_name(&g.contact);
    let title = if name.is_empty() {
        d.contact_ref.as_str().to_owned()
    } else {
        name
    };
    let done = ui
        .params
        .done
        .as_deref()
        .and_then(contact_actions::done_word);
    let body = html! {
        p { a href=(ui.link("/contacts")) { (ui.t(W::AllContacts)) } }
        h1 { (title) }
        @if let Some(e) = &g.erasure {
            p.flash.error role="note" {
                (erased_sentence(ui.lang, e))
            }
        }
        @if let Some(a) = &g.archive {
            p.flash role="note" data-archive-until=(a.last_day) {
                (ui.t(W::ArchivedUntil)) (a.last_day)
                (ui.t(if a.reduced_at.is_some() { W::ArchiveReduced } else { W::ArchiveNotYetReduced }))
            }
        }
        @if let Some(s) = submitted {
            (flash(Flash::Error, s.summary(ui.lang)))
        } @else if let Some(w) = done {
            (flash(Flash::Success, ui.t(w)))
        }
        (record(ui, &g.contact))
        (decisions_section(ui, &g.contact, &g.decisions, asked, g.now))
        (timeline(ui, &g.events))
        (calls_section(ui, &g.calls))
        @if ui.caller.may(Permission::RequestsRead) {
            (requests_section(ui, &g.requests))
        }
        (versions_section(ui, &g.versions))
        @if g.erasure.is_none() {
            (contact_actions::actions(ui, &g.contact, g.archive.is_some(), submitted))
        }
    };
    let here = ui.link("/contacts").seg(d.contact_ref.as_str());
    page(ui, &title, Some(Section::Contacts), here, body)
}

fn erased_sentence(lang: Lang, e: &ContactErasure) -> String {
    match lang {
        Lang::Fr => format!(
            "Ce contact a été effacé le {} (demande n° {}) : il ne reste que sa référence, ses \
             faits et son registre, sans aucun identifiant.",
            when(e.erased_at),
            e.request_id
        ),
        Lang::En => format!(
            "This contact was erased on {} (request #{}): only its reference, facts and ledger \
             remain, without any identifier.",
            when(e.erased_at),
            e.request_id
        ),
    }
}

fn record(ui: &Ui, contact: &Contact) -> Markup {
    let d = &contact.data;
    let yes_no = |b: bool| ui.t(if b { W::Yes } else { W::No });
    let opt = |s: Option<&str>| s.unwrap_or("—").to_owned();
    let text = |s: String| html! { (s) };
    html! {
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
    }
}

/// One ledger event as a sentence: "consent to marketing by e-mail, unticked checkbox".
fn event_sentence(lang: Lang, e: &vigie_core::ConsentEvent) -> String {
    let (action, purpose, channel, method) = (
        e.action.label(lang),
        e.purpose.label(lang),
        e.scope.label(lang),
        e.method.label(lang),
    );
    match lang {
        Lang::Fr => {
            format!("{action} — {purpose}, canal {channel} ; recueilli par {method}")
        }
        Lang::En => format!("{action} — {purpose}, channel {channel}; collected by {method}"),
    }
}

/// The consent timeline, newest first, each event in words with its proof behind a
/// disclosure. The method's code stays in `data-code` for programs, never in the text.
fn timeline(ui: &Ui, events: &[StoredEvent]) -> Markup {
    let dash = |s: Option<&str>| s.unwrap_or("—").to_owned();
    html! {
        h2 { (ui.t(W::Ledger)) }
        @if events.is_empty() {
            (empty(ui.t(W::EmptyLedger)))
        } @else {
            ol.timeline {
                @for e in events.iter().rev() {
                    @let n = &e.new;
                    li class=(n.event.action.as_str()) data-code=(n.event.method.as_str()) {
                        time datetime=(n.event.at.to_string()) { (when(n.event.at)) }
                        " " strong { (event_sentence(ui.lang, &n.event)) }
                        details.proof {
                            summary { (ui.t(W::Proof)) }
                            (facts([
                                (ui.t(W::Source), html! { (dash(n.source.as_deref())) }),
                                (ui.t(W::NoticeVersion), html! { (dash(n.notice_version.as_deref())) }),
                                (ui.t(W::Ip), html! { (dash(n.ip.as_deref())) }),
                                (ui.t(W::UserAgent), html! { (dash(n.user_agent.as_deref())) }),
                                (ui.t(W::RecordedAt), html! { (when(e.recorded_at)) }),
                            ]))
                        }
                    }
                }
            }
            p.hint { (ui.t(W::TimeZoneNote)) }
        }
    }
}

fn decisions_section(
    ui: &Ui,
    contact: &Contact,
    decisions: &[ChannelDecision],
    asked: &Asked,
    now: jiff::Timestamp,
) -> Markup {
    let jurisdictions: Vec<(String, String)> = Jurisdiction::ALL
        .iter()
        .map(|j| (j.as_str().to_owned(), j.as_str().to_owned()))
        .collect();
    let heads = [
        ui.t(W::Channel),
        ui.t(W::Decision),
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
            (Field { value: asked.category.as_deref().unwrap_or(""), ..Field::text("category", ui.t(W::ProductCategory)) })
            (select("jurisdiction", ui.t(W::Jurisdiction), &jurisdictions, asked.jurisdiction.as_str()))
            div.field.check {
                input #f-b2b type="checkbox" name="b2b" value="1" checked[asked.b2b];
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
                        // The code stays for programs and tests; people read the sentence.
                        tr.allow[allow].deny[!allow] data-channel=(d.channel.as_str()) data-code=(o.response.code.as_str()) {
                            th scope="row" { (label) }
                            td { strong { (ui.t(if allow { W::Allow } else { W::Deny })) } }
                            td { (o.response.explanation) }
                            td { (o.response.references.join(" ; ")) }
                        }
                    }
                    Err(missing) => {
                        tr.none data-channel=(d.channel.as_str()) {
                            th scope="row" { (label) }
                            td colspan="3" {
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

fn calls_section(ui: &Ui, calls: &[ContactCall]) -> Markup {
    let heads = [
        ui.t(W::Date),
        ui.t(W::CallOutcomeHead),
        ui.t(W::Campaign),
        ui.t(W::CallAgent),
    ];
    html! {
        h2 { (ui.t(W::CallLog)) }
        @if calls.is_empty() {
            (empty(ui.t(W::NoCalls)))
        } @else {
            (table("calls", Some(ui.t(W::CallLog)), &heads, html! {
                @for c in calls {
                    tr data-code=(c.outcome.as_str()) {
                        td { (when(c.at)) }
                        td { (c.outcome.label(ui.lang)) }
                        td { (c.campaign.as_deref().unwrap_or("—")) }
                        td { (c.agent.as_deref().unwrap_or("—")) }
                    }
                }
            }))
        }
    }
}

fn requests_section(ui: &Ui, requests: &[Request]) -> Markup {
    let heads = ["#", ui.t(W::Request), ui.t(W::Status), ui.t(W::Received)];
    html! {
        h2 { (ui.t(W::PersonRequests)) }
        @if requests.is_empty() {
            (empty(ui.t(W::NoRequests)))
        } @else {
            (table("person-requests", Some(ui.t(W::PersonRequests)), &heads, html! {
                @for r in requests {
                    tr {
                        th scope="row" { a href=(ui.link("/requests").seg(&r.id.to_string())) { (r.id) } }
                        td { (r.kind.label(ui.lang)) }
                        td { (r.clock.status.label(ui.lang)) }
                        td { (when(r.clock.received_at)) }
                    }
                }
            }))
        }
    }
}

/// The earlier versions kept by corrections, newest first, with the values they replaced.
fn versions_section(ui: &Ui, versions: &[ContactVersion]) -> Markup {
    let heads = [
        ui.t(W::ReplacedOn),
        ui.t(W::Email),
        ui.t(W::Phone),
        ui.t(W::FirstName),
        ui.t(W::LastName),
        ui.t(W::Request),
    ];
    let opt = |s: Option<&str>| s.unwrap_or("—").to_owned();
    html! {
        @if !versions.is_empty() {
            h2 { (ui.t(W::Versions)) }
            (table("versions", Some(ui.t(W::Versions)), &heads, html! {
                @for v in versions.iter().rev() {
                    tr {
                        td { (when(v.replaced_at)) }
                        @match &v.previous {
                            Some(p) => {
                                td { (opt(p.email.as_ref().map(Email::as_str))) }
                                td { (opt(p.phone.as_ref().map(PhoneE164::as_str))) }
                                td { (opt(p.first_name.as_deref())) }
                                td { (opt(p.last_name.as_deref())) }
                            }
                            None => { td colspan="4" { (ui.t(W::Erased)) } }
                        }
                        td {
                            @if let Some(id) = v.request_id {
                                a href=(ui.link("/requests").seg(&id.to_string())) { (id) }
                            } @else { "—" }
                        }
                    }
                }
            }))
        }
    }
}
