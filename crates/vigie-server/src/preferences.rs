//! The preference centre, `/preferences/{org}/{token}`: the person the signed link names sees,
//! per channel and purpose, what they agreed to now (the core's fold of the ledger, read by
//! `Store::preferences_of`) and changes it — boxes ticked or unticked, everything withdrawn, or
//! an objection (art. 21) — each change a ledger event with its proof and an audit entry by
//! `public` (`Store::change_preferences`, the events from `vigie_core::preferences`).
//!
//! No session: the forms carry a token bound to the link (`LinkSigner::form_token`), so a form
//! posted from elsewhere without the page is refused. French first, English with `?lang=en`;
//! the organization's name, legal name and DPO (from its registers), never "Vigie".

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Form;
use axum::Router;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use maud::{Markup, html};
use vigie_core::preferences::PreferenceChange;
use vigie_core::{Channel, Lang, Purpose};
use vigie_store::{LinkKind, Organization, PersonProof, PreferencesOf, StoreError};

use crate::AppState;
use crate::html::components::{Flash, checkboxes, flash};
use crate::html::{Label, W};
use crate::login::hidden;
use crate::privacy::{
    LangParam, centre_org, centre_profile, client_key, controller_block, failure, lang_of,
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/preferences/{org}/{token}", get(show).post(change))
}

/// What a refused link says: not valid (it may have been copied wrongly), or expired.
pub(crate) const LINK_WORDS: (W, W) = (W::RqInvalid, W::RqExpired);

/// The page of a link the store refused, in the words of its kind (`invalid`, `expired`):
/// forged or altered (404), expired (410); anything else is the store's failure. One page for
/// every link a person follows (unsubscribe, preferences, requalification, form confirmation).
pub(crate) fn link_refused(
    org: &Organization,
    lang: Lang,
    title: W,
    (invalid, expired): (W, W),
    e: &StoreError,
) -> Response {
    let (status, text) = match e {
        StoreError::Invalid(m) if m.contains("expired") => (StatusCode::GONE, expired),
        StoreError::Invalid(_) | StoreError::NotFound(_) => (StatusCode::NOT_FOUND, invalid),
        _ => {
            tracing::error!(error = %e, "person's link: store");
            return failure(lang);
        }
    };
    crate::html::public_page(
        lang,
        status,
        &org.name,
        title.t(lang),
        html! { p role="alert" { (text.t(lang)) } },
    )
}

/// The proof of a person's own change: the client address and user agent (sealed by the store).
pub(crate) fn person_proof(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> PersonProof {
    PersonProof {
        ip: Some(client_key(state, peer, headers)),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
    }
}

/// A box's field name: `c-<channel>-<purpose>` (neither spelling holds a `-`).
fn box_name(channel: Channel, purpose: Purpose) -> String {
    format!("c-{channel}-{purpose}")
}

/// The page: what the person agreed to, the three forms, who answers for the data.
async fn render(
    state: &AppState,
    org: &Organization,
    lang: Lang,
    token: &str,
    status: StatusCode,
    notice: Option<(Flash, W)>,
) -> Response {
    let store = state.store();
    let now = crate::decisions::now();
    let (shown, signer) = match (
        store.preferences_of(org.id, token, now).await,
        store.link_signer(org.id).await,
    ) {
        (Ok(p), Ok(s)) => (p, s),
        (Err(e), _) | (_, Err(e)) => return link_refused(org, lang, W::PfTitle, LINK_WORDS, &e),
    };
    let profile = match centre_profile(state, org, lang).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let form_token = signer.form_token(LinkKind::Preferences, token);
    let body = page_body(org, lang, &shown, &form_token, notice);
    let body = html! { (body) (controller_block(profile.as_ref(), lang)) };
    crate::html::public_page(lang, status, &org.name, W::PfTitle.t(lang), body)
}

fn page_body(
    org: &Organization,
    lang: Lang,
    shown: &PreferencesOf,
    form_token: &str,
    notice: Option<(Flash, W)>,
) -> Markup {
    let fields = |step: &str| {
        html! {
            (hidden("form", form_token))
            (hidden("lang", lang.as_str()))
            (hidden("step", step))
        }
    };
    html! {
        @if let Some((kind, text)) = notice { (flash(kind, text.t(lang))) }
        p { (W::PfIntro.t(lang)) }
        form method="post" {
            (fields("choose"))
            @for channel in &shown.channels {
                @let boxes: Vec<(String, &str, bool)> = shown
                    .preferences
                    .iter()
                    .filter(|p| p.channel == *channel)
                    .map(|p| (box_name(p.channel, p.purpose), p.purpose.label(lang), p.agreed()))
                    .collect();
                (checkboxes(channel.label(lang), &boxes))
            }
            button type="submit" { (W::PfSave.t(lang)) }
        }
        h2 { (W::PfStopTitle.t(lang)) }
        p { (W::PfStopText.t(lang)) }
        form method="post" {
            (fields("withdraw_all"))
            button type="submit" { (W::PfStopButton.t(lang)) }
        }
        h2 { (W::PfObjectTitle.t(lang)) }
        p { (W::PfObjectText.t(lang)) }
        form method="post" {
            (fields("object"))
            button.danger type="submit" { (W::PfObjectButton.t(lang)) }
        }
        p.hint { (W::PfProof.t(lang)) }
        p { (W::RqContact.t(lang)) " " a href=(format!("/privacy/{}", org.slug)) { (W::RqPrivacyCentre.t(lang)) } "." }
    }
}

/// What the person sees. Changes nothing.
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
    render(&state, &org, lang, &token, StatusCode::OK, None).await
}

/// The change a submitted form asks for: `None` for a step or a box this page never offers.
fn parse_change(form: &HashMap<String, String>) -> Option<PreferenceChange> {
    match form.get("step").map(String::as_str) {
        Some("withdraw_all") => Some(PreferenceChange::WithdrawAll),
        Some("object") => Some(PreferenceChange::Object),
        Some("choose") => {
            let mut agreed = Vec::new();
            for name in form.keys().filter_map(|k| k.strip_prefix("c-")) {
                let (channel, purpose) = name.split_once('-')?;
                agreed.push((channel.parse().ok()?, purpose.parse().ok()?));
            }
            Some(PreferenceChange::Choose(agreed))
        }
        _ => None,
    }
}

/// Records the change (the form token must be the link's), then shows the page again.
async fn change(
    State(state): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let form = form.map(|f| f.0).unwrap_or_default();
    let lang = form
        .get("lang")
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| crate::html::lang::from_headers(&headers));
    let org = match centre_org(&state, &slug, lang).await {
        Ok(o) => o,
        Err(page) => return page,
    };
    if let Some(page) = crate::privacy::limit_person(&state, peer, &headers, lang) {
        return page;
    }
    let bound = match state.store().link_signer(org.id).await {
        Ok(signer) => signer.check_form_token(
            LinkKind::Preferences,
            &token,
            form.get("form").map_or("", String::as_str),
        ),
        Err(e) => return link_refused(&org, lang, W::PfTitle, LINK_WORDS, &e),
    };
    if !bound {
        let notice = Some((Flash::Error, W::PfStaleForm));
        return render(&state, &org, lang, &token, StatusCode::FORBIDDEN, notice).await;
    }
    let Some(change) = parse_change(&form) else {
        let notice = Some((Flash::Error, W::PfBadChoice));
        return render(&state, &org, lang, &token, StatusCode::BAD_REQUEST, notice).await;
    };
    let proof = person_proof(&state, peer, &headers);
    match state
        .store()
        .change_preferences(org.id, &token, &change, crate::decisions::now(), proof)
        .await
    {
        Ok(0) => {
            let notice = Some((Flash::Success, W::PfNothingChanged));
            render(&state, &org, lang, &token, StatusCode::OK, notice).await
        }
        Ok(_) => {
            let notice = Some((Flash::Success, W::PfSaved));
            render(&state, &org, lang, &token, StatusCode::OK, notice).await
        }
        Err(e) => link_refused(&org, lang, W::PfTitle, LINK_WORDS, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_offered_steps_and_boxes_are_read() {
        let form = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            parse_change(&form(&[("step", "choose"), ("c-email-newsletter", "on")])),
            Some(PreferenceChange::Choose(vec![(
                Channel::Email,
                Purpose::Newsletter
            )]))
        );
        assert_eq!(
            parse_change(&form(&[("step", "object")])),
            Some(PreferenceChange::Object)
        );
        assert_eq!(
            parse_change(&form(&[("step", "choose"), ("c-email-x", "on")])),
            None
        );
        assert_eq!(parse_change(&form(&[("step", "erase")])), None);
        assert_eq!(parse_change(&form(&[])), None);
    }
}
