//! The consent forms' API: list, read (with the embeddable snippet), and save a definition (a
//! change is a new version; the old ones stay for the proof). The definition is read by the
//! core (`vigie_core::forms::FormSpec`), which names the field at fault.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use maud::html;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigie_core::Lang;
use vigie_core::forms::{FormSpec, valid_form_slug};
use vigie_store::StoredForm;

use crate::AppState;
use crate::api::OrgHeader;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use crate::forms::{form_fields, form_path, public_base};
use crate::html::W;

pub const TAG_FORMS: &str = "consent forms";

#[derive(Serialize, ToSchema)]
pub struct FormOut {
    pub slug: String,
    pub version: i64,
    /// The definition: `name`, `purposes`, `boxes` (`channel`, `wording_fr`, `wording_en`),
    /// `notice_version`, `fields`, `double_opt_in`, `allowed_origins`.
    #[schema(value_type = Object)]
    pub definition: FormSpec,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
    /// The hosted page.
    pub address: String,
    /// An HTML form to paste in the organization's pages: it posts to the hosted page's
    /// address, without JavaScript (French wording).
    pub snippet: String,
}

/// The snippet of a form: the hosted page's fields in a plain HTML form posting to `base`.
pub(crate) fn snippet(base: &str, org: &str, form: &StoredForm, lang: Lang) -> String {
    let action = format!("{base}{}", form_path(org, &form.slug));
    html! {
        form method="post" action=(action) accept-charset="utf-8" {
            (form_fields(form, lang))
            button type="submit" { (W::FmSubmit.t(lang)) }
        }
    }
    .into_string()
}

fn out(base: &str, org: &str, form: StoredForm) -> FormOut {
    FormOut {
        snippet: snippet(base, org, &form, Lang::Fr),
        address: format!("{base}{}", form_path(org, &form.slug)),
        slug: form.slug,
        version: form.version,
        definition: form.spec,
        created_at: form.created_at,
    }
}

/// A box of a form: one per channel, never ticked in advance (the model has no such state).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // the document's shape; the core's `ConsentBox` reads the request
pub struct ConsentBoxDoc {
    #[schema(value_type = crate::dto::ChannelName)]
    channel: String,
    /// The exact wording shown in French (its SHA-256 goes into the proof).
    #[schema(min_length = 1, max_length = 1000)]
    wording_fr: String,
    /// The wording shown in English; without it the English page shows the French one.
    #[schema(min_length = 1, max_length = 1000)]
    wording_en: Option<String>,
}

/// A field a form collects.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum FormFieldName {
    Email,
    Phone,
    FirstName,
    LastName,
}

/// A form's definition, as `vigie_core::forms::FormSpec` reads it (naming the field at fault).
/// Rules across fields answer 400: one box per channel, no postal box, the identifier a box is
/// given for among `fields`, the notice published.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // the document's shape; the core's `FormSpec` reads the request
pub struct FormDefinitionDoc {
    #[schema(min_length = 1, max_length = 100, example = "Lettre d'information")]
    name: String,
    #[schema(value_type = Vec<crate::dto::PurposeName>, min_items = 1)]
    purposes: Vec<String>,
    #[schema(min_items = 1)]
    boxes: Vec<ConsentBoxDoc>,
    /// A published notice version.
    #[schema(pattern = "^[A-Za-z0-9._-]{1,32}$")]
    notice_version: String,
    fields: Vec<FormFieldName>,
    /// Whether e-mail consent waits for the person's confirmation (default true).
    double_opt_in: Option<bool>,
    /// Sites allowed to post from a script: `https://host[:port]`.
    allowed_origins: Option<Vec<String>>,
}

/// The latest version of every form.
#[utoipa::path(get, path = "/api/v1/forms", tag = TAG_FORMS,
    params(OrgHeader),
    responses((status = 200, description = "The forms, by name", body = Vec<FormOut>)))]
pub async fn list_forms(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<FormOut>>> {
    let base = public_base(&state, &headers);
    let forms = state.store().forms(caller.org.id).await?;
    Ok(Json(
        forms
            .into_iter()
            .map(|f| out(&base, &caller.org.slug, f))
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FormSlug {
    /// The form's name in its address: 1-64 of `a-z`, `0-9`, `-`.
    pub slug: String,
}

/// A form's latest version, with its snippet.
#[utoipa::path(get, path = "/api/v1/forms/{slug}", tag = TAG_FORMS,
    params(OrgHeader, FormSlug),
    responses(
        (status = 200, description = "The form", body = FormOut),
        (status = 404, description = "No such form", body = ErrorBody),
    ))]
pub async fn get_form(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(p): ApiPath<FormSlug>,
) -> ApiResult<Json<FormOut>> {
    let form = state
        .store()
        .form(caller.org.id, &p.slug, None)
        .await?
        .ok_or_else(|| ApiError::not_found("no such form"))?;
    Ok(Json(out(
        &public_base(&state, &headers),
        &caller.org.slug,
        form,
    )))
}

/// Save a form's definition: a new version when it differs from the latest (201), the latest
/// when it is the same (200). Boxes have no ticked state; the notice must be published.
#[utoipa::path(put, path = "/api/v1/forms/{slug}", tag = TAG_FORMS,
    params(OrgHeader, FormSlug),
    request_body = FormDefinitionDoc,
    responses(
        (status = 200, description = "Unchanged: the latest version", body = FormOut),
        (status = 201, description = "A new version", body = FormOut),
        (status = 400, description = "The definition is refused, the field named", body = ErrorBody),
        (status = 409, description = "Another save made this version meanwhile", body = ErrorBody),
    ))]
pub async fn put_form(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(p): ApiPath<FormSlug>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<FormOut>)> {
    if !valid_form_slug(&p.slug) {
        return Err(ApiError::field(
            "invalid_field",
            "slug",
            "1-64 of a-z, 0-9, '-'",
        ));
    }
    let spec = FormSpec::from_json(&body.to_string())
        .map_err(|e| ApiError::field("invalid_field", e.field, e.message))?;
    let before = state.store().form(caller.org.id, &p.slug, None).await?;
    let saved = state
        .store()
        .save_form(
            caller.org.id,
            &p.slug,
            &spec,
            caller.audit_event("form.save", None),
        )
        .await?;
    let status = if before.is_some_and(|b| b.version == saved.version) {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(out(&public_base(&state, &headers), &caller.org.slug, saved)),
    ))
}
