//! Signing in, French first: password, then the TOTP second factor (or a recovery code); the
//! first time, a one-time set-up link to choose a password and enrol an authenticator app (QR
//! code). Logout. These routes are public in the route table: each checks the state of the
//! session it needs itself.
//!
//! CSRF: before there is a session, forms carry the value of a `vigie_prelogin` cookie (double
//! submit); after, the session's own token. Cookies are `SameSite=Strict` and `HttpOnly`.

use std::fmt::Write as _;
use std::net::SocketAddr;

use axum::Form;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use vigie_core::Lang;
use vigie_store::{AuditEvent, Session, User};

use crate::AppState;
use crate::auth::{
    PRELOGIN_COOKIE, SESSION_COOKIE, client_ip, cookie, set_cookie, with_retry_after,
};
use crate::html::Link;
use crate::html::W;
use crate::html::components::{Flash, flash};
use maud::{Markup, html};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/login/totp", get(totp_form).post(totp_check))
        .route("/account/totp", get(enrol_form).post(enrol_confirm))
        .route("/setup/{secret}", get(setup_form).post(setup))
        .route("/logout", post(logout))
}

/// The texts of these pages, taken from the catalogue ([`W`]) once per language.
struct Words {
    lang: Lang,
    sign_in: &'static str,
    email: &'static str,
    password: &'static str,
    password_again: &'static str,
    submit: &'static str,
    wrong_password: &'static str,
    held_back: &'static str,
    second_factor: &'static str,
    code_hint: &'static str,
    code: &'static str,
    wrong_code: &'static str,
    enrol: &'static str,
    enrol_hint: &'static str,
    secret_hint: &'static str,
    recovery_title: &'static str,
    recovery_hint: &'static str,
    continue_: &'static str,
    setup: &'static str,
    setup_hint: &'static str,
    mismatch: &'static str,
    bad_link: &'static str,
    expired_form: &'static str,
}

const fn words_in(lang: Lang) -> Words {
    Words {
        lang,
        sign_in: W::SignIn.t(lang),
        email: W::EmailAddress.t(lang),
        password: W::Password.t(lang),
        password_again: W::PasswordAgain.t(lang),
        submit: W::Submit.t(lang),
        wrong_password: W::WrongPassword.t(lang),
        held_back: W::HeldBack.t(lang),
        second_factor: W::SecondFactor.t(lang),
        code_hint: W::CodeHint.t(lang),
        code: W::Code.t(lang),
        wrong_code: W::WrongCode.t(lang),
        enrol: W::Enrol.t(lang),
        enrol_hint: W::EnrolHint.t(lang),
        secret_hint: W::SecretHint.t(lang),
        recovery_title: W::RecoveryTitle.t(lang),
        recovery_hint: W::RecoveryHint.t(lang),
        continue_: W::Continue.t(lang),
        setup: W::Setup.t(lang),
        setup_hint: W::SetupHint.t(lang),
        mismatch: W::Mismatch.t(lang),
        bad_link: W::BadLink.t(lang),
        expired_form: W::ExpiredForm.t(lang),
    }
}

const FR: Words = words_in(Lang::Fr);
const EN: Words = words_in(Lang::En);

#[derive(Debug, Default, Deserialize)]
struct PageParams {
    lang: Option<String>,
    next: Option<String>,
}

fn lang_of(params: &PageParams, headers: &HeaderMap) -> Lang {
    params
        .lang
        .as_deref()
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| crate::html::lang::from_headers(headers))
}

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

/// Only a path of this site may follow a sign-in (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn bare_page(w: &Words, status: StatusCode, title: &str, body: Markup) -> Response {
    crate::html::bare_page(w.lang, status, title, body)
}

fn error_line(error: Option<&str>) -> Markup {
    html! { @if let Some(e) = error { (flash(Flash::Error, e)) } }
}

/// The pre-login CSRF value: the cookie's, or a new one to set.
pub(crate) fn prelogin_token(headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match cookie(headers, PRELOGIN_COOKIE) {
        Some(v) if v.len() >= 16 && v.len() <= 64 => (v.to_owned(), None),
        _ => {
            let mut b = [0u8; 18];
            rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut b);
            let v = hex::encode(b);
            let set = set_cookie(PRELOGIN_COOKIE, &v, None, false);
            (v, Some(set))
        }
    }
}

pub(crate) fn with_cookie(mut r: Response, set: Option<HeaderValue>) -> Response {
    if let Some(v) = set {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

pub(crate) fn hidden(name: &str, value: &str) -> Markup {
    html! { input type="hidden" name=(name) value=(value); }
}

/// The session of the request (any state), with its cookie value.
async fn current_session(state: &AppState, headers: &HeaderMap) -> Option<(String, Session)> {
    let secret = cookie(headers, SESSION_COOKIE)?.to_owned();
    match state
        .store()
        .session(&secret, state.auth_config().sessions)
        .await
    {
        Ok(Some(s)) => Some((secret, s)),
        Ok(None) => None,
        Err(e) => {
            tracing::error!(error = %e, "session look-up failed");
            None
        }
    }
}

/// Records a sign-in event in the trail of every organization the user belongs to.
async fn audit_user(state: &AppState, user: &User, action: &str, origin: Option<std::net::IpAddr>) {
    let memberships = match state.store().memberships(user.id).await {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "memberships look-up failed");
            return;
        }
    };
    for m in memberships {
        let event = AuditEvent {
            actor: format!("user:{}", user.email),
            role: Some(m.role.as_str().to_owned()),
            action: action.to_owned(),
            target: None,
            origin: origin.map(|ip| ip.to_string()),
            reason: None,
        };
        if let Err(e) = state.store().audit(m.org_id, event).await {
            tracing::error!(error = %e, action, "could not record a sign-in event");
        }
    }
}

/// Sign-in attempts per client address; `Some` is the refusal to send.
fn limit_attempts(
    state: &AppState,
    origin: Option<std::net::IpAddr>,
    w: &Words,
) -> Option<Response> {
    let key = origin.map_or_else(|| "?".to_owned(), |ip| ip.to_string());
    let per_second = state.auth_config().login_per_minute / 60.0;
    let burst = state.auth_config().login_per_minute.max(1.0);
    state
        .limits()
        .login
        .take(&key, per_second, burst)
        .err()
        .map(|wait| {
            let r = bare_page(
                w,
                StatusCode::TOO_MANY_REQUESTS,
                w.sign_in,
                flash(
                    Flash::Error,
                    &format!("{} {} s.", w.held_back, wait.as_secs().max(1)),
                ),
            );
            with_retry_after(r, wait)
        })
}

// ------------------------------------------------------------------------------ password

fn login_page(
    w: &Words,
    csrf: &str,
    next: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let body = html! {
        (error_line(error))
        form method="post" action="/login" {
            (hidden("csrf", csrf))
            (hidden("next", next))
            div.field {
                label for="f-email" { (w.email) }
                input #f-email type="email" name="email" autocomplete="username" required autofocus;
            }
            div.field {
                label for="f-password" { (w.password) }
                input #f-password type="password" name="password" autocomplete="current-password" required;
            }
            p { button type="submit" { (w.sign_in) } }
        }
    };
    bare_page(w, status, w.sign_in, body)
}

async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<PageParams>,
) -> Response {
    let w = words(lang_of(&params, &headers));
    let next = safe_next(params.next.as_deref());
    if let Some((_, s)) = current_session(&state, &headers).await
        && s.mfa_done
    {
        return Redirect::to(&next).into_response();
    }
    let (csrf, set) = prelogin_token(&headers);
    with_cookie(login_page(w, &csrf, &next, StatusCode::OK, None), set)
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    csrf: String,
    email: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<PageParams>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let w = words(lang_of(&params, &headers));
    let origin = client_ip(state.auth_config(), Some(peer.ip()), &headers);
    let (csrf, set) = prelogin_token(&headers);
    let Ok(Form(form)) = form else {
        return with_cookie(
            login_page(w, &csrf, "/", StatusCode::BAD_REQUEST, Some(w.expired_form)),
            set,
        );
    };
    let next = safe_next(form.next.as_deref());
    if set.is_some() || form.csrf != csrf {
        return with_cookie(
            login_page(w, &csrf, &next, StatusCode::FORBIDDEN, Some(w.expired_form)),
            set,
        );
    }
    if let Some(r) = limit_attempts(&state, origin, w) {
        return r;
    }
    let account = form.email.trim().to_ascii_lowercase();
    if let Some(wait) = crate::auth::account_hold(&state, &account).await {
        let msg = format!("{} {} s.", w.held_back, wait.as_secs().max(1));
        let page = login_page(w, &csrf, &next, StatusCode::TOO_MANY_REQUESTS, Some(&msg));
        return with_retry_after(page, wait);
    }
    let user = match state
        .store()
        .check_password(&form.email, &form.password)
        .await
    {
        Ok(u) => u,
        Err(e) => return crate::html::store_error_page(e),
    };
    let Some(user) = user else {
        crate::auth::account_failed(&state, &account).await;
        tracing::warn!(origin = ?origin, "sign-in failed: wrong e-mail or password");
        if let Ok(Some(known)) = state.store().user_by_email(&account).await {
            audit_user(&state, &known, "login.failed", origin).await;
        }
        return login_page(
            w,
            &csrf,
            &next,
            StatusCode::UNAUTHORIZED,
            Some(w.wrong_password),
        );
    };
    let (secret, _) = match state
        .store()
        .create_session(user.id, false, state.auth_config().sessions)
        .await
    {
        Ok(s) => s,
        Err(e) => return crate::html::store_error_page(e),
    };
    let target = if user.totp_enabled {
        format!("/login/totp?next={}", crate::html::pct(&next))
    } else {
        "/account/totp".to_owned()
    };
    with_session_cookie(&state, Redirect::to(&target).into_response(), &secret)
}

// ------------------------------------------------------------------------ second factor

fn totp_page(
    w: &Words,
    csrf: &str,
    next: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let body = html! {
        (error_line(error))
        form method="post" action="/login/totp" {
            (hidden("csrf", csrf))
            (hidden("next", next))
            p.hint #code-hint { (w.code_hint) }
            (code_field(w))
            p { button type="submit" { (w.submit) } }
        }
    };
    bare_page(w, status, w.second_factor, body)
}

/// The field of a one-time code.
fn code_field(w: &Words) -> Markup {
    html! {
        div.field {
            label for="f-code" { (w.code) }
            input #f-code name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus;
        }
    }
}

async fn totp_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<PageParams>,
) -> Response {
    let w = words(lang_of(&params, &headers));
    let next = safe_next(params.next.as_deref());
    match current_session(&state, &headers).await {
        None => Redirect::to("/login").into_response(),
        Some((_, s)) if s.mfa_done => Redirect::to(&next).into_response(),
        Some((_, s)) if !s.user.totp_enabled => Redirect::to("/account/totp").into_response(),
        Some((_, s)) => totp_page(w, &s.csrf, &next, StatusCode::OK, None),
    }
}

#[derive(Debug, Deserialize)]
struct CodeForm {
    csrf: String,
    code: String,
    next: Option<String>,
}

async fn totp_check(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<PageParams>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Response {
    let w = words(lang_of(&params, &headers));
    let origin = client_ip(state.auth_config(), Some(peer.ip()), &headers);
    let Some((secret, session)) = current_session(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if session.mfa_done {
        return Redirect::to("/").into_response();
    }
    let Ok(Form(form)) = form else {
        return totp_page(
            w,
            &session.csrf,
            "/",
            StatusCode::BAD_REQUEST,
            Some(w.expired_form),
        );
    };
    let next = safe_next(form.next.as_deref());
    if form.csrf != session.csrf {
        return totp_page(
            w,
            &session.csrf,
            &next,
            StatusCode::FORBIDDEN,
            Some(w.expired_form),
        );
    }
    if let Some(r) = limit_attempts(&state, origin, w) {
        return r;
    }
    let account = session.user.email.clone();
    if let Some(wait) = crate::auth::account_hold(&state, &account).await {
        let msg = format!("{} {} s.", w.held_back, wait.as_secs().max(1));
        let page = totp_page(
            w,
            &session.csrf,
            &next,
            StatusCode::TOO_MANY_REQUESTS,
            Some(&msg),
        );
        return with_retry_after(page, wait);
    }
    let ok = match state
        .store()
        .check_second_factor(session.user.id, &form.code, Timestamp::now())
        .await
    {
        Ok(ok) => ok,
        Err(e) => return crate::html::store_error_page(e),
    };
    if !ok {
        crate::auth::account_failed(&state, &account).await;
        audit_user(&state, &session.user, "login.second_factor_failed", origin).await;
        return totp_page(
            w,
            &session.csrf,
            &next,
            StatusCode::UNAUTHORIZED,
            Some(w.wrong_code),
        );
    }
    crate::auth::account_succeeded(&state, &account).await;
    let renewed = match state.store().session_mfa_done(&secret).await {
        Ok(renewed) => renewed,
        Err(e) => return crate::html::store_error_page(e),
    };
    audit_user(&state, &session.user, "login.succeeded", origin).await;
    with_session_cookie(&state, Redirect::to(&next).into_response(), &renewed)
}

/// Sets the session cookie to `secret` on a response.
fn with_session_cookie(state: &AppState, mut r: Response, secret: &str) -> Response {
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            secret,
            None,
            state.auth_config().secure_cookies,
        ),
    );
    r
}

// ---------------------------------------------------------------------------- enrolment

/// The QR code of `text` as inline SVG (black modules on white, a 4-module quiet zone).
fn qr_svg(text: &str, label: &str) -> Markup {
    let Ok(qr) = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium) else {
        return html! {};
    };
    let size = qr.size();
    let border = 4;
    let total = size + 2 * border;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                let _ = write!(path, "M{},{}h1v1h-1z", x + border, y + border);
            }
        }
    }
    html! {
        svg.qr xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {total} {total}"))
            width="240" height="240" role="img" aria-label=(label) shape-rendering="crispEdges" {
            rect width="100%" height="100%" fill="#fff" {}
            path d=(path) fill="#000" {}
        }
    }
}

async fn enrol_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<PageParams>,
) -> Response {
    let w = words(lang_of(&params, &headers));
    let Some((_, session)) = current_session(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if session.user.totp_enabled {
        return Redirect::to("/").into_response();
    }
    enrol_page(&state, w, &session, StatusCode::OK, None).await
}

async fn enrol_page(
    state: &AppState,
    w: &Words,
    session: &Session,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let enrolment = match state.store().begin_totp(session.user.id).await {
        Ok(e) => e,
        Err(e) => return crate::html::store_error_page(e),
    };
    let body = html! {
        (error_line(error))
        p { (w.enrol_hint) }
        (qr_svg(&enrolment.otpauth_url, W::QrCode.t(w.lang)))
        p.hint { (w.secret_hint) " " code { (enrolment.secret_base32) } }
        form method="post" action="/account/totp" {
            (hidden("csrf", &session.csrf))
            (code_field(w))
            p { button type="submit" { (w.submit) } }
        }
    };
    bare_page(w, status, w.enrol, body)
}

async fn enrol_confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<PageParams>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Response {
    let w = words(lang_of(&params, &headers));
    let origin = client_ip(state.auth_config(), Some(peer.ip()), &headers);
    let Some((secret, session)) = current_session(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if session.user.totp_enabled {
        return Redirect::to("/").into_response();
    }
    let Ok(Form(form)) = form else {
        return enrol_page(
            &state,
            w,
            &session,
            StatusCode::BAD_REQUEST,
            Some(w.expired_form),
        )
        .await;
    };
    if form.csrf != session.csrf {
        return enrol_page(
            &state,
            w,
            &session,
            StatusCode::FORBIDDEN,
            Some(w.expired_form),
        )
        .await;
    }
    if let Some(r) = limit_attempts(&state, origin, w) {
        return r;
    }
    let codes = match state
        .store()
        .confirm_totp(session.user.id, &form.code, Timestamp::now())
        .await
    {
        Ok(c) => c,
        Err(e) => return crate::html::store_error_page(e),
    };
    let Some(codes) = codes else {
        return enrol_page(
            &state,
            w,
            &session,
            StatusCode::UNAUTHORIZED,
            Some(w.wrong_code),
        )
        .await;
    };
    let renewed = match state.store().session_mfa_done(&secret).await {
        Ok(renewed) => renewed,
        Err(e) => return crate::html::store_error_page(e),
    };
    audit_user(&state, &session.user, "totp.enrolled", origin).await;
    let body = html! {
        p { (w.recovery_hint) }
        ul.codes { @for c in &codes { li { code { (c) } } } }
        p { a href="/" { (w.continue_) } }
    };
    let page = bare_page(w, StatusCode::OK, w.recovery_title, body);
    with_session_cookie(&state, page, &renewed)
}

// ------------------------------------------------------------------------------- set-up

fn setup_page(
    w: &Words,
    secret: &str,
    csrf: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let body = html! {
        (error_line(error))
        form method="post" action=(Link::new("/setup").seg(secret)) {
            (hidden("csrf", csrf))
            p.hint #password-hint { (w.setup_hint) }
            div.field {
                label for="f-password" { (w.password) }
                input #f-password type="password" name="password" autocomplete="new-password" minlength="12"
                    required autofocus aria-describedby="password-hint";
            }
            div.field {
                label for="f-password-again" { (w.password_again) }
                input #f-password-again type="password" name="password_again" autocomplete="new-password"
                    minlength="12" required;
            }
            p { button type="submit" { (w.submit) } }
        }
    };
    bare_page(w, status, w.setup, body)
}

async fn setup_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<PageParams>,
    Path(secret): Path<String>,
) -> Response {
    let w = words(lang_of(&params, &headers));
    match state.store().setup_user(&secret).await {
        Ok(Some(_)) => {
            let (csrf, set) = prelogin_token(&headers);
            with_cookie(setup_page(w, &secret, &csrf, StatusCode::OK, None), set)
        }
        Ok(None) => bare_page(
            w,
            StatusCode::NOT_FOUND,
            w.setup,
            flash(Flash::Error, w.bad_link),
        ),
        Err(e) => crate::html::store_error_page(e),
    }
}

#[derive(Debug, Deserialize)]
struct SetupForm {
    csrf: String,
    password: String,
    password_again: String,
}

async fn setup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<PageParams>,
    Path(secret): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    form: Result<Form<SetupForm>, FormRejection>,
) -> Response {
    let w = words(lang_of(&params, &headers));
    let (csrf, set) = prelogin_token(&headers);
    let origin = client_ip(state.auth_config(), Some(peer.ip()), &headers);
    if let Some(r) = limit_attempts(&state, origin, w) {
        return r;
    }
    let Ok(Form(form)) = form else {
        return with_cookie(
            setup_page(
                w,
                &secret,
                &csrf,
                StatusCode::BAD_REQUEST,
                Some(w.expired_form),
            ),
            set,
        );
    };
    if set.is_some() || form.csrf != csrf {
        return with_cookie(
            setup_page(
                w,
                &secret,
                &csrf,
                StatusCode::FORBIDDEN,
                Some(w.expired_form),
            ),
            set,
        );
    }
    if form.password != form.password_again {
        return setup_page(w, &secret, &csrf, StatusCode::BAD_REQUEST, Some(w.mismatch));
    }
    let user = match state.store().redeem_setup(&secret, &form.password).await {
        Ok(u) => u,
        Err(vigie_store::StoreError::Invalid(m)) => {
            return setup_page(w, &secret, &csrf, StatusCode::BAD_REQUEST, Some(&m));
        }
        Err(vigie_store::StoreError::NotFound(_)) => {
            return bare_page(
                w,
                StatusCode::NOT_FOUND,
                w.setup,
                flash(Flash::Error, w.bad_link),
            );
        }
        Err(e) => return crate::html::store_error_page(e),
    };
    audit_user(&state, &user, "user.setup", origin).await;
    let (session, _) = match state
        .store()
        .create_session(user.id, false, state.auth_config().sessions)
        .await
    {
        Ok(s) => s,
        Err(e) => return crate::html::store_error_page(e),
    };
    let mut r = Redirect::to("/account/totp").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            &session,
            None,
            state.auth_config().secure_cookies,
        ),
    );
    r
}

// ------------------------------------------------------------------------------- logout

#[derive(Debug, Deserialize)]
struct LogoutForm {
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    form: Result<Form<LogoutForm>, FormRejection>,
) -> Response {
    if let Some((secret, session)) = current_session(&state, &headers).await {
        // Only our own pages can sign someone out: the form carries the session's token.
        if !form.is_ok_and(|Form(f)| f.csrf == session.csrf) {
            let lang = crate::html::lang::from_headers(&headers);
            return crate::html::error_page(
                lang,
                StatusCode::FORBIDDEN,
                W::Forbidden.t(lang),
                W::FormExpired.t(lang),
            );
        }
        if let Err(e) = state.store().end_session(&secret).await {
            return crate::html::store_error_page(e);
        }
        audit_user(
            &state,
            &session.user,
            "logout",
            client_ip(state.auth_config(), Some(peer.ip()), &headers),
        )
        .await;
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            "",
            Some(std::time::Duration::ZERO),
            state.auth_config().secure_cookies,
        ),
    );
    r
}
