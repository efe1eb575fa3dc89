//! The French calendar the calling-hour rules read: public holidays and the permitted windows
//! for telephone prospecting of consumers (Code de la consommation D223-9, in force since
//! 1 March 2023).
//!
//! D223-9 counts the hours "in the consumer's time zone": the engine reads them on the
//! consumer's civil time ([`crate::zone`]), metropolitan France's Europe/Paris by default. The
//! holidays are the eleven national ones of Code du travail L3133-1; Alsace-Moselle's extra days
//! (Good Friday, 26 December) and the overseas departments' commemorations of the abolition of
//! slavery are not modelled, as in the reference screening.

use std::sync::OnceLock;

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// The Europe/Paris zone from the bundled time-zone database, loaded once.
pub fn paris() -> &'static TimeZone {
    static PARIS: OnceLock<TimeZone> = OnceLock::new();
    PARIS.get_or_init(|| {
        TimeZone::get("Europe/Paris").expect("the bundled tz database contains Europe/Paris")
    })
}

/// Easter Sunday of `year` in the Gregorian calendar (the anonymous Gregorian algorithm, also
/// known as Meeus/Jones/Butcher).
pub fn easter(year: i16) -> Date {
    // Euclidean division keeps every intermediate in its intended range for any year jiff can
    // represent; for positive years it is the usual integer division.
    let y = i32::from(year);
    let (a, b, c) = (y.rem_euclid(19), y.div_euclid(100), y.rem_euclid(100));
    let (d, e) = (b.div_euclid(4), b.rem_euclid(4));
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // month is 3 or 4 and day 1..=31 by construction of the algorithm.
    Date::new(year, month as i8, day as i8).expect("Easter falls in March or April")
}

/// The fixed-date French public holidays, as (month, day).
const FIXED_HOLIDAYS: [(i8, i8); 8] = [
    (1, 1),   // Jour de l'an
    (5, 1),   // Fête du travail
    (5, 8),   // Victoire 1945
    (7, 14),  // Fête nationale
    (8, 15),  // Assomption
    (11, 1),  // Toussaint
    (11, 11), // Armistice
    (12, 25), // Noël
];

/// Days after Easter Sunday of the movable holidays: Easter Monday, Ascension, Whit Monday.
const EASTER_OFFSETS: [i32; 3] = [1, 39, 50];

/// Whether `date` is a French national public holiday (Code du travail L3133-1).
pub fn is_french_public_holiday(date: Date) -> bool {
    if FIXED_HOLIDAYS.contains(&(date.month(), date.day())) {
        return true;
    }
    let easter = easter(date.year());
    EASTER_OFFSETS
        .iter()
        .any(|&days| easter.checked_add(days.days()).is_ok_and(|d| d == date))
}

/// Where a moment falls with respect to the consumer calling windows of D223-9.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallingTime {
    /// Monday to Friday, 10:00–13:00 or 14:00–20:00, not a public holiday.
    Open,
    /// Saturday or Sunday.
    Weekend,
    /// A French public holiday.
    PublicHoliday,
    /// A working day, but outside 10:00–13:00 and 14:00–20:00.
    OutsideHours,
}

impl CallingTime {
    /// Reads a civil date-time of the consumer's zone (public holidays are taken on the
    /// consumer's local date). The windows are half-open and counted in whole minutes: 12:59:59
    /// is open, 13:00:00 is not.
    pub fn of_local_time(local: DateTime) -> CallingTime {
        if matches!(local.weekday(), Weekday::Saturday | Weekday::Sunday) {
            return CallingTime::Weekend;
        }
        if is_french_public_holiday(local.date()) {
            return CallingTime::PublicHoliday;
        }
        let minutes = i32::from(local.hour()) * 60 + i32::from(local.minute());
        if (600..780).contains(&minutes) || (840..1200).contains(&minutes) {
            CallingTime::Open
        } else {
            CallingTime::OutsideHours
        }
    }

    pub fn is_open(self) -> bool {
        self == CallingTime::Open
    }
}

/// Whether a consumer may be called for prospecting at `at`: Monday to Friday, 10:00–13:00 or
/// 14:00–20:00 Europe/Paris (half-open), and not a French public holiday.
pub fn within_french_calling_hours(at: Timestamp) -> bool {
    CallingTime::of_local_time(paris().to_datetime(at)).is_open()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn easter_sundays_of_known_years() {
        assert_eq!(easter(2024), date(2024, 3, 31));
        assert_eq!(easter(2025), date(2025, 4, 20));
        assert_eq!(easter(2026), date(2026, 4, 5));
        assert_eq!(easter(2027), date(2027, 3, 28));
        assert_eq!(easter(2038), date(2038, 4, 25)); // the latest possible date
        assert_eq!(easter(2285), date(2285, 3, 22)); // the earliest possible date
    }

    #[test]
    fn movable_and_fixed_holidays() {
        for holiday in [
            date(2026, 1, 1),
            date(2026, 4, 6), // Easter Monday
            date(2026, 5, 1),
            date(2026, 5, 8),
            date(2026, 5, 14), // Ascension
            date(2026, 5, 25), // Whit Monday
            date(2026, 7, 14),
            date(2026, 8, 15),
            date(2026, 11, 1),
            date(2026, 11, 11),
            date(2026, 12, 25),
            date(2025, 4, 21),
            date(2025, 5, 29),
            date(2025, 6, 9),
        ] {
            assert!(is_french_public_holiday(holiday), "{holiday}");
        }
        for ordinary in [
            date(2026, 4, 5), // Easter Sunday is a Sunday, not a listed holiday
            date(2026, 4, 3), // Good Friday: Alsace-Moselle only
            date(2026, 12, 26),
            date(2026, 5, 13),
            date(2026, 11, 24),
        ] {
            assert!(!is_french_public_holiday(ordinary), "{ordinary}");
        }
    }

    fn paris_open(local: &str) -> bool {
        let dt: DateTime = local.parse().unwrap();
        let at = paris().to_timestamp(dt).unwrap();
        within_french_calling_hours(at)
    }

    #[test]
    fn window_edges_are_half_open() {
        // Tuesday 24 November 2026.
        let cases = [
            ("09:59", false),
            ("10:00", true),
            ("12:59", true),
            ("13:00", false),
            ("13:59", false),
            ("14:00", true),
            ("19:59", true),
            ("20:00", false),
        ];
        for (time, open) in cases {
            assert_eq!(paris_open(&format!("2026-11-24T{time}")), open, "{time}");
        }
        assert!(paris_open("2026-11-24T12:59:59"));
    }

    #[test]
    fn weekends_and_holidays_are_closed() {
        assert_eq!(
            CallingTime::of_local_time("2026-11-28T11:00".parse().unwrap()),
            CallingTime::Weekend
        );
        assert_eq!(
            CallingTime::of_local_time("2026-05-14T11:00".parse().unwrap()),
            CallingTime::PublicHoliday
        );
        assert_eq!(
            CallingTime::of_local_time("2026-11-24T21:00".parse().unwrap()),
            CallingTime::OutsideHours
        );
    }

    #[test]
    fn hours_are_read_in_paris_across_daylight_saving_changes() {
        let open = |utc: &str| within_french_calling_hours(utc.parse().unwrap());
        // Friday 27 March 2026, winter time (UTC+1): 10:00 Paris is 09:00 UTC.
        assert!(!open("2026-03-27T08:59:00Z"));
        assert!(open("2026-03-27T09:00:00Z"));
        // Monday 30 March 2026, summer time (UTC+2): 10:00 Paris is 08:00 UTC.
        assert!(!open("2026-03-30T07:59:00Z"));
        assert!(open("2026-03-30T08:00:00Z"));
        assert!(open("2026-03-30T17:59:00Z"));
        assert!(!open("2026-03-30T18:00:00Z"));
        // Friday 23 October 2026, still summer time: 20:00 Paris is 18:00 UTC.
        assert!(open("2026-10-23T17:59:00Z"));
        assert!(!open("2026-10-23T18:00:00Z"));
        // Monday 26 October 2026, winter time again: 20:00 Paris is 19:00 UTC.
        assert!(open("2026-10-26T18:59:00Z"));
        assert!(!open("2026-10-26T19:00:00Z"));
    }
}
