//! The consent coverage report's rule (the CNIL kit's "identify the people for whom you have no
//! clear consent"): for each channel and purpose, on which ground a contact may be reached, if
//! any.
//!
//! The classification is the decision engine's own answer, read for the base rather than for a
//! campaign: the engine decides for a campaign that relates to the recipient's job and promotes
//! products similar to what the contact bought (so that soft opt-in and B2B opt-out show where
//! their conditions on the contact hold), without the consumer call limits (they say whether a
//! call placed this very minute would be on time, not whether there is a basis). Past the period
//! is the organization's policy (the run erases or archives on it), which may be shorter than the
//! rule pack's three years. The organization's lists count too ([`ListFacts`]): a contact whose
//! e-mail is on the suppression list, or whose number is on Bloctel, is classified as the
//! decision answers for that channel, not as consent or soft opt-in.

use std::sync::LazyLock;

use jiff::Timestamp;

use crate::decision::{Campaign, Code, ContactView, DecisionContext, IdentifierKind, Jurisdiction};
use crate::ledger::ConsentEvent;
use crate::moment::Moment;
use crate::retention::{Cutoffs, customer_past_period, prospect_past_period};
use crate::vocab::{Audience, Channel, Purpose, vocabulary};
use crate::zone::Zone;

vocabulary! {
    /// Where a contact stands for one channel and purpose.
    Coverage, "coverage category" {
        /// A grant in the ledger collected in a way that can prove consent (art. 7(1)).
        Consent => "consent",
        /// No consent, but a customer who could object at collection (CPCE L34-5).
        SoftOptIn => "soft_opt_in",
        /// No consent, but an informed professional who could object (B2B opt-out).
        B2bOptOut => "b2b_opt_out",
        /// Another basis: an opt-out channel (post, phone where it is opt-out), a running
        /// contract.
        OtherBasis => "other_basis",
        /// No basis: neither consent nor an exception.
        NoBasis => "no_basis",
        /// Not to be contacted: consent withdrawn, objection, restriction.
        Blocked => "blocked",
        /// Not to be contacted on this channel: the identifier it reaches is on the suppression
        /// list (for postal mail, any of the contact's identifiers).
        Suppressed => "suppressed",
        /// Not to be called: the number is on an opposition list (Bloctel) where the rule pack
        /// applies it.
        OppositionList => "opposition_list",
        /// Past the retention period (prospects: latest sign of life; customers: end of the
        /// relationship).
        PastPeriod => "past_period",
        /// A role address of a company: not a person's data.
        NotPersonal => "not_personal",
    }
}

/// How many contacts of one cell fall in each category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CoverageCounts([i64; Coverage::ALL.len()]);

impl CoverageCounts {
    pub fn add(&mut self, category: Coverage) {
        self.0[category as usize] += 1;
    }

    pub fn get(&self, category: Coverage) -> i64 {
        self.0[category as usize]
    }

    /// Every category with its count, in the vocabulary's order.
    pub fn iter(&self) -> impl Iterator<Item = (Coverage, i64)> + '_ {
        Coverage::ALL.iter().map(|c| (*c, self.get(*c)))
    }
}

/// Written as an object from each category's spelling to its count.
impl serde::Serialize for CoverageCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(Coverage::ALL.len()))?;
        for (category, count) in self.iter() {
            map.serialize_entry(category.as_str(), &count)?;
        }
        map.end()
    }
}

/// What the organization's lists say of a contact's identifiers (the store looks them up: the
/// suppression list holds hashes, the opposition lists blind indexes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListFacts {
    /// Its e-mail address is on the suppression list.
    pub email_suppressed: bool,
    /// Its phone number is on the suppression list.
    pub phone_suppressed: bool,
    /// Its phone number is on one of the organization's opposition lists.
    pub phone_on_opposition_list: bool,
}

impl ListFacts {
    /// Whether the contact is suppressed for `channel` (the identifiers `Channel::suppressed`
    /// names) and whether an opposition list bears on it (a number, on a channel that dials it).
    /// Whether the list applies to the audience and the moment is the rule pack's to say.
    pub fn for_channel(self, channel: Channel) -> (bool, bool) {
        let suppressed = channel.suppressed(|kind| {
            Some(match kind {
                IdentifierKind::Email => self.email_suppressed,
                IdentifierKind::Phone => self.phone_suppressed,
            })
        });
        (
            suppressed,
            channel.uses_phone_number() && self.phone_on_opposition_list,
        )
    }
}

/// The campaign the coverage reads the base for: commercial, about the recipient's job, promoting
/// products similar to those the contact bought (see [`BoughtSimilar`]).
static COVERAGE_CAMPAIGN: LazyLock<Campaign> = LazyLock::new(|| Campaign {
    product_category: Some(String::new()),
    relates_to_profession: true,
    commercial: true,
    press: false,
});

/// The rules of a coverage report at one moment: one decision context per channel and purpose,
/// resolved once.
#[derive(Debug, Clone)]
pub struct CoverageRules {
    at: Timestamp,
    cells: Vec<(Channel, Purpose, DecisionContext<'static>)>,
    prospects_cutoff: Timestamp,
    customers_cutoff: Timestamp,
}

impl CoverageRules {
    /// The rules at `at` under the organization's cut-offs (`PolicySet::cutoffs`), French rule
    /// packs (as the retention plan).
    pub fn new(at: Moment, cutoffs: &Cutoffs) -> CoverageRules {
        let campaign: &'static Campaign = &COVERAGE_CAMPAIGN;
        let cells = Channel::ALL
            .iter()
            .flat_map(|&channel| {
                Purpose::ALL.iter().map(move |&purpose| {
                    let ctx =
                        DecisionContext::new(Jurisdiction::Fr, at, channel, purpose, campaign)
                            .without_call_limits();
                    (channel, purpose, ctx)
                })
            })
            .collect();
        CoverageRules {
            at: at.instant(),
            cells,
            prospects_cutoff: cutoffs.prospects,
            customers_cutoff: cutoffs.customers,
        }
    }

    /// The (channel, purpose) cells, in the order [`CoverageRules::classify`] fills them.
    pub fn cells(&self) -> impl Iterator<Item = (Channel, Purpose)> + '_ {
        self.cells.iter().map(|(c, p, _)| (*c, *p))
    }

    /// The index of a cell.
    pub fn cell(&self, channel: Channel, purpose: Purpose) -> usize {
        self.cells
            .iter()
            .position(|(c, p, _)| *c == channel && *p == purpose)
            .expect("every channel and purpose has a cell")
    }

    /// Classifies one contact for every cell, into `out` (one entry per cell).
    /// `relationship_ended_at`: the end of a customer's relationship, where known; `lists`:
    /// what the suppression and opposition lists say of its identifiers (the contact's own
    /// `suppressed` and `on_opposition_list` are not read: they answer for one channel).
    pub fn classify<C: ContactView + ?Sized>(
        &self,
        contact: &C,
        relationship_ended_at: Option<Timestamp>,
        lists: ListFacts,
        out: &mut Vec<Coverage>,
    ) {
        out.clear();
        let last_event_at = contact
            .events()
            .iter()
            .map(|e| e.at)
            .filter(|t| *t <= self.at)
            .max();
        let past = prospect_past_period(contact, last_event_at, self.prospects_cutoff)
            || customer_past_period(contact, relationship_ended_at, self.customers_cutoff);
        for (channel, _, ctx) in &self.cells {
            let (suppressed, on_opposition_list) = lists.for_channel(*channel);
            let similar = BoughtSimilar {
                contact,
                suppressed,
                on_opposition_list,
            };
            let code = ctx.decide(&similar).code;
            out.push(classify_code(code, past));
        }
    }
}

/// A decision's code as a coverage category; `past`: the contact is past the organization's
/// period. A refusal or restriction wins over the period, as in the decision's precedence.
fn classify_code(code: Code, past: bool) -> Coverage {
    match code {
        Code::Suppressed => Coverage::Suppressed,
        Code::OppositionList => Coverage::OppositionList,
        Code::Restricted | Code::Withdrawn | Code::Objected => Coverage::Blocked,
        Code::RetentionExpired => Coverage::PastPeriod,
        _ if past => Coverage::PastPeriod,
        Code::Consent => Coverage::Consent,
        Code::SoftOptIn => Coverage::SoftOptIn,
        Code::B2bOptOut => Coverage::B2bOptOut,
        Code::GenericAddress => Coverage::NotPersonal,
        Code::Contract | Code::OptOut | Code::NonCommercial => Coverage::OtherBasis,
        // The call limits are off and the last two are screening's own: none can come out here;
        // were one to, it is no basis.
        Code::NotInformed
        | Code::UnrelatedToProfession
        | Code::NoConsent
        | Code::OutsideCallingHours
        | Code::CallFrequencyCap
        | Code::RecentRefusal
        | Code::UnknownContact
        | Code::InvalidIdentifier => Coverage::NoBasis,
    }
}

/// A contact read as a customer of every category it could be offered similar products in: soft
/// opt-in covers "produits ou services analogues" to what the person bought, whichever they are;
/// with what the lists say of it for one channel.
struct BoughtSimilar<'a, C: ?Sized> {
    contact: &'a C,
    suppressed: bool,
    on_opposition_list: bool,
}

impl<C: ContactView + ?Sized> ContactView for BoughtSimilar<'_, C> {
    fn audience(&self) -> Audience {
        self.contact.audience()
    }
    fn is_customer(&self) -> bool {
        self.contact.is_customer()
    }
    fn bought(&self, _category: &str) -> bool {
        self.contact.is_customer()
    }
    fn contract_active(&self) -> bool {
        self.contact.contract_active()
    }
    fn collected_at(&self) -> Option<Timestamp> {
        self.contact.collected_at()
    }
    fn informed(&self) -> bool {
        self.contact.informed()
    }
    fn objection_offered(&self) -> bool {
        self.contact.objection_offered()
    }
    fn restricted(&self) -> bool {
        self.contact.restricted()
    }
    fn suppressed(&self) -> bool {
        self.suppressed
    }
    fn on_opposition_list(&self) -> bool {
        self.on_opposition_list
    }
    fn calls_last_30_days(&self) -> u32 {
        self.contact.calls_last_30_days()
    }
    fn last_call_refusal_at(&self) -> Option<Timestamp> {
        self.contact.last_call_refusal_at()
    }
    fn events(&self) -> &[ConsentEvent] {
        self.contact.events()
    }
    fn time_zone(&self) -> Option<Zone> {
        self.contact.time_zone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::ContactFacts;
    use crate::retention::PolicySet;
    use crate::vocab::{Action, ChannelScope, Method};

    fn at() -> Moment {
        Moment::parse("2026-12-05T10:00:00+01:00").unwrap()
    }

    fn contact(audience: Audience) -> ContactFacts {
        ContactFacts {
            audience,
            collected_at: Some("2026-01-10T08:00:00Z".parse().unwrap()),
            ..ContactFacts::new(audience)
        }
    }

    fn email_marketing(c: &ContactFacts, ended: Option<Timestamp>) -> Coverage {
        let rules = CoverageRules::new(at(), &PolicySet::defaults().cutoffs(at()));
        let mut out = Vec::new();
        rules.classify(c, ended, ListFacts::default(), &mut out);
        assert_eq!(out.len(), Channel::ALL.len() * Purpose::ALL.len());
        out[rules.cell(Channel::Email, Purpose::Marketing)]
    }

    fn grant(method: Method) -> ConsentEvent {
        ConsentEvent {
            scope: ChannelScope::Email,
            purpose: Purpose::Marketing,
            action: Action::Grant,
            at: "2026-02-01T08:00:00Z".parse().unwrap(),
            method,
        }
    }

    #[test]
    fn one_contact_per_category() {
        let mut consent = contact(Audience::Consumer);
        consent.events = vec![grant(Method::DoubleOptIn)];
        assert_eq!(email_marketing(&consent, None), Coverage::Consent);

        // A pre-ticked box is no proof of consent.
        let mut preticked = contact(Audience::Consumer);
        preticked.events = vec![grant(Method::PretickedCheckbox)];
        assert_eq!(email_marketing(&preticked, None), Coverage::NoBasis);

        let mut customer = contact(Audience::Consumer);
        customer.customer = true;
        customer.customer_categories = vec!["shoes".into()];
        customer.objection_offered = true;
        assert_eq!(email_marketing(&customer, None), Coverage::SoftOptIn);

        let mut pro = contact(Audience::Professional);
        pro.informed = true;
        pro.objection_offered = true;
        assert_eq!(email_marketing(&pro, None), Coverage::B2bOptOut);

        assert_eq!(
            email_marketing(&contact(Audience::Consumer), None),
            Coverage::NoBasis
        );

        let mut withdrawn = contact(Audience::Consumer);
        withdrawn.events = vec![ConsentEvent {
            action: Action::Withdraw,
            method: Method::UnsubscribeLink,
            ..grant(Method::DoubleOptIn)
        }];
        assert_eq!(email_marketing(&withdrawn, None), Coverage::Blocked);

        let mut silent = contact(Audience::Consumer);
        silent.collected_at = Some("2023-12-04T09:00:00Z".parse().unwrap());
        silent.events = vec![ConsentEvent {
            at: "2023-12-04T09:00:00Z".parse().unwrap(),
            ..grant(Method::DoubleOptIn)
        }];
        assert_eq!(email_marketing(&silent, None), Coverage::PastPeriod);

        // A customer whose relationship ended more than three years ago is past the period;
        // one whose relationship ended less than three years ago keeps soft opt-in.
        assert_eq!(
            email_marketing(&customer, Some("2023-12-04T09:00:00Z".parse().unwrap())),
            Coverage::PastPeriod
        );
        assert_eq!(
            email_marketing(&customer, Some("2023-12-06T09:00:00Z".parse().unwrap())),
            Coverage::SoftOptIn
        );

        assert_eq!(
            email_marketing(&contact(Audience::Generic), None),
            Coverage::NotPersonal
        );
    }

    #[test]
    fn the_policy_period_counts_not_only_the_rule_packs() {
        let policies = PolicySet::defaults()
            .edited(&[crate::retention::PolicyChange {
                category: "prospects".into(),
                years: 1,
                legal_reference: None,
            }])
            .unwrap();
        let rules = CoverageRules::new(at(), &policies.cutoffs(at()));
        let mut c = contact(Audience::Consumer);
        c.collected_at = Some("2025-06-01T08:00:00Z".parse().unwrap());
        c.events = vec![ConsentEvent {
            at: "2025-06-01T08:00:00Z".parse().unwrap(),
            ..grant(Method::DoubleOptIn)
        }];
        let mut out = Vec::new();
        rules.classify(&c, None, ListFacts::default(), &mut out);
        assert_eq!(
            out[rules.cell(Channel::Email, Purpose::Marketing)],
            Coverage::PastPeriod
        );
    }

    /// The lists count as the decision counts them: a suppressed e-mail is not consent for
    /// e-mail (a letter too is refused, the address not being kept) but leaves the phone alone;
    /// a number on Bloctel is not a basis for a consumer call in the opt-out era, and does not
    /// touch e-mail.
    #[test]
    fn the_suppression_list_and_bloctel_are_the_decisions_categories() {
        let before_switch = Moment::parse("2026-03-02T10:00:00+01:00").unwrap();
        let rules =
            CoverageRules::new(before_switch, &PolicySet::defaults().cutoffs(before_switch));
        let mut c = contact(Audience::Consumer);
        c.informed = true;
        c.objection_offered = true;
        c.events = vec![grant(Method::DoubleOptIn)];
        let classify = |lists: ListFacts| {
            let mut out = Vec::new();
            rules.classify(&c, None, lists, &mut out);
            out
        };
        let cell = |ch| rules.cell(ch, Purpose::Marketing);
        let clear = classify(ListFacts::default());
        assert_eq!(clear[cell(Channel::Email)], Coverage::Consent);
        assert_eq!(clear[cell(Channel::Phone)], Coverage::OtherBasis);

        let suppressed = classify(ListFacts {
            email_suppressed: true,
            ..ListFacts::default()
        });
        assert_eq!(suppressed[cell(Channel::Email)], Coverage::Suppressed);
        assert_eq!(suppressed[cell(Channel::Postal)], Coverage::Suppressed);
        assert_eq!(suppressed[cell(Channel::Phone)], Coverage::OtherBasis);

        let bloctel = classify(ListFacts {
            phone_on_opposition_list: true,
            ..ListFacts::default()
        });
        assert_eq!(bloctel[cell(Channel::Phone)], Coverage::OppositionList);
        assert_eq!(bloctel[cell(Channel::Email)], Coverage::Consent);
    }

    #[test]
    fn call_hours_do_not_change_the_basis() {
        // A Sunday: a consumer call placed now would be refused, the basis is the same.
        let sunday = Moment::parse("2026-12-06T10:00:00+01:00").unwrap();
        let rules = CoverageRules::new(sunday, &PolicySet::defaults().cutoffs(sunday));
        let mut c = contact(Audience::Consumer);
        c.events = vec![ConsentEvent {
            scope: ChannelScope::Phone,
            ..grant(Method::PhoneRecorded)
        }];
        let mut out = Vec::new();
        rules.classify(&c, None, ListFacts::default(), &mut out);
        assert_eq!(
            out[rules.cell(Channel::Phone, Purpose::Marketing)],
            Coverage::Consent
        );
    }
}
