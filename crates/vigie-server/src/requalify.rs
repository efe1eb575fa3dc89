//! The public page of a requalification link, `/requalify/{org}/{token}`: the person the signed
//! link names says whether they still want to hear from the organization. Reading the page
//! changes nothing; only submitting its form records the answer (a grant or a withdrawal in the
//! ledger, with the IP address and user agent as proof: `Store::answer_requalification`).
//!
//! French first, English with `?lang=en` or `Accept-Language`. No JavaScript. No CSRF token:
//! the signed link is the authority (it names one person and cannot be altered or extended), and
//! the first answer counts. Rate-limited per client address like the privacy centre's codes, on
//! top of the gate's limit on public routes. The page names the organization, not Vigie.

use std::net::SocketAddr;

use axum::Form;
use axum::Router;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use jiff::Timestamp;
use maud::html;
use serde::Deserialize;
use vigie_core::Lang;
use vigie_store::{Organization, RequalificationTarget, StoreError};

use crate::AppState;
use crate::html::components::{Flash, flash};
use crate::html::{Label, W};
use crate::login::hidden;
use crate::preferences::{LINK_WORDS, link_refused};
use crate::privacy::{
    LangParam, centre_org, centre_profile, client_key, controller_block, lang_of,
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/requalify/{org}/{token}", get(show).post(answer))
}

#[derive(Debug, Default, Deserialize)]
struct AnswerForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    lang: String,
}

fn page(org: &Organization, lang: Lang, status: StatusCode, body: maud::Markup) -> Response {
    crate::html::public_page(lang, status, &org.name, W::RqTitle.t(lang), body)
}

/// The page for a link the store refused: forged or altered (404), expired (410).
fn refused(org: &Organization, lang: Lang, e: &StoreError) -> Response {
    link_refused(org, lang, W::RqTitle, LINK_WORDS, e)
}

fn answered(org: &Organization, lang: Lang, t: &RequalificationTarget) -> maud::Markup {
    let yes = t.answer.as_deref() == Some("yes");
    html! {
        (flash(Flash::Success, if yes { W::RqThanksYes.t(lang) } else { W::RqThanksNo.t(lang) }))
        p { (W::RqContact.t(lang)) " " a href=(format!("/privacy/{}", org.slug)) { (W::RqPrivacyCentre.t(lang)) } "." }
    }
}

/// The question, or the answer already given. Changes nothing.
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
        .requalification_target(org.id, &token, Timestamp::now())
        .await
    {
        Ok(t) => t,
        Err(e) => return refused(&org, lang, &e),
    };
    // Who asks: the organization and its DPO as the registers record them (art. 13(1)(a)-(b)).
    let profile = match centre_profile(&state, &org, lang).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let controller = controller_block(profile.as_ref(), lang);
    if target.answer.is_some() {
        let body = html! { (controller) (answered(&org, lang, &target)) };
        return page(&org, lang, StatusCode::OK, body);
    }
    let channel = vigie_core::ChannelScope::from(target.channel).label(lang);
    let question = match lang {
        Lang::Fr => format!(
            "{} souhaite savoir si vous voulez continuer à recevoir ses messages ({}). Sans réponse \
             «\u{a0}oui\u{a0}» de votre part avant la fin de la campagne «\u{a0}{}\u{a0}», vos \
             données seront effacées.",
            org.name, channel, target.campaign_name
        ),
        Lang::En => format!(
            "{} would like to know whether you still want to receive its messages ({}). Without a \
             “yes” from you before the end of the campaign “{}”, your data will be erased.",
            org.name, channel, target.campaign_name
        ),
    };
    let body = html! {
        (controller)
        p { (question) }
        form method="post" {
            (hidden("lang", lang.as_str()))
            fieldset {
                legend { (W::RqQuestion.t(lang)) }
                button type="submit" name="answer" value="yes" { (W::RqYes.t(lang)) }
                " "
                button type="submit" name="answer" value="no" { (W::RqNo.t(lang)) }
            }
        }
        p.hint { (W::RqProof.t(lang)) }
    };
    page(&org, lang, StatusCode::OK, body)
}

/// Records the answer (the first one counts) with its proof.
async fn answer(
    State(state): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    form: Result<Form<AnswerForm>, axum::extract::rejection::FormRejection>,
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
    if let Some(page) = crate::privacy::limit_person(&state, peer, &headers, lang) {
        return page;
    }
    let yes = match form.answer.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return page(
                &org,
                lang,
                StatusCode::BAD_REQUEST,
                html! { p role="alert" { (W::RqChoose.t(lang)) } },
            );
        }
    };
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(300).collect());
    match state
        .store()
        .answer_requalification(
            org.id,
            &token,
            yes,
            Timestamp::now(),
            Some(client_key(&state, peer, &headers)),
            user_agent,
        )
        .await
    {
        Ok(t) => page(&org, lang, StatusCode::OK, answered(&org, lang, &t)),
        Err(e) => refused(&org, lang, &e),
    }
}
