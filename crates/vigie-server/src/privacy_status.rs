//! The privacy centre's status page, `/privacy/{org}/status/{token}`: where a request stands
//! (kind, status, dates, the answer once closed), never the identifier nor the staff's names,
//! and the download of an access or portability archive, recorded before it is given. The
//! filing and the one-time code are in `privacy.rs`.

use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use jiff::Timestamp;
use serde::Deserialize;
use vigie_core::Lang;
use vigie_core::dsar::RequestStatus;
use vigie_store::{
    ArchiveAvailability, AuditEvent, KeptArchive, LinkKind, LinkRefusal, Organization,
};

use crate::AppState;
use crate::html::components::{Flash, facts, flash};
use crate::html::{Label, W};
use crate::login::{hidden, prelogin_token, with_cookie};
use crate::privacy::{
    LangParam, centre_link, centre_org, failure, kind_label, lang_of, message, page,
};
use maud::{Markup, html};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/privacy/{org}/status/{token}", get(status))
        .route(
            "/privacy/{org}/status/{token}/archive",
            axum::routing::post(download_archive),
        )
}

fn day(t: Timestamp, state: &AppState) -> String {
    t.to_zoned(state.dsar().time_zone().clone())
        .date()
        .to_string()
}

/// Where the request stands: its kind, status, dates and, when closed, the answer. Never the
/// identifier, never the staff's names.
async fn status(
    State(state): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    Query(q): Query<LangParam>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&q, &headers);
    let org = match centre_org(&state, &slug, lang).await {
        Ok(o) => o,
        Err(page) => return page,
    };
    let id = match status_request(&state, &org, &token, lang).await {
        Ok(id) => id,
        Err(page) => return page,
    };
    let shown = match state.dsar().show(&org, id).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, request = id, "privacy centre: show failed");
            return failure(lang);
        }
    };
    let r = &shown.item.request;
    let c = &r.clock;
    let mut rows: Vec<(&str, Markup)> = vec![
        (W::Organization.t(lang), html! { (org.name) }),
        (
            W::Request.t(lang),
            html! { (kind_label(r.kind, lang)) " (" (r.kind.article()) ")" },
        ),
        (
            W::PcReceivedOn.t(lang),
            html! { (day(c.received_at, &state)) },
        ),
        (W::Status.t(lang), html! { (c.status.label(lang)) }),
    ];
    if c.status.is_open() {
        rows.push((W::PcAnswerBy.t(lang), html! { (shown.item.due.date) }));
    }
    if let Some(x) = &c.extension {
        let text = match lang {
            Lang::Fr => format!("de {} mois : {}", x.months, x.reason),
            Lang::En => format!("by {} month(s): {}", x.months, x.reason),
        };
        rows.push((W::PcExtended.t(lang), html! { (text) }));
    }
    if let Some(at) = c.closed_at {
        rows.push((W::PcClosedOn.t(lang), html! { (day(at, &state)) }));
    }
    if c.status == RequestStatus::Rejected
        && let Some(reason) = r
            .outcome
            .as_ref()
            .and_then(|o| o.get("rejected"))
            .and_then(|v| v.as_str())
    {
        rows.push((W::PcRefusalReason.t(lang), html! { (reason) }));
    }
    let archive = match state
        .store()
        .kept_archive(org.id, id, Timestamp::now())
        .await
    {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, request = id, "privacy centre: archive");
            return failure(lang);
        }
    };
    let (csrf, set) = prelogin_token(&headers);
    let body = html! {
        (facts(rows))
        @if c.status == RequestStatus::Rejected {
            p {
                (W::PcComplain.t(lang))
            }
        }
        @if let Some((kept, availability)) = &archive {
            (archive_block(&state, &org, &token, lang, &csrf, kept, *availability))
        }
    };
    with_cookie(
        page(lang, StatusCode::OK, W::PcYourRequest.t(lang), body),
        set,
    )
}

/// The request a status link follows: the random token shown once the code was given
/// (`dsar_portal`), or the signed link of an e-mail answering the request
/// ([`LinkKind::RequestStatus`]). Anything else is the page to answer instead.
async fn status_request(
    state: &AppState,
    org: &Organization,
    token: &str,
    lang: Lang,
) -> Result<i64, Response> {
    let unknown = || {
        message(
            lang,
            StatusCode::NOT_FOUND,
            W::NotFound.t(lang),
            W::PcUnknownLink.t(lang),
        )
    };
    let store_failed = |e: vigie_store::StoreError| {
        tracing::error!(error = %e, "privacy centre: store");
        failure(lang)
    };
    if !token.contains('.') {
        return match state.store().portal_request(org.id, token).await {
            Ok(Some(id)) => Ok(id),
            Ok(None) => Err(unknown()),
            Err(e) => Err(store_failed(e)),
        };
    }
    let signer = state
        .store()
        .link_signer(org.id)
        .await
        .map_err(store_failed)?;
    match signer.verify(LinkKind::RequestStatus, token, Timestamp::now()) {
        Ok(link) => match link.parts.as_slice() {
            [id] => id.parse().map_err(|_| unknown()),
            _ => Err(unknown()),
        },
        Err(LinkRefusal::Expired) => Err(message(
            lang,
            StatusCode::GONE,
            W::PcCodeExpired.t(lang),
            W::PcLinkExpired.t(lang),
        )),
        Err(LinkRefusal::Forged) => Err(unknown()),
    }
}

/// The access archive on the status page: a download button while it is kept, else why not.
/// The download is a POST (with the pre-login CSRF cookie): mail scanners and link previews
/// follow GETs, and a download is a disclosure that only the person's own click may make.
fn archive_block(
    state: &AppState,
    org: &Organization,
    token: &str,
    lang: Lang,
    csrf: &str,
    kept: &KeptArchive,
    availability: ArchiveAvailability,
) -> Markup {
    html! {
        section.archive aria-labelledby="archive-title" {
            h2 #archive-title { (W::PcArchive.t(lang)) }
            @match availability {
                ArchiveAvailability::Available => {
                    p { (W::PcArchiveHint.t(lang)) }
                    p {
                        (W::PcArchiveUntil.t(lang)) (W::Colon.t(lang))
                        strong { (day(kept.expires_at, state)) }
                    }
                    form method="post" action=(centre_link(org, &["status", token, "archive"], lang)) {
                        (hidden("csrf", csrf))
                        (hidden("lang", lang.as_str()))
                        button type="submit" { (W::PcArchiveDownload.t(lang)) }
                    }
                }
                ArchiveAvailability::Expired => p { (W::PcArchiveExpired.t(lang)) },
                ArchiveAvailability::Erased => p { (W::PcArchiveErased.t(lang)) },
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct DownloadForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
}

/// The person downloads their access archive through their status link: recorded in the
/// request's history and in the audit trail as a disclosure (the person is `public`, with no
/// address). Past its time limit, or once the person is erased, the page says so.
async fn download_archive(
    State(state): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    headers: HeaderMap,
    form: Result<Form<DownloadForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let form = form.map(|f| f.0).unwrap_or_default();
    let lang = form
        .lang
        .parse()
        .unwrap_or_else(|_| crate::html::lang::from_headers(&headers));
    let org = match centre_org(&state, &slug, lang).await {
        Ok(o) => o,
        Err(page) => return page,
    };
    let id = match status_request(&state, &org, &token, lang).await {
        Ok(id) => id,
        Err(page) => return page,
    };
    let (csrf, set) = prelogin_token(&headers);
    if set.is_some() || form.csrf != csrf {
        let back = centre_link(&org, &["status", &token], lang);
        let body = html! {
            (flash(Flash::Error, W::ExpiredForm.t(lang)))
            p { a href=(back) { (W::PcYourRequest.t(lang)) } }
        };
        return with_cookie(
            page(lang, StatusCode::FORBIDDEN, W::PcArchive.t(lang), body),
            set,
        );
    }
    let opened = match state
        .store()
        .open_archive(org.id, id, Timestamp::now())
        .await
    {
        Ok(o) => o,
        Err(e) => {
            tracing::error!(error = %e, request = id, "privacy centre: archive");
            return failure(lang);
        }
    };
    let Some((kept, bytes)) = opened else {
        return message(
            lang,
            StatusCode::GONE,
            W::PcArchive.t(lang),
            W::PcArchiveExpired.t(lang),
        );
    };
    let recorded = async {
        state
            .store()
            .record_request_step(
                org.id,
                id,
                "public",
                "archive_downloaded",
                Some(format!("{} (SHA-256 {})", kept.file_name, kept.sha256)),
            )
            .await?;
        state
            .store()
            .audit(
                org.id,
                AuditEvent {
                    actor: "public".into(),
                    role: None,
                    action: "dsar.archive_disclosed".into(),
                    target: Some(format!("request:{id}")),
                    origin: None,
                    reason: Some(format!("access archive, SHA-256 {}", kept.sha256)),
                },
            )
            .await
    };
    // No disclosure that the trail does not show.
    if let Err(e) = recorded.await {
        tracing::error!(error = %e, request = id, "privacy centre: recording a download failed");
        return failure(lang);
    }
    crate::requests::zip_response(&kept, bytes)
}
