//! Rule packs: the law of one jurisdiction from one date, as data (limits, regimes) and
//! functions (the bases by channel and audience).
//!
//! [`PACKS`] is the one table of what is in force when. A new dated change is a new row (with
//! its data), a new jurisdiction a new module and rows: nothing existing is rewritten. A pack is
//! chosen by the civil date of the moment of contact in the jurisdiction's time zone, so the FR
//! phone switch happens at midnight in Paris, as in the reference screening.

use std::fmt;
use std::sync::OnceLock;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::code::Code;
use super::contact::ContactView;
use crate::vocab::{Audience, vocabulary};
use crate::zone::Zone;

pub(crate) mod de;
pub(crate) mod fr;
pub(crate) mod uk;

vocabulary! {
    /// Whose law applies to the contact.
    Jurisdiction, "jurisdiction" {
        /// France: CPCE L34-5, Code de la consommation L223-1 and D223-9, RGPD, CNIL doctrine.
        Fr => "FR",
        /// Germany: UWG §7, DSGVO.
        De => "DE",
        /// United Kingdom: PECR, UK GDPR.
        Uk => "UK",
    }
}

impl Jurisdiction {
    /// The zone in which dates and hours of this jurisdiction's rules are read.
    pub fn time_zone(self) -> &'static TimeZone {
        static BERLIN: OnceLock<TimeZone> = OnceLock::new();
        static LONDON: OnceLock<TimeZone> = OnceLock::new();
        let load = |name: &str| {
            TimeZone::get(name)
                .unwrap_or_else(|e| panic!("the bundled tz database lacks {name}: {e}"))
        };
        match self {
            Jurisdiction::Fr => crate::calendar::paris(),
            Jurisdiction::De => BERLIN.get_or_init(|| load("Europe/Berlin")),
            Jurisdiction::Uk => LONDON.get_or_init(|| load("Europe/London")),
        }
    }

    /// The same zone as a [`Zone`]: a contact's default zone.
    pub fn zone(self) -> Zone {
        let name = match self {
            Jurisdiction::Fr => "Europe/Paris",
            Jurisdiction::De => "Europe/Berlin",
            Jurisdiction::Uk => "Europe/London",
        };
        Zone::parse(name).unwrap_or_else(|e| panic!("the bundled tz database lacks {name}: {e}"))
    }
}

/// The law of one jurisdiction from one date.
#[derive(Debug)]
pub struct RulePack {
    /// Names the pack and its version in proofs, e.g. `FR-2026-08-11`.
    pub id: &'static str,
    pub jurisdiction: Jurisdiction,
    /// First civil day (in the jurisdiction's zone) on which the pack applies.
    pub effective_from: Date,
    /// What changed on that day, in one line.
    pub summary: &'static str,
    pub(crate) rules: Rules,
}

/// The data of a pack: the common rules' parameters and the jurisdiction's bases.
#[derive(Debug)]
pub(crate) struct Rules {
    /// A prospect (not a customer, not a role address) whose latest sign of life is more than
    /// this many calendar years old is denied.
    pub prospect_retention_years: Option<u8>,
    /// Limits on calls to consumers (FR D223-9).
    pub consumer_call_limits: Option<ConsumerCallLimits>,
    pub bases: Bases,
}

/// Day, hour, frequency and refusal limits on prospecting calls to consumers. The day and hour
/// windows are the French ones of [`crate::calendar`].
#[derive(Debug)]
pub(crate) struct ConsumerCallLimits {
    /// Calls already placed in the last 30 days at which the next one is refused.
    pub max_calls_in_30_days: u32,
    /// Calendar days during which a consumer who refused during a call is left alone.
    pub quiet_days_after_refusal: i16,
}

/// Which jurisdiction's bases apply, with their dated parameters.
#[derive(Debug)]
pub(crate) enum Bases {
    Fr(fr::Bases),
    De,
    Uk,
}

/// What is in force when, oldest first within each jurisdiction.
pub static PACKS: [RulePack; 4] = [
    RulePack {
        id: "FR-2023-03-01",
        jurisdiction: Jurisdiction::Fr,
        effective_from: Date::constant(2023, 3, 1),
        summary: "consumer calls limited in days, hours and frequency (décret 2022-1313, D223-9); \
                  phone prospecting is opt-out with the Bloctel list",
        rules: fr::rules(fr::Bases {
            consumer_phone: fr::PhoneRegime::OptOutWithList,
        }),
    },
    RulePack {
        id: "FR-2026-08-11",
        jurisdiction: Jurisdiction::Fr,
        effective_from: Date::constant(2026, 8, 11),
        summary: "phone prospecting of consumers needs prior consent (loi 2025-594, L223-1)",
        rules: fr::rules(fr::Bases {
            consumer_phone: fr::PhoneRegime::OptIn,
        }),
    },
    RulePack {
        id: "DE-2021-10-01",
        jurisdiction: Jurisdiction::De,
        effective_from: Date::constant(2021, 10, 1),
        summary: "UWG §7 with the consent documentation duty of §7a",
        rules: de::RULES,
    },
    RulePack {
        id: "UK-2021-01-01",
        jurisdiction: Jurisdiction::Uk,
        effective_from: Date::constant(2021, 1, 1),
        summary: "PECR and the UK GDPR after the Brexit transition",
        rules: uk::RULES,
    },
];

impl RulePack {
    /// The pack in force on `local_date` (a civil date in the jurisdiction's zone). Moments
    /// before a jurisdiction's first pack are judged by that first pack: Vigie does not model
    /// older law, and the law has only grown stricter since.
    pub fn in_force(jurisdiction: Jurisdiction, local_date: Date) -> &'static RulePack {
        let mut chosen: Option<&'static RulePack> = None;
        for pack in PACKS.iter().filter(|p| p.jurisdiction == jurisdiction) {
            if chosen.is_none() || pack.effective_from <= local_date {
                chosen = Some(pack);
            }
        }
        chosen.expect("every jurisdiction has at least one pack")
    }
}

impl fmt::Display for RulePack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

// Bases shared by several packs.

/// A person reached at work, where B2B opt-out applies (FR electronic messages and calls, UK
/// electronic mail to corporate subscribers, DE calls with presumed consent): consent, else
/// B2B opt-out for a person `informed` as the pack requires and a message about their job.
fn professional_opt_out(consent: bool, informed: bool, relates_to_profession: bool) -> Code {
    if consent {
        Code::Consent
    } else if !informed {
        Code::NotInformed
    } else if relates_to_profession {
        Code::B2bOptOut
    } else {
        Code::UnrelatedToProfession
    }
}

/// Post is an opt-out channel everywhere Vigie knows (FR, DE UWG §7(1), UK GDPR): consent, else
/// opt-out for a person informed and offered to object at collection; role addresses are
/// company data.
fn postal<C: ContactView + ?Sized>(contact: &C, consent: bool) -> Code {
    if contact.audience() == Audience::Generic {
        Code::GenericAddress
    } else if consent {
        Code::Consent
    } else {
        informed_opt_out(contact)
    }
}

/// An opt-out basis: it holds only for a person told at collection and offered to object.
fn informed_opt_out<C: ContactView + ?Sized>(contact: &C) -> Code {
    if contact.informed() && contact.objection_offered() {
        Code::OptOut
    } else {
        Code::NotInformed
    }
}

fn consent_only(consent: bool) -> Code {
    if consent {
        Code::Consent
    } else {
        Code::NoConsent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_are_chosen_by_local_date() {
        let fr = |y, m, d| RulePack::in_force(Jurisdiction::Fr, Date::constant(y, m, d)).id;
        assert_eq!(fr(2026, 8, 10), "FR-2023-03-01");
        assert_eq!(fr(2026, 8, 11), "FR-2026-08-11");
        assert_eq!(fr(2031, 1, 1), "FR-2026-08-11");
        assert_eq!(fr(2019, 1, 1), "FR-2023-03-01");
        assert_eq!(
            RulePack::in_force(Jurisdiction::Uk, Date::constant(2026, 1, 1)).id,
            "UK-2021-01-01"
        );
    }

    #[test]
    fn pack_ids_are_unique_and_dated_by_their_effective_day() {
        for (i, p) in PACKS.iter().enumerate() {
            assert_eq!(p.id, format!("{}-{}", p.jurisdiction, p.effective_from));
            assert!(PACKS[..i].iter().all(|q| q.id != p.id));
        }
    }
}
