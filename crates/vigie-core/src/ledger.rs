//! The consent ledger as the rules read it: a list of events in the order they were recorded,
//! folded into the state that matters for one channel, one purpose and one moment.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::vocab::{Action, Channel, ChannelScope, Method, Purpose};

/// One ledger event, reduced to what decisions read. The proof around it (notice version,
/// source, IP, user agent) is kept by the store, not needed by the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentEvent {
    #[serde(rename = "channel")]
    pub scope: ChannelScope,
    pub purpose: Purpose,
    pub action: Action,
    pub at: Timestamp,
    pub method: Method,
}

/// What the ledger says for one channel, purpose and moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LedgerSummary {
    /// The action of the latest relevant event at or before the moment, if any.
    pub state: Option<Action>,
    /// The time of every event at or before the moment, whatever its channel or purpose:
    /// the latest one is a sign of life of the contact.
    pub last_event_at: Option<Timestamp>,
}

impl LedgerSummary {
    /// Folds `events` (in recording order) for `channel` and `purpose` at `at`.
    ///
    /// The state is the latest event at or before `at` whose purpose matches and whose channel is
    /// `channel` or `any`; grants by pre-ticked box are not consent and are skipped, and so are
    /// grants on `any` (contract v2: consent is given for a means of contact, "par ce moyen",
    /// CPCE L34-5), while withdrawals and objections on `any` reach every channel; on equal
    /// times the later event in the list wins. Events after `at` are invisible.
    pub fn fold(
        events: &[ConsentEvent],
        channel: Channel,
        purpose: Purpose,
        at: Timestamp,
    ) -> Self {
        let mut summary = LedgerSummary::default();
        let mut state_at: Option<Timestamp> = None;
        for e in events {
            if e.at > at {
                continue;
            }
            if summary.last_event_at.is_none_or(|t| e.at > t) {
                summary.last_event_at = Some(e.at);
            }
            if e.purpose != purpose || !e.scope.covers(channel) {
                continue;
            }
            if e.action == Action::Grant
                && (!e.method.can_prove_consent() || e.scope == ChannelScope::Any)
            {
                continue;
            }
            if state_at.is_none_or(|t| e.at >= t) {
                state_at = Some(e.at);
                summary.state = Some(e.action);
            }
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(scope: ChannelScope, action: Action, at: &str, method: Method) -> ConsentEvent {
        ConsentEvent {
            scope,
            purpose: Purpose::Marketing,
            action,
            at: at.parse().unwrap(),
            method,
        }
    }

    const NOW: &str = "2026-11-24T09:30:00Z";

    #[test]
    fn latest_matching_event_wins_and_later_line_breaks_ties() {
        let events = [
            ev(
                ChannelScope::Email,
                Action::Grant,
                "2026-01-10T08:00:00Z",
                Method::DoubleOptIn,
            ),
            ev(
                ChannelScope::Email,
                Action::Withdraw,
                "2026-03-01T08:00:00Z",
                Method::UnsubscribeLink,
            ),
            ev(
                ChannelScope::Email,
                Action::Grant,
                "2026-03-01T08:00:00Z",
                Method::DoubleOptIn,
            ),
        ];
        let s = LedgerSummary::fold(
            &events,
            Channel::Email,
            Purpose::Marketing,
            NOW.parse().unwrap(),
        );
        assert_eq!(s.state, Some(Action::Grant));
        assert_eq!(
            s.last_event_at,
            Some("2026-03-01T08:00:00Z".parse().unwrap())
        );
    }

    #[test]
    fn future_events_other_channels_and_preticked_grants_do_not_count() {
        let events = [
            ev(
                ChannelScope::Email,
                Action::Withdraw,
                "2026-01-10T08:00:00Z",
                Method::UnsubscribeLink,
            ),
            ev(
                ChannelScope::Email,
                Action::Grant,
                "2026-02-10T08:00:00Z",
                Method::PretickedCheckbox,
            ),
            ev(
                ChannelScope::Sms,
                Action::Grant,
                "2026-03-10T08:00:00Z",
                Method::DoubleOptIn,
            ),
            ev(
                ChannelScope::Email,
                Action::Grant,
                "2027-01-10T08:00:00Z",
                Method::DoubleOptIn,
            ),
        ];
        let s = LedgerSummary::fold(
            &events,
            Channel::Email,
            Purpose::Marketing,
            NOW.parse().unwrap(),
        );
        assert_eq!(s.state, Some(Action::Withdraw));
        // Sign of life counts every past event, pre-ticked and other channels included.
        assert_eq!(
            s.last_event_at,
            Some("2026-03-10T08:00:00Z".parse().unwrap())
        );
    }

    #[test]
    fn objection_on_any_channel_covers_every_channel() {
        let events = [
            ev(
                ChannelScope::Sms,
                Action::Grant,
                "2026-01-10T08:00:00Z",
                Method::DoubleOptIn,
            ),
            ev(
                ChannelScope::Any,
                Action::Object,
                "2026-02-10T08:00:00Z",
                Method::PrivacyCentre,
            ),
        ];
        let s = LedgerSummary::fold(
            &events,
            Channel::Sms,
            Purpose::Marketing,
            NOW.parse().unwrap(),
        );
        assert_eq!(s.state, Some(Action::Object));
    }

    #[test]
    fn a_grant_on_any_channel_is_no_consent_but_a_sign_of_life() {
        let events = [ev(
            ChannelScope::Any,
            Action::Grant,
            "2026-01-10T08:00:00Z",
            Method::DoubleOptIn,
        )];
        let s = LedgerSummary::fold(
            &events,
            Channel::Email,
            Purpose::Marketing,
            NOW.parse().unwrap(),
        );
        assert_eq!(s.state, None);
        assert_eq!(
            s.last_event_at,
            Some("2026-01-10T08:00:00Z".parse().unwrap())
        );
    }
}
