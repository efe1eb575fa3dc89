//! The DPO's pages for the registers (issue 13): `/registers` (the organization's profile, every
//! gap flagged, the activities, processors and impact assessments), one sheet per activity,
//! processor and impact assessment (with the risk map drawn by the server), and forms to edit
//! the profile and to add or change an activity or a processor. Forms save through the store as
//! the API does: the next version, one audit entry, a conflict when someone saved meanwhile.
//! The YAML route (`vigie registers apply`) stays the way for bulk changes.

use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use vigie_core::assess::{Country, Criterion, Safeguard};
use vigie_core::registers::{
    Activity, Art28Clause, DataCategory, DataKind, DpiaScreening, LegalBasis, OrgRole, Party,
    Processor, Profile, RecordRef, Registers, SpecialCondition, SubProcessor, Transfer, VigieData,
    export::dpia_status, flags,
};
use vigie_core::{Lang, Permission};
use vigie_store::StoredRegisters;

use crate::AppState;
use crate::error::ApiError;
use crate::html::components::{
    Field, Flash, MapRisk, checkboxes, csrf_field, empty, facts, flash, heat_map, select, table,
    text_area,
};
use crate::html::{Label, Link, Section, Ui, UiError, W, page, when};
use crate::registers_api::org_today;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/registers", get(overview))
        .route("/registers/profile/edit", get(profile_form))
        .route("/registers/profile", post(save_profile))
        .route("/registers/activities/new", get(new_activity))
        .route("/registers/activities", post(save_activity))
        .route("/registers/activities/{id}", get(activity_page))
        .route("/registers/activities/{id}/edit", get(edit_activity))
        .route("/registers/processors/new", get(new_processor))
        .route("/registers/processors", post(save_processor))
        .route("/registers/processors/{id}", get(processor_page))
        .route("/registers/processors/{id}/edit", get(edit_processor))
        .route("/registers/dpias/{id}", get(dpia_page))
}

async fn stored(state: &AppState, ui: &Ui) -> Result<Option<StoredRegisters>, UiError> {
    state
        .store()
        .registers(ui.org.id)
        .await
        .map_err(|e| ui.error(e))
}

async fn require(state: &AppState, ui: &Ui) -> Result<StoredRegisters, UiError> {
    stored(state, ui)
        .await?
        .ok_or_else(|| ui.error(ApiError::not_found(ui.t(W::NoRegisters))))
}

fn list(items: &[String]) -> Markup {
    html! {
        @if items.is_empty() { "—" } @else if items.len() == 1 { (items[0]) } @else {
            ul { @for i in items { li { (i) } } }
        }
    }
}

fn record_link(ui: &Ui, record: &RecordRef) -> Markup {
    let (path, id) = match record {
        RecordRef::Activity(id) => ("/registers/activities", id),
        RecordRef::Processor(id) => ("/registers/processors", id),
        RecordRef::Dpia(id) => ("/registers/dpias", id),
    };
    html! { a href=(ui.link(path).seg(id)) { (id) } }
}

/// The gaps of the registers, or of one record.
fn gaps(ui: &Ui, r: &Registers, today: jiff::civil::Date, only: Option<&RecordRef>) -> Markup {
    let all = flags(r, today);
    let shown: Vec<_> = all
        .iter()
        .filter(|f| only.is_none_or(|o| &f.record == o))
        .collect();
    html! {
        h2 { (ui.t(W::Gaps)) " (" (shown.len()) ")" }
        @if shown.is_empty() {
            (empty(ui.t(W::NoGaps)))
        } @else {
            ul.gaps {
                @for f in shown {
                    li {
                        span.gap-code { (f.issue.code()) } " · "
                        @if only.is_none() { (record_link(ui, &f.record)) " · " }
                        (f.issue.explain(ui.lang))
                    }
                }
            }
        }
    }
}

fn party(p: &Option<Party>) -> Markup {
    html! { @if let Some(p) = p { (p.name) " — " (p.contact) } @else { "—" } }
}

fn labels<T: Label>(items: &[T], lang: Lang) -> String {
    items
        .iter()
        .map(|i| i.label(lang))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn overview(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let title = ui.t(W::RegistersTitle);
    let may_write = ui.caller.may(Permission::RegistersWrite);
    let Some(s) = stored(&state, &ui).await? else {
        let body = html! {
            h1 { (title) }
            (empty(ui.t(W::NoRegisters)))
            @if may_write { p { a href=(ui.link("/registers/profile/edit")) { (ui.t(W::EditProfile)) } } }
        };
        return Ok(page(
            &ui,
            title,
            Some(Section::Registers),
            ui.link("/registers"),
            body,
        ));
    };
    let today = org_today(&state, ui.org.id)
        .await
        .map_err(|e| ui.error(e))?;
    let r = &s.registers;
    let p = &r.profile;
    let lang = ui.lang;
    let export = |format: &'static str| Link::new("/api/v1/registers/export").q("format", format);
    let body = html! {
        h1 { (title) }
        @if ui.params.done.is_some() { (flash(Flash::Success, ui.t(W::RegisterSaved))) }
        p.hint { (ui.t(W::RegistersIntro)) }
        p {
            (ui.t(W::RegisterVersion)) (ui.t(W::Colon)) (s.version) " · " (when(s.written_at)) " · " (s.written_by)
            " · " (ui.t(W::ExportAs)) (ui.t(W::Colon))
            a href=(export("yaml")) { "YAML" } " · " a href=(export("json")) { "JSON" } " · " a href=(export("csv")) { "CSV" }
        }
        (gaps(&ui, r, today, None))
        h2 { (ui.t(W::Profile)) }
        (facts([
            (ui.t(W::LegalName), html! { (p.legal_name) }),
            (ui.t(W::RegistrationNumber), html! { (p.registration_number.as_deref().unwrap_or("—")) }),
            (ui.t(W::Address), html! { (p.address) }),
            (ui.t(W::Representative), party(&p.representative)),
            (ui.t(W::Dpo), party(&p.dpo)),
            (ui.t(W::OrgRoles), html! { (labels(&p.roles, lang)) }),
        ]))
        @if may_write { p { a href=(ui.link("/registers/profile/edit")) { (ui.t(W::EditProfile)) } } }
        h2 { (ui.t(W::Activities)) }
        @if r.activities.is_empty() { (empty("—")) } @else {
            (table("activities", Some(ui.t(W::Activities)), &[ui.t(W::Activity), ui.t(W::LegalBasis), ui.t(W::Dpia)], html! {
                @for a in &r.activities {
                    tr {
                        th scope="row" { a href=(ui.link("/registers/activities").seg(&a.id)) { (a.name) } }
                        td { (a.legal_basis.label(lang)) }
                        td { (dpia_status(r, a)) }
                    }
                }
            }))
        }
        @if may_write { p { a href=(ui.link("/registers/activities/new")) { (ui.t(W::AddActivity)) } } }
        h2 { (ui.t(W::Processors)) }
        @if r.processors.is_empty() { (empty("—")) } @else {
            (table("processors", Some(ui.t(W::Processors)), &[ui.t(W::Name), ui.t(W::CountryCode), ui.t(W::Clauses), ui.t(W::NextReview)], html! {
                @for x in &r.processors {
                    tr {
                        th scope="row" { a href=(ui.link("/registers/processors").seg(&x.id)) { (x.name) } }
                        td { (x.country) }
                        td { (x.clauses.len()) " / 8" }
                        td { @if let Some(d) = x.next_review { (d) } @else { "—" } }
                    }
                }
            }))
        }
        @if may_write { p { a href=(ui.link("/registers/processors/new")) { (ui.t(W::AddProcessor)) } } }
        p { a href=(ui.link("/registers/breaches")) { (ui.t(W::Breaches)) } }
        h2 { (ui.t(W::Dpias)) }
        @if r.dpias.is_empty() { (empty("—")) } @else {
            ul {
                @for d in &r.dpias {
                    li {
                        a href=(ui.link("/registers/dpias").seg(&d.id)) { (d.id) } " · "
                        (r.activity(&d.activity).map_or(d.activity.as_str(), |a| a.name.as_str())) " · "
                        @if d.signed_off.is_some() { (ui.t(W::SignedOff)) } @else { (ui.t(W::NotSignedOff)) }
                    }
                }
            }
        }
    };
    Ok(page(
        &ui,
        title,
        Some(Section::Registers),
        ui.link("/registers"),
        body,
    ))
}

fn back(ui: &Ui) -> Markup {
    html! { p { a href=(ui.link("/registers")) { (ui.t(W::AllRegisters)) } } }
}

fn transfer_text(t: &Transfer, lang: Lang) -> String {
    let ground = match (t.safeguard, t.dpf_certified) {
        (Some(s), _) => s.label(lang).to_owned(),
        (None, true) => "Data Privacy Framework".to_owned(),
        (None, false) => W::NoneWord.t(lang).to_owned(),
    };
    format!("{} ({}) — {ground}", t.recipient, t.country)
}

async fn activity_page(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let s = require(&state, &ui).await?;
    let r = &s.registers;
    let a = r
        .activity(&id)
        .ok_or_else(|| ui.error(ApiError::not_found("no such activity")))?;
    let today = org_today(&state, ui.org.id)
        .await
        .map_err(|e| ui.error(e))?;
    let lang = ui.lang;
    let data_of = |kind: DataKind| -> Vec<String> {
        a.categories_of_data
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.name.clone())
            .collect()
    };
    let processors: Vec<String> = a
        .processors
        .iter()
        .map(|p| {
            r.processor(p)
                .map_or_else(|| p.clone(), |x| format!("{} ({})", x.name, x.country))
        })
        .collect();
    let body = html! {
        (back(&ui))
        h1 { (a.name) }
        @if ui.params.done.is_some() { (flash(Flash::Success, ui.t(W::RegisterSaved))) }
        (facts([
            (ui.t(W::RecordId), html! { code { (a.id) } }),
            (ui.t(W::OnBehalfOf), html! { (a.on_behalf_of.as_deref().unwrap_or("—")) }),
            (ui.t(W::Purposes), list(&a.purposes)),
            (ui.t(W::LegalBasis), html! { (a.legal_basis.label(lang)) @if let Some(d) = &a.legal_basis_detail { " — " (d) } }),
            (ui.t(W::SpecialCondition), html! { @if let Some(c) = a.special_condition { (c.label(lang)) } @else { "—" } }),
            (ui.t(W::CategoriesOfPersons), list(&a.categories_of_persons)),
            (ui.t(W::GeneralData), list(&data_of(DataKind::General))),
            (ui.t(W::SensitiveData), list(&data_of(DataKind::Sensitive))),
            (ui.t(W::CriminalData), list(&data_of(DataKind::Criminal))),
            (ui.t(W::Recipients), list(&a.recipients)),
            (ui.t(W::Processors), list(&processors)),
            (ui.t(W::Transfers), list(&a.transfers.iter().map(|t| transfer_text(t, lang)).collect::<Vec<_>>())),
            (ui.t(W::Retention), list(&a.retention)),
            (ui.t(W::SecurityMeasures), list(&a.security_measures)),
            (ui.t(W::EdpbCriteria), html! { (labels(&a.dpia.criteria, lang)) @if a.dpia.on_authority_list { " · " (ui.t(W::OnAuthorityList)) } }),
            (ui.t(W::Dpia), html! { (dpia_status(r, a)) }),
            (ui.t(W::VigieDataCovered), html! { (labels(&a.vigie_data, lang)) }),
        ]))
        @if ui.caller.may(Permission::RegistersWrite) {
            p { a href=(ui.link("/registers/activities").seg(&a.id).seg("edit")) { (ui.t(W::Edit)) } }
        }
        (gaps(&ui, r, today, Some(&RecordRef::Activity(a.id.clone()))))
    };
    Ok(page(
        &ui,
        &a.name,
        Some(Section::Registers),
        ui.link("/registers/activities").seg(&id),
        body,
    ))
}

async fn processor_page(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let s = require(&state, &ui).await?;
    let r = &s.registers;
    let x = r
        .processor(&id)
        .ok_or_else(|| ui.error(ApiError::not_found("no such processor")))?;
    let today = org_today(&state, ui.org.id)
        .await
        .map_err(|e| ui.error(e))?;
    let lang = ui.lang;
    let activities: Vec<String> = r
        .activities
        .iter()
        .filter(|a| a.processors.contains(&x.id))
        .map(|a| a.name.clone())
        .collect();
    let subs: Vec<String> = x
        .sub_processors
        .iter()
        .map(|s| {
            let t = Transfer {
                recipient: format!("{} — {}", s.name, s.services.join(", ")),
                country: s.country,
                safeguard: s.safeguard,
                dpf_certified: s.dpf_certified,
            };
            transfer_text(&t, lang)
        })
        .collect();
    let yes = ui.t(W::Yes);
    let no = ui.t(W::No);
    let body = html! {
        (back(&ui))
        h1 { (x.name) }
        @if ui.params.done.is_some() { (flash(Flash::Success, ui.t(W::RegisterSaved))) }
        (facts([
            (ui.t(W::RecordId), html! { code { (x.id) } }),
            (ui.t(W::Services), list(&x.services)),
            (ui.t(W::DataConcerned), list(&x.data)),
            (ui.t(W::Activities), list(&activities)),
            (ui.t(W::CountryCode), html! { (x.country) }),
            (ui.t(W::Safeguard), html! { @if let Some(s) = x.safeguard { (s.label(lang)) } @else { "—" } }),
            (ui.t(W::DpfCertified), html! { (if x.dpf_certified { yes } else { no }) }),
            (ui.t(W::SubProcessors), list(&subs)),
            (ui.t(W::Certifications), list(&x.certifications)),
            (ui.t(W::NextReview), html! { @if let Some(d) = x.next_review { (d) } @else { "—" } }),
        ]))
        (table("clauses", Some(ui.t(W::Clauses)), &[ui.t(W::Clauses), "✓"], html! {
            @for c in Art28Clause::ALL {
                tr {
                    th scope="row" { (c.label(lang)) }
                    td { @if x.clauses.contains(c) { (yes) } @else { strong.error { (no) } } }
                }
            }
        }))
        @if ui.caller.may(Permission::RegistersWrite) {
            p { a href=(ui.link("/registers/processors").seg(&x.id).seg("edit")) { (ui.t(W::Edit)) } }
        }
        (gaps(&ui, r, today, Some(&RecordRef::Processor(x.id.clone()))))
    };
    Ok(page(
        &ui,
        &x.name,
        Some(Section::Registers),
        ui.link("/registers/processors").seg(&id),
        body,
    ))
}

async fn dpia_page(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let s = require(&state, &ui).await?;
    let r = &s.registers;
    let d = r
        .dpia(&id)
        .ok_or_else(|| ui.error(ApiError::not_found("no such impact assessment")))?;
    let today = org_today(&state, ui.org.id)
        .await
        .map_err(|e| ui.error(e))?;
    let lang = ui.lang;
    let activity = r.activity(&d.activity);
    let levels = [
        ui.t(W::LevelNegligible),
        ui.t(W::LevelLimited),
        ui.t(W::LevelSignificant),
        ui.t(W::LevelMaximum),
    ];
    let map_risks: Vec<MapRisk<'_>> = d
        .risks
        .iter()
        .map(|k| MapRisk {
            label: k.kind.label(lang),
            before: (k.severity.rank(), k.likelihood.rank()),
            after: (k.residual_severity.rank(), k.residual_likelihood.rank()),
        })
        .collect();
    let title = format!(
        "{} — {}",
        ui.t(W::Dpia),
        activity.map_or(d.activity.as_str(), |a| a.name.as_str())
    );
    let body = html! {
        (back(&ui))
        h1 { (title) }
        (facts([
            (ui.t(W::Activity), html! { a href=(ui.link("/registers/activities").seg(&d.activity)) { (activity.map_or(d.activity.as_str(), |a| a.name.as_str())) } }),
            (ui.t(W::EdpbCriteria), html! { @if let Some(a) = activity { (labels(&a.dpia.criteria, lang)) @if a.dpia.on_authority_list { " · " (ui.t(W::OnAuthorityList)) } } }),
            (ui.t(W::SignedOff), html! { @if let Some(s) = &d.signed_off { (s.by) " · " (s.on) } @else { (ui.t(W::NotSignedOff)) } }),
            (ui.t(W::ReviewOn), html! { @if let Some(d) = d.review_on { (d) } @else { "—" } }),
        ]))
        (heat_map(lang, ui.t(W::HeatMap), levels, (ui.t(W::Severity), ui.t(W::Likelihood)), (ui.t(W::BeforeControls), ui.t(W::AfterControls)), &map_risks))
        h2 { (ui.t(W::Risks)) }
        (table("risks", Some(ui.t(W::Risks)), &["#", ui.t(W::Risks), ui.t(W::Severity), ui.t(W::Likelihood), ui.t(W::Controls), ui.t(W::ResidualRisk)], html! {
            @for (i, k) in d.risks.iter().enumerate() {
                tr {
                    td { (i + 1) }
                    th scope="row" { (k.kind.label(lang)) }
                    td { (k.severity.label(lang)) }
                    td { (k.likelihood.label(lang)) }
                    td { (list(&k.controls)) }
                    td { (k.residual_severity.label(lang)) " × " (k.residual_likelihood.label(lang)) }
                }
            }
        }))
        (gaps(&ui, r, today, Some(&RecordRef::Dpia(d.id.clone()))))
    };
    Ok(page(
        &ui,
        &title,
        Some(Section::Registers),
        ui.link("/registers/dpias").seg(&id),
        body,
    ))
}

// ------------------------------------------------------------------------------- the forms

/// A submitted form: its fields as pairs (checkboxes appear only when ticked).
struct Submitted(Vec<(String, String)>);

impl Submitted {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
            .trim()
    }
    fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name).to_owned()).filter(|v| !v.is_empty())
    }
    fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }
    fn lines(&self, name: &str) -> Vec<String> {
        self.get(name)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
    fn version(&self) -> i64 {
        self.get("version").parse().unwrap_or(0)
    }
}

fn parse_vocab<T: std::str::FromStr>(value: &str, field: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|e: T::Err| format!("{field}: {e}"))
}

fn opt_vocab<T: std::str::FromStr>(value: &str, field: &str) -> Result<Option<T>, String>
where
    T::Err: std::fmt::Display,
{
    if value.is_empty() {
        Ok(None)
    } else {
        parse_vocab(value, field).map(Some)
    }
}

/// A line `name ; CC ; safeguard` of a transfer or sub-processor: the safeguard may be a
/// safeguard's name, `dpf` (a certified US recipient) or nothing.
fn ground(
    cells: &[&str],
    field: &str,
    line: usize,
) -> Result<(Country, Option<Safeguard>, bool), String> {
    let country: Country = parse_vocab(
        cells.get(1).copied().unwrap_or(""),
        &format!("{field}, line {line}"),
    )?;
    let (safeguard, dpf) = match cells.get(2).copied().unwrap_or("") {
        "" => (None, false),
        "dpf" => (None, true),
        s => (
            Some(parse_vocab(s, &format!("{field}, line {line}"))?),
            false,
        ),
    };
    Ok((country, safeguard, dpf))
}

/// Renders an edit form page, with an error when the last submission was refused.
fn form_page(
    ui: &Ui,
    title: &str,
    here: Link,
    action: Link,
    version: i64,
    error: Option<&str>,
    fields: Markup,
) -> Response {
    let body = html! {
        (back(ui))
        h1 { (title) }
        @if let Some(e) = error { (flash(Flash::Error, e)) }
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

fn profile_fields(ui: &Ui, p: Option<&Profile>) -> Markup {
    let v = |f: fn(&Profile) -> String| p.map(f).unwrap_or_default();
    let rep = p.and_then(|p| p.representative.clone());
    let dpo = p.and_then(|p| p.dpo.clone());
    let roles: Vec<(String, &str, bool)> = OrgRole::ALL
        .iter()
        .map(|r| {
            (
                format!("role_{}", r.as_str()),
                r.label(ui.lang),
                p.is_some_and(|p| p.roles.contains(r)),
            )
        })
        .collect();
    html! {
        (Field { required: true, value: &v(|p| p.legal_name.clone()), ..Field::text("legal_name", ui.t(W::LegalName)) })
        (Field { value: &v(|p| p.registration_number.clone().unwrap_or_default()), ..Field::text("registration_number", ui.t(W::RegistrationNumber)) })
        (Field { required: true, value: &v(|p| p.address.clone()), ..Field::text("address", ui.t(W::Address)) })
        (Field { value: rep.as_ref().map_or("", |r| r.name.as_str()), ..Field::text("representative_name", ui.t(W::Representative)) })
        (Field { value: rep.as_ref().map_or("", |r| r.contact.as_str()), ..Field::text("representative_contact", ui.t(W::RepresentativeContact)) })
        (Field { value: dpo.as_ref().map_or("", |r| r.name.as_str()), ..Field::text("dpo_name", ui.t(W::Dpo)) })
        (Field { value: dpo.as_ref().map_or("", |r| r.contact.as_str()), ..Field::text("dpo_contact", ui.t(W::DpoContact)) })
        (checkboxes(ui.t(W::OrgRoles), &roles))
        (text_area("clients", ui.t(W::Clients), Some(ui.t(W::OnePerLine)), &p.map(|p| p.clients.join("\n")).unwrap_or_default()))
        (text_area("joint_controllers", ui.t(W::JointControllers), Some(ui.t(W::OnePerLine)), &p.map(|p| p.joint_controllers.join("\n")).unwrap_or_default()))
    }
}

async fn profile_form(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let s = stored(&state, &ui).await?;
    let version = s.as_ref().map_or(0, |s| s.version);
    let fields = profile_fields(&ui, s.as_ref().map(|s| &s.registers.profile));
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
        Ok(()) => {
            save(
                &state,
                &ui,
                &registers,
                f.version(),
                "registers.profile.update",
                format!("registers:{}", ui.org.slug),
                ui.link("/registers"),
            )
            .await
        }
        Err(e) => Err(e.to_string()),
    };
    match result {
        Ok(r) => Ok(r),
        Err(e) => {
            let fields = profile_fields(&ui, Some(&profile));
            Ok(form_page(
                &ui,
                ui.t(W::EditProfile),
                ui.link("/registers/profile/edit"),
                ui.link("/registers/profile"),
                f.version(),
                Some(&e),
                fields,
            ))
        }
    }
}

fn vocab_options<T: Label + Copy>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    lang: Lang,
    none: Option<&str>,
) -> Vec<(String, String)> {
    let mut options: Vec<(String, String)> = none
        .map(|n| (String::new(), n.to_owned()))
        .into_iter()
        .collect();
    options.extend(
        all.iter()
            .map(|v| (as_str(*v).to_owned(), v.label(lang).to_owned())),
    );
    options
}

fn activity_fields(ui: &Ui, a: Option<&Activity>) -> Markup {
    let lang = ui.lang;
    let join = |f: fn(&Activity) -> Vec<String>| a.map(|a| f(a).join("\n")).unwrap_or_default();
    let data = |kind: DataKind| {
        a.map(|a| {
            a.categories_of_data
                .iter()
                .filter(|c| c.kind == kind)
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
    };
    let transfers = a
        .map(|a| {
            a.transfers
                .iter()
                .map(|t| {
                    let g = match (t.safeguard, t.dpf_certified) {
                        (Some(s), _) => s.as_str(),
                        (None, true) => "dpf",
                        (None, false) => "",
                    };
                    format!("{} ; {} ; {g}", t.recipient, t.country)
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let criteria: Vec<(String, &str, bool)> = Criterion::ALL
        .iter()
        .map(|c| {
            (
                format!("crit_{}", c.as_str()),
                c.label(lang),
                a.is_some_and(|a| a.dpia.criteria.contains(c)),
            )
        })
        .chain(std::iter::once((
            "on_authority_list".to_owned(),
            ui.t(W::OnAuthorityList),
            a.is_some_and(|a| a.dpia.on_authority_list),
        )))
        .collect();
    let vigie: Vec<(String, &str, bool)> = VigieData::ALL
        .iter()
        .map(|v| {
            (
                format!("vd_{}", v.as_str()),
                v.label(lang),
                a.is_some_and(|a| a.vigie_data.contains(v)),
            )
        })
        .collect();
    let id = a.map_or("", |a| a.id.as_str());
    html! {
        div.field {
            label for="f-id" { (ui.t(W::RecordId)) }
            span.hint id="f-id-hint" { (ui.t(W::RecordIdHint)) }
            input id="f-id" type="text" name="id" value=(id) required readonly[a.is_some()] aria-describedby="f-id-hint" pattern="[a-z0-9][a-z0-9_\\-]{0,63}";
        }
        (Field { required: true, value: a.map_or("", |a| a.name.as_str()), ..Field::text("name", ui.t(W::Name)) })
        (Field { value: a.and_then(|a| a.on_behalf_of.as_deref()).unwrap_or(""), ..Field::text("on_behalf_of", ui.t(W::OnBehalfOf)) })
        (text_area("purposes", ui.t(W::Purposes), Some(ui.t(W::OnePerLine)), &join(|a| a.purposes.clone())))
        (select("legal_basis", ui.t(W::LegalBasis), &vocab_options(LegalBasis::ALL, LegalBasis::as_str, lang, None), a.map_or("consent", |a| a.legal_basis.as_str())))
        (Field { value: a.and_then(|a| a.legal_basis_detail.as_deref()).unwrap_or(""), ..Field::text("legal_basis_detail", ui.t(W::LegalBasisDetail)) })
        (select("special_condition", ui.t(W::SpecialCondition), &vocab_options(SpecialCondition::ALL, SpecialCondition::as_str, lang, Some(ui.t(W::NoneWord))), a.and_then(|a| a.special_condition).map_or("", |c| c.as_str())))
        (text_area("categories_of_persons", ui.t(W::CategoriesOfPersons), Some(ui.t(W::OnePerLine)), &join(|a| a.categories_of_persons.clone())))
        (text_area("general_data", ui.t(W::GeneralData), Some(ui.t(W::OnePerLine)), &data(DataKind::General)))
        (text_area("sensitive_data", ui.t(W::SensitiveData), Some(ui.t(W::OnePerLine)), &data(DataKind::Sensitive)))
        (text_area("criminal_data", ui.t(W::CriminalData), Some(ui.t(W::OnePerLine)), &data(DataKind::Criminal)))
        (text_area("recipients", ui.t(W::Recipients), Some(ui.t(W::OnePerLine)), &join(|a| a.recipients.clone())))
        (text_area("processors", ui.t(W::Processors), Some(ui.t(W::ProcessorsIdsHint)), &join(|a| a.processors.clone())))
        (text_area("transfers", ui.t(W::Transfers), Some(ui.t(W::TransfersHint)), &transfers))
        (text_area("retention", ui.t(W::Retention), Some(ui.t(W::OnePerLine)), &join(|a| a.retention.clone())))
        (text_area("security_measures", ui.t(W::SecurityMeasures), Some(ui.t(W::OnePerLine)), &join(|a| a.security_measures.clone())))
        (checkboxes(ui.t(W::EdpbCriteria), &criteria))
        (checkboxes(ui.t(W::VigieDataCovered), &vigie))
    }
}

fn activity_of(f: &Submitted) -> Result<Activity, String> {
    let mut categories_of_data = Vec::new();
    for (field, kind) in [
        ("general_data", DataKind::General),
        ("sensitive_data", DataKind::Sensitive),
        ("criminal_data", DataKind::Criminal),
    ] {
        categories_of_data.extend(
            f.lines(field)
                .into_iter()
                .map(|name| DataCategory { name, kind }),
        );
    }
    let mut transfers = Vec::new();
    for (i, line) in f.lines("transfers").iter().enumerate() {
        let cells: Vec<&str> = line.split(';').map(str::trim).collect();
        let (country, safeguard, dpf_certified) = ground(&cells, "transfers", i + 1)?;
        transfers.push(Transfer {
            recipient: cells[0].to_owned(),
            country,
            safeguard,
            dpf_certified,
        });
    }
    Ok(Activity {
        id: f.get("id").to_owned(),
        name: f.get("name").to_owned(),
        on_behalf_of: f.opt("on_behalf_of"),
        purposes: f.lines("purposes"),
        legal_basis: parse_vocab(f.get("legal_basis"), "legal_basis")?,
        legal_basis_detail: f.opt("legal_basis_detail"),
        special_condition: opt_vocab(f.get("special_condition"), "special_condition")?,
        categories_of_persons: f.lines("categories_of_persons"),
        categories_of_data,
        recipients: f.lines("recipients"),
        processors: f.lines("processors"),
        transfers,
        retention: f.lines("retention"),
        security_measures: f.lines("security_measures"),
        dpia: DpiaScreening {
            criteria: Criterion::ALL
                .iter()
                .copied()
                .filter(|c| f.checked(&format!("crit_{}", c.as_str())))
                .collect(),
            on_authority_list: f.checked("on_authority_list"),
        },
        vigie_data: VigieData::ALL
            .iter()
            .copied()
            .filter(|v| f.checked(&format!("vd_{}", v.as_str())))
            .collect(),
    })
}

async fn new_activity(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let s = require(&state, &ui).await?;
    Ok(form_page(
        &ui,
        ui.t(W::AddActivity),
        ui.link("/registers/activities/new"),
        ui.link("/registers/activities"),
        s.version,
        None,
        activity_fields(&ui, None),
    ))
}

async fn edit_activity(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let s = require(&state, &ui).await?;
    let a = s
        .registers
        .activity(&id)
        .ok_or_else(|| ui.error(ApiError::not_found("no such activity")))?;
    Ok(form_page(
        &ui,
        &a.name,
        ui.link("/registers/activities").seg(&id).seg("edit"),
        ui.link("/registers/activities"),
        s.version,
        None,
        activity_fields(&ui, Some(a)),
    ))
}

async fn save_activity(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let f = Submitted(pairs);
    let mut registers = require(&state, &ui).await?.registers;
    let parsed = activity_of(&f);
    let result = match &parsed {
        Ok(a) => match registers.put_activity(a.clone()) {
            Ok(()) => {
                save(
                    &state,
                    &ui,
                    &registers,
                    f.version(),
                    "registers.activity.update",
                    format!("activity:{}", a.id),
                    ui.link("/registers/activities").seg(&a.id),
                )
                .await
            }
            Err(e) => Err(e.to_string()),
        },
        Err(e) => Err(e.clone()),
    };
    result.or_else(|e| {
        let shown = parsed.ok();
        Ok(form_page(
            &ui,
            ui.t(W::AddActivity),
            ui.link("/registers/activities/new"),
            ui.link("/registers/activities"),
            f.version(),
            Some(&e),
            activity_fields(&ui, shown.as_ref()),
        ))
    })
}

fn processor_fields(ui: &Ui, x: Option<&Processor>) -> Markup {
    let lang = ui.lang;
    let join = |f: fn(&Processor) -> Vec<String>| x.map(|x| f(x).join("\n")).unwrap_or_default();
    let subs = x
        .map(|x| {
            x.sub_processors
                .iter()
                .map(|s| {
                    let g = match (s.safeguard, s.dpf_certified) {
                        (Some(g), _) => g.as_str(),
                        (None, true) => "dpf",
                        (None, false) => "",
                    };
                    format!(
                        "{} ; {} ; {g} ; {}",
                        s.name,
                        s.country,
                        s.services.join(", ")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let clauses: Vec<(String, &str, bool)> = Art28Clause::ALL
        .iter()
        .map(|c| {
            (
                format!("clause_{}", c.as_str()),
                c.label(lang),
                x.is_some_and(|x| x.clauses.contains(c)),
            )
        })
        .collect();
    let review = x
        .and_then(|x| x.next_review)
        .map(|d| d.to_string())
        .unwrap_or_default();
    let id = x.map_or("", |x| x.id.as_str());
    let dpf = [(
        "dpf_certified".to_owned(),
        ui.t(W::DpfCertified),
        x.is_some_and(|x| x.dpf_certified),
    )];
    html! {
        div.field {
            label for="f-id" { (ui.t(W::RecordId)) }
            span.hint id="f-id-hint" { (ui.t(W::RecordIdHint)) }
            input id="f-id" type="text" name="id" value=(id) required readonly[x.is_some()] aria-describedby="f-id-hint" pattern="[a-z0-9][a-z0-9_\\-]{0,63}";
        }
        (Field { required: true, value: x.map_or("", |x| x.name.as_str()), ..Field::text("name", ui.t(W::Name)) })
        (text_area("services", ui.t(W::Services), Some(ui.t(W::OnePerLine)), &join(|x| x.services.clone())))
        (text_area("data", ui.t(W::DataConcerned), Some(ui.t(W::OnePerLine)), &join(|x| x.data.clone())))
        (Field { required: true, value: x.map_or("", |x| x.country.as_str()), ..Field::text("country", ui.t(W::CountryCode)) })
        (select("safeguard", ui.t(W::Safeguard), &vocab_options(Safeguard::ALL, Safeguard::as_str, lang, Some(ui.t(W::NoneWord))), x.and_then(|x| x.safeguard).map_or("", |s| s.as_str())))
        (checkboxes(ui.t(W::DpfCertified), &dpf))
        (text_area("sub_processors", ui.t(W::SubProcessors), Some(ui.t(W::SubProcessorsHint)), &subs))
        (checkboxes(ui.t(W::Clauses), &clauses))
        (text_area("certifications", ui.t(W::Certifications), Some(ui.t(W::OnePerLine)), &join(|x| x.certifications.clone())))
        (Field { kind: "date", value: &review, ..Field::text("next_review", ui.t(W::NextReview)) })
    }
}

fn processor_of(f: &Submitted) -> Result<Processor, String> {
    let mut sub_processors = Vec::new();
    for (i, line) in f.lines("sub_processors").iter().enumerate() {
        let cells: Vec<&str> = line.split(';').map(str::trim).collect();
        let (country, safeguard, dpf_certified) = ground(&cells, "sub_processors", i + 1)?;
        let services = cells.get(3).map_or_else(Vec::new, |s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        });
        sub_processors.push(SubProcessor {
            name: cells[0].to_owned(),
            services,
            country,
            safeguard,
            dpf_certified,
        });
    }
    let next_review = match f.get("next_review") {
        "" => None,
        d => Some(d.parse().map_err(|e| format!("next_review: {e}"))?),
    };
    Ok(Processor {
        id: f.get("id").to_owned(),
        name: f.get("name").to_owned(),
        services: f.lines("services"),
        data: f.lines("data"),
        country: parse_vocab(f.get("country"), "country")?,
        safeguard: opt_vocab(f.get("safeguard"), "safeguard")?,
        dpf_certified: f.checked("dpf_certified"),
        sub_processors,
        clauses: Art28Clause::ALL
            .iter()
            .copied()
            .filter(|c| f.checked(&format!("clause_{}", c.as_str())))
            .collect(),
        certifications: f.lines("certifications"),
        next_review,
    })
}

async fn new_processor(State(state): State<AppState>, ui: Ui) -> Result<Response, UiError> {
    let s = require(&state, &ui).await?;
    Ok(form_page(
        &ui,
        ui.t(W::AddProcessor),
        ui.link("/registers/processors/new"),
        ui.link("/registers/processors"),
        s.version,
        None,
        processor_fields(&ui, None),
    ))
}

async fn edit_processor(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let s = require(&state, &ui).await?;
    let x = s
        .registers
        .processor(&id)
        .ok_or_else(|| ui.error(ApiError::not_found("no such processor")))?;
    Ok(form_page(
        &ui,
        &x.name,
        ui.link("/registers/processors").seg(&id).seg("edit"),
        ui.link("/registers/processors"),
        s.version,
        None,
        processor_fields(&ui, Some(x)),
    ))
}

async fn save_processor(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let f = Submitted(pairs);
    let mut registers = require(&state, &ui).await?.registers;
    let parsed = processor_of(&f);
    let result = match &parsed {
        Ok(x) => match registers.put_processor(x.clone()) {
            Ok(()) => {
                save(
                    &state,
                    &ui,
                    &registers,
                    f.version(),
                    "registers.processor.update",
                    format!("processor:{}", x.id),
                    ui.link("/registers/processors").seg(&x.id),
                )
                .await
            }
            Err(e) => Err(e.to_string()),
        },
        Err(e) => Err(e.clone()),
    };
    result.or_else(|e| {
        let shown = parsed.ok();
        Ok(form_page(
            &ui,
            ui.t(W::AddProcessor),
            ui.link("/registers/processors/new"),
            ui.link("/registers/processors"),
            f.version(),
            Some(&e),
            processor_fields(&ui, shown.as_ref()),
        ))
    })
}
