//! The registers' forms (issue 13): the organization's profile, and adding or changing an
//! activity, a processor or an impact assessment. Lists are one entry per line; vocabularies
//! are selects and checkboxes. A form saves through the store as the API does — the next version of the
//! registers, one audit entry, a conflict when someone saved since the form was read — and a
//! refusal shows the form again with the field named.

use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use vigie_core::registers::{Activity, Dpia, OrgRole, Party, Processor, Profile, Registers};

use crate::AppState;
use crate::error::ApiError;
use crate::html::components::{Field, checkboxes, csrf_field, text_area};
use crate::html::{Label, Link, Section, Ui, UiError, W, page};
use crate::registers_records::{RecordForm, Refusal, Submitted, Values};
use crate::registers_ui::{back, require, stored};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/registers/profile/edit", get(profile_form))
        .route("/registers/profile", post(save_profile))
        .route("/registers/activities/new", get(new_record::<Activity>))
        .route("/registers/activities", post(save_record::<Activity>))
        .route(
            "/registers/activities/{id}/edit",
            get(edit_record::<Activity>),
        )
        .route("/registers/processors/new", get(new_record::<Processor>))
        .route("/registers/processors", post(save_record::<Processor>))
        .route(
            "/registers/processors/{id}/edit",
            get(edit_record::<Processor>),
        )
        .route("/registers/dpias/new", get(new_record::<Dpia>))
        .route("/registers/dpias", post(save_record::<Dpia>))
        .route("/registers/dpias/{id}/edit", get(edit_record::<Dpia>))
}

/// The empty form of a new record.
async fn new_record<R: RecordForm>(
    State(state): State<AppState>,
    ui: Ui,
) -> Result<Response, UiError> {
    let s = require(&state, &ui).await?;
    Ok(form_page(
        &ui,
        ui.t(R::ADD),
        ui.link(R::PATH).seg("new"),
        ui.link(R::PATH),
        s.version,
        None,
        R::fields(&ui, &s.registers, &Values::Stored(None)),
    ))
}

/// The form of a recorded one, filled.
async fn edit_record<R: RecordForm>(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let s = require(&state, &ui).await?;
    let record = R::find(&s.registers, &id)
        .ok_or_else(|| ui.error(ApiError::not_found(format!("no such {}", R::KIND))))?;
    Ok(form_page(
        &ui,
        record.name(),
        ui.link(R::PATH).seg(&id).seg("edit"),
        ui.link(R::PATH),
        s.version,
        None,
        R::fields(&ui, &s.registers, &Values::Stored(Some(record))),
    ))
}

/// Saves a submitted record (new or changed); a refused one comes back with its error and the
/// values typed.
async fn save_record<R: RecordForm>(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let f = Submitted(pairs);
    let mut registers = require(&state, &ui).await?.registers;
    let parsed = R::parse(&f);
    let result = match &parsed {
        Ok(record) => match record.clone().put(&mut registers) {
            Ok(()) => save(
                &state,
                &ui,
                &registers,
                f.version(),
                R::ACTION,
                format!("{}:{}", R::KIND, record.id()),
                ui.link(R::PATH).seg(record.id()),
            )
            .await
            .map_err(Refusal::unplaced),
            Err(e) => Err(Refusal::of(e)),
        },
        Err(e) => Err(Refusal::of(e.clone())),
    };
    result.or_else(|refusal| {
        let editing = R::find(&registers, f.get("id")).is_some();
        Ok(form_page(
            &ui,
            ui.t(R::ADD),
            ui.link(R::PATH).seg("new"),
            ui.link(R::PATH),
            f.version(),
            Some(&refusal),
            R::fields(
                &ui,
                &registers,
                &Values::Typed {
                    f: &f,
                    refusal: &refusal,
                    editing,
                },
            ),
        ))
    })
}

/// Renders an edit form page, with an error when the last submission was refused.
fn form_page(
    ui: &Ui,
    title: &str,
    here: Link,
    action: Link,
    version: i64,
    error: Option<&Refusal>,
    fields: Markup,
) -> Response {
    let body = html! {
        (back(ui))
        h1 { (title) }
        @if let Some(e) = error {
            p.flash.error role="alert" {
                (e.message)
                @if let Some(field) = &e.field {
                    " " a href=(format!("#f-{field}")) { (ui.t(W::GoToField)) }
                }
            }
        }
        form method="post" action=(action) {
            (csrf_field(ui.csrf()))
            input type="hidden" name="version" value=(version);
            (fields)
            button type="submit" { (ui.t(W::Save)) }
        }
    };
    let mut resp = page(ui, title, Some(Section::Registers), here, body);
    if error.is_some() {
        *resp.status_mut() = StatusCode::BAD_REQUEST;
    }
    resp
}

/// Saves changed registers as the form's version's successor and goes back to `to`.
async fn save(
    state: &AppState,
    ui: &Ui,
    registers: &Registers,
    version: i64,
    action: &str,
    target: String,
    to: Link,
) -> Result<Response, String> {
    state
        .store()
        .save_registers(
            ui.org.id,
            registers,
            Some(version),
            ui.caller.audit_event(action, Some(target)),
        )
        .await
        .map_err(|e| ApiError::from(e).message)?;
    Ok(Redirect::to(&to.q("done", "saved").to_string()).into_response())
}

fn profile_fields(ui: &Ui, v: &Values<Profile>) -> Markup {
    let party = |field: fn(&Profile) -> Option<Party>, part: fn(Party) -> String| {
        move |p: &Profile| field(p).map(part).unwrap_or_default()
    };
    let roles: Vec<(String, &str, bool)> = OrgRole::ALL
        .iter()
        .map(|r| {
            let name = format!("role_{}", r.as_str());
            let checked = v.checked(&name, |p| p.roles.contains(r));
            (name, r.label(ui.lang), checked)
        })
        .collect();
    let legal_name = v.text("legal_name", "", |p| p.legal_name.clone());
    let number = v.text("registration_number", "", |p| {
        p.registration_number.clone().unwrap_or_default()
    });
    let address = v.text("address", "", |p| p.address.clone());
    let rep_name = v.text(
        "representative_name",
        "",
        party(|p| p.representative.clone(), |r| r.name),
    );
    let rep_contact = v.text(
        "representative_contact",
        "",
        party(|p| p.representative.clone(), |r| r.contact),
    );
    let dpo_name = v.text("dpo_name", "", party(|p| p.dpo.clone(), |r| r.name));
    let dpo_contact = v.text("dpo_contact", "", party(|p| p.dpo.clone(), |r| r.contact));
    html! {
        (Field { required: true, value: &legal_name, error: v.error("legal_name"), ..Field::text("legal_name", ui.t(W::LegalName)) })
        (Field { value: &number, error: v.error("registration_number"), ..Field::text("registration_number", ui.t(W::RegistrationNumber)) })
        (Field { required: true, value: &address, error: v.error("address"), ..Field::text("address", ui.t(W::Address)) })
        (Field { value: &rep_name, error: v.error("representative"), ..Field::text("representative_name", ui.t(W::Representative)) })
        (Field { value: &rep_contact, ..Field::text("representative_contact", ui.t(W::RepresentativeContact)) })
        (Field { value: &dpo_name, error: v.error("dpo"), ..Field::text("dpo_name", ui.t(W::Dpo)) })
        (Field { value: &dpo_contact, ..Field::text("dpo_contact", ui.t(W::DpoContact)) })
        (checkboxes(ui.t(W::OrgRoles), &roles))
        (v.beside("roles"))
        (text_area("clients", ui.t(W::Clients), Some(ui.t(W::OnePerLine)), &v.text("clients", "", |p| p.clients.join("\n"))))
        (v.beside("clients"))
        (text_area("joint_controllers", ui.t(W::JointControllers), Some(ui.t(W::OnePerLine)), &v.text("joint_controllers", "", |p| p.joint_controllers.join("\n"))))
        (v.beside("joint_controllers"))
    }
}

async fn profile_form(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let s = stored(&state, &ui).await?;
    let version = s.as_ref().map_or(0, |s| s.version);
    let fields = profile_fields(
        &ui,
        &Values::Stored(s.as_ref().map(|s| &s.registers.profile)),
    );
    Ok(form_page(
        &ui,
        ui.t(W::EditProfile),
        ui.link("/registers/profile/edit"),
        ui.link("/registers/profile"),
        version,
        None,
        fields,
    ))
}

fn party_of(name: Option<String>, contact: Option<String>) -> Option<Party> {
    match (name, contact) {
        (None, None) => None,
        (name, contact) => Some(Party {
            name: name.unwrap_or_default(),
            contact: contact.unwrap_or_default(),
        }),
    }
}

async fn save_profile(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let f = Submitted(pairs);
    let profile = Profile {
        legal_name: f.get("legal_name").to_owned(),
        registration_number: f.opt("registration_number"),
        address: f.get("address").to_owned(),
        representative: party_of(
            f.opt("representative_name"),
            f.opt("representative_contact"),
        ),
        dpo: party_of(f.opt("dpo_name"), f.opt("dpo_contact")),
        roles: OrgRole::ALL
            .iter()
            .copied()
            .filter(|r| f.checked(&format!("role_{}", r.as_str())))
            .collect(),
        clients: f.lines("clients"),
        joint_controllers: f.lines("joint_controllers"),
    };
    let current = stored(&state, &ui).await?;
    let mut registers = current
        .map(|s| s.registers)
        .unwrap_or_else(|| Registers::new(profile.clone()));
    let result = match registers.put_profile(profile.clone()) {
        Ok(()) => save(
            &state,
            &ui,
            &registers,
            f.version(),
            "registers.profile.update",
            format!("registers:{}", ui.org.slug),
            ui.link("/registers"),
        )
        .await
        .map_err(Refusal::unplaced),
        Err(e) => Err(Refusal::of(e.to_string())),
    };
    match result {
        Ok(r) => Ok(r),
        Err(refusal) => {
            let fields = profile_fields(
                &ui,
                &Values::Typed {
                    f: &f,
                    refusal: &refusal,
                    editing: true,
                },
            );
            Ok(form_page(
                &ui,
                ui.t(W::EditProfile),
                ui.link("/registers/profile/edit"),
                ui.link("/registers/profile"),
                f.version(),
                Some(&refusal),
                fields,
            ))
        }
    }
}
