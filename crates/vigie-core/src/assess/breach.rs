//! Personal data breaches (GDPR art. 33, 34): whom to notify, and by when. The deadline is 72
//! hours of elapsed time after the controller became aware: counted on the instant, so a
//! daylight saving change does not move it.

use crate::vocab::vocabulary;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::decision::Lang;

vocabulary! {
    /// The risk a breach poses to the rights and freedoms of the persons.
    BreachRisk, "risk" {
        /// No risk to persons is likely: documented only (art. 33(1), 33(5)).
        Unlikely => "unlikely",
        /// A risk: the authority is notified (art. 33).
        Risk => "risk",
        /// A high risk: the persons are informed too (art. 34).
        High => "high",
    }
}

/// The notification period of art. 33(1).
pub const NOTIFICATION_PERIOD: SignedDuration = SignedDuration::from_hours(72);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreachRequest {
    pub aware_at: Timestamp,
    pub risk: BreachRisk,
    #[serde(default)]
    pub notified_at: Option<Timestamp>,
}

vocabulary! {
    BreachCode, "breach code" {
        DocumentOnly => "DOCUMENT_ONLY",
        NotifyAuthority => "NOTIFY_AUTHORITY",
        NotifyAuthorityAndPersons => "NOTIFY_AUTHORITY_AND_PERSONS",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreachAnswer {
    pub notify_authority: bool,
    pub inform_persons: bool,
    /// In UTC (`Z`); none when the breach is only documented.
    pub deadline: Option<Timestamp>,
    pub late: bool,
    pub code: BreachCode,
    pub explanation: String,
    pub references: Vec<&'static str>,
}

/// The deadline for notifying the authority: 72 hours after awareness.
pub fn notification_deadline(aware_at: Timestamp) -> Timestamp {
    aware_at
        .checked_add(NOTIFICATION_PERIOD)
        .unwrap_or(Timestamp::MAX)
}

pub fn assess_breach(r: &BreachRequest, lang: Lang) -> BreachAnswer {
    let fr = lang == Lang::Fr;
    if r.risk == BreachRisk::Unlikely {
        return BreachAnswer {
            notify_authority: false,
            inform_persons: false,
            deadline: None,
            late: false,
            code: BreachCode::DocumentOnly,
            explanation: if fr {
                "Aucun risque pour les personnes n'est probable : la violation est consignée dans le registre, sans notification.".to_owned()
            } else {
                "No risk to persons is likely: the breach is recorded in the register, without notification.".to_owned()
            },
            references: vec!["GDPR art. 33(1)", "GDPR art. 33(5)"],
        };
    }
    let deadline = notification_deadline(r.aware_at);
    let late = r.notified_at.is_some_and(|n| n > deadline);
    let high = r.risk == BreachRisk::High;
    let mut explanation = if fr {
        format!(
            "Notifier l'autorité de contrôle au plus tard le {deadline} (72 heures après la prise de connaissance)."
        )
    } else {
        format!("Notify the supervisory authority by {deadline} (72 hours after becoming aware).")
    };
    if high {
        explanation.push_str(if fr {
            " Risque élevé : informer aussi les personnes concernées dans les meilleurs délais."
        } else {
            " High risk: inform the persons concerned too, without undue delay."
        });
    }
    if late {
        explanation.push_str(if fr {
            " La notification est tardive : elle doit indiquer les motifs du retard."
        } else {
            " The notification is late: it must give the reasons for the delay."
        });
    }
    let mut references = vec!["GDPR art. 33(1)", "GDPR art. 33(3)"];
    if high {
        references.push("GDPR art. 34");
    }
    BreachAnswer {
        notify_authority: true,
        inform_persons: high,
        deadline: Some(deadline),
        late,
        code: if high {
            BreachCode::NotifyAuthorityAndPersons
        } else {
            BreachCode::NotifyAuthority
        },
        explanation,
        references,
    }
}
