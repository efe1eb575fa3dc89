//! What a person may change by themselves (the preference centre and one-click unsubscribe),
//! stated once: what they agreed to now, per channel and purpose (the ledger's own fold), and
//! the ledger events each change they make writes. The store records those events; the pages
//! only show them.

use jiff::Timestamp;

use crate::ledger::{ConsentEvent, LedgerSummary};
use crate::vocab::{Action, Channel, ChannelScope, Method, Purpose};

/// What the ledger says now for one channel and purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preference {
    pub channel: Channel,
    pub purpose: Purpose,
    /// The latest relevant event's action ([`LedgerSummary::fold`]), if any.
    pub state: Option<Action>,
}

impl Preference {
    /// Whether the person has given consent that counts (a pre-ticked box never does).
    pub fn agreed(&self) -> bool {
        self.state == Some(Action::Grant)
    }
}

/// Every (channel, purpose) of `channels` × every purpose, as the ledger says at `at`.
pub fn preferences(
    events: &[ConsentEvent],
    channels: &[Channel],
    at: Timestamp,
) -> Vec<Preference> {
    channels
        .iter()
        .flat_map(|&channel| {
            Purpose::ALL.iter().map(move |&purpose| Preference {
                channel,
                purpose,
                state: LedgerSummary::fold(events, channel, purpose, at).state,
            })
        })
        .collect()
}

/// A change the person asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreferenceChange {
    /// The boxes as the person left them: (channel, purpose) pairs they agree to; every other
    /// shown pair is a refusal.
    Choose(Vec<(Channel, Purpose)>),
    /// Withdraw every consent, on every channel and for every purpose.
    WithdrawAll,
    /// Object to direct marketing (GDPR art. 21(2)-(3)): on every channel (`any`) and for every
    /// purpose, since each of them is direct marketing or profiling related to it.
    Object,
}

fn event(scope: ChannelScope, purpose: Purpose, action: Action, at: Timestamp) -> ConsentEvent {
    ConsentEvent {
        scope,
        purpose,
        action,
        at,
        method: Method::PrivacyCentre,
    }
}

/// The ledger events `change` writes at `at`, given what the person saw (`shown`, from
/// [`preferences`]). Only a box that changed writes an event: a consent left as it was is not
/// given again (its proof stays the original one), and a refusal never given is not recorded
/// as a withdrawal of nothing.
pub fn change_events(
    shown: &[Preference],
    change: &PreferenceChange,
    at: Timestamp,
) -> Vec<ConsentEvent> {
    match change {
        PreferenceChange::Choose(agreed) => shown
            .iter()
            .filter_map(|p| {
                let wants = agreed.contains(&(p.channel, p.purpose));
                match (p.agreed(), wants) {
                    (false, true) => Some(Action::Grant),
                    (true, false) => Some(Action::Withdraw),
                    _ => None,
                }
                .map(|action| event(p.channel.into(), p.purpose, action, at))
            })
            .collect(),
        // Withdrawals and objections on `any` reach every channel (contract v2), including the
        // ones the person was not shown; a later grant on one channel still wins, as the person
        // then asked for it.
        PreferenceChange::WithdrawAll => Purpose::ALL
            .iter()
            .map(|&p| event(ChannelScope::Any, p, Action::Withdraw, at))
            .collect(),
        PreferenceChange::Object => Purpose::ALL
            .iter()
            .map(|&p| event(ChannelScope::Any, p, Action::Object, at))
            .collect(),
    }
}

/// The withdrawal a one-click unsubscribe (RFC 8058) writes on the e-mail channel for
/// `purpose` at `at`, or `None` when the ledger already refuses that channel and purpose
/// (withdrawn or objected): a second click, or a mail system posting the same link again,
/// writes nothing new.
pub fn unsubscribe_event(
    events: &[ConsentEvent],
    purpose: Purpose,
    at: Timestamp,
) -> Option<ConsentEvent> {
    match LedgerSummary::fold(events, Channel::Email, purpose, at).state {
        Some(Action::Withdraw | Action::Object) => None,
        Some(Action::Grant) | None => Some(ConsentEvent {
            scope: ChannelScope::Email,
            purpose,
            action: Action::Withdraw,
            at,
            method: Method::UnsubscribeLink,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn grant(scope: ChannelScope, purpose: Purpose, when: &str) -> ConsentEvent {
        ConsentEvent {
            scope,
            purpose,
            action: Action::Grant,
            at: at(when),
            method: Method::DoubleOptIn,
        }
    }

    #[test]
    fn preferences_read_the_ledger_per_channel_and_purpose() {
        let events = [grant(
            ChannelScope::Email,
            Purpose::Newsletter,
            "2026-01-01T00:00:00Z",
        )];
        let p = preferences(
            &events,
            &[Channel::Email, Channel::Sms],
            at("2026-02-01T00:00:00Z"),
        );
        assert_eq!(p.len(), 2 * Purpose::ALL.len());
        let agreed: Vec<_> = p.iter().filter(|p| p.agreed()).collect();
        assert_eq!(agreed.len(), 1);
        assert_eq!(
            (agreed[0].channel, agreed[0].purpose),
            (Channel::Email, Purpose::Newsletter)
        );
    }

    #[test]
    fn only_changed_boxes_write_events() {
        let now = at("2026-02-01T00:00:00Z");
        let events = [grant(
            ChannelScope::Email,
            Purpose::Newsletter,
            "2026-01-01T00:00:00Z",
        )];
        let shown = preferences(&events, &[Channel::Email], now);
        // Keep the newsletter, add marketing.
        let change = PreferenceChange::Choose(vec![
            (Channel::Email, Purpose::Newsletter),
            (Channel::Email, Purpose::Marketing),
        ]);
        let written = change_events(&shown, &change, now);
        assert_eq!(written.len(), 1);
        assert_eq!(written[0].action, Action::Grant);
        assert_eq!(written[0].purpose, Purpose::Marketing);
        assert_eq!(written[0].method, Method::PrivacyCentre);
        // Untick the newsletter: one withdrawal.
        let written = change_events(&shown, &PreferenceChange::Choose(vec![]), now);
        assert_eq!(written.len(), 1);
        assert_eq!(
            (written[0].action, written[0].purpose),
            (Action::Withdraw, Purpose::Newsletter)
        );
    }

    #[test]
    fn withdraw_all_and_object_reach_every_channel() {
        let now = at("2026-02-01T00:00:00Z");
        let events = [grant(
            ChannelScope::Sms,
            Purpose::Marketing,
            "2026-01-01T00:00:00Z",
        )];
        for (change, code) in [
            (PreferenceChange::WithdrawAll, Action::Withdraw),
            (PreferenceChange::Object, Action::Object),
        ] {
            let mut all = events.to_vec();
            all.extend(change_events(&[], &change, now));
            for c in Channel::ALL {
                for p in Purpose::ALL {
                    assert_eq!(LedgerSummary::fold(&all, *c, *p, now).state, Some(code));
                }
            }
        }
    }

    #[test]
    fn unsubscribing_twice_writes_once() {
        let now = at("2026-02-01T00:00:00Z");
        let mut events = vec![grant(
            ChannelScope::Email,
            Purpose::Marketing,
            "2026-01-01T00:00:00Z",
        )];
        let first = unsubscribe_event(&events, Purpose::Marketing, now).expect("a withdrawal");
        assert_eq!(first.method, Method::UnsubscribeLink);
        events.push(first);
        assert_eq!(unsubscribe_event(&events, Purpose::Marketing, now), None);
        // Another purpose is still open.
        assert!(unsubscribe_event(&events, Purpose::Newsletter, now).is_some());
        // An objection already refuses the channel.
        let objected = [ConsentEvent {
            scope: ChannelScope::Any,
            purpose: Purpose::Marketing,
            action: Action::Object,
            at: at("2026-01-02T00:00:00Z"),
            method: Method::PrivacyCentre,
        }];
        assert_eq!(unsubscribe_event(&objected, Purpose::Marketing, now), None);
    }
}
