//! The public privacy centre of an organization, `/privacy/{org}`: a person files a request
//! (access, rectification, erasure, restriction, portability, objection) with their e-mail
//! address, receives a 6-digit one-time code by e-mail, gives it back to prove the address is
//! theirs (the request's clock then runs: [`vigie_dsar::Dsar::verify`]) and gets a private
//! status link to follow the request.
//!
//! French first, English with `?lang=en` or `Accept-Language`. No JavaScript. CSRF by double
//! submit of the `vigie_prelogin` cookie (there is no session). Codes live 15 minutes (by
//! default: [`PrivacyConfig`]) and allow
//! 5 attempts; filings are limited per client address and per mailbox, codes per address, on top
//! of the gate's limit on public routes. Only e-mail is offered: proving a phone number needs an
//! SMS gateway. Without a mailer (`vigie serve --smtp-url`), the page says requests cannot be
//! filed online, and no code is ever shown instead of being sent.
//!
//! Nothing here logs or audits personal data: the person is `public` in the history and the
//! audit trail, with no address; secrets are stored as hashes (`vigie_store::portal`); the
//! status link carries a random token, never the identifier or the request's number.

use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use axum::Form;
use axum::Router;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use jiff::Timestamp;
use serde::Deserialize;
use sha2::Digest as _;
use vigie_core::dsar::RequestKind;
use vigie_core::registers::Profile;
use vigie_core::{Email, Lang, PhoneE164, Region};
use vigie_dsar::{Actor, DsarError};
use vigie_store::{CodeCheck, Corrections, Identifier, Organization};

use crate::html::components::{Field, Flash, flash};
use crate::html::{Link, W};
use crate::login::{hidden, prelogin_token, with_cookie};
use crate::{AppState, privacy_status};
use maud::{Markup, html};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/privacy/{org}", get(centre))
        .route("/privacy/{org}/requests", axum::routing::post(file))
        .route(
            "/privacy/{org}/verify/{handle}",
            get(code_form).post(check_code),
        )
        .merge(privacy_status::routes())
}

/// The privacy centre's limits.
#[derive(Debug, Clone)]
pub struct PrivacyConfig {
    /// How long a one-time code is valid.
    pub code_ttl: Duration,
    /// Codes a filing accepts before it is spent (the right one included).
    pub max_attempts: u32,
    /// Filings one client address may make per hour.
    pub filings_per_address_per_hour: f64,
    /// Filings naming one mailbox per hour (each sends a code to it).
    pub filings_per_mailbox_per_hour: f64,
    /// Codes one client address may give per minute.
    pub codes_per_address_per_minute: f64,
    /// How often pending answers to data subjects are tried again; also the first wait after
    /// a failure, doubled at each attempt ([`crate::answers`]).
    pub answer_retry_every: Duration,
}

impl Default for PrivacyConfig {
    fn default() -> Self {
        PrivacyConfig {
            code_ttl: Duration::from_secs(15 * 60),
            max_attempts: 5,
            filings_per_address_per_hour: 10.0,
            filings_per_mailbox_per_hour: 3.0,
            codes_per_address_per_minute: 10.0,
            answer_retry_every: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct LangParam {
    lang: Option<String>,
}

pub(crate) fn lang_of(p: &LangParam, headers: &HeaderMap) -> Lang {
    p.lang
        .as_deref()
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| crate::html::lang::from_headers(headers))
}

/// French or English.
/// `?lang=en` kept on links and form targets when the page is in English.
fn lang_query(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "",
        Lang::En => "?lang=en",
    }
}

pub(crate) fn kind_label(k: RequestKind, lang: Lang) -> &'static str {
    match k {
        RequestKind::Access => W::PcKindAccess.t(lang),
        RequestKind::Rectification => W::KindRectification.t(lang),
        RequestKind::Erasure => W::KindErasure.t(lang),
        RequestKind::Restriction => W::KindRestriction.t(lang),
        RequestKind::Portability => W::KindPortability.t(lang),
        RequestKind::Objection => W::KindObjection.t(lang),
    }
}

fn kind_hint(k: RequestKind, lang: Lang) -> &'static str {
    match k {
        RequestKind::Access => W::PcHintAccess.t(lang),
        RequestKind::Rectification => W::PcHintRectification.t(lang),
        RequestKind::Erasure => W::PcHintErasure.t(lang),
        RequestKind::Restriction => W::PcHintRestriction.t(lang),
        RequestKind::Portability => W::PcHintPortability.t(lang),
        RequestKind::Objection => W::PcHintObjection.t(lang),
    }
}

pub(crate) fn page(lang: Lang, status: StatusCode, title: &str, body: Markup) -> Response {
    crate::html::bare_page(lang, status, title, body)
}

pub(crate) fn message(lang: Lang, status: StatusCode, title: &str, text: &str) -> Response {
    page(lang, status, title, html! { p role="alert" { (text) } })
}

/// The form's target: the centre's path, with `?lang=en` when the page is in English.
pub(crate) fn centre_link(org: &Organization, rest: &[&str], lang: Lang) -> String {
    let mut link = Link::new("/privacy").seg(&org.slug);
    for segment in rest {
        link = link.seg(segment);
    }
    format!("{link}{}", lang_query(lang))
}

fn unknown_org(lang: Lang) -> Response {
    message(
        lang,
        StatusCode::NOT_FOUND,
        W::NotFound.t(lang),
        W::PcNoCentre.t(lang),
    )
}

pub(crate) fn failure(lang: Lang) -> Response {
    message(
        lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        W::Error.t(lang),
        W::PcFailure.t(lang),
    )
}

pub(crate) fn too_many(lang: Lang, wait: Duration) -> Response {
    let mins = wait.as_secs().div_ceil(60).max(1);
    let text = match lang {
        Lang::Fr => format!("Trop de demandes depuis votre connexion : réessayez dans {mins} min."),
        Lang::En => format!("Too many requests from your connection: try again in {mins} min."),
    };
    let page = message(
        lang,
        StatusCode::TOO_MANY_REQUESTS,
        W::PcTooMany.t(lang),
        &text,
    );
    crate::auth::with_retry_after(page, wait)
}

/// The organization of a privacy centre address, or the page to answer instead (unknown
/// organization, or the store failing).
pub(crate) async fn centre_org(
    state: &AppState,
    slug: &str,
    lang: Lang,
) -> Result<Organization, Response> {
    match state.org(slug).await {
        Ok(Some(org)) => Ok(org),
        Ok(None) => Err(unknown_org(lang)),
        Err(e) => {
            tracing::error!(error = %e, "privacy centre: store");
            Err(failure(lang))
        }
    }
}

/// The organization's profile from its registers (legal name, DPO), when registers are
/// recorded: read once by the handler, so the page itself never touches the store.
pub(crate) async fn centre_profile(
    state: &AppState,
    org: &Organization,
    lang: Lang,
) -> Result<Option<Profile>, Response> {
    match state.store().registers(org.id).await {
        Ok(r) => Ok(r.map(|r| r.registers.profile)),
        Err(e) => {
            tracing::error!(error = %e, "privacy centre: store");
            Err(failure(lang))
        }
    }
}

/// Who answers for the data (art. 13(1)(a)-(b)): the legal name and the DPO as the registers
/// record them. Without registers, nothing beyond the organization's name in the title: the
/// page must not name a controller or a DPO nobody recorded.
pub(crate) fn controller_block(profile: Option<&Profile>, lang: Lang) -> Markup {
    let Some(p) = profile else { return html! {} };
    html! {
        p.controller {
            (W::PcController.t(lang)) (W::Colon.t(lang)) (p.legal_name)
            @if let Some(d) = &p.dpo {
                br;
                (W::Dpo.t(lang)) (W::Colon.t(lang)) (d.name) " — " (d.contact)
            }
        }
    }
}

/// The limit on what one client may post to the pages a person reaches without an account
/// (codes, link answers, form confirmations, preference changes): the privacy centre's rate per
/// address; over it, the page that says how long to wait (`Some`).
pub(crate) fn limit_person(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    lang: Lang,
) -> Option<Response> {
    let per_minute = state.privacy().codes_per_address_per_minute;
    state
        .limits()
        .privacy_codes
        .take(
            &client_key(state, peer, headers),
            per_minute / 60.0,
            per_minute.max(1.0),
        )
        .err()
        .map(|wait| too_many(lang, wait))
}

/// The rate-limit key of a client: its address as the gate sees it (behind a trusted proxy,
/// from `X-Forwarded-For`).
pub(crate) fn client_key(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> String {
    crate::auth::client_ip(state.auth_config(), Some(peer.ip()), headers)
        .map_or_else(|| peer.ip().to_string(), |ip| ip.to_string())
}

// ------------------------------------------------------------------------------ the form

#[derive(Debug, Default, Clone, Deserialize)]
struct FileForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    new_email: String,
    #[serde(default)]
    new_phone: String,
    #[serde(default)]
    new_first_name: String,
    #[serde(default)]
    new_last_name: String,
}

#[allow(clippy::too_many_arguments)]
fn centre_page(
    state: &AppState,
    org: &Organization,
    profile: Option<&Profile>,
    lang: Lang,
    csrf: &str,
    status: StatusCode,
    error: Option<&str>,
    form: &FileForm,
) -> Response {
    let title = match lang {
        Lang::Fr => format!("Vos données chez {}", org.name),
        Lang::En => format!("Your data at {}", org.name),
    };
    let intro = W::PcIntro.t(lang);
    let controller = controller_block(profile, lang);
    if state.mailer().is_none() {
        let body = html! {
            p { (intro) }
            (controller)
            (flash(Flash::Error, W::PcNoMailer.t(lang)))
        };
        return page(lang, status, &title, body);
    }
    let minutes = state.privacy().code_ttl.as_secs().div_ceil(60);
    let email_hint = match lang {
        Lang::Fr => format!(
            "Nous y envoyons un code à 6 chiffres, valable {minutes} minutes, pour vérifier qu'elle est \
             bien la vôtre. La vérification par téléphone (SMS) n'est pas proposée."
        ),
        Lang::En => format!(
            "We send a 6-digit code to it, valid for {minutes} minutes, to check that it is yours. Proof \
             by phone (SMS) is not offered."
        ),
    };
    let corrections = [
        ("new_first_name", W::FirstName.t(lang), &form.new_first_name),
        ("new_last_name", W::LastName.t(lang), &form.new_last_name),
        ("new_email", W::EmailAddress.t(lang), &form.new_email),
        ("new_phone", W::Phone.t(lang), &form.new_phone),
    ];
    let body = html! {
        p { (intro) }
        (controller)
        @if let Some(e) = error { (flash(Flash::Error, e)) }
        form method="post" action=(centre_link(org, &["requests"], lang)) {
            (hidden("csrf", csrf))
            (hidden("lang", lang.as_str()))
            fieldset {
                legend { (W::PcYourRequest.t(lang)) }
                @for (i, k) in RequestKind::ALL.iter().enumerate() {
                    label {
                        input type="radio" name="kind" value=(k.as_str())
                            checked[form.kind == k.as_str() || (form.kind.is_empty() && i == 0)];
                        " " strong { (kind_label(*k, lang)) } " — " (kind_hint(*k, lang)) " (" (k.article()) ")"
                    }
                }
            }
            (Field {
                kind: "email",
                value: &form.email,
                required: true,
                ..Field::text("email", W::PcYourEmail.t(lang))
            })
            p.hint { (email_hint) }
            fieldset {
                legend { (W::PcRectificationOnly.t(lang)) }
                @for (name, label, value) in corrections {
                    (Field { value, ..Field::text(name, label) })
                }
            }
            button type="submit" { (W::PcSendCode.t(lang)) }
        }
    };
    page(lang, status, &title, body)
}

/// The centre: the rights, and the form to file a request.
async fn centre(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<LangParam>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&q, &headers);
    let org = match centre_org(&state, &slug, lang).await {
        Ok(o) => o,
        Err(page) => return page,
    };
    let profile = match centre_profile(&state, &org, lang).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let (csrf, set) = prelogin_token(&headers);
    with_cookie(
        centre_page(
            &state,
            &org,
            profile.as_ref(),
            lang,
            &csrf,
            StatusCode::OK,
            None,
            &FileForm::default(),
        ),
        set,
    )
}

/// What the form asks, checked: the kind, the address, the corrections.
fn parse_form(
    form: &FileForm,
    lang: Lang,
) -> Result<(RequestKind, Email, Option<Corrections>), &'static str> {
    let kind = RequestKind::from_str(&form.kind).map_err(|_| W::PcChooseKind.t(lang))?;
    let email = Email::parse(&form.email).map_err(|_| W::PcBadEmail.t(lang))?;
    let text = |s: &str| {
        let s = s.trim();
        (!s.is_empty()).then(|| s.chars().take(200).collect::<String>())
    };
    let corrections = Corrections {
        email: match text(&form.new_email) {
            Some(e) => Some(Email::parse(&e).map_err(|_| W::PcBadNewEmail.t(lang))?),
            None => None,
        },
        phone: match text(&form.new_phone) {
            Some(p) => {
                Some(PhoneE164::parse(&p, Region::FR).map_err(|_| W::PcBadNewPhone.t(lang))?)
            }
            None => None,
        },
        first_name: text(&form.new_first_name),
        last_name: text(&form.new_last_name),
    };
    let corrections = match (kind, corrections.is_empty()) {
        (RequestKind::Rectification, true) => {
            return Err(W::PcRectificationNeedsValue.t(lang));
        }
        (RequestKind::Rectification, false) => Some(corrections),
        (_, true) => None,
        (_, false) => {
            return Err(W::PcValuesOnlyForRectification.t(lang));
        }
    };
    Ok((kind, email, corrections))
}

/// Files the request, sends the code, and leads to the code form.
async fn file(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    form: Result<Form<FileForm>, axum::extract::rejection::FormRejection>,
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
    let profile = match centre_profile(&state, &org, lang).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let (csrf, set) = prelogin_token(&headers);
    if set.is_some() || form.csrf != csrf {
        return with_cookie(
            centre_page(
                &state,
                &org,
                profile.as_ref(),
                lang,
                &csrf,
                StatusCode::FORBIDDEN,
                Some(W::ExpiredForm.t(lang)),
                &form,
            ),
            set,
        );
    }
    let Some(mailer) = state.mailer() else {
        return centre_page(
            &state,
            &org,
            profile.as_ref(),
            lang,
            &csrf,
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            &form,
        );
    };
    let (kind, email, corrections) = match parse_form(&form, lang) {
        Ok(v) => v,
        Err(e) => {
            return centre_page(
                &state,
                &org,
                profile.as_ref(),
                lang,
                &csrf,
                StatusCode::BAD_REQUEST,
                Some(e),
                &form,
            );
        }
    };
    let config = state.privacy();
    let limits = state.limits();
    let per_hour = |n: f64| (n / 3600.0, n.max(1.0));
    let (rate, burst) = per_hour(config.filings_per_address_per_hour);
    if let Err(wait) = limits
        .privacy_filings
        .take(&client_key(&state, peer, &headers), rate, burst)
    {
        return too_many(lang, wait);
    }
    // The mailbox's bucket is keyed by a hash: the limiter's memory holds no address.
    let mailbox = hex::encode(sha2::Sha256::digest(
        format!("{}:{}", org.id, email.as_str()).as_bytes(),
    ));
    let (rate, burst) = per_hour(config.filings_per_mailbox_per_hour);
    if let Err(wait) = limits.privacy_mailboxes.take(&mailbox, rate, burst) {
        return too_many(lang, wait);
    }

    let by = Actor::public(None);
    let filed = match state
        .dsar()
        .file(
            &org,
            kind,
            Identifier::Email(email.clone()),
            false,
            corrections,
            &by,
        )
        .await
    {
        Ok(f) => f,
        Err(DsarError::Invalid { .. }) => {
            return centre_page(
                &state,
                &org,
                profile.as_ref(),
                lang,
                &csrf,
                StatusCode::BAD_REQUEST,
                Some(W::PcIncomplete.t(lang)),
                &form,
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "privacy centre: filing failed");
            return failure(lang);
        }
    };
    // The answers to the request are written in the language the person filed in.
    if let Err(e) = state
        .store()
        .set_request_lang(org.id, filed.request.id, lang)
        .await
    {
        tracing::error!(error = %e, "privacy centre: storing the language failed");
        return failure(lang);
    }
    let filing = match state
        .store()
        .portal_new_code(org.id, filed.request.id, Timestamp::now(), config.code_ttl)
        .await
    {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(error = %e, "privacy centre: storing a code failed");
            return failure(lang);
        }
    };
    let minutes = config.code_ttl.as_secs().div_ceil(60);
    let body = format!(
        "Bonjour,\n\n\
         Vous avez déposé une demande ({kind_fr}) auprès de {org}.\n\
         Votre code de vérification : {code}\n\
         Il est valable {minutes} minutes. Saisissez-le sur la page ouverte par votre demande.\n\
         Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n\n\
         ---\n\n\
         Hello,\n\n\
         You filed a request ({kind_en}) with {org}.\n\
         Your verification code: {code}\n\
         It is valid for {minutes} minutes. Type it on the page your request opened.\n\
         If you did not file this request, ignore this message.\n",
        kind_fr = kind_label(kind, Lang::Fr),
        kind_en = kind_label(kind, Lang::En),
        org = org.name,
        code = filing.code,
    );
    let sent = mailer
        .send(
            email.as_str(),
            &format!("{} : code de vérification / verification code", org.name),
            body,
        )
        .await;
    if sent.is_err() {
        // The error may quote the relay's answer, which may quote the address: not logged.
        tracing::warn!(
            request = filed.request.id,
            "privacy centre: the code could not be sent"
        );
        return message(
            lang,
            StatusCode::BAD_GATEWAY,
            W::PcCouldNotSend.t(lang),
            W::PcCouldNotSendText.t(lang),
        );
    }
    Redirect::to(&centre_link(&org, &["verify", &filing.handle], lang)).into_response()
}

// ------------------------------------------------------------------------------ the code

#[derive(Debug, Default, Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    code: String,
}

fn code_page(
    org: &Organization,
    handle: &str,
    lang: Lang,
    csrf: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let body = html! {
        p {
            (W::PcCodeSent.t(lang))
        }
        @if let Some(e) = error { (flash(Flash::Error, e)) }
        form method="post" action=(centre_link(org, &["verify", handle], lang)) {
            (hidden("csrf", csrf))
            (hidden("lang", lang.as_str()))
            div.field {
                label for="f-code" { (W::Code.t(lang)) }
                input #f-code type="text" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6"
                    autocomplete="one-time-code" required autofocus;
            }
            button type="submit" { (W::PcVerify.t(lang)) }
        }
    };
    page(lang, status, W::PcVerifyTitle.t(lang), body)
}

fn spent(org: &Organization, lang: Lang) -> Response {
    let body = html! {
        p role="alert" {
            (W::PcCodeSpent.t(lang))
        }
        p { a href=(centre_link(org, &[], lang)) { (W::PcBackToForm.t(lang)) } }
    };
    page(lang, StatusCode::GONE, W::PcCodeExpired.t(lang), body)
}

async fn code_form(
    State(state): State<AppState>,
    Path((slug, handle)): Path<(String, String)>,
    Query(q): Query<LangParam>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&q, &headers);
    let org = match centre_org(&state, &slug, lang).await {
        Ok(o) => o,
        Err(page) => return page,
    };
    match state
        .store()
        .portal_pending(org.id, &handle, Timestamp::now())
        .await
    {
        Ok(true) => {}
        Ok(false) => return spent(&org, lang),
        Err(e) => {
            tracing::error!(error = %e, "privacy centre: store");
            return failure(lang);
        }
    }
    let (csrf, set) = prelogin_token(&headers);
    with_cookie(
        code_page(&org, &handle, lang, &csrf, StatusCode::OK, None),
        set,
    )
}

async fn check_code(
    State(state): State<AppState>,
    Path((slug, handle)): Path<(String, String)>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    form: Result<Form<CodeForm>, axum::extract::rejection::FormRejection>,
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
    let (csrf, set) = prelogin_token(&headers);
    if set.is_some() || form.csrf != csrf {
        return with_cookie(
            code_page(
                &org,
                &handle,
                lang,
                &csrf,
                StatusCode::FORBIDDEN,
                Some(W::ExpiredForm.t(lang)),
            ),
            set,
        );
    }
    let config = state.privacy();
    if let Some(page) = limit_person(&state, peer, &headers, lang) {
        return page;
    }
    let check = match state
        .store()
        .portal_check_code(
            org.id,
            &handle,
            &form.code,
            Timestamp::now(),
            config.max_attempts,
        )
        .await
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "privacy centre: store");
            return failure(lang);
        }
    };
    match check {
        CodeCheck::Verified {
            request_id,
            status_token,
        } => {
            match state
                .dsar()
                .verify(&org, request_id, &Actor::public(None))
                .await
            {
                // A request joined to one already verified, or closed since: the code still
                // proves the address, and the link follows the request.
                Ok(_) | Err(DsarError::Transition { .. }) => {}
                Err(e) => {
                    tracing::error!(error = %e, request = request_id, "privacy centre: verify failed");
                    return failure(lang);
                }
            }
            let link = centre_link(&org, &["status", &status_token], lang);
            let body = html! {
                p {
                    (W::PcVerified.t(lang))
                }
                p { a.status-link href=(link) { (link) } }
                p.hint {
                    (W::PcKeepLink.t(lang))
                }
            };
            page(lang, StatusCode::OK, W::PcRecorded.t(lang), body)
        }
        CodeCheck::Wrong { attempts_left } => {
            let text = match lang {
                Lang::Fr => format!("Code incorrect : encore {attempts_left} essai(s)."),
                Lang::En => format!("Wrong code: {attempts_left} attempt(s) left."),
            };
            code_page(
                &org,
                &handle,
                lang,
                &csrf,
                StatusCode::BAD_REQUEST,
                Some(&text),
            )
        }
        CodeCheck::Spent => spent(&org, lang),
        CodeCheck::Unknown => message(
            lang,
            StatusCode::NOT_FOUND,
            W::NotFound.t(lang),
            W::PcUnknownLink.t(lang),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_checked_field_by_field() {
        let mut f = FileForm {
            kind: "access".into(),
            email: " Marie@Example.org ".into(),
            ..FileForm::default()
        };
        let (k, e, c) = parse_form(&f, Lang::En).unwrap();
        assert_eq!(
            (k, e.as_str(), c),
            (RequestKind::Access, "marie@example.org", None)
        );
        f.new_first_name = "Marie".into();
        assert!(
            parse_form(&f, Lang::En).is_err(),
            "values go with rectification"
        );
        f.kind = "rectification".into();
        let (_, _, c) = parse_form(&f, Lang::En).unwrap();
        assert_eq!(c.unwrap().first_name.as_deref(), Some("Marie"));
        f.kind = "delete".into();
        assert!(parse_form(&f, Lang::Fr).is_err());
        f.kind = "access".into();
        f.new_first_name.clear();
        f.email = "nope".into();
        assert!(parse_form(&f, Lang::Fr).is_err());
    }
}
