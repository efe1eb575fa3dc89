//! Inbound e-mail events (migration 0034): the sources an organization lets report
//! unsubscribes, complaints and hard bounces, each with its signing secret (sealed), and what
//! each event did, kept by the service's event id so that a repeated delivery does nothing.
//! The rules (which ledger actions, which method, which list) are vigie-core's `InboundKind`.

use jiff::Timestamp;
use serde::Serialize;
use vigie_core::webhooks::InboundKind;
use vigie_core::{Action, ChannelScope, ConsentEvent, Email, Purpose};

use crate::error::{Result, StoreError};
use crate::model::{ContactQuery, NewConsentEvent, OrgId, from_micros};
use crate::sql::sql_params;
use crate::webhooks::check_name;
use crate::{AuditEvent, Store, now_micros};

/// A source as listed (its secret stays sealed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InboundSource {
    pub name: String,
    pub created_at: Timestamp,
}

/// One event reported by a source, parsed.
#[derive(Debug, Clone)]
pub struct InboundEvent {
    /// The service's own id of the event: a second delivery with the same id changes nothing.
    pub id: String,
    pub kind: InboundKind,
    pub email: Email,
    pub at: Timestamp,
    /// The purpose the message served, when the service knows it; otherwise every purpose (the
    /// person asked the sender to stop, not one list of it).
    pub purpose: Option<Purpose>,
}

/// What an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InboundOutcome {
    /// Ledger events written for this many contacts holding the address.
    Recorded { contacts: u32 },
    /// The address went on the suppression list.
    Suppressed,
    /// No contact holds the address: nothing to withdraw.
    NoContact,
    /// The event id was seen before: nothing done again.
    Duplicate,
}

impl InboundOutcome {
    /// The outcome's name in the API and the table.
    pub fn as_str(self) -> &'static str {
        match self {
            InboundOutcome::Recorded { .. } => "recorded",
            InboundOutcome::Suppressed => "suppressed",
            InboundOutcome::NoContact => "no_contact",
            InboundOutcome::Duplicate => "duplicate",
        }
    }
}

impl Store {
    /// Declares a source; its secret is returned once (hex). A name in use is a `Conflict`.
    pub async fn create_inbound_source(
        &self,
        org: OrgId,
        name: &str,
        audit: AuditEvent,
    ) -> Result<String> {
        check_name("source", name)?;
        let (sealed, secret) = self.new_sealed_secret(org, "inbound", name).await?;
        self.sql_exec(
            "INSERT INTO inbound_sources (org_id, name, secret, created_at) VALUES ($1, $2, $3, $4)",
            sql_params![org, name, sealed, now_micros()],
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::Conflict(format!("a source named {name:?} exists")),
            e => e,
        })?;
        let mut audit = audit;
        audit.target = Some(format!("inbound:{name}"));
        self.audit(org, audit).await?;
        Ok(secret)
    }

    pub async fn inbound_sources(&self, org: OrgId) -> Result<Vec<InboundSource>> {
        let rows = self
            .sql_rows(
                "SELECT name, created_at FROM inbound_sources WHERE org_id = $1 ORDER BY name",
                sql_params![org],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(InboundSource {
                    name: r[0].text()?,
                    created_at: from_micros(r[1].int()?),
                })
            })
            .collect()
    }

    pub async fn delete_inbound_source(
        &self,
        org: OrgId,
        name: &str,
        audit: AuditEvent,
    ) -> Result<()> {
        let n = self
            .sql_exec(
                "DELETE FROM inbound_sources WHERE org_id = $1 AND name = $2",
                sql_params![org, name],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("inbound source {name:?}")));
        }
        let mut audit = audit;
        audit.target = Some(format!("inbound:{name}"));
        self.audit(org, audit).await?;
        Ok(())
    }

    /// The secret a source signs with, `None` for an unknown source.
    pub async fn inbound_secret(&self, org: OrgId, name: &str) -> Result<Option<Vec<u8>>> {
        let row = self
            .sql_row(
                "SELECT secret FROM inbound_sources WHERE org_id = $1 AND name = $2",
                sql_params![org, name.to_owned()],
            )
            .await?;
        match row {
            None => Ok(None),
            Some(r) => {
                let sealed = r[0].opt_blob()?.unwrap_or_default();
                Ok(Some(self.open_secret(org, "inbound", name, &sealed).await?))
            }
        }
    }

    /// Applies an event of `source` (already authenticated) once. The effects are themselves
    /// idempotent (a ledger event with the same content is not added twice, a suppression is
    /// kept once), so a failure between them and the event's record is safely retried.
    pub async fn apply_inbound(
        &self,
        org: OrgId,
        source: &str,
        e: &InboundEvent,
    ) -> Result<InboundOutcome> {
        let seen = self
            .sql_row(
                "SELECT outcome FROM inbound_events WHERE org_id = $1 AND source = $2 AND event_id = $3",
                sql_params![org, source.to_owned(), e.id.clone()],
            )
            .await?;
        if seen.is_some() {
            return Ok(InboundOutcome::Duplicate);
        }
        let outcome = if e.kind.suppresses() {
            self.import_suppression(org, vec![vigie_core::suppression_hash(e.email.as_str())])
                .await?;
            InboundOutcome::Suppressed
        } else {
            let holders = self
                .contacts(
                    org,
                    &ContactQuery {
                        email: Some(e.email.clone()),
                        limit: crate::MAX_PAGE,
                        ..ContactQuery::default()
                    },
                )
                .await?
                .contacts;
            let purposes: Vec<Purpose> = match e.purpose {
                Some(p) => vec![p],
                None => Purpose::ALL.to_vec(),
            };
            for c in &holders {
                for &action in e.kind.ledger_actions() {
                    for &purpose in &purposes {
                        self.append_event(
                            org,
                            &c.data.contact_ref,
                            &inbound_ledger_event(source, e, action, purpose),
                        )
                        .await?;
                    }
                }
            }
            if holders.is_empty() {
                InboundOutcome::NoContact
            } else {
                InboundOutcome::Recorded {
                    contacts: holders.len() as u32,
                }
            }
        };
        self.sql_exec(
            "INSERT INTO inbound_events (org_id, source, event_id, event_type, outcome, received_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            sql_params![
                org,
                source,
                e.id.as_str(),
                e.kind.as_str(),
                outcome.as_str(),
                now_micros()
            ],
        )
        .await?;
        Ok(outcome)
    }
}

/// The ledger event an inbound event writes: on e-mail, the source and event id named.
fn inbound_ledger_event(
    source: &str,
    e: &InboundEvent,
    action: Action,
    purpose: Purpose,
) -> NewConsentEvent {
    NewConsentEvent {
        event: ConsentEvent {
            scope: ChannelScope::Email,
            purpose,
            action,
            at: e.at,
            method: e.kind.method(),
        },
        notice_version: None,
        source: Some(format!("inbound:{source}:{}", e.id)),
        ip: None,
        user_agent: None,
    }
}
