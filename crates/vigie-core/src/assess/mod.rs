//! The assessments behind the registers' flags (the contract ASSESSMENTS.md): is a
//! transfer lawful, is an impact assessment required, when must a breach be notified, when is a
//! data subject request due. `vigie assess`, `POST /api/v1/assess` and the registers call these
//! functions; nothing else computes them.
//!
//! A request is read into typed values first ([`parse_assessment`]): an unknown criterion, a bad
//! country code, an extension of 3 months is an error naming the field, never an answer.

pub mod breach;
pub mod dpia;
pub mod transfer;

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::decision::Lang;
use crate::dsar::{MAX_EXTENSION_MONTHS, due_date};

pub use breach::{BreachAnswer, BreachCode, BreachRequest, BreachRisk, assess_breach};
pub use dpia::{Criterion, DpiaAnswer, DpiaCode, DpiaRequest, assess_dpia};
pub use transfer::{
    ADEQUACY, Country, Safeguard, TransferAnswer, TransferCode, TransferRequest, assess_transfer,
};

/// A data subject request's due date to compute (art. 12(3)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DsarDeadlineRequest {
    pub received_on: Date,
    #[serde(default)]
    pub extension_months: ExtensionMonths,
}

/// 0, 1 or 2 further months (art. 12(3)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ExtensionMonths(u8);

impl ExtensionMonths {
    pub fn new(months: u8) -> Option<ExtensionMonths> {
        (months <= MAX_EXTENSION_MONTHS).then_some(ExtensionMonths(months))
    }
    pub fn get(self) -> u8 {
        self.0
    }
}

impl<'de> Deserialize<'de> for ExtensionMonths {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        u8::try_from(n)
            .ok()
            .and_then(ExtensionMonths::new)
            .ok_or_else(|| {
                serde::de::Error::custom(format_args!(
                    "an extension is of 0, 1 or 2 months (art. 12(3)), not {n}"
                ))
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DsarDeadlineAnswer {
    pub due_on: Date,
    pub explanation: String,
    pub references: Vec<&'static str>,
}

/// The last day to answer: one month from the day of receipt plus the extension, counted as
/// Regulation 1182/71 says (the same rule as the request queue's, [`due_date`]).
pub fn assess_dsar_deadline(r: &DsarDeadlineRequest, lang: Lang) -> DsarDeadlineAnswer {
    let months = 1 + r.extension_months.get();
    let due_on = due_date(r.received_on, months);
    let explanation = match lang {
        Lang::Fr => format!(
            "Reçue le {}, la demande appelle une réponse au plus tard le {due_on} ({months} mois ; un mois plus court s'arrête à son dernier jour).",
            r.received_on
        ),
        Lang::En => format!(
            "Received on {}, the request must be answered by {due_on} ({months} month(s); a shorter month ends on its last day).",
            r.received_on
        ),
    };
    DsarDeadlineAnswer {
        due_on,
        explanation,
        references: vec![
            "GDPR art. 12(3)",
            "Regulation (EEC, Euratom) 1182/71 art. 3",
        ],
    }
}

/// One assessment request of the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assessment {
    Transfer(TransferRequest),
    Dpia(DpiaRequest),
    Breach(BreachRequest),
    DsarDeadline(DsarDeadlineRequest),
}

/// The answer to an [`Assessment`], serialized as the contract's flat object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum AssessmentAnswer {
    Transfer(TransferAnswer),
    Dpia(DpiaAnswer),
    Breach(BreachAnswer),
    DsarDeadline(DsarDeadlineAnswer),
}

pub fn assess(request: &Assessment, lang: Lang) -> AssessmentAnswer {
    match request {
        Assessment::Transfer(r) => AssessmentAnswer::Transfer(assess_transfer(r, lang)),
        Assessment::Dpia(r) => AssessmentAnswer::Dpia(assess_dpia(r, lang)),
        Assessment::Breach(r) => AssessmentAnswer::Breach(assess_breach(r, lang)),
        Assessment::DsarDeadline(r) => {
            AssessmentAnswer::DsarDeadline(assess_dsar_deadline(r, lang))
        }
    }
}

/// A request that cannot be read: the field (`criteria[1]`, `country`; empty for the whole
/// document) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessError {
    path: String,
    message: String,
}

impl AssessError {
    pub fn path(&self) -> &str {
        &self.path
    }
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for AssessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for AssessError {}

const KINDS: &str = "transfer, dpia, breach, dsar_deadline";

/// Reads one assessment request (a JSON object with `kind`). Unknown fields are refused.
pub fn parse_assessment(json: &str) -> Result<Assessment, AssessError> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| AssessError {
        path: String::new(),
        message: format!("invalid JSON: {}", without_position(&e.to_string())),
    })?;
    from_value(value)
}

/// Reads one assessment request already parsed as JSON.
pub fn from_value(mut value: serde_json::Value) -> Result<Assessment, AssessError> {
    let Some(object) = value.as_object_mut() else {
        return Err(AssessError {
            path: String::new(),
            message: "invalid type: expected an object with a \"kind\"".to_owned(),
        });
    };
    let kind = match object.remove("kind") {
        Some(serde_json::Value::String(k)) => k,
        Some(_) => return Err(field_error("kind", format!("expected one of: {KINDS}"))),
        None => return Err(field_error("", "missing field `kind`".to_owned())),
    };
    match kind.as_str() {
        "transfer" => typed(value).map(Assessment::Transfer),
        "dpia" => typed(value).map(Assessment::Dpia),
        "breach" => typed(value).map(Assessment::Breach),
        "dsar_deadline" => typed(value).map(Assessment::DsarDeadline),
        other => Err(field_error(
            "kind",
            format!("unknown kind {other:?} (expected one of: {KINDS})"),
        )),
    }
}

fn field_error(path: &str, message: String) -> AssessError {
    AssessError {
        path: path.to_owned(),
        message,
    }
}

fn typed<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, AssessError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // A missing field is reported at its parent; name the field itself.
        let path = match (path.as_str(), missing_field(&message)) {
            (".", Some(f)) => f.to_owned(),
            (p, Some(f)) => format!("{p}.{f}"),
            (".", None) => String::new(),
            (p, None) => p.to_owned(),
        };
        AssessError { path, message }
    })
}

fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
