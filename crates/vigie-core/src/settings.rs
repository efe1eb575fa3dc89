//! An organization's settings: the region national phone numbers are read in, the time zone
//! its calendar is kept in, and the language it is written to in. Parsed once here, so that the
//! CLI, the API and the store hold only valid values.

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
        })
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
}
