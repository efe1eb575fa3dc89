//! `/api/v1/retention/requalifications…`: create a requalification campaign and follow its
//! progress (the store's `requalification.rs` says who is asked and how answers are recorded;
//! the people answer on the public page of their link, `requalify.rs`).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vigie_core::spreadsheet::formula_safe;
use vigie_core::{Channel, IdentifierKind, Timestamp};
use vigie_store::{
    AuditEvent, NewRequalification, Organization, RequalificationCampaign, RequalificationExport,
    RequalificationSelection, Store, StoreError,
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

/// How many were asked, how many were sent their link, and what they answered
/// (`confirmed + refused + silent + not_sent = asked`).
#[derive(Debug, Serialize, ToSchema)]
pub struct RequalificationProgressOut {
    /// The people the campaign asks.
    pub asked: i64,
    /// Those whose link was in an export of the links (CLI, API or web application) at least
    /// once.
    pub sent: i64,
    /// Answered yes.
    pub confirmed: i64,
    /// Answered no.
    pub refused: i64,
    /// Sent, no answer yet.
    pub silent: i64,
    /// Never in an export, no answer. The window's end erases them as it erases the silent.
    pub not_sent: i64,
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
            sent: c.progress.sent,
            confirmed: c.progress.confirmed,
            refused: c.progress.refused,
            silent: c.progress.silent,
            not_sent: c.progress.not_sent,
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
    let created = create(&state, &caller, new_requalification(input)?).await?;
    Ok((StatusCode::CREATED, Json(campaign_out(created))))
}

/// A campaign to create, read from the API's request (the page's form builds one too); a wrong
/// field is named.
pub(crate) fn new_requalification(input: RequalificationIn) -> ApiResult<NewRequalification> {
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
    Ok(NewRequalification {
        name: input.name,
        channel,
        at: input.at.unwrap_or_else(|| Timestamp::now().to_string()),
        selection,
        window_days,
    })
}

/// Creates a campaign, audited: the API's and the page's one way.
pub(crate) async fn create(
    state: &AppState,
    caller: &Caller,
    new: NewRequalification,
) -> ApiResult<RequalificationCampaign> {
    state
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
        })
}

/// A requalification campaign and its progress (asked, sent, confirmed, refused, silent, not
/// yet sent).
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

/// A campaign's links as CSV for the e-mail (SMS, mail) service: one row per person the channel
/// reaches, with the identifier it needs, the signed link and its expiry (the window's end).
/// Downloading it marks those people sent, records the export and audits it.
#[utoipa::path(get, path = "/api/v1/retention/requalifications/{id}/links", tag = TAG_RETENTION,
    params(OrgHeader, ("id" = i64, Path, description = "The campaign")),
    responses(
        (status = 200, description = "contact_ref, then email (an e-mail campaign) or phone (SMS, \
            WhatsApp, phone, automated call, fax, in E.164; none for postal mail), link (the \
            person's page on the server's public_url, else on the address the request reached), \
            token, expires (the window's end); text cells formula-safe",
            content_type = "text/csv", body = String),
        (status = 404, description = "No such campaign in this organization", body = ErrorBody),
        (status = 409, description = "The campaign's window has closed", body = ErrorBody),
    ))]
pub async fn get_requalification_links(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    links_download(&state, &caller, &headers, id).await
}

/// The links file as a download: the API's and the page's one way. The links are built on the
/// configured `public_url` (else on the address this request reached).
pub(crate) async fn links_download(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    id: i64,
) -> ApiResult<Response> {
    let base = crate::forms::public_base(state, headers);
    let file = requalification_links_csv(
        state.store(),
        &caller.org,
        id,
        &base,
        None,
        Timestamp::now(),
        caller.audit_event("retention.requalification.export", None),
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"requalification-{id}-liens.csv\""),
            ),
        ],
        file.csv,
    )
        .into_response())
}

/// A campaign's links file and what its export recorded.
pub struct LinksFile {
    pub csv: String,
    pub export: RequalificationExport,
}

/// Exports a campaign's links (the store records the export and marks the people sent) and
/// writes them as CSV, every cell formula-safe: the one producer of the file for the CLI, the
/// API and the page. `base` is the server's public address (the `link` column is
/// `<base>/requalify/<org>/<token>`); `expires`, by default the window's end.
pub async fn requalification_links_csv(
    store: &Store,
    org: &Organization,
    id: i64,
    base: &str,
    expires: Option<Timestamp>,
    now: Timestamp,
    audit: AuditEvent,
) -> Result<LinksFile, StoreError> {
    let exported = store
        .export_requalification_links(org.id, id, expires, now, audit)
        .await?;
    let identifier = exported.campaign.channel.identifier();
    let mut head = vec!["contact_ref"];
    match identifier {
        Some(IdentifierKind::Email) => head.push("email"),
        Some(IdentifierKind::Phone) => head.push("phone"),
        None => {}
    }
    head.extend(["link", "token", "expires"]);
    let base = base.trim_end_matches('/');
    let expires = exported.export.expires_at.to_string();
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| StoreError::Other(e.to_string());
    w.write_record(&head).map_err(csv_error)?;
    for l in &exported.links {
        let link = format!("{base}/requalify/{}/{}", org.slug, l.token);
        let mut cells = vec![formula_safe(&l.contact_ref)];
        match identifier {
            Some(IdentifierKind::Email) => {
                cells.push(formula_safe(l.email.as_ref().map_or("", |e| e.as_str())));
            }
            // A parsed E.164 number, `+` and digits: no formula to run, and a leading `'` would
            // spoil the number for the SMS or call service that imports the file.
            Some(IdentifierKind::Phone) => {
                cells.push(l.phone.as_ref().map_or("", |p| p.as_str()).into());
            }
            None => {}
        }
        cells.extend([
            formula_safe(&link),
            formula_safe(&l.token),
            formula_safe(&expires),
        ]);
        w.write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(csv_error)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(LinksFile {
        csv: String::from_utf8(bytes).map_err(|e| StoreError::Other(e.to_string()))?,
        export: exported.export,
    })
}
