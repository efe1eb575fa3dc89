//! The CSV formats, column by column: how each row becomes a typed record or a precise error.
//! The formats are those written by the benchmark generator (shared/bench/gen_dataset.py).

use csv::ByteRecord;
use jiff::Timestamp;
use vigie_core::{Audience, ConsentEvent, ContactRef, Email, PhoneE164, Region, Zone};
use vigie_store::{CallTo, ContactData, NewCall, NewConsentEvent};

use crate::reason::Reason;

/// A problem with one field of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub column: String,
    pub reason: Reason,
}

impl FieldError {
    fn new(column: &str, reason: Reason) -> Self {
        FieldError {
            column: column.to_owned(),
            reason,
        }
    }
}

/// The columns of one format: which are required, which may be present.
pub struct Format {
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
}

pub const CONTACTS: Format = Format {
    required: &[
        "contact_ref",
        "email",
        "phone",
        "audience",
        "customer",
        "customer_categories",
        "collected_via",
        "collected_at",
        "informed",
        "objection_offered",
        "contract_active",
        "restricted",
    ],
    optional: &[
        "first_name",
        "last_name",
        "time_zone",
        "relationship_ended_at",
    ],
};

pub const CONSENTS: Format = Format {
    required: &[
        "contact_ref",
        "channel",
        "purpose",
        "action",
        "at",
        "method",
        "notice_version",
        "source",
    ],
    optional: &["ip", "user_agent"],
};

/// A call log: the contact by `contact_ref` or by `phone` (either column, or both: then the number
/// called is `phone`), when, and how it ended.
pub const CALLS: Format = Format {
    required: &["at", "outcome"],
    optional: &["contact_ref", "phone", "campaign", "agent"],
};

/// The position of column `name` in `format` (required columns first, then optional ones), found
/// at compile time: rows read their fields by position, not by comparing names for every field.
const fn column(format: &Format, name: &str) -> usize {
    let mut i = 0;
    while i < format.required.len() + format.optional.len() {
        let candidate = if i < format.required.len() {
            format.required[i]
        } else {
            format.optional[i - format.required.len()]
        };
        if bytes_eq(candidate.as_bytes(), name.as_bytes()) {
            return i;
        }
        i += 1;
    }
    panic!("no such column in the format")
}

const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Columns of contacts.csv, by position in [`CONTACTS`].
pub(crate) mod contact_col {
    use super::{CONTACTS, column};
    pub const CONTACT_REF: usize = column(&CONTACTS, "contact_ref");
    pub const EMAIL: usize = column(&CONTACTS, "email");
    pub const PHONE: usize = column(&CONTACTS, "phone");
    pub const AUDIENCE: usize = column(&CONTACTS, "audience");
    pub const CUSTOMER: usize = column(&CONTACTS, "customer");
    pub const CUSTOMER_CATEGORIES: usize = column(&CONTACTS, "customer_categories");
    pub const COLLECTED_VIA: usize = column(&CONTACTS, "collected_via");
    pub const COLLECTED_AT: usize = column(&CONTACTS, "collected_at");
    pub const INFORMED: usize = column(&CONTACTS, "informed");
    pub const OBJECTION_OFFERED: usize = column(&CONTACTS, "objection_offered");
    pub const CONTRACT_ACTIVE: usize = column(&CONTACTS, "contract_active");
    pub const RESTRICTED: usize = column(&CONTACTS, "restricted");
    pub const FIRST_NAME: usize = column(&CONTACTS, "first_name");
    pub const LAST_NAME: usize = column(&CONTACTS, "last_name");
    pub const TIME_ZONE: usize = column(&CONTACTS, "time_zone");
    pub const RELATIONSHIP_ENDED_AT: usize = column(&CONTACTS, "relationship_ended_at");
}

/// Columns of consents.csv, by position in [`CONSENTS`].
mod consent_col {
    use super::{CONSENTS, column};
    pub const CONTACT_REF: usize = column(&CONSENTS, "contact_ref");
    pub const CHANNEL: usize = column(&CONSENTS, "channel");
    pub const PURPOSE: usize = column(&CONSENTS, "purpose");
    pub const ACTION: usize = column(&CONSENTS, "action");
    pub const AT: usize = column(&CONSENTS, "at");
    pub const METHOD: usize = column(&CONSENTS, "method");
    pub const NOTICE_VERSION: usize = column(&CONSENTS, "notice_version");
    pub const SOURCE: usize = column(&CONSENTS, "source");
    pub const IP: usize = column(&CONSENTS, "ip");
    pub const USER_AGENT: usize = column(&CONSENTS, "user_agent");
}

/// Columns of calls.csv, by position in [`CALLS`].
mod call_col {
    use super::{CALLS, column};
    pub const AT: usize = column(&CALLS, "at");
    pub const OUTCOME: usize = column(&CALLS, "outcome");
    pub const CONTACT_REF: usize = column(&CALLS, "contact_ref");
    pub const PHONE: usize = column(&CALLS, "phone");
    pub const CAMPAIGN: usize = column(&CALLS, "campaign");
    pub const AGENT: usize = column(&CALLS, "agent");
}

/// The column names of a header line, trimmed, without a UTF-8 byte order mark.
fn column_names(header: &ByteRecord) -> Vec<String> {
    header
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_owned()
        })
        .collect()
}

/// The column positions of a format in one file's header.
#[derive(Debug, Clone)]
pub struct Columns {
    names: Vec<&'static str>,
    positions: Vec<Option<usize>>,
}

impl Columns {
    /// Maps the header onto the format. Errors name the missing or unknown columns.
    pub fn from_header(format: &Format, header: &ByteRecord) -> Result<Self, FieldError> {
        let header = column_names(header);
        let known: Vec<&'static str> = format
            .required
            .iter()
            .chain(format.optional)
            .copied()
            .collect();
        if let Some(unknown) = header.iter().find(|h| !known.contains(&h.as_str())) {
            return Err(FieldError::new(
                unknown,
                Reason::UnknownColumn {
                    expected: known.join(", "),
                },
            ));
        }
        let missing: Vec<&str> = format
            .required
            .iter()
            .filter(|r| !header.iter().any(|h| h == *r))
            .copied()
            .collect();
        if !missing.is_empty() {
            return Err(FieldError::new(
                missing[0],
                Reason::MissingColumns {
                    columns: missing.join(", "),
                },
            ));
        }
        let positions = known
            .iter()
            .map(|k| header.iter().position(|h| h == k))
            .collect();
        Ok(Columns {
            names: known,
            positions,
        })
    }

    /// The field of column `i` (a position in the format, see [`column`]), trimmed; `None` when
    /// the file has no such column or the field is empty.
    pub(crate) fn get<'r>(
        &self,
        record: &'r ByteRecord,
        i: usize,
    ) -> Result<Option<&'r str>, FieldError> {
        match self.positions[i].and_then(|p| record.get(p)) {
            None => Ok(None),
            Some(bytes) => std::str::from_utf8(bytes)
                .map(|s| Some(s.trim()).filter(|s| !s.is_empty()))
                .map_err(|_| FieldError::new(self.names[i], Reason::NotUtf8)),
        }
    }

    /// Whether the file has column `i` (a position in the format).
    pub fn has(&self, i: usize) -> bool {
        self.positions[i].is_some()
    }

    fn required<'r>(&self, record: &'r ByteRecord, i: usize) -> Result<&'r str, FieldError> {
        self.get(record, i)?
            .ok_or_else(|| FieldError::new(self.names[i], Reason::Required))
    }
}

fn parse_bool(column: &str, value: &str) -> Result<bool, FieldError> {
    // Compared in place: five booleans a row, millions of rows, no lower-cased copies.
    let is = |words: [&str; 4]| words.iter().any(|w| value.eq_ignore_ascii_case(w));
    if is(["true", "1", "yes", "oui"]) {
        Ok(true)
    } else if is(["false", "0", "no", "non"]) {
        Ok(false)
    } else {
        Err(FieldError::new(
            column,
            Reason::NotBoolean {
                value: value.to_owned(),
            },
        ))
    }
}

fn parse_time(column: &str, value: &str) -> Result<Timestamp, FieldError> {
    value.parse::<Timestamp>().map_err(|_| {
        FieldError::new(
            column,
            Reason::NotDateTime {
                value: value.to_owned(),
            },
        )
    })
}

fn parse_vocab<T: std::str::FromStr<Err = vigie_core::ParseVocabError>>(
    column: &str,
    value: &str,
) -> Result<T, FieldError> {
    value.parse::<T>().map_err(|e| {
        FieldError::new(
            column,
            Reason::UnknownWord {
                what: e.what,
                value: e.value,
                expected: e.expected,
            },
        )
    })
}

/// Longest free-text field, as the API accepts (names, sources, notice versions).
const MAX_TEXT: usize = 256;

/// A free-text column: at most 256 characters and no control character, as the API requires.
/// A NUL would be refused by PostgreSQL's text columns after the whole file was read, and a
/// line break has no place in a name or a source.
fn text(column: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(v) = value else { return Ok(None) };
    if v.chars().count() > MAX_TEXT {
        return Err(FieldError::new(column, Reason::TooLong { max: MAX_TEXT }));
    }
    if v.chars().any(char::is_control) {
        return Err(FieldError::new(column, Reason::ControlCharacter));
    }
    Ok(Some(v.to_owned()))
}

/// A contacts.csv row.
pub fn contact(cols: &Columns, r: &ByteRecord, region: Region) -> Result<ContactData, FieldError> {
    let contact_ref = ContactRef::parse(cols.required(r, contact_col::CONTACT_REF)?)
        .map_err(|e| FieldError::new("contact_ref", Reason::identifier(e, None)))?;
    let email = cols
        .get(r, contact_col::EMAIL)?
        .map(Email::parse)
        .transpose()
        .map_err(|e| FieldError::new("email", Reason::identifier(e, None)))?;
    let phone = cols
        .get(r, contact_col::PHONE)?
        .map(|p| PhoneE164::parse(p, region))
        .transpose()
        .map_err(|e| FieldError::new("phone", Reason::identifier(e, Some(region.to_string()))))?;
    let categories = cols
        .get(r, contact_col::CUSTOMER_CATEGORIES)?
        .map(|c| {
            c.split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| text("customer_categories", Some(s)).map(Option::unwrap_or_default))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    if categories.len() > vigie_core::MAX_CUSTOMER_CATEGORIES {
        return Err(FieldError::new(
            "customer_categories",
            Reason::TooManyCategories {
                max: vigie_core::MAX_CUSTOMER_CATEGORIES,
            },
        ));
    }
    Ok(ContactData {
        contact_ref,
        email,
        phone,
        first_name: text("first_name", cols.get(r, contact_col::FIRST_NAME)?)?,
        last_name: text("last_name", cols.get(r, contact_col::LAST_NAME)?)?,
        audience: parse_vocab::<Audience>("audience", cols.required(r, contact_col::AUDIENCE)?)?,
        customer: parse_bool("customer", cols.required(r, contact_col::CUSTOMER)?)?,
        customer_categories: categories,
        collected_via: text("collected_via", cols.get(r, contact_col::COLLECTED_VIA)?)?,
        collected_at: cols
            .get(r, contact_col::COLLECTED_AT)?
            .map(|v| parse_time("collected_at", v))
            .transpose()?,
        informed: parse_bool("informed", cols.required(r, contact_col::INFORMED)?)?,
        objection_offered: parse_bool(
            "objection_offered",
            cols.required(r, contact_col::OBJECTION_OFFERED)?,
        )?,
        contract_active: parse_bool(
            "contract_active",
            cols.required(r, contact_col::CONTRACT_ACTIVE)?,
        )?,
        restricted: parse_bool("restricted", cols.required(r, contact_col::RESTRICTED)?)?,
        time_zone: cols
            .get(r, contact_col::TIME_ZONE)?
            .map(Zone::parse)
            .transpose()
            .map_err(|e| FieldError::new("time_zone", Reason::UnknownTimeZone { value: e.0 }))?,
        relationship_ended_at: cols
            .get(r, contact_col::RELATIONSHIP_ENDED_AT)?
            .map(|v| parse_time("relationship_ended_at", v))
            .transpose()?,
    })
}

/// A consents.csv row: the contact it belongs to and the event.
pub fn consent(
    cols: &Columns,
    r: &ByteRecord,
) -> Result<(ContactRef, NewConsentEvent), FieldError> {
    let contact_ref = ContactRef::parse(cols.required(r, consent_col::CONTACT_REF)?)
        .map_err(|e| FieldError::new("contact_ref", Reason::identifier(e, None)))?;
    let event = ConsentEvent {
        scope: parse_vocab("channel", cols.required(r, consent_col::CHANNEL)?)?,
        purpose: parse_vocab("purpose", cols.required(r, consent_col::PURPOSE)?)?,
        action: parse_vocab("action", cols.required(r, consent_col::ACTION)?)?,
        at: parse_time("at", cols.required(r, consent_col::AT)?)?,
        method: parse_vocab("method", cols.required(r, consent_col::METHOD)?)?,
    };
    Ok((
        contact_ref,
        NewConsentEvent {
            event,
            notice_version: text("notice_version", cols.get(r, consent_col::NOTICE_VERSION)?)?,
            source: text("source", cols.get(r, consent_col::SOURCE)?)?,
            ip: text("ip", cols.get(r, consent_col::IP)?)?,
            user_agent: text("user_agent", cols.get(r, consent_col::USER_AGENT)?)?,
        },
    ))
}

/// Whether a calls file's header names the contact (`contact_ref` or `phone`).
pub fn calls_name_the_contact(cols: &Columns) -> Result<(), FieldError> {
    if cols.has(call_col::CONTACT_REF) || cols.has(call_col::PHONE) {
        Ok(())
    } else {
        Err(FieldError::new("contact_ref", Reason::NoContactColumn))
    }
}

/// A calls.csv row; numbers written without a country code are read in `region`.
pub fn call(
    cols: &Columns,
    r: &ByteRecord,
    region: Region,
    line: u64,
) -> Result<NewCall, FieldError> {
    let phone = cols
        .get(r, call_col::PHONE)?
        .map(|p| {
            PhoneE164::parse(p, region)
                .map_err(|e| FieldError::new("phone", Reason::identifier(e, None)))
        })
        .transpose()?;
    let to = match cols.get(r, call_col::CONTACT_REF)? {
        Some(c) => CallTo::Contact {
            contact_ref: ContactRef::parse(c)
                .map_err(|e| FieldError::new("contact_ref", Reason::identifier(e, None)))?,
            phone,
        },
        None => CallTo::Number(phone.ok_or_else(|| {
            FieldError::new(
                if cols.has(call_col::PHONE) {
                    "phone"
                } else {
                    "contact_ref"
                },
                Reason::ContactOrPhoneRequired,
            )
        })?),
    };
    Ok(NewCall {
        line,
        to,
        at: parse_time("at", cols.required(r, call_col::AT)?)?,
        outcome: parse_vocab("outcome", cols.required(r, call_col::OUTCOME)?)?,
        campaign: text("campaign", cols.get(r, call_col::CAMPAIGN)?)?,
        agent: text("agent", cols.get(r, call_col::AGENT)?)?,
    })
}

/// Which column a list file identifies people by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListColumn {
    Sha256,
    Email,
    Phone,
}

impl ListColumn {
    pub fn name(self) -> &'static str {
        match self {
            ListColumn::Sha256 => "sha256",
            ListColumn::Email => "email",
            ListColumn::Phone => "phone",
        }
    }

    /// Finds the one identifying column of a suppression or opposition file.
    pub fn from_header(
        header: &ByteRecord,
        accepted: &[ListColumn],
    ) -> Result<(Self, usize), FieldError> {
        let names = column_names(header);
        let expected = accepted
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(" or ");
        if names.len() != 1 {
            return Err(FieldError::new(
                names.first().map(String::as_str).unwrap_or(""),
                Reason::OneColumnExpected {
                    expected,
                    found: names.len(),
                },
            ));
        }
        accepted
            .iter()
            .find(|c| c.name() == names[0])
            .map(|c| (*c, 0))
            .ok_or_else(|| FieldError::new(&names[0], Reason::UnknownColumn { expected }))
    }
}

/// A suppression list entry: SHA-256 of the normalized identifier. Clear identifiers are hashed
/// here and never stored.
pub fn suppression_entry(
    column: ListColumn,
    value: &str,
    region: Region,
) -> Result<[u8; 32], FieldError> {
    let name = column.name();
    match column {
        ListColumn::Sha256 => {
            let v = value.trim();
            let bytes = hex::decode(v)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| {
                    FieldError::new(
                        name,
                        Reason::NotSha256 {
                            value: v.to_owned(),
                        },
                    )
                })?;
            Ok(bytes)
        }
        ListColumn::Email => {
            let e = Email::parse(value)
                .map_err(|e| FieldError::new(name, Reason::identifier(e, None)))?;
            Ok(vigie_core::suppression_hash(e.as_str()))
        }
        ListColumn::Phone => {
            let p = PhoneE164::parse(value, region)
                .map_err(|e| FieldError::new(name, Reason::identifier(e, None)))?;
            Ok(vigie_core::suppression_hash(p.as_str()))
        }
    }
}

/// An opposition list entry: a phone number (E.164, or national in the default region).
pub fn opposition_entry(value: &str, region: Region) -> Result<PhoneE164, FieldError> {
    PhoneE164::parse(value, region)
        .map_err(|e| FieldError::new("phone", Reason::identifier(e, None)))
}
