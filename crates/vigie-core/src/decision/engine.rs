//! The decision engine: a context per campaign (jurisdiction, moment, channel, purpose, message)
//! holding everything that does not depend on the contact, then one allocation-free
//! [`DecisionContext::decide`] per contact.
//!
//! Precedence (DECISIONS.md): SUPPRESSED, RESTRICTED, the ledger state (WITHDRAWN, OBJECTED),
//! RETENTION_EXPIRED where the pack keeps prospects for a limited time, the consumer call limits
//! where the pack has them (OUTSIDE_CALLING_HOURS, CALL_FREQUENCY_CAP, RECENT_REFUSAL), then the
//! pack's bases by channel and audience.

use jiff::civil::DateTime;
use jiff::{Timestamp, ToSpan};

use super::code::{Code, Decision};
use super::contact::{Campaign, ContactView};
use super::packs::{Bases, Jurisdiction, RulePack, de, fr, uk};
use crate::calendar::CallingTime;
use crate::ledger::LedgerSummary;
use crate::moment::Moment;
use crate::vocab::{Action, Audience, Channel, Purpose};
use crate::zone::Zone;

/// The result of one decision: its code, and the audience it was decided for (explanations and
/// references differ by audience).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub code: Code,
    pub audience: Option<Audience>,
    /// The consumer's own zone, where the calling hours applied and it has one; `None`: the
    /// jurisdiction's.
    pub zone: Option<Zone>,
}

impl Outcome {
    /// An outcome reached without looking at a contact, e.g. screening's UNKNOWN_CONTACT.
    pub fn without_contact(code: Code) -> Outcome {
        Outcome {
            code,
            audience: None,
            zone: None,
        }
    }

    pub fn decision(self) -> Decision {
        self.code.decision()
    }
}

/// Everything about one campaign moment that does not depend on the contact.
#[derive(Debug, Clone)]
pub struct DecisionContext<'c> {
    jurisdiction: Jurisdiction,
    pack: &'static RulePack,
    moment: Moment,
    channel: Channel,
    purpose: Purpose,
    campaign: &'c Campaign,
    /// Civil time of the moment in the jurisdiction's zone.
    local: DateTime,
    /// The jurisdiction's zone.
    zone: Zone,
    /// Prospects whose latest sign of life is before this instant are past retention.
    retention_cutoff: Option<Timestamp>,
    call_limits: Option<CallLimitsAt>,
    /// Where the pack limits consumer calls: the calling window at the moment in each zone
    /// resolved in advance (the jurisdiction's first), so that deciding for a contact of one of
    /// them converts no time. Screening resolves the few zones its base holds.
    calling_times: Vec<(Zone, CallingTime)>,
}

/// The pack's consumer call limits, resolved for the moment.
#[derive(Debug, Clone, Copy)]
struct CallLimitsAt {
    max_calls_in_30_days: u32,
    quiet_days_after_refusal: i16,
    /// A refusal after this instant (and not after the moment) is recent.
    refusal_cutoff: Timestamp,
}

impl<'c> DecisionContext<'c> {
    /// Resolves the rule pack in force at `at` and precomputes the moment's local time, calling
    /// window and cut-offs. `at` may be a [`Timestamp`] (read on UTC for calendar arithmetic) or a
    /// [`Moment`] that keeps the offset it was written in.
    pub fn new(
        jurisdiction: Jurisdiction,
        at: impl Into<Moment>,
        channel: Channel,
        purpose: Purpose,
        campaign: &'c Campaign,
    ) -> DecisionContext<'c> {
        let moment = at.into();
        let zone = jurisdiction.time_zone();
        let local = zone.to_datetime(moment.instant());
        let jurisdiction_zone = jurisdiction.zone();
        let pack = RulePack::in_force(jurisdiction, local.date());
        let retention_cutoff = pack
            .rules
            .prospect_retention_years
            .map(|years| crate::retention::cutoff(moment, years));
        let call_limits = pack.rules.consumer_call_limits.as_ref().map(|limits| {
            let quiet_from = local
                .checked_sub(i32::from(limits.quiet_days_after_refusal).days())
                .and_then(|dt| zone.to_timestamp(dt))
                .unwrap_or(Timestamp::MIN);
            CallLimitsAt {
                max_calls_in_30_days: limits.max_calls_in_30_days,
                quiet_days_after_refusal: limits.quiet_days_after_refusal,
                refusal_cutoff: quiet_from,
            }
        });
        let calling_times = match call_limits {
            Some(_) => vec![(jurisdiction_zone, CallingTime::of_local_time(local))],
            None => Vec::new(),
        };
        DecisionContext {
            jurisdiction,
            pack,
            moment,
            channel,
            purpose,
            campaign,
            local,
            zone: jurisdiction_zone,
            retention_cutoff,
            call_limits,
            calling_times,
        }
    }

    /// Resolves the calling window at the moment in each of `zones` (the contacts' own zones)
    /// once, so that [`DecisionContext::decide`] reads it rather than converting time per
    /// contact. A zone left out is still decided right, only slower.
    pub fn with_zones(mut self, zones: impl IntoIterator<Item = Zone>) -> DecisionContext<'c> {
        if self.call_limits.is_some() {
            for zone in zones {
                if !self.calling_times.iter().any(|(z, _)| *z == zone) {
                    let time = self.calling_time_converted(zone);
                    self.calling_times.push((zone, time));
                }
            }
        }
        self
    }

    /// The same context without the consumer call limits (hours, frequency, recent refusal):
    /// the coverage report asks on which basis a contact may be reached at all, not whether a
    /// call placed at this very minute would be on time.
    pub fn without_call_limits(mut self) -> DecisionContext<'c> {
        self.call_limits = None;
        self.calling_times.clear();
        self
    }

    fn calling_time_converted(&self, zone: Zone) -> CallingTime {
        CallingTime::of_local_time(zone.time_zone().to_datetime(self.moment.instant()))
    }

    /// The calling window at the moment in a contact's zone (`None`: the jurisdiction's).
    fn calling_time_in(&self, zone: Option<Zone>) -> CallingTime {
        let zone = zone.unwrap_or(self.zone);
        match self.calling_times.iter().find(|(z, _)| *z == zone) {
            Some((_, time)) => *time,
            None => self.calling_time_converted(zone),
        }
    }

    /// The rule pack applied: its `id` is the version to record as proof.
    pub fn rule_pack(&self) -> &'static RulePack {
        self.pack
    }

    pub fn jurisdiction(&self) -> Jurisdiction {
        self.jurisdiction
    }

    pub fn at(&self) -> Moment {
        self.moment
    }

    pub fn channel(&self) -> Channel {
        self.channel
    }

    pub fn purpose(&self) -> Purpose {
        self.purpose
    }

    pub fn campaign(&self) -> &'c Campaign {
        self.campaign
    }

    /// Civil date-time of the moment in the jurisdiction's zone.
    pub fn local_time(&self) -> DateTime {
        self.local
    }

    /// The calling window at the moment in a contact's zone (`None`: the jurisdiction's), where
    /// the pack limits consumer calls.
    pub fn calling_time(&self, zone: Option<Zone>) -> Option<CallingTime> {
        self.call_limits.map(|_| self.calling_time_in(zone))
    }

    /// Where the pack limits consumer calls: the calls in 30 days at which the next is refused,
    /// and the days of quiet after a refusal.
    pub fn consumer_call_limits(&self) -> Option<(u32, i16)> {
        self.call_limits
            .map(|l| (l.max_calls_in_30_days, l.quiet_days_after_refusal))
    }

    /// The earliest sign of life that keeps a prospect within retention, where the pack limits it.
    pub fn retention_cutoff(&self) -> Option<Timestamp> {
        self.retention_cutoff
    }

    /// Decides for one contact. Pure, allocation-free, and the same for the same inputs.
    pub fn decide<C: ContactView + ?Sized>(&self, contact: &C) -> Outcome {
        let audience = contact.audience();
        // The consumer's zone is read only where the hours apply (it costs a look-up).
        let zone = match self.call_limits {
            Some(_) if self.channel == Channel::Phone && audience == Audience::Consumer => {
                contact.time_zone()
            }
            _ => None,
        };
        Outcome {
            code: self.code(contact, audience, zone),
            audience: Some(audience),
            zone,
        }
    }

    fn code<C: ContactView + ?Sized>(
        &self,
        contact: &C,
        audience: Audience,
        zone: Option<Zone>,
    ) -> Code {
        if contact.suppressed() {
            return Code::Suppressed;
        }
        if contact.restricted() {
            return Code::Restricted;
        }
        let at = self.moment.instant();
        let ledger = LedgerSummary::fold(contact.events(), self.channel, self.purpose, at);
        match ledger.state {
            Some(Action::Withdraw) => return Code::Withdrawn,
            Some(Action::Object) => return Code::Objected,
            Some(Action::Grant) | None => {}
        }
        if let Some(cutoff) = self.retention_cutoff
            && crate::retention::prospect_past_period(contact, ledger.last_event_at, cutoff)
        {
            return Code::RetentionExpired;
        }
        if let Some(limits) = self.call_limits
            && self.channel == Channel::Phone
            && audience == Audience::Consumer
        {
            // D223-9: the hours and days are the consumer's own.
            if !self.calling_time_in(zone).is_open() {
                return Code::OutsideCallingHours;
            }
            if contact.calls_last_30_days() >= limits.max_calls_in_30_days {
                return Code::CallFrequencyCap;
            }
            if contact
                .last_call_refusal_at()
                .is_some_and(|t| t > limits.refusal_cutoff && t <= at)
            {
                return Code::RecentRefusal;
            }
        }
        let consent = ledger.state == Some(Action::Grant);
        match &self.pack.rules.bases {
            Bases::Fr(bases) => fr::basis(self, bases, contact, consent),
            Bases::De => de::basis(self, contact, consent),
            Bases::Uk => uk::basis(self, contact, consent),
        }
    }

    /// Customer of the campaign's product category.
    pub(crate) fn customer_of_campaign_category<C: ContactView + ?Sized>(
        &self,
        contact: &C,
    ) -> bool {
        contact.is_customer()
            && self
                .campaign
                .product_category
                .as_deref()
                .is_some_and(|c| contact.bought(c))
    }

    /// Soft opt-in: a customer of the campaign's category who could object at collection. It
    /// covers our own similar products only, so never offers on behalf of partners.
    pub(crate) fn soft_opt_in_applies<C: ContactView + ?Sized>(&self, contact: &C) -> bool {
        self.purpose != Purpose::Partners
            && self.customer_of_campaign_category(contact)
            && contact.objection_offered()
    }

    /// The texts behind an outcome in this context.
    pub(crate) fn references(&self, outcome: Outcome) -> &'static [&'static str] {
        match &self.pack.rules.bases {
            Bases::Fr(bases) => fr::references(outcome.code, self.channel, outcome.audience, bases),
            Bases::De => de::references(outcome.code, self.channel),
            Bases::Uk => uk::references(outcome.code, self.channel),
        }
    }

    pub(crate) fn fr_phone_regime(&self) -> Option<fr::PhoneRegime> {
        match &self.pack.rules.bases {
            Bases::Fr(bases) => Some(bases.consumer_phone),
            Bases::De | Bases::Uk => None,
        }
    }
}
