//! The DPO's pages for data subject requests: `/requests` (the queue: overdue and due this week
//! at a glance, then every request with its due date) and `/requests/{id}` (the request, its
//! history, and its steps as POST forms carrying the session's CSRF token). Steps go through
//! [`crate::requests::take_step`], as the API's do.

use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, Render, html};
use serde::Deserialize;
use vigie_core::dsar::{DeadlinesKept, MAX_EXTENSION_MONTHS, RequestStatus, Urgency};
use vigie_core::{Lang, Permission};

use crate::error::ApiError;
use crate::html::components::{
    Field, Flash, bar_chart, confirm_form, empty, facts, flash, select, step_form, table,
};
use crate::html::{Label, Link, Section, Ui, UiError, W, page, when};
use crate::request_filing;
use crate::requests::{Step, archive_download, detail, take_step};
use crate::{AppState, answers};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/requests", get(queue).post(request_filing::file_request))
        .route("/requests/new", get(request_filing::new_request))
        .route("/requests/{id}", get(request_page))
        .route("/requests/{id}/archive", get(archive))
        .route("/requests/{id}/{step}", post(step))
}

async fn queue(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let items = state
        .dsar()
        .queue(&ui.org, false)
        .await
        .map_err(|e| ui.error(e))?;
    let count = |u| items.iter().filter(|i| i.urgency == u).count();
    let open = items
        .iter()
        .filter(|i| i.request.clock.status.is_open())
        .count();
    let title = ui.t(W::RequestsTitle);
    let by_urgency: Vec<(&str, u64)> = [
        Urgency::Overdue,
        Urgency::DueSoon,
        Urgency::OnTrack,
        Urgency::Paused,
    ]
    .into_iter()
    .map(|u| (u.label(ui.lang), count(u) as u64))
    .collect();
    let heads = [
        "#",
        ui.t(W::Request),
        ui.t(W::Status),
        ui.t(W::Received),
        ui.t(W::Contact),
        ui.t(W::Due),
        ui.t(W::Urgency),
    ];
    let tz = state.dsar().time_zone().clone();
    let now = jiff::Timestamp::now();
    let mut kept = DeadlinesKept::default();
    for i in &items {
        kept.count(&i.request.clock, now, &tz);
    }
    let body = html! {
        h1 { (title) }
        div.counts {
            div.overdue { strong { (count(Urgency::Overdue)) } (ui.t(W::Overdue)) }
            div.due_soon { strong { (count(Urgency::DueSoon)) } (ui.t(W::DueWithin7Days)) }
            div { strong { (open) } (ui.t(W::Open)) }
        }
        (deadlines_kept(&ui, &kept))
        @if ui.caller.may(Permission::RequestsManage) {
            p { a.button href=(ui.link("/requests/new")) { (ui.t(W::FileRequest)) } }
        }
        p.hint {
            (ui.t(W::RequestsIntro)) " "
            a href=(Link::new("/privacy").seg(&ui.org.slug)) { "/privacy/" (ui.org.slug) }
        }
        @if items.is_empty() {
            (empty(ui.t(W::NoRequests)))
        } @else {
            (bar_chart(ui.lang, ui.t(W::RequestsByUrgency), &by_urgency))
        }
        @if items.is_empty() {
        } @else {
            (table("requests", Some(title), &heads, html! {
                @for i in &items {
                    @let r = &i.request;
                    tr class=(i.urgency.as_str()) {
                        th scope="row" { a href=(ui.link("/requests").seg(&r.id.to_string())) { (r.id) } }
                        td { (r.kind.label(ui.lang)) }
                        td { (r.clock.status.label(ui.lang)) }
                        td { (when(r.clock.received_at)) }
                        td { @if let Some(c) = &r.contact_ref { (c.as_str()) } }
                        td { (i.due.date) }
                        td { (i.urgency.label(ui.lang)) }
                    }
                }
            }))
        }
    };
    Ok(page(
        &ui,
        title,
        Some(Section::Requests),
        ui.link("/requests"),
        body,
    ))
}

async fn request_page(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<i64>,
) -> Result<Response, UiError> {
    render(&state, &ui, id, StatusCode::OK, None).await
}

/// The steps the request's state allows, as forms; those that cannot be undone ask to confirm.
fn steps(
    ui: &Ui,
    id: i64,
    c: &vigie_core::dsar::RequestClock,
    extended_dues: &[(u8, jiff::civil::Date)],
) -> Markup {
    let lang = ui.lang;
    let csrf = ui.csrf();
    let to = |step: &str| ui.link("/requests").seg(&id.to_string()).seg(step);
    let paused = c.pauses.iter().any(|p| p.until.is_none());
    let months: Vec<(String, String)> = (1..=MAX_EXTENSION_MONTHS)
        .map(|n| (n.to_string(), n.to_string()))
        .collect();
    html! {
        h2 { (ui.t(W::Steps)) }
        @if c.status == RequestStatus::AwaitingIdentity {
            (step_form(&to("verify"), csrf, html! {}, ui.t(W::IdentityVerified)))
        } @else if paused {
            (step_form(&to("resume"), csrf, html! {}, ui.t(W::Resume)))
        } @else {
            (confirm_form(lang, &to("fulfil"), csrf, ui.t(W::Fulfil), ui.t(W::FulfilWarning), html! {}))
            (step_form(&to("pause"), csrf, Field::text("reason", ui.t(W::Reason)).render(), ui.t(W::Pause)))
        }
        @if c.extension.is_none() {
            (confirm_form(lang, &to("extend"), csrf, ui.t(W::Extend), ui.t(W::ExtendWarning), html! {
                p.hint {
                    (ui.t(W::NewDueDates))
                    @for (i, (m, due)) in extended_dues.iter().enumerate() {
                        @if i > 0 { " ; " }
                        (m) " " (ui.t(W::Months)) (ui.t(W::Colon)) strong { (due) }
                    }
                }
                (select("months", ui.t(W::Months), &months, "1"))
                (Field { required: true, ..Field::text("reason", ui.t(W::ReasonSent)) })
            }))
        }
        (confirm_form(lang, &to("reject"), csrf, ui.t(W::Refuse), ui.t(W::RefuseWarning), html! {
            (Field { required: true, ..Field::text("reason", ui.t(W::ReasonTold)) })
        }))
    }
}

async fn render(
    state: &AppState,
    ui: &Ui,
    id: i64,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, UiError> {
    let lang = ui.lang;
    let shown = state
        .dsar()
        .show(&ui.org, id)
        .await
        .map_err(|e| ui.error(e))?;
    ui.caller
        .audit(state, "dsar.read", Some(format!("request:{id}")))
        .await
        .map_err(|e| ui.error(e))?;
    let d = detail(state, ui.org.id, &shown)
        .await
        .map_err(|e| ui.error(e))?;
    let answers = state
        .store()
        .request_answers(ui.org.id, id)
        .await
        .map_err(|e| ui.error(e))?;
    let r = &shown.item.request;
    let c = &r.clock;
    let title = match lang {
        Lang::Fr => format!("Demande n° {id}"),
        Lang::En => format!("Request #{id}"),
    };
    let mut rows: Vec<(&str, Markup)> = vec![
        (
            ui.t(W::Request),
            html! { (r.kind.label(lang)) " (" (r.kind.article()) ")" },
        ),
        (ui.t(W::Status), html! { (c.status.label(lang)) }),
        (
            ui.t(W::IdentifierGiven),
            html! { (d.identifier.as_deref().unwrap_or(ui.t(W::Erased))) },
        ),
    ];
    if let Some(cref) = &r.contact_ref {
        rows.push((
            ui.t(W::Contact),
            html! { a href=(ui.link("/contacts").seg(cref.as_str())) { (cref.as_str()) } },
        ));
    }
    if !d.corrections.is_empty() {
        rows.push((
            ui.t(W::FieldsToCorrect),
            html! { (d.corrections.join(", ")) },
        ));
    }
    rows.push((ui.t(W::Received), html! { (when(c.received_at)) }));
    if let Some(v) = c.verified_at {
        rows.push((ui.t(W::IdentityVerifiedOn), html! { (when(v)) }));
    }
    rows.push((
        ui.t(W::Due),
        html! { (shown.item.due.date) " (" (shown.item.urgency.label(lang)) ")" },
    ));
    if let Some(x) = &c.extension {
        rows.push((ui.t(W::Extension), html! { (x.months) " · " (x.reason) }));
    }
    if let Some(at) = c.closed_at {
        rows.push((ui.t(W::ClosedOn), html! { (when(at)) }));
    }
    if let Some(o) = &r.outcome {
        rows.push((ui.t(W::Outcome), outcome_words(lang, o)));
    }
    // What each extension would make the due date, as the core computes it.
    let now = jiff::Timestamp::now();
    let tz = state.dsar().time_zone();
    let extended_dues: Vec<(u8, jiff::civil::Date)> = (1..=MAX_EXTENSION_MONTHS)
        .filter_map(|m| {
            let mut x = c.clone();
            x.extend(now, m, "-", tz).ok()?;
            Some((m, x.due(now, tz).date))
        })
        .collect();
    let heads = [
        "#",
        ui.t(W::When),
        ui.t(W::Actor),
        ui.t(W::Step),
        ui.t(W::Note),
    ];
    let body = html! {
        p { a href=(ui.link("/requests")) { (ui.t(W::AllRequests)) } }
        h1 { (title) }
        @if let Some(e) = error {
            (flash(Flash::Error, e))
        } @else if let Some(done) = ui.params.done.as_deref() {
            (flash(Flash::Success, &done_sentence(lang, done, &shown.item.due.date)))
        }
        (facts(rows))
        @if let Some(a) = &d.archive {
            p {
                a href=(ui.link("/requests").seg(&id.to_string()).seg("archive")) { (ui.t(W::DownloadArchive)) }
                " " code { (a.file_name) } " · SHA-256 " code { (a.sha256) }
            }
        }
        (answers_block(ui, &answers))
        @if ui.caller.may(Permission::RequestsManage) && c.status.is_open() {
            (steps(ui, id, c, &extended_dues))
        }
        h2 { (ui.t(W::History)) }
        (table("history", Some(ui.t(W::History)), &heads, html! {
            @for h in &shown.history {
                tr {
                    td { (h.seq) }
                    td { (when(h.at)) }
                    td { (h.actor) }
                    td data-code=(h.step) { (step_words(lang, &h.step)) }

                    td { (h.note.as_deref().map(|n| note_words(lang, &h.step, n)).unwrap_or_default()) }
                }
            }
        }))
    };
    let mut resp = page(
        ui,
        &title,
        Some(Section::Requests),
        ui.link("/requests").seg(&id.to_string()),
        body,
    );
    *resp.status_mut() = status;
    Ok(resp)
}

#[derive(Debug, Default, Deserialize)]
struct StepForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    months: String,
}

/// A step, from a form of the request's page (the gate has checked its CSRF token), taken
/// through `Dsar`, then back to the page (303), or the page with the refusal.
async fn step(
    State(state): State<AppState>,
    ui: Ui,
    Path((id, step)): Path<(i64, String)>,
    form: Result<Form<StepForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, UiError> {
    let form = form.map(|f| f.0).unwrap_or_default();
    let reason = form.reason.trim().to_owned();
    let step_name = step.clone();
    let step = match step.as_str() {
        "verify" => Step::Verify,
        "pause" => Step::Pause {
            reason: (!reason.is_empty()).then_some(reason),
        },
        "resume" => Step::Resume,
        "extend" => Step::Extend {
            months: form.months.trim().parse().unwrap_or(0),
            reason,
        },
        "reject" => Step::Reject { reason },
        "fulfil" => Step::Fulfil,
        _ => {
            return Err(ui.error(ApiError::not_found("no such step")));
        }
    };
    match take_step(&state, &ui.caller, id, step).await {
        Ok(_) => Ok(Redirect::to(
            &ui.link("/requests")
                .seg(&id.to_string())
                .q("done", step_name)
                .to_string(),
        )
        .into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            render(&state, &ui, id, e.status, Some(&e.message)).await
        }
        Err(e) => Err(ui.error(e)),
    }
}

async fn archive(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<i64>,
) -> Result<Response, UiError> {
    archive_download(&state, &ui.caller, id)
        .await
        .map_err(|e| ui.error(e))
}

/// How the deadlines were kept (the core's count: answered in time or late, extended, overdue),
/// as the DPO reads it above the queue.
fn deadlines_kept(ui: &Ui, kept: &DeadlinesKept) -> Markup {
    facts([
        (ui.t(W::StatReceived), html! { (kept.received) }),
        (
            ui.t(W::StatAnsweredInTime),
            html! { (kept.answered_in_time) },
        ),
        (ui.t(W::StatAnsweredLate), html! { (kept.answered_late) }),
        (ui.t(W::StatExtended), html! { (kept.extended) }),
        (ui.t(W::StatOverdue), html! { (kept.open_overdue) }),
    ])
}

/// The e-mails answering the request and where each stands: the staff see at once that one
/// is waiting for the mail relay or will never go (then they tell the person otherwise).
fn answers_block(ui: &Ui, answers: &[vigie_store::Answer]) -> Markup {
    use vigie_store::AnswerState;
    html! {
        h2 { (ui.t(W::AnsTitle)) }
        @if answers.is_empty() {
            p { (ui.t(W::AnsNone)) }
        } @else {
            ul.answers {
                @for a in answers {
                    li data-state=(a.state.as_str()) data-answer=(a.kind.as_str()) {
                        strong { (ui.t(answers::kind_words(a.kind))) }
                        (ui.t(W::Colon))
                        @match a.state {
                            AnswerState::Sent => {
                                (ui.t(W::AnsSentOn)) " "
                                (a.done_at.map(when).unwrap_or_default())
                                " (" (a.lang.as_str()) ")"
                            }
                            AnswerState::Pending => {
                                (ui.t(W::AnsPending)) " "
                                (when(a.next_attempt_at))
                                @if let Some(f) = &a.failure {
                                    " — " (ui.t(answers::failure_words(f)))
                                    " (" (ui.t(W::AnsAttempts)) (ui.t(W::Colon)) (a.attempts) ")"
                                }
                            }
                            AnswerState::Unsent => {
                                strong { (ui.t(W::AnsUnsent)) }
                                @if let Some(f) = &a.failure {
                                    " — " (ui.t(answers::failure_words(f)))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What the redirect after a step says, with the due date the core computed (an extension
/// shows its new due date).
fn done_sentence(lang: Lang, done: &str, due: &jiff::civil::Date) -> String {
    match (done, lang) {
        ("extend", Lang::Fr) => format!("Délai prolongé : nouvelle échéance le {due}."),
        ("extend", Lang::En) => format!("Period extended: now due on {due}."),
        ("filed", Lang::Fr) => format!("Demande enregistrée : réponse due le {due}."),
        ("filed", Lang::En) => format!("Request filed: answer due on {due}."),
        ("merged", _) => W::RequestMerged.t(lang).to_owned(),
        _ => W::StepRecorded.t(lang).to_owned(),
    }
}

/// A history step in words (its code stays in `data-code`).
fn step_words(lang: Lang, step: &str) -> &str {
    let w = match step {
        "filed" => W::StepFiled,
        "merged" => W::StepMerged,
        "verified" => W::StepVerified,
        "paused" => W::StepPaused,
        "resumed" => W::StepResumed,
        "extended" => W::StepExtended,
        "rejected" => W::StepRejected,
        "fulfilled" => W::StepFulfilled,
        "processor_notified" => W::StepProcessorNotified,
        "extension_sent" => W::StepExtensionSent,
        "extension_not_sent" => W::StepExtensionNotSent,
        "fulfilment_sent" | "rejection_sent" => W::StepAnswerSent,
        "fulfilment_not_sent" | "rejection_not_sent" => W::StepAnswerNotSent,
        "fulfilment_failed" | "extension_failed" | "rejection_failed" => W::StepAnswerFailed,
        "archive_downloaded" => W::StepArchiveDownloaded,
        "received_by" => W::StepReceivedBy,
        "identity_checked" => W::StepIdentityChecked,
        _ => return step,
    };
    w.t(lang)
}

/// A history note in words where it is a code (how a request was received, what was filed:
/// the store writes "<kind> by <identifier kind>[, identity verified]").
fn note_words(lang: Lang, step: &str, note: &str) -> String {
    if step == "filed"
        && let Some((kind, rest)) = note.split_once(" by ")
        && let Ok(kind) = kind.parse::<vigie_core::dsar::RequestKind>()
    {
        let (id_kind, verified) = match rest.strip_suffix(", identity verified") {
            Some(k) => (k, true),
            None => (rest, false),
        };
        let id_word = match id_kind {
            "email" => W::Email,
            "phone" => W::Phone,
            _ => return note.to_owned(),
        };
        let mut out = format!("{} ({})", kind.label(lang), id_word.t(lang));
        if verified {
            out.push_str(", ");
            out.push_str(W::StepVerified.t(lang));
        }
        return out;
    }
    let w = match (step, note) {
        ("received_by", "post") => W::ReceivedByPost,
        ("received_by", "phone") => W::ReceivedByPhone,
        ("received_by", "in_person") => W::ReceivedInPerson,
        _ => return note.to_owned(),
    };
    w.t(lang).to_owned()
}

/// A fulfilment's outcome in words: its keys named, its codes and booleans said, nested
/// records as nested lists. Never raw JSON.
fn outcome_words(lang: Lang, v: &serde_json::Value) -> Markup {
    use serde_json::Value;
    let key = |k: &str| -> String {
        let w = match k {
            "rejected" => W::OutRejected,
            "erasure" => W::KindErasure,
            "tombstone" => W::OutTombstone,
            "disposition" => W::OutDisposition,
            "contact" => W::Contact,
            "suppression_hashes_added" => W::OutSuppressionHashes,
            "identifier_kinds" => W::OutIdentifierKinds,
            "systems" => W::OutSystems,
            "processors_notified" => W::OutProcessorsNotified,
            "legal_hold" => W::OutLegalHold,
            "basis" => W::OutBasis,
            "kept_until" => W::OutKeptUntil,
            "answer_fr" => W::OutAnswer,
            "rectification" => W::KindRectification,
            "fields" => W::OutFields,
            "previous_version_kept" => W::OutPreviousKept,
            "restriction" => W::KindRestriction,
            "restricted" => W::Restricted,
            "until" => W::OutUntil,
            "objection" => W::KindObjection,
            "channel" => W::Channel,
            "purposes" => W::OutPurposes,
            "events_added" => W::OutEventsAdded,
            "archive" => W::OutArchive,
            "file" => W::OutFile,
            "bytes" => W::OutBytes,
            "files" => W::OutFiles,
            "system" => W::OutSystem,
            "table" => W::OutTable,
            "rows" => W::OutRows,
            _ => return k.replace('_', " "),
        };
        w.t(lang).to_owned()
    };
    let text = |s: &str| -> String {
        let w = match s {
            "erased" => W::OutErased,
            "archived_and_restricted" => W::OutArchivedRestricted,
            "lifted" => W::OutLifted,
            "email" => W::Email,
            "phone" => W::Phone,
            "any" => W::ChannelAny,
            s if s.starts_with("data key destroyed") => W::OutContactShredded,
            s => {
                if let Ok(p) = s.parse::<vigie_core::Purpose>() {
                    return p.label(lang).to_owned();
                }
                return s.to_owned();
            }
        };
        w.t(lang).to_owned()
    };
    fn walk(
        v: &Value,
        key: &dyn Fn(&str) -> String,
        text: &dyn Fn(&str) -> String,
        lang: Lang,
    ) -> Markup {
        match v {
            Value::Object(m) => html! {
                dl.outcome {
                    @for (k, v) in m { dt { (key(k)) } dd { (walk(v, key, text, lang)) } }
                }
            },
            Value::Array(a) if a.is_empty() => html! { "—" },
            Value::Array(a) if a.iter().all(|x| !x.is_object()) => html! {
                @for (i, x) in a.iter().enumerate() { @if i > 0 { ", " } (walk(x, key, text, lang)) }
            },
            Value::Array(a) => html! { ul { @for x in a { li { (walk(x, key, text, lang)) } } } },
            Value::Bool(b) => html! { (if *b { W::Yes.t(lang) } else { W::No.t(lang) }) },
            Value::String(s) => html! { (text(s)) },
            Value::Number(n) => html! { (n) },
            Value::Null => html! { "—" },
        }
    }
    walk(v, &key, &text, lang)
}
