//! The call-centre agent's page, `/agent`: one search box for a number as people type it, a big
//! answer (may I call now, yes or no, and why, in the core's words) with the person's name and
//! nothing else, then one button per way a call ends. The answer comes from
//! [`crate::calls::answer_call`] and the outcome goes through [`crate::calls::record_calls`],
//! as `GET /api/v1/calls/check` and `POST /api/v1/calls` do; after an outcome the page asks
//! again, so a refusal shows at once as « do not call ».

use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use vigie_core::{CallOutcome, Decision, Moment, Permission, PhoneE164, Purpose};
use vigie_store::{CallTo, NewCall};

use crate::AppState;
use crate::calls::{CallCheckOut, CallQuestion, answer_call, record_calls};
use crate::error::ApiError;
use crate::html::components::{Flash, csrf_field, flash};
use crate::html::{Label, Section, Ui, UiError, W, page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/agent", get(agent_page))
        .route("/agent/calls", post(log_outcome))
}

/// What the search found, in words the agent can act on.
enum Answer {
    /// Nothing typed yet.
    Nothing,
    Found(CallCheckOut),
    /// The number could not be read, or names no one or several people, or the opposition list
    /// is out of date: the agent does not call.
    Problem(W),
}

/// The moment asked about: `?at=` (RFC 3339 with offset: planning a call, or a test's fixed
/// clock), else now. `None` when `at` cannot be read.
fn moment(at: Option<&str>) -> Option<Moment> {
    match at.map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => Moment::parse(a).ok(),
        None => Some(Moment::from(crate::decisions::now())),
    }
}

/// Asks the core about the typed number; the problems an agent can meet become words.
async fn ask(state: &AppState, ui: &Ui, typed: &str) -> Result<Answer, UiError> {
    if typed.is_empty() {
        return Ok(Answer::Nothing);
    }
    let Some(at) = moment(ui.params.at.as_deref()) else {
        return Ok(Answer::Problem(W::AgentBadMoment));
    };
    let region = state.store().org_settings(ui.org.id).await?.region;
    let Ok(phone) = PhoneE164::parse(typed, region) else {
        return Ok(Answer::Problem(W::AgentBadNumber));
    };
    let question = CallQuestion {
        phone,
        at,
        purpose: Purpose::Marketing,
        product_category: None,
        allow_stale_opposition_list: false,
    };
    match answer_call(state, &ui.caller, question, ui.lang).await {
        Ok(a) => Ok(Answer::Found(a)),
        Err(e) => match &*e.code {
            "unknown_number" => Ok(Answer::Problem(W::AgentUnknownNumber)),
            "ambiguous_number" => Ok(Answer::Problem(W::AgentAmbiguousNumber)),
            "stale_opposition_list" => Ok(Answer::Problem(W::AgentStaleList)),
            _ => Err(ui.error(e)),
        },
    }
}

async fn agent_page(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let typed = ui
        .params
        .q
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .to_owned();
    let answer = ask(&state, &ui, &typed).await?;
    let logged = ui
        .params
        .done
        .as_deref()
        .and_then(|d| d.parse::<CallOutcome>().ok());
    let status = match answer {
        Answer::Problem(W::AgentBadNumber | W::AgentBadMoment) => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    let mut resp = render(&ui, &typed, &answer, logged, None);
    *resp.status_mut() = status;
    Ok(resp)
}

fn render(
    ui: &Ui,
    typed: &str,
    answer: &Answer,
    logged: Option<CallOutcome>,
    error: Option<&str>,
) -> Response {
    let body = html! {
        h1 { (ui.t(W::AgentTitle)) }
        form.agent-search method="get" action="/agent" role="search" {
            @if ui.org.slug != vigie_store::DEFAULT_ORG { input type="hidden" name="org" value=(ui.org.slug); }
            @if let Some(at) = &ui.params.at { input type="hidden" name="at" value=(at); }
            div.field {
                label for="f-q" { (ui.t(W::AgentNumber)) }
                // The agent's first move is to type: the box has the focus.
                input #f-q type="tel" name="q" value=(typed) autocomplete="off" inputmode="tel"
                    autofocus required aria-describedby="agent-hint";
            }
            button type="submit" { (ui.t(W::AgentCheck)) }
            p.hint #agent-hint { (ui.t(W::AgentHint)) }
        }
        @if let Some(e) = error { (flash(Flash::Error, e)) }
        @if let Some(o) = logged {
            (flash(Flash::Success, &format!("{}{}{}", ui.t(W::AgentLogged), ui.t(W::Colon), o.label(ui.lang))))
        }
        (verdict(ui, typed, answer))
    };
    let here = ui
        .link("/agent")
        .q("q", typed)
        .q("at", ui.params.at.clone().unwrap_or_default());
    page(ui, ui.t(W::AgentTitle), Some(Section::Agent), here, body)
}

/// The big answer, then the outcome buttons (for those who may log calls).
fn verdict(ui: &Ui, typed: &str, answer: &Answer) -> Markup {
    match answer {
        Answer::Nothing => html! {},
        Answer::Problem(w) => html! {
            section.verdict.deny aria-labelledby="verdict" {
                p.verdict-answer #verdict { (ui.t(W::AgentDoNotCall)) }
                p.verdict-why { (ui.t(*w)) }
            }
        },
        Answer::Found(a) => {
            let allow = a.decision == Decision::Allow;
            let name = match (&a.first_name, &a.last_name) {
                (Some(f), Some(l)) => format!("{f} {l}"),
                (Some(n), None) | (None, Some(n)) => n.clone(),
                (None, None) => ui.t(W::AgentNoName).to_owned(),
            };
            html! {
                section.verdict.allow[allow].deny[!allow] aria-labelledby="verdict" {
                    p.verdict-answer #verdict { (ui.t(if allow { W::AgentMayCall } else { W::AgentDoNotCall })) }
                    p.verdict-why { (a.sentence) }
                    p.verdict-name { (ui.t(W::Name)) (ui.t(W::Colon)) strong { (name) } }
                }
                @if ui.caller.may(Permission::CallsLog) {
                    (outcome_form(ui, typed))
                }
            }
        }
    }
}

fn outcome_form(ui: &Ui, typed: &str) -> Markup {
    html! {
        form.outcomes method="post" action=(ui.link("/agent/calls")) {
            fieldset {
                legend { (ui.t(W::AgentHowEnded)) }
                (csrf_field(ui.csrf()))
                input type="hidden" name="phone" value=(typed);
                @if let Some(at) = &ui.params.at { input type="hidden" name="at" value=(at); }
                @for o in CallOutcome::ALL {
                    button type="submit" name="outcome" value=(o.as_str()) .refused[*o == CallOutcome::Refused] {
                        (o.label(ui.lang))
                    }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
struct OutcomeForm {
    phone: String,
    outcome: String,
    /// The moment the page asked about, when not now: the call is logged at it.
    at: Option<String>,
}

/// Records how the call ended, at this moment, by this agent, then shows the page's answer
/// again (a refusal reads « do not call » at once).
async fn log_outcome(
    State(state): State<AppState>,
    ui: Ui,
    form: Result<Form<OutcomeForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, UiError> {
    let bad = |ui: &Ui, typed: &str, w: W| {
        let mut r = render(ui, typed, &Answer::Nothing, None, Some(ui.t(w)));
        *r.status_mut() = StatusCode::BAD_REQUEST;
        r
    };
    let Ok(Form(form)) = form else {
        return Ok(bad(&ui, "", W::AgentBadOutcome));
    };
    let typed = form.phone.trim().to_owned();
    let Ok(outcome) = form.outcome.parse::<CallOutcome>() else {
        return Ok(bad(&ui, &typed, W::AgentBadOutcome));
    };
    let region = state.store().org_settings(ui.org.id).await?.region;
    let Ok(phone) = PhoneE164::parse(&typed, region) else {
        return Ok(bad(&ui, &typed, W::AgentBadNumber));
    };
    let at_text = form.at.unwrap_or_default();
    let Some(at) = moment(Some(&at_text)) else {
        return Ok(bad(&ui, &typed, W::AgentBadMoment));
    };
    let call = NewCall {
        line: 0,
        to: CallTo::Number(phone),
        at: at.instant(),
        outcome,
        campaign: None,
        agent: Some(ui.caller.actor()),
    };
    match record_calls(&state, &ui.caller, vec![call]).await {
        Ok(_) => {}
        Err(ApiError { code, .. }) if code == "unknown_contact" => {
            return Ok(bad(&ui, &typed, W::AgentUnknownNumber));
        }
        Err(e) => return Err(ui.error(e)),
    }
    let back = ui
        .link("/agent")
        .q("q", typed)
        .q("at", at_text)
        .q("done", outcome.as_str());
    Ok(Redirect::to(&back.to_string()).into_response())
}
