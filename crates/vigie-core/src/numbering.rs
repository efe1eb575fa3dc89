//! A fast path for phone number validation, exact to libphonenumber.
//!
//! `phonenumber::parse` costs about 3 µs a number, mostly in its general-purpose parser and in
//! a global, locked cache of regexes; imports and screening read millions of numbers. For the
//! common shapes — `+CC` followed by the national number, or a national number written with
//! the region's national prefix — this module applies libphonenumber's own validity test
//! (`number_type(..) != Unknown`: the general pattern and one of the typed patterns of the
//! country's metadata, with their possible lengths) using regexes compiled once from the same
//! metadata. Whenever a shape is not one it handles exactly (country codes shared by several
//! regions, national prefixes with parsing rules, a national number that starts with the
//! national prefix …) it answers `None` and the caller runs libphonenumber itself.
//!
//! The fast path only serves the regions listed in [`FAST_PATH_REGIONS`], for numbers of their
//! own country code: the `phonenumber` crate's answer for an international number can depend on
//! the caller's default region (seen: `+3210000000` is valid read from France, not from the
//! United States), so agreement is checked region by region by a property test
//! (`ident::tests::the_fast_path_agrees_with_libphonenumber`), which covers every entry.

use std::sync::OnceLock;

use phonenumber::metadata::{DATABASE, Descriptor, Metadata};
use regex::{Regex, RegexBuilder};

/// The (default region, country code) pairs the fast path serves.
pub(crate) const FAST_PATH_REGIONS: &[(&str, u16)] = &[("FR", 33)];

/// Patterns that share their possible lengths, joined into one regex anchored at the start.
///
/// libphonenumber's `Descriptor::is_match` is "the length is possible, and the pattern finds a
/// match starting at 0"; an alternation of `^(?:…)` patterns asks the same of each at once.
struct Patterns {
    regex: Regex,
    lengths: Vec<u16>,
}

impl Patterns {
    fn join(lengths: Vec<u16>, patterns: &[&str]) -> Option<Patterns> {
        let joined = patterns
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|");
        // Compiled as libphonenumber's metadata loader compiles them: ignoring white space.
        let regex = RegexBuilder::new(&format!("^(?:{joined})"))
            .ignore_whitespace(true)
            .build()
            .ok()?;
        Some(Patterns { regex, lengths })
    }

    fn is_match(&self, national: &str) -> bool {
        (self.lengths.is_empty() || self.lengths.contains(&(national.len() as u16)))
            && self.regex.is_match(national)
    }
}

/// A country's numbering plan, compiled.
struct Plan {
    /// The country code in decimal, as numbers start with it.
    code_digits: String,
    /// The national prefix ("0" in France), when reading national numbers is a plain strip.
    national_prefix: Option<String>,
    general: Patterns,
    /// The typed patterns `number_type` tries (premium rate, toll free, shared cost, VoIP,
    /// personal, pager, UAN, voicemail, fixed line, mobile), grouped by possible lengths: a
    /// number is valid when the general pattern and any typed pattern match.
    typed: Vec<Patterns>,
}

impl Plan {
    fn compile(meta: &Metadata) -> Option<Plan> {
        let d = meta.descriptors();
        let typed: Vec<&Descriptor> = [
            d.mobile(),
            d.fixed_line(),
            d.premium_rate(),
            d.toll_free(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut groups: Vec<(Vec<u16>, Vec<&str>)> = Vec::new();
        for t in typed {
            let lengths = t.possible_length().to_vec();
            match groups.iter_mut().find(|(l, _)| *l == lengths) {
                Some((_, patterns)) => patterns.push(t.national_number().as_str()),
                None => groups.push((lengths, vec![t.national_number().as_str()])),
            }
        }
        let simple_prefix = meta.national_prefix_for_parsing().is_none()
            && meta.national_prefix_transform_rule().is_none();
        Some(Plan {
            code_digits: meta.country_code().to_string(),
            national_prefix: meta
                .national_prefix()
                .filter(|_| simple_prefix)
                .map(str::to_owned),
            general: Patterns::join(
                d.general().possible_length().to_vec(),
                &[d.general().national_number().as_str()],
            )?,
            typed: groups
                .into_iter()
                .map(|(l, p)| Patterns::join(l, &p))
                .collect::<Option<_>>()?,
        })
    }

    fn is_valid(&self, national: &str) -> bool {
        self.general.is_match(national) && self.typed.iter().any(|t| t.is_match(national))
    }

    /// Whether libphonenumber would try to strip the national prefix from this national number.
    fn may_strip(&self, national: &str) -> bool {
        self.national_prefix
            .as_deref()
            .is_none_or(|p| national.starts_with(p))
    }
}

/// The compiled plan of a served region, compiled on first use. `None` when the region is not
/// served, or is not the only region of its country code (then libphonenumber must choose).
fn plan_for(region: &str) -> Option<&'static Plan> {
    const SLOTS: usize = FAST_PATH_REGIONS.len();
    static PLANS: [OnceLock<Option<Plan>>; SLOTS] = [const { OnceLock::new() }; SLOTS];
    let slot = FAST_PATH_REGIONS.iter().position(|(r, _)| *r == region)?;
    PLANS[slot]
        .get_or_init(|| {
            let (region, code) = FAST_PATH_REGIONS[slot];
            match DATABASE.region(&code).as_deref() {
                Some([only]) if *only == region => DATABASE.by_id(region).and_then(Plan::compile),
                _ => None,
            }
        })
        .as_ref()
}

/// The E.164 form of `cleaned` (digits, with a leading `+` for international numbers), when it
/// is valid and the shape is one this module reads exactly; `None` otherwise (then ask
/// libphonenumber).
pub(crate) fn fast_e164(cleaned: &str, region: &str) -> Option<String> {
    let plan = plan_for(region)?;
    let national = match cleaned.strip_prefix('+') {
        Some(digits) => {
            let code = plan.code_digits.as_str();
            let national = digits.strip_prefix(code)?;
            // Another country code that starts with the same digits (e.g. +331… is not +33 1…
            // only if some shorter prefix names a country): libphonenumber takes the shortest.
            if (1..code.len()).any(|n| {
                digits[..n]
                    .parse::<u16>()
                    .is_ok_and(|c| DATABASE.region(&c).is_some())
            }) {
                return None;
            }
            if plan.may_strip(national) {
                return None;
            }
            national
        }
        None => {
            let national = cleaned.strip_prefix(plan.national_prefix.as_deref()?)?;
            // libphonenumber keeps the prefix when the stripped number is not even viable.
            if !plan.general.is_match(national) || plan.may_strip(national) {
                return None;
            }
            national
        }
    };
    plan.is_valid(national).then(|| {
        let mut e164 = String::with_capacity(1 + plan.code_digits.len() + national.len());
        e164.push('+');
        e164.push_str(&plan.code_digits);
        e164.push_str(national);
        e164
    })
}
