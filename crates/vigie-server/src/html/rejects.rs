//! Why an import refused a row, in the reader's language: vigie-import's typed reasons
//! ([`Reason`]: a code and its parameters) told with the catalogue's words. The values quoted
//! are the file's own; the English detail of another crate (the CSV reader, the store) follows
//! only where no code says more.

use vigie_core::Lang;
use vigie_import::Reason;

use super::words::W;

/// The sentence saying why, in `lang`.
pub(crate) fn reject_reason(lang: Lang, reason: &Reason) -> String {
    let t = |w: W| w.t(lang);
    let quoted = |v: &str| format!("{}{v}{}", t(W::OpenQuote), t(W::CloseQuote));
    let colon = t(W::Colon);
    match reason {
        Reason::NotUtf8 => t(W::RjNotUtf8).to_owned(),
        Reason::Required => t(W::RjRequired).to_owned(),
        Reason::NotBoolean { value } => format!("{}{}", quoted(value), t(W::RjNotBoolean)),
        Reason::NotDateTime { value } => format!("{}{}", quoted(value), t(W::RjNotDateTime)),
        Reason::UnknownWord {
            value, expected, ..
        } => format!(
            "{}{}{colon}{}.",
            quoted(value),
            t(W::RjUnknownWord),
            expected.replace(' ', ", ")
        ),
        Reason::TooLong { max } => {
            format!("{}{colon}{max} {}", t(W::RjTooLong), t(W::RjCharacters))
        }
        Reason::ControlCharacter => t(W::RjControlCharacter).to_owned(),
        Reason::TooManyCategories { max } => format!("{}{colon}{max}.", t(W::RjTooManyCategories)),
        Reason::BadEmail { value, .. } => format!("{}{}", quoted(value), t(W::RjBadEmail)),
        Reason::BadPhone { value, region } => match region {
            Some(r) => format!(
                "{}{} ({} {r}).",
                quoted(value),
                t(W::RjBadPhone),
                t(W::RjReadInRegion)
            ),
            None => format!("{}{}.", quoted(value), t(W::RjBadPhone)),
        },
        Reason::BadReference { value, .. } => format!("{}{}", quoted(value), t(W::RjBadReference)),
        Reason::UnknownTimeZone { value } => {
            format!("{}{}", quoted(value), t(W::RjUnknownTimeZone))
        }
        Reason::NotSha256 { value } => format!("{}{}", quoted(value), t(W::RjNotSha256)),
        Reason::UnknownColumn { expected } => {
            format!("{}{colon}{expected}.", t(W::RjUnknownColumn))
        }
        Reason::MissingColumns { columns } => {
            format!("{}{colon}{columns}.", t(W::RjMissingColumns))
        }
        Reason::OneColumnExpected { expected, found } => {
            format!("{} ({expected}){colon}{found}.", t(W::RjOneColumnExpected))
        }
        Reason::NoContactColumn => t(W::RjNoContactColumn).to_owned(),
        Reason::ContactOrPhoneRequired => t(W::RjContactOrPhoneRequired).to_owned(),
        Reason::StoredKeyUnreadable { .. } => t(W::RjStoredKeyUnreadable).to_owned(),
        Reason::IpThroughApi => t(W::RjIpThroughApi).to_owned(),
        Reason::UnknownContact { reference, .. } => {
            format!(
                "{}{}{}",
                t(W::RjUnknownContact),
                quoted(reference),
                t(W::RjImportContactsFirst)
            )
        }
        Reason::RepeatedReference {
            reference,
            first_line,
        } => format!(
            "{}{}{}{first_line}.",
            t(W::RjReference),
            quoted(reference),
            t(W::RjRepeatedOnLine)
        ),
        Reason::FieldCount { found, expected } => {
            format!("{found}{}{expected}.", t(W::RjFieldsWhereHeaderHas))
        }
        Reason::UnclosedQuote => t(W::RjUnclosedQuote).to_owned(),
        Reason::Unreadable { detail } => format!("{}{colon}{detail}", t(W::RjUnreadable)),
        Reason::CallTarget { detail } => format!("{}{colon}{detail}", t(W::RjCallTarget)),
        Reason::ErasedByRetention {
            reference,
            erased_on,
        } => {
            let day = match lang {
                Lang::Fr => erased_on.strftime("%d/%m/%Y").to_string(),
                Lang::En => erased_on.to_string(),
            };
            format!(
                "{}{}{day}{}",
                quoted(reference),
                t(W::RjErasedByRetentionOn),
                t(W::RjErasedByRetentionNoSignOfLife)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_skipped_after_an_erasure_by_retention_says_when_and_why() {
        let r = Reason::ErasedByRetention {
            reference: "P-OLD".into(),
            erased_on: jiff::civil::date(2026, 12, 5),
        };
        assert_eq!(
            reject_reason(Lang::Fr, &r),
            "« P-OLD » : effacé le 05/12/2026 au titre de la durée de conservation ; aucun signe de vie plus récent."
        );
        assert_eq!(
            reject_reason(Lang::En, &r),
            "“P-OLD”: erased on 2026-12-05 under the retention period; no newer sign of life."
        );
    }

    #[test]
    fn a_reason_is_said_in_french_with_its_values() {
        let r = Reason::BadPhone {
            value: "06 12".into(),
            region: Some("FR".into()),
        };
        assert_eq!(
            reject_reason(Lang::Fr, &r),
            "« 06 12 » n'est pas un numéro de téléphone valable (lu dans la région FR)."
        );
        assert_eq!(
            reject_reason(Lang::En, &r),
            "“06 12” is not a valid phone number (read in region FR)."
        );
        let r = Reason::RepeatedReference {
            reference: "C1".into(),
            first_line: 2,
        };
        assert_eq!(
            reject_reason(Lang::Fr, &r),
            "La référence « C1 » est en double : déjà vue ligne 2."
        );
        let r = Reason::FieldCount {
            found: 4,
            expected: 12,
        };
        assert_eq!(
            reject_reason(Lang::Fr, &r),
            "4 champs là où l'en-tête en a 12."
        );
    }
}
