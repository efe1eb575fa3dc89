//! Consent forms: what an organization asks people for, and what a person's submission says.
//!
//! A form asks for one or more channels, each through one checkbox with its exact wording
//! (consent is given for a means of contact, CPCE L34-5: one box per channel), for the purposes
//! it names, and links to a published notice version. A box has no "ticked" state in the model:
//! nothing can pre-tick it (CJEU C-673/17 Planet49), so every grant a form writes is
//! `unticked_checkbox`, or `double_opt_in` once an e-mail confirmation link was followed.
//!
//! Parse, don't validate: [`FormSpec::from_json`] refuses a definition whole, naming the field;
//! [`Submission::parse`] reads the posted fields into typed identifiers and the ticked channels.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::decision::Lang;
use crate::ident::{Email, PhoneE164, Region};
use crate::vocab::{Channel, Purpose};

/// The hidden field robots fill in and people never see: a submission with it set is refused.
pub const HONEYPOT_FIELD: &str = "website";

/// The posted field of a channel's box: `consent_<channel>` with the value `yes`.
pub fn box_field(channel: Channel) -> String {
    format!("consent_{}", channel.as_str())
}

/// A definition or a submission refused, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FormError {
    pub field: String,
    pub message: String,
}

fn err(field: impl Into<String>, message: impl Into<String>) -> FormError {
    FormError {
        field: field.into(),
        message: message.into(),
    }
}

/// A form's address part: 1-64 of `[a-z0-9-]`, starting with a letter or digit.
pub fn valid_form_slug(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
}

/// A field a form collects besides its boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormField {
    Email,
    Phone,
    FirstName,
    LastName,
}

impl FormField {
    pub const ALL: [FormField; 4] = [
        FormField::Email,
        FormField::Phone,
        FormField::FirstName,
        FormField::LastName,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            FormField::Email => "email",
            FormField::Phone => "phone",
            FormField::FirstName => "first_name",
            FormField::LastName => "last_name",
        }
    }

    /// The identifier field a channel's consent is given for.
    pub const fn of_channel(c: Channel) -> Option<FormField> {
        match c {
            Channel::Email => Some(FormField::Email),
            Channel::Postal => None,
            _ => Some(FormField::Phone),
        }
    }
}

/// One checkbox: the channel it asks consent for and its exact wording, French (always) and
/// English (optional: the English page then shows the French wording, which is what the proof
/// then hashes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentBox {
    pub channel: Channel,
    pub wording_fr: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wording_en: Option<String>,
}

impl ConsentBox {
    /// The wording shown in `lang`.
    pub fn wording(&self, lang: Lang) -> &str {
        match (lang, &self.wording_en) {
            (Lang::En, Some(en)) => en,
            _ => &self.wording_fr,
        }
    }

    /// SHA-256 of the wording shown in `lang` (UTF-8, as shown), hex: part of the proof.
    pub fn wording_sha256(&self, lang: Lang) -> String {
        let digest = Sha256::digest(self.wording(lang).as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A site allowed to post to a form from a script: `https://host[:port]` (or `http://` for
/// `localhost`), lower case, no path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Origin(String);

impl Origin {
    pub fn parse(s: &str) -> Result<Origin, String> {
        let lower = s.trim().to_ascii_lowercase();
        let (scheme, rest) = lower
            .split_once("://")
            .ok_or_else(|| format!("{s:?}: expected https://host[:port]"))?;
        let host = rest.split(':').next().unwrap_or("");
        let port_ok = rest
            .split_once(':')
            .is_none_or(|(_, p)| !p.is_empty() && p.parse::<u16>().is_ok());
        let host_ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        let scheme_ok = scheme == "https" || (scheme == "http" && host == "localhost");
        if !scheme_ok || !host_ok || !port_ok || rest.contains('/') {
            return Err(format!(
                "{s:?}: expected https://host[:port] (no path; http only for localhost)"
            ));
        }
        Ok(Origin(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Origin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Origin::parse(&s).map_err(serde::de::Error::custom)
    }
}

fn yes() -> bool {
    true
}

/// A form's definition. Equal definitions are the same version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormSpec {
    /// The page's title, e.g. "Lettre d'information".
    pub name: String,
    pub purposes: Vec<Purpose>,
    pub boxes: Vec<ConsentBox>,
    /// The published notice version the form links to.
    pub notice_version: String,
    /// What the form collects; the identifier a box is given for must be among them.
    pub fields: Vec<FormField>,
    /// Whether e-mail consent waits for the person to confirm from the address (default yes).
    #[serde(default = "yes")]
    pub double_opt_in: bool,
    /// Sites allowed to post from a script (CORS); a plain HTML form posts from anywhere.
    #[serde(default)]
    pub allowed_origins: Vec<Origin>,
}

/// The longest box wording, in characters.
pub const MAX_WORDING: usize = 1000;

impl FormSpec {
    /// Reads a definition, naming the first field at fault.
    pub fn from_json(text: &str) -> Result<FormSpec, FormError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let spec: FormSpec = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            err(
                if path == "." { "form".into() } else { path },
                e.inner().to_string(),
            )
        })?;
        spec.check()?;
        Ok(spec)
    }

    /// The rules serde cannot state.
    pub fn check(&self) -> Result<(), FormError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(err("name", "1 to 100 characters"));
        }
        if self.purposes.is_empty() {
            return Err(err("purposes", "at least one purpose"));
        }
        if self.purposes.iter().collect::<BTreeSet<_>>().len() != self.purposes.len() {
            return Err(err("purposes", "a purpose is named twice"));
        }
        if self.boxes.is_empty() {
            return Err(err("boxes", "at least one box"));
        }
        let mut seen = BTreeSet::new();
        for (i, b) in self.boxes.iter().enumerate() {
            if !seen.insert(b.channel) {
                return Err(err(
                    format!("boxes[{i}].channel"),
                    format!(
                        "{} has a box already: one box per channel",
                        b.channel.as_str()
                    ),
                ));
            }
            let Some(field) = FormField::of_channel(b.channel) else {
                return Err(err(
                    format!("boxes[{i}].channel"),
                    "no postal address is kept: a form cannot ask for postal consent",
                ));
            };
            if !self.fields.contains(&field) {
                return Err(err(
                    "fields",
                    format!(
                        "the {} box needs the {} field",
                        b.channel.as_str(),
                        field.as_str()
                    ),
                ));
            }
            for (what, text) in [
                ("wording_fr", Some(&b.wording_fr)),
                ("wording_en", b.wording_en.as_ref()),
            ] {
                let Some(text) = text else { continue };
                let n = text.trim().chars().count();
                if n == 0 || n > MAX_WORDING || text.chars().any(char::is_control) {
                    return Err(err(
                        format!("boxes[{i}].{what}"),
                        format!("1 to {MAX_WORDING} characters, no control characters"),
                    ));
                }
            }
        }
        if self.fields.iter().collect::<BTreeSet<_>>().len() != self.fields.len() {
            return Err(err("fields", "a field is named twice"));
        }
        if !crate::registers::notice::valid_version(&self.notice_version) {
            return Err(err(
                "notice_version",
                "1-32 of letters, digits, '.', '-', '_'",
            ));
        }
        Ok(())
    }

    /// Whether `origin` may post from a script.
    pub fn allows_origin(&self, origin: &str) -> bool {
        Origin::parse(origin).is_ok_and(|o| self.allowed_origins.contains(&o))
    }

    /// Whether the field must be filled in whatever the person ticks: the one identifier
    /// every box is given for (with boxes for e-mail and SMS, neither is required alone).
    pub fn always_required(&self, field: FormField) -> bool {
        self.boxes
            .iter()
            .all(|b| FormField::of_channel(b.channel) == Some(field))
    }

    /// Whether a grant on `channel` waits for the e-mail confirmation.
    pub fn awaits_confirmation(&self, channel: Channel) -> bool {
        self.double_opt_in && channel == Channel::Email
    }
}

/// A person's submission, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub email: Option<Email>,
    pub phone: Option<PhoneE164>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// The channels whose box was ticked, in the form's order.
    pub ticked: Vec<Channel>,
}

/// Why a submission was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The honeypot was filled in: a robot.
    Honeypot,
    /// A field is wrong or missing.
    Field(FormError),
}

impl Submission {
    /// Reads the posted `fields` (name, value) against `spec`; phone numbers in national form
    /// are read in `region`.
    pub fn parse(
        spec: &FormSpec,
        fields: &[(String, String)],
        region: Region,
    ) -> Result<Submission, Refusal> {
        let get = |name: &str| {
            fields
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        if get(HONEYPOT_FIELD).is_some() {
            return Err(Refusal::Honeypot);
        }
        let field = |f: FormField| {
            if spec.fields.contains(&f) {
                get(f.as_str())
            } else {
                None
            }
        };
        let email = field(FormField::Email)
            .map(Email::parse)
            .transpose()
            .map_err(|e| Refusal::Field(err("email", e.to_string())))?;
        let phone = field(FormField::Phone)
            .map(|p| PhoneE164::parse(p, region))
            .transpose()
            .map_err(|e| Refusal::Field(err("phone", e.to_string())))?;
        let name = |f: FormField| -> Result<Option<String>, Refusal> {
            match field(f) {
                Some(v) if v.chars().count() > 100 || v.chars().any(char::is_control) => {
                    Err(Refusal::Field(err(
                        f.as_str(),
                        "at most 100 characters, no control characters",
                    )))
                }
                v => Ok(v.map(str::to_owned)),
            }
        };
        let (first_name, last_name) = (name(FormField::FirstName)?, name(FormField::LastName)?);
        let mut ticked = Vec::new();
        for b in &spec.boxes {
            match get(&box_field(b.channel)) {
                None => {}
                Some("yes") => ticked.push(b.channel),
                Some(_) => {
                    return Err(Refusal::Field(err(
                        box_field(b.channel),
                        "a box is ticked with the value yes",
                    )));
                }
            }
        }
        if ticked.is_empty() {
            return Err(Refusal::Field(err("boxes", "no box ticked")));
        }
        for c in &ticked {
            let given = match FormField::of_channel(*c) {
                Some(FormField::Email) => email.is_some(),
                _ => phone.is_some(),
            };
            if !given {
                let f = FormField::of_channel(*c).map_or("", FormField::as_str);
                return Err(Refusal::Field(err(
                    f,
                    format!("needed for the {} box", c.as_str()),
                )));
            }
        }
        Ok(Submission {
            email,
            phone,
            first_name,
            last_name,
            ticked,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> FormSpec {
        FormSpec::from_json(
            r#"{"name": "Lettre d'information", "purposes": ["marketing"],
                "boxes": [
                  {"channel": "email", "wording_fr": "J'accepte de recevoir les offres par e-mail."},
                  {"channel": "sms", "wording_fr": "J'accepte les SMS.", "wording_en": "I agree to texts."}],
                "notice_version": "2026-01", "fields": ["email", "phone", "first_name"],
                "allowed_origins": ["https://www.acme.example"]}"#,
        )
        .unwrap()
    }

    fn posted(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_definition_is_read_with_its_defaults() {
        let s = spec();
        assert!(s.double_opt_in, "double opt-in by default");
        assert!(s.awaits_confirmation(Channel::Email));
        assert!(!s.awaits_confirmation(Channel::Sms));
        assert!(s.allows_origin("https://www.acme.example"));
        assert!(!s.allows_origin("https://evil.example"));
        assert!(!s.always_required(FormField::Email));
        assert_eq!(s.boxes[1].wording(Lang::En), "I agree to texts.");
        assert_eq!(s.boxes[0].wording(Lang::En), s.boxes[0].wording_fr);
        assert_eq!(s.boxes[0].wording_sha256(Lang::Fr).len(), 64);
    }

    #[test]
    fn a_box_cannot_be_pre_ticked_nor_a_definition_bent() {
        let with = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut v = serde_json::to_value(spec()).unwrap();
            edit(&mut v);
            FormSpec::from_json(&v.to_string()).unwrap_err()
        };
        // The model has no ticked state: a definition that asks for one is refused whole.
        let e = with(&|v| v["boxes"][0]["checked"] = true.into());
        assert_eq!(e.field, "boxes[0].checked");
        assert!(e.message.contains("unknown field `checked`"), "{e}");
        let e = with(&|v| v["boxes"][1]["channel"] = "email".into());
        assert_eq!(e.field, "boxes[1].channel");
        let e = with(&|v| v["boxes"][1]["channel"] = "postal".into());
        assert!(e.message.contains("postal"), "{e}");
        let e = with(&|v| v["fields"] = serde_json::json!(["email"]));
        assert_eq!(e.field, "fields");
        assert!(e.message.contains("sms box needs the phone field"), "{e}");
        let e = with(&|v| v["purposes"] = serde_json::json!([]));
        assert_eq!(e.field, "purposes");
        let e = with(&|v| v["allowed_origins"] = serde_json::json!(["http://acme.example"]));
        assert_eq!(e.field, "allowed_origins[0]");
        let e = with(&|v| v["notice_version"] = "no spaces allowed".into());
        assert_eq!(e.field, "notice_version");
        let e = with(&|v| v["boxes"][0]["wording_fr"] = " ".into());
        assert_eq!(e.field, "boxes[0].wording_fr");
    }

    #[test]
    fn a_submission_names_what_was_ticked_and_needs_its_identifiers() {
        let s = spec();
        let sub = Submission::parse(
            &s,
            &posted(&[
                ("email", "Ines@Example.org"),
                ("phone", "06 12 34 56 78"),
                ("consent_email", "yes"),
            ]),
            Region::FR,
        )
        .unwrap();
        assert_eq!(sub.ticked, [Channel::Email]);
        assert_eq!(sub.phone.unwrap().as_str(), "+33612345678");
        // A ticked SMS box without a phone number.
        let e = Submission::parse(
            &s,
            &posted(&[("email", "ines@example.org"), ("consent_sms", "yes")]),
            Region::FR,
        )
        .unwrap_err();
        assert!(
            matches!(&e, Refusal::Field(f) if f.field == "phone"),
            "{e:?}"
        );
        // Nothing ticked.
        let e = Submission::parse(&s, &posted(&[("email", "ines@example.org")]), Region::FR)
            .unwrap_err();
        assert!(
            matches!(&e, Refusal::Field(f) if f.field == "boxes"),
            "{e:?}"
        );
        // The honeypot.
        let e = Submission::parse(
            &s,
            &posted(&[
                ("email", "ines@example.org"),
                ("consent_email", "yes"),
                (HONEYPOT_FIELD, "http://spam.example"),
            ]),
            Region::FR,
        )
        .unwrap_err();
        assert_eq!(e, Refusal::Honeypot);
        // A bad address names its field.
        let e = Submission::parse(
            &s,
            &posted(&[("email", "not an address"), ("consent_email", "yes")]),
            Region::FR,
        )
        .unwrap_err();
        assert!(
            matches!(&e, Refusal::Field(f) if f.field == "email"),
            "{e:?}"
        );
    }
}
