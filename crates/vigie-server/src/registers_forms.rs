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
use vigie_core::Lang;
use vigie_core::assess::{Country, Criterion, Safeguard};
use vigie_core::registers::{
    Activity, Art28Clause, DataCategory, DataKind, Dpia, DpiaScreening, LegalBasis, Level, OrgRole,
    Party, Processor, Profile, Registers, Risk, RiskKind, SignOff, SpecialCondition, SubProcessor,
    Transfer, VigieData,
};

use crate::AppState;
use crate::error::ApiError;
use crate::html::components::{Field, Flash, checkboxes, csrf_field, flash, select, text_area};
use crate::html::{Label, Link, Section, Ui, UiError, W, page};
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

/// A kind of record edited through its own form (an activity, a processor): where its pages
/// are, how its fields are drawn and read, and how it enters the registers. One set of
/// handlers serves every kind.
trait RecordForm: Clone + Sized + Send + 'static {
    /// The records' pages, `/registers/activities` for instance.
    const PATH: &'static str;
    /// The audit action of a change.
    const ACTION: &'static str;
    /// The audit target's kind (`activity:ID`).
    const KIND: &'static str;
    /// The title of a new record's form.
    const ADD: W;
    fn id(&self) -> &str;
    fn name(&self) -> &str;
    fn find<'r>(registers: &'r Registers, id: &str) -> Option<&'r Self>;
    fn put(self, registers: &mut Registers) -> Result<(), String>;
    /// The fields, filled from `record`; `registers` gives the choices (the activities).
    fn fields(ui: &Ui, registers: &Registers, record: Option<&Self>) -> Markup;
    fn parse(f: &Submitted) -> Result<Self, String>;
}

impl RecordForm for Activity {
    const PATH: &'static str = "/registers/activities";
    const ACTION: &'static str = "registers.activity.update";
    const KIND: &'static str = "activity";
    const ADD: W = W::AddActivity;
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn find<'r>(registers: &'r Registers, id: &str) -> Option<&'r Self> {
        registers.activity(id)
    }
    fn put(self, registers: &mut Registers) -> Result<(), String> {
        registers.put_activity(self).map_err(|e| e.to_string())
    }
    fn fields(ui: &Ui, _: &Registers, record: Option<&Self>) -> Markup {
        activity_fields(ui, record)
    }
    fn parse(f: &Submitted) -> Result<Self, String> {
        activity_of(f)
    }
}

impl RecordForm for Processor {
    const PATH: &'static str = "/registers/processors";
    const ACTION: &'static str = "registers.processor.update";
    const KIND: &'static str = "processor";
    const ADD: W = W::AddProcessor;
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn find<'r>(registers: &'r Registers, id: &str) -> Option<&'r Self> {
        registers.processor(id)
    }
    fn put(self, registers: &mut Registers) -> Result<(), String> {
        registers.put_processor(self).map_err(|e| e.to_string())
    }
    fn fields(ui: &Ui, _: &Registers, record: Option<&Self>) -> Markup {
        processor_fields(ui, record)
    }
    fn parse(f: &Submitted) -> Result<Self, String> {
        processor_of(f)
    }
}

impl RecordForm for Dpia {
    const PATH: &'static str = "/registers/dpias";
    const ACTION: &'static str = "registers.dpia.update";
    const KIND: &'static str = "dpia";
    const ADD: W = W::AddDpia;
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.id
    }
    fn find<'r>(registers: &'r Registers, id: &str) -> Option<&'r Self> {
        registers.dpia(id)
    }
    fn put(self, registers: &mut Registers) -> Result<(), String> {
        registers.put_dpia(self).map_err(|e| e.to_string())
    }
    fn fields(ui: &Ui, registers: &Registers, record: Option<&Self>) -> Markup {
        dpia_fields(ui, registers, record)
    }
    fn parse(f: &Submitted) -> Result<Self, String> {
        dpia_of(f)
    }
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
        R::fields(&ui, &s.registers, None),
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
        R::fields(&ui, &s.registers, Some(record)),
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
            Ok(()) => {
                save(
                    &state,
                    &ui,
                    &registers,
                    f.version(),
                    R::ACTION,
                    format!("{}:{}", R::KIND, record.id()),
                    ui.link(R::PATH).seg(record.id()),
                )
                .await
            }
            Err(e) => Err(e),
        },
        Err(e) => Err(e.clone()),
    };
    result.or_else(|e| {
        let shown = parsed.ok();
        Ok(form_page(
            &ui,
            ui.t(R::ADD),
            ui.link(R::PATH).seg("new"),
            ui.link(R::PATH),
            f.version(),
            Some(&e),
            R::fields(&ui, &registers, shown.as_ref()),
        ))
    })
}

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
        (text_area("retention", ui.t(W::RetentionPeriods), Some(ui.t(W::OnePerLine)), &join(|a| a.retention.clone())))
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

/// The form's fields of one feared event (`illegitimate_access_severity`…).
fn risk_field(kind: RiskKind, part: &str) -> String {
    format!("{}_{part}", kind.as_str())
}

fn dpia_fields(ui: &Ui, registers: &Registers, d: Option<&Dpia>) -> Markup {
    let lang = ui.lang;
    let activities: Vec<(String, String)> = registers
        .activities
        .iter()
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect();
    let levels = vocab_options(Level::ALL, Level::as_str, lang, Some(ui.t(W::NotAssessed)));
    let id = d.map_or("", |d| d.id.as_str());
    let signed_by = d
        .and_then(|d| d.signed_off.as_ref())
        .map_or("", |s| s.by.as_str());
    let signed_on = d
        .and_then(|d| d.signed_off.as_ref())
        .map(|s| s.on.to_string())
        .unwrap_or_default();
    let review = d
        .and_then(|d| d.review_on)
        .map(|r| r.to_string())
        .unwrap_or_default();
    html! {
        div.field {
            label for="f-id" { (ui.t(W::RecordId)) }
            span.hint id="f-id-hint" { (ui.t(W::RecordIdHint)) }
            input id="f-id" type="text" name="id" value=(id) required readonly[d.is_some()] aria-describedby="f-id-hint" pattern="[a-z0-9][a-z0-9_\\-]{0,63}";
        }
        (select("activity", ui.t(W::Activity), &activities, d.map_or("", |d| d.activity.as_str())))
        p.hint { (ui.t(W::DpiaCriteriaOnActivity)) }
        @for kind in RiskKind::ALL {
            @let risk = d.and_then(|d| d.risks.iter().find(|r| r.kind == *kind));
            @let level = |f: fn(&Risk) -> Level| risk.map_or("", |r| f(r).as_str());
            fieldset {
                legend { (kind.label(lang)) }
                (select(&risk_field(*kind, "severity"), &format!("{} ({})", ui.t(W::Severity), ui.t(W::BeforeControls)), &levels, level(|r| r.severity)))
                (select(&risk_field(*kind, "likelihood"), &format!("{} ({})", ui.t(W::Likelihood), ui.t(W::BeforeControls)), &levels, level(|r| r.likelihood)))
                (text_area(&risk_field(*kind, "controls"), ui.t(W::Controls), Some(ui.t(W::OnePerLine)), &risk.map(|r| r.controls.join("\n")).unwrap_or_default()))
                (select(&risk_field(*kind, "residual_severity"), &format!("{} ({})", ui.t(W::Severity), ui.t(W::AfterControls)), &levels, level(|r| r.residual_severity)))
                (select(&risk_field(*kind, "residual_likelihood"), &format!("{} ({})", ui.t(W::Likelihood), ui.t(W::AfterControls)), &levels, level(|r| r.residual_likelihood)))
            }
        }
        (Field { value: signed_by, ..Field::text("signed_off_by", ui.t(W::SignedOffBy)) })
        (Field { kind: "date", value: &signed_on, ..Field::text("signed_off_on", ui.t(W::SignedOffOn)) })
        (Field { kind: "date", value: &review, ..Field::text("review_on", ui.t(W::ReviewOn)) })
    }
}

/// A date field, empty for none.
fn opt_date(f: &Submitted, field: &str) -> Result<Option<jiff::civil::Date>, String> {
    match f.get(field) {
        "" => Ok(None),
        d => d.parse().map(Some).map_err(|e| format!("{field}: {e}")),
    }
}

/// An impact assessment: a feared event is assessed when its severity is chosen, and then
/// its four levels are required; a sign-off needs both who and when.
fn dpia_of(f: &Submitted) -> Result<Dpia, String> {
    let mut risks = Vec::new();
    for kind in RiskKind::ALL.iter().copied() {
        let parts = [
            "severity",
            "likelihood",
            "residual_severity",
            "residual_likelihood",
        ];
        if parts.iter().all(|p| f.get(&risk_field(kind, p)).is_empty()) {
            continue;
        }
        let level = |part: &str| {
            let field = risk_field(kind, part);
            parse_vocab::<Level>(f.get(&field), &field)
        };
        risks.push(Risk {
            kind,
            severity: level("severity")?,
            likelihood: level("likelihood")?,
            controls: f.lines(&risk_field(kind, "controls")),
            residual_severity: level("residual_severity")?,
            residual_likelihood: level("residual_likelihood")?,
        });
    }
    let signed_off = match (f.opt("signed_off_by"), opt_date(f, "signed_off_on")?) {
        (None, None) => None,
        (Some(by), Some(on)) => Some(SignOff { by, on }),
        (Some(_), None) => return Err("signed_off_on: required with signed_off_by".to_owned()),
        (None, Some(_)) => return Err("signed_off_by: required with signed_off_on".to_owned()),
    };
    Ok(Dpia {
        id: f.get("id").to_owned(),
        activity: f.get("activity").to_owned(),
        risks,
        signed_off,
        review_on: opt_date(f, "review_on")?,
    })
}
