//! Vigie's pure core.
//!
//! Everything that states a rule of the law or a rule of the data lives here, so that the API,
//! the CLI, bulk screening and the UI all call the same code. The crate does no I/O and never
//! reads the clock: time is always an input. See ARCHITECTURE.md at the repository root.

pub mod ident;
pub mod ledger;
pub mod vocab;

pub use ident::{ContactRef, Email, IdentError, PhoneE164, Region, suppression_hash};
pub use ledger::{ConsentEvent, LedgerSummary};
pub use vocab::{Action, Audience, Channel, ChannelScope, Method, ParseVocabError, Purpose};

/// A moment in time. Re-exported so that callers name one type.
pub use jiff::Timestamp;
