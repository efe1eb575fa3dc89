//! Privacy notices (GDPR art. 13 and 14, issue 13): generated from the registers in French and
//! English (vigie-core), kept by version, published at a stable public address per organization
//! and version — `/privacy/{org}/notice` (the version in force) and
//! `/privacy/{org}/notice/{version}` — and frozen once published or named by consent events.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigie_core::Lang;
use vigie_core::registers::notice::notice_text;
use vigie_core::spreadsheet::formula_safe;
use vigie_store::Notice;

use crate::AppState;
use crate::api::OrgHeader;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use crate::html::lang::PageLang;
use crate::html::{W, bare_page, store_error_page};
use crate::registers_api::{TAG_REGISTERS, current};

#[derive(Serialize, ToSchema)]
pub struct NoticeOut {
    pub version: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Option<jiff::Timestamp>,
    pub text_fr: String,
    pub text_en: String,
    /// The public address of this version.
    pub address: String,
}

fn out(org: &str, n: Notice) -> NoticeOut {
    NoticeOut {
        address: format!("/privacy/{org}/notice/{}", n.version),
        version: n.version,
        created_at: n.created_at,
        published_at: n.published_at,
        text_fr: n.text_fr,
        text_en: n.text_en,
    }
}

/// The organization's notice versions, newest first.
#[utoipa::path(get, path = "/api/v1/notices", tag = TAG_REGISTERS,
    params(OrgHeader),
    responses((status = 200, description = "The versions", body = Vec<NoticeOut>)))]
pub async fn list_notices(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<NoticeOut>>> {
    let notices = state.store().notices(caller.org.id).await?;
    Ok(Json(
        notices
            .into_iter()
            .map(|n| out(&caller.org.slug, n))
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeInput {
    /// The version's name (`v4`, `2026-12`): 1-32 of letters, digits, `.`, `-`, `_`.
    #[schema(example = "v4", pattern = "^[A-Za-z0-9._-]{1,32}$")]
    pub version: String,
}

/// Write a draft notice from the registers as they are now (French and English). A draft may
/// be written again; a published version, or one named by consent events, is refused (409).
#[utoipa::path(post, path = "/api/v1/notices", tag = TAG_REGISTERS,
    params(OrgHeader),
    request_body = NoticeInput,
    responses(
        (status = 201, description = "The draft", body = NoticeOut),
        (status = 404, description = "No registers yet", body = ErrorBody),
        (status = 409, description = "The version is published or named by consent events", body = ErrorBody),
    ))]
pub async fn write_notice(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NoticeInput>,
) -> ApiResult<(StatusCode, Json<NoticeOut>)> {
    let n = write_draft(&state, &caller, &input.version).await?;
    Ok((StatusCode::CREATED, Json(out(&caller.org.slug, n))))
}

/// Writes the draft `version` from the registers as they are now, in French and English, and
/// returns it: the API's and the DPO's page's one way to write a draft.
pub async fn write_draft(state: &AppState, caller: &Caller, version: &str) -> ApiResult<Notice> {
    if !vigie_core::registers::notice::valid_version(version) {
        return Err(ApiError::field(
            "invalid_field",
            "version",
            "1-32 of letters, digits, '.', '-', '_'",
        ));
    }
    let registers = current(state, caller.org.id).await?.registers;
    let store = state.store();
    store
        .write_notice(
            caller.org.id,
            version,
            &notice_text(&registers, Lang::Fr),
            &notice_text(&registers, Lang::En),
            caller.audit_event("notice.write", None),
        )
        .await?;
    store
        .notice(caller.org.id, version)
        .await?
        .ok_or_else(|| ApiError::not_found("no such notice"))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct NoticeVersion {
    pub version: String,
}

#[derive(Serialize, ToSchema)]
pub struct Published {
    pub notice: NoticeOut,
    /// Contacts not erased whose consent events name another version: the people to inform of
    /// the change, listed by `GET /api/v1/notices/{version}/recipients`.
    pub contacts_to_inform: u64,
}

/// Publish a draft: it then never changes, and is served at its public address.
#[utoipa::path(post, path = "/api/v1/notices/{version}/publish", tag = TAG_REGISTERS,
    params(OrgHeader, NoticeVersion),
    responses(
        (status = 200, description = "Published", body = Published),
        (status = 404, description = "No such version", body = ErrorBody),
        (status = 409, description = "Already published", body = ErrorBody),
    ))]
pub async fn publish_notice(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(path): ApiPath<NoticeVersion>,
) -> ApiResult<Json<Published>> {
    let (n, contacts_to_inform) = publish(&state, &caller, &path.version).await?;
    Ok(Json(Published {
        notice: out(&caller.org.slug, n),
        contacts_to_inform,
    }))
}

/// Publishes the draft `version`; returns it with the number of people to inform (contacts not
/// erased whose consent events name another version).
pub async fn publish(state: &AppState, caller: &Caller, version: &str) -> ApiResult<(Notice, u64)> {
    let store = state.store();
    store
        .publish_notice(
            caller.org.id,
            version,
            caller.audit_event("notice.publish", None),
        )
        .await?;
    let n = store
        .notice(caller.org.id, version)
        .await?
        .ok_or_else(|| ApiError::not_found("no such notice"))?;
    let contacts_to_inform = store
        .contacts_under_other_notices(caller.org.id, version)
        .await?;
    Ok((n, contacts_to_inform))
}

/// The people to inform of a version, as a CSV for the e-mail service (the source documents
/// ask for that e-mail): one row per contact not erased whose consent events name another
/// version — the people the publication counted. Cells are formula-safe; the export is recorded
/// in the audit trail as a bulk read naming every reference.
#[utoipa::path(get, path = "/api/v1/notices/{version}/recipients", tag = TAG_REGISTERS,
    params(OrgHeader, NoticeVersion),
    responses(
        (status = 200, description = "contact_ref,email,first_name,last_name — one row per contact to inform",
            content_type = "text/csv", body = String),
        (status = 404, description = "No such version", body = ErrorBody),
    ))]
pub async fn notice_recipients(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(path): ApiPath<NoticeVersion>,
) -> ApiResult<Response> {
    recipients_download(&state, &caller, &path.version).await
}

/// The CSV download of the people to inform of `version`, recorded in the audit trail as a
/// bulk read naming every reference (the API's and the DPO's page's one way to get it).
pub async fn recipients_download(
    state: &AppState,
    caller: &Caller,
    version: &str,
) -> ApiResult<Response> {
    let store = state.store();
    store
        .notice(caller.org.id, version)
        .await?
        .ok_or_else(|| ApiError::not_found("no such notice"))?;
    let contacts = store.contacts_to_inform(caller.org.id, version).await?;
    let refs = contacts.iter().map(|c| c.data.contact_ref.as_str());
    caller
        .audit_set(state, "notice.recipients.export", "contacts", refs)
        .await?;
    let csv = recipients_csv(&contacts);
    let name = format!("attachment; filename=\"a-informer-{version}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        csv,
    )
        .into_response())
}

/// The recipients file: a header, then one formula-safe row per contact.
pub fn recipients_csv(contacts: &[vigie_store::Contact]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let opt = |v: &Option<String>| formula_safe(v.as_deref().unwrap_or("")).into_owned();
    w.write_record(["contact_ref", "email", "first_name", "last_name"])
        .expect("writing to memory");
    for c in contacts {
        let d = &c.data;
        w.write_record([
            formula_safe(d.contact_ref.as_str()).into_owned(),
            formula_safe(d.email.as_ref().map_or("", |e| e.as_str())).into_owned(),
            opt(&d.first_name),
            opt(&d.last_name),
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 cells")
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/privacy/{org}/notice", get(public_current))
        .route("/privacy/{org}/notice/{version}", get(public_version))
}

fn public_page(lang: Lang, n: Option<Notice>) -> Response {
    let Some(n) = n.filter(|n| n.published_at.is_some()) else {
        return bare_page(
            lang,
            StatusCode::NOT_FOUND,
            W::NotFound.t(lang),
            html! { p { (W::NotFound.t(lang)) } },
        );
    };
    let text = if lang == Lang::Fr {
        &n.text_fr
    } else {
        &n.text_en
    };
    let title = format!("{} ({})", W::PrivacyNotice.t(lang), n.version);
    bare_page(lang, StatusCode::OK, &title, notice_markup(text, false))
}

/// A notice's text as markup: its `## ` lines as headings (a level down when `nested` under a
/// page's own `h2`), the others as paragraphs.
pub(crate) fn notice_markup(text: &str, nested: bool) -> Markup {
    html! {
        @for line in text.lines() {
            @if let Some(h) = line.strip_prefix("## ") { @if nested { h3 { (h) } } @else { h2 { (h) } } }
            @else if !line.is_empty() { p { (line) } }
        }
    }
}

async fn public_current(
    State(state): State<AppState>,
    lang: Option<axum::Extension<PageLang>>,
    Path(org): Path<String>,
) -> Response {
    let store = state.store();
    let found = match store.org(&org).await {
        Ok(Some(o)) => store.published_notice(o.id).await,
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    match found {
        Ok(n) => public_page(lang.map_or(Lang::Fr, |e| e.0.lang), n),
        Err(e) => store_error_page(e),
    }
}

async fn public_version(
    State(state): State<AppState>,
    lang: Option<axum::Extension<PageLang>>,
    Path((org, version)): Path<(String, String)>,
) -> Response {
    let store = state.store();
    let found = match store.org(&org).await {
        Ok(Some(o)) => store.notice(o.id, &version).await,
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    match found {
        Ok(n) => public_page(lang.map_or(Lang::Fr, |e| e.0.lang), n).into_response(),
        Err(e) => store_error_page(e),
    }
}
