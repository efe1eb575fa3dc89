//! `GET/PUT /api/v1/org/settings`: the organization's settings (region of national phone
//! numbers, time zone, language, the financial year's end) and its opposition lists. Admins
//! only.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vigie_core::{OrgSettings, SettingError};
use vigie_store::OppositionList;

use crate::AppState;
use crate::api::OrgHeader;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiJson;

pub const TAG_SETTINGS: &str = "organization";

/// Settings to change; those left out are kept.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    /// Region for phone numbers written without a country code (ISO 3166 code).
    #[schema(example = "BE")]
    pub region: Option<String>,
    /// IANA time zone name.
    #[schema(example = "Europe/Brussels")]
    pub time_zone: Option<String>,
    /// `fr` or `en`.
    #[schema(example = "fr", pattern = "^(fr|en)$")]
    pub lang: Option<String>,
    /// The day and month the financial year ends on, `MM-DD` (29 February refused): the
    /// accounting archive's ten years count from the closing of the financial year.
    #[schema(example = "06-30", pattern = "^[0-9]{2}-[0-9]{2}$")]
    pub financial_year_end: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListOut {
    #[schema(example = "bloctel")]
    pub name: String,
    /// The date of the extract last imported, if it was given.
    #[schema(value_type = Option<String>, format = Date)]
    pub extract_date: Option<String>,
    pub entries: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsOut {
    #[schema(example = "FR")]
    pub region: String,
    #[schema(example = "Europe/Paris")]
    pub time_zone: String,
    #[schema(example = "fr")]
    pub lang: String,
    /// The day and month the financial year ends on, `MM-DD`.
    #[schema(example = "12-31")]
    pub financial_year_end: String,
    pub opposition_lists: Vec<ListOut>,
}

fn out(s: &OrgSettings, lists: Vec<OppositionList>) -> SettingsOut {
    SettingsOut {
        region: s.region.code().to_owned(),
        time_zone: s.time_zone.clone(),
        lang: s.lang.as_str().to_owned(),
        financial_year_end: s.financial_year_end.to_string(),
        opposition_lists: lists
            .into_iter()
            .map(|l| ListOut {
                name: l.name,
                extract_date: l.extract_date.map(|d| d.to_string()),
                entries: l.entries,
            })
            .collect(),
    }
}

/// The organization's settings and opposition lists.
#[utoipa::path(get, path = "/api/v1/org/settings", tag = TAG_SETTINGS,
    params(OrgHeader),
    responses(
        (status = 200, description = "The settings", body = SettingsOut),
        (status = 404, description = "Unknown organization", body = ErrorBody),
    ))]
pub async fn get_settings(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<SettingsOut>> {
    Ok(Json(current_settings(&state, &caller).await?))
}

/// The organization's settings and opposition lists now.
pub(crate) async fn current_settings(state: &AppState, caller: &Caller) -> ApiResult<SettingsOut> {
    let store = state.store();
    let settings = store.org_settings(caller.org.id).await?;
    Ok(out(&settings, store.opposition_lists(caller.org.id).await?))
}

/// Change the organization's settings; those left out are kept.
#[utoipa::path(put, path = "/api/v1/org/settings", tag = TAG_SETTINGS,
    params(OrgHeader),
    request_body = SettingsInput,
    responses(
        (status = 200, description = "The settings now", body = SettingsOut),
        (status = 400, description = "A setting is invalid; `field` names it", body = ErrorBody),
        (status = 404, description = "Unknown organization", body = ErrorBody),
    ))]
pub async fn put_settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<SettingsInput>,
) -> ApiResult<Json<SettingsOut>> {
    Ok(Json(change_settings(&state, &caller, &input).await?))
}

/// Changes the settings given (the API's and the administration page's one way); an invalid
/// one is refused with its field named.
pub(crate) async fn change_settings(
    state: &AppState,
    caller: &Caller,
    input: &SettingsInput,
) -> ApiResult<SettingsOut> {
    let store = state.store();
    let now = store.org_settings(caller.org.id).await?;
    let settings = now
        .changed(
            input.region.as_deref(),
            input.time_zone.as_deref(),
            input.lang.as_deref(),
            input.financial_year_end.as_deref(),
        )
        .map_err(|e: SettingError| ApiError::field("invalid_field", e.setting, e.reason))?;
    store.set_org_settings(caller.org.id, &settings).await?;
    // What changed, old -> new, so that the trail says when the hold's start moved.
    let changes = settings.differences(&now);
    let reason = match (changes.is_empty(), &caller.reason) {
        (true, given) => given.clone(),
        (false, None) => Some(changes.join("; ")),
        (false, Some(given)) => Some(format!("{}; {given}", changes.join("; "))),
    };
    caller
        .audit_because(
            state,
            "organization.settings",
            Some(format!("org:{}", caller.org.slug)),
            reason,
        )
        .await?;
    Ok(out(&settings, store.opposition_lists(caller.org.id).await?))
}
