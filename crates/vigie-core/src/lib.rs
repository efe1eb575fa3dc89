//! Vigie's pure core.
//!
//! Everything that states a rule of the law or a rule of the data lives here, so that the API,
//! the CLI, bulk screening and the UI all call the same code. The crate does no I/O and never
//! reads the clock: time is always an input. See ARCHITECTURE.md at the repository root.

pub mod access;
pub mod assess;
pub mod calendar;
pub mod calls;
pub mod coverage;
pub mod decision;
pub mod dsar;
pub mod forms;
pub mod ident;
pub mod ledger;
pub mod moment;
pub mod names;
mod numbering;
pub mod opposition;
pub mod preferences;
pub mod registers;
pub mod retention;
pub mod settings;
pub mod spreadsheet;
pub mod vocab;
pub mod webhooks;
pub mod zone;

pub use access::{Permission, Role, UnknownName, parse_scopes};
pub use calls::{CallCount, CallOutcome, CallWindow, CallWindows};
pub use coverage::{Coverage, CoverageCounts, CoverageRules, ListFacts};
pub use decision::{
    Campaign, Code, ContactFacts, ContactView, Decision, DecisionContext, DecisionRequest,
    DecisionResponse, Explanation, IdentifierKind, Jurisdiction, Lang, MAX_REQUEST_EVENTS, Outcome,
    RequestError, RulePack, decide, parse_request,
};
pub use ident::{
    ContactRef, Email, IdentError, MAX_CUSTOMER_CATEGORIES, PhoneE164, Region, suppression_hash,
};
pub use ledger::{ConsentEvent, LedgerSummary};
pub use moment::{Moment, MomentError};
pub use opposition::{ExtractCheck, check_bloctel_extract};
pub use retention::{DataCategory, PolicyChange, PolicyError, PolicySet};
pub use settings::{FinancialYearEnd, OrgSettings, SettingError};
pub use vocab::{Action, Audience, Channel, ChannelScope, Method, ParseVocabError, Purpose};
pub use zone::{UnknownZone, Zone};

/// A moment in time. Re-exported so that callers name one type.
pub use jiff::Timestamp;
