//! The language of a page, resolved once per request: an explicit `?lang=` choice, then the
//! remembered choice (cookie), then `Accept-Language`, then French. An explicit choice is
//! remembered for a year, so every later page (and the error pages) speaks it.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Uri, header};
use axum::middleware::Next;
use axum::response::Response;
use vigie_core::Lang;

use crate::AppState;
use crate::auth::{cookie, set_cookie};

/// The cookie that remembers the language chosen with `?lang=`.
pub const LANG_COOKIE: &str = "vigie_lang";

const REMEMBERED_FOR: Duration = Duration::from_secs(365 * 24 * 3600);

/// The language of the request (in the request's extensions, put there by [`choose_lang`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageLang {
    pub(crate) lang: Lang,
    /// Chosen with `?lang=` on this request.
    pub(crate) explicit: bool,
}

impl PageLang {
    /// The language of a request: see the module documentation.
    pub(crate) fn resolve(uri: &Uri, headers: &HeaderMap) -> PageLang {
        let asked = uri.query().and_then(|q| {
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == "lang")
                .and_then(|(_, v)| v.parse::<Lang>().ok())
        });
        if let Some(lang) = asked {
            return PageLang {
                lang,
                explicit: true,
            };
        }
        PageLang {
            lang: from_headers(headers),
            explicit: false,
        }
    }

    /// The language [`choose_lang`] resolved for this request (resolved again if it did not run).
    pub(crate) fn of(parts: &axum::http::request::Parts) -> Lang {
        parts
            .extensions
            .get::<PageLang>()
            .copied()
            .unwrap_or_else(|| PageLang::resolve(&parts.uri, &parts.headers))
            .lang
    }
}

/// The language a request's headers ask for: the remembered choice, then `Accept-Language`,
/// then French.
pub(crate) fn from_headers(headers: &HeaderMap) -> Lang {
    let remembered = cookie(headers, LANG_COOKIE).and_then(|v| v.parse::<Lang>().ok());
    remembered.unwrap_or_else(|| {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or_default()
    })
}

/// Resolves the language once for the request and remembers an explicit choice in a cookie.
pub(crate) async fn choose_lang(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let chosen = PageLang::resolve(req.uri(), req.headers());
    let remembered = cookie(req.headers(), LANG_COOKIE).and_then(|v| v.parse::<Lang>().ok());
    req.extensions_mut().insert(chosen);
    let mut response = next.run(req).await;
    if chosen.explicit && remembered != Some(chosen.lang) {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(
                LANG_COOKIE,
                chosen.lang.as_str(),
                Some(REMEMBERED_FOR),
                state.auth_config().secure_cookies,
            ),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(uri: &str, headers: &[(&str, &str)]) -> PageLang {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        PageLang::resolve(&uri.parse().unwrap(), &map)
    }

    #[test]
    fn an_explicit_choice_wins_then_the_cookie_then_the_browser_then_french() {
        let en_browser = ("accept-language", "en-GB,en;q=0.9");
        let fr_cookie = ("cookie", "vigie_session=x; vigie_lang=fr");
        assert_eq!(
            lang("/?org=a&lang=en", &[fr_cookie]),
            PageLang {
                lang: Lang::En,
                explicit: true
            }
        );
        assert_eq!(lang("/", &[fr_cookie, en_browser]).lang, Lang::Fr);
        assert_eq!(lang("/", &[en_browser]).lang, Lang::En);
        assert_eq!(
            lang("/?lang=xx", &[("cookie", "vigie_lang=en")]).lang,
            Lang::En
        );
        assert_eq!(
            lang("/", &[]),
            PageLang {
                lang: Lang::Fr,
                explicit: false
            }
        );
    }
}
