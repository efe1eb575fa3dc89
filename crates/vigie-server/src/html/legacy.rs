//! What the sign-in pages (`login.rs`) and the privacy centre (`privacy.rs`) still use while
//! their bodies are written by hand: the escaping function and the error pages under their
//! former signatures. Their frame is already [`super::bare_page`]. To be removed once those
//! two files render through maud.

use std::fmt;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use vigie_core::Lang;

use super::context::UiError;

/// Text escaped for HTML element content and quoted attribute values.
pub struct Esc<'a>(&'a str);

pub fn esc(s: &str) -> Esc<'_> {
    Esc(s)
}

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut last = 0;
        for (i, c) in self.0.char_indices() {
            let rep = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => continue,
            };
            f.write_str(&self.0[last..i])?;
            f.write_str(rep)?;
            last = i + c.len_utf8();
        }
        f.write_str(&self.0[last..])
    }
}

/// An error page with its own title and message (in French: the caller's language is not
/// known to these handlers yet).
pub(crate) fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    super::error_page(Lang::Fr, status, title, message)
}

/// The HTML page of a store failure.
pub(crate) fn store_error_page(e: vigie_store::StoreError) -> Response {
    UiError::from(e).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_text_and_attributes() {
        assert_eq!(
            esc(r#"<a href="x">O'Neil & co</a>"#).to_string(),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/a&gt;"
        );
        assert_eq!(esc("é plain").to_string(), "é plain");
    }
}
