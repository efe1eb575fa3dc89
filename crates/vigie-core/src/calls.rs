//! The call log's rules: what a call attempt's outcome can be, and how attempts are counted for
//! the consumer call limits of art. D223-9 of the French consumer code (at most four calls or
//! attempts "par période de trente jours calendaires", and no new call for sixty calendar days
//! after the consumer refused one).
//!
//! **How "30 calendar days" is counted.** The decree reads hours and days "selon le fuseau
//! horaire du consommateur": its days are the consumer's days. So the window is counted on the
//! consumer's calendar: it opens at the same wall-clock time thirty calendar days before the
//! moment, in the consumer's zone, and ends at the moment. "Calendaires" says every day counts
//! (weekends and public holidays included), not that days are 24-hour blocks: across a change to
//! or from summer time the window is 30×24 h ± 1 h, as the consumer's own calendar is. This is the
//! same count as the engine's sixty days of quiet after a refusal, read on the same clock. A call
//! exactly thirty days before is outside the window (it opened the previous period), as a refusal
//! exactly sixty days before no longer blocks.

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::vocab::vocabulary;
use crate::zone::Zone;

vocabulary! {
    /// How a call attempt ended. Every outcome is an attempt for the frequency limit.
    CallOutcome, "call outcome" {
        Answered => "answered",
        NoAnswer => "no_answer",
        Busy => "busy",
        Voicemail => "voicemail",
        /// The person refused further calls: no call for the quiet period that follows.
        Refused => "refused",
        WrongNumber => "wrong_number",
        CallbackRequested => "callback_requested",
        /// The person consented to phone prospecting during the call: the ledger records a grant
        /// on `phone` (method `phone_recorded`) pointing at the call.
        ConsentGiven => "consent_given",
    }
}

/// Days of the consumer's calendar over which call attempts are counted (art. D223-9).
pub const CALL_COUNT_DAYS: i32 = 30;

/// The attempts that count at one moment: those after `from` and at or before `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallWindow {
    pub from: Timestamp,
    pub to: Timestamp,
}

impl CallWindow {
    /// The thirty calendar days before `at`, counted in the consumer's zone `zone` (see the
    /// module's documentation for why this reading).
    pub fn before(at: Timestamp, zone: &TimeZone) -> CallWindow {
        let local = zone.to_datetime(at);
        let from = local
            .checked_sub(CALL_COUNT_DAYS.days())
            .ok()
            .and_then(|dt| zone.to_timestamp(dt).ok())
            .unwrap_or(Timestamp::MIN);
        CallWindow { from, to: at }
    }

    /// Whether an attempt at `t` counts.
    pub fn contains(self, t: Timestamp) -> bool {
        t > self.from && t <= self.to
    }

    /// Counts a contact's call log at the window's end: attempts in the window, and the latest
    /// refusal at or before the end (the engine decides whether it is recent enough to block).
    pub fn count(self, calls: impl IntoIterator<Item = (Timestamp, CallOutcome)>) -> CallCount {
        let mut count = CallCount::default();
        for (t, outcome) in calls {
            if self.contains(t) {
                count.attempts = count.attempts.saturating_add(1);
            }
            if outcome == CallOutcome::Refused && t <= self.to {
                count.last_refusal_at = count.last_refusal_at.max(Some(t));
            }
        }
        count
    }

    /// The same count over a contact's calls kept in time order (screening's compact form):
    /// `n` calls, the `i`-th at `time(i)`, a refusal when `refused(i)`. Binary searches for the
    /// window's ends, then a walk back from its end to the latest refusal.
    pub fn count_sorted(
        self,
        n: usize,
        time: impl Fn(usize) -> Timestamp,
        refused: impl Fn(usize) -> bool,
    ) -> CallCount {
        // The first call after `t`.
        let after = |t: Timestamp| {
            let (mut lo, mut hi) = (0, n);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if time(mid) <= t {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            lo
        };
        let through_to = after(self.to);
        let attempts = through_to - after(self.from).min(through_to);
        CallCount {
            attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            last_refusal_at: (0..through_to).rev().find(|i| refused(*i)).map(&time),
        }
    }
}

/// What the decision engine reads about a contact's call log (`ContactView::calls_last_30_days`
/// and `ContactView::last_call_refusal_at`).
/// The call windows of one moment for every zone a run meets, resolved once and looked up per
/// contact (screening decides millions of contacts; converting zones per contact would cost more
/// than the decision).
#[derive(Debug, Clone)]
pub struct CallWindows {
    default: CallWindow,
    by_zone: Vec<(Zone, CallWindow)>,
}

impl CallWindows {
    /// The windows before `at` in `default_zone` (the jurisdiction's) and in each of `zones`.
    pub fn new(
        at: Timestamp,
        default_zone: &TimeZone,
        zones: impl IntoIterator<Item = Zone>,
    ) -> CallWindows {
        CallWindows {
            default: CallWindow::before(at, default_zone),
            by_zone: zones
                .into_iter()
                .map(|z| (z, CallWindow::before(at, z.time_zone())))
                .collect(),
        }
    }

    /// The window of a consumer in `zone`, or in the default zone when none is known. A zone not
    /// resolved in advance is computed.
    pub fn of(&self, zone: Option<Zone>) -> CallWindow {
        match zone {
            None => self.default,
            Some(z) => self.by_zone.iter().find(|(w, _)| *w == z).map_or_else(
                || CallWindow::before(self.default.to, z.time_zone()),
                |(_, w)| *w,
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallCount {
    /// Attempts in the thirty calendar days before the moment.
    pub attempts: u32,
    /// The latest refusal at or before the moment.
    pub last_refusal_at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::paris;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_window_is_thirty_days_of_the_consumers_calendar() {
        // 2026-03-29 is the switch to summer time in Paris: 30 calendar days before 12:00 on
        // 2026-04-10 (UTC+2) is 12:00 on 2026-03-11 (UTC+1), 30×24 h + 1 h earlier.
        let w = CallWindow::before(ts("2026-04-10T10:00:00Z"), paris());
        assert_eq!(w.from, ts("2026-03-11T11:00:00Z"));
        assert!(!w.contains(ts("2026-03-11T11:00:00Z")));
        assert!(w.contains(ts("2026-03-11T11:00:01Z")));
        assert!(w.contains(ts("2026-04-10T10:00:00Z")));
        assert!(!w.contains(ts("2026-04-10T10:00:01Z")));
    }

    #[test]
    fn every_outcome_is_an_attempt_and_the_latest_refusal_is_kept() {
        let w = CallWindow::before(ts("2026-03-31T10:00:00Z"), paris());
        let calls = [
            (ts("2026-01-05T10:00:00Z"), CallOutcome::Refused),
            (ts("2026-03-10T10:00:00Z"), CallOutcome::NoAnswer),
            (ts("2026-03-11T10:00:00Z"), CallOutcome::Busy),
            (ts("2026-03-12T10:00:00Z"), CallOutcome::Refused),
            (ts("2026-03-13T10:00:00Z"), CallOutcome::ConsentGiven),
            // After the moment: neither an attempt nor a refusal yet.
            (ts("2026-04-01T10:00:00Z"), CallOutcome::Refused),
            // Before the window: not an attempt.
            (ts("2026-02-01T10:00:00Z"), CallOutcome::Answered),
        ];
        let count = w.count(calls);
        assert_eq!(
            count,
            CallCount {
                attempts: 4,
                last_refusal_at: Some(ts("2026-03-12T10:00:00Z")),
            }
        );
        let mut sorted = calls.to_vec();
        sorted.sort_by_key(|c| c.0);
        let sorted_count = w.count_sorted(
            sorted.len(),
            |i| sorted[i].0,
            |i| sorted[i].1 == CallOutcome::Refused,
        );
        assert_eq!(sorted_count, count);
        let none = w.count_sorted(0, |_| unreachable!(), |_| unreachable!());
        assert_eq!(none, CallCount::default());
    }

    #[test]
    fn outcomes_round_trip_through_their_spelling() {
        for o in CallOutcome::ALL {
            assert_eq!(o.as_str().parse::<CallOutcome>().unwrap(), *o);
        }
        let e = "hung_up".parse::<CallOutcome>().unwrap_err().to_string();
        assert!(e.contains("unknown call outcome \"hung_up\""), "{e}");
    }

    #[test]
    fn each_zone_counts_on_its_own_calendar() {
        // 2026-10-25: Paris leaves summer time; Réunion has none. At 10:00 UTC on 2026-11-03,
        // thirty calendar days back is 2026-10-04 11:00 in Paris (summer time: 09:00 UTC) and
        // 14:00 in Réunion (10:00 UTC).
        let at: Timestamp = "2026-11-03T10:00:00Z".parse().unwrap();
        let paris = crate::calendar::paris();
        let reunion = Zone::parse("Indian/Reunion").unwrap();
        let windows = CallWindows::new(at, paris, [reunion]);
        assert_eq!(windows.of(None).from.to_string(), "2026-10-04T09:00:00Z");
        assert_eq!(
            windows.of(Some(reunion)).from.to_string(),
            "2026-10-04T10:00:00Z"
        );
        // A zone not resolved in advance is computed, with the same answer.
        let empty = CallWindows::new(at, paris, []);
        assert_eq!(empty.of(Some(reunion)), windows.of(Some(reunion)));
    }
}
