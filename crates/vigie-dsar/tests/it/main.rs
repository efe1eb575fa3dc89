//! vigie-dsar end to end, on both stores: filing, the deadline, and fulfilment of every kind of
//! request on the store, on connected SQLite and PostgreSQL databases, with signed notices to a
//! processor listening on 127.0.0.1.

mod fulfil;
mod harness;
mod lifecycle;
mod scale;
