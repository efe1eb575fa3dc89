//! The call log (table `calls`, migration 0010): every call attempt of an organization,
//! append-only (triggers refuse `UPDATE` and `DELETE`, as for the ledger), keyed by organization
//! and contact, with the number called as its blind index only.
//!
//! [`Store::log_calls`] writes a batch in one transaction: a call whose contact cannot be found
//! rejects the whole batch. A call ending in `consent_given` appends, in the same transaction, a
//! ledger grant on `phone` (method `phone_recorded`) whose source is `call:<id>`: the consent and
//! the call that proves it cannot exist one without the other. [`Store::call_count`] reads what
//! the decision engine needs (the count itself is vigie-core's [`CallWindow`]).

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;
use vigie_core::{
    Action, CallCount, CallOutcome, CallWindow, ChannelScope, ConsentEvent, ContactRef, Method,
    PhoneE164, Purpose,
};

use crate::error::{Result, StoreError};
use crate::model::{NewConsentEvent, OrgId, from_micros, to_micros};
use crate::sealing::OrgCrypto;
use crate::sql::{Val, sql_params};
use crate::vault::Digest16;
use crate::{Backends, Store, now_micros};

/// Whom a call reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallTo {
    /// A contact by reference, on the number given or else on the contact's own number.
    Contact {
        contact_ref: ContactRef,
        phone: Option<PhoneE164>,
    },
    /// A number: the one contact of the organization that has it.
    Number(PhoneE164),
}

/// A call attempt to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCall {
    /// Line of the source file (or position in a request), for error reports.
    pub line: u64,
    pub to: CallTo,
    pub at: Timestamp,
    pub outcome: CallOutcome,
    pub campaign: Option<String>,
    pub agent: Option<String>,
}

/// A recorded call attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedCall {
    pub id: i64,
    pub contact_ref: String,
    pub at: Timestamp,
    pub outcome: CallOutcome,
    pub campaign: Option<String>,
    pub agent: Option<String>,
    /// The ledger grant a `consent_given` call appended.
    pub consent_event_id: Option<i64>,
}

/// A call whose contact is known.
struct Resolved {
    line: u64,
    contact_id: i64,
    contact_ref: String,
    phone_bidx: Digest16,
    at: i64,
    outcome: CallOutcome,
    campaign: Option<String>,
    agent: Option<String>,
}

/// Every contact of an organization by reference and by phone blind index: a batch larger than
/// this is resolved by one scan instead of one query per call.
const SCAN_FROM: usize = 256;

#[derive(Default)]
struct Directory {
    by_ref: HashMap<String, (i64, Option<Digest16>)>,
    by_phone: HashMap<Digest16, Vec<(i64, String)>>,
}

fn bidx(b: Option<Vec<u8>>) -> Result<Option<Digest16>> {
    b.map(|b| {
        b.as_slice()
            .try_into()
            .map_err(|_| StoreError::Other(format!("a blind index of {} bytes", b.len())))
    })
    .transpose()
}

fn target_error(line: u64, column: &'static str, reason: String) -> StoreError {
    StoreError::CallTarget {
        line,
        column,
        reason,
    }
}

/// The ledger grant a `consent_given` call writes: consent to phone prospecting, recorded during
/// the call, pointing at it.
fn consent_from_call(call_id: i64, at: i64) -> NewConsentEvent {
    NewConsentEvent {
        event: ConsentEvent {
            scope: ChannelScope::Phone,
            purpose: Purpose::Marketing,
            action: Action::Grant,
            at: from_micros(at),
            method: Method::PhoneRecorded,
        },
        notice_version: None,
        source: Some(format!("call:{call_id}")),
        ip: None,
        user_agent: None,
    }
}

impl Store {
    /// Records a batch of call attempts in one transaction: all of them, or none if one names no
    /// contact of the organization ([`StoreError::CallTarget`] names its line and column).
    pub async fn log_calls(&self, org: OrgId, calls: Vec<NewCall>) -> Result<Vec<LoggedCall>> {
        let crypto = self.org_crypto(org).await?;
        let resolved = self.resolve_calls(org, &crypto, calls).await?;
        let now = now_micros();
        match &self.backend {
            Backends::Sqlite(b) => {
                b.write(move |tx| {
                    let mut insert = tx.prepare_cached(
                        "INSERT INTO calls (org_id, contact_id, at, phone_bidx, campaign, agent, outcome, recorded_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                    )?;
                    let mut events = crate::sqlite_write::EventStatements::new(tx)?;
                    let mut out = Vec::with_capacity(resolved.len());
                    for r in resolved {
                        let id: i64 = insert.query_row(
                            rusqlite::params![
                                org,
                                r.contact_id,
                                r.at,
                                &r.phone_bidx[..],
                                r.campaign,
                                r.agent,
                                r.outcome.as_str(),
                                now
                            ],
                            |row| row.get(0),
                        )?;
                        let consent_event_id = if r.outcome == CallOutcome::ConsentGiven {
                            let e = consent_from_call(id, r.at);
                            let sealed = crypto.seal_event(r.line, &r.contact_ref, &e, None);
                            let (event_id, _) = crate::sqlite_write::insert_event_tx(
                                &mut events,
                                tx,
                                org,
                                r.contact_id,
                                &sealed,
                                now,
                            )?;
                            Some(event_id)
                        } else {
                            None
                        };
                        out.push(logged(id, r, consent_event_id));
                    }
                    if !out.is_empty() {
                        crate::sqlite::bump_version(tx, org)?;
                    }
                    Ok(out)
                })
                .await
            }
            Backends::Postgres(b) => {
                let mut client = b.client().await?;
                let tx = client.transaction().await?;
                let insert = tx
                    .prepare(
                        "INSERT INTO calls (org_id, contact_id, at, phone_bidx, campaign, agent, outcome, recorded_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .await?;
                let mut out = Vec::with_capacity(resolved.len());
                for r in resolved {
                    let id: i64 = tx
                        .query_one(
                            &insert,
                            &[
                                &org,
                                &r.contact_id,
                                &r.at,
                                &&r.phone_bidx[..],
                                &r.campaign,
                                &r.agent,
                                &r.outcome.as_str(),
                                &now,
                            ],
                        )
                        .await?
                        .get(0);
                    let consent_event_id = if r.outcome == CallOutcome::ConsentGiven {
                        let e = consent_from_call(id, r.at);
                        let sealed = crypto.seal_event(r.line, &r.contact_ref, &e, None);
                        let (_, ids) = crate::postgres::insert_events_batch(
                            &tx,
                            org,
                            &[(r.contact_id, &sealed)],
                            now,
                        )
                        .await?;
                        ids.first().copied()
                    } else {
                        None
                    };
                    out.push(logged(id, r, consent_event_id));
                }
                if !out.is_empty() {
                    crate::postgres::bump_version(&tx, org).await?;
                }
                tx.commit().await?;
                Ok(out)
            }
        }
    }

    /// What the decision engine reads about a contact's call log at the end of `window`: the
    /// attempts in it and the latest refusal at or before its end.
    pub async fn call_count(
        &self,
        org: OrgId,
        contact_id: i64,
        window: CallWindow,
    ) -> Result<CallCount> {
        let rows = self
            .sql_rows(
                "SELECT at, outcome FROM calls
                 WHERE org_id = $1 AND contact_id = $2 AND at <= $3 AND (at > $4 OR outcome = 'refused')",
                sql_params![org, contact_id, to_micros(window.to), to_micros(window.from)],
            )
            .await?;
        let calls = rows
            .iter()
            .map(|r| {
                let outcome = r[1]
                    .text()?
                    .parse::<CallOutcome>()
                    .map_err(|e| StoreError::Other(e.to_string()))?;
                Ok((from_micros(r[0].int()?), outcome))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(window.count(calls))
    }

    /// Finds each call's contact and the blind index of the number called.
    async fn resolve_calls(
        &self,
        org: OrgId,
        crypto: &OrgCrypto,
        calls: Vec<NewCall>,
    ) -> Result<Vec<Resolved>> {
        let directory = if calls.len() > SCAN_FROM {
            Some(self.call_directory(org).await?)
        } else {
            None
        };
        let mut out = Vec::with_capacity(calls.len());
        for c in calls {
            let (contact_id, contact_ref, phone_bidx) = match &c.to {
                CallTo::Contact { contact_ref, phone } => {
                    let found = match &directory {
                        Some(d) => d.by_ref.get(contact_ref.as_str()).copied(),
                        None => self
                            .sql_row(
                                "SELECT id, phone_bidx FROM contacts WHERE org_id = $1 AND contact_ref = $2",
                                sql_params![org, contact_ref.as_str()],
                            )
                            .await?
                            .map(|r| Ok::<_, StoreError>((r[0].int()?, bidx(r[1].opt_blob()?)?)))
                            .transpose()?,
                    };
                    let (id, own_phone) = found.ok_or_else(|| {
                        target_error(
                            c.line,
                            "contact_ref",
                            format!("no contact {contact_ref} in this organization"),
                        )
                    })?;
                    let called = match phone {
                        Some(p) => crypto.index.phone_index(p),
                        None => own_phone.ok_or_else(|| {
                            target_error(
                                c.line,
                                "contact_ref",
                                format!("contact {contact_ref} has no phone number"),
                            )
                        })?,
                    };
                    (id, contact_ref.as_str().to_owned(), called)
                }
                CallTo::Number(phone) => {
                    let called = crypto.index.phone_index(phone);
                    let holders = match &directory {
                        Some(d) => d.by_phone.get(&called).cloned().unwrap_or_default(),
                        None => self.contacts_with_phone(org, called).await?,
                    };
                    match holders.as_slice() {
                        [(id, contact_ref)] => (*id, contact_ref.clone(), called),
                        [] => {
                            return Err(target_error(
                                c.line,
                                "phone",
                                "no contact of this organization has this number".into(),
                            ));
                        }
                        more => {
                            return Err(target_error(
                                c.line,
                                "phone",
                                format!(
                                    "{} contacts have this number: name the contact by contact_ref",
                                    more.len()
                                ),
                            ));
                        }
                    }
                }
            };
            out.push(Resolved {
                line: c.line,
                contact_id,
                contact_ref,
                phone_bidx,
                at: to_micros(c.at),
                outcome: c.outcome,
                campaign: c.campaign,
                agent: c.agent,
            });
        }
        Ok(out)
    }

    /// The contacts (id, reference) whose phone has this blind index.
    async fn contacts_with_phone(&self, org: OrgId, phone: Digest16) -> Result<Vec<(i64, String)>> {
        let sql = match &self.backend {
            // SQLite finds numbers through `contact_lookup` (migration 0006) and checks the
            // contact's own column, which stays the truth.
            Backends::Sqlite(_) => {
                "SELECT c.id, c.contact_ref FROM contact_lookup l
                 CROSS JOIN contacts c ON c.org_id = l.org_id AND c.id = l.contact_id
                 WHERE l.org_id = $1 AND l.kind = 2 AND l.bidx = $2 AND c.phone_bidx = $2
                 ORDER BY c.id"
            }
            Backends::Postgres(_) => {
                "SELECT id, contact_ref FROM contacts WHERE org_id = $1 AND phone_bidx = $2 ORDER BY id"
            }
        };
        self.sql_rows(sql, sql_params![org, &phone[..]])
            .await?
            .iter()
            .map(|r| Ok((r[0].int()?, r[1].text()?)))
            .collect()
    }

    async fn call_directory(&self, org: OrgId) -> Result<Directory> {
        let rows = self
            .sql_rows(
                "SELECT id, contact_ref, phone_bidx FROM contacts WHERE org_id = $1",
                sql_params![org],
            )
            .await?;
        let mut d = Directory::default();
        for r in rows {
            let mut r = r.into_iter();
            let (Some(Val::Int(id)), Some(Val::Text(contact_ref)), Some(phone)) =
                (r.next(), r.next(), r.next())
            else {
                return Err(StoreError::Other(
                    "a contact row of unexpected shape".into(),
                ));
            };
            let phone = bidx(phone.opt_blob()?)?;
            if let Some(p) = phone {
                d.by_phone
                    .entry(p)
                    .or_default()
                    .push((id, contact_ref.clone()));
            }
            d.by_ref.insert(contact_ref, (id, phone));
        }
        Ok(d)
    }
}

fn logged(id: i64, r: Resolved, consent_event_id: Option<i64>) -> LoggedCall {
    LoggedCall {
        id,
        contact_ref: r.contact_ref,
        at: from_micros(r.at),
        outcome: r.outcome,
        campaign: r.campaign,
        agent: r.agent,
        consent_event_id,
    }
}
