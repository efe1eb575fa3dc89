//! Privacy notices (GDPR art. 13 and 14) generated from the registers, in French and English:
//! who the controller and its DPO are, and for each activity its purposes, legal basis,
//! recipients, transfers and retention; then the persons' rights and where to complain. The
//! store keeps each version and refuses to change one once published or referenced by consent.

use super::model::{Registers, SpecialCondition};
use crate::decision::Lang;

/// A notice version's name: 1-32 of letters, digits, `.`, `-`, `_` (`v4`, `2026-12`).
pub fn valid_version(v: &str) -> bool {
    (1..=32).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

fn basis(b: super::model::LegalBasis, lang: Lang) -> String {
    use super::model::LegalBasis::*;
    let (fr, en) = match b {
        Consent => ("votre consentement", "your consent"),
        Contract => (
            "l'exécution d'un contrat avec vous",
            "the performance of a contract with you",
        ),
        LegalObligation => ("une obligation légale", "a legal obligation"),
        VitalInterests => (
            "la sauvegarde d'intérêts vitaux",
            "the protection of vital interests",
        ),
        PublicTask => (
            "une mission d'intérêt public",
            "a task in the public interest",
        ),
        LegitimateInterests => ("notre intérêt légitime", "our legitimate interests"),
    };
    format!(
        "{} ({})",
        if lang == Lang::Fr { fr } else { en },
        b.article()
    )
}

/// The notice's text in `lang`.
pub fn notice_text(r: &Registers, lang: Lang) -> String {
    let fr = lang == Lang::Fr;
    let p = &r.profile;
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(if fr {
        format!(
            "Responsable du traitement : {}, {}.",
            p.legal_name, p.address
        )
    } else {
        format!("Controller: {}, {}.", p.legal_name, p.address)
    });
    if let Some(d) = &p.dpo {
        line(if fr {
            format!(
                "Délégué à la protection des données : {} ({}).",
                d.name, d.contact
            )
        } else {
            format!("Data protection officer: {} ({}).", d.name, d.contact)
        });
    }
    for a in &r.activities {
        line(String::new());
        line(format!("## {}", a.name));
        let (purposes, on, to, abroad, kept) = if fr {
            (
                "Finalités",
                "Base légale",
                "Destinataires",
                "Transferts hors de l'Union",
                "Durée de conservation",
            )
        } else {
            (
                "Purposes",
                "Legal basis",
                "Recipients",
                "Transfers outside the Union",
                "Retention",
            )
        };
        line(format!(
            "{purposes}{}{}",
            if fr { " : " } else { ": " },
            a.purposes.join(" ; ")
        ));
        let mut b = basis(a.legal_basis, lang);
        if let Some(c) = a.special_condition {
            b.push_str(&format!(" + {}", c.article()));
            if c == SpecialCondition::ExplicitConsent {
                b.push_str(if fr {
                    " (consentement explicite)"
                } else {
                    " (explicit consent)"
                });
            }
        }
        line(format!("{on}{}{b}", if fr { " : " } else { ": " }));
        if !a.recipients.is_empty() {
            line(format!(
                "{to}{}{}",
                if fr { " : " } else { ": " },
                a.recipients.join(" ; ")
            ));
        }
        if !a.transfers.is_empty() {
            let t: Vec<String> = a
                .transfers
                .iter()
                .map(|t| {
                    let g = t
                        .safeguard
                        .map_or(if t.dpf_certified { "dpf" } else { "—" }, |s| s.as_str());
                    format!("{} ({}, {g})", t.recipient, t.country)
                })
                .collect();
            line(format!(
                "{abroad}{}{}",
                if fr { " : " } else { ": " },
                t.join(" ; ")
            ));
        }
        line(format!(
            "{kept}{}{}",
            if fr { " : " } else { ": " },
            a.retention.join(" ; ")
        ));
    }
    line(String::new());
    line(if fr {
        "Vous pouvez accéder à vos données, les rectifier, les effacer, en limiter le traitement, vous y opposer (notamment à la prospection, à tout moment) et en demander la portabilité (articles 15 à 21 du RGPD), et retirer votre consentement à tout moment. Vous pouvez introduire une réclamation auprès de la CNIL (www.cnil.fr).".to_owned()
    } else {
        "You may access, rectify or erase your data, restrict or object to its processing (to direct marketing at any time) and ask for its portability (GDPR art. 15-21), and withdraw your consent at any time. You may lodge a complaint with the supervisory authority (in France the CNIL, www.cnil.fr).".to_owned()
    });
    out
}
