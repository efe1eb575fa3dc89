//! JSON errors: every failure of the API answers `{"error": {"code", "message", "field"?}}` with a
//! stable snake_case code, a sentence naming the field at fault, and never a stack trace.

use std::borrow::Cow;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use vigie_store::StoreError;

/// An error of the API.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub message: String,
    pub field: Option<String>,
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable code in snake_case (`invalid_field`, `missing_field`,
    /// `unknown_field`, `invalid_json`, `invalid_email`, `invalid_phone`, `not_found`,
    /// `contact_exists`, `unknown_organization`, …).
    #[schema(example = "invalid_email")]
    pub code: String,
    /// A readable sentence naming the field at fault.
    #[schema(example = "email: not an e-mail address: \"marie@\"")]
    pub message: String,
    /// The JSON path or query parameter at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "email")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            field: None,
        }
    }

    /// A 400 about one field of the request.
    pub fn field(
        code: impl Into<Cow<'static, str>>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let field = field.into();
        let message = message.into();
        let message = if message.starts_with(&format!("{field}:")) {
            message
        } else {
            format!("{field}: {message}")
        };
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: code.into(),
            message,
            field: Some(field),
        }
    }

    pub fn bad_request(code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "internal error (see the server log)",
        )
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message.clone(),
                field: self.field.clone(),
            },
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Log the code and the field only: messages may quote personal data sent by the client.
        if self.status.is_server_error() {
            tracing::error!(code = %self.code, "request failed");
        } else {
            tracing::debug!(code = %self.code, field = self.field.as_deref().unwrap_or(""), "request refused");
        }
        (self.status, Json(self.body())).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::not_found(format!("not found: {what}")),
            StoreError::Conflict(what) => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                format!("conflict: {what}"),
            ),
            StoreError::Invalid(what) => ApiError::bad_request("invalid", what),
            StoreError::UnknownContacts(_) => ApiError::not_found("unknown contact"),
            other => {
                // Store errors carry no clear personal data (the store only sees sealed rows).
                tracing::error!(error = %other, "store error");
                ApiError::internal()
            }
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Turns a serde_json error of a request body (read with `serde_path_to_error`) into an error
/// that names the field.
pub fn from_json_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let message = strip_position(&inner.to_string());
    use serde_json::error::Category;
    match inner.classify() {
        Category::Syntax | Category::Eof | Category::Io => ApiError::bad_request(
            "invalid_json",
            format!(
                "the body is not valid JSON: {} (line {}, column {})",
                message,
                inner.line(),
                inner.column()
            ),
        ),
        Category::Data => {
            let parent = if path == "." { None } else { Some(path) };
            let join = |name: &str| match &parent {
                Some(p) => format!("{p}.{name}"),
                None => name.to_owned(),
            };
            if let Some(name) = between(&message, "missing field `", "`") {
                let field = join(name);
                ApiError::field(
                    "missing_field",
                    field.clone(),
                    format!("{field}: this field is required"),
                )
            } else if let Some(name) = between(&message, "unknown field `", "`") {
                // Here the path already ends with the unknown field.
                let field = parent.clone().unwrap_or_else(|| name.to_owned());
                let expected = message
                    .split_once(", expected ")
                    .map(|(_, x)| x.to_owned())
                    .unwrap_or_default();
                let hint = if expected.is_empty() {
                    String::new()
                } else {
                    format!(" (expected {expected})")
                };
                ApiError::field(
                    "unknown_field",
                    field.clone(),
                    format!("{field}: unknown field{hint}"),
                )
            } else if let Some(field) = parent.filter(|p| !p.starts_with('[')) {
                ApiError::field("invalid_field", field, message)
            } else {
                ApiError::bad_request(
                    "invalid_body",
                    format!("the body must be a JSON object: {message}"),
                )
            }
        }
    }
}

/// An unreadable decision request (vigie-core's reader), as an error naming the field.
pub fn from_request_error(e: &vigie_core::RequestError) -> ApiError {
    from_field_error(e.path(), e.message(), &e.to_string())
}

/// An unreadable assessment request (vigie-core's `assess` reader), as an error naming the field.
pub fn from_assess_error(e: &vigie_core::assess::AssessError) -> ApiError {
    from_field_error(e.path(), e.message(), &e.to_string())
}

/// Registers that cannot be read or do not hold together (vigie-core), naming the field.
pub fn from_registers_error(e: &vigie_core::registers::RegistersError) -> ApiError {
    from_field_error(&e.path, &e.message, &e.to_string())
}

/// A reader's error at `path` (empty: the whole document), coded by what its message says.
fn from_field_error(path: &str, message: &str, full: &str) -> ApiError {
    let code = if message.starts_with("invalid JSON") {
        "invalid_json"
    } else if message.starts_with("missing field") {
        "missing_field"
    } else if message.starts_with("unknown field") {
        "unknown_field"
    } else {
        "invalid_field"
    };
    if path.is_empty() {
        ApiError::bad_request(code, full)
    } else {
        ApiError::field(code, path, full)
    }
}

/// serde_json appends " at line L column C" to its messages; the position is given apart.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &s[s.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        a: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        inner: Option<Inner>,
    }

    fn err(json: &str) -> ApiError {
        let de = &mut serde_json::Deserializer::from_str(json);
        from_json_error(serde_path_to_error::deserialize::<_, Outer>(de).unwrap_err())
    }

    #[test]
    fn json_errors_name_the_field() {
        let e = err("{");
        assert_eq!(e.code, "invalid_json");
        let e = err("{}");
        assert_eq!(
            (e.code.as_ref(), e.field.as_deref()),
            ("missing_field", Some("name"))
        );
        let e = err(r#"{"name":"x","inner":{}}"#);
        assert_eq!(
            (e.code.as_ref(), e.field.as_deref()),
            ("missing_field", Some("inner.a"))
        );
        let e = err(r#"{"name":"x","nope":1}"#);
        assert_eq!(
            (e.code.as_ref(), e.field.as_deref()),
            ("unknown_field", Some("nope"))
        );
        let e = err(r#"{"name":3}"#);
        assert_eq!(
            (e.code.as_ref(), e.field.as_deref()),
            ("invalid_field", Some("name"))
        );
        assert!(e.message.starts_with("name: invalid type"), "{}", e.message);
        assert!(!e.message.contains("line"), "{}", e.message);
        let e = err("[]");
        assert_eq!(e.code, "invalid_body");
    }
}
