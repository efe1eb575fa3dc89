//! The public consent forms, `/forms/{org}/{form}`: the hosted page (French first, English with
//! `?lang=en`; the organization's name and DPO, the notice link; no JavaScript), the posts of
//! that page and of the snippet embedded in the organization's sites, and the double opt-in
//! confirmation `/forms/{org}/confirm/{token}`.
//!
//! A post is read by the core (`vigie_core::forms::Submission`) and recorded by the store
//! (`Store::submit_form`). Abuse: a honeypot field, the privacy centre's per-client limiter,
//! on top of the gate's limit on public routes. No CSRF token: the form is meant to be posted
//! from other sites, and a forged post can only give consent to an address that must then
//! confirm it (e-mail) — the honeypot and the limit keep robots out. A script may post only from
//! the form's declared origins (CORS: the preflight is answered for them; a post carrying another
//! site's `Origin` is refused). The confirmation link's GET shows a button, only its POST
//! confirms: mail scanners follow GETs.

use std::net::SocketAddr;

use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use jiff::{SignedDuration, Timestamp};
use maud::{Markup, html};
use vigie_core::Lang;
use vigie_core::forms::{FormField, HONEYPOT_FIELD, Refusal, Submission, box_field};
use vigie_store::{Organization, StoreError, StoredForm};

use crate::AppState;
use crate::html::components::{Flash, flash};
use crate::html::{Link, W};
use crate::login::hidden;
use crate::preferences::link_refused;
use crate::privacy::{LangParam, centre_org, client_key, failure, lang_of, too_many};

/// How long a confirmation link lives.
pub const CONFIRMATION_TTL: SignedDuration = SignedDuration::from_hours(7 * 24);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/forms/{org}/{form}",
            get(show).post(submit).options(preflight),
        )
        .route(
            "/forms/{org}/confirm/{token}",
            get(confirmation).post(confirm),
        )
}

fn page(org: &Organization, lang: Lang, status: StatusCode, title: &str, body: Markup) -> Response {
    crate::html::public_page(lang, status, &org.name, title, body)
}

fn message(org: &Organization, lang: Lang, status: StatusCode, text: &str) -> Response {
    page(
        org,
        lang,
        status,
        W::FmTitle.t(lang),
        html! { p role="alert" { (text) } },
    )
}

/// The form's public address.
pub(crate) fn form_path(org: &str, slug: &str) -> String {
    Link::new("/forms").seg(org).seg(slug).to_string()
}

/// The fields and boxes of a form, shared by the hosted page and the snippet. `action` is where
/// it posts; every box is unticked (the model has no other state).
pub(crate) fn form_fields(form: &StoredForm, lang: Lang) -> Markup {
    let spec = &form.spec;
    let label = |f: FormField| match f {
        FormField::Email => W::FmEmail.t(lang),
        FormField::Phone => W::FmPhone.t(lang),
        FormField::FirstName => W::FmFirstName.t(lang),
        FormField::LastName => W::FmLastName.t(lang),
    };
    let kind = |f: FormField| match f {
        FormField::Email => "email",
        FormField::Phone => "tel",
        _ => "text",
    };
    let autocomplete = |f: FormField| match f {
        FormField::Email => "email",
        FormField::Phone => "tel",
        FormField::FirstName => "given-name",
        FormField::LastName => "family-name",
    };
    html! {
        (hidden("version", &form.version.to_string()))
        (hidden("lang", lang.as_str()))
        @for f in &spec.fields {
            @let id = format!("vigie-{}", f.as_str());
            div.field {
                label for=(id) { (label(*f)) }
                input id=(id) type=(kind(*f)) name=(f.as_str()) autocomplete=(autocomplete(*f))
                    required[spec.always_required(*f)];
            }
        }
        fieldset.checks {
            legend { (W::FmConsents.t(lang)) }
            @for b in &spec.boxes {
                @let name = box_field(b.channel);
                div.field.check {
                    input type="checkbox" id=(name) name=(name) value="yes";
                    " "
                    label for=(name) { (b.wording(lang)) }
                }
            }
        }
        // People never see this field; robots fill it in.
        div.visually-hidden aria-hidden="true" {
            label for="vigie-website" { "Website" }
            input id="vigie-website" type="text" name=(HONEYPOT_FIELD) tabindex="-1" autocomplete="off";
        }
    }
}

/// The notice link of a form.
fn notice_link(org: &Organization, form: &StoredForm, lang: Lang) -> Markup {
    let href = format!(
        "{}{}",
        Link::new("/privacy")
            .seg(&org.slug)
            .seg("notice")
            .seg(&form.spec.notice_version),
        if lang == Lang::En { "?lang=en" } else { "" }
    );
    html! {
        p.hint {
            (W::FmNoticeIntro.t(lang)) " "
            a href=(href) { (W::FmNoticeLink.t(lang)) }
            "."
        }
    }
}

async fn load(
    state: &AppState,
    slug: &str,
    form: &str,
    version: Option<i64>,
    lang: Lang,
) -> Result<(Organization, StoredForm), Response> {
    let org = centre_org(state, slug, lang).await?;
    match state.store().form(org.id, form, version).await {
        Ok(Some(f)) => Ok((org, f)),
        Ok(None) => Err(message(
            &org,
            lang,
            StatusCode::NOT_FOUND,
            W::FmUnknown.t(lang),
        )),
        Err(e) => {
            tracing::error!(error = %e, "forms: store");
            Err(failure(lang))
        }
    }
}

/// The DPO line, when the registers name one.
async fn dpo_line(state: &AppState, org: &Organization, lang: Lang) -> Markup {
    let profile = match state.store().registers(org.id).await {
        Ok(r) => r.map(|r| r.registers.profile),
        Err(e) => {
            tracing::warn!(error = %e, "forms: registers");
            None
        }
    };
    match profile.and_then(|p| p.dpo) {
        Some(d) => html! {
            p.hint { (W::Dpo.t(lang)) (W::Colon.t(lang)) (d.name) " — " (d.contact) }
        },
        None => html! {},
    }
}

/// The hosted page. Changes nothing.
async fn show(
    State(state): State<AppState>,
    Path((slug, form)): Path<(String, String)>,
    Query(q): Query<LangParam>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&q, &headers);
    let (org, form) = match load(&state, &slug, &form, None, lang).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let dpo = dpo_line(&state, &org, lang).await;
    let body = html! {
        form method="post" action=(form_path(&org.slug, &form.slug)) {
            (form_fields(&form, lang))
            button type="submit" { (W::FmSubmit.t(lang)) }
        }
        (notice_link(&org, &form, lang))
        (dpo)
    };
    page(&org, lang, StatusCode::OK, &form.spec.name, body)
}

/// The `Origin` of a cross-site post, if it is not this server's own.
fn foreign_origin(headers: &HeaderMap) -> Option<String> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?.to_owned();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok())?;
    let own = origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host));
    (!own && origin != "null").then_some(origin)
}

fn allow_origin(mut r: Response, origin: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(origin) {
        let h = r.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    r
}

/// The CORS preflight of a scripted post: answered for the form's declared origins only.
async fn preflight(
    State(state): State<AppState>,
    Path((slug, form)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .unwrap_or("");
    let allowed = match load(&state, &slug, &form, None, Lang::Fr).await {
        Ok((_, f)) => f.spec.allows_origin(origin),
        Err(_) => false,
    };
    if !allowed {
        return StatusCode::FORBIDDEN.into_response();
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    let h = r.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    allow_origin(r, origin)
}

fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(300).collect())
}

/// A submission: the hosted page's, the snippet's or a script's.
async fn submit(
    State(state): State<AppState>,
    Path((slug, form_slug)): Path<(String, String)>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let fields = form.map(|f| f.0).unwrap_or_default();
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let lang = get("lang")
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| crate::html::lang::from_headers(&headers));
    let version = get("version").and_then(|v| v.parse::<i64>().ok());
    let (org, form) = match load(&state, &slug, &form_slug, version, lang).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let origin = foreign_origin(&headers);
    // A plain HTML form posts from any site (the snippet); a browser adds `Sec-Fetch-Mode:
    // cors` only to a script's request, which must come from a declared origin.
    let scripted = headers
        .get("sec-fetch-mode")
        .is_some_and(|m| m.as_bytes() == b"cors");
    if let Some(o) = &origin
        && (scripted || !form.spec.allowed_origins.is_empty())
        && !form.spec.allows_origin(o)
    {
        return message(&org, lang, StatusCode::FORBIDDEN, W::FmOrigin.t(lang));
    }
    let client = client_key(&state, peer, &headers);
    let per_hour = state.privacy().filings_per_address_per_hour;
    if let Err(wait) =
        state
            .limits()
            .privacy_filings
            .take(&client, per_hour / 3600.0, per_hour.max(1.0))
    {
        return too_many(lang, wait);
    }
    let region = match state.store().org_settings(org.id).await {
        Ok(s) => s.region,
        Err(e) => {
            tracing::error!(error = %e, "forms: settings");
            return failure(lang);
        }
    };
    let sub = match Submission::parse(&form.spec, &fields, region) {
        Ok(s) => s,
        Err(Refusal::Honeypot) => {
            // Refused without telling a robot why.
            return message(&org, lang, StatusCode::BAD_REQUEST, W::FmRefused.t(lang));
        }
        Err(Refusal::Field(e)) => {
            let text = format!("{}{}{}", W::FmFix.t(lang), W::Colon.t(lang), e);
            return message(&org, lang, StatusCode::UNPROCESSABLE_ENTITY, &text);
        }
    };
    let mailer = state.mailer();
    // Without a mailer, nobody can confirm: double opt-in forms cannot take e-mail consent.
    if sub.ticked.iter().any(|c| form.spec.awaits_confirmation(*c)) && mailer.is_none() {
        return message(
            &org,
            lang,
            StatusCode::SERVICE_UNAVAILABLE,
            W::FmNoMail.t(lang),
        );
    }
    let now = Timestamp::now();
    let done = match state
        .store()
        .submit_form(
            org.id,
            &form,
            &sub,
            lang,
            now,
            Some(client_key(&state, peer, &headers)),
            user_agent(&headers),
        )
        .await
    {
        Ok(d) => d,
        Err(StoreError::Invalid(m)) => {
            return message(&org, lang, StatusCode::UNPROCESSABLE_ENTITY, &m);
        }
        Err(e) => {
            tracing::error!(error = %e, "forms: submit");
            return failure(lang);
        }
    };
    if let (Some(id), Some(mailer), Some(email)) = (done.confirmation, mailer, &sub.email)
        && let Err(e) = send_confirmation(
            &state,
            &org,
            &form,
            id,
            email.as_str(),
            lang,
            now,
            mailer,
            &headers,
        )
        .await
    {
        tracing::error!(error = %e, "forms: confirmation e-mail");
        return failure(lang);
    }
    let text = if done.confirmation.is_some() {
        W::FmCheckMail.t(lang)
    } else {
        W::FmThanks.t(lang)
    };
    let r = page(
        &org,
        lang,
        StatusCode::OK,
        &form.spec.name,
        html! { (flash(Flash::Success, text)) },
    );
    match origin {
        Some(o) if form.spec.allows_origin(&o) => allow_origin(r, &o),
        _ => r,
    }
}

/// The public base of the links in e-mails and snippets: the configured `public_url`; without
/// one, the address the request reached this server at (a `Host` header is the client's to
/// choose: configure `public_url` so that no confirmation link can point elsewhere).
pub(crate) fn public_base(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = state.public_url() {
        return url.to_string().trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https" || *p == "http")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

#[allow(clippy::too_many_arguments)]
async fn send_confirmation(
    state: &AppState,
    org: &Organization,
    form: &StoredForm,
    id: i64,
    to: &str,
    lang: Lang,
    now: Timestamp,
    mailer: &crate::Mailer,
    headers: &HeaderMap,
) -> Result<(), String> {
    let token = state
        .store()
        .form_confirmation_token(org.id, &form.slug, id, now + CONFIRMATION_TTL)
        .await
        .map_err(|e| e.to_string())?;
    let link = format!(
        "{}{}{}",
        public_base(state, headers),
        Link::new("/forms")
            .seg(&org.slug)
            .seg("confirm")
            .seg(&token),
        if lang == Lang::En { "?lang=en" } else { "" }
    );
    let (subject, body) = match lang {
        Lang::Fr => (
            format!("{} : confirmez votre adresse", org.name),
            format!(
                "Bonjour,\n\nVous avez demandé à recevoir les messages de {} par e-mail \
                 (formulaire « {} »). Pour le confirmer, ouvrez ce lien et cliquez sur « Je \
                 confirme » :\n\n{link}\n\nLe lien est valable 7 jours. Si vous n'avez rien \
                 demandé, ignorez ce message : rien ne sera envoyé.\n",
                org.name, form.spec.name
            ),
        ),
        Lang::En => (
            format!("{}: confirm your address", org.name),
            format!(
                "Hello,\n\nYou asked to receive {}'s messages by e-mail (form “{}”). To \
                 confirm, open this link and click “I confirm”:\n\n{link}\n\nThe link is valid \
                 for 7 days. If you asked for nothing, ignore this message: nothing will be \
                 sent.\n",
                org.name, form.spec.name
            ),
        ),
    };
    mailer
        .send(to, &subject, body)
        .await
        .map_err(|e| e.to_string())
}

/// The page for a link the store refused: forged or altered (404), expired (410).
fn refused(org: &Organization, lang: Lang, e: &StoreError) -> Response {
    link_refused(org, lang, W::FmTitle, (W::FmInvalid, W::FmExpired), e)
}

/// The confirmation page: a button; reading it changes nothing.
async fn confirmation(
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
    let c = match state
        .store()
        .form_confirmation(org.id, &token, Timestamp::now())
        .await
    {
        Ok(c) => c,
        Err(e) => return refused(&org, lang, &e),
    };
    let body = if c.confirmed_at.is_some() {
        html! { (flash(Flash::Success, W::FmConfirmed.t(lang))) }
    } else {
        html! {
            p { (W::FmConfirmAsk.t(lang)) }
            form method="post" {
                (hidden("lang", lang.as_str()))
                button type="submit" { (W::FmConfirmButton.t(lang)) }
            }
        }
    };
    page(&org, lang, StatusCode::OK, W::FmConfirmTitle.t(lang), body)
}

/// Confirms (the first time; again, nothing changes).
async fn confirm(
    State(state): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let fields = form.map(|f| f.0).unwrap_or_default();
    let lang = fields
        .iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or_else(|| crate::html::lang::from_headers(&headers));
    let org = match centre_org(&state, &slug, lang).await {
        Ok(o) => o,
        Err(page) => return page,
    };
    if let Some(page) = crate::privacy::limit_person(&state, peer, &headers, lang) {
        return page;
    }
    match state
        .store()
        .confirm_form(
            org.id,
            &token,
            Timestamp::now(),
            Some(client_key(&state, peer, &headers)),
            user_agent(&headers),
        )
        .await
    {
        Ok(_) => page(
            &org,
            lang,
            StatusCode::OK,
            W::FmConfirmTitle.t(lang),
            html! { (flash(Flash::Success, W::FmConfirmed.t(lang))) },
        ),
        Err(e) => refused(&org, lang, &e),
    }
}
