//! Why a row or a header is refused, typed: a stable code (written in the rejects file, read by
//! programs) and the parameters a sentence needs. The English sentence is `Display` (the CLI's
//! and the rejects file's text); the web pages say it in the reader's language from the code and
//! the parameters, in the `html` room's catalogue of words.

use std::fmt;

use vigie_core::IdentError;

/// Why a field, a row or a header was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The field's bytes are not UTF-8.
    NotUtf8,
    /// A required field is empty.
    Required,
    NotBoolean {
        value: String,
    },
    NotDateTime {
        value: String,
    },
    /// A word outside a closed vocabulary (`what`: audience, channel, outcome …).
    UnknownWord {
        what: &'static str,
        value: String,
        expected: &'static str,
    },
    TooLong {
        max: usize,
    },
    ControlCharacter,
    TooManyCategories {
        max: usize,
    },
    /// Not an e-mail address; `detail` is the core's reason, in English.
    BadEmail {
        value: String,
        detail: &'static str,
    },
    /// Not a phone number; national numbers are read in `region` when given.
    BadPhone {
        value: String,
        region: Option<String>,
    },
    BadReference {
        value: String,
        detail: &'static str,
    },
    UnknownTimeZone {
        value: String,
    },
    NotSha256 {
        value: String,
    },
    /// A column the format does not have.
    UnknownColumn {
        expected: String,
    },
    MissingColumns {
        columns: String,
    },
    /// A list file has one column; this one has `found`.
    OneColumnExpected {
        expected: String,
        found: usize,
    },
    /// A calls file's header has neither `contact_ref` nor `phone`.
    NoContactColumn,
    /// A call's row has neither a reference nor a number.
    ContactOrPhoneRequired,
    /// The stored contact's data key could not be opened.
    StoredKeyUnreadable {
        detail: String,
    },
    /// IP and user agent come through the API only.
    IpThroughApi,
    UnknownContact {
        reference: String,
        org: String,
    },
    RepeatedReference {
        reference: String,
        first_line: u64,
    },
    FieldCount {
        found: u64,
        expected: u64,
    },
    UnclosedQuote,
    /// The CSV reader could not read the line; `detail` is its message.
    Unreadable {
        detail: String,
    },
    /// The store refused a call's target (a number shared by contacts, no such contact).
    CallTarget {
        detail: String,
    },
    /// The row names a contact erased by retention on `erased_on` (the organization's calendar)
    /// and shows no sign of life since (no collection after the erasure): skipped, the person
    /// stays erased.
    ErasedByRetention {
        reference: String,
        erased_on: jiff::civil::Date,
    },
}

impl Reason {
    /// The stable, machine-readable code (the rejects file's `code` column).
    pub fn code(&self) -> &'static str {
        match self {
            Reason::NotUtf8 => "not_utf8",
            Reason::Required => "required",
            Reason::NotBoolean { .. } => "not_boolean",
            Reason::NotDateTime { .. } => "not_date_time",
            Reason::UnknownWord { .. } => "unknown_word",
            Reason::TooLong { .. } => "too_long",
            Reason::ControlCharacter => "control_character",
            Reason::TooManyCategories { .. } => "too_many_categories",
            Reason::BadEmail { .. } => "bad_email",
            Reason::BadPhone { .. } => "bad_phone",
            Reason::BadReference { .. } => "bad_reference",
            Reason::UnknownTimeZone { .. } => "unknown_time_zone",
            Reason::NotSha256 { .. } => "not_sha256",
            Reason::UnknownColumn { .. } => "unknown_column",
            Reason::MissingColumns { .. } => "missing_columns",
            Reason::OneColumnExpected { .. } => "one_column_expected",
            Reason::NoContactColumn => "no_contact_column",
            Reason::ContactOrPhoneRequired => "contact_or_phone_required",
            Reason::StoredKeyUnreadable { .. } => "stored_key_unreadable",
            Reason::IpThroughApi => "ip_through_api",
            Reason::UnknownContact { .. } => "unknown_contact",
            Reason::RepeatedReference { .. } => "repeated_reference",
            Reason::FieldCount { .. } => "field_count",
            Reason::UnclosedQuote => "unclosed_quote",
            Reason::Unreadable { .. } => "unreadable",
            Reason::CallTarget { .. } => "call_target",
            Reason::ErasedByRetention { .. } => "erased_by_retention",
        }
    }

    /// An identifier the core refused; `region`: where national phone numbers were read.
    pub(crate) fn identifier(e: IdentError, region: Option<String>) -> Reason {
        match e {
            IdentError::Email { input, reason } => Reason::BadEmail {
                value: input,
                detail: reason,
            },
            IdentError::Phone(input) => Reason::BadPhone {
                value: input,
                region,
            },
            IdentError::ContactRef { input, reason } => Reason::BadReference {
                value: input,
                detail: reason,
            },
            // Not read from an import's rows; kept as the core says it.
            IdentError::Region(value) => Reason::Unreadable {
                detail: IdentError::Region(value).to_string(),
            },
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NotUtf8 => write!(f, "not valid UTF-8"),
            Reason::Required => write!(f, "empty, a value is required"),
            Reason::NotBoolean { value } => {
                write!(f, "{value:?} is not a boolean (true or false)")
            }
            Reason::NotDateTime { value } => write!(
                f,
                "{value:?} is not an RFC 3339 date-time with an offset (e.g. 2026-01-10T08:00:00Z)"
            ),
            Reason::UnknownWord {
                what,
                value,
                expected,
            } => write!(f, "unknown {what} {value:?} (expected one of: {expected})"),
            Reason::TooLong { max } => write!(f, "at most {max} characters"),
            Reason::ControlCharacter => write!(f, "control characters are not allowed"),
            Reason::TooManyCategories { max } => write!(f, "at most {max} categories"),
            Reason::BadEmail { value, detail } => {
                write!(f, "not an e-mail address ({detail}): {value:?}")
            }
            Reason::BadPhone { value, region } => {
                write!(f, "not a valid phone number: {value:?}")?;
                match region {
                    Some(r) => write!(f, " (read with default region {r})"),
                    None => Ok(()),
                }
            }
            Reason::BadReference { value, detail } => {
                write!(f, "not a contact reference ({detail}): {value:?}")
            }
            Reason::UnknownTimeZone { value } => write!(
                f,
                "unknown time zone {value:?} (expected an IANA name such as Europe/Paris)"
            ),
            Reason::NotSha256 { value } => {
                write!(f, "{value:?} is not a SHA-256 in hex (64 hex digits)")
            }
            Reason::UnknownColumn { expected } => {
                write!(f, "unknown column (expected: {expected})")
            }
            Reason::MissingColumns { columns } => write!(f, "missing column(s): {columns}"),
            Reason::OneColumnExpected { expected, found } => {
                write!(f, "expected exactly one column, {expected}; found {found}")
            }
            Reason::NoContactColumn => write!(
                f,
                "missing column: a calls file names the contact by contact_ref or phone"
            ),
            Reason::ContactOrPhoneRequired => {
                write!(f, "empty: a contact_ref or a phone is required")
            }
            Reason::StoredKeyUnreadable { detail } => {
                write!(f, "the stored contact's key cannot be opened: {detail}")
            }
            Reason::IpThroughApi => write!(
                f,
                "ip and user_agent are recorded through the API, not by CSV import"
            ),
            Reason::UnknownContact { reference, org } => write!(
                f,
                "no contact {reference:?} in organization {org:?} (import contacts first)"
            ),
            Reason::RepeatedReference {
                reference,
                first_line,
            } => write!(
                f,
                "contact_ref {reference:?} is repeated: already on line {first_line}"
            ),
            Reason::FieldCount { found, expected } => {
                write!(f, "{found} fields where the header has {expected}")
            }
            Reason::UnclosedQuote => write!(
                f,
                "a quoted field opened on this line is not closed on it (unbalanced \"); \
                 nothing was imported"
            ),
            Reason::Unreadable { detail } | Reason::CallTarget { detail } => f.write_str(detail),
            Reason::ErasedByRetention {
                reference,
                erased_on,
            } => write!(
                f,
                "contact_ref {reference:?} was erased on {erased_on} under the retention period; \
                 no newer sign of life: skipped, left erased"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_snake_case() {
        let all = [
            Reason::NotUtf8,
            Reason::Required,
            Reason::ControlCharacter,
            Reason::NoContactColumn,
            Reason::ContactOrPhoneRequired,
            Reason::IpThroughApi,
            Reason::UnclosedQuote,
            Reason::NotBoolean { value: "x".into() },
            Reason::FieldCount {
                found: 1,
                expected: 2,
            },
        ];
        let mut codes: Vec<&str> = all.iter().map(Reason::code).collect();
        assert!(codes.iter().all(|c| {
            c.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
        }));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
