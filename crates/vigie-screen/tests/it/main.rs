//! Bulk screening tests: byte-identical to the bench kit's reference screening on a generated
//! 20,000-contact base (every campaign, on SQLite and PostgreSQL), snapshot staleness,
//! proof records, and errors that name what is wrong.
//!
//! Needs python3 and the shared bench kit (VIGIE_SHARED_DIR, exported by scripts/test), and
//! VIGIE_TEST_DATABASE_URL for the PostgreSQL test.

mod at_rest;
mod calls;
mod campaign_fuzz;
mod errors;
mod fixture;
mod reference;
mod runs;
mod staleness;
mod time_zone;
