//! The web pages' one room. Pages are compiled maud templates (escaping by default): a handler
//! gathers its data (store calls, decisions), then renders with the frame ([`frame`]), the
//! components ([`components`]) and the words of the catalogue ([`words`], [`labels`]) in the
//! language resolved once per request ([`lang`]).

pub(crate) mod charts;
pub(crate) mod components;
pub(crate) mod context;
pub(crate) mod frame;
pub(crate) mod labels;
pub(crate) mod lang;
pub(crate) mod register_labels;
pub(crate) mod rejects;
pub(crate) mod words;

pub(crate) use context::{Link, Ui, UiError, error_page, pct, store_error_page, when};
pub(crate) use frame::{Section, bare_page, page, public_page, refreshing_page};
pub(crate) use labels::Label;
pub(crate) use words::W;

/// The one stylesheet, served at `/static/vigie.css` (the CSP allows styles from Vigie only).
pub(crate) const STYLESHEET: &str = include_str!("vigie.css");
