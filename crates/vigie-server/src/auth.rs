//! Who is calling, for which organization, and may they: the one gate every route goes through.
//!
//! Every route declares one [`Permission`] in [`ROUTES`] (`routes.rs`); [`authorize`] looks it up by method
//! and route template (a route missing from the table answers 500: fail closed, and a test walks
//! the table), authenticates the caller — an API token (`Authorization: Bearer`), or a session
//! cookie whose user gave the second factor —, resolves the organization (the token's own; for a
//! person, the `Vigie-Org` header or `?org=` among their memberships: anything else is a 404, so
//! one organization cannot even learn another exists), asks the core whether the role or the
//! token's scopes grant the permission, and hands the handlers a [`Caller`].
//!
//! Public routes are rate-limited per client address; sign-in failures are throttled per
//! account and recorded in the audit trail.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use vigie_core::{Lang, Permission, Role};
use vigie_store::{ApiToken, AuditEvent, DEFAULT_ORG, Organization, Session, SessionPolicy};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ORG_HEADER, unknown_org};
use crate::html::W;
use crate::html::lang::PageLang;
use crate::routes::{ROUTES, route_permission};

/// The session cookie.
pub const SESSION_COOKIE: &str = "vigie_session";
/// The cookie that protects the sign-in form before there is a session (double submit).
pub const PRELOGIN_COOKIE: &str = "vigie_prelogin";
/// The header API calls made with a session cookie carry the session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The header in which a caller gives the reason for an access, recorded in the audit trail.
pub const REASON_HEADER: &str = "vigie-reason";

/// Limits of the authentication layer.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub sessions: SessionPolicy,
    /// Mark every cookie `Secure` (serve behind HTTPS).
    pub secure_cookies: bool,
    /// Send `Strict-Transport-Security` with this max-age (serve behind HTTPS only).
    pub hsts: Option<Duration>,
    /// Requests per second a client address may make to public routes, after a burst.
    pub public_rate: f64,
    pub public_burst: f64,
    /// Sign-in attempts (password or code) per minute from one address.
    pub login_per_minute: f64,
    /// Failed sign-ins in a row before an account is held back.
    pub login_failures_before_lock: u32,
    /// How long an account is held back after that, doubled at each further failure.
    pub login_lock: Duration,
    /// Reverse proxies whose `X-Forwarded-For` is believed (their own address is not the
    /// client's). Empty: the header is ignored.
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            sessions: SessionPolicy::default(),
            secure_cookies: false,
            hsts: None,
            public_rate: 20.0,
            public_burst: 100.0,
            login_per_minute: 10.0,
            login_failures_before_lock: 5,
            login_lock: Duration::from_secs(60),
            trusted_proxies: Vec::new(),
        }
    }
}

/// A token bucket per key.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    /// Takes one token for `key`; `Err(wait)` when the bucket is empty.
    pub(crate) fn take(&self, key: &str, per_second: f64, burst: f64) -> Result<(), Duration> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("rate limiter");
        if buckets.len() > 100_000 {
            // Forget full buckets rather than grow without end under a flood of addresses.
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * per_second < burst
            });
        }
        let (tokens, at) = buckets.entry(key.to_owned()).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_second).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / per_second))
        }
    }
}

/// When each token's use was last written to the store (`last_used_at`), by the SHA-256 of its
/// secret: an API client sending thousands of requests a second costs one write per token and
/// period, not one per request. Tokens themselves are read from the store at every request
/// (one indexed read, as a session is), so a revocation — through this server, the CLI or
/// another server — takes effect at the next request.
#[derive(Debug, Default)]
pub(crate) struct TokenUse {
    noted: Mutex<HashMap<[u8; 32], Instant>>,
}

/// How often a token's use is written to the store at most.
pub const TOKEN_USE_PERIOD: Duration = Duration::from_secs(10);

fn secret_key(secret: &str) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(secret.as_bytes()).into()
}

impl TokenUse {
    /// Whether the token's use is due to be written (none written in the last period); if so,
    /// counts it as written now.
    pub(crate) fn due(&self, secret: &str) -> bool {
        let mut noted = self.noted.lock().expect("token uses");
        if noted.len() > 10_000 {
            noted.retain(|_, at| at.elapsed() < TOKEN_USE_PERIOD);
        }
        let now = Instant::now();
        match noted.insert(secret_key(secret), now) {
            Some(at) if now.duration_since(at) < TOKEN_USE_PERIOD => {
                // Keep the time of the last write, not of this request.
                noted.insert(secret_key(secret), at);
                false
            }
            _ => true,
        }
    }
}

/// How long sign-ins to `account` are still held back after failures (kept in the store, so a
/// restart does not lift it). A store failure holds nothing back but is logged: the password
/// check that follows still runs.
pub(crate) async fn account_hold(state: &AppState, account: &str) -> Option<Duration> {
    state
        .store()
        .sign_in_hold(account)
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "sign-in holds unreadable");
            None
        })
}

/// Counts a failed sign-in to `account`; enough in a row hold it back (`AuthConfig`).
pub(crate) async fn account_failed(state: &AppState, account: &str) {
    let config = state.auth_config();
    if let Err(e) = state
        .store()
        .sign_in_failed(
            account,
            config.login_failures_before_lock,
            config.login_lock,
        )
        .await
    {
        tracing::error!(error = %e, "a failed sign-in could not be counted");
    }
}

/// A successful sign-in lifts the account's hold.
pub(crate) async fn account_succeeded(state: &AppState, account: &str) {
    if let Err(e) = state.store().sign_in_succeeded(account).await {
        tracing::error!(error = %e, "a sign-in hold could not be lifted");
    }
}

/// Who is calling.
#[derive(Debug, Clone)]
pub enum Who {
    User {
        id: i64,
        email: String,
        role: Role,
        session: Box<Session>,
    },
    Token(Box<ApiToken>),
}

/// An authenticated caller acting in one organization. Handlers take it as an extractor.
#[derive(Debug, Clone)]
pub struct Caller {
    pub org: Organization,
    pub who: Who,
    /// The client address.
    pub origin: Option<IpAddr>,
    /// The reason given with `Vigie-Reason`, if any.
    pub reason: Option<String>,
}

impl Caller {
    /// How the audit trail names the caller.
    pub fn actor(&self) -> String {
        match &self.who {
            Who::User { email, .. } => format!("user:{email}"),
            Who::Token(t) => format!("token:{}", t.id),
        }
    }

    pub fn role(&self) -> Option<Role> {
        match &self.who {
            Who::User { role, .. } => Some(*role),
            Who::Token(_) => None,
        }
    }

    /// Whether the caller holds the permission (a role's grants, or a token's scopes).
    pub fn may(&self, p: Permission) -> bool {
        match &self.who {
            Who::User { role, .. } => role.grants(p),
            Who::Token(t) => p.allowed_by(&t.scopes),
        }
    }

    /// Records a read of many records in the audit trail, naming every one read
    /// (`contacts:C0001,C0002`, `contacts:` for none): the trail then answers "who saw this
    /// person's data" for lists and searches as for single reads. Called with the page read,
    /// before it is answered.
    pub async fn audit_set<'a>(
        &self,
        state: &AppState,
        action: &str,
        kind: &str,
        refs: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), ApiError> {
        let mut target = format!("{kind}:");
        for (i, r) in refs.into_iter().enumerate() {
            if i > 0 {
                target.push(',');
            }
            target.push_str(r);
        }
        self.audit(state, action, Some(target)).await
    }

    /// Records an access or a change in the organization's audit trail. A failure to record is
    /// a failure of the request: nothing is read or changed unrecorded.
    pub async fn audit(
        &self,
        state: &AppState,
        action: &str,
        target: Option<String>,
    ) -> Result<(), ApiError> {
        self.audit_because(state, action, target, self.reason.clone())
            .await
    }

    /// [`Caller::audit`] with the reason given in a form rather than in `Vigie-Reason`.
    pub async fn audit_because(
        &self,
        state: &AppState,
        action: &str,
        target: Option<String>,
        reason: Option<String>,
    ) -> Result<(), ApiError> {
        let mut event = self.audit_event(action, target);
        event.reason = reason;
        state.store().audit(self.org.id, event).await?;
        Ok(())
    }

    /// The audit entry of an action by this caller, for the store functions that write it in
    /// their own step (a change of the retention policies with its new version, of the registers).
    pub fn audit_event(&self, action: &str, target: Option<String>) -> AuditEvent {
        AuditEvent {
            actor: self.actor(),
            role: self
                .role()
                .map(|r| r.as_str().to_owned())
                .or_else(|| Some("token".into())),
            action: action.to_owned(),
            target,
            origin: self.origin.map(|ip| ip.to_string()),
            reason: self.reason.clone(),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            tracing::error!(
                "a handler asked for the caller on a route the gate let through without one"
            );
            ApiError::internal()
        })
    }
}

/// The value of cookie `name`, if sent.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, whole site; `max_age` 0 deletes it.
pub fn set_cookie(name: &str, value: &str, max_age: Option<Duration>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={}", age.as_secs()));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie values are URL-safe base64")
}

/// The client address of a request: the peer's, or — when the peer is a trusted proxy — the
/// last address in `X-Forwarded-For` that is not one of the trusted proxies (the entries before
/// it were written by the client and prove nothing).
pub fn client_ip(config: &AuthConfig, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
    let peer = peer?;
    if !config.trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !config.trusted_proxies.contains(a))
            .unwrap_or(peer),
    )
}

/// The peer address of a connection, when the server was started with connection info.
pub fn peer_ip(req_extensions: &axum::http::Extensions) -> Option<IpAddr> {
    req_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

fn is_api(path: &str) -> bool {
    // /metrics is for scrapers (machines): JSON errors, no redirect to a sign-in page.
    path.starts_with("/api/") || path == "/healthz" || path == "/metrics"
}

fn too_many(wait: Duration, api: bool) -> Response {
    let secs = wait.as_secs().max(1);
    let r = if api {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many requests: try again in {secs} s"),
        )
        .into_response()
    } else {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("Trop de requêtes / too many requests: {secs} s"),
        )
            .into_response()
    };
    with_retry_after(r, wait)
}

/// Adds `Retry-After` (whole seconds, at least 1) to a 429: clients and proxies learn when to
/// come back instead of retrying at once.
pub fn with_retry_after(mut r: Response, wait: Duration) -> Response {
    r.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(wait.as_secs().max(1)),
    );
    r
}

/// Refusal of an unauthenticated request: 401 JSON on the API, a redirect to sign in on pages.
fn unauthenticated(api: bool, code: &'static str, message: &str, path_and_query: &str) -> Response {
    if api {
        let mut r = ApiError::new(StatusCode::UNAUTHORIZED, code, message).into_response();
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"vigie\""),
        );
        r
    } else {
        let next = crate::html::pct(path_and_query);
        Redirect::to(&format!("/login?next={next}")).into_response()
    }
}

fn forbidden(api: bool, p: Permission, lang: Lang) -> Response {
    if api {
        let message =
            format!("this needs the permission {p}, which your role or token does not have");
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message).into_response()
    } else {
        crate::html::error_page(
            lang,
            StatusCode::FORBIDDEN,
            W::Forbidden.t(lang),
            W::ForbiddenText.t(lang),
        )
    }
}

/// The largest form body the gate reads for its CSRF field; a larger urlencoded body is refused.
const CSRF_FORM_LIMIT: usize = 64 * 1024;

/// Whether a change made with a session cookie carries the session's CSRF token: in the
/// `x-csrf-token` header (API calls, scripts), or in the `csrf` field of an urlencoded form
/// (the pages' forms). The body read for the field is handed on unchanged.
async fn csrf_sent(parts: &Parts, body: Body, expected: &str) -> (bool, Body) {
    if let Some(sent) = parts.headers.get(CSRF_HEADER) {
        return (sent.as_bytes() == expected.as_bytes(), body);
    }
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    // A file upload from a page: its body is the file, so the form's action carries the token
    // in its query (`?csrf=`); request logs name the route template only, never the query.
    let is_upload = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("multipart/form-data"));
    if is_upload {
        let sent = parts
            .uri
            .query()
            .and_then(|q| form_urlencoded_field(q.as_bytes(), "csrf"));
        return (sent == Some(expected), body);
    }
    if !is_form {
        return (false, body);
    }
    let Ok(bytes) = axum::body::to_bytes(body, CSRF_FORM_LIMIT).await else {
        return (false, Body::empty());
    };
    let ok = form_urlencoded_field(&bytes, "csrf").is_some_and(|v| v == expected);
    (ok, Body::from(bytes))
}

/// The first value of `name` in an urlencoded body (CSRF tokens are hex: no decoding needed
/// beyond `+`, which a valid token never holds).
fn form_urlencoded_field<'a>(body: &'a [u8], name: &str) -> Option<&'a str> {
    std::str::from_utf8(body)
        .ok()?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The organization slug a request names: the `Vigie-Org` header, else `?org=`.
fn requested_org(parts: &axum::http::request::Parts) -> Option<String> {
    let from_header = parts
        .headers
        .get(ORG_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_owned());
    let from_query = parts.uri.query().and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "org")
            .map(|(_, v)| v.to_owned())
    });
    from_header.or(from_query).filter(|s| !s.is_empty())
}

/// The gate: see the module documentation.
pub async fn authorize(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(route) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
    else {
        return next.run(req).await; // no route: the fallback answers 404
    };
    let api = is_api(&route);
    let Some(permission) = route_permission(req.method(), &route) else {
        if ROUTES.iter().any(|(_, p, _)| *p == route) {
            // A method the route does not serve: axum answers 405 without running a handler.
            return next.run(req).await;
        }
        tracing::error!(route, method = %req.method(), "route without a declared permission");
        return ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "undeclared_route",
            "this route declares no permission: refused",
        )
        .into_response();
    };
    let config = state.auth_config();
    let origin = client_ip(config, peer_ip(req.extensions()), req.headers());
    if permission == Permission::Public {
        let key = origin.map_or_else(|| "?".to_owned(), |ip| ip.to_string());
        if let Err(wait) = state
            .limits()
            .public
            .take(&key, config.public_rate, config.public_burst)
        {
            return too_many(wait, api);
        }
        return next.run(req).await;
    }

    let (mut parts, mut body) = req.into_parts();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let reason = parts
        .headers
        .get(REASON_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().chars().take(500).collect::<String>())
        .filter(|s| !s.is_empty());
    let requested = requested_org(&parts);

    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned());

    let caller = if let Some(secret) = bearer {
        let token = match state.store().token_by_secret(&secret).await {
            Ok(t) => t,
            Err(e) => return ApiError::from(e).into_response(),
        };
        if let Some(t) = &token
            && t.revoked_at.is_none()
            && state.limits().tokens.due(&secret)
            && let Err(e) = state.store().touch_token(&t.id).await
        {
            tracing::warn!(error = %e, "could not note a token's use");
        }
        let Some(token) = token else {
            return unauthenticated(
                true,
                "invalid_token",
                "Authorization: unknown API token",
                "",
            );
        };
        if token.revoked_at.is_some() {
            return unauthenticated(
                true,
                "token_revoked",
                "Authorization: this API token was revoked",
                "",
            );
        }
        if !token.usable_at(jiff::Timestamp::now()) {
            return unauthenticated(
                true,
                "token_expired",
                "Authorization: this API token has expired",
                "",
            );
        }
        let org = match state.org_by_id(token.org_id).await {
            Ok(Some(o)) => o,
            Ok(None) => return ApiError::internal().into_response(),
            Err(e) => return ApiError::from(e).into_response(),
        };
        if let Some(slug) = &requested
            && *slug != org.slug
        {
            return unknown_org(slug).into_response();
        }
        Caller {
            org,
            who: Who::Token(Box::new(token)),
            origin,
            reason,
        }
    } else if let Some(secret) = cookie(&parts.headers, SESSION_COOKIE).map(str::to_owned) {
        let session = match state.store().session(&secret, config.sessions).await {
            Ok(s) => s,
            Err(e) => return ApiError::from(e).into_response(),
        };
        let Some(session) = session else {
            return unauthenticated(
                api,
                "session_expired",
                "your session has ended: sign in again",
                &path_and_query,
            );
        };
        if !session.mfa_done {
            return if api {
                unauthenticated(
                    true,
                    "second_factor_required",
                    "finish signing in with your second factor",
                    "",
                )
            } else {
                Redirect::to("/login/totp").into_response()
            };
        }
        // CSRF: a cookie travels with any request, so a change made with one must prove it
        // comes from our own pages or from a script that read the token: checked here, for
        // every route, so that a new form cannot forget it.
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if unsafe_method {
            let (ok, kept) = csrf_sent(&parts, body, &session.csrf).await;
            body = kept;
            if !ok {
                return if api {
                    ApiError::new(
                        StatusCode::FORBIDDEN,
                        "csrf",
                        format!("{CSRF_HEADER}: missing or wrong: a change made with a session cookie must carry the session's CSRF token"),
                    )
                    .into_response()
                } else {
                    let lang = PageLang::of(&parts);
                    crate::html::error_page(
                        lang,
                        StatusCode::FORBIDDEN,
                        W::Forbidden.t(lang),
                        W::FormExpired.t(lang),
                    )
                };
            }
        }
        let memberships = match state.store().memberships(session.user.id).await {
            Ok(m) => m,
            Err(e) => return ApiError::from(e).into_response(),
        };
        let chosen = match &requested {
            Some(slug) => memberships.iter().find(|m| m.org_slug == *slug),
            None => memberships
                .iter()
                .find(|m| m.org_slug == DEFAULT_ORG)
                .or_else(|| memberships.first()),
        };
        let Some(m) = chosen else {
            let slug = requested.unwrap_or_else(|| DEFAULT_ORG.to_owned());
            return if api {
                unknown_org(&slug).into_response()
            } else {
                let lang = PageLang::of(&parts);
                crate::html::error_page(
                    lang,
                    StatusCode::NOT_FOUND,
                    W::UnknownOrganization.t(lang),
                    &format!("{} ({slug})", W::UnknownOrganizationText.t(lang)),
                )
            };
        };
        let org = match state.org(&m.org_slug).await {
            Ok(Some(o)) => o,
            Ok(None) => return ApiError::internal().into_response(),
            Err(e) => return ApiError::from(e).into_response(),
        };
        Caller {
            org,
            who: Who::User {
                id: session.user.id,
                email: session.user.email.clone(),
                role: m.role,
                session: Box::new(session),
            },
            origin,
            reason,
        }
    } else {
        return unauthenticated(
            api,
            "unauthenticated",
            "sign in, or send an API token: Authorization: Bearer vigie_…",
            &path_and_query,
        );
    };

    if !caller.may(permission) {
        return forbidden(api, permission, PageLang::of(&parts));
    }
    parts.extensions.insert(caller);
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_refill_and_refuse() {
        let l = RateLimiter::default();
        assert!(l.take("a", 1.0, 2.0).is_ok());
        assert!(l.take("a", 1.0, 2.0).is_ok());
        let wait = l.take("a", 1.0, 2.0).unwrap_err();
        assert!(wait <= Duration::from_secs(1));
        assert!(l.take("b", 1.0, 2.0).is_ok(), "one key's bucket is its own");
    }

    #[test]
    fn forwarded_addresses_are_believed_from_trusted_proxies_only() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let client: IpAddr = "203.0.113.9".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("198.51.100.1, 203.0.113.9"),
        );
        let untrusting = AuthConfig::default();
        assert_eq!(client_ip(&untrusting, Some(proxy), &h), Some(proxy));
        let trusting = AuthConfig {
            trusted_proxies: vec![proxy],
            ..AuthConfig::default()
        };
        // The last entry not written by a trusted proxy; the first one is the client's claim.
        assert_eq!(client_ip(&trusting, Some(proxy), &h), Some(client));
        // A direct client cannot pretend to be someone else.
        assert_eq!(client_ip(&trusting, Some(client), &h), Some(client));
        assert_eq!(
            client_ip(&trusting, Some(proxy), &HeaderMap::new()),
            Some(proxy)
        );
    }

    #[test]
    fn cookies_are_read_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; vigie_session=xyz; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&h, "c"), None);
        let set = set_cookie(SESSION_COOKIE, "v", None, true);
        let set = set.to_str().unwrap();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Secure")
        );
    }

    /// The `.route(path, get(…).post(…))` calls of the modules that build routes by hand
    /// (the API's routes come from its OpenAPI annotations and are checked by an integration
    /// test): each (method, path) must be in [`ROUTES`].
    #[test]
    fn every_route_of_the_router_is_in_the_table() {
        let sources = [
            ("ui.rs", include_str!("ui.rs")),
            ("login.rs", include_str!("login.rs")),
            ("privacy.rs", include_str!("privacy.rs")),
            ("requalify.rs", include_str!("requalify.rs")),
            ("unsubscribe.rs", include_str!("unsubscribe.rs")),
            ("preferences.rs", include_str!("preferences.rs")),
            ("forms.rs", include_str!("forms.rs")),
            ("forms_ui.rs", include_str!("forms_ui.rs")),
            ("requests_ui.rs", include_str!("requests_ui.rs")),
            ("lib.rs", include_str!("lib.rs")),
            ("screenings/mod.rs", include_str!("screenings/mod.rs")),
            ("agent_ui.rs", include_str!("agent_ui.rs")),
            ("screenings_ui.rs", include_str!("screenings_ui.rs")),
            ("imports_ui.rs", include_str!("imports_ui.rs")),
            ("admin.rs", include_str!("admin.rs")),
            (
                "requalification_ui.rs",
                include_str!("requalification_ui.rs"),
            ),
        ];
        let mut seen = 0;
        for (file, text) in sources {
            for (i, _) in text.match_indices(".route(") {
                let call = &text[i + ".route(".len()..];
                let Some(path) = call
                    .trim_start()
                    .strip_prefix('"')
                    .and_then(|r| r.split('"').next())
                else {
                    continue; // not a literal path: not a route declaration
                };
                // The handlers of this route: up to the call's closing parenthesis.
                let mut depth = 1;
                let end = call
                    .char_indices()
                    .find(|(_, c)| {
                        match c {
                            '(' => depth += 1,
                            ')' => depth -= 1,
                            _ => {}
                        }
                        depth == 0
                    })
                    .map_or(call.len(), |(e, _)| e);
                let handlers = &call[..end];
                for (word, method) in [
                    ("get(", "GET"),
                    ("post(", "POST"),
                    ("put(", "PUT"),
                    ("patch(", "PATCH"),
                    ("delete(", "DELETE"),
                ] {
                    let named = handlers.match_indices(word).any(|(at, _)| {
                        at == 0
                            || !handlers.as_bytes()[at - 1].is_ascii_alphanumeric()
                                && handlers.as_bytes()[at - 1] != b'_'
                    });
                    if named {
                        assert!(
                            route_permission(&Method::from_bytes(method.as_bytes()).unwrap(), path)
                                .is_some(),
                            "{file}: {method} {path} is served but not declared in ROUTES"
                        );
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen >= 20, "the UI's routes were found: {seen}");
    }
}
