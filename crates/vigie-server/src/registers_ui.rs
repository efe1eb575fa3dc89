//! The DPO's pages for the registers (issue 13): `/registers` (the organization's profile, every
//! gap flagged, the activities, processors and impact assessments), one sheet per activity,
//! processor and impact assessment (with the risk map drawn by the server), and forms to edit
//! the profile and to add or change an activity or a processor. Forms save through the store as
//! the API does: the next version, one audit entry, a conflict when someone saved meanwhile.
//! The YAML route (`vigie registers apply`) stays the way for bulk changes. The forms are in
//! [`crate::registers_forms`].

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use maud::{Markup, html};
use vigie_core::registers::{
    Art28Clause, DataKind, Party, RecordRef, Registers, Transfer, export::dpia_status, flags,
};
use vigie_core::{Lang, Permission};
use vigie_store::StoredRegisters;

use crate::AppState;
use crate::error::ApiError;
use crate::html::components::{Flash, MapRisk, empty, facts, flash, heat_map, table};
use crate::html::{Label, Link, Section, Ui, UiError, W, page, when};
use crate::registers_api::org_today;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/registers", get(overview))
        .route("/registers/activities/{id}", get(activity_page))
        .route("/registers/processors/{id}", get(processor_page))
        .route("/registers/dpias/{id}", get(dpia_page))
        .merge(crate::registers_forms::routes())
}

pub(crate) async fn stored(state: &AppState, ui: &Ui) -> Result<Option<StoredRegisters>, UiError> {
    state
        .store()
        .registers(ui.org.id)
        .await
        .map_err(|e| ui.error(e))
}

pub(crate) async fn require(state: &AppState, ui: &Ui) -> Result<StoredRegisters, UiError> {
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
            " · " a href=(export("pdf")) { "PDF" }
        }
        p { a href=(Link::new("/api/v1/registers/evidence")) download { (ui.t(W::EvidencePackLink)) } }
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
        p { a href=(ui.link("/registers/notices")) { (ui.t(W::NpNotices)) } }
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
        @if may_write { p { a href=(ui.link("/registers/dpias/new")) { (ui.t(W::AddDpia)) } } }
    };
    Ok(page(
        &ui,
        title,
        Some(Section::Registers),
        ui.link("/registers"),
        body,
    ))
}

pub(crate) fn back(ui: &Ui) -> Markup {
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
            (ui.t(W::RetentionPeriods), list(&a.retention)),
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
        @if ui.params.done.is_some() { (flash(Flash::Success, ui.t(W::RegisterSaved))) }
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
        @if ui.caller.may(Permission::RegistersWrite) {
            p { a href=(ui.link("/registers/dpias").seg(&d.id).seg("edit")) { (ui.t(W::Edit)) } }
        }
    };
    Ok(page(
        &ui,
        &title,
        Some(Section::Registers),
        ui.link("/registers/dpias").seg(&id),
        body,
    ))
}
