//! The record of processing as a table: one row per activity with every field of art. 30(1)
//! (and (2)), column names in English, for the CSV export and anything else that lays the
//! register out in rows. Cells are formula-safe ([`crate::spreadsheet::formula_safe`]).

use super::model::{Activity, Registers};
use crate::assess::{DpiaRequest, assess_dpia};
use crate::decision::Lang;
use crate::spreadsheet::formula_safe;

/// The columns of the CSV export, in order.
pub const COLUMNS: &[&str] = &[
    "activity_id",
    "activity",
    "controller",
    "controller_contact",
    "dpo",
    "on_behalf_of",
    "purpose",
    "legal_basis",
    "special_condition",
    "categories_of_persons",
    "categories_of_data",
    "recipients",
    "processors",
    "transfers",
    "retention",
    "security_measures",
    "dpia_status",
    "vigie_data",
];

/// Joins list entries in one cell.
const SEP: &str = "; ";

/// Where the activity stands on impact assessments: not required, required and absent,
/// recorded (signed or not).
pub fn dpia_status(r: &Registers, a: &Activity) -> String {
    let need = assess_dpia(
        &DpiaRequest {
            criteria: a.dpia.criteria.clone(),
            on_authority_list: a.dpia.on_authority_list,
        },
        Lang::En,
    );
    let recorded: Vec<String> = r
        .dpias
        .iter()
        .filter(|d| d.activity == a.id)
        .map(|d| match &d.signed_off {
            Some(s) => format!("{} signed off by {} on {}", d.id, s.by, s.on),
            None => format!("{} not signed off", d.id),
        })
        .collect();
    let head = format!(
        "{} ({} criteria{})",
        if need.required {
            "required"
        } else {
            "not required"
        },
        need.criteria_met,
        if a.dpia.on_authority_list {
            ", on the authority's list"
        } else {
            ""
        }
    );
    if recorded.is_empty() {
        if need.required {
            format!("{head}: missing")
        } else {
            head
        }
    } else {
        format!("{head}: {}", recorded.join(SEP))
    }
}

/// One row per activity, in [`COLUMNS`] order.
pub fn rows(r: &Registers) -> Vec<Vec<String>> {
    let p = &r.profile;
    r.activities
        .iter()
        .map(|a| {
            let processors: Vec<String> = a
                .processors
                .iter()
                .map(|id| match r.processor(id) {
                    Some(x) => format!("{} ({})", x.name, x.country),
                    None => id.clone(),
                })
                .collect();
            let transfers: Vec<String> = a
                .transfers
                .iter()
                .map(|t| {
                    let ground = match (t.safeguard, t.dpf_certified) {
                        (Some(s), _) => s.as_str().to_owned(),
                        (None, true) => "dpf".to_owned(),
                        (None, false) => "none".to_owned(),
                    };
                    format!("{} ({}, {ground})", t.recipient, t.country)
                })
                .collect();
            let cells = [
                a.id.clone(),
                a.name.clone(),
                p.legal_name.clone(),
                p.address.clone(),
                p.dpo
                    .as_ref()
                    .map_or_else(String::new, |d| format!("{} <{}>", d.name, d.contact)),
                a.on_behalf_of.clone().unwrap_or_default(),
                a.purposes.join(SEP),
                match &a.legal_basis_detail {
                    Some(d) => format!("{} ({}): {d}", a.legal_basis, a.legal_basis.article()),
                    None => format!("{} ({})", a.legal_basis, a.legal_basis.article()),
                },
                a.special_condition
                    .map_or_else(String::new, |c| format!("{c} ({})", c.article())),
                a.categories_of_persons.join(SEP),
                a.categories_of_data
                    .iter()
                    .map(|c| format!("{} ({})", c.name, c.kind))
                    .collect::<Vec<_>>()
                    .join(SEP),
                a.recipients.join(SEP),
                processors.join(SEP),
                transfers.join(SEP),
                a.retention.join(SEP),
                a.security_measures.join(SEP),
                dpia_status(r, a),
                a.vigie_data
                    .iter()
                    .map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(SEP),
            ];
            cells
                .into_iter()
                .map(|c| formula_safe(&c).into_owned())
                .collect()
        })
        .collect()
}
