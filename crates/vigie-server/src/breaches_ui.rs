//! The breach register's pages (issue 13): `/registers/breaches` (every breach, its clock) with
//! the form to record one, and `/registers/breaches/{id}`: the facts, the 72-hour clock, the
//! notification's content prepared from the register (art. 33(3)), and the steps as forms —
//! notified, decided not to notify (with the reason), contacts counted from the base, the
//! decision on informing the persons (art. 34) with the message to them.

use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use vigie_core::Permission;
use vigie_core::assess::BreachRisk;
use vigie_core::registers::breach::{Breach, BreachNature, PersonsDecision};

use crate::AppState;
use crate::breaches::{Selection, breach_out, count_selection, remaining_text};
use crate::decisions::now;
use crate::error::ApiError;
use crate::html::components::{
    Field, Flash, checkboxes, confirm_form, csrf_field, empty, facts, flash, select, step_form,
    table, text_area,
};
use crate::html::{Link, Section, Ui, UiError, W, page, when};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/registers/breaches", get(list).post(record))
        .route("/registers/breaches/{id}", get(breach_page))
        .route("/registers/breaches/{id}/{step}", post(step))
}

fn nature_word(n: BreachNature) -> W {
    match n {
        BreachNature::Confidentiality => W::NatureConfidentiality,
        BreachNature::Integrity => W::NatureIntegrity,
        BreachNature::Availability => W::NatureAvailability,
    }
}

fn risk_word(r: BreachRisk) -> W {
    match r {
        BreachRisk::Unlikely => W::RiskUnlikely,
        BreachRisk::Risk => W::RiskPresent,
        BreachRisk::High => W::RiskHigh,
    }
}

fn link(ui: &Ui, id: i64) -> Link {
    ui.link("/registers/breaches").seg(&id.to_string())
}

/// The clock in words: the deadline, and the time left while it runs.
fn clock_text(ui: &Ui, b: &Breach) -> Markup {
    let c = b.clock(now(), ui.lang);
    html! {
        @match c.assessment.deadline {
            None => { (c.assessment.explanation) }
            Some(d) => {
                (when(d))
                @if let Some(left) = c.remaining { " — " strong { (ui.t(W::TimeLeft)) " " (remaining_text(left)) } }
                @else if let Some(at) = b.notified_at { " — " (ui.t(W::NotifiedAt)) " " (when(at)) }
                @else if let Some(r) = &b.not_notified_reason { " — " (ui.t(W::NotNotifiedReason)) (ui.t(W::Colon)) (r) }
            }
        }
    }
}

fn record_form(ui: &Ui, error: Option<&str>) -> Markup {
    let natures: Vec<(String, &str, bool)> = BreachNature::ALL
        .iter()
        .map(|n| {
            (
                format!("nature_{}", n.as_str()),
                nature_word(*n).t(ui.lang),
                false,
            )
        })
        .collect();
    let risks: Vec<(String, String)> = BreachRisk::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), risk_word(*r).t(ui.lang).to_owned()))
        .collect();
    html! {
        h2 { (ui.t(W::RecordBreach)) }
        @if let Some(e) = error { (flash(Flash::Error, e)) }
        form method="post" action=(ui.link("/registers/breaches")) {
            (csrf_field(ui.csrf()))
            div.field {
                label for="f-aware_at" { (ui.t(W::AwareAt)) }
                span.hint id="f-aware_at-hint" { (ui.t(W::AwareAtHint)) }
                input id="f-aware_at" type="text" name="aware_at" required aria-describedby="f-aware_at-hint";
            }
            (checkboxes(ui.t(W::Nature), &natures))
            (text_area("description", ui.t(W::Description), None, ""))
            (text_area("categories_of_persons", ui.t(W::CategoriesOfPersons), Some(ui.t(W::OnePerLine)), ""))
            (text_area("categories_of_data", ui.t(W::DataConcerned), Some(ui.t(W::OnePerLine)), ""))
            (select("risk", ui.t(W::RiskLevel), &risks, "risk"))
            (text_area("consequences", ui.t(W::Consequences), None, ""))
            (text_area("measures", ui.t(W::MeasuresTaken), None, ""))
            button type="submit" { (ui.t(W::RecordBreach)) }
        }
    }
}

async fn list_page(state: &AppState, ui: &Ui, error: Option<&str>) -> Result<Response, UiError> {
    let breaches = state
        .store()
        .breaches(ui.org.id)
        .await
        .map_err(|e| ui.error(e))?;
    let title = ui.t(W::Breaches);
    let heads = ["#", ui.t(W::AwareAt), ui.t(W::RiskLevel), ui.t(W::Deadline)];
    let body = html! {
        p { a href=(ui.link("/registers")) { (ui.t(W::AllRegisters)) } }
        h1 { (title) }
        p.hint { (ui.t(W::BreachesIntro)) }
        @if breaches.is_empty() { (empty(ui.t(W::NoBreaches))) } @else {
            (table("breaches", Some(title), &heads, html! {
                @for (id, b) in &breaches {
                    tr {
                        th scope="row" { a href=(link(ui, *id)) { (id) } }
                        td { (when(b.aware_at)) }
                        td { (risk_word(b.risk).t(ui.lang)) }
                        td { (clock_text(ui, b)) }
                    }
                }
            }))
        }
        @if ui.caller.may(Permission::RegistersWrite) { (record_form(ui, error)) }
    };
    let mut resp = page(
        ui,
        title,
        Some(Section::Registers),
        ui.link("/registers/breaches"),
        body,
    );
    if error.is_some() {
        *resp.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(resp)
}

async fn list(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    list_page(&state, &ui, None).await
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.trim())
}

fn lines(pairs: &[(String, String)], name: &str) -> Vec<String> {
    field(pairs, name)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn breach_of(pairs: &[(String, String)]) -> Result<Breach, String> {
    let b = Breach {
        aware_at: field(pairs, "aware_at")
            .parse()
            .map_err(|e| format!("aware_at: {e}"))?,
        occurred_at: None,
        nature: BreachNature::ALL
            .iter()
            .copied()
            .filter(|n| {
                pairs
                    .iter()
                    .any(|(k, _)| *k == format!("nature_{}", n.as_str()))
            })
            .collect(),
        description: field(pairs, "description").to_owned(),
        categories_of_persons: lines(pairs, "categories_of_persons"),
        categories_of_data: lines(pairs, "categories_of_data"),
        persons_concerned: None,
        persons_counted_from: None,
        risk: field(pairs, "risk")
            .parse()
            .map_err(|e| format!("risk: {e}"))?,
        consequences: field(pairs, "consequences").to_owned(),
        measures: field(pairs, "measures").to_owned(),
        notified_at: None,
        not_notified_reason: None,
        persons: None,
    };
    b.check()?;
    Ok(b)
}

async fn record(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let b = match breach_of(&pairs) {
        Ok(b) => b,
        Err(e) => return list_page(&state, &ui, Some(&e)).await,
    };
    let id = state
        .store()
        .record_breach(ui.org.id, &b, ui.caller.audit_event("breach.record", None))
        .await
        .map_err(|e| ui.error(e))?;
    Ok(Redirect::to(&link(&ui, id).q("done", "recorded").to_string()).into_response())
}

async fn breach_page(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<i64>,
) -> Result<Response, UiError> {
    render(&state, &ui, id, None).await
}

async fn render(
    state: &AppState,
    ui: &Ui,
    id: i64,
    error: Option<&str>,
) -> Result<Response, UiError> {
    let lang = ui.lang;
    let b = state
        .store()
        .breach(ui.org.id, id)
        .await
        .map_err(|e| ui.error(e))?
        .ok_or_else(|| ui.error(ApiError::not_found("no such breach")))?;
    let out = breach_out(state, ui.org.id, id, b, lang)
        .await
        .map_err(|e| ui.error(e))?;
    let b = &out.breach;
    let title = format!("{}{id}", ui.t(W::BreachNumber));
    let to = |step: &str| link(ui, id).seg(step);
    let csrf = ui.csrf();
    let natures = b
        .nature
        .iter()
        .map(|n| nature_word(*n).t(lang))
        .collect::<Vec<_>>()
        .join(", ");
    let may_write = ui.caller.may(Permission::RegistersWrite);
    let body = html! {
        p { a href=(ui.link("/registers/breaches")) { (ui.t(W::Breaches)) } }
        h1 { (title) }
        @if let Some(e) = error { (flash(Flash::Error, e)) }
        @else if ui.params.done.is_some() { (flash(Flash::Success, ui.t(W::RegisterSaved))) }
        (facts([
            (ui.t(W::Deadline), clock_text(ui, b)),
            (ui.t(W::AwareAt), html! { (when(b.aware_at)) }),
            (ui.t(W::Nature), html! { (natures) }),
            (ui.t(W::Description), html! { (b.description) }),
            (ui.t(W::CategoriesOfPersons), html! { (b.categories_of_persons.join(", ")) }),
            (ui.t(W::DataConcerned), html! { (b.categories_of_data.join(", ")) }),
            (ui.t(W::PersonsConcerned), html! {
                @if let Some(n) = b.persons_concerned { (n) @if let Some(f) = &b.persons_counted_from { " (" (f) ")" } } @else { "—" }
            }),
            (ui.t(W::RiskLevel), html! { (risk_word(b.risk).t(lang)) }),
            (ui.t(W::Consequences), html! { (b.consequences) }),
            (ui.t(W::MeasuresTaken), html! { (b.measures) }),
            (ui.t(W::InformDecision), html! {
                @if let Some(p) = &b.persons {
                    (if p.inform { ui.t(W::Inform) } else { ui.t(W::DoNotInform) }) " — " (p.reason)
                    @if let Some(m) = &p.message { pre.draft { (m) } }
                } @else { "—" }
            }),
        ]))
        p.hint { (out.clock.assessment.explanation) }
        @if let Some(draft) = &out.notification_draft {
            h2 { (ui.t(W::NotificationDraft)) }
            pre.draft { (draft) }
        }
        @if may_write {
            @if out.clock.running {
                (step_form(&to("notified"), csrf, html! {}, ui.t(W::MarkNotified)))
                (confirm_form(lang, &to("no-notification"), csrf, ui.t(W::DecideNotToNotify), ui.t(W::DecideNotToNotifyWarning), html! {
                    (Field { required: true, ..Field::text("reason", ui.t(W::NotNotifiedReason)) })
                }))
            }
            h2 { (ui.t(W::CountAffected)) }
            (step_form(&to("count"), csrf, html! {
                p.hint { (ui.t(W::CountHint)) }
                (text_area("contact_refs", ui.t(W::ContactRef), None, ""))
                (Field::text("collected_from", ui.t(W::CollectedFrom)))
                (Field::text("collected_until", ui.t(W::CollectedUntil)))
            }, ui.t(W::CountAffected)))
            h2 { (ui.t(W::InformPersons)) }
            (step_form(&to("persons"), csrf, html! {
                (select("inform", ui.t(W::InformDecision), &[("yes".to_owned(), ui.t(W::Inform).to_owned()), ("no".to_owned(), ui.t(W::DoNotInform).to_owned())], if b.risk == BreachRisk::High { "yes" } else { "no" }))
                (Field { required: true, ..Field::text("reason", ui.t(W::Description)) })
                (text_area("message", ui.t(W::MessageToPersons), None, b.persons.as_ref().and_then(|p| p.message.as_deref()).unwrap_or("")))
            }, ui.t(W::Save)))
        }
    };
    let mut resp = page(ui, &title, Some(Section::Registers), link(ui, id), body);
    if error.is_some() {
        *resp.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(resp)
}

async fn step(
    State(state): State<AppState>,
    ui: Ui,
    Path((id, step)): Path<(i64, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let store = state.store();
    let mut b = store
        .breach(ui.org.id, id)
        .await
        .map_err(|e| ui.error(e))?
        .ok_or_else(|| ui.error(ApiError::not_found("no such breach")))?;
    let outcome: Result<&str, String> = match step.as_str() {
        "notified" => {
            b.notified_at = Some(now());
            Ok("breach.notify")
        }
        "no-notification" => {
            b.not_notified_reason = Some(field(&pairs, "reason").to_owned());
            Ok("breach.no_notification")
        }
        "persons" => {
            let message = Some(field(&pairs, "message").to_owned()).filter(|m| !m.is_empty());
            b.persons = Some(PersonsDecision {
                inform: field(&pairs, "inform") == "yes",
                reason: field(&pairs, "reason").to_owned(),
                message,
            });
            Ok("breach.persons")
        }
        "count" => {
            let parse_at = |name: &str| -> Result<Option<jiff::Timestamp>, String> {
                match field(&pairs, name) {
                    "" => Ok(None),
                    v => v.parse().map(Some).map_err(|e| format!("{name}: {e}")),
                }
            };
            match (parse_at("collected_from"), parse_at("collected_until")) {
                (Ok(collected_from), Ok(collected_until)) => {
                    let selection = Selection {
                        contact_refs: lines(&pairs, "contact_refs"),
                        collected_from,
                        collected_until,
                    };
                    match count_selection(&state, ui.org.id, &selection).await {
                        Ok((n, from)) => {
                            b.persons_concerned = Some(n);
                            b.persons_counted_from = Some(from);
                            Ok("breach.count")
                        }
                        Err(e) => Err(e.message),
                    }
                }
                (Err(e), _) | (_, Err(e)) => Err(e),
            }
        }
        _ => return Err(ui.error(ApiError::not_found("no such step"))),
    };
    let saved = match outcome {
        Ok(action) => b.check().and(Ok(action)).map(|action| (action, b.clone())),
        Err(e) => Err(e),
    };
    match saved {
        Ok((action, b)) => {
            store
                .update_breach(ui.org.id, id, &b, ui.caller.audit_event(action, None))
                .await
                .map_err(|e| ui.error(e))?;
            Ok(Redirect::to(&link(&ui, id).q("done", step).to_string()).into_response())
        }
        Err(e) => render(&state, &ui, id, Some(&e)).await,
    }
}
