//! What a person may do on a contact's page, each a POST form whose errors appear beside their
//! field (the page is rendered again with the values typed and a 400):
//! - record a consent, a withdrawal or an objection with its proof (`ledger:write`);
//! - correct an identifier or a name, the previous version kept (`contacts:write`);
//! - restrict processing or lift the restriction (`requests:manage`, as a request would);
//! - start a request for the person (`requests:manage`, a link to the filing form).
//!
//! The gate has checked the permission and the CSRF token; every change is in the audit trail.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::DateTime;
use maud::{Markup, html};
use serde::Deserialize;
use vigie_core::{
    Action, ChannelScope, ConsentEvent, ContactRef, Email, Lang, Method, Permission, PhoneE164,
    Purpose, Region,
};
use vigie_store::{Contact, Corrections, NewConsentEvent};

use crate::AppState;
use crate::contact_ui::{contact_not_found, render_contact};
use crate::html::components::{Field, confirm_form, csrf_field};
use crate::html::{Label, Ui, UiError, W};
use crate::requests::actor;

/// Longest free text of a form (as the API's `source` and `notice_version`).
const MAX_TEXT: usize = 256;

/// Which form was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Which {
    Ledger,
    Correction,
    Restriction,
}

/// The fields of the page's forms (each form sends some of them), as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct ActionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    wording: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    restricted: String,
}

/// A form sent back with its errors, each beside its field.
pub(crate) struct Submitted {
    which: Which,
    form: ActionForm,
    errors: Vec<(&'static str, W)>,
}

impl Submitted {
    /// The sentence above the page.
    pub(crate) fn summary(&self, lang: Lang) -> &'static str {
        W::FormHasErrors.t(lang)
    }

    fn error(&self, which: Which, field: &str) -> Option<W> {
        (self.which == which)
            .then(|| {
                self.errors
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, w)| *w)
            })
            .flatten()
    }
}

/// The word of a `?done=` redirect after a change.
pub(crate) fn done_word(done: &str) -> Option<W> {
    Some(match done {
        "ledger" => W::EventRecorded,
        "correction" => W::CorrectionRecorded,
        "restricted" => W::RestrictionSet,
        "lifted" => W::RestrictionLifted,
        _ => return None,
    })
}

/// What a form's values and errors are in the page: the values typed when this form was
/// sent back, else none.
struct Shown<'a> {
    which: Which,
    lang: Lang,
    submitted: Option<&'a Submitted>,
}

impl Shown<'_> {
    fn value<'v>(&'v self, pick: impl Fn(&'v ActionForm) -> &'v str, default: &'v str) -> &'v str {
        match self.submitted {
            Some(s) if s.which == self.which => pick(&s.form),
            _ => default,
        }
    }

    fn error(&self, field: &str) -> Option<&'static str> {
        self.submitted
            .and_then(|s| s.error(self.which, field))
            .map(|w| w.t(self.lang))
    }

    /// A select among a vocabulary's values named in words, with its error beside it.
    fn choice<T: Label>(
        &self,
        name: &str,
        label: &str,
        values: &[T],
        code: impl Fn(T) -> &'static str,
        selected: &str,
    ) -> Markup {
        let id = format!("f-{name}");
        let error = self.error(name);
        let error_id = format!("{id}-error");
        html! {
            div.field.invalid[error.is_some()] {
                label for=(id) { (label) }
                select id=(id) name=(name) aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[error.map(|_| error_id.as_str())] {
                    @for v in values {
                        option value=(code(*v)) selected[code(*v) == selected] { (v.label(self.lang)) }
                    }
                }
                @if let Some(e) = error { p.field-error id=(error_id) { (e) } }
            }
        }
    }
}

/// The actions section of a contact's page: the forms the caller's role allows, none for a
/// role that may only read (an auditor sees no action). A customer archived for the accounting
/// obligation (`archived`) keeps its restriction and gets no e-mail or phone back: the store
/// refuses both, so the page does not offer them.
pub(crate) fn actions(
    ui: &Ui,
    contact: &Contact,
    archived: bool,
    submitted: Option<&Submitted>,
) -> Markup {
    let to = |step: &str| {
        ui.link("/contacts")
            .seg(contact.data.contact_ref.as_str())
            .seg(step)
    };
    let lang = ui.lang;
    let ledger = ui.caller.may(Permission::LedgerWrite);
    let correct = ui.caller.may(Permission::ContactsWrite);
    let manage = ui.caller.may(Permission::RequestsManage);
    if !(ledger || correct || manage) {
        return html! {};
    }
    let now_local = crate::decisions::now()
        .to_zoned(paris())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    html! {
        h2 #actions { (ui.t(W::ContactActions)) }
        @if ledger {
            @let s = Shown { which: Which::Ledger, lang, submitted };
            form.action method="post" action=(to("ledger")) {
                h3 { (ui.t(W::RecordEvent)) }
                (csrf_field(ui.csrf()))
                (s.choice("action", ui.t(W::Action), Action::ALL, Action::as_str, s.value(|f| &f.action, Action::Object.as_str())))
                (s.choice("channel", ui.t(W::Channel), ChannelScope::ALL, ChannelScope::as_str, s.value(|f| &f.channel, ChannelScope::Any.as_str())))
                (s.choice("purpose", ui.t(W::Purpose), Purpose::ALL, Purpose::as_str, s.value(|f| &f.purpose, Purpose::Marketing.as_str())))
                (s.choice("method", ui.t(W::Method), Method::ALL, Method::as_str, s.value(|f| &f.method, Method::CustomerService.as_str())))
                (Field { required: true, value: s.value(|f| &f.source, ""), error: s.error("source"), ..Field::text("source", ui.t(W::ProofSource)) })
                (Field { value: s.value(|f| &f.wording, ""), error: s.error("wording"), ..Field::text("wording", ui.t(W::ProofWording)) })
                (Field { kind: "datetime-local", required: true, value: s.value(|f| &f.at, &now_local), error: s.error("at"), ..Field::text("at", ui.t(W::ProofAt)) })
                p.hint { (ui.t(W::RecordEventHint)) }
                button type="submit" { (ui.t(W::RecordEvent)) }
            }
        }
        @if correct {
            @let s = Shown { which: Which::Correction, lang, submitted };
            @let all = [("email", W::Email), ("phone", W::Phone), ("first_name", W::FirstName), ("last_name", W::LastName)];
            @let fields = &all[if archived { 2 } else { 0 }..];
            form.action method="post" action=(to("correction")) {
                h3 { (ui.t(W::CorrectField)) }
                (csrf_field(ui.csrf()))
                div.field.invalid[s.error("field").is_some()] {
                    label for="f-field" { (ui.t(W::FieldToCorrect)) }
                    select #f-field name="field" {
                        @for &(code, word) in fields {
                            option value=(code) selected[s.value(|f| &f.field, "") == code] { (word.t(lang)) }
                        }
                    }
                    @if let Some(e) = s.error("field") { p.field-error { (e) } }
                }
                (Field { required: true, value: s.value(|f| &f.value, ""), error: s.error("value"), ..Field::text("value", ui.t(W::NewValue)) })
                p.hint { (ui.t(W::CorrectHint)) }
                button type="submit" { (ui.t(W::CorrectField)) }
            }
        }
        @if manage {
            @let s = Shown { which: Which::Restriction, lang, submitted };
            @let lifting = contact.data.restricted;
            @let fields = html! {
                input type="hidden" name="restricted" value=(if lifting { "0" } else { "1" });
                (Field { required: true, value: s.value(|f| &f.reason, ""), error: s.error("reason"), ..Field::text("reason", ui.t(W::Reason)) })
            };
            @if lifting && archived {
                p.hint { (ui.t(W::ArchiveKeepsRestriction)) }
            } @else if lifting {
                (confirm_form(lang, &to("restriction"), ui.csrf(), ui.t(W::LiftRestriction), ui.t(W::LiftWarning), fields))
            } @else {
                (confirm_form(lang, &to("restriction"), ui.csrf(), ui.t(W::Restrict), ui.t(W::RestrictWarning), fields))
            }
            p {
                a.button href=(ui.link("/requests/new").q("contact", contact.data.contact_ref.as_str())) {
                    (ui.t(W::StartRequest))
                }
            }
        }
    }
}

fn paris() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Paris").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// Free text of a form: trimmed, at most [`MAX_TEXT`] characters, no control character.
fn free_text(s: &str) -> Result<Option<String>, W> {
    let s = s.trim();
    if s.is_empty() {
        Ok(None)
    } else if s.chars().count() > MAX_TEXT {
        Err(W::ErrTooLong)
    } else if s.chars().any(char::is_control) {
        Err(W::ErrControl)
    } else {
        Ok(Some(s.to_owned()))
    }
}

/// The event a ledger form describes, or the errors of its fields.
fn parse_event(
    f: &ActionForm,
    now: jiff::Timestamp,
) -> Result<NewConsentEvent, Vec<(&'static str, W)>> {
    let mut errors = Vec::new();
    let mut vocab = |name: &'static str, r: Result<(), ()>| {
        if r.is_err() {
            errors.push((name, W::ErrChoose));
        }
    };
    let action = f.action.parse::<Action>();
    vocab("action", action.as_ref().map(|_| ()).map_err(|_| ()));
    let scope = f.channel.parse::<ChannelScope>();
    vocab("channel", scope.as_ref().map(|_| ()).map_err(|_| ()));
    let purpose = f.purpose.parse::<Purpose>();
    vocab("purpose", purpose.as_ref().map(|_| ()).map_err(|_| ()));
    let method = f.method.parse::<Method>();
    vocab("method", method.as_ref().map(|_| ()).map_err(|_| ()));
    let source = match free_text(&f.source) {
        Ok(Some(s)) => Some(s),
        Ok(None) => {
            errors.push(("source", W::ErrRequired));
            None
        }
        Err(w) => {
            errors.push(("source", w));
            None
        }
    };
    let wording = free_text(&f.wording).unwrap_or_else(|w| {
        errors.push(("wording", w));
        None
    });
    // The time as typed, on the pages' clock (Paris), to the minute; never in the future.
    let at = match f.at.trim().parse::<DateTime>() {
        Err(_) if f.at.trim().is_empty() => {
            errors.push(("at", W::ErrRequired));
            None
        }
        Err(_) => {
            errors.push(("at", W::ErrBadDate));
            None
        }
        Ok(dt) => match dt.to_zoned(paris()) {
            Ok(z) if z.timestamp() > now => {
                errors.push(("at", W::ErrFuture));
                None
            }
            Ok(z) => Some(z.timestamp()),
            Err(_) => {
                errors.push(("at", W::ErrBadDate));
                None
            }
        },
    };
    match (action, scope, purpose, method, at) {
        (Ok(action), Ok(scope), Ok(purpose), Ok(method), Some(at)) if errors.is_empty() => {
            Ok(NewConsentEvent {
                event: ConsentEvent {
                    scope,
                    purpose,
                    action,
                    at,
                    method,
                },
                notice_version: wording,
                source,
                ip: None,
                user_agent: None,
            })
        }
        _ => Err(errors),
    }
}

/// The corrections a correction form asks for, or the error of its field.
fn parse_correction(f: &ActionForm, region: Region) -> Result<Corrections, (&'static str, W)> {
    let value = f.value.trim();
    if value.is_empty() {
        return Err(("value", W::ErrRequired));
    }
    let mut c = Corrections::default();
    match f.field.as_str() {
        "email" => c.email = Some(Email::parse(value).map_err(|_| ("value", W::ErrBadEmail))?),
        "phone" => {
            c.phone = Some(PhoneE164::parse(value, region).map_err(|_| ("value", W::ErrBadPhone))?)
        }
        "first_name" | "last_name" => {
            let name = free_text(value).map_err(|w| ("value", w))?;
            if f.field == "first_name" {
                c.first_name = name;
            } else {
                c.last_name = name;
            }
        }
        _ => return Err(("field", W::ErrChoose)),
    }
    Ok(c)
}

/// Loads the contact a form is about: 404 if unknown; an erased contact takes no change.
async fn target_contact(
    state: &AppState,
    ui: &Ui,
    contact_ref: &str,
) -> Result<(ContactRef, Contact), UiError> {
    let r = ContactRef::parse(contact_ref).map_err(|_| contact_not_found(ui))?;
    let contact = state
        .store()
        .contact(ui.org.id, &r)
        .await?
        .ok_or_else(|| contact_not_found(ui))?;
    if state
        .store()
        .contact_erasure(ui.org.id, contact.id)
        .await?
        .is_some()
    {
        return Err(UiError {
            status: StatusCode::CONFLICT,
            lang: ui.lang,
            title: Some(ui.t(W::Contacts).to_owned()),
            message: ui.t(W::ErasedNoChange).to_owned(),
        });
    }
    Ok((r, contact))
}

fn back(ui: &Ui, r: &ContactRef, done: &str) -> Response {
    Redirect::to(
        &ui.link("/contacts")
            .seg(r.as_str())
            .q("done", done)
            .to_string(),
    )
    .into_response()
}

async fn refused(
    state: &AppState,
    ui: &Ui,
    r: &ContactRef,
    which: Which,
    form: ActionForm,
    errors: Vec<(&'static str, W)>,
) -> Result<Response, UiError> {
    let s = Submitted {
        which,
        form,
        errors,
    };
    render_contact(state, ui, r.as_str(), StatusCode::BAD_REQUEST, Some(&s)).await
}

/// `POST /contacts/{contact_ref}/ledger`: a consent, a withdrawal or an objection with its
/// proof, appended to the ledger (append-only; the same content twice is stored once).
pub(crate) async fn record_event(
    State(state): State<AppState>,
    ui: Ui,
    Path(contact_ref): Path<String>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Result<Response, UiError> {
    let form = form.map(|f| f.0).unwrap_or_default();
    let (r, _) = target_contact(&state, &ui, &contact_ref).await?;
    let event = match parse_event(&form, jiff::Timestamp::now()) {
        Ok(e) => e,
        Err(errors) => return refused(&state, &ui, &r, Which::Ledger, form, errors).await,
    };
    ui.caller
        .audit(
            &state,
            "ledger.append",
            Some(format!("contact:{}", r.as_str())),
        )
        .await?;
    state.store().append_event(ui.org.id, &r, &event).await?;
    Ok(back(&ui, &r, "ledger"))
}

/// `POST /contacts/{contact_ref}/correction`: one identifier or name corrected; the previous
/// version is kept (sealed with the contact's key) and listed on the page.
pub(crate) async fn correct(
    State(state): State<AppState>,
    ui: Ui,
    Path(contact_ref): Path<String>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Result<Response, UiError> {
    let form = form.map(|f| f.0).unwrap_or_default();
    let (r, _) = target_contact(&state, &ui, &contact_ref).await?;
    let region = state.store().org_settings(ui.org.id).await?.region;
    let corrections = match parse_correction(&form, region) {
        Ok(c) => c,
        Err(e) => return refused(&state, &ui, &r, Which::Correction, form, vec![e]).await,
    };
    // The trail names the fields corrected, never their values.
    ui.caller
        .audit_because(
            &state,
            "contact.update",
            Some(format!("contact:{}", r.as_str())),
            Some(format!("correction: {}", corrections.fields().join(","))),
        )
        .await?;
    state
        .store()
        .rectify_contact(ui.org.id, &r, &corrections, None)
        .await?;
    Ok(back(&ui, &r, "correction"))
}

/// `POST /contacts/{contact_ref}/restriction`: restricts processing (held, as a request's
/// restriction: re-imports do not lift it) or lifts the restriction, with its reason.
pub(crate) async fn restriction(
    State(state): State<AppState>,
    ui: Ui,
    Path(contact_ref): Path<String>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Result<Response, UiError> {
    let form = form.map(|f| f.0).unwrap_or_default();
    let (r, _) = target_contact(&state, &ui, &contact_ref).await?;
    let reason = match free_text(&form.reason) {
        Ok(Some(reason)) => reason,
        Ok(None) => {
            return refused(
                &state,
                &ui,
                &r,
                Which::Restriction,
                form,
                vec![("reason", W::ErrRequired)],
            )
            .await;
        }
        Err(w) => {
            return refused(
                &state,
                &ui,
                &r,
                Which::Restriction,
                form,
                vec![("reason", w)],
            )
            .await;
        }
    };
    let restrict = match form.restricted.as_str() {
        "1" => true,
        "0" => false,
        _ => {
            return refused(
                &state,
                &ui,
                &r,
                Which::Restriction,
                form,
                vec![("reason", W::ErrChoose)],
            )
            .await;
        }
    };
    if restrict {
        ui.caller
            .audit_because(
                &state,
                "contact.restrict",
                Some(format!("contact:{}", r.as_str())),
                Some(reason),
            )
            .await?;
        state
            .store()
            .set_contact_restricted(ui.org.id, &r, true)
            .await?;
        Ok(back(&ui, &r, "restricted"))
    } else {
        state
            .dsar()
            .lift_restriction(&ui.org, &r, &reason, &actor(&ui.caller))
            .await
            .map_err(|e| ui.error(e))?;
        Ok(back(&ui, &r, "lifted"))
    }
}
