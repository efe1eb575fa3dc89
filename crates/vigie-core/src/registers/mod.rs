//! The registers an audit asks for (issue 13): the organization's profile, the record of
//! processing activities (art. 30), processors (art. 28) and impact assessments (art. 35), with
//! the gaps flagged by the core's assessments ([`crate::assess`]).
//!
//! **Registers as code**: the whole set reads from and writes to YAML (or JSON), parsed into the
//! typed [`Registers`] and checked as a whole ([`Registers::check`]); an invalid file is refused
//! whole, with the field path (and the line, when the YAML reader knows it).

pub mod breach;
pub mod export;
mod flags;
mod model;
pub mod notice;

use std::collections::HashSet;
use std::fmt;

pub use flags::{Flag, Issue, RecordRef, clause_fr, flags};
pub use model::*;

/// A register that cannot be read or does not hold together: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistersError {
    /// The field, e.g. `activities[1].legal_basis`; empty for the whole document.
    pub path: String,
    /// The line in the YAML text, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for RegistersError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for RegistersError {}

fn invalid(path: String, message: impl Into<String>) -> RegistersError {
    RegistersError {
        path,
        line: None,
        message: message.into(),
    }
}

/// Reads the registers from YAML, refusing the whole file at the first fault.
pub fn from_yaml(text: &str) -> Result<Registers, RegistersError> {
    let de = serde_yaml_ng::Deserializer::from_str(text);
    let registers: Registers = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = clean_path(&e.path().to_string());
        let inner = e.into_inner();
        RegistersError {
            line: inner.location().map(|l| field_line(text, l.line(), &path)),
            path,
            message: without_position(&inner.to_string()),
        }
    })?;
    registers.check()?;
    Ok(registers)
}

/// The YAML reader places an error in a value at the start of the mapping that holds it; the
/// field's own line is the first one at or after it that names the field's key.
fn field_line(text: &str, line: usize, path: &str) -> usize {
    let last = path.rsplit('.').next().unwrap_or("");
    let key = last.split('[').next().unwrap_or("");
    if key.is_empty() {
        return line;
    }
    text.lines()
        .enumerate()
        .skip(line.saturating_sub(1))
        .find(|(_, l)| {
            let l = l.trim_start().trim_start_matches("- ").trim_start();
            l.strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':'))
        })
        .map_or(line, |(i, _)| i + 1)
}

/// Reads the registers from JSON (the API's body), with the same checks as YAML.
pub fn from_json(text: &str) -> Result<Registers, RegistersError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let registers: Registers = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = clean_path(&e.path().to_string());
        let inner = e.into_inner();
        RegistersError {
            path,
            line: (inner.line() > 0).then(|| inner.line()),
            message: without_position(&inner.to_string()),
        }
    })?;
    de.end()
        .map_err(|e| invalid(String::new(), e.to_string()))?;
    registers.check()?;
    Ok(registers)
}

/// Reads one record (an activity, a processor, the profile) from JSON, with the field path.
pub fn record_from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, RegistersError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let record: T = serde_path_to_error::deserialize(&mut de).map_err(|e| RegistersError {
        path: clean_path(&e.path().to_string()),
        line: None,
        message: without_position(&e.into_inner().to_string()),
    })?;
    de.end()
        .map_err(|e| invalid(String::new(), e.to_string()))?;
    Ok(record)
}

/// The registers as YAML: what `from_yaml` reads back to the same value.
pub fn to_yaml(registers: &Registers) -> String {
    serde_yaml_ng::to_string(registers).expect("the registers serialize")
}

fn clean_path(path: &str) -> String {
    if path == "." {
        String::new()
    } else {
        path.to_owned()
    }
}

/// The reader's message without its position (given apart) and without the path the YAML
/// reader puts in front (ours, from serde_path_to_error, is complete).
fn without_position(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    match message.split_once(": ") {
        Some((head, rest)) if !head.contains(char::is_whitespace) && head.contains(['.', '[']) => {
            rest.to_owned()
        }
        _ => message.to_owned(),
    }
}

/// An identifier of a record: 1-64 of `a-z`, `0-9`, `-`, `_`, starting with a letter or digit.
pub fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && id.as_bytes()[0].is_ascii_alphanumeric()
}

fn required_text(path: String, value: &str) -> Result<(), RegistersError> {
    if value.trim().is_empty() {
        Err(invalid(path, "must not be empty"))
    } else {
        Ok(())
    }
}

fn required_list(path: String, values: &[String]) -> Result<(), RegistersError> {
    if values.is_empty() {
        return Err(invalid(path, "must list at least one entry"));
    }
    for (i, v) in values.iter().enumerate() {
        required_text(format!("{path}[{i}]"), v)?;
    }
    Ok(())
}

fn unique_ids<'a>(
    what: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<HashSet<&'a str>, RegistersError> {
    let mut seen = HashSet::new();
    for (i, id) in ids.enumerate() {
        if !valid_id(id) {
            return Err(invalid(
                format!("{what}[{i}].id"),
                format!("{id:?} is not an identifier (1-64 of a-z, 0-9, - and _)"),
            ));
        }
        if !seen.insert(id) {
            return Err(invalid(
                format!("{what}[{i}].id"),
                format!("{id:?} is used twice"),
            ));
        }
    }
    Ok(seen)
}

impl Registers {
    /// Holds the registers together: required fields filled, identifiers unique, references
    /// resolved, the art. 9/10 condition given for sensitive or criminal data, the clients of a
    /// processor and the partners of a joint controller named.
    pub fn check(&self) -> Result<(), RegistersError> {
        let p = &self.profile;
        required_text("profile.legal_name".into(), &p.legal_name)?;
        required_text("profile.address".into(), &p.address)?;
        for (field, party) in [("representative", &p.representative), ("dpo", &p.dpo)] {
            if let Some(party) = party {
                required_text(format!("profile.{field}.name"), &party.name)?;
                required_text(format!("profile.{field}.contact"), &party.contact)?;
            }
        }
        if p.roles.is_empty() {
            return Err(invalid(
                "profile.roles".into(),
                "must list at least one of controller, processor, joint_controller",
            ));
        }
        if p.roles.contains(&OrgRole::Processor) {
            required_list("profile.clients".into(), &p.clients)?;
        }
        if p.roles.contains(&OrgRole::JointController) {
            required_list("profile.joint_controllers".into(), &p.joint_controllers)?;
        }
        let processors = unique_ids("processors", self.processors.iter().map(|x| x.id.as_str()))?;
        let activities = unique_ids("activities", self.activities.iter().map(|x| x.id.as_str()))?;
        unique_ids("dpias", self.dpias.iter().map(|x| x.id.as_str()))?;
        for (i, a) in self.activities.iter().enumerate() {
            let at = |f: &str| format!("activities[{i}].{f}");
            required_text(at("name"), &a.name)?;
            required_list(at("purposes"), &a.purposes)?;
            required_list(at("categories_of_persons"), &a.categories_of_persons)?;
            if a.categories_of_data.is_empty() {
                return Err(invalid(
                    at("categories_of_data"),
                    "must list at least one entry",
                ));
            }
            for (j, c) in a.categories_of_data.iter().enumerate() {
                required_text(at(&format!("categories_of_data[{j}].name")), &c.name)?;
            }
            let special = a
                .categories_of_data
                .iter()
                .any(|c| c.kind != DataKind::General);
            if special && a.special_condition.is_none() {
                return Err(invalid(
                    at("special_condition"),
                    "sensitive or criminal data need the condition of art. 9(2) or art. 10",
                ));
            }
            required_list(at("retention"), &a.retention)?;
            required_list(at("security_measures"), &a.security_measures)?;
            for (j, r) in a.recipients.iter().enumerate() {
                required_text(at(&format!("recipients[{j}]")), r)?;
            }
            for (j, id) in a.processors.iter().enumerate() {
                if !processors.contains(id.as_str()) {
                    return Err(invalid(
                        at(&format!("processors[{j}]")),
                        format!("no processor has the id {id:?}"),
                    ));
                }
            }
            for (j, t) in a.transfers.iter().enumerate() {
                required_text(at(&format!("transfers[{j}].recipient")), &t.recipient)?;
            }
        }
        for (i, x) in self.processors.iter().enumerate() {
            let at = |f: &str| format!("processors[{i}].{f}");
            required_text(at("name"), &x.name)?;
            required_list(at("services"), &x.services)?;
            required_list(at("data"), &x.data)?;
            for (j, s) in x.sub_processors.iter().enumerate() {
                required_text(at(&format!("sub_processors[{j}].name")), &s.name)?;
            }
        }
        for (i, d) in self.dpias.iter().enumerate() {
            if !activities.contains(d.activity.as_str()) {
                return Err(invalid(
                    format!("dpias[{i}].activity"),
                    format!("no activity has the id {:?}", d.activity),
                ));
            }
            if let Some(s) = &d.signed_off {
                required_text(format!("dpias[{i}].signed_off.by"), &s.by)?;
            }
        }
        Ok(())
    }

    /// Replaces the activity with the same id, or adds it; the registers are checked again and
    /// left unchanged when the result does not hold together.
    pub fn put_activity(&mut self, activity: Activity) -> Result<(), RegistersError> {
        self.change(|r| upsert_by_id(&mut r.activities, activity, |a| &a.id))
    }

    /// Replaces the processor with the same id, or adds it (checked as [`Self::put_activity`]).
    pub fn put_processor(&mut self, processor: Processor) -> Result<(), RegistersError> {
        self.change(|r| upsert_by_id(&mut r.processors, processor, |p| &p.id))
    }

    /// Replaces the impact assessment with the same id, or adds it (checked as
    /// [`Self::put_activity`]).
    pub fn put_dpia(&mut self, dpia: Dpia) -> Result<(), RegistersError> {
        self.change(|r| upsert_by_id(&mut r.dpias, dpia, |d| &d.id))
    }

    /// Replaces the profile (checked as [`Self::put_activity`]).
    pub fn put_profile(&mut self, profile: Profile) -> Result<(), RegistersError> {
        self.change(|r| r.profile = profile)
    }

    /// Applies `edit` to a copy, checks the copy, and keeps it only when it holds together.
    fn change(&mut self, edit: impl FnOnce(&mut Registers)) -> Result<(), RegistersError> {
        let mut next = self.clone();
        edit(&mut next);
        next.check()?;
        *self = next;
        Ok(())
    }

    /// Empty registers around a profile: where an organization starts.
    pub fn new(profile: Profile) -> Registers {
        Registers {
            profile,
            activities: Vec::new(),
            processors: Vec::new(),
            dpias: Vec::new(),
        }
    }

    pub fn activity(&self, id: &str) -> Option<&Activity> {
        self.activities.iter().find(|a| a.id == id)
    }

    pub fn processor(&self, id: &str) -> Option<&Processor> {
        self.processors.iter().find(|p| p.id == id)
    }

    pub fn dpia(&self, id: &str) -> Option<&Dpia> {
        self.dpias.iter().find(|d| d.id == id)
    }
}

/// Replaces the record of `records` with the same id as `record`, or adds it at the end.
fn upsert_by_id<T>(records: &mut Vec<T>, record: T, id: impl Fn(&T) -> &str) {
    match records.iter().position(|r| id(r) == id(&record)) {
        Some(i) => records[i] = record,
        None => records.push(record),
    }
}
