use crate::sealing::RowError;
use crate::vault::VaultError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid: {0}")]
    Invalid(String),
    /// Ledger events that name contacts the organization does not have: (line, contact_ref).
    #[error("{} ledger event(s) name unknown contacts (first: line {}, contact_ref {:?})", .0.len(), .0[0].0, .0[0].1)]
    UnknownContacts(Vec<(u64, String)>),
    /// A call attempt that names no contact of the organization, or none with a number.
    #[error("line {line}, column {column}: {reason}")]
    CallTarget {
        line: u64,
        column: &'static str,
        reason: String,
    },
    /// The producer of a bulk import stopped without committing: nothing was stored.
    #[error("import aborted: nothing was stored")]
    ImportAborted,
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Row(#[from] RowError),
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("PostgreSQL pool: {0}")]
    Pool(String),
    #[error("store: {0}")]
    Other(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
