//! An organization's settings: the region national phone numbers are read in, the time zone
//! its calendar is kept in, the language it is written to in, and the day its financial year
//! ends on. Parsed once here, so that the CLI, the API and the store hold only valid values.

use jiff::tz::TimeZone;
use serde::Serialize;

use crate::decision::Lang;
use crate::ident::Region;

/// What a setting's value is wrong about, naming the setting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{setting}: {reason}")]
pub struct SettingError {
    pub setting: &'static str,
    pub reason: String,
}

/// An organization's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgSettings {
    /// Phone numbers written without a country code are read in this region.
    #[serde(serialize_with = "region_code")]
    pub region: Region,
    /// An IANA time zone name, e.g. `Europe/Paris`.
    pub time_zone: String,
    pub lang: Lang,
    /// The closing day of the financial year: the accounting hold (Code de commerce L123-22)
    /// counts from it.
    pub financial_year_end: FinancialYearEnd,
}

fn region_code<S: serde::Serializer>(r: &Region, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.code())
}

impl Default for OrgSettings {
    /// What every organization had before settings existed: French numbers, Paris, French.
    fn default() -> OrgSettings {
        OrgSettings {
            region: Region::FR,
            time_zone: "Europe/Paris".into(),
            lang: Lang::Fr,
            financial_year_end: FinancialYearEnd::DECEMBER_31,
        }
    }
}

impl OrgSettings {
    /// Reads the three settings as written (CLI, API, store).
    pub fn parse(region: &str, time_zone: &str, lang: &str) -> Result<OrgSettings, SettingError> {
        Ok(OrgSettings {
            region: parse_region(region)?,
            time_zone: parse_time_zone(time_zone)?,
            lang: lang
                .trim()
                .parse()
                .map_err(|e: crate::ParseVocabError| SettingError {
                    setting: "lang",
                    reason: e.to_string(),
                })?,
            financial_year_end: FinancialYearEnd::DECEMBER_31,
        })
    }

    /// These settings with the ones given changed (each as written), all or nothing: the first
    /// invalid one is refused, naming it.
    pub fn changed(
        &self,
        region: Option<&str>,
        time_zone: Option<&str>,
        lang: Option<&str>,
        financial_year_end: Option<&str>,
    ) -> Result<OrgSettings, SettingError> {
        let next = OrgSettings::parse(
            region.unwrap_or(self.region.code()),
            time_zone.unwrap_or(&self.time_zone),
            lang.unwrap_or(self.lang.as_str()),
        )?;
        match financial_year_end {
            Some(value) => next.with_financial_year_end(value),
            None => Ok(OrgSettings {
                financial_year_end: self.financial_year_end,
                ..next
            }),
        }
    }

    /// What differs from `before`, one `setting: old -> new` each (for the audit trail).
    pub fn differences(&self, before: &OrgSettings) -> Vec<String> {
        [
            (
                "region",
                before.region.code().to_owned(),
                self.region.code().to_owned(),
            ),
            (
                "time_zone",
                before.time_zone.clone(),
                self.time_zone.clone(),
            ),
            (
                "lang",
                before.lang.as_str().to_owned(),
                self.lang.as_str().to_owned(),
            ),
            (
                "financial_year_end",
                before.financial_year_end.to_string(),
                self.financial_year_end.to_string(),
            ),
        ]
        .into_iter()
        .filter(|(_, old, new)| old != new)
        .map(|(name, old, new)| format!("{name}: {old} -> {new}"))
        .collect()
    }

    /// The same settings with the financial year's end read from `value` (`MM-DD`).
    pub fn with_financial_year_end(self, value: &str) -> Result<OrgSettings, SettingError> {
        Ok(OrgSettings {
            financial_year_end: value.parse()?,
            ..self
        })
    }
}

/// The day and month a financial year ends on each year, written `MM-DD` (`12-31`, `06-30`).
///
/// Only a day that every year has: 29 February is refused rather than moved, because a
/// financial year closes on the same date each year (Code de commerce L123-12 counts twelve
/// months) and a closing on 29 February would fall on a different day three years out of four;
/// the organization chooses 28 February (or 1 March) itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FinancialYearEnd {
    month: i8,
    day: i8,
}

impl FinancialYearEnd {
    /// What every organization had before the setting existed.
    pub const DECEMBER_31: FinancialYearEnd = FinancialYearEnd { month: 12, day: 31 };

    /// A closing day, if every year has it.
    pub fn new(month: i8, day: i8) -> Option<FinancialYearEnd> {
        // 2025 is not a leap year: a day it has, every year has.
        jiff::civil::Date::new(2025, month, day)
            .ok()
            .map(|_| FinancialYearEnd { month, day })
    }

    pub fn month(self) -> i8 {
        self.month
    }

    pub fn day(self) -> i8 {
        self.day
    }

    /// The closing day in `year`.
    pub fn in_year(self, year: i16) -> jiff::civil::Date {
        jiff::civil::Date::new(year, self.month, self.day).expect("a day every year has")
    }
}

impl std::fmt::Display for FinancialYearEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl std::str::FromStr for FinancialYearEnd {
    type Err = SettingError;
    fn from_str(value: &str) -> Result<FinancialYearEnd, SettingError> {
        let refuse = |reason: String| SettingError {
            setting: "financial_year_end",
            reason,
        };
        let trimmed = value.trim();
        let (month, day) = trimmed
            .split_once('-')
            .filter(|(m, d)| {
                m.len() == 2
                    && d.len() == 2
                    && m.bytes().chain(d.bytes()).all(|b| b.is_ascii_digit())
            })
            .and_then(|(m, d)| Some((m.parse::<i8>().ok()?, d.parse::<i8>().ok()?)))
            .ok_or_else(|| {
                refuse(format!(
                    "{value:?} is not a day and month written MM-DD (e.g. 12-31, 06-30)"
                ))
            })?;
        if (month, day) == (2, 29) {
            return Err(refuse(
                "29 February is not in every year: a financial year closes on the same day each year; choose 02-28 or 03-01".into(),
            ));
        }
        FinancialYearEnd::new(month, day)
            .ok_or_else(|| refuse(format!("{value:?} is not a day of the year (MM-DD)")))
    }
}

impl Serialize for FinancialYearEnd {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

pub fn parse_region(value: &str) -> Result<Region, SettingError> {
    value.parse().map_err(|_| SettingError {
        setting: "region",
        reason: format!("{value:?} is not an ISO 3166 country code (e.g. FR, BE, GB)"),
    })
}

/// An IANA time zone name that the bundled time zone database knows.
pub fn parse_time_zone(value: &str) -> Result<String, SettingError> {
    let name = value.trim();
    TimeZone::get(name).map_err(|_| SettingError {
        setting: "time_zone",
        reason: format!("{value:?} is not a time zone name (e.g. Europe/Paris, Europe/Brussels)"),
    })?;
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse_and_name_the_bad_one() {
        let s = OrgSettings::parse("be", "Europe/Brussels", "fr").unwrap();
        assert_eq!(
            (s.region.code(), s.time_zone.as_str(), s.lang),
            ("BE", "Europe/Brussels", Lang::Fr)
        );
        let e = OrgSettings::parse("XX", "Europe/Paris", "fr").unwrap_err();
        assert_eq!(e.setting, "region");
        let e = OrgSettings::parse("FR", "Europe/Lutece", "fr").unwrap_err();
        assert_eq!(e.setting, "time_zone");
        assert!(
            e.to_string().starts_with("time_zone: \"Europe/Lutece\""),
            "{e}"
        );
        let e = OrgSettings::parse("FR", "Europe/Paris", "de").unwrap_err();
        assert_eq!(e.setting, "lang");
        assert_eq!(
            OrgSettings::default(),
            OrgSettings::parse("FR", "Europe/Paris", "fr").unwrap()
        );
    }

    #[test]
    fn the_financial_year_end_is_a_day_every_year_has() {
        let d = |s: &str| s.parse::<FinancialYearEnd>();
        assert_eq!(d("12-31").unwrap(), FinancialYearEnd::DECEMBER_31);
        let june = d(" 06-30 ").unwrap();
        assert_eq!((june.month(), june.day()), (6, 30));
        assert_eq!(june.to_string(), "06-30");
        assert_eq!(d("02-28").unwrap().to_string(), "02-28");
        let leap = d("02-29").unwrap_err();
        assert_eq!(leap.setting, "financial_year_end");
        assert!(leap.reason.contains("29 February"), "{leap}");
        for bad in [
            "06-31", "13-01", "00-10", "6-30", "06/30", "30-06", "", "12-31x",
        ] {
            assert_eq!(d(bad).unwrap_err().setting, "financial_year_end", "{bad}");
        }
        let s = OrgSettings::default()
            .with_financial_year_end("06-30")
            .unwrap();
        assert_eq!(s.financial_year_end, june);
        assert_eq!(
            serde_json::to_value(&s).unwrap()["financial_year_end"],
            "06-30"
        );
        assert_eq!(
            OrgSettings::default().financial_year_end.to_string(),
            "12-31"
        );
    }
}
