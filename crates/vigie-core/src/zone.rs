//! The consumer's time zone. D223-9 counts calling hours "selon le fuseau horaire du
//! consommateur": a zone recorded for the contact wins, else the zone its phone number implies
//! ([`Zone::of_phone`]), else the jurisdiction's.
//!
//! A [`Zone`] is a small `Copy` index into the names of the bundled tz database, so contact
//! records (screening's snapshot among them) carry two bytes rather than a name, and the engine
//! finds a zone's precomputed calling window by comparing integers.

use std::fmt;
use std::sync::OnceLock;

use jiff::tz::TimeZone;

use crate::ident::PhoneE164;

/// An IANA time zone known to the bundled tz database.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Zone(u16);

/// A zone name the tz database does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownZone(pub String);

impl fmt::Display for UnknownZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown time zone {:?} (expected an IANA name such as Europe/Paris)",
            self.0
        )
    }
}

impl std::error::Error for UnknownZone {}

/// The database's names, sorted, and each zone loaded on first use.
struct Registry {
    names: Vec<Box<str>>,
    zones: Vec<OnceLock<TimeZone>>,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut names: Vec<Box<str>> = jiff::tz::db()
            .available()
            .map(|n| Box::from(n.as_str()))
            .collect();
        names.sort();
        names.dedup();
        let zones = names.iter().map(|_| OnceLock::new()).collect();
        Registry { names, zones }
    })
}

impl Zone {
    /// Reads an IANA name (`Europe/Paris`); case is forgiven, as the tz database does.
    pub fn parse(name: &str) -> Result<Zone, UnknownZone> {
        let names = &registry().names;
        let index = match names.binary_search_by(|n| (**n).cmp(name)) {
            Ok(i) => Some(i),
            Err(_) => names.iter().position(|n| n.eq_ignore_ascii_case(name)),
        };
        index
            .and_then(|i| u16::try_from(i).ok())
            .map(Zone)
            .ok_or_else(|| UnknownZone(name.to_owned()))
    }

    /// The zone of a name written in this crate's tables.
    fn known(name: &str) -> Zone {
        Zone::parse(name).unwrap_or_else(|e| panic!("the bundled tz database lacks {name}: {e}"))
    }

    /// The zone's IANA name, as the tz database spells it.
    pub fn name(self) -> &'static str {
        &registry().names[usize::from(self.0)]
    }

    /// The zone's rules.
    pub fn time_zone(self) -> &'static TimeZone {
        let registry = registry();
        registry.zones[usize::from(self.0)].get_or_init(|| {
            TimeZone::get(self.name()).unwrap_or_else(|e| {
                panic!(
                    "the bundled tz database lists {} but lacks it: {e}",
                    self.name()
                )
            })
        })
    }

    /// The zone a phone number implies, where the number tells it: French overseas departments
    /// and collectivities by their country codes (Mayotte by its own prefixes within +262),
    /// metropolitan France, and countries that have one zone. `None` where the number does not
    /// tell (countries spanning several zones, codes not in the table): the jurisdiction's zone
    /// applies then.
    pub fn of_phone(phone: &PhoneE164) -> Option<Zone> {
        let number = phone.as_str();
        phone_zones()
            .iter()
            .find(|(prefix, _)| number.starts_with(prefix))
            .map(|(_, zone)| *zone)
    }

    /// Every zone a phone number can imply: a context resolving them in advance
    /// ([`crate::DecisionContext::with_zones`]) decides for any number without converting time.
    pub fn phone_zones() -> impl Iterator<Item = Zone> {
        phone_zones().iter().map(|(_, zone)| *zone)
    }

    /// The zone a contact's calling hours are read in: the one recorded for it, else the one its
    /// phone number implies; `None` leaves the jurisdiction's.
    pub fn of_contact(recorded: Option<Zone>, phone: Option<&PhoneE164>) -> Option<Zone> {
        recorded.or_else(|| phone.and_then(Zone::of_phone))
    }

    /// The index, for compact records (the zone's name is the durable form: indexes depend on
    /// the tz database compiled in).
    pub fn index(self) -> u16 {
        self.0
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name())
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Zone {
    type Err = UnknownZone;
    fn from_str(s: &str) -> Result<Zone, UnknownZone> {
        Zone::parse(s)
    }
}

impl serde::Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// [`PHONE_ZONES`] with the names resolved, once.
fn phone_zones() -> &'static [(&'static str, Zone)] {
    static RESOLVED: OnceLock<Vec<(&'static str, Zone)>> = OnceLock::new();
    RESOLVED.get_or_init(|| {
        PHONE_ZONES
            .iter()
            .map(|(prefix, name)| (*prefix, Zone::known(name)))
            .collect()
    })
}

/// E.164 prefixes and the zone they imply, longest prefixes first where one code covers
/// several zones (the first match wins). Checked against libphonenumber's `resources/timezones/map_data.txt` and the
/// ARCEP numbering plans:
/// - +262 is Réunion, except Mayotte's fixed (0269) and mobile (0639) ranges;
/// - +590 covers Guadeloupe, Saint-Martin and Saint-Barthélemy, all on Atlantic time without
///   daylight saving (America/Guadeloupe, as libphonenumber);
/// - +689 French Polynesia spans three zones (Tahiti, Marquesas −9:30, Gambier −9) that the
///   number does not tell apart for mobiles; Tahiti, where nine in ten Polynesians live, is
///   taken (libphonenumber names it alone for fixed lines 4x and 88/89): record the zone of a
///   Marquesas or Gambier contact;
/// - other countries only where the whole country keeps one zone (Spain and Portugal do not:
///   the Canaries, Madeira and the Azores).
///
/// Metropolitan numbers come first: screening looks every number of a call list up here.
const PHONE_ZONES: &[(&str, &str)] = &[
    ("+33", "Europe/Paris"),
    ("+262269", "Indian/Mayotte"),
    ("+262639", "Indian/Mayotte"),
    ("+262", "Indian/Reunion"),
    ("+508", "America/Miquelon"),
    ("+590", "America/Guadeloupe"),
    ("+594", "America/Cayenne"),
    ("+596", "America/Martinique"),
    ("+681", "Pacific/Wallis"),
    ("+687", "Pacific/Noumea"),
    ("+689", "Pacific/Tahiti"),
    ("+30", "Europe/Athens"),
    ("+31", "Europe/Amsterdam"),
    ("+32", "Europe/Brussels"),
    ("+352", "Europe/Luxembourg"),
    ("+353", "Europe/Dublin"),
    ("+358", "Europe/Helsinki"),
    ("+36", "Europe/Budapest"),
    ("+376", "Europe/Andorra"),
    ("+377", "Europe/Monaco"),
    ("+39", "Europe/Rome"),
    ("+40", "Europe/Bucharest"),
    ("+41", "Europe/Zurich"),
    ("+420", "Europe/Prague"),
    ("+43", "Europe/Vienna"),
    ("+44", "Europe/London"),
    ("+45", "Europe/Copenhagen"),
    ("+46", "Europe/Stockholm"),
    ("+47", "Europe/Oslo"),
    ("+48", "Europe/Warsaw"),
    ("+49", "Europe/Berlin"),
    ("+212", "Africa/Casablanca"),
    ("+213", "Africa/Algiers"),
    ("+216", "Africa/Tunis"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ident::Region;

    fn zone_of(number: &str) -> Option<&'static str> {
        let phone = PhoneE164::parse(number, Region::default()).expect(number);
        Zone::of_phone(&phone).map(Zone::name)
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        assert_eq!(paris.name(), "Europe/Paris");
        assert_eq!(Zone::parse("europe/paris").unwrap(), paris);
        assert_eq!(paris.time_zone().iana_name(), Some("Europe/Paris"));
        let e = Zone::parse("Mars/Olympus").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("unknown time zone \"Mars/Olympus\"")
        );
    }

    #[test]
    fn french_numbers_imply_their_zones() {
        assert_eq!(zone_of("+33 6 12 34 56 78"), Some("Europe/Paris"));
        assert_eq!(zone_of("+262 692 12 34 56"), Some("Indian/Reunion"));
        assert_eq!(zone_of("+262 262 12 34 56"), Some("Indian/Reunion"));
        assert_eq!(zone_of("+262 639 01 23 45"), Some("Indian/Mayotte"));
        assert_eq!(zone_of("+262 269 61 12 34"), Some("Indian/Mayotte"));
        assert_eq!(zone_of("+590 690 12 34 56"), Some("America/Guadeloupe"));
        assert_eq!(zone_of("+594 694 12 34 56"), Some("America/Cayenne"));
        assert_eq!(zone_of("+596 696 12 34 56"), Some("America/Martinique"));
        assert_eq!(zone_of("+508 55 12 34"), Some("America/Miquelon"));
        assert_eq!(zone_of("+681 82 12 34"), Some("Pacific/Wallis"));
        assert_eq!(zone_of("+687 75 12 34"), Some("Pacific/Noumea"));
        assert_eq!(zone_of("+689 87 12 34 56"), Some("Pacific/Tahiti"));
    }

    #[test]
    fn single_zone_countries_and_the_others() {
        assert_eq!(zone_of("+49 30 1234567"), Some("Europe/Berlin"));
        assert_eq!(zone_of("+44 20 7946 0958"), Some("Europe/London"));
        assert_eq!(zone_of("+32 470 12 34 56"), Some("Europe/Brussels"));
        // Several zones (the Canaries): the number does not tell.
        assert_eq!(zone_of("+34 612 34 56 78"), None);
        assert_eq!(zone_of("+1 212 555 0123"), None);
    }

    #[test]
    fn a_recorded_zone_wins_over_the_number() {
        let phone = PhoneE164::parse("+33612345678", Region::default()).unwrap();
        let tahiti = Zone::parse("Pacific/Marquesas").unwrap();
        assert_eq!(Zone::of_contact(Some(tahiti), Some(&phone)), Some(tahiti));
        assert_eq!(
            Zone::of_contact(None, Some(&phone)).map(Zone::name),
            Some("Europe/Paris")
        );
        assert_eq!(Zone::of_contact(None, None), None);
    }
}
