//! The breach register (GDPR art. 33(5)): every personal data breach with its facts, effects and
//! remedial action; the 72-hour clock from the core's assessment ([`crate::assess::breach`]),
//! running until the authority is notified or the decision not to notify is recorded with its
//! reason; the content of the notification (art. 33(3)) prepared from the register; the decision
//! on informing the persons (art. 34) and the message to them.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::model::Profile;
use crate::assess::{BreachAnswer, BreachRequest, BreachRisk, assess_breach};
use crate::decision::Lang;
use crate::vocab::vocabulary;

vocabulary! {
    /// What the breach did to the data (the three kinds of the EDPB guidelines 9/2022).
    BreachNature, "breach nature" {
        Confidentiality => "confidentiality",
        Integrity => "integrity",
        Availability => "availability",
    }
}

/// The decision on informing the persons (art. 34).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonsDecision {
    pub inform: bool,
    /// Why (art. 34(3): encrypted data, measures taken, disproportionate effort), or how.
    pub reason: String,
    /// The message to the persons, in clear and plain language (art. 34(2)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// One breach of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breach {
    /// When the controller became aware: the 72 hours run from here.
    pub aware_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<Timestamp>,
    pub nature: Vec<BreachNature>,
    pub description: String,
    pub categories_of_persons: Vec<String>,
    pub categories_of_data: Vec<String>,
    /// The number of persons concerned, as counted or estimated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persons_concerned: Option<u64>,
    /// How that number was obtained (the selection counted in the base, or an estimate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persons_counted_from: Option<String>,
    pub risk: BreachRisk,
    pub consequences: String,
    pub measures: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified_at: Option<Timestamp>,
    /// The recorded decision not to notify, with its reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_notified_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persons: Option<PersonsDecision>,
}

/// Where the breach's clock stands at a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreachClock {
    pub assessment: BreachAnswer,
    /// Whether the clock still runs: a notification is due and neither done nor decided against.
    pub running: bool,
    /// Time left until the deadline (negative once past), while it runs.
    pub remaining: Option<SignedDuration>,
}

impl Breach {
    /// A breach that cannot be recorded: what is missing.
    pub fn check(&self) -> Result<(), String> {
        if self.nature.is_empty() {
            return Err(
                "nature: name at least one of confidentiality, integrity, availability".into(),
            );
        }
        for (field, value) in [
            ("description", &self.description),
            ("consequences", &self.consequences),
            ("measures", &self.measures),
        ] {
            if value.trim().is_empty() {
                return Err(format!("{field}: must not be empty"));
            }
        }
        if self
            .not_notified_reason
            .as_ref()
            .is_some_and(|r| r.trim().is_empty())
        {
            return Err("not_notified_reason: a decision not to notify needs its reason".into());
        }
        if let Some(p) = &self.persons
            && p.inform
            && p.message.as_ref().is_none_or(|m| m.trim().is_empty())
        {
            return Err("persons.message: informing the persons needs the message".into());
        }
        Ok(())
    }

    /// The clock at `now`: the core's assessment of the breach, and whether it still runs.
    pub fn clock(&self, now: Timestamp, lang: Lang) -> BreachClock {
        let assessment = assess_breach(
            &BreachRequest {
                aware_at: self.aware_at,
                risk: self.risk,
                notified_at: self.notified_at,
            },
            lang,
        );
        let running = assessment.notify_authority
            && self.notified_at.is_none()
            && self.not_notified_reason.is_none();
        let remaining = assessment
            .deadline
            .filter(|_| running)
            .map(|d| now.duration_until(d));
        BreachClock {
            assessment,
            running,
            remaining,
        }
    }

    /// The notification's content (art. 33(3)) prepared from the register, to review and send.
    pub fn notification_draft(&self, profile: &Profile, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        let nature = self
            .nature
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let persons = self.persons_concerned.map_or_else(
            || {
                if fr {
                    "inconnu".to_owned()
                } else {
                    "unknown".to_owned()
                }
            },
            |n| match &self.persons_counted_from {
                Some(from) => format!("{n} ({from})"),
                None => n.to_string(),
            },
        );
        let dpo = profile.dpo.as_ref().map_or_else(
            || profile.legal_name.clone(),
            |d| format!("{}, {}", d.name, d.contact),
        );
        if fr {
            format!(
                "Notification de violation de données (RGPD art. 33(3))\n\
                 Responsable du traitement : {} — {}\n\
                 Prise de connaissance : {}\n\
                 a) Nature de la violation : {nature}. {}\n\
                 Catégories de personnes : {}. Nombre approximatif de personnes : {persons}.\n\
                 Catégories de données : {}.\n\
                 b) Point de contact : {dpo}\n\
                 c) Conséquences probables : {}\n\
                 d) Mesures prises ou proposées : {}\n",
                profile.legal_name,
                profile.address,
                self.aware_at,
                self.description,
                self.categories_of_persons.join(", "),
                self.categories_of_data.join(", "),
                self.consequences,
                self.measures,
            )
        } else {
            format!(
                "Personal data breach notification (GDPR art. 33(3))\n\
                 Controller: {} — {}\n\
                 Became aware: {}\n\
                 (a) Nature of the breach: {nature}. {}\n\
                 Categories of data subjects: {}. Approximate number of data subjects: {persons}.\n\
                 Categories of data: {}.\n\
                 (b) Contact point: {dpo}\n\
                 (c) Likely consequences: {}\n\
                 (d) Measures taken or proposed: {}\n",
                profile.legal_name,
                profile.address,
                self.aware_at,
                self.description,
                self.categories_of_persons.join(", "),
                self.categories_of_data.join(", "),
                self.consequences,
                self.measures,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breach(aware_at: &str) -> Breach {
        Breach {
            aware_at: aware_at.parse().unwrap(),
            occurred_at: None,
            nature: vec![BreachNature::Confidentiality],
            description: "Export CSV envoyé au mauvais destinataire".into(),
            categories_of_persons: vec!["Prospects".into()],
            categories_of_data: vec!["E-mail".into(), "Téléphone".into()],
            persons_concerned: Some(1200),
            persons_counted_from: Some("contacts collected 2026-03-01..2026-03-15".into()),
            risk: BreachRisk::Risk,
            consequences: "Démarchage non désiré".into(),
            measures: "Demande de suppression au destinataire".into(),
            notified_at: None,
            not_notified_reason: None,
            persons: None,
        }
    }

    #[test]
    fn the_clock_runs_72_hours_of_elapsed_time_across_the_spring_change() {
        // Paris, Friday 27 March 2026 15:00 (UTC+1); summer time begins on Sunday 29 March.
        let b = breach("2026-03-27T15:00:00+01:00");
        let now: Timestamp = "2026-03-30T15:30:00+02:00".parse().unwrap();
        let clock = b.clock(now, Lang::Fr);
        assert!(clock.running);
        assert_eq!(
            clock.assessment.deadline.unwrap().to_string(),
            "2026-03-30T14:00:00Z"
        );
        // On the wall clock the deadline reads 16:00, one hour later than the hour of
        // awareness: 30 minutes are left at 15:30, not -30.
        assert_eq!(clock.remaining, Some(SignedDuration::from_mins(30)));
        // Notified, or a decision not to notify with its reason: the clock stops.
        let mut notified = b.clone();
        notified.notified_at = Some(now);
        assert!(!notified.clock(now, Lang::Fr).running);
        let mut decided = b.clone();
        decided.not_notified_reason = Some("Données chiffrées, clé non compromise".into());
        assert!(!decided.clock(now, Lang::Fr).running);
        assert_eq!(decided.clock(now, Lang::Fr).remaining, None);
        // No risk likely: no clock.
        let mut unlikely = b;
        unlikely.risk = BreachRisk::Unlikely;
        assert!(!unlikely.clock(now, Lang::Fr).running);
    }

    #[test]
    fn the_autumn_change_gives_an_hour_less_on_the_wall_clock() {
        let b = breach("2026-10-23T15:00:00+02:00");
        let now: Timestamp = "2026-10-26T13:30:00+01:00".parse().unwrap();
        // Deadline 13:00 UTC = 14:00 in Paris after the change: 30 minutes left at 13:30.
        assert_eq!(
            b.clock(now, Lang::En).remaining,
            Some(SignedDuration::from_mins(30))
        );
    }

    #[test]
    fn the_draft_holds_every_item_of_art_33_3_and_checks_refuse_half_records() {
        let profile = Profile {
            legal_name: "Optique Horizon SAS".into(),
            registration_number: None,
            address: "Lyon".into(),
            representative: None,
            dpo: Some(super::super::model::Party {
                name: "Julien Marchand".into(),
                contact: "dpo@example.org".into(),
            }),
            roles: vec![super::super::model::OrgRole::Controller],
            clients: vec![],
            joint_controllers: vec![],
        };
        let b = breach("2026-03-27T15:00:00+01:00");
        let draft = b.notification_draft(&profile, Lang::Fr);
        for needle in [
            "Optique Horizon SAS",
            "Julien Marchand, dpo@example.org",
            "1200 (contacts collected",
            "Démarchage non désiré",
            "Demande de suppression",
            "confidentiality",
        ] {
            assert!(draft.contains(needle), "{needle}: {draft}");
        }
        assert!(b.check().is_ok());
        let mut bad = b.clone();
        bad.persons = Some(PersonsDecision {
            inform: true,
            reason: "risque élevé".into(),
            message: None,
        });
        assert!(bad.check().unwrap_err().starts_with("persons.message"));
        let mut bad = b;
        bad.not_notified_reason = Some(" ".into());
        assert!(bad.check().is_err());
    }
}
