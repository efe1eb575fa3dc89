//! Identifiers, parsed once at the edge: an [`Email`], a [`PhoneE164`] or a [`ContactRef`] is
//! valid by construction, so nothing past the parser checks them again.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// Why an identifier could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentError {
    #[error("not an e-mail address: {0:?}")]
    Email(String),
    #[error("not a valid phone number: {0:?}")]
    Phone(String),
    #[error("contact reference must be 1 to 128 characters without control characters: {0:?}")]
    ContactRef(String),
    #[error("unknown region {0:?} (expected an ISO 3166 alpha-2 code such as FR, DE, GB)")]
    Region(String),
}

/// An e-mail address, trimmed and lower-cased.
///
/// Accepted shape: `local@domain.tld`, one `@`, no white space, and a dot inside the domain
/// (the same shape the reference screening uses).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, IdentError> {
        let trimmed = input.trim();
        let lowered = if trimmed.is_ascii() {
            trimmed.to_ascii_lowercase()
        } else {
            trimmed.to_lowercase()
        };
        if is_email_shape(&lowered) {
            Ok(Email(lowered))
        } else {
            Err(IdentError::Email(input.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

fn is_email_shape(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    if local.is_empty() || domain.contains('@') || s.chars().any(char::is_whitespace) {
        return false;
    }
    // A dot with at least one character on each side.
    domain
        .char_indices()
        .any(|(i, c)| c == '.' && i > 0 && i + 1 < domain.len())
}

/// A region (country) used to read phone numbers written in national format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region {
    id: phonenumber::country::Id,
    code: [u8; 2],
}

impl Region {
    pub const FR: Region = Region {
        id: phonenumber::country::Id::FR,
        code: *b"FR",
    };

    /// The ISO 3166 alpha-2 code.
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or("??")
    }
}

impl Default for Region {
    fn default() -> Self {
        Region::FR
    }
}

impl FromStr for Region {
    type Err = IdentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        // The UK is GB in ISO 3166.
        let code = if upper == "UK" { "GB" } else { upper.as_str() };
        let bytes: [u8; 2] = code
            .as_bytes()
            .try_into()
            .map_err(|_| IdentError::Region(s.to_owned()))?;
        code.parse::<phonenumber::country::Id>()
            .map(|id| Region { id, code: bytes })
            .map_err(|_| IdentError::Region(s.to_owned()))
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A phone number in E.164 form (`+33612345678`), valid for its country's numbering plan.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneE164(String);

impl PhoneE164 {
    /// Parses a number as people type it: spaces, dots, dashes and brackets are ignored, the
    /// `(0)` of `+33 (0)6 …` is dropped, `00` stands for `+`, and a number without a country
    /// code is read in `region`. Validity is checked by libphonenumber's numbering plans.
    pub fn parse(input: &str, region: Region) -> Result<Self, IdentError> {
        let err = || IdentError::Phone(input.to_owned());
        let cleaned = clean_typed_number(input).ok_or_else(err)?;
        if let Some(e164) = crate::numbering::fast_e164(&cleaned, region.code()) {
            return Ok(PhoneE164(e164));
        }
        Self::parse_with_libphonenumber(&cleaned, region).ok_or_else(err)
    }

    /// The general path: libphonenumber's parser and validator.
    fn parse_with_libphonenumber(cleaned: &str, region: Region) -> Option<Self> {
        let number = phonenumber::parse(Some(region.id), cleaned).ok()?;
        phonenumber::is_valid(&number)
            .then(|| PhoneE164(number.format().mode(phonenumber::Mode::E164).to_string()))
    }

    /// Accepts a string that must already be in E.164 form (as stored or sent by the API).
    pub fn parse_e164(input: &str) -> Result<Self, IdentError> {
        let s = input.trim();
        if !s.starts_with('+') {
            return Err(IdentError::Phone(input.to_owned()));
        }
        let parsed = PhoneE164::parse(s, Region::default())?;
        if parsed.0 != s {
            return Err(IdentError::Phone(input.to_owned()));
        }
        Ok(parsed)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Keeps the digits of a typed number, with a leading `+` for an international prefix.
fn clean_typed_number(input: &str) -> Option<String> {
    let without_trunk = if input.contains("(0)") {
        std::borrow::Cow::Owned(input.replace("(0)", ""))
    } else {
        std::borrow::Cow::Borrowed(input)
    };
    let mut out = String::with_capacity(16);
    for c in without_trunk.chars() {
        match c {
            '0'..='9' => out.push(c),
            '+' if out.is_empty() => out.push('+'),
            ' ' | '.' | '-' | '(' | ')' | '/' | '\u{a0}' => {}
            _ => return None,
        }
    }
    if out.starts_with("00") {
        out.replace_range(..2, "+");
    }
    let digits = out.trim_start_matches('+').len();
    (4..=15).contains(&digits).then_some(out)
}

/// The reference a client system (CRM) gives a contact; unique within an organization.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContactRef(String);

impl ContactRef {
    pub fn parse(input: &str) -> Result<Self, IdentError> {
        let s = input.trim();
        if s.is_empty() || s.len() > 128 || s.chars().any(char::is_control) {
            return Err(IdentError::ContactRef(input.to_owned()));
        }
        Ok(ContactRef(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_identifier_impls {
    ($($t:ty),+) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(&self.0) }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str { &self.0 }
        }
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
    )+};
}
string_identifier_impls!(Email, PhoneE164, ContactRef);

impl<'de> serde::Deserialize<'de> for Email {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Email::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl<'de> serde::Deserialize<'de> for PhoneE164 {
    /// Over the wire a phone number must come in E.164; national formats are for imports,
    /// where the region is known.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        PhoneE164::parse_e164(&s).map_err(serde::de::Error::custom)
    }
}

impl<'de> serde::Deserialize<'de> for ContactRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        ContactRef::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// SHA-256 of a normalized identifier (an [`Email`] or [`PhoneE164`] string): the only form in
/// which the suppression list keeps identifiers.
pub fn suppression_hash(normalized_identifier: &str) -> [u8; 32] {
    Sha256::digest(normalized_identifier.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        let e = Email::parse("  Marie.Martin@GMAIL.com ").unwrap();
        assert_eq!(e.as_str(), "marie.martin@gmail.com");
        assert_eq!(e.domain(), "gmail.com");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "marie",
            "marie@",
            "@gmail.com",
            "marie@gmail",
            "ma rie@gmail.com",
            "a@b@c.fr",
            "a@.fr",
            "a@fr.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn phones_typed_in_the_french_ways_become_e164() {
        for typed in [
            "06 12 34 56 78",
            "06.12.34.56.78",
            "+33612345678",
            "0033612345678",
            "+33 6 12 34 56 78",
            "+33 (0)6 12 34 56 78",
        ] {
            let p = PhoneE164::parse(typed, Region::FR).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(p.as_str(), "+33612345678", "{typed}");
        }
    }

    #[test]
    fn other_regions_and_international_numbers() {
        let de: Region = "de".parse().unwrap();
        assert_eq!(
            PhoneE164::parse("030 123456", de).unwrap().as_str(),
            "+4930123456"
        );
        let uk: Region = "UK".parse().unwrap();
        assert_eq!(uk.code(), "GB");
        assert_eq!(
            PhoneE164::parse("+44 20 7946 0958", Region::FR)
                .unwrap()
                .as_str(),
            "+442079460958"
        );
    }

    #[test]
    fn impossible_numbers_are_refused() {
        for bad in [
            "",
            "12",
            "06 12 34",
            "06 12 34 56 78 90",
            "+33 0 00 00 00 00",
            "call me",
            "06-12-34-56-7a",
        ] {
            assert!(
                PhoneE164::parse(bad, Region::FR).is_err(),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn e164_over_the_wire_must_already_be_normalized() {
        assert!(PhoneE164::parse_e164("+33612345678").is_ok());
        assert!(PhoneE164::parse_e164("06 12 34 56 78").is_err());
        assert!(PhoneE164::parse_e164("+33 6 12 34 56 78").is_err());
    }

    /// The fast path must give libphonenumber's answer, valid or not, for every shape.
    #[test]
    fn the_fast_path_agrees_with_libphonenumber() {
        use proptest::prelude::*;
        // Every region the fast path serves, and others (where it must step aside).
        let mut regions: Vec<&str> = crate::numbering::FAST_PATH_REGIONS
            .iter()
            .map(|(r, _)| *r)
            .collect();
        regions.extend(["DE", "BE", "US", "GB"]);
        let shape = prop_oneof![
            // national numbers with and without the trunk prefix
            "0[0-9]{6,11}",
            "[1-9][0-9]{5,10}",
            // international: +CC then 4 to 12 digits, sometimes with a trunk 0
            "\\+(33|49|32|41|34|39|31|43|44|1|352|351|262|590)[0-9]{4,12}",
            "\\+(33|49|32)0[0-9]{8,10}",
            "\\+33[67][0-9]{8}",
            "0[67][0-9]{8}",
        ];
        let mut runner = proptest::test_runner::TestRunner::new(
            proptest::test_runner::Config::with_cases(20_000),
        );
        runner
            .run(
                &(shape, proptest::sample::select(regions)),
                |(cleaned, region)| {
                    let region: Region = region.parse().unwrap();
                    let fast = crate::numbering::fast_e164(&cleaned, region.code());
                    let slow = PhoneE164::parse_with_libphonenumber(&cleaned, region).map(|p| p.0);
                    if let Some(f) = &fast {
                        prop_assert_eq!(Some(f.clone()), slow, "{} in {}", cleaned, region);
                    }
                    Ok(())
                },
            )
            .unwrap();
    }

    #[test]
    fn the_fast_path_takes_the_common_french_shapes() {
        for typed in [
            "0612345678",
            "+33612345678",
            "0731223344",
            "+33145678901",
            "0145678901",
        ] {
            assert!(
                crate::numbering::fast_e164(typed, "FR").is_some(),
                "{typed}"
            );
        }
        // Shapes it leaves to libphonenumber.
        for typed in ["+330612345678", "+12025550123", "+442079460958"] {
            assert!(
                crate::numbering::fast_e164(typed, "FR").is_none(),
                "{typed}"
            );
        }
    }

    #[test]
    fn suppression_hash_is_sha256_hex_compatible() {
        assert_eq!(
            hex(&suppression_hash("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }
}
