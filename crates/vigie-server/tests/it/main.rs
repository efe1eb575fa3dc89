//! The server from the outside, in one test binary: the real router on a real port, against a
//! real store — each test runs twice, on SQLite and on PostgreSQL (see `common`).

mod common;

mod access;
mod agent;
mod answers;
mod api;
mod assess;
mod breaches;
mod browser;
mod calls;
mod contacts_filter;
mod dsar;
mod forms;
mod imports_web;
mod metrics;
mod notices;
mod overview;
mod people;
mod person_links;
mod registers;
mod registers_web;
mod retention;
mod screenings;
mod screenings_web;
mod smtp;
mod web;
mod webhooks;
