//! The decision engine: "may we contact this person, on this channel, for this purpose, at this
//! time — and why?" (DECISIONS.md).
//!
//! - [`code`]: the answer's vocabulary ([`Decision`], [`Code`]).
//! - [`contact`]: what the engine reads ([`ContactView`], [`Campaign`]).
//! - [`engine`]: [`DecisionContext`], built once per campaign moment, deciding per contact.
//! - [`packs`]: the law by jurisdiction and date ([`Jurisdiction`], [`RulePack`]).
//! - [`explain`]: sentences in French and English, and legal references ([`Lang`]).
//! - [`reach`]: the identifier each channel reaches, the suppressions that bar it.
//! - [`request`] and [`parse`]: the wire format and the one-shot [`decide`].

pub mod code;
pub mod contact;
pub mod engine;
pub mod explain;
pub mod packs;
pub mod parse;
pub mod reach;
pub mod request;

pub use code::{Code, Decision};
pub use contact::{Campaign, ContactView};
pub use engine::{DecisionContext, Outcome};
pub use explain::{Explanation, Lang};
pub use packs::{Jurisdiction, PACKS, RulePack};
pub use parse::{MAX_REQUEST_EVENTS, RequestError, parse_request};
pub use reach::IdentifierKind;
pub use request::{ContactFacts, DecisionRequest, DecisionResponse, decide};
