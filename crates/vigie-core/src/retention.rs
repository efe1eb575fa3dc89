//! Retention (art. 5(1)(e)): how long each category of data is kept, counted from what, and on
//! which legal ground; and the one rule that says when a prospect is past its period.
//!
//! An organization's policies are data ([`PolicySet`]): the CNIL's defaults until someone edits
//! them, each edit a new version (the store keeps every version, the audit trail says who). The
//! decision engine's `RETENTION_EXPIRED` and the retention plan call the same
//! [`past_period`] on a cut-off from [`cutoff`], so the two can never disagree.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::moment::Moment;
use crate::settings::FinancialYearEnd;

/// The earliest sign of life that keeps data within a period of `years` calendar years ending at
/// `at`: the same wall-clock time `years` years earlier, on `at`'s own clock (29 February becomes
/// 28 February), as the decision contract counts "more than three calendar years before".
pub fn cutoff(at: impl Into<Moment>, years: u8) -> Timestamp {
    at.into().years_before(i16::from(years))
}

/// The rule: data whose latest sign of life is before the cut-off is past its period. No sign of
/// life at all is past it too: nothing shows the data is still within its period, and
/// accountability (art. 5(2)) puts that proof on the controller.
pub fn past_period(last_sign_of_life: Option<Timestamp>, cutoff: Timestamp) -> bool {
    last_sign_of_life.is_none_or(|seen| seen < cutoff)
}

/// A prospect (not a customer, not a role address) past its period at `cutoff`. The latest sign
/// of life is collection, or any ledger event at or before the moment (`last_event_at`: any
/// channel, any purpose, pre-ticked grants included: each is the person acting). A prospect with
/// neither is past it: nothing shows the data is still within its period, and accountability
/// (art. 5(2)) puts that proof on us. `RETENTION_EXPIRED` and the coverage report both call it.
pub fn prospect_past_period<C: crate::ContactView + ?Sized>(
    contact: &C,
    last_event_at: Option<Timestamp>,
    cutoff: Timestamp,
) -> bool {
    contact.audience() != crate::Audience::Generic
        && !contact.is_customer()
        && past_period(contact.collected_at().max(last_event_at), cutoff)
}

/// A customer past the marketing period at `cutoff`: no contract in force and a relationship
/// that ended before it. Without an end date the period cannot be counted, so it is not past.
pub fn customer_past_period<C: crate::ContactView + ?Sized>(
    contact: &C,
    relationship_ended_at: Option<Timestamp>,
    cutoff: Timestamp,
) -> bool {
    contact.is_customer()
        && !contact.contract_active()
        && relationship_ended_at.is_some_and(|end| past_period(Some(end), cutoff))
}

/// The end of the financial year that contains `day`, for a financial year ending on
/// `year_end` each year: the start of the accounting period L123-22 counts from.
pub fn financial_year_end(day: Date, year_end: FinancialYearEnd) -> Date {
    let this_year = year_end.in_year(day.year());
    if day <= this_year {
        this_year
    } else {
        year_end.in_year(day.year() + 1)
    }
}

/// The last day a hold ending at `until` (the instant after its last day, as
/// [`PolicySet::accounting_hold_until`] gives it) keeps the data, on `zone`'s calendar.
pub fn hold_last_day(until: Timestamp, zone: &jiff::tz::TimeZone) -> Date {
    let last_instant = until
        .checked_sub(jiff::SignedDuration::from_micros(1))
        .unwrap_or(until);
    zone.to_datetime(last_instant).date()
}

/// A customer's fields, as the accounting archive sorts them into kept and shredded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContactField {
    /// The customer reference: what links Vigie's record to the invoices and ledgers.
    Reference,
    /// First and last names.
    Names,
    /// The end of the relationship or the last purchase: the hold counts from it.
    RelationshipEnd,
    Email,
    Phone,
    /// The product categories bought, kept for soft opt-in (similar products).
    ProductCategories,
    /// How and where the contact was collected (a form, a trade show…).
    CollectionSource,
    /// The time zone recorded for calling hours.
    TimeZone,
}

impl ContactField {
    pub const ALL: [ContactField; 8] = [
        ContactField::Reference,
        ContactField::Names,
        ContactField::RelationshipEnd,
        ContactField::Email,
        ContactField::Phone,
        ContactField::ProductCategories,
        ContactField::CollectionSource,
        ContactField::TimeZone,
    ];

    /// Whether a customer archived for the accounting obligation keeps this field; every other
    /// field is shredded when the customer is archived.
    ///
    /// Why: Code de commerce L123-22 obliges the organization to keep its accounting documents
    /// and their supporting documents (invoices) for ten years from the closing of the financial
    /// year, nothing more; the invoices themselves live in the accounting system. What Vigie
    /// must keep beside them is what identifies the customer they name (reference and names; the
    /// postal address an invoice bears is not kept by Vigie at all) and the date the period
    /// counts from. An e-mail address and a phone number are not mentions an invoice needs
    /// (Code de commerce L441-9), they are the channels of prospecting, which ended with the
    /// marketing period (CNIL, référentiel gestion commerciale: the relationship plus three
    /// years); the categories bought only served soft opt-in (CPCE L34-5), the collection source
    /// and the time zone only marketing and calling hours. Kept, they would let a screening or a
    /// search find the person again: art. 5(1)(c) and (e) refuse it.
    pub const fn kept_by_accounting_archive(self) -> bool {
        matches!(
            self,
            ContactField::Reference | ContactField::Names | ContactField::RelationshipEnd
        )
    }
}

/// The instants a retention plan or run compares stored times with, resolved once for a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    pub at: Timestamp,
    /// `RETENTION_EXPIRED`'s own cut-off (the French rule pack in force at `at`): the plan's
    /// `expired_prospects` counts with it, so it always equals what the decisions say.
    pub expired_rule: Timestamp,
    /// Prospects whose latest sign of life is before this are erased (the organization's policy).
    pub prospects: Timestamp,
    /// Customers whose relationship ended before this are archived (or erased without a purchase
    /// to keep).
    pub customers: Timestamp,
    /// Data subject requests closed before this are purged.
    pub closed_requests: Timestamp,
    /// Screening proof records recorded before this are purged.
    pub screening_proofs: Timestamp,
    /// Audit entries recorded before this are purged (a prefix of the chain: see the store).
    pub audit_trail: Timestamp,
}

impl PolicySet {
    /// The cut-offs of these policies at `at`.
    pub fn cutoffs(&self, at: Moment) -> Cutoffs {
        let local_date = crate::Jurisdiction::Fr
            .time_zone()
            .to_datetime(at.instant())
            .date();
        let rule_years = crate::RulePack::in_force(crate::Jurisdiction::Fr, local_date)
            .rules
            .prospect_retention_years
            .unwrap_or(self.get(DataCategory::Prospects).years);
        Cutoffs {
            at: at.instant(),
            expired_rule: cutoff(at, rule_years),
            prospects: cutoff(at, self.get(DataCategory::Prospects).years),
            customers: cutoff(at, self.get(DataCategory::Customers).years),
            closed_requests: cutoff(at, self.get(DataCategory::ClosedRequests).years),
            screening_proofs: cutoff(at, self.get(DataCategory::ScreeningProofs).years),
            audit_trail: cutoff(at, self.get(DataCategory::AuditTrail).years),
        }
    }

    /// Until when an archived customer's accounting documents are kept: ten years (the policy)
    /// from the end of the financial year of the last purchase, in `zone`, the financial year
    /// ending on `year_end` (the organization's setting). The instant is the end of that day.
    pub fn accounting_hold_until(
        &self,
        last_purchase: Timestamp,
        zone: &jiff::tz::TimeZone,
        year_end: FinancialYearEnd,
    ) -> Timestamp {
        let closing = financial_year_end(zone.to_datetime(last_purchase).date(), year_end);
        let years = i16::from(self.get(DataCategory::AccountingArchive).years);
        let last_day = Date::new(closing.year() + years, closing.month(), closing.day())
            .or_else(|_| Date::new(closing.year() + years, closing.month(), 28))
            .expect("a valid month");
        zone.to_timestamp(
            last_day
                .tomorrow()
                .expect("in range")
                .to_datetime(jiff::civil::Time::midnight()),
        )
        .expect("in range")
    }
}

/// The categories of data a policy covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataCategory {
    /// Contacts who never bought: counted from their latest sign of life.
    Prospects,
    /// Customers, for marketing: counted from the end of the relationship.
    Customers,
    /// What accounting law needs of an erased customer: counted from the end of the financial
    /// year of the last purchase.
    AccountingArchive,
    /// Closed data subject requests: counted from their closure.
    ClosedRequests,
    /// Screening proof records: counted from the screening.
    ScreeningProofs,
    /// The audit trail: counted from each entry.
    AuditTrail,
}

impl DataCategory {
    pub const ALL: [DataCategory; 6] = [
        DataCategory::Prospects,
        DataCategory::Customers,
        DataCategory::AccountingArchive,
        DataCategory::ClosedRequests,
        DataCategory::ScreeningProofs,
        DataCategory::AuditTrail,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DataCategory::Prospects => "prospects",
            DataCategory::Customers => "customers",
            DataCategory::AccountingArchive => "accounting_archive",
            DataCategory::ClosedRequests => "closed_requests",
            DataCategory::ScreeningProofs => "screening_proofs",
            DataCategory::AuditTrail => "audit_trail",
        }
    }

    /// What the period is counted from.
    pub fn counted_from(self) -> Anchor {
        match self {
            DataCategory::Prospects => Anchor::LastSignOfLife,
            DataCategory::Customers => Anchor::EndOfRelationship,
            DataCategory::AccountingArchive => Anchor::EndOfFinancialYear,
            DataCategory::ClosedRequests => Anchor::Closure,
            DataCategory::ScreeningProofs | DataCategory::AuditTrail => Anchor::Recorded,
        }
    }

    /// The periods an organization may choose, in years. Marketing data may be kept for less
    /// than the CNIL's three years, not more; accounting documents exactly the ten years of
    /// L123-22 (less breaks the law, more has no ground); proofs up to the six years of the
    /// longest limitation period they answer (Code de procédure pénale art. 8 for offences).
    fn allowed_years(self) -> std::ops::RangeInclusive<u8> {
        match self {
            DataCategory::Prospects | DataCategory::Customers => 1..=3,
            DataCategory::AccountingArchive => 10..=10,
            DataCategory::ClosedRequests
            | DataCategory::ScreeningProofs
            | DataCategory::AuditTrail => 1..=6,
        }
    }
}

impl fmt::Display for DataCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DataCategory {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<DataCategory, PolicyError> {
        DataCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| PolicyError {
                field: "category".into(),
                reason: format!(
                    "{s:?} is not a category (expected one of {})",
                    DataCategory::ALL.map(DataCategory::as_str).join(", ")
                ),
            })
    }
}

/// What a period is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// Collection, or the latest contact coming from the person (an event of the ledger).
    LastSignOfLife,
    /// The end of the relationship or the last purchase.
    EndOfRelationship,
    /// The end of the financial year of the last purchase.
    EndOfFinancialYear,
    Closure,
    Recorded,
}

/// One category's period and its legal ground.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub category: DataCategory,
    pub years: u8,
    pub counted_from: Anchor,
    pub legal_reference: String,
}

/// An organization's policies, one per category, at a version (0: the defaults, never edited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicySet {
    pub version: u32,
    pub policies: Vec<Policy>,
}

/// What an edit of the policies is wrong about, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct PolicyError {
    pub field: String,
    pub reason: String,
}

/// One change asked for: a category's period and, optionally, its reference.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyChange {
    pub category: String,
    pub years: i64,
    #[serde(default)]
    pub legal_reference: Option<String>,
}

const MAX_REFERENCE: usize = 256;

impl PolicySet {
    /// The CNIL's defaults (référentiel « gestion commerciale », 2021) and the law's periods.
    pub fn defaults() -> PolicySet {
        let p = |category, years, reference: &str| Policy {
            category,
            years,
            counted_from: DataCategory::counted_from(category),
            legal_reference: reference.to_owned(),
        };
        PolicySet {
            version: 0,
            policies: vec![
                p(
                    DataCategory::Prospects,
                    3,
                    "RGPD art. 5(1)(e) ; CNIL, référentiel gestion commerciale (2021) : 3 ans après la collecte ou le dernier contact venant du prospect",
                ),
                p(
                    DataCategory::Customers,
                    3,
                    "RGPD art. 5(1)(e) ; CNIL, référentiel gestion commerciale (2021) : durée de la relation puis 3 ans",
                ),
                p(
                    DataCategory::AccountingArchive,
                    10,
                    "Code de commerce art. L123-22 : 10 ans à compter de la clôture de l'exercice",
                ),
                p(
                    DataCategory::ClosedRequests,
                    5,
                    "RGPD art. 5(2) ; Code civil art. 2224 (prescription de 5 ans)",
                ),
                p(
                    DataCategory::ScreeningProofs,
                    5,
                    "RGPD art. 7(1) et 5(2) ; Code civil art. 2224 (prescription de 5 ans)",
                ),
                p(
                    DataCategory::AuditTrail,
                    6,
                    "RGPD art. 5(2) ; Code de procédure pénale art. 8 (prescription des délits, 6 ans)",
                ),
            ],
        }
    }

    /// The policy of a category (every set holds one of each).
    pub fn get(&self, category: DataCategory) -> &Policy {
        self.policies
            .iter()
            .find(|p| p.category == category)
            .expect("a policy set holds every category")
    }

    /// The next version with `changes` applied, all or nothing: the first wrong change refuses
    /// the whole edit, naming `changes[i].field`.
    pub fn edited(&self, changes: &[PolicyChange]) -> Result<PolicySet, PolicyError> {
        if changes.is_empty() {
            return Err(PolicyError {
                field: "changes".into(),
                reason: "no change given".into(),
            });
        }
        let mut next = self.clone();
        next.version = self.version + 1;
        for (i, change) in changes.iter().enumerate() {
            let at = |field: &str| format!("changes[{i}].{field}");
            let category: DataCategory =
                change
                    .category
                    .parse()
                    .map_err(|e: PolicyError| PolicyError {
                        field: at("category"),
                        reason: e.reason,
                    })?;
            let allowed = category.allowed_years();
            let years = u8::try_from(change.years)
                .ok()
                .filter(|y| allowed.contains(y))
                .ok_or_else(|| PolicyError {
                    field: at("years"),
                    reason: format!(
                        "{} years is outside what {category} may be kept for ({} to {} years)",
                        change.years,
                        allowed.start(),
                        allowed.end()
                    ),
                })?;
            let policy = next
                .policies
                .iter_mut()
                .find(|p| p.category == category)
                .expect("every category");
            policy.years = years;
            if let Some(reference) = &change.legal_reference {
                let reference = reference.trim();
                if reference.is_empty()
                    || reference.len() > MAX_REFERENCE
                    || reference.chars().any(char::is_control)
                {
                    return Err(PolicyError {
                        field: at("legal_reference"),
                        reason: format!(
                            "a legal reference is 1 to {MAX_REFERENCE} characters on one line"
                        ),
                    });
                }
                policy.legal_reference = reference.to_owned();
            }
        }
        Ok(next)
    }

    /// Reads back a stored version (the changes the store kept, applied to the defaults).
    pub fn from_stored(
        version: u32,
        policies: &[(String, i64, String)],
    ) -> Result<PolicySet, PolicyError> {
        let changes: Vec<PolicyChange> = policies
            .iter()
            .map(|(category, years, reference)| PolicyChange {
                category: category.clone(),
                years: *years,
                legal_reference: Some(reference.clone()),
            })
            .collect();
        if changes.is_empty() {
            return Ok(PolicySet {
                version,
                ..PolicySet::defaults()
            });
        }
        let mut set = PolicySet::defaults().edited(&changes)?;
        set.version = version;
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn three_years_and_a_day_is_past_three_years_less_a_day_is_not() {
        let at = Moment::parse("2026-12-05T10:00:00+01:00").unwrap();
        let cut = cutoff(at, 3);
        assert_eq!(cut, ts("2023-12-05T09:00:00Z"));
        assert!(past_period(Some(ts("2023-12-04T09:00:00Z")), cut));
        assert!(!past_period(Some(ts("2023-12-06T09:00:00Z")), cut));
        // Exactly three years is not more than three years.
        assert!(!past_period(Some(cut), cut));
        assert!(past_period(None, cut));
    }

    #[test]
    fn financial_year_end_counts_from_the_closing_date() {
        let d = |y, m, d| jiff::civil::date(y, m, d);
        let dec = FinancialYearEnd::DECEMBER_31;
        let june = FinancialYearEnd::new(6, 30).unwrap();
        assert_eq!(financial_year_end(d(2026, 3, 1), dec), d(2026, 12, 31));
        assert_eq!(financial_year_end(d(2026, 12, 31), dec), d(2026, 12, 31));
        assert_eq!(financial_year_end(d(2026, 7, 1), june), d(2027, 6, 30));
        assert_eq!(financial_year_end(d(2026, 6, 30), june), d(2026, 6, 30));
    }

    #[test]
    fn an_edit_is_a_new_version_all_or_nothing() {
        let set = PolicySet::defaults();
        let next = set
            .edited(&[PolicyChange {
                category: "prospects".into(),
                years: 2,
                legal_reference: None,
            }])
            .unwrap();
        assert_eq!(next.version, 1);
        assert_eq!(next.get(DataCategory::Prospects).years, 2);
        let bad = next.edited(&[
            PolicyChange {
                category: "customers".into(),
                years: 1,
                legal_reference: None,
            },
            PolicyChange {
                category: "accounting_archive".into(),
                years: 5,
                legal_reference: None,
            },
        ]);
        assert_eq!(bad.unwrap_err().field, "changes[1].years");
        let unknown = next.edited(&[PolicyChange {
            category: "newsletters".into(),
            years: 1,
            legal_reference: None,
        }]);
        assert_eq!(unknown.unwrap_err().field, "changes[0].category");
        assert!(set.edited(&[]).is_err());
    }

    #[test]
    fn the_accounting_hold_ends_ten_years_after_the_closing_of_the_financial_year() {
        let paris = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
        let set = PolicySet::defaults();
        let until = set.accounting_hold_until(
            ts("2020-03-10T12:00:00Z"),
            &paris,
            FinancialYearEnd::DECEMBER_31,
        );
        assert_eq!(until, ts("2030-12-31T23:00:00Z"));
        // A financial year closing on 30 June: the purchase of March 2020 falls in the year
        // closed on 30 June 2020, so the hold ends with 30 June 2030 (Paris summer time).
        let june = FinancialYearEnd::new(6, 30).unwrap();
        let until = set.accounting_hold_until(ts("2020-03-10T12:00:00Z"), &paris, june);
        assert_eq!(until, ts("2030-06-30T22:00:00Z"));
        assert_eq!(hold_last_day(until, &paris), jiff::civil::date(2030, 6, 30));
        let at = Moment::parse("2026-12-05T10:00:00+01:00").unwrap();
        let c = set.cutoffs(at);
        assert_eq!(c.expired_rule, c.prospects);
        assert_eq!(c.customers, ts("2023-12-05T09:00:00Z"));
        // Requests and screening proofs five years, the audit trail six, on the same clock.
        assert_eq!(c.closed_requests, ts("2021-12-05T09:00:00Z"));
        assert_eq!(c.screening_proofs, ts("2021-12-05T09:00:00Z"));
        assert_eq!(c.audit_trail, ts("2020-12-05T09:00:00Z"));
    }

    #[test]
    fn the_accounting_archive_keeps_what_identifies_the_invoices_not_the_channels() {
        let kept: Vec<ContactField> = ContactField::ALL
            .into_iter()
            .filter(|f| f.kept_by_accounting_archive())
            .collect();
        assert_eq!(
            kept,
            [
                ContactField::Reference,
                ContactField::Names,
                ContactField::RelationshipEnd
            ]
        );
        for gone in [
            ContactField::Email,
            ContactField::Phone,
            ContactField::ProductCategories,
            ContactField::CollectionSource,
            ContactField::TimeZone,
        ] {
            assert!(!gone.kept_by_accounting_archive(), "{gone:?}");
        }
    }

    #[test]
    fn every_default_names_its_legal_ground() {
        let set = PolicySet::defaults();
        for c in DataCategory::ALL {
            let p = set.get(c);
            assert!(c.allowed_years().contains(&p.years), "{c}");
            assert!(!p.legal_reference.is_empty());
        }
        assert!(
            set.get(DataCategory::AccountingArchive)
                .legal_reference
                .contains("L123-22")
        );
    }
}
