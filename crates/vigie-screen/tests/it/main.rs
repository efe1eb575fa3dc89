//! Bulk screening tests: byte-identical to the bench kit's reference screening on a generated
//! 20,000-contact base (every campaign, on SQLite and PostgreSQL), snapshot staleness,
//! proof records, and errors that name what is wrong.
//!
//! Reads only the repository (the base and the reference outputs are committed under
//! tests/fixtures/, see fixture.rs); VIGIE_TEST_DATABASE_URL for the PostgreSQL test.

mod archive;
mod at_rest;
mod calls;
mod campaign_fuzz;
mod census;
mod errors;
mod fixture;
mod follow;
mod reference;
mod refresh;
mod runs;
mod staleness;
mod time_zone;
