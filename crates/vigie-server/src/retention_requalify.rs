//! `/api/v1/retention/requalifications…`: create a requalification campaign and follow its
//! progress (the store's `requalification.rs` says who is asked and how answers are recorded;
//! the people answer on the public page of their link, `requalify.rs`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vigie_core::{Channel, Timestamp};
use vigie_store::{
    NewRequalification, RequalificationCampaign, RequalificationSelection, StoreError,
};

use crate::AppState;
use crate::api::OrgHeader;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use crate::retention::TAG_RETENTION;

/// A campaign to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequalificationIn {
    /// Shown to the people asked.
    #[schema(example = "Relance 2026", min_length = 1, max_length = 200)]
    pub name: String,
    /// The channel the consent is asked for.
    #[schema(
        example = "email",
        pattern = "^(email|sms|whatsapp|phone|automated_call|fax|postal)$"
    )]
    #[serde(default = "email")]
    pub channel: String,
    /// The campaign's moment (RFC 3339 with its offset); now when left out.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-12-05T10:00:00+01:00")]
    pub at: Option<String>,
    /// Who is asked: `period_ending` (the prospects whose period ends within `within_days` of
    /// `at`, the default) or `without_consent_proof` (the contacts without any basis on the
    /// channel for marketing at `at`: the coverage report's `no_basis`).
    #[serde(default)]
    #[schema(
        example = "period_ending",
        pattern = "^(period_ending|without_consent_proof)$"
    )]
    pub selection: Option<String>,
    /// With `period_ending` (required there): ask the prospects whose period ends within this
    /// many days of `at`.
    #[schema(example = 30, minimum = 0, maximum = 3650)]
    #[serde(default, deserialize_with = "crate::dto::optional_whole")]
    pub within_days: Option<u32>,
    /// How many days the people have to answer (30 when left out).
    #[serde(default, deserialize_with = "crate::dto::optional_whole")]
    #[schema(example = 30, minimum = 1, maximum = 365)]
    pub window_days: Option<u32>,
}

fn email() -> String {
    "email".into()
}

/// How many were asked and what they answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequalificationProgressOut {
    pub asked: i64,
    pub confirmed: i64,
    pub refused: i64,
    pub silent: i64,
}

/// A campaign and its progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequalificationOut {
    pub id: i64,
    pub name: String,
    pub channel: String,
    /// `period_ending` or `without_consent_proof`.
    pub selection: String,
    pub within_days: i64,
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: Timestamp,
    /// The end of the window: the first retention run after it erases whoever did not say yes.
    #[schema(value_type = String, format = DateTime)]
    pub closes_at: Timestamp,
    pub actor: String,
    pub progress: RequalificationProgressOut,
}

fn campaign_out(c: RequalificationCampaign) -> RequalificationOut {
    RequalificationOut {
        id: c.id,
        name: c.name,
        channel: c.channel.as_str().to_owned(),
        selection: c.selection.kind().to_owned(),
        within_days: c.within_days,
        starts_at: c.starts_at,
        closes_at: c.closes_at,
        actor: c.actor,
        progress: RequalificationProgressOut {
            asked: c.progress.asked,
            confirmed: c.progress.confirmed,
            refused: c.progress.refused,
            silent: c.progress.silent,
        },
    }
}

/// Create a requalification campaign: select the prospects to ask, open the window; audited.
#[utoipa::path(post, path = "/api/v1/retention/requalifications", tag = TAG_RETENTION,
    params(OrgHeader),
    request_body = RequalificationIn,
    responses(
        (status = 201, description = "The campaign and who it asks", body = RequalificationOut),
        (status = 400, description = "A field is invalid; `field` names it", body = ErrorBody),
    ))]
pub async fn create_requalification(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<RequalificationIn>,
) -> ApiResult<(StatusCode, Json<RequalificationOut>)> {
    let channel: Channel = input
        .channel
        .parse()
        .map_err(|e: vigie_core::ParseVocabError| {
            ApiError::field("invalid_field", "channel", e.to_string())
        })?;
    let selection = match (input.selection.as_deref(), input.within_days) {
        (None | Some("period_ending"), Some(within_days)) if within_days <= 3650 => {
            RequalificationSelection::PeriodEnding { within_days }
        }
        (None | Some("period_ending"), Some(_)) => {
            return Err(ApiError::field(
                "invalid_field",
                "within_days",
                "at most 3650 days",
            ));
        }
        (None | Some("period_ending"), None) => {
            return Err(ApiError::field(
                "invalid_field",
                "within_days",
                "the period_ending selection needs within_days",
            ));
        }
        (Some("without_consent_proof"), _) => RequalificationSelection::WithoutConsentProof,
        (Some(other), _) => {
            return Err(ApiError::field(
                "invalid_field",
                "selection",
                format!("{other:?} is not a selection (period_ending, without_consent_proof)"),
            ));
        }
    };
    let window_days = input
        .window_days
        .unwrap_or(vigie_store::DEFAULT_WINDOW_DAYS);
    if !(1..=365).contains(&window_days) {
        return Err(ApiError::field(
            "invalid_field",
            "window_days",
            "from 1 to 365 days",
        ));
    }
    if input.name.trim().is_empty() || input.name.chars().count() > 200 {
        return Err(ApiError::field(
            "invalid_field",
            "name",
            "a name of 1 to 200 characters",
        ));
    }
    let new = NewRequalification {
        name: input.name,
        channel,
        at: input.at.unwrap_or_else(|| Timestamp::now().to_string()),
        selection,
        window_days,
    };
    let created = state
        .store()
        .create_requalification(
            caller.org.id,
            &new,
            caller.audit_event("retention.requalification.create", None),
        )
        .await
        .map_err(|e| match e {
            // The store names the field first: `at: …`.
            StoreError::Invalid(m) => {
                let field = m.split(':').next().unwrap_or("body").to_owned();
                ApiError::field("invalid_field", &field, m)
            }
            e => e.into(),
        })?;
    Ok((StatusCode::CREATED, Json(campaign_out(created))))
}

/// A requalification campaign and its progress (asked, confirmed, refused, silent).
#[utoipa::path(get, path = "/api/v1/retention/requalifications/{id}", tag = TAG_RETENTION,
    params(OrgHeader, ("id" = i64, Path, description = "The campaign")),
    responses(
        (status = 200, description = "The campaign", body = RequalificationOut),
        (status = 404, description = "No such campaign in this organization", body = ErrorBody),
    ))]
pub async fn get_requalification(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RequalificationOut>> {
    let found = state
        .store()
        .requalification(caller.org.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no requalification campaign {id}")))?;
    Ok(Json(campaign_out(found)))
}
