//! What a page handler starts from: [`Ui`] (the organization, the caller, the language and the
//! query), links within the UI, dates as people read them, and the error page ([`UiError`]).

use std::fmt::{self, Write as _};

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;
use vigie_core::Lang;
use vigie_store::{DEFAULT_ORG, Organization};

use super::frame::bare_page;
use super::lang::PageLang;
use super::words::W;
use crate::AppState;
use crate::auth::{Caller, Who};
use crate::error::ApiError;

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub(crate) fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A link within the UI: a path of segments and query parameters, percent-encoded when written
/// (the templates escape it for the attribute).
#[derive(Clone, Debug)]
pub(crate) struct Link {
    path: String,
    query: Vec<(&'static str, String)>,
}

impl Link {
    pub(crate) fn new(path: &'static str) -> Link {
        Link {
            path: path.to_owned(),
            query: Vec::new(),
        }
    }

    /// Appends an encoded path segment.
    pub(crate) fn seg(mut self, s: &str) -> Link {
        if !self.path.ends_with('/') {
            self.path.push('/');
        }
        self.path.push_str(&pct(s));
        self
    }

    /// Sets a query parameter (an empty value removes it).
    pub(crate) fn q(mut self, name: &'static str, value: impl Into<String>) -> Link {
        let value = value.into();
        self.query.retain(|(n, _)| *n != name);
        if !value.is_empty() {
            self.query.push((name, value));
        }
        self
    }
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        for (i, (n, v)) in self.query.iter().enumerate() {
            write!(f, "{}{n}={}", if i == 0 { '?' } else { '&' }, pct(v))?;
        }
        Ok(())
    }
}

fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").unwrap_or(TimeZone::UTC)
}

/// An instant as the pages show it: Paris time, to the minute.
pub(crate) fn when(t: Timestamp) -> String {
    t.to_zoned(paris()).strftime("%Y-%m-%d %H:%M").to_string()
}

/// The query parameters the pages read; all text, checked by the pages.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Params {
    pub(crate) q: Option<String>,
    pub(crate) after_id: Option<String>,
    pub(crate) category: Option<String>,
    pub(crate) jurisdiction: Option<String>,
    pub(crate) b2b: Option<String>,
    /// Set by a redirect after a change, to say it was done.
    pub(crate) done: Option<String>,
    /// A moment other than now (RFC 3339 with offset), for the pages that decide at one.
    pub(crate) at: Option<String>,
    /// The contact a new request is filed for (its identifier fills the form).
    pub(crate) contact: Option<String>,
    /// What the contact search looks for: `ref` for a reference, `name` for a name, else an
    /// e-mail, a phone or a name.
    pub(crate) by: Option<String>,
    /// The contacts list's audience filter, and its previous page's edge.
    pub(crate) audience: Option<String>,
    pub(crate) before_id: Option<String>,
    /// The contacts list's filter by decision: a channel, and `allow`, `deny` or a code.
    pub(crate) channel: Option<String>,
    pub(crate) decision: Option<String>,
}

/// Who is looking at what: the organization, the language and the page's parameters.
pub(crate) struct Ui {
    pub(crate) org: Organization,
    pub(crate) caller: Caller,
    pub(crate) lang: Lang,
    pub(crate) params: Params,
    /// Breaches whose 72-hour clock runs, for the frame's banner (DPOs and admins only).
    pub(crate) alerts: Vec<BreachAlert>,
}

/// A breach awaiting its notification: its number, deadline and the time left.
pub(crate) struct BreachAlert {
    pub(crate) id: i64,
    pub(crate) deadline: Timestamp,
    pub(crate) remaining: jiff::SignedDuration,
}

/// The running breach clocks of the organization, when the caller may act on them.
async fn breach_alerts(state: &AppState, caller: &Caller) -> Vec<BreachAlert> {
    if !caller.may(vigie_core::Permission::RegistersWrite) {
        return Vec::new();
    }
    let now = Timestamp::now();
    // A failing read must not take every page down: the breach page still shows the clock.
    let awaiting = state
        .store()
        .breaches_awaiting(caller.org.id)
        .await
        .unwrap_or_default();
    awaiting
        .into_iter()
        .filter_map(|(id, b)| {
            let clock = b.clock(now, Lang::En);
            let deadline = clock.assessment.deadline?;
            Some(BreachAlert {
                id,
                deadline,
                remaining: clock.remaining?,
            })
        })
        .collect()
}

impl Ui {
    /// A text of the catalogue in the page's language.
    pub(crate) fn t(&self, w: W) -> &'static str {
        w.t(self.lang)
    }

    /// A link keeping the organization (unless it is the default one).
    pub(crate) fn link(&self, path: &'static str) -> Link {
        let l = Link::new(path);
        if self.org.slug == DEFAULT_ORG {
            l
        } else {
            l.q("org", self.org.slug.clone())
        }
    }

    /// The session's CSRF token, for the forms that change something (empty for a token).
    pub(crate) fn csrf(&self) -> &str {
        match &self.caller.who {
            Who::User { session, .. } => &session.csrf,
            Who::Token(_) => "",
        }
    }

    /// An error page in the page's language.
    pub(crate) fn error(&self, e: impl Into<ApiError>) -> UiError {
        UiError {
            lang: self.lang,
            ..UiError::from(e.into())
        }
    }
}

impl FromRequestParts<AppState> for Ui {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, UiError> {
        let params = axum::extract::Query::<Params>::from_request_parts(parts, state)
            .await
            .map(|q| q.0)
            .unwrap_or_default();
        let lang = PageLang::of(parts);
        let caller = Caller::from_request_parts(parts, state)
            .await
            .map_err(|e| UiError {
                lang,
                ..UiError::from(e)
            })?;
        let alerts = breach_alerts(state, &caller).await;
        Ok(Ui {
            org: caller.org.clone(),
            caller,
            lang,
            params,
            alerts,
        })
    }
}

/// An HTML error page. Without a title of its own, the page is named after its status, in its
/// language; an internal error never shows its details.
pub(crate) struct UiError {
    pub(crate) status: StatusCode,
    pub(crate) lang: Lang,
    pub(crate) title: Option<String>,
    pub(crate) message: String,
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let lang = self.lang;
        let title = self.title.unwrap_or_else(|| {
            match self.status {
                StatusCode::FORBIDDEN => W::Forbidden,
                StatusCode::NOT_FOUND => W::NotFound,
                _ => W::Error,
            }
            .t(lang)
            .to_owned()
        });
        let message = if self.status.is_server_error() {
            W::InternalError.t(lang)
        } else {
            &self.message
        };
        error_page(lang, self.status, &title, message)
    }
}

impl From<ApiError> for UiError {
    fn from(e: ApiError) -> Self {
        UiError {
            status: e.status,
            lang: Lang::Fr,
            title: None,
            message: e.message,
        }
    }
}

impl From<vigie_store::StoreError> for UiError {
    fn from(e: vigie_store::StoreError) -> Self {
        ApiError::from(e).into()
    }
}

/// An error page of its own (for the gate and the handlers outside [`Ui`]).
pub(crate) fn error_page(lang: Lang, status: StatusCode, title: &str, message: &str) -> Response {
    let body = maud::html! {
        p { (message) }
        p { a href="/" { (W::Dashboard.t(lang)) } }
    };
    bare_page(lang, status, title, body)
}

/// The error page of a store failure, for the handlers outside [`Ui`].
pub(crate) fn store_error_page(e: vigie_store::StoreError) -> Response {
    UiError::from(e).into_response()
}
