//! Vigie's HTTP server: the JSON API (described by an OpenAPI 3.1 document generated from the
//! handlers) and a small server-rendered admin UI.
//!
//! Every response carries strict security headers; every error is JSON (`{"error": {"code",
//! "message"}}`) on the API; request logs name the route template, never the path or query
//! (which may carry identifiers).

mod admin;
mod admin_ui;
mod agent_ui;
pub mod answers;
mod api;
mod assess;
pub mod auth;
mod breaches;
mod breaches_ui;
pub mod calls;
mod contact_actions;
mod contact_ui;
mod dashboard_ui;
mod decision_lists;
mod decisions;
mod dto;
pub mod error;
pub mod evidence;
mod extract;
mod html;
mod imports_ui;
mod inbound;
mod job_lifecycle;
mod login;
pub mod mail;
mod notices;
mod notices_ui;
/// The recipients file of a notice version, for `vigie registers notice-recipients`.
pub use notices::recipients_csv;
mod forms;
mod forms_api;
mod forms_ui;
mod openapi_doc;
mod overview;
pub mod person_links;
mod preferences;
mod privacy;
mod privacy_status;
mod prometheus;
mod registers_api;
pub mod registers_export;
mod registers_forms;
mod registers_pdf;
mod registers_records;
mod registers_ui;
mod requalification_ui;
mod requalify;
mod request_filing;
mod requests;
mod requests_ui;
mod retention;
mod retention_coverage;
mod retention_coverage_ui;
mod retention_requalify;
mod routes;
/// The links file of a requalification campaign, for `vigie retention requalify export`.
pub use retention_requalify::{LinksFile, requalification_links_csv};
mod retention_ui;
mod screenings;
mod screenings_ui;
mod settings;
mod ui;
mod unsubscribe;
pub mod webhook_delivery;
mod webhooks_api;
mod webhooks_ui;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use vigie_store::{Organization, Store, StoreError};

pub use auth::AuthConfig;
pub use extract::ORG_HEADER;
pub use job_lifecycle::DEFAULT_SHUTDOWN_GRACE;
pub use mail::{MailError, Mailer, SmtpSecurity, SmtpSettings};
pub use privacy::PrivacyConfig;
pub use routes::ROUTES;
pub use screenings::join::{RowLinks, write_download};
pub use screenings::{ScreeningConfig, UPLOAD_LIMIT};
pub use webhook_delivery::{
    DEFAULT_KEEP_DELIVERED, DEFAULT_KEEP_FAILED, DeliveryConfig, DeliveryWorker,
};

use crate::error::ApiError;

/// Largest request body accepted.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What every request handler shares: the store, a cache of organizations by slug, and the
/// screening jobs.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    /// Organizations seen, by slug. Organizations are only ever added, so a hit stays true.
    orgs: RwLock<HashMap<String, Organization>>,
    /// The OpenAPI document, serialized once.
    openapi_json: OnceLock<String>,
    /// Screening jobs, their files and the snapshot cache.
    screenings: screenings::Screenings,
    auth: AuthConfig,
    limits: Limits,
    /// Data subject requests: what the privacy centre, the queue and the API call.
    dsar: vigie_dsar::Dsar,
    /// Mail to people (one-time codes, extensions); without it, requests cannot be filed online.
    mailer: Option<Mailer>,
    privacy: PrivacyConfig,
    /// The audit checkpoint file (`vigie audit checkpoint`), if the server knows it.
    audit_checkpoint: Option<std::path::PathBuf>,
    /// Imports started from the pages, and the largest file they accept.
    imports: imports_ui::ImportJobs,
    /// The dashboard figures being computed, per organization.
    refreshes: overview::Refreshes,
    /// The server's public address, for the links a page gives a person (`--public-url`).
    public_url: Option<person_links::PublicUrl>,
    /// How long a stopping server waits for its imports and screenings (`job_lifecycle`).
    shutdown_grace: std::time::Duration,
}

/// Rate limits and sign-in throttles, in memory (per server process).
#[derive(Default)]
pub(crate) struct Limits {
    /// Requests to public routes, per client address.
    pub public: auth::RateLimiter,
    /// Sign-in attempts, per client address.
    pub login: auth::RateLimiter,
    /// API tokens recently looked up.
    pub tokens: auth::TokenUse,
    /// Requests filed in the privacy centre, per client address.
    pub privacy_filings: auth::RateLimiter,
    /// Requests filed in the privacy centre, per mailbox (keyed by a hash): no one is flooded
    /// with codes.
    pub privacy_mailboxes: auth::RateLimiter,
    /// Codes given to the privacy centre, per client address.
    pub privacy_codes: auth::RateLimiter,
}

impl AppState {
    /// A server whose screening files go to a directory of its own under the system's temporary
    /// directory (see [`AppState::with_screening`]).
    pub fn new(store: Store) -> Self {
        Self::with_screening(store, ScreeningConfig::temporary())
    }

    /// A server keeping its screening jobs and snapshots where `screening` says.
    pub fn with_screening(store: Store, screening: ScreeningConfig) -> Self {
        Self::with_config(store, screening, AuthConfig::default())
    }

    /// A server with its screening files and authentication limits as given.
    pub fn with_config(store: Store, screening: ScreeningConfig, auth: AuthConfig) -> Self {
        // The imports page loads files while the server answers others.
        store.serve_readers_during_bulk_loads();
        AppState {
            inner: Arc::new(Inner {
                orgs: RwLock::default(),
                openapi_json: OnceLock::new(),
                screenings: screenings::Screenings::new(screening),
                dsar: vigie_dsar::Dsar::new(store.clone()),
                store,
                auth,
                limits: Limits::default(),
                mailer: None,
                privacy: PrivacyConfig::default(),
                imports: imports_ui::ImportJobs::new(imports_ui::DEFAULT_IMPORT_LIMIT),
                audit_checkpoint: None,
                refreshes: overview::Refreshes::default(),
                public_url: None,
                shutdown_grace: job_lifecycle::DEFAULT_SHUTDOWN_GRACE,
            }),
        }
    }

    fn configure(&mut self) -> &mut Inner {
        Arc::get_mut(&mut self.inner).expect("a server is configured before it is shared")
    }

    /// Holds the audit trail against the checkpoint at `path` in `GET /api/v1/audit/verify`.
    pub fn with_audit_checkpoint(mut self, path: std::path::PathBuf) -> Self {
        self.configure().audit_checkpoint = Some(path);
        self
    }

    pub(crate) fn audit_checkpoint(&self) -> Option<&std::path::Path> {
        self.inner.audit_checkpoint.as_deref()
    }

    /// Accepts import files of up to `bytes` on the imports page.
    pub fn with_import_limit(mut self, bytes: usize) -> Self {
        self.configure().imports = imports_ui::ImportJobs::new(bytes);
        self
    }

    pub(crate) fn imports(&self) -> &imports_ui::ImportJobs {
        &self.inner.imports
    }

    /// Sessions, cookies and rate limits as `auth` says.
    pub fn with_auth(mut self, auth: AuthConfig) -> Self {
        self.configure().auth = auth;
        self
    }

    /// Sends mail (privacy centre codes, extension reasons) through `mailer`.
    pub fn with_mailer(mut self, mailer: Mailer) -> Self {
        self.configure().mailer = Some(mailer);
        self
    }

    /// Data subject requests handled by `dsar` (its time zone, connected systems, clock).
    pub fn with_dsar(mut self, dsar: vigie_dsar::Dsar) -> Self {
        self.configure().dsar = dsar;
        self
    }

    /// The privacy centre's limits (code lifetime, attempts, filings per address).
    pub fn with_privacy(mut self, privacy: PrivacyConfig) -> Self {
        self.configure().privacy = privacy;
        self
    }

    /// Builds the links people receive (unsubscribe, preferences) on `url`.
    pub fn with_public_url(mut self, url: person_links::PublicUrl) -> Self {
        self.configure().public_url = Some(url);
        self
    }

    /// Waits `grace` for running imports and screenings when the server stops, before rolling
    /// the imports back.
    pub fn with_shutdown_grace(mut self, grace: std::time::Duration) -> Self {
        self.configure().shutdown_grace = grace;
        self
    }

    pub(crate) fn public_url(&self) -> Option<&person_links::PublicUrl> {
        self.inner.public_url.as_ref()
    }

    pub(crate) fn dsar(&self) -> &vigie_dsar::Dsar {
        &self.inner.dsar
    }

    pub(crate) fn mailer(&self) -> Option<&Mailer> {
        self.inner.mailer.as_ref()
    }

    pub(crate) fn refreshes(&self) -> &overview::Refreshes {
        &self.inner.refreshes
    }

    /// The screening snapshots (the dashboard's figures are computed from them too).
    pub(crate) fn snapshot_cache(&self) -> &vigie_screen::SnapshotCache {
        self.inner.screenings.cache()
    }

    pub(crate) fn privacy(&self) -> &PrivacyConfig {
        &self.inner.privacy
    }

    pub fn auth_config(&self) -> &AuthConfig {
        &self.inner.auth
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// The organization with this id, if it exists.
    pub async fn org_by_id(
        &self,
        id: vigie_store::OrgId,
    ) -> Result<Option<Organization>, StoreError> {
        let cached = self
            .inner
            .orgs
            .read()
            .expect("org cache")
            .values()
            .find(|o| o.id == id)
            .cloned();
        if let Some(org) = cached {
            return Ok(Some(org));
        }
        match self
            .inner
            .store
            .orgs()
            .await?
            .into_iter()
            .find(|o| o.id == id)
        {
            Some(org) => self.org(&org.slug).await,
            None => Ok(None),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The organization `slug`, if it exists.
    pub async fn org(&self, slug: &str) -> Result<Option<Organization>, StoreError> {
        if let Some(org) = self.inner.orgs.read().expect("org cache").get(slug) {
            return Ok(Some(org.clone()));
        }
        if !vigie_store::valid_org_slug(slug) {
            return Ok(None);
        }
        let org = self.inner.store.org(slug).await?;
        if let Some(org) = &org {
            self.inner
                .orgs
                .write()
                .expect("org cache")
                .insert(slug.to_owned(), org.clone());
        }
        Ok(org)
    }
}

/// The OpenAPI document's frame; the paths come from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vigie API",
        description = "Vigie, a self-hosted GDPR compliance engine for marketing contact data: contacts, \
            their append-only consent ledger, and decisions — may we contact this person, on this channel, \
            for this purpose, at this time, and why?\n\nAuthenticate with an API token \
            (`Authorization: Bearer vigie_…`, created by an admin with scopes and an expiry; the token \
            names its organization) or, from the admin UI, with the session cookie (changes then carry \
            the session's token in `X-CSRF-Token`; a person in several organizations picks one with the \
            `Vigie-Org` header). Each route needs one permission, listed in its description. Errors are JSON: \
            `{\"error\": {\"code\": \"…\", \"message\": \"…\", \"field\": \"…\"}}`.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    tags(
        (name = "contacts", description = "Contacts and their facts; identifiers are encrypted at rest and found by exact blind index"),
        (name = "consent ledger", description = "Append-only consent events (grant, withdraw, object) with their proof"),
        (name = "decisions", description = "The decision engine"),
        (name = "registers", description = "The registers of GDPR art. 28-35: the organization's profile, processing activities (art. 30), processors (art. 28), impact assessments (art. 35), with their gaps flagged; versioned, every change audited"),
        (name = "assessments", description = "The computations behind the registers' flags: lawful transfer, impact assessment required, breach deadline, request due date"),
        (name = "screening", description = "Bulk screening of campaign lists: upload, follow, download the decisions; every run recorded as proof"),
        (name = "server", description = "Liveness and the API description"),
        (name = "access", description = "Who you are, the organization's members and API tokens"),
        (name = "audit", description = "The tamper-evident audit trail: every read of personal data and every change"),
        (name = "consent forms", description = "Consent forms: the definition of each form (one unticked box per channel with its exact wording, the notice it links to, double opt-in, the sites allowed to post), versioned for the proof; the hosted page and the embeddable snippet"),
        (name = "data subject requests", description = "Requests of people under GDPR art. 15-21: the queue with the deadlines of art. 12(3), each request's history, its steps (verify, pause, resume, extend, reject, fulfil) and access archives"),
        (name = "webhooks", description = "Outbound webhooks: every consent change, objection, restriction and erasure POSTed to the organization's endpoints as JSON signed with `Vigie-Signature: t=<unix seconds>,v1=<hex HMAC-SHA-256 of \"<t>.<body>\">` from a durable outbox (in order per contact and endpoint, retried with backoff); and inbound e-mail events (unsubscribe, complaint, hard bounce) signed the same way"),
    ),
    components(schemas(error::ErrorBody))
)]
struct ApiDoc;

/// Declares how to authenticate, and writes each operation's permission (from [`ROUTES`]) into
/// its description and security requirements: the document and the gate read the same table.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        };
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (`vigie_tok_…`) made by an admin, with scopes and an expiry",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                auth::SESSION_COOKIE,
                "The admin UI's session (password and TOTP); changes carry X-CSRF-Token",
            ))),
        );
        for (path, item) in doc.paths.paths.iter_mut() {
            for (method, op) in [
                ("GET", item.get.as_mut()),
                ("POST", item.post.as_mut()),
                ("PUT", item.put.as_mut()),
                ("PATCH", item.patch.as_mut()),
                ("DELETE", item.delete.as_mut()),
            ] {
                let Some(op) = op else { continue };
                let Some(permission) = routes::route_permission(
                    &axum::http::Method::from_bytes(method.as_bytes()).expect("method"),
                    path,
                ) else {
                    continue;
                };
                if permission == vigie_core::Permission::Public {
                    continue;
                }
                let needs = format!("\n\nPermission: `{permission}`.");
                op.description = Some(op.description.take().unwrap_or_default() + &needs);
                op.security = Some(vec![
                    SecurityRequirement::new("token", Vec::<String>::new()),
                    SecurityRequirement::new("session", Vec::<String>::new()),
                ]);
            }
        }
    }
}

/// The API description itself.
#[utoipa::path(get, path = "/api/openapi.json", tag = api::TAG_SERVER,
    responses((status = 200, description = "This OpenAPI 3.1 document", content_type = "application/json")))]
async fn openapi_json(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    let body = state
        .inner
        .openapi_json
        .get_or_init(|| openapi().to_pretty_json().expect("the document serializes"));
    ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response()
}

/// The routes and the OpenAPI document generated from them.
fn api_routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(api::healthz))
        .routes(routes!(openapi_json))
        .routes(routes!(prometheus::scrape))
        .routes(routes!(admin::me))
        .routes(routes!(admin::list_users, admin::add_user))
        .routes(routes!(admin::remove_user))
        .routes(routes!(admin::list_tokens, admin::create_token))
        .routes(routes!(admin::revoke_token))
        .routes(routes!(admin::audit_entries))
        .routes(routes!(admin::audit_export))
        .routes(routes!(admin::audit_verify))
        .routes(routes!(api::create_contact, api::list_contacts))
        .routes(routes!(
            api::get_contact,
            api::put_contact,
            api::patch_contact
        ))
        .routes(routes!(api::append_event, api::list_events))
        .routes(routes!(api::contact_decision))
        .routes(routes!(api::decide))
        .routes(routes!(assess::assess))
        .routes(routes!(
            registers_api::get_registers,
            registers_api::put_registers
        ))
        .routes(routes!(registers_api::put_activity))
        .routes(routes!(registers_api::put_processor))
        .routes(routes!(registers_api::export_registers))
        .routes(routes!(registers_api::evidence))
        .routes(routes!(breaches::list_breaches, breaches::record_breach))
        .routes(routes!(breaches::get_breach, breaches::put_breach))
        .routes(routes!(breaches::count_breach))
        .routes(routes!(notices::list_notices, notices::write_notice))
        .routes(routes!(notices::publish_notice))
        .routes(routes!(notices::notice_recipients))
        .routes(routes!(forms_api::list_forms))
        .routes(routes!(forms_api::get_form, forms_api::put_form))
        .routes(routes!(calls::log_calls))
        .routes(routes!(calls::check_call))
        .routes(routes!(settings::get_settings, settings::put_settings))
        .routes(routes!(retention::get_policies, retention::put_policies))
        .routes(routes!(retention::get_plan))
        .routes(routes!(retention::get_runs))
        .routes(routes!(retention_coverage::get_coverage))
        .routes(routes!(retention_coverage::get_coverage_list))
        .routes(routes!(retention_requalify::create_requalification))
        .routes(routes!(retention_requalify::get_requalification))
        .routes(routes!(retention_requalify::get_requalification_links))
        .merge(
            // Campaign lists are large: this route alone reads up to UPLOAD_LIMIT, streamed.
            OpenApiRouter::new()
                .routes(routes!(
                    screenings::create_screening,
                    screenings::list_screenings
                ))
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .routes(routes!(screenings::get_screening))
        .routes(routes!(screenings::get_decisions))
        .routes(routes!(screenings::get_summary))
        .routes(routes!(requests::list_requests))
        .routes(routes!(requests::get_request))
        .routes(routes!(requests::verify_request))
        .routes(routes!(requests::pause_request))
        .routes(routes!(requests::resume_request))
        .routes(routes!(requests::extend_request))
        .routes(routes!(requests::reject_request))
        .routes(routes!(requests::fulfil_request))
        .routes(routes!(requests::get_archive))
        // outbox (issue 15)
        .routes(routes!(
            webhooks_api::list_webhooks,
            webhooks_api::create_webhook
        ))
        .routes(routes!(
            webhooks_api::patch_webhook,
            webhooks_api::delete_webhook
        ))
        .routes(routes!(webhooks_api::list_outbox))
        .routes(routes!(webhooks_api::retry_webhook))
        .routes(routes!(
            webhooks_api::list_sources,
            webhooks_api::create_source
        ))
        .routes(routes!(webhooks_api::delete_source))
        .routes(routes!(inbound::receive))
        .split_for_parts();
    utoipa::Modify::modify(&Security, &mut doc);
    openapi_doc::complete_responses(&mut doc);
    openapi_doc::split_nullable_formats(&mut doc);
    (router, doc)
}

/// The OpenAPI document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_routes().1
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api_routes();
    prometheus::install();
    let _ = state.inner.openapi_json.set(
        doc.to_pretty_json()
            .expect("the OpenAPI document serializes"),
    );
    api.merge(ui::routes())
        .merge(login::routes())
        .merge(privacy::routes())
        .merge(requalify::routes())
        .merge(unsubscribe::routes())
        .merge(preferences::routes())
        .merge(forms::routes())
        .merge(forms_ui::routes())
        .merge(requests_ui::routes())
        .merge(admin_ui::routes())
        .merge(agent_ui::routes())
        .merge(screenings_ui::routes())
        .merge(imports_ui::routes(state.imports().limit))
        .merge(retention_ui::routes())
        .merge(retention_coverage_ui::routes())
        .merge(requalification_ui::routes())
        .merge(registers_ui::routes())
        .merge(breaches_ui::routes())
        .merge(notices_ui::routes())
        .merge(notices::routes())
        .merge(webhooks_ui::routes())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authorize,
        ))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            html::lang::choose_lang,
        ))
        .with_state(state.clone())
        .layer(middleware::from_fn_with_state(state, transport_security))
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                tracing::error!("a request handler panicked");
                ApiError::internal().into_response()
            },
        ))
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn(server_timing))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(prometheus::time_requests))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            // The route template only: paths and queries may carry identifiers.
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map(MatchedPath::as_str)
                .unwrap_or("(no route)");
            tracing::info_span!("request", method = %req.method(), route)
        }))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ))
        .layer(security_header(header::REFERRER_POLICY, "no-referrer"))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// With `--secure-cookies`, marks every cookie the server sets `Secure`, whichever handler set
/// it (a browser then never sends it over plain HTTP); with `--hsts`, tells browsers to come
/// back over HTTPS only.
async fn transport_security(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let config = state.auth_config();
    if config.secure_cookies {
        let headers = response.headers_mut();
        let cookies: Vec<HeaderValue> = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .cloned()
            .collect();
        headers.remove(header::SET_COOKIE);
        for cookie in cookies {
            let secure = cookie
                .to_str()
                .map(|c| {
                    c.split(';')
                        .any(|a| a.trim().eq_ignore_ascii_case("secure"))
                })
                .unwrap_or(true);
            let cookie = if secure {
                cookie
            } else {
                let mut marked = cookie.as_bytes().to_vec();
                marked.extend_from_slice(b"; Secure");
                HeaderValue::from_bytes(&marked).expect("a header value with ASCII appended")
            };
            headers.append(header::SET_COOKIE, cookie);
        }
    }
    if let Some(max_age) = config.hsts {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_str(&format!("max-age={}", max_age.as_secs())).expect("digits"),
        );
    }
    response
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route (see /api/openapi.json)")
}

/// Says in `Server-Timing` how long the server took to answer (up to the response's head):
/// what scripts/bench's page step measures, without counting the network or the client.
async fn server_timing(req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let mut response = next.run(req).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={ms:.1}")) {
        response.headers_mut().insert("server-timing", v);
    }
    response
}

/// Rewrites the error responses axum and tower produce on their own (405, 413 …) as JSON: no
/// plain-text error leaves the server. HTML pages of the UI are left alone.
async fn json_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("application/json") || content_type.starts_with("text/html") {
        return response;
    }
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this method is not allowed on this route",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "the body is larger than the 1 MiB limit",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("unsupported_media_type", "unsupported content type")
        }
        StatusCode::NOT_FOUND => ("not_found", "not found"),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took too long"),
        s if s.is_server_error() => ("internal_error", "internal error (see the server log)"),
        _ => ("bad_request", "the request could not be handled"),
    };
    let mut fixed = ApiError::new(status, code, message).into_response();
    // Keep informative headers such as `Allow` on a 405.
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fixed.headers_mut().insert(name.clone(), value.clone());
        }
    }
    fixed
}

/// Serves `router(state)` on `listener` until Ctrl-C or SIGTERM, then lets requests in flight
/// finish.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, shutdown_signal()).await
}

/// Serves until `shutdown` completes, then lets requests in flight finish and drains the
/// background jobs (`job_lifecycle::drain`: imports and screenings get the grace period, then
/// imports roll back and are recorded interrupted).
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Answers to data subjects left pending (a mail failure, a step taken from the command
    // line) are sent again while the server runs.
    let retries = tokio::spawn(answers::retry_loop(state.clone()));
    // Runs held by a stopped or crashed server are marked interrupted, at start and then on.
    let imports = tokio::spawn(job_lifecycle::tend_imports(state.clone()));
    let served = axum::serve(
        listener,
        router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    retries.abort();
    job_lifecycle::drain(&state).await;
    imports.abort();
    served
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
