//! The campaign file: what is sent, on which channel, when, under whose law.
//!
//! ```json
//! {"jurisdiction": "FR", "purpose": "marketing", "product_category": "optics",
//!  "relates_to_profession": true, "sender": "Optique Lumière SAS", "channel": "email",
//!  "at": "2026-11-24T10:30:00+01:00"}
//! ```
//! `jurisdiction`, `purpose`, `channel` and `at` are required; `product_category` (none),
//! `relates_to_profession` (false), `commercial` (true), `press` (false: an offer of newspapers,
//! periodicals or magazines), `sender` and `name` are optional. Any
//! other field is refused, so that a misspelt option never passes silently. Errors name the field.

use serde::Deserialize;
use vigie_core::{Campaign, Channel, DecisionContext, Jurisdiction, Moment, Purpose, Region};

/// A campaign file that cannot be used: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{reason}", if field.is_empty() { String::new() } else { format!("field {field:?}: ") })]
pub struct CampaignError {
    /// The field at fault (`""` when the file as a whole is unreadable).
    pub field: String,
    pub reason: String,
}

/// Which identifier of the targets file a campaign reaches people on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Identifier {
    /// The `email` column, trimmed and lower-cased.
    Email,
    /// The `phone` column, normalized to E.164.
    Phone,
}

impl Identifier {
    /// The column of the targets file.
    pub fn column(self) -> &'static str {
        match self {
            Identifier::Email => "email",
            Identifier::Phone => "phone",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CampaignFile {
    jurisdiction: Jurisdiction,
    purpose: Purpose,
    channel: Channel,
    at: Moment,
    #[serde(default)]
    product_category: Option<String>,
    #[serde(default)]
    relates_to_profession: bool,
    #[serde(default = "commercial_by_default")]
    commercial: bool,
    #[serde(default)]
    press: bool,
    #[serde(default)]
    sender: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

fn commercial_by_default() -> bool {
    true
}

/// A campaign, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignSpec {
    pub jurisdiction: Jurisdiction,
    pub purpose: Purpose,
    pub channel: Channel,
    /// The moment of contact, with the offset it was written in.
    pub at: Moment,
    pub campaign: Campaign,
    pub sender: Option<String>,
    pub name: Option<String>,
    /// The identifier the channel reaches people on.
    pub identifier: Identifier,
    /// The file as given, kept as proof.
    pub source: String,
}

impl CampaignSpec {
    /// Reads a campaign file (JSON).
    pub fn parse(json: &str) -> Result<CampaignSpec, CampaignError> {
        let de = &mut serde_json::Deserializer::from_str(json);
        let file: CampaignFile = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            CampaignError {
                field: if path == "." || path == "?" {
                    String::new()
                } else {
                    path
                },
                reason: e.into_inner().to_string(),
            }
        })?;
        let identifier = match file.channel {
            Channel::Email => Identifier::Email,
            c if c.uses_phone_number() => Identifier::Phone,
            c => {
                return Err(CampaignError {
                    field: "channel".into(),
                    reason: format!(
                        "{c} campaigns cannot be screened: a targets file identifies people by e-mail or phone"
                    ),
                });
            }
        };
        let product_category = file
            .product_category
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        Ok(CampaignSpec {
            jurisdiction: file.jurisdiction,
            purpose: file.purpose,
            channel: file.channel,
            at: file.at,
            campaign: Campaign {
                product_category,
                relates_to_profession: file.relates_to_profession,
                commercial: file.commercial,
                press: file.press,
            },
            sender: file.sender,
            name: file.name,
            identifier,
            source: json.to_owned(),
        })
    }

    /// The decision context of the campaign: built once per run.
    pub fn context(&self) -> DecisionContext<'_> {
        DecisionContext::new(
            self.jurisdiction,
            self.at,
            self.channel,
            self.purpose,
            &self.campaign,
        )
    }

    /// The region phone numbers without a country code are read in: the jurisdiction's.
    pub fn default_region(&self) -> Region {
        self.jurisdiction.as_str().parse().unwrap_or(Region::FR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMAIL: &str = r#"{"jurisdiction": "FR", "purpose": "marketing", "product_category": "optics",
        "relates_to_profession": true, "sender": "Optique Lumière SAS", "channel": "email",
        "at": "2026-11-24T10:30:00+01:00"}"#;

    #[test]
    fn the_generated_campaigns_read() {
        let c = CampaignSpec::parse(EMAIL).unwrap();
        assert_eq!(c.identifier, Identifier::Email);
        assert_eq!(c.campaign.product_category.as_deref(), Some("optics"));
        assert!(c.campaign.relates_to_profession && c.campaign.commercial);
        assert_eq!(c.context().rule_pack().id, "FR-2026-08-11");
        let sms = CampaignSpec::parse(&EMAIL.replace("\"email\"", "\"sms\"")).unwrap();
        assert_eq!(sms.identifier, Identifier::Phone);
        assert_eq!(sms.default_region(), Region::FR);
        assert!(!c.campaign.press);
        let press = EMAIL.replace(
            "\"channel\": \"email\"",
            "\"channel\": \"phone\", \"press\": true",
        );
        assert!(CampaignSpec::parse(&press).unwrap().campaign.press);
    }

    #[test]
    fn errors_name_the_field() {
        let e = CampaignSpec::parse(&EMAIL.replace("\"email\"", "\"pigeon\"")).unwrap_err();
        assert_eq!(e.field, "channel");
        assert!(e.reason.contains("unknown channel \"pigeon\""), "{e}");
        let e = CampaignSpec::parse(&EMAIL.replace("2026-11-24T10:30:00+01:00", "tomorrow"))
            .unwrap_err();
        assert_eq!(e.field, "at");
        let e = CampaignSpec::parse(&EMAIL.replace("\"sender\"", "\"sendr\"")).unwrap_err();
        assert!(e.to_string().contains("sendr"), "{e}");
        let e = CampaignSpec::parse(&EMAIL.replace("\"email\"", "\"postal\"")).unwrap_err();
        assert_eq!(e.field, "channel");
        let e = CampaignSpec::parse("{").unwrap_err();
        assert_eq!(e.field, "");
    }
}
