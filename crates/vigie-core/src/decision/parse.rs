//! Reading a [`DecisionRequest`] from JSON with errors that name the field and say why, e.g.
//! `contact.events[1].method: unknown method "foo" (expected one of: double_opt_in …)`.
//!
//! The request is read in one pass by serde_json with hand-written visitors (no intermediate
//! `Value`, keys matched without allocating), so a request costs about a microsecond. Each visitor
//! knows where it stands (`Prefix`); the innermost frame that sees an error records its path in
//! a `Slot`, and outer frames leave it alone. Unknown fields are refused: a typo in compliance
//! input must not pass silently as a default.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use jiff::Timestamp;
use serde::de::{self, DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};

use super::contact::Campaign;
use super::packs::Jurisdiction;
use super::request::{ContactFacts, DecisionRequest};
use crate::ledger::ConsentEvent;
use crate::moment::Moment;
use crate::vocab::{Action, Audience, Channel, ChannelScope, Method, Purpose};
use crate::zone::Zone;

/// A request that cannot be read: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    path: String,
    message: String,
}

impl RequestError {
    /// The field, e.g. `contact.events[1].method`; empty when the whole document is at fault.
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for RequestError {}

/// Reads a decision request (DECISIONS.md). Fields other than `jurisdiction`, `at`, `channel`,
/// `purpose` and `contact.audience` may be left out and take the contract's defaults; ledger
/// events must be complete (an event is a record, not a setting).
pub fn parse_request(json: &str) -> Result<DecisionRequest, RequestError> {
    let slot = Slot::default();
    let mut de = serde_json::Deserializer::from_str(json);
    let parsed = RequestVisitor { slot: &slot }
        .deserialize(&mut de)
        .and_then(|r| de.end().map(|()| r));
    parsed.map_err(|e| slot.into_error(e))
}

/// Holds the first error seen, with its path.
#[derive(Default)]
struct Slot(RefCell<Option<RequestError>>);

impl Slot {
    fn record(&self, path: impl FnOnce() -> String, error: &dyn fmt::Display) {
        let mut first = self.0.borrow_mut();
        if first.is_none() {
            *first = Some(RequestError {
                path: path(),
                message: without_position(&error.to_string()),
            });
        }
    }

    fn into_error(self, error: serde_json::Error) -> RequestError {
        let recorded = self.0.into_inner();
        if error.is_syntax() || error.is_eof() {
            // Malformed JSON: keep serde_json's line and column, and the field if we were in one.
            let path = recorded.map(|r| r.path).unwrap_or_default();
            return RequestError {
                path,
                message: format!("invalid JSON: {error}"),
            };
        }
        recorded.unwrap_or_else(|| RequestError {
            path: String::new(),
            message: without_position(&error.to_string()),
        })
    }
}

/// serde_json appends " at line L column C" to every message; a field path says more.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}

/// Where an object stands in the request.
#[derive(Clone, Copy)]
enum Prefix {
    Root,
    Campaign,
    Contact,
    Event(usize),
}

impl Prefix {
    fn join(self, field: &str) -> String {
        match self {
            Prefix::Root => field.to_owned(),
            Prefix::Campaign => format!("campaign.{field}"),
            Prefix::Contact => format!("contact.{field}"),
            Prefix::Event(i) => format!("contact.events[{i}].{field}"),
        }
    }
}

/// Reads the fields of one JSON object, recording errors at their path.
struct ObjectReader<'s> {
    slot: &'s Slot,
    prefix: Prefix,
    fields: &'static [&'static str],
}

impl ObjectReader<'_> {
    /// Calls `on_field` with the index (in `fields`) of each key, refusing unknown and repeated keys.
    fn each_field<'de, A, F>(&self, map: &mut A, mut on_field: F) -> Result<(), A::Error>
    where
        A: MapAccess<'de>,
        F: FnMut(&mut A, usize) -> Result<(), A::Error>,
    {
        let mut seen: u32 = 0;
        let mut likely = 0;
        while let Some(index) = map.next_key_seed(FieldKey {
            reader: self,
            likely,
        })? {
            likely = index + 1;
            if seen & (1 << index) != 0 {
                let error = A::Error::custom("duplicate field");
                self.slot
                    .record(|| self.prefix.join(self.fields[index]), &error);
                return Err(error);
            }
            seen |= 1 << index;
            on_field(map, index)?;
        }
        Ok(())
    }

    /// Reads the value of field `index` with `seed`.
    fn value<'de, A, S>(&self, map: &mut A, index: usize, seed: S) -> Result<S::Value, A::Error>
    where
        A: MapAccess<'de>,
        S: DeserializeSeed<'de>,
    {
        map.next_value_seed(seed)
            .inspect_err(|e| self.slot.record(|| self.prefix.join(self.fields[index]), e))
    }

    /// A field that must be present.
    fn required<T, E: de::Error>(&self, value: Option<T>, index: usize) -> Result<T, E> {
        value.ok_or_else(|| {
            let error = E::custom("missing field");
            self.slot
                .record(|| self.prefix.join(self.fields[index]), &error);
            error
        })
    }
}

/// A key of an object, as its index in the reader's fields.
struct FieldKey<'r, 's> {
    reader: &'r ObjectReader<'s>,
    /// The index tried first: keys usually come in the contract's order.
    likely: usize,
}

impl<'de> DeserializeSeed<'de> for FieldKey<'_, '_> {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldKey<'_, '_> {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        let fields = self.reader.fields;
        if fields.get(self.likely) == Some(&key) {
            return Ok(self.likely);
        }
        fields.iter().position(|f| *f == key).ok_or_else(|| {
            let error = E::custom(format_args!(
                "unknown field (expected one of: {})",
                fields.join(", ")
            ));
            self.reader
                .slot
                .record(|| self.reader.prefix.join(key), &error);
            error
        })
    }
}

struct RequestVisitor<'s> {
    slot: &'s Slot,
}

impl<'de> DeserializeSeed<'de> for RequestVisitor<'_> {
    type Value = DecisionRequest;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<DecisionRequest, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RequestVisitor<'_> {
    type Value = DecisionRequest;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decision request (a JSON object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DecisionRequest, A::Error> {
        let r = ObjectReader {
            slot: self.slot,
            prefix: Prefix::Root,
            fields: &[
                "jurisdiction",
                "at",
                "channel",
                "purpose",
                "campaign",
                "contact",
            ],
        };
        let (mut jurisdiction, mut at, mut channel, mut purpose) = (None, None, None, None);
        let (mut campaign, mut contact) = (None, None);
        r.each_field(&mut map, |map, i| {
            match i {
                0 => jurisdiction = Some(r.value(map, i, Vocab::<Jurisdiction>(PhantomData))?),
                1 => at = Some(r.value(map, i, MomentSeed)?),
                2 => channel = Some(r.value(map, i, Vocab::<Channel>(PhantomData))?),
                3 => purpose = Some(r.value(map, i, Vocab::<Purpose>(PhantomData))?),
                4 => campaign = Some(r.value(map, i, CampaignVisitor { slot: self.slot })?),
                _ => contact = Some(r.value(map, i, ContactVisitor { slot: self.slot })?),
            }
            Ok(())
        })?;
        Ok(DecisionRequest {
            jurisdiction: r.required(jurisdiction, 0)?,
            at: r.required(at, 1)?,
            channel: r.required(channel, 2)?,
            purpose: r.required(purpose, 3)?,
            campaign: campaign.unwrap_or_default(),
            contact: r.required(contact, 5)?,
        })
    }
}

struct CampaignVisitor<'s> {
    slot: &'s Slot,
}

impl<'de> DeserializeSeed<'de> for CampaignVisitor<'_> {
    type Value = Campaign;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Campaign, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for CampaignVisitor<'_> {
    type Value = Campaign;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a campaign object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Campaign, A::Error> {
        let r = ObjectReader {
            slot: self.slot,
            prefix: Prefix::Campaign,
            fields: &[
                "product_category",
                "relates_to_profession",
                "commercial",
                "press",
            ],
        };
        let mut campaign = Campaign::default();
        r.each_field(&mut map, |map, i| {
            match i {
                0 => campaign.product_category = r.value(map, i, PhantomData)?,
                1 => campaign.relates_to_profession = r.value(map, i, PhantomData)?,
                2 => campaign.commercial = r.value(map, i, PhantomData)?,
                _ => campaign.press = r.value(map, i, PhantomData)?,
            }
            Ok(())
        })?;
        Ok(campaign)
    }
}

struct ContactVisitor<'s> {
    slot: &'s Slot,
}

impl<'de> DeserializeSeed<'de> for ContactVisitor<'_> {
    type Value = ContactFacts;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ContactFacts, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ContactVisitor<'_> {
    type Value = ContactFacts;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a contact object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ContactFacts, A::Error> {
        let r = ObjectReader {
            slot: self.slot,
            prefix: Prefix::Contact,
            fields: &[
                "audience",
                "customer",
                "customer_categories",
                "contract_active",
                "collected_at",
                "collected_via",
                "informed",
                "objection_offered",
                "restricted",
                "suppressed",
                "on_opposition_list",
                "calls_last_30_days",
                "last_call_refusal_at",
                "events",
                "time_zone",
            ],
        };
        let mut audience = None;
        // The audience is set below; the rest starts from the contract's defaults.
        let mut c = ContactFacts::new(Audience::Consumer);
        r.each_field(&mut map, |map, i| {
            match i {
                0 => audience = Some(r.value(map, i, Vocab::<Audience>(PhantomData))?),
                1 => c.customer = r.value(map, i, PhantomData)?,
                2 => {
                    c.customer_categories =
                        r.value(map, i, BoundedStrings(crate::MAX_CUSTOMER_CATEGORIES))?
                }
                3 => c.contract_active = r.value(map, i, PhantomData)?,
                4 => c.collected_at = r.value(map, i, Nullable(InstantSeed))?,
                5 => c.collected_via = r.value(map, i, PhantomData)?,
                6 => c.informed = r.value(map, i, PhantomData)?,
                7 => c.objection_offered = r.value(map, i, PhantomData)?,
                8 => c.restricted = r.value(map, i, PhantomData)?,
                9 => c.suppressed = r.value(map, i, PhantomData)?,
                10 => c.on_opposition_list = r.value(map, i, PhantomData)?,
                11 => c.calls_last_30_days = r.value(map, i, PhantomData)?,
                12 => c.last_call_refusal_at = r.value(map, i, Nullable(InstantSeed))?,
                13 => c.events = r.value(map, i, EventsVisitor { slot: self.slot })?,
                _ => c.time_zone = r.value(map, i, Nullable(Vocab::<Zone>(PhantomData)))?,
            }
            Ok(())
        })?;
        c.audience = r.required(audience, 0)?;
        Ok(c)
    }
}

/// The most ledger events one decision request may carry: a request is read whole into memory,
/// and a contact's ledger holds a few dozen events, rarely hundreds.
pub const MAX_REQUEST_EVENTS: usize = 10_000;

/// A list of at most `.0` strings.
struct BoundedStrings(usize);

impl<'de> DeserializeSeed<'de> for BoundedStrings {
    type Value = Vec<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<String>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for BoundedStrings {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list of at most {} strings", self.0)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<String>()? {
            if items.len() == self.0 {
                return Err(A::Error::custom(format!("at most {} items", self.0)));
            }
            items.push(item);
        }
        Ok(items)
    }
}

struct EventsVisitor<'s> {
    slot: &'s Slot,
}

impl<'de> DeserializeSeed<'de> for EventsVisitor<'_> {
    type Value = Vec<ConsentEvent>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<ConsentEvent>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EventsVisitor<'_> {
    type Value = Vec<ConsentEvent>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of consent events")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<ConsentEvent>, A::Error> {
        let mut events = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_REQUEST_EVENTS));
        loop {
            let index = events.len();
            match seq.next_element_seed(EventVisitor {
                slot: self.slot,
                index,
            }) {
                Ok(Some(_)) if index == MAX_REQUEST_EVENTS => {
                    let e = A::Error::custom(format!(
                        "at most {MAX_REQUEST_EVENTS} events in a request"
                    ));
                    self.slot.record(|| "contact.events".to_owned(), &e);
                    return Err(e);
                }
                Ok(Some(event)) => events.push(event),
                Ok(None) => return Ok(events),
                Err(e) => {
                    self.slot.record(|| format!("contact.events[{index}]"), &e);
                    return Err(e);
                }
            }
        }
    }
}

struct EventVisitor<'s> {
    slot: &'s Slot,
    index: usize,
}

impl<'de> DeserializeSeed<'de> for EventVisitor<'_> {
    type Value = ConsentEvent;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ConsentEvent, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EventVisitor<'_> {
    type Value = ConsentEvent;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a consent event object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ConsentEvent, A::Error> {
        let r = ObjectReader {
            slot: self.slot,
            prefix: Prefix::Event(self.index),
            fields: &["channel", "purpose", "action", "at", "method"],
        };
        let (mut scope, mut purpose, mut action, mut at, mut method) =
            (None, None, None, None, None);
        r.each_field(&mut map, |map, i| {
            match i {
                0 => scope = Some(r.value(map, i, Vocab::<ChannelScope>(PhantomData))?),
                1 => purpose = Some(r.value(map, i, Vocab::<Purpose>(PhantomData))?),
                2 => action = Some(r.value(map, i, Vocab::<Action>(PhantomData))?),
                3 => at = Some(r.value(map, i, InstantSeed)?),
                _ => method = Some(r.value(map, i, Vocab::<Method>(PhantomData))?),
            }
            Ok(())
        })?;
        Ok(ConsentEvent {
            scope: r.required(scope, 0)?,
            purpose: r.required(purpose, 1)?,
            action: r.required(action, 2)?,
            at: r.required(at, 3)?,
            method: r.required(method, 4)?,
        })
    }
}

/// A value of one of the closed vocabularies (or a time zone), read from a borrowed string.
struct Vocab<T>(PhantomData<T>);

impl<'de, T: FromStr<Err: fmt::Display>> DeserializeSeed<'de> for Vocab<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, T: FromStr<Err: fmt::Display>> Visitor<'de> for Vocab<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

/// An RFC 3339 date-time with its offset.
struct MomentSeed;

impl<'de> DeserializeSeed<'de> for MomentSeed {
    type Value = Moment;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Moment, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for MomentSeed {
    type Value = Moment;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date-time string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Moment, E> {
        Moment::parse(v).map_err(E::custom)
    }
}

/// An RFC 3339 date-time (offset required), as an instant.
#[derive(Clone, Copy)]
struct InstantSeed;

impl<'de> DeserializeSeed<'de> for InstantSeed {
    type Value = Timestamp;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Timestamp, D::Error> {
        MomentSeed.deserialize(d).map(Moment::instant)
    }
}

/// `null` or a value.
struct Nullable<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Nullable<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for Nullable<S> {
    type Value = Option<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or an RFC 3339 date-time string")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(json: &str) -> String {
        parse_request(json).unwrap_err().to_string()
    }

    const MINIMAL: &str = r#"{"jurisdiction":"FR","at":"2026-11-24T10:30:00+01:00","channel":"email",
        "purpose":"marketing","contact":{"audience":"consumer"}}"#;

    #[test]
    fn a_minimal_request_takes_the_contract_defaults() {
        let r = parse_request(MINIMAL).unwrap();
        assert_eq!(r.campaign, Campaign::default());
        assert_eq!(r.contact, ContactFacts::new(Audience::Consumer));
        assert_eq!(r.at.to_string(), "2026-11-24T10:30:00+01:00");
    }

    #[test]
    fn errors_name_the_field_and_say_why() {
        let e = error(&MINIMAL.replace(r#""channel":"email","#, ""));
        assert_eq!(e, "channel: missing field");
        let e = error(&MINIMAL.replace("\"email\"", "\"pigeon\""));
        assert!(
            e.starts_with("channel: unknown channel \"pigeon\" (expected one of: email sms"),
            "{e}"
        );
        let e = error(&MINIMAL.replace("+01:00", ""));
        assert!(
            e.starts_with("at: a UTC offset (Z or ±HH:MM) is required"),
            "{e}"
        );
        let e = error(&MINIMAL.replace(r#"{"audience":"consumer"}"#, "{}"));
        assert_eq!(e, "contact.audience: missing field");
        let e = error(&MINIMAL.replace(r#""consumer""#, r#""consumer","informd":true"#));
        assert!(
            e.starts_with("contact.informd: unknown field (expected one of: audience, customer,"),
            "{e}"
        );
        let e = error(&MINIMAL.replace(r#""consumer""#, r#""consumer","customer":"yes""#));
        assert_eq!(
            e,
            "contact.customer: invalid type: string \"yes\", expected a boolean"
        );
        let e = error(&MINIMAL.replace(r#""consumer""#, r#""consumer","calls_last_30_days":-1"#));
        assert!(
            e.starts_with("contact.calls_last_30_days: invalid value: integer `-1`"),
            "{e}"
        );
    }

    #[test]
    fn event_errors_carry_their_index() {
        let events = r#""events":[
            {"channel":"email","purpose":"marketing","action":"grant","at":"2026-01-10T08:00:00Z","method":"double_opt_in"},
            {"channel":"email","purpose":"marketing","action":"grant","at":"2026-01-10T08:00:00Z","method":"foo"}]"#;
        let e = error(&MINIMAL.replace(r#""consumer""#, &format!(r#""consumer",{events}"#)));
        assert!(
            e.starts_with(
                "contact.events[1].method: unknown method \"foo\" (expected one of: double_opt_in"
            ),
            "{e}"
        );
        let e = error(&MINIMAL.replace(
            r#""consumer""#,
            r#""consumer","events":[{"channel":"sms"}]"#,
        ));
        assert_eq!(e, "contact.events[0].purpose: missing field");
        let e = error(&MINIMAL.replace(r#""consumer""#, r#""consumer","events":[3]"#));
        assert!(
            e.starts_with("contact.events[0]: invalid type: integer `3`, expected a consent event"),
            "{e}"
        );
    }

    #[test]
    fn malformed_json_and_wrong_shapes() {
        let e = error(r#"{"jurisdiction":"FR","at": }"#);
        assert!(
            e.starts_with("at: invalid JSON: expected value at line 1"),
            "{e}"
        );
        let e = error("[1,2]");
        assert!(
            e.starts_with("invalid type: sequence, expected a decision request"),
            "{e}"
        );
        let e = error(&format!("{MINIMAL} x"));
        assert!(e.starts_with("invalid JSON: trailing characters"), "{e}");
        let e = error(&MINIMAL.replace(
            r#""channel":"email","#,
            r#""channel":"email","channel":"sms","#,
        ));
        assert_eq!(e, "channel: duplicate field");
    }

    #[test]
    fn nulls_are_accepted_where_the_contract_shows_them() {
        let json = MINIMAL.replace(
            r#""consumer""#,
            r#""consumer","last_call_refusal_at":null,"collected_at":null"#,
        );
        assert!(parse_request(&json).is_ok());
    }

    #[test]
    fn lists_are_bounded() {
        let categories = vec!["\"c\""; crate::MAX_CUSTOMER_CATEGORIES].join(",");
        let ok = MINIMAL.replace(
            r#""consumer""#,
            &format!(r#""consumer","customer_categories":[{categories}]"#),
        );
        assert!(parse_request(&ok).is_ok());
        let e = error(&MINIMAL.replace(
            r#""consumer""#,
            &format!(r#""consumer","customer_categories":[{categories},"one more"]"#),
        ));
        assert_eq!(
            e,
            format!(
                "contact.customer_categories: at most {} items",
                crate::MAX_CUSTOMER_CATEGORIES
            )
        );
        let event = r#"{"channel":"email","purpose":"marketing","action":"grant","at":"2026-01-10T08:00:00Z","method":"api"}"#;
        let events = |n| vec![event; n].join(",");
        let ok = MINIMAL.replace(
            r#""consumer""#,
            &format!(r#""consumer","events":[{}]"#, events(MAX_REQUEST_EVENTS)),
        );
        assert!(parse_request(&ok).is_ok());
        let e = error(&MINIMAL.replace(
            r#""consumer""#,
            &format!(
                r#""consumer","events":[{}]"#,
                events(MAX_REQUEST_EVENTS + 1)
            ),
        ));
        assert_eq!(
            e,
            format!("contact.events: at most {MAX_REQUEST_EVENTS} events in a request")
        );
    }

    #[test]
    fn v2_fields_press_and_time_zone() {
        let json = MINIMAL.replace(
            r#""consumer""#,
            r#""consumer","time_zone":"Indian/Reunion""#,
        );
        let r = parse_request(&json.replace(
            r#""purpose":"marketing","#,
            r#""purpose":"marketing","campaign":{"press":true},"#,
        ))
        .unwrap();
        assert!(r.campaign.press);
        assert_eq!(r.contact.time_zone.map(Zone::name), Some("Indian/Reunion"));
        let e = error(&json.replace("Indian/Reunion", "Indian/Atlantis"));
        assert!(
            e.starts_with("contact.time_zone: unknown time zone \"Indian/Atlantis\""),
            "{e}"
        );
    }
}
