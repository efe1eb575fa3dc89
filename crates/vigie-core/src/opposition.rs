//! Whether an opposition list extract is current enough to call consumers against it.
//!
//! In the Bloctel era (French consumer phone prospecting until 10 August 2026, L223-1), a
//! professional who calls consumers habitually must check its lists against Bloctel at least
//! monthly (as issue 12 states it; the research notes do not quote that text, hence one constant
//! here, [`BLOCTEL_MAX_AGE_DAYS`]). Vigie refuses a consumer phone screening or call check against a Bloctel
//! extract older than 30 days, or none, unless the caller overrides it explicitly; the caller
//! then records the override in its proof (screening record, audit trail).

use jiff::civil::Date;

use crate::decision::DecisionContext;
use crate::decision::packs::{Bases, fr};
use crate::vocab::Channel;

/// The name of the French list.
pub const BLOCTEL: &str = "bloctel";
/// Days after its date during which a Bloctel extract is current.
pub const BLOCTEL_MAX_AGE_DAYS: i32 = 30;

/// What the Bloctel extract is worth for a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtractCheck {
    /// The campaign does not call French consumers in the Bloctel era.
    NotRequired,
    Current,
    /// No Bloctel extract, or one whose date is unknown.
    Missing,
    Stale {
        extract_date: Date,
        age_days: i32,
    },
}

impl ExtractCheck {
    /// Whether the campaign must be refused unless the caller overrides it.
    pub fn refuses(self) -> bool {
        matches!(self, ExtractCheck::Missing | ExtractCheck::Stale { .. })
    }

    /// Why, in one sentence (English, as the CLI's and the API's errors).
    pub fn reason(self) -> String {
        match self {
            ExtractCheck::NotRequired | ExtractCheck::Current => {
                "the Bloctel extract is current".into()
            }
            ExtractCheck::Missing => format!(
                "no dated Bloctel extract: consumer phone prospecting before 2026-08-11 must be checked \
                 against a Bloctel extract of at most {BLOCTEL_MAX_AGE_DAYS} days \
                 (vigie import opposition FILE --list bloctel --extract-date YYYY-MM-DD)"
            ),
            ExtractCheck::Stale {
                extract_date,
                age_days,
            } => format!(
                "the Bloctel extract of {extract_date} is {age_days} days old: consumer phone \
                 prospecting before 2026-08-11 must be checked against an extract of at most \
                 {BLOCTEL_MAX_AGE_DAYS} days"
            ),
        }
    }
}

/// Checks the date of the organization's Bloctel extract (`None`: none, or undated) for a
/// campaign: only consumer phone calls under the French pack of the Bloctel era need one.
pub fn check_bloctel_extract(
    ctx: &DecisionContext<'_>,
    extract_date: Option<Date>,
) -> ExtractCheck {
    let bloctel_era = matches!(
        &ctx.rule_pack().rules.bases,
        Bases::Fr(b) if b.consumer_phone == fr::PhoneRegime::OptOutWithList
    );
    if !bloctel_era || ctx.channel() != Channel::Phone {
        return ExtractCheck::NotRequired;
    }
    let Some(extract_date) = extract_date else {
        return ExtractCheck::Missing;
    };
    let today = ctx.local_time().date();
    let age_days = extract_date
        .until(today)
        .map(|span| span.get_days())
        .unwrap_or(i32::MAX);
    if age_days > BLOCTEL_MAX_AGE_DAYS {
        ExtractCheck::Stale {
            extract_date,
            age_days,
        }
    } else {
        ExtractCheck::Current
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Moment;
    use crate::decision::{Campaign, Jurisdiction};
    use crate::vocab::Purpose;

    fn check(at: &str, channel: Channel, extract: Option<&str>) -> ExtractCheck {
        let campaign = Campaign::default();
        let ctx = DecisionContext::new(
            Jurisdiction::Fr,
            Moment::parse(at).unwrap(),
            channel,
            Purpose::Marketing,
            &campaign,
        );
        check_bloctel_extract(&ctx, extract.map(|d| d.parse().unwrap()))
    }

    #[test]
    fn a_bloctel_extract_is_current_for_30_days_in_the_bloctel_era_only() {
        let march = "2026-03-10T11:00:00+01:00";
        assert_eq!(
            check(march, Channel::Phone, Some("2026-02-08")),
            ExtractCheck::Current
        );
        assert_eq!(
            check(march, Channel::Phone, Some("2026-02-07")),
            ExtractCheck::Stale {
                extract_date: "2026-02-07".parse().unwrap(),
                age_days: 31
            }
        );
        assert!(check(march, Channel::Phone, None).refuses());
        assert_eq!(
            check(march, Channel::Email, None),
            ExtractCheck::NotRequired
        );
        // From 11 August 2026 consent replaces Bloctel.
        assert_eq!(
            check("2026-11-24T10:30:00+01:00", Channel::Phone, None),
            ExtractCheck::NotRequired
        );
    }
}
