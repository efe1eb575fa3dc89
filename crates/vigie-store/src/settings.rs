//! Organization settings (table `org_settings`, migration 0011): the region national phone
//! numbers are read in, the time zone, the language, and (migration 0028) the day the financial
//! year ends on. An organization without a row has [`OrgSettings::default`].

use vigie_core::OrgSettings;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::model::OrgId;
use crate::now_micros;
use crate::sql::sql_params;

impl Store {
    /// The organization's settings (the defaults until some are set).
    pub async fn org_settings(&self, org: OrgId) -> Result<OrgSettings> {
        let row = self
            .sql_row(
                "SELECT region, time_zone, lang, financial_year_end FROM org_settings WHERE org_id = $1",
                sql_params![org],
            )
            .await?;
        match row {
            None => Ok(OrgSettings::default()),
            Some(r) => {
                let year_end = r[3].text()?;
                OrgSettings::parse(&r[0].text()?, &r[1].text()?, &r[2].text()?)
                    .and_then(|s| s.with_financial_year_end(&year_end))
                    .map_err(|e| StoreError::Other(format!("stored organization settings: {e}")))
            }
        }
    }

    /// Replaces the organization's settings.
    pub async fn set_org_settings(&self, org: OrgId, s: &OrgSettings) -> Result<()> {
        self.sql_exec(
            "INSERT INTO org_settings (org_id, region, time_zone, lang, updated_at, financial_year_end)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (org_id) DO UPDATE SET region = excluded.region,
                 time_zone = excluded.time_zone, lang = excluded.lang, updated_at = excluded.updated_at,
                 financial_year_end = excluded.financial_year_end",
            sql_params![
                org,
                s.region.code(),
                s.time_zone.as_str(),
                s.lang.as_str(),
                now_micros(),
                s.financial_year_end.to_string()
            ],
        )
        .await?;
        Ok(())
    }
}
