//! What each register record's form draws and reads: the fields of an activity, a processor
//! and an impact assessment, filled from what was stored or submitted, and the record parsed
//! back from a submission. The handlers they serve are in `registers_forms.rs`.

use maud::{Markup, html};
use vigie_core::Lang;
use vigie_core::assess::{Country, Criterion, Safeguard};
use vigie_core::registers::{
    Activity, Art28Clause, DataCategory, DataKind, Dpia, DpiaScreening, LegalBasis, Level,
    Processor, Registers, Risk, RiskKind, SignOff, SpecialCondition, SubProcessor, Transfer,
    VigieData,
};

use crate::html::components::{Field, checkboxes, field_error, select, text_area};
use crate::html::{Label, Ui, W};

/// A kind of record edited through its own form (an activity, a processor): where its pages
/// are, how its fields are drawn and read, and how it enters the registers. One set of
/// handlers serves every kind.
pub(crate) trait RecordForm: Clone + Sized + Send + 'static {
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
    /// The fields, filled from `values`; `registers` gives the choices (the activities).
    fn fields(ui: &Ui, registers: &Registers, values: &Values<Self>) -> Markup;
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
    fn fields(ui: &Ui, _: &Registers, values: &Values<Self>) -> Markup {
        activity_fields(ui, values)
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
    fn fields(ui: &Ui, _: &Registers, values: &Values<Self>) -> Markup {
        processor_fields(ui, values)
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
    fn fields(ui: &Ui, registers: &Registers, values: &Values<Self>) -> Markup {
        dpia_fields(ui, registers, values)
    }
    fn parse(f: &Submitted) -> Result<Self, String> {
        dpia_of(f)
    }
}

/// Why a submission was refused, and the field it names (the input's name), when it names one:
/// the form's own reading says `field: …` or `field, line N: …`; the registers' checks give a
/// path such as `activities[2].transfers[0].country`, whose field is the record's (`transfers`).
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) field: Option<String>,
    pub(crate) message: String,
}

impl Refusal {
    /// A refusal that names no field of the form (a conflict with another change).
    pub(crate) fn unplaced(message: String) -> Refusal {
        Refusal {
            field: None,
            message,
        }
    }

    pub(crate) fn of(message: String) -> Refusal {
        let is_name = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        };
        let head = message.split([':', ',']).next().unwrap_or("").trim();
        let field = if is_name(head) {
            Some(head.to_owned())
        } else {
            // A registers path: its record's field is the segment after the record.
            let path = message
                .split(": ")
                .find(|p| p.contains('.') || p.contains('['));
            path.and_then(|p| {
                let mut segments = p.split('.');
                let record = segments.next()?;
                let field = if record == "profile" || record.contains('[') {
                    segments.next()
                } else {
                    None
                }?;
                let field = field.split('[').next()?;
                is_name(field).then(|| field.to_owned())
            })
        };
        Refusal { field, message }
    }
}

/// Where a form's fields take their values: the stored record (none for a new one), or, after
/// a refusal, what was typed (every field as it was sent, the refusal beside its field), so that
/// nothing typed is lost to one mistake.
pub(crate) enum Values<'a, R> {
    Stored(Option<&'a R>),
    Typed {
        f: &'a Submitted,
        refusal: &'a Refusal,
        /// Whether the record exists already (its identifier cannot change).
        editing: bool,
    },
}

impl<R> Values<'_, R> {
    /// A field's text: typed, or the stored record's, or `new` for a new record.
    pub(crate) fn text(&self, name: &str, new: &str, stored: impl FnOnce(&R) -> String) -> String {
        match self {
            Values::Stored(Some(r)) => stored(r),
            Values::Stored(None) => new.to_owned(),
            Values::Typed { f, .. } => f.raw(name).to_owned(),
        }
    }

    /// Whether a checkbox is ticked.
    pub(crate) fn checked(&self, name: &str, stored: impl FnOnce(&R) -> bool) -> bool {
        match self {
            Values::Stored(r) => r.is_some_and(stored),
            Values::Typed { f, .. } => f.checked(name),
        }
    }

    /// Whether the record exists (its identifier is read-only).
    pub(crate) fn editing(&self) -> bool {
        match self {
            Values::Stored(r) => r.is_some(),
            Values::Typed { editing, .. } => *editing,
        }
    }

    /// The refusal's message when it names this field.
    pub(crate) fn error(&self, name: &str) -> Option<&str> {
        match self {
            Values::Typed { refusal, .. } if refusal.field.as_deref() == Some(name) => {
                Some(&refusal.message)
            }
            _ => None,
        }
    }

    /// The refusal beside its field, when it names this one.
    pub(crate) fn beside(&self, name: &str) -> Markup {
        field_error(name, self.error(name))
    }
}

/// A submitted form: its fields as pairs (checkboxes appear only when ticked).
pub(crate) struct Submitted(pub(crate) Vec<(String, String)>);

impl Submitted {
    /// A field as sent (untrimmed: shown again as typed).
    fn raw(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
            .trim()
    }
    pub(crate) fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name).to_owned()).filter(|v| !v.is_empty())
    }
    pub(crate) fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }
    pub(crate) fn lines(&self, name: &str) -> Vec<String> {
        self.get(name)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
    pub(crate) fn version(&self) -> i64 {
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

fn activity_fields(ui: &Ui, v: &Values<Activity>) -> Markup {
    let lang = ui.lang;
    let lines = |name: &str, f: fn(&Activity) -> Vec<String>| v.text(name, "", |a| f(a).join("\n"));
    let data = |name: &str, kind: DataKind| {
        v.text(name, "", |a| {
            a.categories_of_data
                .iter()
                .filter(|c| c.kind == kind)
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join("\n")
        })
    };
    let transfers = v.text("transfers", "", |a| {
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
    });
    let criteria: Vec<(String, &str, bool)> = Criterion::ALL
        .iter()
        .map(|c| {
            let name = format!("crit_{}", c.as_str());
            let checked = v.checked(&name, |a| a.dpia.criteria.contains(c));
            (name, c.label(lang), checked)
        })
        .chain(std::iter::once((
            "on_authority_list".to_owned(),
            ui.t(W::OnAuthorityList),
            v.checked("on_authority_list", |a| a.dpia.on_authority_list),
        )))
        .collect();
    let vigie: Vec<(String, &str, bool)> = VigieData::ALL
        .iter()
        .map(|d| {
            let name = format!("vd_{}", d.as_str());
            let checked = v.checked(&name, |a| a.vigie_data.contains(d));
            (name, d.label(lang), checked)
        })
        .collect();
    let name = v.text("name", "", |a| a.name.clone());
    let on_behalf_of = v.text("on_behalf_of", "", |a| {
        a.on_behalf_of.clone().unwrap_or_default()
    });
    let legal_basis = v.text("legal_basis", "consent", |a| {
        a.legal_basis.as_str().to_owned()
    });
    let detail = v.text("legal_basis_detail", "", |a| {
        a.legal_basis_detail.clone().unwrap_or_default()
    });
    let condition = v.text("special_condition", "", |a| {
        a.special_condition.map_or("", |c| c.as_str()).to_owned()
    });
    html! {
        (record_id(ui, v, |a| a.id.clone()))
        (Field { required: true, value: &name, error: v.error("name"), ..Field::text("name", ui.t(W::Name)) })
        (Field { value: &on_behalf_of, error: v.error("on_behalf_of"), ..Field::text("on_behalf_of", ui.t(W::OnBehalfOf)) })
        (text_area("purposes", ui.t(W::Purposes), Some(ui.t(W::OnePerLine)), &lines("purposes", |a| a.purposes.clone())))
        (v.beside("purposes"))
        (select("legal_basis", ui.t(W::LegalBasis), &vocab_options(LegalBasis::ALL, LegalBasis::as_str, lang, None), &legal_basis))
        (v.beside("legal_basis"))
        (Field { value: &detail, error: v.error("legal_basis_detail"), ..Field::text("legal_basis_detail", ui.t(W::LegalBasisDetail)) })
        (select("special_condition", ui.t(W::SpecialCondition), &vocab_options(SpecialCondition::ALL, SpecialCondition::as_str, lang, Some(ui.t(W::NoneWord))), &condition))
        (v.beside("special_condition"))
        (text_area("categories_of_persons", ui.t(W::CategoriesOfPersons), Some(ui.t(W::OnePerLine)), &lines("categories_of_persons", |a| a.categories_of_persons.clone())))
        (v.beside("categories_of_persons"))
        (text_area("general_data", ui.t(W::GeneralData), Some(ui.t(W::OnePerLine)), &data("general_data", DataKind::General)))
        (text_area("sensitive_data", ui.t(W::SensitiveData), Some(ui.t(W::OnePerLine)), &data("sensitive_data", DataKind::Sensitive)))
        (text_area("criminal_data", ui.t(W::CriminalData), Some(ui.t(W::OnePerLine)), &data("criminal_data", DataKind::Criminal)))
        (v.beside("categories_of_data"))
        (text_area("recipients", ui.t(W::Recipients), Some(ui.t(W::OnePerLine)), &lines("recipients", |a| a.recipients.clone())))
        (v.beside("recipients"))
        (text_area("processors", ui.t(W::Processors), Some(ui.t(W::ProcessorsIdsHint)), &lines("processors", |a| a.processors.clone())))
        (v.beside("processors"))
        (text_area("transfers", ui.t(W::Transfers), Some(ui.t(W::TransfersHint)), &transfers))
        (v.beside("transfers"))
        (text_area("retention", ui.t(W::RetentionPeriods), Some(ui.t(W::OnePerLine)), &lines("retention", |a| a.retention.clone())))
        (v.beside("retention"))
        (text_area("security_measures", ui.t(W::SecurityMeasures), Some(ui.t(W::OnePerLine)), &lines("security_measures", |a| a.security_measures.clone())))
        (v.beside("security_measures"))
        (checkboxes(ui.t(W::EdpbCriteria), &criteria))
        (v.beside("dpia"))
        (checkboxes(ui.t(W::VigieDataCovered), &vigie))
        (v.beside("vigie_data"))
    }
}

/// A record's identifier: typed once, read-only afterwards (other records name it).
fn record_id<R>(ui: &Ui, v: &Values<R>, stored: impl FnOnce(&R) -> String) -> Markup {
    let id = v.text("id", "", stored);
    let error = v.error("id");
    let described = if error.is_some() {
        "f-id-hint f-id-error"
    } else {
        "f-id-hint"
    };
    html! {
        div.field.invalid[error.is_some()] {
            label for="f-id" { (ui.t(W::RecordId)) }
            span.hint id="f-id-hint" { (ui.t(W::RecordIdHint)) }
            input id="f-id" type="text" name="id" value=(id) required readonly[v.editing()] aria-describedby=(described) aria-invalid=[error.map(|_| "true")] pattern="[a-z0-9][a-z0-9_\\-]{0,63}";
            @if let Some(e) = error { p.field-error id="f-id-error" { (e) } }
        }
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

fn processor_fields(ui: &Ui, v: &Values<Processor>) -> Markup {
    let lang = ui.lang;
    let lines =
        |name: &str, f: fn(&Processor) -> Vec<String>| v.text(name, "", |x| f(x).join("\n"));
    let subs = v.text("sub_processors", "", |x| {
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
    });
    let clauses: Vec<(String, &str, bool)> = Art28Clause::ALL
        .iter()
        .map(|c| {
            let name = format!("clause_{}", c.as_str());
            let checked = v.checked(&name, |x| x.clauses.contains(c));
            (name, c.label(lang), checked)
        })
        .collect();
    let review = v.text("next_review", "", |x| {
        x.next_review.map(|d| d.to_string()).unwrap_or_default()
    });
    let dpf = [(
        "dpf_certified".to_owned(),
        ui.t(W::DpfCertified),
        v.checked("dpf_certified", |x| x.dpf_certified),
    )];
    let name = v.text("name", "", |x| x.name.clone());
    let country = v.text("country", "", |x| x.country.as_str().to_owned());
    let safeguard = v.text("safeguard", "", |x| {
        x.safeguard.map_or("", |s| s.as_str()).to_owned()
    });
    html! {
        (record_id(ui, v, |x| x.id.clone()))
        (Field { required: true, value: &name, error: v.error("name"), ..Field::text("name", ui.t(W::Name)) })
        (text_area("services", ui.t(W::Services), Some(ui.t(W::OnePerLine)), &lines("services", |x| x.services.clone())))
        (v.beside("services"))
        (text_area("data", ui.t(W::DataConcerned), Some(ui.t(W::OnePerLine)), &lines("data", |x| x.data.clone())))
        (v.beside("data"))
        (Field { required: true, value: &country, error: v.error("country"), ..Field::text("country", ui.t(W::CountryCode)) })
        (select("safeguard", ui.t(W::Safeguard), &vocab_options(Safeguard::ALL, Safeguard::as_str, lang, Some(ui.t(W::NoneWord))), &safeguard))
        (v.beside("safeguard"))
        (checkboxes(ui.t(W::DpfCertified), &dpf))
        (text_area("sub_processors", ui.t(W::SubProcessors), Some(ui.t(W::SubProcessorsHint)), &subs))
        (v.beside("sub_processors"))
        (checkboxes(ui.t(W::Clauses), &clauses))
        (v.beside("clauses"))
        (text_area("certifications", ui.t(W::Certifications), Some(ui.t(W::OnePerLine)), &lines("certifications", |x| x.certifications.clone())))
        (v.beside("certifications"))
        (Field { kind: "date", value: &review, error: v.error("next_review"), ..Field::text("next_review", ui.t(W::NextReview)) })
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

fn dpia_fields(ui: &Ui, registers: &Registers, v: &Values<Dpia>) -> Markup {
    let lang = ui.lang;
    let activities: Vec<(String, String)> = registers
        .activities
        .iter()
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect();
    let levels = vocab_options(Level::ALL, Level::as_str, lang, Some(ui.t(W::NotAssessed)));
    let signed_by = v.text("signed_off_by", "", |d| {
        d.signed_off
            .as_ref()
            .map(|s| s.by.clone())
            .unwrap_or_default()
    });
    let signed_on = v.text("signed_off_on", "", |d| {
        d.signed_off
            .as_ref()
            .map(|s| s.on.to_string())
            .unwrap_or_default()
    });
    let review = v.text("review_on", "", |d| {
        d.review_on.map(|r| r.to_string()).unwrap_or_default()
    });
    let activity = v.text("activity", "", |d| d.activity.clone());
    html! {
        (record_id(ui, v, |d| d.id.clone()))
        (select("activity", ui.t(W::Activity), &activities, &activity))
        (v.beside("activity"))
        p.hint { (ui.t(W::DpiaCriteriaOnActivity)) }
        @for kind in RiskKind::ALL {
            @let risk = |d: &Dpia| d.risks.iter().find(|r| r.kind == *kind).cloned();
            @let level = |part: &str, f: fn(&Risk) -> Level| {
                let name = risk_field(*kind, part);
                let value = v.text(&name, "", |d| risk(d).map_or("", |r| f(&r).as_str()).to_owned());
                (name, value)
            };
            @let parts = [
                (level("severity", |r| r.severity), W::Severity, W::BeforeControls),
                (level("likelihood", |r| r.likelihood), W::Likelihood, W::BeforeControls),
                (level("residual_severity", |r| r.residual_severity), W::Severity, W::AfterControls),
                (level("residual_likelihood", |r| r.residual_likelihood), W::Likelihood, W::AfterControls),
            ];
            @let controls = risk_field(*kind, "controls");
            fieldset {
                legend { (kind.label(lang)) }
                @for ((name, value), what, when) in &parts[..2] {
                    (select(name, &format!("{} ({})", ui.t(*what), ui.t(*when)), &levels, value))
                    (v.beside(name))
                }
                (text_area(&controls, ui.t(W::Controls), Some(ui.t(W::OnePerLine)), &v.text(&controls, "", |d| risk(d).map(|r| r.controls.join("\n")).unwrap_or_default())))
                @for ((name, value), what, when) in &parts[2..] {
                    (select(name, &format!("{} ({})", ui.t(*what), ui.t(*when)), &levels, value))
                    (v.beside(name))
                }
            }
        }
        (Field { value: &signed_by, error: v.error("signed_off_by").or(v.error("signed_off")), ..Field::text("signed_off_by", ui.t(W::SignedOffBy)) })
        (Field { kind: "date", value: &signed_on, error: v.error("signed_off_on"), ..Field::text("signed_off_on", ui.t(W::SignedOffOn)) })
        (Field { kind: "date", value: &review, error: v.error("review_on"), ..Field::text("review_on", ui.t(W::ReviewOn)) })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_the_field_of_the_form() {
        let field = |m: &str| Refusal::of(m.to_owned()).field;
        // The form's own reading.
        assert_eq!(
            field("transfers, line 2: unknown country \"TUN\"").as_deref(),
            Some("transfers")
        );
        assert_eq!(
            field("signed_off_on: required with signed_off_by").as_deref(),
            Some("signed_off_on")
        );
        // The registers' checks: the record's field.
        assert_eq!(
            field("activities[2].transfers[0].recipient: must not be empty").as_deref(),
            Some("transfers")
        );
        assert_eq!(
            field("processors[0].name: must not be empty").as_deref(),
            Some("name")
        );
        assert_eq!(
            field("profile.dpo.contact: must not be empty").as_deref(),
            Some("dpo")
        );
        assert_eq!(
            field("profile.roles: must list at least one of controller").as_deref(),
            Some("roles")
        );
        assert_eq!(
            field("dpias[0].activity: no activity has the id \"a.b\"").as_deref(),
            Some("activity")
        );
        // Nothing to point at.
        assert_eq!(
            field("Le registre a changé depuis l'ouverture du formulaire."),
            None
        );
        assert_eq!(
            field("activities[3].id: \"x\" is used twice").as_deref(),
            Some("id")
        );
        assert_eq!(
            Refusal::unplaced("conflict: saved since".into()).field,
            None
        );
    }
}
