//! The DPO files a request received by post, by phone or in person: `GET /requests/new` (the
//! form, filled in with a contact's identifier from its page) and `POST /requests`. The day of
//! receipt is the start of the period (`vigie_core::dsar::received_moment`); how the request
//! came and how the identity was checked go into its history. Errors appear beside their field.

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use maud::{Markup, html};
use serde::Deserialize;
use vigie_core::dsar::{RequestKind, received_moment};
use vigie_core::{ContactRef, Email, Lang, PhoneE164, Region};
use vigie_store::{Corrections, Identifier};

use crate::AppState;
use crate::html::components::{Field, Flash, csrf_field, flash};
use crate::html::{Label, Section, Ui, UiError, W, page};
use crate::requests::actor;

/// How a request reached the organization (recorded in its history).
const RECEIVED_BY: [(&str, W); 3] = [
    ("post", W::ReceivedByPost),
    ("phone", W::ReceivedByPhone),
    ("in_person", W::ReceivedInPerson),
];

/// The filing form, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct FilingForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    identifier: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    received_by: String,
    #[serde(default)]
    identity_checked: String,
    #[serde(default)]
    identity_how: String,
    #[serde(default)]
    new_email: String,
    #[serde(default)]
    new_phone: String,
    #[serde(default)]
    new_first_name: String,
    #[serde(default)]
    new_last_name: String,
}

/// A field's error: a sentence of the catalogue, or one with a value in it.
type Errors = Vec<(&'static str, String)>;

/// A request ready to file.
struct Filing {
    kind: RequestKind,
    identifier: Identifier,
    received_at: jiff::Timestamp,
    received_by: &'static str,
    identity_how: Option<String>,
    corrections: Option<Corrections>,
}

fn today(state: &AppState) -> Date {
    jiff::Timestamp::now()
        .to_zoned(state.dsar().time_zone().clone())
        .date()
}

/// `GET /requests/new`: the empty form, or filled with a contact's identifier (`?contact=`).
pub(crate) async fn new_request(
    State(state): State<AppState>,
    ui: Ui,
) -> Result<Response, UiError> {
    let mut form = FilingForm {
        received_on: today(&state).to_string(),
        received_by: "post".into(),
        ..FilingForm::default()
    };
    if let Some(r) = ui
        .params
        .contact
        .as_deref()
        .and_then(|c| ContactRef::parse(c).ok())
    {
        ui.caller
            .audit(
                &state,
                "contact.read",
                Some(format!("contact:{}", r.as_str())),
            )
            .await?;
        if let Some(c) = state.store().contact(ui.org.id, &r).await? {
            form.identifier = c
                .data
                .email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .or_else(|| c.data.phone.as_ref().map(|p| p.as_str().to_owned()))
                .unwrap_or_default();
        }
    }
    Ok(render(&ui, &form, &[], StatusCode::OK))
}

fn parse(
    form: &FilingForm,
    region: Region,
    state: &AppState,
    lang: Lang,
) -> Result<Filing, Errors> {
    let mut errors: Errors = Vec::new();
    let kind = form.kind.parse::<RequestKind>().ok();
    if kind.is_none() {
        errors.push(("kind", W::ErrChoose.t(lang).into()));
    }
    let id = form.identifier.trim();
    let identifier = if id.is_empty() {
        errors.push(("identifier", W::ErrRequired.t(lang).into()));
        None
    } else if id.contains('@') {
        Email::parse(id).ok().map(Identifier::Email)
    } else {
        PhoneE164::parse(id, region).ok().map(Identifier::Phone)
    };
    if identifier.is_none() && !id.is_empty() {
        errors.push(("identifier", W::ErrIdentifier.t(lang).into()));
    }
    let tz = state.dsar().time_zone().clone();
    let received_at = match form.received_on.trim().parse::<Date>() {
        Err(_) => {
            errors.push(("received_on", W::ErrBadDay.t(lang).into()));
            None
        }
        Ok(day) => match received_moment(day, jiff::Timestamp::now(), &tz) {
            Ok(at) => Some(at),
            Err(e) => {
                let text = match lang {
                    Lang::Fr => format!("Cette date est après aujourd'hui ({}).", e.today),
                    Lang::En => format!("This day is after today ({}).", e.today),
                };
                errors.push(("received_on", text));
                None
            }
        },
    };
    let received_by = RECEIVED_BY
        .iter()
        .find(|(code, _)| *code == form.received_by)
        .map(|(code, _)| *code);
    if received_by.is_none() {
        errors.push(("received_by", W::ErrChoose.t(lang).into()));
    }
    let checked = form.identity_checked == "1";
    let how = form.identity_how.trim();
    if checked && how.is_empty() {
        errors.push(("identity_how", W::ErrHowChecked.t(lang).into()));
    } else if how.chars().count() > 256 || how.chars().any(char::is_control) {
        errors.push(("identity_how", W::ErrTooLong.t(lang).into()));
    }
    let mut corrections = Corrections::default();
    if kind == Some(RequestKind::Rectification) {
        let e = form.new_email.trim();
        if !e.is_empty() {
            match Email::parse(e) {
                Ok(e) => corrections.email = Some(e),
                Err(_) => errors.push(("new_email", W::ErrBadEmail.t(lang).into())),
            }
        }
        let p = form.new_phone.trim();
        if !p.is_empty() {
            match PhoneE164::parse(p, region) {
                Ok(p) => corrections.phone = Some(p),
                Err(_) => errors.push(("new_phone", W::ErrBadPhone.t(lang).into())),
            }
        }
        for (field, value, slot) in [
            (
                "new_first_name",
                &form.new_first_name,
                &mut corrections.first_name,
            ),
            (
                "new_last_name",
                &form.new_last_name,
                &mut corrections.last_name,
            ),
        ] {
            let v = value.trim();
            if v.chars().count() > 256 || v.chars().any(char::is_control) {
                errors.push((field, W::ErrTooLong.t(lang).into()));
            } else if !v.is_empty() {
                *slot = Some(v.to_owned());
            }
        }
        if corrections.is_empty() && !errors.iter().any(|(f, _)| f.starts_with("new_")) {
            errors.push(("new_email", W::ErrNeedsCorrection.t(lang).into()));
        }
    }
    match (kind, identifier, received_at, received_by) {
        (Some(kind), Some(identifier), Some(received_at), Some(received_by))
            if errors.is_empty() =>
        {
            Ok(Filing {
                kind,
                identifier,
                received_at,
                received_by,
                identity_how: checked.then(|| how.to_owned()),
                corrections: (kind == RequestKind::Rectification).then_some(corrections),
            })
        }
        _ => Err(errors),
    }
}

/// `POST /requests`: files the request, records how it came and how the identity was
/// checked, then shows it.
pub(crate) async fn file_request(
    State(state): State<AppState>,
    ui: Ui,
    form: Result<Form<FilingForm>, FormRejection>,
) -> Result<Response, UiError> {
    let form = form.map(|f| f.0).unwrap_or_default();
    let region = state.store().org_settings(ui.org.id).await?.region;
    let f = match parse(&form, region, &state, ui.lang) {
        Ok(f) => f,
        Err(errors) => return Ok(render(&ui, &form, &errors, StatusCode::BAD_REQUEST)),
    };
    let by = actor(&ui.caller);
    let filed = state
        .dsar()
        .file_received(
            &ui.org,
            f.kind,
            f.identifier,
            f.identity_how.is_some(),
            f.corrections,
            f.received_at,
            &by,
        )
        .await
        .map_err(|e| ui.error(e))?;
    let id = filed.request.id;
    let store = state.store();
    store
        .record_request_step(
            ui.org.id,
            id,
            &by.name,
            "received_by",
            Some(f.received_by.to_owned()),
        )
        .await?;
    if let Some(how) = f.identity_how {
        store
            .record_request_step(ui.org.id, id, &by.name, "identity_checked", Some(how))
            .await?;
    }
    let done = if filed.merged { "merged" } else { "filed" };
    Ok(Redirect::to(
        &ui.link("/requests")
            .seg(&id.to_string())
            .q("done", done)
            .to_string(),
    )
    .into_response())
}

fn render(
    ui: &Ui,
    form: &FilingForm,
    errors: &[(&'static str, String)],
    status: StatusCode,
) -> Response {
    let lang = ui.lang;
    let error = |f: &str| {
        errors
            .iter()
            .find(|(n, _)| *n == f)
            .map(|(_, e)| e.as_str())
    };
    let choice = |name: &str, label: &str, options: Vec<(&str, &str)>, selected: &str| -> Markup {
        let id = format!("f-{name}");
        let e = error(name);
        html! {
            div.field.invalid[e.is_some()] {
                label for=(id) { (label) }
                select id=(id) name=(name) aria-invalid=[e.map(|_| "true")]
                    aria-describedby=[e.map(|_| format!("{id}-error"))] {
                    @for (value, text) in &options {
                        option value=(value) selected[*value == selected] { (text) }
                    }
                }
                @if let Some(e) = e { p.field-error id=(format!("{id}-error")) { (e) } }
            }
        }
    };
    let kinds: Vec<(&str, &str)> = RequestKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label(lang)))
        .collect();
    let by: Vec<(&str, &str)> = RECEIVED_BY.iter().map(|(c, w)| (*c, w.t(lang))).collect();
    let title = ui.t(W::FileRequest);
    let body = html! {
        p { a href=(ui.link("/requests")) { (ui.t(W::AllRequests)) } }
        h1 { (title) }
        @if !errors.is_empty() { (flash(Flash::Error, ui.t(W::FormHasErrors))) }
        p.hint { (ui.t(W::FileRequestIntro)) }
        form.filing method="post" action=(ui.link("/requests")) {
            (csrf_field(ui.csrf()))
            (choice("kind", ui.t(W::Request), kinds, &form.kind))
            (Field { required: true, value: &form.identifier, error: error("identifier"), ..Field::text("identifier", ui.t(W::SearchLabel)) })
            (Field { kind: "date", required: true, value: &form.received_on, error: error("received_on"), ..Field::text("received_on", ui.t(W::ReceivedOnDay)) })
            (choice("received_by", ui.t(W::ReceivedBy), by, &form.received_by))
            div.field.check {
                input #f-identity_checked type="checkbox" name="identity_checked" value="1" checked[form.identity_checked == "1"];
                label for="f-identity_checked" { (ui.t(W::IdentityChecked)) }
            }
            (Field { value: &form.identity_how, error: error("identity_how"), ..Field::text("identity_how", ui.t(W::IdentityHow)) })
            fieldset {
                legend { (ui.t(W::RectificationValues)) }
                (Field { kind: "email", value: &form.new_email, error: error("new_email"), ..Field::text("new_email", ui.t(W::Email)) })
                (Field { value: &form.new_phone, error: error("new_phone"), ..Field::text("new_phone", ui.t(W::Phone)) })
                (Field { value: &form.new_first_name, error: error("new_first_name"), ..Field::text("new_first_name", ui.t(W::FirstName)) })
                (Field { value: &form.new_last_name, error: error("new_last_name"), ..Field::text("new_last_name", ui.t(W::LastName)) })
            }
            button type="submit" { (title) }
        }
    };
    let mut resp = page(
        ui,
        title,
        Some(Section::Requests),
        ui.link("/requests/new"),
        body,
    );
    *resp.status_mut() = status;
    resp
}
