//! The gaps of the registers, computed from the core's assessments: a transfer without lawful
//! basis, a missing art. 28(3) clause, a review overdue, an impact assessment required but
//! absent or unsigned. The day is an input: the core has no clock.

use jiff::civil::Date;
use serde::Serialize;

use super::model::{Art28Clause, Registers};
use crate::assess::{
    Country, DpiaRequest, Safeguard, TransferRequest, assess_dpia, assess_transfer,
};
use crate::decision::Lang;

/// The record a flag is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum RecordRef {
    Activity(String),
    Processor(String),
    Dpia(String),
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Issue {
    /// A transfer outside the EEA with neither adequacy nor safeguard (chapter V).
    TransferWithoutBasis { recipient: String, country: Country },
    /// A processing contract without one of the stipulations of art. 28(3).
    MissingClause { clause: Art28Clause },
    /// A processor's review date has passed.
    ReviewOverdue { due: Date },
    /// The activity needs an impact assessment (art. 35) and none is recorded.
    DpiaMissing { criteria_met: usize },
    /// The impact assessment is recorded but not signed off.
    DpiaUnsigned { dpia: String },
    /// An impact assessment's review date has passed.
    DpiaReviewOverdue { due: Date },
}

/// One gap: the record, the field at fault (as in the YAML), and the issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub record: RecordRef,
    pub field: String,
    #[serde(flatten)]
    pub issue: Issue,
}

impl Issue {
    pub fn code(&self) -> &'static str {
        match self {
            Issue::TransferWithoutBasis { .. } => "TRANSFER_WITHOUT_BASIS",
            Issue::MissingClause { .. } => "MISSING_CLAUSE",
            Issue::ReviewOverdue { .. } => "REVIEW_OVERDUE",
            Issue::DpiaMissing { .. } => "DPIA_MISSING",
            Issue::DpiaUnsigned { .. } => "DPIA_UNSIGNED",
            Issue::DpiaReviewOverdue { .. } => "DPIA_REVIEW_OVERDUE",
        }
    }

    /// One sentence for the DPO.
    pub fn explain(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            Issue::TransferWithoutBasis { recipient, country } => {
                if fr {
                    format!(
                        "Transfert vers {recipient} ({country}) sans décision d'adéquation ni garantie appropriée (art. 44 à 49)."
                    )
                } else {
                    format!(
                        "Transfer to {recipient} ({country}) with neither adequacy decision nor appropriate safeguard (art. 44-49)."
                    )
                }
            }
            Issue::MissingClause { clause } => {
                if fr {
                    format!(
                        "Le contrat ne prévoit pas la clause « {} » ({}).",
                        clause_fr(*clause),
                        clause.article()
                    )
                } else {
                    format!(
                        "The contract lacks the clause \"{}\" ({}).",
                        clause.as_str().replace('_', " "),
                        clause.article()
                    )
                }
            }
            Issue::ReviewOverdue { due } => {
                if fr {
                    format!("Revue du sous-traitant en retard (prévue le {due}).")
                } else {
                    format!("Processor review overdue (due on {due}).")
                }
            }
            Issue::DpiaMissing { criteria_met } => {
                if fr {
                    format!(
                        "Analyse d'impact obligatoire ({criteria_met} critère(s) du CEPD, ou liste de l'autorité) mais absente."
                    )
                } else {
                    format!(
                        "Impact assessment required ({criteria_met} EDPB criteria, or the authority's list) but absent."
                    )
                }
            }
            Issue::DpiaUnsigned { dpia } => {
                if fr {
                    format!("L'analyse d'impact {dpia} n'est pas validée.")
                } else {
                    format!("Impact assessment {dpia} is not signed off.")
                }
            }
            Issue::DpiaReviewOverdue { due } => {
                if fr {
                    format!("Réexamen de l'analyse d'impact en retard (prévu le {due}).")
                } else {
                    format!("Impact assessment review overdue (due on {due}).")
                }
            }
        }
    }
}

/// The French name of a clause, as a DPO reads it in a contract.
pub fn clause_fr(c: Art28Clause) -> &'static str {
    match c {
        Art28Clause::DocumentedInstructions => "instructions documentées",
        Art28Clause::Confidentiality => "confidentialité",
        Art28Clause::Security => "sécurité",
        Art28Clause::SubProcessing => "conditions de sous-traitance ultérieure",
        Art28Clause::AssistanceWithRights => "aide à l'exercice des droits",
        Art28Clause::AssistanceWithObligations => "aide aux obligations des articles 32 à 36",
        Art28Clause::DeletionOrReturn => "suppression ou restitution en fin de contrat",
        Art28Clause::Audits => "audits",
    }
}

fn transfer_lawful(country: Country, safeguard: Option<Safeguard>, dpf: bool, on: Date) -> bool {
    let request = TransferRequest {
        at: on,
        country,
        safeguard,
        dpf_certified: dpf,
    };
    assess_transfer(&request, Lang::En).lawful
}

/// Every gap of the registers on `today`, in the order of the records.
pub fn flags(r: &Registers, today: Date) -> Vec<Flag> {
    let mut out = Vec::new();
    for a in &r.activities {
        let record = || RecordRef::Activity(a.id.clone());
        for (j, t) in a.transfers.iter().enumerate() {
            if !transfer_lawful(t.country, t.safeguard, t.dpf_certified, today) {
                out.push(Flag {
                    record: record(),
                    field: format!("transfers[{j}]"),
                    issue: Issue::TransferWithoutBasis {
                        recipient: t.recipient.clone(),
                        country: t.country,
                    },
                });
            }
        }
        let need = assess_dpia(
            &DpiaRequest {
                criteria: a.dpia.criteria.clone(),
                on_authority_list: a.dpia.on_authority_list,
            },
            Lang::En,
        );
        if need.required {
            let assessments: Vec<_> = r.dpias.iter().filter(|d| d.activity == a.id).collect();
            if assessments.is_empty() {
                out.push(Flag {
                    record: record(),
                    field: "dpia".into(),
                    issue: Issue::DpiaMissing {
                        criteria_met: need.criteria_met,
                    },
                });
            } else if assessments.iter().all(|d| d.signed_off.is_none()) {
                // None signed: the first one is the one to finish.
                let d = assessments[0];
                out.push(Flag {
                    record: RecordRef::Dpia(d.id.clone()),
                    field: "signed_off".into(),
                    issue: Issue::DpiaUnsigned { dpia: d.id.clone() },
                });
            }
        }
    }
    for x in &r.processors {
        let record = || RecordRef::Processor(x.id.clone());
        if !transfer_lawful(x.country, x.safeguard, x.dpf_certified, today) {
            out.push(Flag {
                record: record(),
                field: "country".into(),
                issue: Issue::TransferWithoutBasis {
                    recipient: x.name.clone(),
                    country: x.country,
                },
            });
        }
        for (j, s) in x.sub_processors.iter().enumerate() {
            if !transfer_lawful(s.country, s.safeguard, s.dpf_certified, today) {
                out.push(Flag {
                    record: record(),
                    field: format!("sub_processors[{j}]"),
                    issue: Issue::TransferWithoutBasis {
                        recipient: s.name.clone(),
                        country: s.country,
                    },
                });
            }
        }
        for clause in Art28Clause::ALL {
            if !x.clauses.contains(clause) {
                out.push(Flag {
                    record: record(),
                    field: "clauses".into(),
                    issue: Issue::MissingClause { clause: *clause },
                });
            }
        }
        if let Some(due) = x.next_review
            && due < today
        {
            out.push(Flag {
                record: record(),
                field: "next_review".into(),
                issue: Issue::ReviewOverdue { due },
            });
        }
    }
    for d in &r.dpias {
        if let Some(due) = d.review_on
            && due < today
        {
            out.push(Flag {
                record: RecordRef::Dpia(d.id.clone()),
                field: "review_on".into(),
                issue: Issue::DpiaReviewOverdue { due },
            });
        }
    }
    out
}
