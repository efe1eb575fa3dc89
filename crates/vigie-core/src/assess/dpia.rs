//! Whether a processing needs a data protection impact assessment (GDPR art. 35): the nine
//! criteria of the EDPB guidelines (WP248 rev.01) — two or more make it required — and the
//! supervisory authority's list of processing that always needs one (art. 35(4), CNIL 2018).

use crate::vocab::vocabulary;
use serde::{Deserialize, Serialize};

use crate::decision::Lang;

vocabulary! {
    /// The nine criteria of the EDPB guidelines on impact assessments (WP248 rev.01).
    Criterion, "criterion" {
        EvaluationOrScoring => "evaluation_or_scoring",
        AutomatedDecisionWithLegalEffect => "automated_decision_with_legal_effect",
        SystematicMonitoring => "systematic_monitoring",
        SensitiveData => "sensitive_data",
        LargeScale => "large_scale",
        MatchingOrCombining => "matching_or_combining",
        VulnerableSubjects => "vulnerable_subjects",
        InnovativeTechnology => "innovative_technology",
        PreventsExercisingRights => "prevents_exercising_rights",
    }
}

impl Criterion {
    pub fn label(self, lang: Lang) -> &'static str {
        use Criterion::*;
        match (self, lang) {
            (EvaluationOrScoring, Lang::Fr) => "évaluation ou notation",
            (EvaluationOrScoring, Lang::En) => "evaluation or scoring",
            (AutomatedDecisionWithLegalEffect, Lang::Fr) => {
                "décision automatisée avec effet juridique"
            }
            (AutomatedDecisionWithLegalEffect, Lang::En) => "automated decision with legal effect",
            (SystematicMonitoring, Lang::Fr) => "surveillance systématique",
            (SystematicMonitoring, Lang::En) => "systematic monitoring",
            (SensitiveData, Lang::Fr) => "données sensibles ou hautement personnelles",
            (SensitiveData, Lang::En) => "sensitive or highly personal data",
            (LargeScale, Lang::Fr) => "traitement à grande échelle",
            (LargeScale, Lang::En) => "large scale",
            (MatchingOrCombining, Lang::Fr) => "croisement ou combinaison de données",
            (MatchingOrCombining, Lang::En) => "matching or combining datasets",
            (VulnerableSubjects, Lang::Fr) => "personnes vulnérables",
            (VulnerableSubjects, Lang::En) => "vulnerable data subjects",
            (InnovativeTechnology, Lang::Fr) => "usage innovant ou nouvelle technologie",
            (InnovativeTechnology, Lang::En) => "innovative use or new technology",
            (PreventsExercisingRights, Lang::Fr) => {
                "empêche d'exercer un droit ou de bénéficier d'un service"
            }
            (PreventsExercisingRights, Lang::En) => {
                "prevents exercising a right or using a service"
            }
        }
    }
}

/// A processing to assess.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DpiaRequest {
    pub criteria: Vec<Criterion>,
    #[serde(default)]
    pub on_authority_list: bool,
}

vocabulary! {
    DpiaCode, "impact assessment code" {
        AuthorityList => "AUTHORITY_LIST",
        TwoOrMoreCriteria => "TWO_OR_MORE_CRITERIA",
        NotRequired => "NOT_REQUIRED",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DpiaAnswer {
    pub required: bool,
    pub code: DpiaCode,
    pub criteria_met: usize,
    pub explanation: String,
    pub references: Vec<&'static str>,
}

/// The criteria met, each once, in the guidelines' order.
pub fn distinct_criteria(criteria: &[Criterion]) -> Vec<Criterion> {
    let mut met = criteria.to_vec();
    met.sort();
    met.dedup();
    met
}

/// Whether an impact assessment is required.
pub fn assess_dpia(r: &DpiaRequest, lang: Lang) -> DpiaAnswer {
    let fr = lang == Lang::Fr;
    let met = distinct_criteria(&r.criteria);
    let n = met.len();
    let named = met
        .iter()
        .map(|c| c.label(lang))
        .collect::<Vec<_>>()
        .join(", ");
    let (required, code, explanation) = if r.on_authority_list {
        (
            true,
            DpiaCode::AuthorityList,
            if fr {
                "Le traitement figure sur la liste de l'autorité de contrôle : une analyse d'impact est obligatoire.".to_owned()
            } else {
                "The processing is on the supervisory authority's list: an impact assessment is required.".to_owned()
            },
        )
    } else if n >= 2 {
        (
            true,
            DpiaCode::TwoOrMoreCriteria,
            if fr {
                format!(
                    "{n} critères du CEPD sont remplis ({named}) : une analyse d'impact est obligatoire."
                )
            } else {
                format!("{n} EDPB criteria are met ({named}): an impact assessment is required.")
            },
        )
    } else if n == 1 {
        (
            false,
            DpiaCode::NotRequired,
            if fr {
                format!(
                    "Un seul critère du CEPD ({named}) : l'analyse d'impact n'est pas obligatoire, mais la décision de ne pas en conduire doit être motivée par écrit."
                )
            } else {
                format!(
                    "One EDPB criterion only ({named}): no impact assessment is required, but the decision not to carry one out deserves a written reason."
                )
            },
        )
    } else {
        (
            false,
            DpiaCode::NotRequired,
            if fr {
                "Aucun critère du CEPD : l'analyse d'impact n'est pas obligatoire.".to_owned()
            } else {
                "No EDPB criterion is met: no impact assessment is required.".to_owned()
            },
        )
    };
    let mut references = vec!["GDPR art. 35(1)", "EDPB WP248 rev.01"];
    if r.on_authority_list {
        references.push("GDPR art. 35(4)");
    }
    DpiaAnswer {
        required,
        code,
        criteria_met: n,
        explanation,
        references,
    }
}
