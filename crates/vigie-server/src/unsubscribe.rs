//! One-click unsubscribe (RFC 8058), `/unsubscribe/{org}/{token}`: the URL of a message's
//! `List-Unsubscribe` header, with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
//!
//! A POST whose form body carries `List-Unsubscribe=One-Click` (urlencoded, or multipart as
//! some mail systems send it) unsubscribes at once: no session, cookie, CSRF token or
//! confirmation step (RFC 8058 §3.2 forbids the mail system to send any), the signed link is the
//! authority, and a second POST writes nothing new and answers the same. A GET only shows the
//! choice and its button (mail scanners follow GETs: a GET never unsubscribes). Forged links
//! answer 404, expired ones 410, each with a page.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use jiff::SignedDuration;
use maud::html;
use vigie_core::Lang;
use vigie_store::{Organization, PersonProof, UnsubscribeTarget};

use crate::AppState;
use crate::html::components::{Flash, flash};
use crate::html::{Label, W};
use crate::login::hidden;
use crate::person_links::ONE_CLICK;
use crate::preferences::{LINK_WORDS, link_refused, person_proof};
use crate::privacy::{LangParam, centre_org, lang_of};

pub fn routes() -> Router<AppState> {
    Router::new().route("/unsubscribe/{org}/{token}", get(show).post(unsubscribe))
}

fn page(org: &Organization, lang: Lang, status: StatusCode, body: maud::Markup) -> Response {
    crate::html::public_page(lang, status, &org.name, W::UsTitle.t(lang), body)
}

/// What the link is about: the purpose, and the campaign when it names one.
fn about(lang: Lang, t: &UnsubscribeTarget) -> maud::Markup {
    html! {
        p { (W::UsQuestion.t(lang)) " " strong { (t.purpose.label(lang)) } "." }
        @if let Some(c) = &t.campaign {
            p { (W::UsCampaign.t(lang)) " «\u{a0}" (c) "\u{a0}»." }
        }
    }
}

/// The preference centre of the same person, for a finer choice (a fresh link: one HMAC).
async fn preferences_link(
    state: &AppState,
    org: &Organization,
    lang: Lang,
    t: &UnsubscribeTarget,
) -> maud::Markup {
    let Ok(signer) = state.store().link_signer(org.id).await else {
        return html! {};
    };
    let expires = crate::decisions::now() + SignedDuration::from_hours(24 * 7);
    let token = signer.preferences_token(vigie_store::LinkedPerson::Contact(t.contact_id), expires);
    let href = format!(
        "/preferences/{}/{token}{}",
        org.slug,
        if lang == Lang::En { "?lang=en" } else { "" }
    );
    html! { p { (W::UsMore.t(lang)) " " a href=(href) { (W::PfTitle.t(lang)) } "." } }
}

/// The choice and its button. Changes nothing.
async fn show(
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
    let target = match state
        .store()
        .unsubscribe_target(org.id, &token, crate::decisions::now())
        .await
    {
        Ok(t) => t,
        Err(e) => return link_refused(&org, lang, W::UsTitle, LINK_WORDS, &e),
    };
    let (name, value) = ONE_CLICK.split_once('=').expect("name=value");
    let body = html! {
        (about(lang, &target))
        form method="post" {
            (hidden(name, value))
            (hidden("lang", lang.as_str()))
            button type="submit" { (W::UsButton.t(lang)) }
        }
        (preferences_link(&state, &org, lang, &target).await)
    };
    page(&org, lang, StatusCode::OK, body)
}

/// Whether a POST body says `List-Unsubscribe=One-Click` (RFC 8058 §3.1), and its `lang` field.
fn one_click(content_type: &str, body: &[u8]) -> (bool, Option<Lang>) {
    let text = String::from_utf8_lossy(body);
    if content_type.starts_with("multipart/form-data") {
        // The part named List-Unsubscribe whose value is One-Click.
        let found = text.split("name=\"List-Unsubscribe\"").skip(1).any(|rest| {
            rest.split_once("\r\n\r\n")
                .or_else(|| rest.split_once("\n\n"))
                .is_some_and(|(_, value)| value.trim_start().starts_with("One-Click"))
        });
        return (found, None);
    }
    let (name, value) = ONE_CLICK.split_once('=').expect("name=value");
    let mut found = false;
    let mut lang = None;
    for pair in text.split('&') {
        match pair.trim().split_once('=') {
            Some((n, v)) if n == name && v == value => found = true,
            Some(("lang", v)) => lang = v.parse().ok(),
            _ => {}
        }
    }
    (found, lang)
}

/// Unsubscribes: the store writes the withdrawal (once) with its proof.
async fn unsubscribe(
    State(state): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    Query(q): Query<LangParam>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (asked, form_lang) = one_click(content_type, &body);
    let lang = form_lang.unwrap_or_else(|| lang_of(&q, &headers));
    let org = match centre_org(&state, &slug, lang).await {
        Ok(o) => o,
        Err(page) => return page,
    };
    if !asked {
        return page(
            &org,
            lang,
            StatusCode::BAD_REQUEST,
            html! { p role="alert" { (W::UsNeedsBody.t(lang)) } },
        );
    }
    let proof: PersonProof = person_proof(&state, peer, &headers);
    match state
        .store()
        .unsubscribe(org.id, &token, crate::decisions::now(), proof)
        .await
    {
        Ok(done) => {
            let body = html! {
                (flash(Flash::Success, W::UsDone.t(lang)))
                (about(lang, &done.target))
                (preferences_link(&state, &org, lang, &done.target).await)
            };
            page(&org, lang, StatusCode::OK, body)
        }
        Err(e) => link_refused(&org, lang, W::UsTitle, LINK_WORDS, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_click_body_is_read_in_both_encodings() {
        let form = "application/x-www-form-urlencoded";
        assert_eq!(one_click(form, b"List-Unsubscribe=One-Click"), (true, None));
        assert_eq!(
            one_click(form, b"List-Unsubscribe=One-Click&lang=en"),
            (true, Some(Lang::En))
        );
        assert!(!one_click(form, b"List-Unsubscribe=Maybe").0);
        assert!(!one_click(form, b"").0);
        let multipart = "multipart/form-data; boundary=x";
        let body = b"--x\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--x--\r\n";
        assert!(one_click(multipart, body).0);
        assert!(!one_click(multipart, b"--x\r\n\r\nOne-Click\r\n--x--").0);
    }
}
