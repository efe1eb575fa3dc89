//! Extractors whose rejections are JSON errors naming the field, never axum's plain text.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use vigie_store::valid_org_slug;

use crate::error::{ApiError, from_json_error};

/// The request header naming the organization (slug) a request works on.
pub const ORG_HEADER: &str = "vigie-org";

/// The raw bytes of a JSON request body: the content type is checked (`application/json` or
/// `application/*+json`) and the size limit applied, nothing is deserialized. Every JSON body of
/// the API is read through here; the decision route hands the bytes to the engine's own reader.
pub struct JsonBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !(essence == "application/json"
            || (essence.starts_with("application/") && essence.ends_with("+json")))
        {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be JSON, sent with the header Content-Type: application/json",
            ));
        }
        Bytes::from_request(req, state)
            .await
            .map(JsonBytes)
            .map_err(bytes_rejection)
    }
}

/// A JSON request body, read with errors that name the field at fault.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let JsonBytes(bytes) = JsonBytes::from_request(req, state).await?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut de).map_err(from_json_error)?;
        // Nothing but white space may follow the value.
        de.end().map_err(|e| {
            ApiError::bad_request("invalid_json", format!("the body is not valid JSON: {e}"))
        })?;
        Ok(ApiJson(value))
    }
}

fn bytes_rejection(r: BytesRejection) -> ApiError {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the body is larger than the 1 MiB limit",
        )
    } else {
        ApiError::bad_request("invalid_body", "the body could not be read")
    }
}

/// Query parameters, with rejections that name the parameter.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(q) => Ok(ApiQuery(q.0)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                // "Failed to deserialize query string: limit: invalid digit found in string"
                let text = e.body_text();
                let detail = text
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&text)
                    .to_owned();
                let field = detail
                    .split_once(": ")
                    .map(|(f, _)| f.to_owned())
                    .filter(|f| !f.contains(' '));
                let detail = match detail
                    .strip_prefix("missing field `")
                    .and_then(|r| r.split_once('`'))
                {
                    Some((name, _)) => {
                        return Err(ApiError::field(
                            "missing_parameter",
                            name,
                            "this parameter is required",
                        ));
                    }
                    None => detail,
                };
                Err(match field {
                    Some(f) => ApiError::field("invalid_parameter", f, detail),
                    None => ApiError::bad_request("invalid_parameter", detail),
                })
            }
            Err(other) => Err(ApiError::bad_request(
                "invalid_parameter",
                other.body_text(),
            )),
        }
    }
}

/// Path parameters, with JSON rejections.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e: PathRejection| ApiError::bad_request("invalid_path", e.body_text()))
    }
}

pub fn unknown_org(slug: &str) -> ApiError {
    let shown: String = if valid_org_slug(slug) {
        slug.to_owned()
    } else {
        slug.chars().take(64).collect()
    };
    let mut e = ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_organization",
        format!(
            "Vigie-Org: unknown organization {shown:?} (create it with `vigie org add {shown}`)"
        ),
    );
    e.field = Some("Vigie-Org".into());
    e
}

/// The `limit` query parameter of a listing: `default` when absent, refused outside 1..=`max`.
pub fn page_limit(limit: Option<u32>, default: u32, max: u32) -> Result<u32, ApiError> {
    let limit = limit.unwrap_or(default);
    if (1..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::field(
            "invalid_parameter",
            "limit",
            format!("must be 1 to {max}"),
        ))
    }
}
