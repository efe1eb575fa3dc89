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

use std::fmt::Write as _;
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
use vigie_core::dsar::{RequestKind, RequestStatus};
use vigie_core::{Email, Lang, PhoneE164, Region};
use vigie_dsar::{Actor, DsarError};
use vigie_store::{CodeCheck, Corrections, Identifier, Organization};

use crate::AppState;
use crate::login::{hidden, prelogin_token, with_cookie};
use crate::ui::{esc, pct};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/privacy/{org}", get(centre))
        .route("/privacy/{org}/requests", axum::routing::post(file))
        .route(
            "/privacy/{org}/verify/{handle}",
            get(code_form).post(check_code),
        )
        .route("/privacy/{org}/status/{token}", get(status))
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
}

impl Default for PrivacyConfig {
    fn default() -> Self {
        PrivacyConfig {
            code_ttl: Duration::from_secs(15 * 60),
            max_attempts: 5,
            filings_per_address_per_hour: 10.0,
            filings_per_mailbox_per_hour: 3.0,
            codes_per_address_per_minute: 10.0,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct LangParam {
    lang: Option<String>,
}

fn lang_of(p: &LangParam, headers: &HeaderMap) -> Lang {
    p.lang
        .as_deref()
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| crate::api::lang_of(headers))
}

/// French or English.
fn t(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// `?lang=en` kept on links and form targets when the page is in English.
fn lang_query(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "",
        Lang::En => "?lang=en",
    }
}

pub(crate) fn kind_label(k: RequestKind, lang: Lang) -> &'static str {
    match k {
        RequestKind::Access => t(lang, "Accès à mes données", "Access to my data"),
        RequestKind::Rectification => t(lang, "Rectification", "Rectification"),
        RequestKind::Erasure => t(lang, "Effacement", "Erasure"),
        RequestKind::Restriction => t(
            lang,
            "Limitation du traitement",
            "Restriction of processing",
        ),
        RequestKind::Portability => t(lang, "Portabilité", "Portability"),
        RequestKind::Objection => t(lang, "Opposition", "Objection"),
    }
}

fn kind_hint(k: RequestKind, lang: Lang) -> &'static str {
    match k {
        RequestKind::Access => t(
            lang,
            "une copie de tout ce que nous détenons sur vous et comment nous l'utilisons",
            "a copy of everything we hold on you and how we use it",
        ),
        RequestKind::Rectification => t(
            lang,
            "corriger des données inexactes (indiquez les bonnes valeurs ci-dessous)",
            "correct inaccurate data (give the right values below)",
        ),
        RequestKind::Erasure => t(
            lang,
            "effacer vos données (sauf ce que la loi nous oblige à garder, par exemple les factures)",
            "erase your data (except what the law obliges us to keep, such as invoices)",
        ),
        RequestKind::Restriction => t(
            lang,
            "garder vos données sans les utiliser",
            "keep your data without using it",
        ),
        RequestKind::Portability => t(
            lang,
            "vos données dans un format lisible par une machine",
            "your data in a machine-readable format",
        ),
        RequestKind::Objection => t(
            lang,
            "ne plus recevoir de prospection, sur aucun canal",
            "no more marketing, on any channel",
        ),
    }
}

pub(crate) fn status_label(s: RequestStatus, lang: Lang) -> &'static str {
    match s {
        RequestStatus::AwaitingIdentity => t(
            lang,
            "en attente de la preuve d'identité",
            "waiting for proof of identity",
        ),
        RequestStatus::InProgress => t(lang, "en cours de traitement", "in progress"),
        RequestStatus::Completed => t(lang, "traitée", "answered"),
        RequestStatus::Rejected => t(lang, "refusée", "refused"),
    }
}

fn page(lang: Lang, status: StatusCode, title: &str, main: &str) -> Response {
    crate::login::public_page(lang.as_str(), status, title, main)
}

fn message(lang: Lang, status: StatusCode, title: &str, text: &str) -> Response {
    page(
        lang,
        status,
        title,
        &format!("<p role=\"alert\">{}</p>\n", esc(text)),
    )
}

fn unknown_org(lang: Lang) -> Response {
    message(
        lang,
        StatusCode::NOT_FOUND,
        t(lang, "Page introuvable", "Page not found"),
        t(
            lang,
            "Aucun centre de confidentialité à cette adresse.",
            "No privacy centre at this address.",
        ),
    )
}

fn failure(lang: Lang) -> Response {
    message(
        lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        t(lang, "Erreur", "Error"),
        t(
            lang,
            "Une erreur nous empêche de traiter votre demande : réessayez plus tard.",
            "An error keeps us from handling your request: try again later.",
        ),
    )
}

fn too_many(lang: Lang, wait: Duration) -> Response {
    let mins = wait.as_secs().div_ceil(60).max(1);
    let text = match lang {
        Lang::Fr => format!("Trop de demandes depuis votre connexion : réessayez dans {mins} min."),
        Lang::En => format!("Too many requests from your connection: try again in {mins} min."),
    };
    let page = message(
        lang,
        StatusCode::TOO_MANY_REQUESTS,
        t(lang, "Trop de demandes", "Too many requests"),
        &text,
    );
    crate::auth::with_retry_after(page, wait)
}

/// The organization of a privacy centre address, or the page to answer instead (unknown
/// organization, or the store failing).
async fn centre_org(state: &AppState, slug: &str, lang: Lang) -> Result<Organization, Response> {
    match state.org(slug).await {
        Ok(Some(org)) => Ok(org),
        Ok(None) => Err(unknown_org(lang)),
        Err(e) => {
            tracing::error!(error = %e, "privacy centre: store");
            Err(failure(lang))
        }
    }
}

/// The rate-limit key of a client: its address as the gate sees it (behind a trusted proxy,
/// from `X-Forwarded-For`).
fn client_key(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> String {
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

fn centre_page(
    state: &AppState,
    org: &Organization,
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
    let mut m = String::with_capacity(4096);
    let _ = writeln!(
        m,
        "<p>{}</p>",
        t(
            lang,
            "Le RGPD vous donne des droits sur les données que nous détenons sur vous (articles 15 à 21). \
             Nous répondons dans un délai d'un mois à compter de la réception de votre demande, \
             prolongeable de deux mois au plus pour une demande complexe : nous vous le dirions, avec la raison.",
            "The GDPR gives you rights over the data we hold on you (articles 15 to 21). We answer within \
             one month of receiving your request, which may be extended by at most two months for a complex \
             request: we would tell you so, and why."
        )
    );
    if state.mailer().is_none() {
        let _ = writeln!(
            m,
            "<p class=\"error\" role=\"alert\">{}</p>",
            t(
                lang,
                "Les demandes ne peuvent pas être déposées en ligne pour le moment. Écrivez à notre \
                 délégué à la protection des données (DPO), par courrier ou par e-mail.",
                "Requests cannot be filed online at the moment. Write to our data protection officer \
                 (DPO), by post or e-mail."
            )
        );
        return page(lang, status, &title, &m);
    }
    if let Some(e) = error {
        let _ = writeln!(m, "<p class=\"error\" role=\"alert\">{}</p>", esc(e));
    }
    let _ = writeln!(
        m,
        "<form method=\"post\" action=\"/privacy/{}/requests{}\">\n{}\n{}",
        pct(&org.slug),
        lang_query(lang),
        hidden("csrf", csrf),
        hidden("lang", lang.as_str())
    );
    let _ = writeln!(
        m,
        "<fieldset>\n<legend>{}</legend>",
        t(lang, "Votre demande", "Your request")
    );
    for (i, k) in RequestKind::ALL.iter().enumerate() {
        let checked = if form.kind == k.as_str() || (form.kind.is_empty() && i == 0) {
            " checked"
        } else {
            ""
        };
        let _ = writeln!(
            m,
            "<label><input type=\"radio\" name=\"kind\" value=\"{}\"{checked}> <strong>{}</strong> — {} ({})</label>",
            k.as_str(),
            kind_label(*k, lang),
            kind_hint(*k, lang),
            k.article()
        );
    }
    let _ = writeln!(m, "</fieldset>");
    let minutes = state.privacy().code_ttl.as_secs().div_ceil(60);
    let _ = writeln!(
        m,
        "<label>{}<input type=\"email\" name=\"email\" required autocomplete=\"email\" value=\"{}\"></label>\n\
         <p class=\"hint\">{}</p>",
        t(lang, "Votre adresse e-mail", "Your e-mail address"),
        esc(&form.email),
        match lang {
            Lang::Fr => format!(
                "Nous y envoyons un code à 6 chiffres, valable {minutes} minutes, pour vérifier qu'elle est \
                 bien la vôtre. La vérification par téléphone (SMS) n'est pas proposée."
            ),
            Lang::En => format!(
                "We send a 6-digit code to it, valid for {minutes} minutes, to check that it is yours. Proof \
                 by phone (SMS) is not offered."
            ),
        }
    );
    let _ = writeln!(
        m,
        "<fieldset>\n<legend>{}</legend>",
        t(
            lang,
            "Rectification seulement : les bonnes valeurs",
            "Rectification only: the right values"
        )
    );
    for (name, fr, en, value) in [
        (
            "new_first_name",
            "Prénom",
            "First name",
            &form.new_first_name,
        ),
        ("new_last_name", "Nom", "Last name", &form.new_last_name),
        (
            "new_email",
            "Adresse e-mail",
            "E-mail address",
            &form.new_email,
        ),
        ("new_phone", "Téléphone", "Phone", &form.new_phone),
    ] {
        let _ = writeln!(
            m,
            "<label>{}<input type=\"text\" name=\"{name}\" value=\"{}\"></label>",
            t(lang, fr, en),
            esc(value)
        );
    }
    let _ = writeln!(
        m,
        "</fieldset>\n<button type=\"submit\">{}</button>\n</form>",
        t(lang, "Envoyer le code", "Send the code")
    );
    page(lang, status, &title, &m)
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
    let (csrf, set) = prelogin_token(&headers);
    with_cookie(
        centre_page(
            &state,
            &org,
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
    let kind = RequestKind::from_str(&form.kind)
        .map_err(|_| t(lang, "Choisissez une demande.", "Choose a request."))?;
    let email = Email::parse(&form.email).map_err(|_| {
        t(
            lang,
            "Cette adresse e-mail n'est pas valable.",
            "This e-mail address is not valid.",
        )
    })?;
    let text = |s: &str| {
        let s = s.trim();
        (!s.is_empty()).then(|| s.chars().take(200).collect::<String>())
    };
    let corrections = Corrections {
        email: match text(&form.new_email) {
            Some(e) => Some(Email::parse(&e).map_err(|_| {
                t(
                    lang,
                    "La nouvelle adresse e-mail n'est pas valable.",
                    "The new e-mail address is not valid.",
                )
            })?),
            None => None,
        },
        phone: match text(&form.new_phone) {
            Some(p) => Some(PhoneE164::parse(&p, Region::FR).map_err(|_| {
                t(
                    lang,
                    "Le nouveau numéro de téléphone n'est pas valable.",
                    "The new phone number is not valid.",
                )
            })?),
            None => None,
        },
        first_name: text(&form.new_first_name),
        last_name: text(&form.new_last_name),
    };
    let corrections = match (kind, corrections.is_empty()) {
        (RequestKind::Rectification, true) => {
            return Err(t(
                lang,
                "Une rectification indique au moins une bonne valeur.",
                "A rectification gives at least one right value.",
            ));
        }
        (RequestKind::Rectification, false) => Some(corrections),
        (_, true) => None,
        (_, false) => {
            return Err(t(
                lang,
                "Les bonnes valeurs ne vont qu'avec une demande de rectification.",
                "Right values go with a rectification request only.",
            ));
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
        .unwrap_or_else(|_| crate::api::lang_of(&headers));
    let org = match centre_org(&state, &slug, lang).await {
        Ok(o) => o,
        Err(page) => return page,
    };
    let (csrf, set) = prelogin_token(&headers);
    if set.is_some() || form.csrf != csrf {
        return with_cookie(
            centre_page(
                &state,
                &org,
                lang,
                &csrf,
                StatusCode::FORBIDDEN,
                Some(t(
                    lang,
                    "Le formulaire a expiré : réessayez.",
                    "The form has expired: try again.",
                )),
                &form,
            ),
            set,
        );
    }
    let Some(mailer) = state.mailer() else {
        return centre_page(
            &state,
            &org,
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
                lang,
                &csrf,
                StatusCode::BAD_REQUEST,
                Some(t(
                    lang,
                    "Cette demande est incomplète.",
                    "This request is incomplete.",
                )),
                &form,
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "privacy centre: filing failed");
            return failure(lang);
        }
    };
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
            t(lang, "Envoi impossible", "Could not send"),
            t(
                lang,
                "Nous n'avons pas pu envoyer le code : réessayez dans quelques minutes.",
                "We could not send the code: try again in a few minutes.",
            ),
        );
    }
    Redirect::to(&format!(
        "/privacy/{}/verify/{}{}",
        pct(&org.slug),
        filing.handle,
        lang_query(lang)
    ))
    .into_response()
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
    let mut m = String::new();
    let _ = writeln!(
        m,
        "<p>{}</p>",
        t(
            lang,
            "Nous avons envoyé un code à 6 chiffres à l'adresse que vous avez donnée. Saisissez-le ici, \
             avant qu'il expire (l'e-mail dit dans combien de minutes).",
            "We sent a 6-digit code to the address you gave. Type it here before it expires (the e-mail \
             says in how many minutes)."
        )
    );
    if let Some(e) = error {
        let _ = writeln!(m, "<p class=\"error\" role=\"alert\">{}</p>", esc(e));
    }
    let _ = writeln!(
        m,
        "<form method=\"post\" action=\"/privacy/{}/verify/{}{}\">\n{}\n{}\n\
         <label>{}<input type=\"text\" name=\"code\" inputmode=\"numeric\" pattern=\"[0-9]{{6}}\" \
         maxlength=\"6\" autocomplete=\"one-time-code\" required autofocus></label>\n\
         <button type=\"submit\">{}</button>\n</form>",
        pct(&org.slug),
        esc(handle),
        lang_query(lang),
        hidden("csrf", csrf),
        hidden("lang", lang.as_str()),
        t(lang, "Code", "Code"),
        t(lang, "Vérifier", "Verify")
    );
    page(
        lang,
        status,
        t(lang, "Vérifiez votre adresse", "Verify your address"),
        &m,
    )
}

fn spent(org: &Organization, lang: Lang) -> Response {
    let mut m = String::new();
    let _ = writeln!(
        m,
        "<p role=\"alert\">{}</p>\n<p><a href=\"/privacy/{}{}\">{}</a></p>",
        t(
            lang,
            "Ce code a expiré, a déjà servi ou a été mal saisi trop de fois. Déposez de nouveau votre demande : \
             elle sera jointe à la première, et un nouveau code vous sera envoyé.",
            "This code has expired, was already used, or was mistyped too many times. File your request \
             again: it will be joined to the first one, and a new code sent to you."
        ),
        pct(&org.slug),
        lang_query(lang),
        t(lang, "Retour au formulaire", "Back to the form")
    );
    page(
        lang,
        StatusCode::GONE,
        t(lang, "Code expiré", "Code expired"),
        &m,
    )
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
        .unwrap_or_else(|_| crate::api::lang_of(&headers));
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
                Some(t(
                    lang,
                    "Le formulaire a expiré : réessayez.",
                    "The form has expired: try again.",
                )),
            ),
            set,
        );
    }
    let config = state.privacy();
    let per_minute = config.codes_per_address_per_minute;
    if let Err(wait) = state.limits().privacy_codes.take(
        &client_key(&state, peer, &headers),
        per_minute / 60.0,
        per_minute.max(1.0),
    ) {
        return too_many(lang, wait);
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
            let link = format!(
                "/privacy/{}/status/{}{}",
                pct(&org.slug),
                status_token,
                lang_query(lang)
            );
            let mut m = String::new();
            let _ = writeln!(
                m,
                "<p>{}</p>\n<p><a class=\"status-link\" href=\"{}\">{}</a></p>\n<p class=\"hint\">{}</p>",
                t(
                    lang,
                    "Votre adresse est vérifiée : nous traitons votre demande. Suivez-la à cette adresse privée :",
                    "Your address is verified: we are handling your request. Follow it at this private address:"
                ),
                esc(&link),
                esc(&link),
                t(
                    lang,
                    "Gardez ce lien pour vous (ajoutez-le à vos favoris) : il ne sera plus affiché, et quiconque \
                     l'a peut voir où en est votre demande.",
                    "Keep this link to yourself (bookmark it): it will not be shown again, and anyone who has it \
                     can see where your request stands."
                )
            );
            page(
                lang,
                StatusCode::OK,
                t(lang, "Demande enregistrée", "Request recorded"),
                &m,
            )
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
            t(lang, "Page introuvable", "Page not found"),
            t(lang, "Lien inconnu.", "Unknown link."),
        ),
    }
}

// ---------------------------------------------------------------------------- the status

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
    let id = match state.store().portal_request(org.id, &token).await {
        Ok(Some(id)) => id,
        Ok(None) => {
            return message(
                lang,
                StatusCode::NOT_FOUND,
                t(lang, "Page introuvable", "Page not found"),
                t(lang, "Lien inconnu.", "Unknown link."),
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "privacy centre: store");
            return failure(lang);
        }
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
    let mut m = String::new();
    let _ = writeln!(m, "<dl>");
    let mut row = |k: &str, v: &str| {
        let _ = writeln!(m, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    };
    row(t(lang, "Organisation", "Organization"), &org.name);
    row(
        t(lang, "Demande", "Request"),
        &format!("{} ({})", kind_label(r.kind, lang), r.kind.article()),
    );
    row(
        t(lang, "Reçue le", "Received on"),
        &day(c.received_at, &state),
    );
    row(t(lang, "État", "Status"), status_label(c.status, lang));
    if c.status.is_open() {
        row(
            t(lang, "Réponse au plus tard le", "Answer by"),
            &shown.item.due.date.to_string(),
        );
    }
    if let Some(x) = &c.extension {
        row(
            t(lang, "Délai prolongé", "Period extended"),
            &match lang {
                Lang::Fr => format!("de {} mois : {}", x.months, x.reason),
                Lang::En => format!("by {} month(s): {}", x.months, x.reason),
            },
        );
    }
    if let Some(at) = c.closed_at {
        row(t(lang, "Close le", "Closed on"), &day(at, &state));
    }
    if c.status == RequestStatus::Rejected
        && let Some(reason) = r
            .outcome
            .as_ref()
            .and_then(|o| o.get("rejected"))
            .and_then(|v| v.as_str())
    {
        row(t(lang, "Motif du refus", "Reason for the refusal"), reason);
    }
    let _ = writeln!(m, "</dl>");
    if c.status == RequestStatus::Rejected {
        let _ = writeln!(
            m,
            "<p>{}</p>",
            t(
                lang,
                "Vous pouvez saisir la CNIL (www.cnil.fr) ou la justice (RGPD art. 77 et 79).",
                "You may complain to the supervisory authority (in France the CNIL, www.cnil.fr) or go to court \
                 (GDPR art. 77 and 79)."
            )
        );
    }
    page(
        lang,
        StatusCode::OK,
        t(lang, "Votre demande", "Your request"),
        &m,
    )
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
