//! Webhooks in the API (issue 15): the organization's endpoints (created with a secret shown
//! once, paused, resumed, deleted), the outbox with its counts and filters, retries of failed
//! rows; and the inbound e-mail sources. Admins only (`webhooks:manage`); every change audited.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigie_core::webhooks::{EndpointUrl, WebhookEvent};
use vigie_store::{DeliveryStatus, NewWebhook, OutboxCounts, OutboxEntry, OutboxQuery, Webhook};

use crate::AppState;
use crate::api::OrgHeader;
use crate::auth::Caller;
use crate::dto::{DeliveryStatusName, WebhookEventName};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};

pub const TAG_WEBHOOKS: &str = "webhooks";

/// An endpoint to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// 1 to 64 of a-z, 0-9, `-` and `_`; unique in the organization.
    #[schema(
        example = "crm",
        pattern = "^[a-z0-9_-]{1,64}$",
        min_length = 1,
        max_length = 64
    )]
    pub name: String,
    /// `https://`, or `http://` only to this machine; printable ASCII (an international
    /// domain in its `xn--` form).
    #[schema(
        example = "https://crm.example/hooks/vigie",
        max_length = 2048,
        pattern = r"^(https://[!-.0-~][!-~]*|http://(127\.0\.0\.1|localhost)[:/][!-~]*|http://\[::1\]:[!-~]*)$"
    )]
    pub url: String,
    /// `consent.grant`, `consent.withdraw`, `consent.object`, `contact.restricted`,
    /// `contact.restriction_lifted`, `contact.erased`.
    #[schema(value_type = Vec<WebhookEventName>, min_items = 1, example = json!(["consent.withdraw", "consent.object"]))]
    pub events: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookOut {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    /// `false` while paused: changes still queue, nothing is sent.
    pub active: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
}

/// A created endpoint and the secret it verifies `Vigie-Signature` with: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhookOut {
    pub webhook: WebhookOut,
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub secret: String,
}

pub(crate) fn webhook_out(w: Webhook) -> WebhookOut {
    WebhookOut {
        id: w.id,
        name: w.name,
        url: w.url,
        events: w.events.iter().map(|e| e.as_str().to_owned()).collect(),
        active: w.active,
        created_at: w.created_at,
    }
}

/// Reads an endpoint's fields; a bad one is named (`url`, `events[1]`).
pub(crate) fn parse_webhook(input: &WebhookInput) -> ApiResult<NewWebhook> {
    let url =
        EndpointUrl::parse(&input.url).map_err(|m| ApiError::field("invalid_field", "url", m))?;
    if input.events.is_empty() {
        return Err(ApiError::field(
            "invalid_field",
            "events",
            "name at least one event type",
        ));
    }
    let events = input
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            e.parse::<WebhookEvent>().map_err(|err| {
                ApiError::field("invalid_field", format!("events[{i}]"), err.to_string())
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(NewWebhook {
        name: input.name.clone(),
        url,
        events,
    })
}

/// The organization's webhook endpoints.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = TAG_WEBHOOKS,
    params(OrgHeader),
    responses((status = 200, description = "The endpoints, by name", body = Vec<WebhookOut>)))]
pub async fn list_webhooks(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<WebhookOut>>> {
    let hooks = state.store().webhooks(caller.org.id).await?;
    Ok(Json(hooks.into_iter().map(webhook_out).collect()))
}

/// Create an endpoint; the answer holds its signing secret, shown this once.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = TAG_WEBHOOKS,
    params(OrgHeader),
    request_body = WebhookInput,
    responses(
        (status = 201, description = "Created", body = CreatedWebhookOut),
        (status = 400, description = "A field is invalid; `field` names it", body = ErrorBody),
        (status = 409, description = "An endpoint has this name", body = ErrorBody),
    ))]
pub async fn create_webhook(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<WebhookInput>,
) -> ApiResult<(StatusCode, Json<CreatedWebhookOut>)> {
    let new = parse_webhook(&input)?;
    let created = state
        .store()
        .create_webhook(
            caller.org.id,
            &new,
            caller.audit_event("webhook.create", None),
        )
        .await
        .map_err(|e| match e {
            vigie_store::StoreError::Invalid(m) => ApiError::field("invalid_field", "name", m),
            e => e.into(),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWebhookOut {
            webhook: webhook_out(created.webhook),
            secret: created.secret,
        }),
    ))
}

/// An endpoint's id in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct WebhookId {
    #[param(minimum = 1)]
    pub id: i64,
}

/// What to do with an endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookChange {
    /// `false` pauses (changes queue, nothing is sent), `true` resumes.
    pub active: bool,
}

/// Pause or resume an endpoint.
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = TAG_WEBHOOKS,
    params(OrgHeader, WebhookId),
    request_body = WebhookChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 404, description = "No such endpoint", body = ErrorBody),
    ))]
pub async fn patch_webhook(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(WebhookId { id }): ApiPath<WebhookId>,
    ApiJson(change): ApiJson<WebhookChange>,
) -> ApiResult<StatusCode> {
    let action = if change.active {
        "webhook.resume"
    } else {
        "webhook.pause"
    };
    state
        .store()
        .set_webhook_active(
            caller.org.id,
            id,
            change.active,
            caller.audit_event(action, None),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete an endpoint and its undelivered rows.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = TAG_WEBHOOKS,
    params(OrgHeader, WebhookId),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such endpoint", body = ErrorBody),
    ))]
pub async fn delete_webhook(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(WebhookId { id }): ApiPath<WebhookId>,
) -> ApiResult<StatusCode> {
    state
        .store()
        .delete_webhook(
            caller.org.id,
            id,
            caller.audit_event("webhook.delete", None),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which rows of the outbox to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OutboxParams {
    /// `pending`, `delivered` or `failed`.
    #[param(value_type = Option<DeliveryStatusName>)]
    pub status: Option<String>,
    /// Only this endpoint's rows.
    pub webhook: Option<i64>,
    /// Rows older than this one (the `next_before` of the previous page).
    pub before: Option<i64>,
    /// At most this many rows (1–1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxOut {
    /// Rows per status in the whole outbox, and the oldest pending row.
    #[schema(value_type = Object)]
    pub counts: OutboxCounts,
    /// Newest first. Each row: `webhook_id`, `webhook`, `status`, `attempts`,
    /// `next_attempt_at` (pending), `delivered_at`, `http_status`, `last_error`, and the
    /// `payload` sent.
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<OutboxEntry>,
    /// The `before` of the next page, when there is one.
    pub next_before: Option<i64>,
}

pub(crate) fn outbox_query(p: &OutboxParams) -> ApiResult<OutboxQuery> {
    let limit = match p.limit {
        None => 100,
        Some(n @ 1..=1000) => n,
        Some(_) => return Err(ApiError::field("invalid_parameter", "limit", "1 to 1000")),
    };
    let status = match p.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(DeliveryStatus::parse(s).ok_or_else(|| {
            ApiError::field("invalid_field", "status", "pending, delivered or failed")
        })?),
    };
    Ok(OutboxQuery {
        status,
        webhook_id: p.webhook,
        before_id: p.before,
        limit,
    })
}

/// The outbox: counts by status, and rows newest first with their delivery state.
#[utoipa::path(get, path = "/api/v1/webhooks/outbox", tag = TAG_WEBHOOKS,
    params(OrgHeader, OutboxParams),
    responses(
        (status = 200, description = "Counts and rows", body = OutboxOut),
        (status = 400, description = "A parameter is invalid; `field` names it", body = ErrorBody),
    ))]
pub async fn list_outbox(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<OutboxParams>,
) -> ApiResult<Json<OutboxOut>> {
    let q = outbox_query(&params)?;
    let store = state.store();
    let rows = store.outbox(caller.org.id, &q).await?;
    let next_before = (rows.len() == q.limit as usize)
        .then(|| rows.last().map(|r| r.payload.id))
        .flatten();
    Ok(Json(OutboxOut {
        counts: store.outbox_counts(caller.org.id).await?,
        rows,
        next_before,
    }))
}

/// Which failed rows to send again.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetryInput {
    /// One row; every failed row of the endpoint when left out.
    #[serde(default, deserialize_with = "crate::dto::optional_whole")]
    #[schema(minimum = 0)]
    pub row: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RetryOut {
    /// Rows put back in the queue, due now.
    pub requeued: u64,
}

/// Send failed rows of an endpoint again (they hold the rows after them, in order).
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/retry", tag = TAG_WEBHOOKS,
    params(OrgHeader, WebhookId),
    request_body = RetryInput,
    responses(
        (status = 200, description = "Queued again", body = RetryOut),
        (status = 404, description = "No such endpoint", body = ErrorBody),
    ))]
pub async fn retry_webhook(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(WebhookId { id }): ApiPath<WebhookId>,
    ApiJson(input): ApiJson<RetryInput>,
) -> ApiResult<Json<RetryOut>> {
    let store = state.store();
    if !store
        .webhooks(caller.org.id)
        .await?
        .iter()
        .any(|w| w.id == id)
    {
        return Err(ApiError::not_found("no such webhook"));
    }
    let requeued = store
        .retry_outbox(
            caller.org.id,
            id,
            input.row,
            caller.audit_event("webhook.retry", None),
        )
        .await?;
    Ok(Json(RetryOut { requeued }))
}

/// An inbound source to declare.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundSourceInput {
    /// 1 to 64 of a-z, 0-9, `-` and `_`: the `{source}` of `POST /inbound/{org}/{source}`.
    #[schema(
        example = "emailing",
        pattern = "^[a-z0-9_-]{1,64}$",
        min_length = 1,
        max_length = 64
    )]
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboundSourceOut {
    pub name: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedSourceOut {
    pub name: String,
    /// Where the service posts its events.
    #[schema(example = "/inbound/acme/emailing")]
    pub path: String,
    /// The secret the service signs `Vigie-Signature` with: shown this once.
    pub secret: String,
}

/// The organization's inbound e-mail sources.
#[utoipa::path(get, path = "/api/v1/inbound-sources", tag = TAG_WEBHOOKS,
    params(OrgHeader),
    responses((status = 200, description = "The sources", body = Vec<InboundSourceOut>)))]
pub async fn list_sources(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<InboundSourceOut>>> {
    let sources = state.store().inbound_sources(caller.org.id).await?;
    Ok(Json(
        sources
            .into_iter()
            .map(|s| InboundSourceOut {
                name: s.name,
                created_at: s.created_at,
            })
            .collect(),
    ))
}

/// Declare a source; the answer holds its signing secret, shown this once.
#[utoipa::path(post, path = "/api/v1/inbound-sources", tag = TAG_WEBHOOKS,
    params(OrgHeader),
    request_body = InboundSourceInput,
    responses(
        (status = 201, description = "Declared", body = CreatedSourceOut),
        (status = 400, description = "The name is invalid", body = ErrorBody),
        (status = 409, description = "A source has this name", body = ErrorBody),
    ))]
pub async fn create_source(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<InboundSourceInput>,
) -> ApiResult<(StatusCode, Json<CreatedSourceOut>)> {
    let secret = state
        .store()
        .create_inbound_source(
            caller.org.id,
            &input.name,
            caller.audit_event("inbound.create", None),
        )
        .await
        .map_err(|e| match e {
            vigie_store::StoreError::Invalid(m) => ApiError::field("invalid_field", "name", m),
            e => e.into(),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedSourceOut {
            path: format!("/inbound/{}/{}", caller.org.slug, input.name),
            name: input.name,
            secret,
        }),
    ))
}

/// A source's name in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SourceName {
    pub name: String,
}

/// Remove a source: its later posts are refused.
#[utoipa::path(delete, path = "/api/v1/inbound-sources/{name}", tag = TAG_WEBHOOKS,
    params(OrgHeader, SourceName),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such source", body = ErrorBody),
    ))]
pub async fn delete_source(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(SourceName { name }): ApiPath<SourceName>,
) -> ApiResult<StatusCode> {
    state
        .store()
        .delete_inbound_source(
            caller.org.id,
            &name,
            caller.audit_event("inbound.delete", None),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
