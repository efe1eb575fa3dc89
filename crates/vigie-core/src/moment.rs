//! The moment of a contact as it was written: an instant and the UTC offset it was written in.
//!
//! Most rules only need the instant. Calendar arithmetic ("three calendar years before") needs a
//! clock to count on, and the reference screening counts on the clock the moment was written in
//! (`datetime.replace(year=…)` keeps the offset). Keeping the offset makes the engine agree with
//! it to the second, including around 29 February and daylight-saving changes.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::fmt::temporal::Pieces;
use jiff::tz::Offset;

/// An instant with the UTC offset it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Moment {
    instant: Timestamp,
    offset: Offset,
}

/// Why a string is not an RFC 3339 date-time with an offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason} in {input:?} (expected RFC 3339 such as \"2026-11-24T10:30:00+01:00\")")]
pub struct MomentError {
    input: String,
    reason: String,
}

impl Moment {
    pub fn new(instant: Timestamp, offset: Offset) -> Moment {
        Moment { instant, offset }
    }

    /// Parses an RFC 3339 date-time. The offset is required (`Z` or `±HH:MM`): a local time
    /// without one does not name an instant.
    pub fn parse(input: &str) -> Result<Moment, MomentError> {
        let fail = |reason: String| MomentError {
            input: input.to_owned(),
            reason,
        };
        let pieces = Pieces::parse(input).map_err(|e| fail(e.to_string()))?;
        let time = pieces
            .time()
            .ok_or_else(|| fail("a time of day is required".into()))?;
        let offset = pieces
            .offset()
            .map(|o| o.to_numeric_offset())
            .ok_or_else(|| fail("a UTC offset (Z or ±HH:MM) is required".into()))?;
        let instant = offset
            .to_timestamp(pieces.date().to_datetime(time))
            .map_err(|e| fail(e.to_string()))?;
        Ok(Moment { instant, offset })
    }

    pub fn instant(self) -> Timestamp {
        self.instant
    }

    pub fn offset(self) -> Offset {
        self.offset
    }

    /// The same wall-clock time `years` calendar years earlier, on this moment's clock; 29
    /// February becomes 28 February when the earlier year has none.
    pub fn years_before(self, years: i16) -> Timestamp {
        let local = self.offset.to_datetime(self.instant);
        let (year, month, day) = (local.year() - years, local.month(), local.day());
        let date = Date::new(year, month, day)
            .or_else(|_| Date::new(year, month, 28))
            .expect("day 28 exists in every month");
        self.offset
            .to_timestamp(date.to_datetime(local.time()))
            .expect("a date-time a few years back is within jiff's range")
    }
}

impl From<Timestamp> for Moment {
    /// An instant with no written offset is read on UTC.
    fn from(instant: Timestamp) -> Moment {
        Moment {
            instant,
            offset: Offset::UTC,
        }
    }
}

impl From<Moment> for Timestamp {
    fn from(m: Moment) -> Timestamp {
        m.instant
    }
}

impl FromStr for Moment {
    type Err = MomentError;
    fn from_str(s: &str) -> Result<Moment, MomentError> {
        Moment::parse(s)
    }
}

impl fmt::Display for Moment {
    /// RFC 3339 on the moment's own clock, e.g. `2026-11-24T10:30:00+01:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.instant.display_with_offset(self.offset), f)
    }
}

impl serde::Serialize for Moment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Moment {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Moment::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn parses_rfc3339_and_keeps_the_offset() {
        let m = Moment::parse("2026-11-24T10:30:00+01:00").unwrap();
        assert_eq!(m.instant(), ts("2026-11-24T09:30:00Z"));
        assert_eq!(m.offset(), Offset::constant(1));
        assert_eq!(m.to_string(), "2026-11-24T10:30:00+01:00");
        assert_eq!(
            Moment::parse("2026-11-24T09:30:00Z").unwrap().offset(),
            Offset::UTC
        );
    }

    #[test]
    fn refuses_moments_without_offset_or_time() {
        let e = Moment::parse("2026-11-24T10:30:00")
            .unwrap_err()
            .to_string();
        assert!(e.contains("offset"), "{e}");
        let e = Moment::parse("2026-11-24").unwrap_err().to_string();
        assert!(e.contains("time of day"), "{e}");
        assert!(Moment::parse("yesterday").is_err());
    }

    #[test]
    fn years_before_keeps_the_wall_clock_and_clamps_29_february() {
        let m = Moment::parse("2026-11-24T10:30:00+01:00").unwrap();
        assert_eq!(m.years_before(3), ts("2023-11-24T09:30:00Z"));
        // On its own clock 2028-02-29 00:30 (+01:00) is 2025-02-28 00:30 (+01:00) three years
        // earlier, although in UTC the moment is still 28 February.
        let m = Moment::parse("2028-02-29T00:30:00+01:00").unwrap();
        assert_eq!(m.years_before(3), ts("2025-02-27T23:30:00Z"));
    }
}
