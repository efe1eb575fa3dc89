//! The contacts list filtered by decision on a channel. The dashboard's census decides every
//! contact of the screening snapshot once per channel (vigie-screen's `Screener::census`, the
//! engine's own decisions); this keeps those decisions in memory, per organization and data
//! version, as compact columns: per identifier table the contact ids in ascending order and
//! their audiences, per channel one code per contact. A page of the filtered list walks the
//! columns from the page's edge (keyset paging on the contact id) and names the contacts to read
//! from the store; the total comes from counts kept per code and audience. No rule here: the
//! codes are the engine's.

use std::sync::Arc;

use jiff::Timestamp;
use vigie_core::{Audience, Channel, Code};
use vigie_screen::ContactDecision;

/// Which decisions a filter keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wanted {
    Allowed,
    Blocked,
    Code(Code),
}

impl Wanted {
    /// `allow`, `deny` or a code as the API spells it.
    pub(crate) fn parse(s: &str) -> Option<Wanted> {
        match s {
            "allow" => Some(Wanted::Allowed),
            "deny" => Some(Wanted::Blocked),
            code => Code::ALL
                .iter()
                .find(|c| c.as_str() == code)
                .map(|c| Wanted::Code(*c)),
        }
    }

    pub(crate) fn param(self) -> &'static str {
        match self {
            Wanted::Allowed => "allow",
            Wanted::Blocked => "deny",
            Wanted::Code(c) => c.as_str(),
        }
    }

    fn keeps(self, code: Code) -> bool {
        match self {
            Wanted::Allowed => code.is_allow(),
            Wanted::Blocked => !code.is_allow(),
            Wanted::Code(c) => c == code,
        }
    }
}

/// The contacts of one identifier table, in contact id order.
#[derive(Debug, PartialEq, Eq)]
struct Contacts {
    ids: Vec<i64>,
    /// Position in [`Audience::ALL`].
    audiences: Vec<u8>,
}

/// One channel's decisions.
#[derive(Debug)]
struct ChannelCodes {
    channel: Channel,
    contacts: Arc<Contacts>,
    /// Position in [`Code::ALL`] per contact of `contacts`.
    codes: Vec<u8>,
    /// Contacts per code and audience.
    counts: Vec<[u64; Audience::ALL.len()]>,
}

/// Every censused channel's decisions for one organization at one data version.
#[derive(Debug)]
pub(crate) struct DecisionLists {
    pub data_version: i64,
    pub computed_at: Timestamp,
    channels: Vec<ChannelCodes>,
}

/// A page of a filtered list: the contact ids to show, in ascending order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FilteredPage {
    pub ids: Vec<i64>,
    /// Contacts the filter keeps, on every page.
    pub total: u64,
    pub next_after_id: Option<i64>,
    pub prev_before_id: Option<i64>,
}

/// Where a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Edge {
    First,
    After(i64),
    Before(i64),
}

impl DecisionLists {
    pub(crate) fn new(data_version: i64, computed_at: Timestamp) -> DecisionLists {
        DecisionLists {
            data_version,
            computed_at,
            channels: Vec::new(),
        }
    }

    /// Adds a channel's census (its decisions in contact id order). Channels read from the same
    /// identifier table share its column of contacts.
    pub(crate) fn add(&mut self, channel: Channel, decided: &[ContactDecision]) {
        let position = |all: &[Code], c: Code| all.iter().position(|x| *x == c).expect("a code");
        let contacts = Contacts {
            ids: decided.iter().map(|d| d.contact_id).collect(),
            audiences: decided
                .iter()
                .map(|d| {
                    Audience::ALL
                        .iter()
                        .position(|a| *a == d.audience)
                        .expect("an audience") as u8
                })
                .collect(),
        };
        debug_assert!(contacts.ids.is_sorted());
        let contacts = match self.channels.iter().find(|c| *c.contacts == contacts) {
            Some(same) => same.contacts.clone(),
            None => Arc::new(contacts),
        };
        let mut counts = vec![[0u64; Audience::ALL.len()]; Code::ALL.len()];
        let codes = decided
            .iter()
            .zip(&contacts.audiences)
            .map(|(d, a)| {
                let code = position(Code::ALL, d.code);
                counts[code][usize::from(*a)] += 1;
                code as u8
            })
            .collect();
        self.channels.push(ChannelCodes {
            channel,
            contacts,
            codes,
            counts,
        });
    }

    /// A page of at most `limit` contacts decided as `wanted` on `channel` (of `audience`, if
    /// given), from `edge`. `None`: the channel is not decided (no identifier reaches it).
    pub(crate) fn page(
        &self,
        channel: Channel,
        wanted: Wanted,
        audience: Option<Audience>,
        edge: Edge,
        limit: usize,
    ) -> Option<FilteredPage> {
        let c = self.channels.iter().find(|c| c.channel == channel)?;
        let audience = audience.map(|a| {
            Audience::ALL
                .iter()
                .position(|x| *x == a)
                .expect("an audience") as u8
        });
        let keeps = |i: usize| {
            wanted.keeps(Code::ALL[usize::from(c.codes[i])])
                && audience.is_none_or(|a| c.contacts.audiences[i] == a)
        };
        let total = Code::ALL
            .iter()
            .zip(&c.counts)
            .filter(|(code, _)| wanted.keeps(**code))
            .map(|(_, per)| match audience {
                Some(a) => per[usize::from(a)],
                None => per.iter().sum(),
            })
            .sum();
        let ids = &c.contacts.ids;
        let n = ids.len();
        // The first position after the page's lower edge, or before its upper edge.
        let (positions, backwards): (Vec<usize>, bool) = match edge {
            Edge::First => (
                (0..n).filter(|i| keeps(*i)).take(limit + 1).collect(),
                false,
            ),
            Edge::After(id) => {
                let from = ids.partition_point(|x| *x <= id);
                (
                    (from..n).filter(|i| keeps(*i)).take(limit + 1).collect(),
                    false,
                )
            }
            Edge::Before(id) => {
                let to = ids.partition_point(|x| *x < id);
                (
                    (0..to)
                        .rev()
                        .filter(|i| keeps(*i))
                        .take(limit + 1)
                        .collect(),
                    true,
                )
            }
        };
        let more = positions.len() > limit;
        let mut shown: Vec<usize> = positions.into_iter().take(limit).collect();
        if backwards {
            shown.reverse();
        }
        let (first, last) = (shown.first().copied(), shown.last().copied());
        let any_before = |p: usize| (0..p).rev().any(keeps);
        let any_after = |p: usize| (p + 1..n).any(keeps);
        let next_after_id = match (backwards, last) {
            (false, Some(l)) if more => Some(ids[l]),
            (true, Some(l)) if any_after(l) => Some(ids[l]),
            _ => None,
        };
        let prev_before_id = match (backwards, first) {
            (true, Some(f)) if more => Some(ids[f]),
            (false, Some(f)) if any_before(f) => Some(ids[f]),
            _ => None,
        };
        Some(FilteredPage {
            ids: shown.into_iter().map(|i| ids[i]).collect(),
            total,
            next_after_id,
            prev_before_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decided(rows: &[(i64, Code, Audience)]) -> Vec<ContactDecision> {
        rows.iter()
            .map(|(id, code, audience)| ContactDecision {
                contact_id: *id,
                code: *code,
                audience: *audience,
            })
            .collect()
    }

    fn lists() -> DecisionLists {
        let mut l = DecisionLists::new(7, Timestamp::UNIX_EPOCH);
        let (c, b) = (Audience::Consumer, Audience::Professional);
        l.add(
            Channel::Email,
            &decided(&[
                (2, Code::Consent, c),
                (3, Code::NoConsent, c),
                (5, Code::Withdrawn, b),
                (8, Code::Consent, b),
                (9, Code::NoConsent, c),
                (11, Code::Consent, c),
            ]),
        );
        l.add(
            Channel::Sms,
            &decided(&[(3, Code::Consent, c), (4, Code::NoConsent, c)]),
        );
        l
    }

    #[test]
    fn a_filter_pages_forward_and_back_with_its_total() {
        let l = lists();
        let p = l
            .page(Channel::Email, Wanted::Allowed, None, Edge::First, 2)
            .unwrap();
        assert_eq!((p.ids.as_slice(), p.total), (&[2, 8][..], 3));
        assert_eq!((p.prev_before_id, p.next_after_id), (None, Some(8)));
        let p = l
            .page(Channel::Email, Wanted::Allowed, None, Edge::After(8), 2)
            .unwrap();
        assert_eq!(p.ids, [11]);
        assert_eq!((p.prev_before_id, p.next_after_id), (Some(11), None));
        let p = l
            .page(Channel::Email, Wanted::Allowed, None, Edge::Before(11), 2)
            .unwrap();
        assert_eq!(p.ids, [2, 8]);
        assert_eq!((p.prev_before_id, p.next_after_id), (None, Some(8)));
        let p = l
            .page(Channel::Email, Wanted::Allowed, None, Edge::Before(8), 2)
            .unwrap();
        assert_eq!(p.ids, [2]);
        assert_eq!((p.prev_before_id, p.next_after_id), (None, Some(2)));
    }

    #[test]
    fn blocked_a_code_and_an_audience_combine() {
        let l = lists();
        let blocked = l
            .page(Channel::Email, Wanted::Blocked, None, Edge::First, 50)
            .unwrap();
        assert_eq!((blocked.ids.as_slice(), blocked.total), (&[3, 5, 9][..], 3));
        let code = l
            .page(
                Channel::Email,
                Wanted::Code(Code::NoConsent),
                Some(Audience::Consumer),
                Edge::First,
                50,
            )
            .unwrap();
        assert_eq!((code.ids.as_slice(), code.total), (&[3, 9][..], 2));
        let business = l
            .page(
                Channel::Email,
                Wanted::Allowed,
                Some(Audience::Professional),
                Edge::First,
                50,
            )
            .unwrap();
        assert_eq!((business.ids.as_slice(), business.total), (&[8][..], 1));
        // Another channel has its own contacts; a channel not decided says so.
        let sms = l
            .page(Channel::Sms, Wanted::Allowed, None, Edge::First, 50)
            .unwrap();
        assert_eq!(sms.ids, [3]);
        assert!(
            l.page(Channel::Fax, Wanted::Allowed, None, Edge::First, 50)
                .is_none()
        );
        assert_eq!(
            Wanted::parse("NO_CONSENT"),
            Some(Wanted::Code(Code::NoConsent))
        );
        assert_eq!(Wanted::parse("nope"), None);
    }
}
