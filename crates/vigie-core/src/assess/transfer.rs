//! Transfers of personal data outside the EEA (GDPR chapter V): is a transfer to this country,
//! on this day, under this safeguard, lawful? The adequacy decisions are dated data kept in one
//! table, [`ADEQUACY`]: a decision adopted or withdrawn by the Commission is one row.

use crate::vocab::vocabulary;
use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, date};
use serde::{Deserialize, Serialize};

use crate::decision::Lang;

/// An ISO 3166-1 alpha-2 country code among those officially assigned (`GB` for the United
/// Kingdom; `UK` and `EL` are not ISO codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

/// Every officially assigned ISO 3166-1 alpha-2 code, sorted.
const ISO_3166_ALPHA2: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH \
BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY \
CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP \
GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM \
KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR \
MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS \
PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD \
TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA \
ZM ZW";

/// The European Economic Area: the 27 member states, Iceland, Liechtenstein and Norway, plus the
/// territories ISO lists apart that are part of a member state inside the Union (Åland; the
/// French outermost regions Guadeloupe, French Guiana, Martinique, Réunion, Mayotte and
/// Saint-Martin, art. 349 and 355(1) TFEU): sending data there is no transfer.
const EEA: &str = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES \
SE IS LI NO AX GP GF MQ RE YT MF";

impl Country {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII letters")
    }

    pub fn in_eea(self) -> bool {
        EEA.split(' ').any(|c| c == self.as_str())
    }
}

/// A country code that is not an assigned ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not an ISO 3166-1 alpha-2 country code (two capital letters, GB for the United Kingdom)"
)]
pub struct BadCountry(pub String);

impl FromStr for Country {
    type Err = BadCountry;
    fn from_str(s: &str) -> Result<Country, BadCountry> {
        let b = s.as_bytes();
        if b.len() == 2
            && b.iter().all(u8::is_ascii_uppercase)
            && ISO_3166_ALPHA2.split(' ').any(|c| c == s)
        {
            Ok(Country([b[0], b[1]]))
        } else {
            Err(BadCountry(s.to_owned()))
        }
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

vocabulary! {
    /// The appropriate safeguard a transfer rests on, if any (art. 46 and 49).
    Safeguard, "safeguard" {
        /// Standard contractual clauses (Commission decision 2021/914), art. 46(2)(c).
        Scc => "scc",
        /// Binding corporate rules, art. 46(2)(b) and 47.
        Bcr => "bcr",
        /// An approved code of conduct or certification, art. 46(2)(e)/(f).
        CodeOrCertification => "code_or_certification",
        /// A derogation for a specific situation, art. 49: occasional, to be justified.
        Derogation => "derogation",
    }
}

/// An adequacy decision (art. 45): the country, the day it took effect, the day it ceased to
/// (none while in force), and what it covers when it does not cover every recipient.
#[derive(Debug, Clone, Copy)]
pub struct Adequacy {
    pub country: &'static str,
    pub name_en: &'static str,
    pub name_fr: &'static str,
    pub from: Date,
    pub until: Option<Date>,
    /// Only recipients certified under the EU-US Data Privacy Framework.
    pub dpf_only: bool,
    pub reference: &'static str,
}

const fn adequacy(
    country: &'static str,
    name_en: &'static str,
    name_fr: &'static str,
    from: Date,
    reference: &'static str,
) -> Adequacy {
    Adequacy {
        country,
        name_en,
        name_fr,
        from,
        until: None,
        dpf_only: false,
        reference,
    }
}

/// The Commission's adequacy decisions, with the day each took effect (ASSESSMENTS.md). A
/// decision withdrawn or struck down gets its `until`; a new one is a new row.
pub const ADEQUACY: &[Adequacy] = &[
    adequacy(
        "CH",
        "Switzerland",
        "Suisse",
        date(2000, 7, 26),
        "Decision 2000/518/EC",
    ),
    adequacy(
        "CA",
        "Canada (commercial organisations)",
        "Canada (organisations commerciales)",
        date(2001, 12, 20),
        "Decision 2002/2/EC",
    ),
    adequacy(
        "AR",
        "Argentina",
        "Argentine",
        date(2003, 6, 30),
        "Decision 2003/490/EC",
    ),
    adequacy(
        "GG",
        "Guernsey",
        "Guernesey",
        date(2003, 11, 21),
        "Decision 2003/821/EC",
    ),
    adequacy(
        "IM",
        "Isle of Man",
        "Île de Man",
        date(2004, 4, 28),
        "Decision 2004/411/EC",
    ),
    adequacy(
        "JE",
        "Jersey",
        "Jersey",
        date(2008, 5, 8),
        "Decision 2008/393/EC",
    ),
    adequacy(
        "FO",
        "Faroe Islands",
        "Îles Féroé",
        date(2010, 3, 5),
        "Decision 2010/146/EU",
    ),
    adequacy(
        "AD",
        "Andorra",
        "Andorre",
        date(2010, 10, 19),
        "Decision 2010/625/EU",
    ),
    adequacy(
        "IL",
        "Israel",
        "Israël",
        date(2011, 1, 31),
        "Decision 2011/61/EU",
    ),
    adequacy(
        "UY",
        "Uruguay",
        "Uruguay",
        date(2012, 8, 21),
        "Decision 2012/484/EU",
    ),
    adequacy(
        "NZ",
        "New Zealand",
        "Nouvelle-Zélande",
        date(2012, 12, 19),
        "Decision 2013/65/EU",
    ),
    adequacy(
        "JP",
        "Japan",
        "Japon",
        date(2019, 1, 23),
        "Decision (EU) 2019/419",
    ),
    adequacy(
        "GB",
        "United Kingdom",
        "Royaume-Uni",
        date(2021, 6, 28),
        "Decision (EU) 2021/1772",
    ),
    adequacy(
        "KR",
        "Republic of Korea",
        "République de Corée",
        date(2021, 12, 17),
        "Decision (EU) 2022/254",
    ),
    Adequacy {
        dpf_only: true,
        ..adequacy(
            "US",
            "United States (Data Privacy Framework)",
            "États-Unis (Data Privacy Framework)",
            date(2023, 7, 10),
            "Decision (EU) 2023/1795",
        )
    },
];

impl Adequacy {
    fn in_force(&self, at: Date) -> bool {
        self.from <= at && self.until.is_none_or(|u| at < u)
    }
}

/// The adequacy decision covering a transfer to `country` on `at`, if any (a DPF-only decision
/// covers certified recipients only).
pub fn adequacy_for(country: Country, at: Date, dpf_certified: bool) -> Option<&'static Adequacy> {
    ADEQUACY
        .iter()
        .find(|a| a.country == country.as_str() && a.in_force(at) && (!a.dpf_only || dpf_certified))
}

/// A transfer to assess.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    pub at: Date,
    pub country: Country,
    #[serde(default)]
    pub safeguard: Option<Safeguard>,
    #[serde(default)]
    pub dpf_certified: bool,
}

vocabulary! {
    /// Why a transfer is lawful or not.
    TransferCode, "transfer code" {
        Eea => "EEA",
        Adequacy => "ADEQUACY",
        Safeguard => "SAFEGUARD",
        Derogation => "DEROGATION",
        NoSafeguard => "NO_SAFEGUARD",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransferAnswer {
    pub lawful: bool,
    pub code: TransferCode,
    pub explanation: String,
    pub references: Vec<&'static str>,
}

/// Whether the transfer is lawful, and on what ground.
pub fn assess_transfer(r: &TransferRequest, lang: Lang) -> TransferAnswer {
    let fr = lang == Lang::Fr;
    let c = r.country;
    if c.in_eea() {
        return TransferAnswer {
            lawful: true,
            code: TransferCode::Eea,
            explanation: if fr {
                format!("{c} est dans l'Espace économique européen : ce n'est pas un transfert.")
            } else {
                format!("{c} is in the European Economic Area: this is no transfer.")
            },
            references: vec!["GDPR art. 44"],
        };
    }
    if let Some(a) = adequacy_for(c, r.at, r.dpf_certified) {
        return TransferAnswer {
            lawful: true,
            code: TransferCode::Adequacy,
            explanation: if fr {
                format!(
                    "Décision d'adéquation en vigueur depuis le {} : {}.",
                    a.from, a.name_fr
                )
            } else {
                format!(
                    "Adequacy decision in force since {}: {}.",
                    a.from, a.name_en
                )
            },
            references: vec!["GDPR art. 45", a.reference],
        };
    }
    // The United States without certification: say why the decision does not apply.
    let dpf_note = ADEQUACY
        .iter()
        .any(|a| a.dpf_only && a.country == c.as_str() && a.in_force(r.at));
    let (code, lawful, en, fr_text, reference) = match r.safeguard {
        Some(Safeguard::Scc) => (
            TransferCode::Safeguard,
            true,
            "No adequacy decision; standard contractual clauses (decision 2021/914) frame the transfer.",
            "Pas de décision d'adéquation ; des clauses contractuelles types (décision 2021/914) encadrent le transfert.",
            "GDPR art. 46(2)(c)",
        ),
        Some(Safeguard::Bcr) => (
            TransferCode::Safeguard,
            true,
            "No adequacy decision; binding corporate rules frame the transfer.",
            "Pas de décision d'adéquation ; des règles d'entreprise contraignantes encadrent le transfert.",
            "GDPR art. 46(2)(b), 47",
        ),
        Some(Safeguard::CodeOrCertification) => (
            TransferCode::Safeguard,
            true,
            "No adequacy decision; an approved code of conduct or certification frames the transfer.",
            "Pas de décision d'adéquation ; un code de conduite ou une certification approuvés encadrent le transfert.",
            "GDPR art. 46(2)(e)-(f)",
        ),
        Some(Safeguard::Derogation) => (
            TransferCode::Derogation,
            true,
            "No adequacy decision nor safeguard; a derogation for a specific situation, occasional and to be justified.",
            "Ni décision d'adéquation ni garantie ; une dérogation pour une situation particulière, occasionnelle et à justifier.",
            "GDPR art. 49",
        ),
        None => (
            TransferCode::NoSafeguard,
            false,
            "No adequacy decision and no safeguard: the transfer has no lawful basis.",
            "Ni décision d'adéquation ni garantie appropriée : le transfert n'a pas de base légale.",
            "GDPR art. 44",
        ),
    };
    let mut explanation = format!("{c}: {}", if fr { fr_text } else { en });
    if dpf_note {
        explanation.push_str(if fr {
            " La décision d'adéquation des États-Unis ne couvre que les destinataires certifiés Data Privacy Framework."
        } else {
            " The United States adequacy decision covers only recipients certified under the Data Privacy Framework."
        });
    }
    let mut references = vec![reference];
    if reference != "GDPR art. 44" {
        references.insert(0, "GDPR art. 44");
    }
    TransferAnswer {
        lawful,
        code,
        explanation,
        references,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_the_assigned_iso_ones() {
        assert_eq!(ISO_3166_ALPHA2.split(' ').count(), 249);
        let mut sorted: Vec<_> = ISO_3166_ALPHA2.split(' ').collect();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 249);
        for bad in ["UK", "EL", "tn", "T", "TUN", "", "XX", "Tn"] {
            assert!(bad.parse::<Country>().is_err(), "{bad}");
        }
        assert_eq!("TN".parse::<Country>().unwrap().as_str(), "TN");
        // Every EEA and adequacy code is an ISO code.
        for c in EEA.split(' ') {
            assert!(c.parse::<Country>().is_ok(), "{c}");
        }
        for a in ADEQUACY {
            assert!(a.country.parse::<Country>().is_ok(), "{}", a.country);
        }
        assert_eq!(EEA.split(' ').count(), 30 + 7);
    }
}
