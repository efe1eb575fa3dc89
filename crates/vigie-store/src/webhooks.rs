//! Outbound webhooks (migration 0033): an organization's endpoints, and the outbox the triggers
//! fill in the transaction of every change (see the migration), claimed by delivery workers with
//! a lease and marked delivered or failed. Both stores run the same SQL texts (`sql.rs`).
//!
//! Order per contact and endpoint: a row is claimed only when every earlier row of its stream
//! (same endpoint, same contact) is delivered. So one row per stream is in flight at a time, a
//! failed row holds the rows after it until it is retried, and a later change never overtakes an
//! earlier one, whatever the number of servers.

use jiff::Timestamp;
use serde::Serialize;
use vigie_core::webhooks::{EndpointUrl, WebhookEvent};

use crate::error::{Result, StoreError};
use crate::model::{OrgId, from_micros};
use crate::sql::{Val, sql_params};
use crate::{AuditEvent, Store, now_micros};

/// An endpoint to create.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// Unique within the organization: `crm`, `emailing` …
    pub name: String,
    pub url: EndpointUrl,
    pub events: Vec<WebhookEvent>,
}

/// An endpoint as stored (its secret stays sealed: it is shown once, at creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Webhook {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub active: bool,
    pub created_at: Timestamp,
}

/// A created endpoint and its signing secret, in hex: the only time it is readable.
#[derive(Debug, Clone)]
pub struct CreatedWebhook {
    pub webhook: Webhook,
    pub secret: String,
}

/// Where a row of the outbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 3] = [Self::Pending, Self::Delivered, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// What a receiver is sent: the change, never an identifier of the person. The organization's
/// own contact reference is what its CRM or e-mail service already files the person under; an
/// e-mail address or phone number would add a copy of personal data in transit and in the
/// receiver's logs for nothing (processor notices, by contrast, must name the identifiers: the
/// processor may know the person only by them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookPayload {
    /// The outbox row: the receiver's key to drop a repeated delivery.
    pub id: i64,
    #[serde(rename = "type")]
    pub event_type: String,
    pub organization: String,
    pub contact_ref: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// When the change happened (the ledger event's time; the restriction's or erasure's).
    pub at: Timestamp,
    /// When Vigie recorded it.
    pub recorded_at: Timestamp,
}

/// A row of the outbox, for the API and the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    pub webhook_id: i64,
    pub webhook: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: Option<Timestamp>,
    pub delivered_at: Option<Timestamp>,
    pub http_status: Option<i64>,
    pub last_error: Option<String>,
    pub payload: WebhookPayload,
}

/// Which rows to list: newest first, keyset paging by id.
#[derive(Debug, Clone, Default)]
pub struct OutboxQuery {
    pub status: Option<DeliveryStatus>,
    pub webhook_id: Option<i64>,
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// Rows per status, and the oldest pending row's age.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutboxCounts {
    pub pending: u64,
    pub delivered: u64,
    pub failed: u64,
    pub oldest_pending: Option<Timestamp>,
}

/// A row claimed for delivery, with where and how to send it.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub org: OrgId,
    pub attempts: u32,
    pub url: String,
    pub secret: Vec<u8>,
    pub payload: WebhookPayload,
}

const OUTBOX_COLUMNS: &str = "o.id, o.event_type, org.slug, c.contact_ref, o.channel, o.purpose,
     o.action, o.method, o.at, o.created_at, o.subscription_id, s.name, o.status, o.attempts,
     o.next_attempt_at, o.delivered_at, o.http_status, o.last_error, s.url, s.secret
     FROM webhook_outbox o
     JOIN organizations org ON org.id = o.org_id
     JOIN contacts c ON c.org_id = o.org_id AND c.id = o.contact_id
     JOIN webhook_subscriptions s ON s.org_id = o.org_id AND s.id = o.subscription_id";

fn payload(r: &[Val]) -> Result<WebhookPayload> {
    Ok(WebhookPayload {
        id: r[0].int()?,
        event_type: r[1].text()?,
        organization: r[2].text()?,
        contact_ref: r[3].text()?,
        channel: r[4].opt_text()?,
        purpose: r[5].opt_text()?,
        action: r[6].opt_text()?,
        method: r[7].opt_text()?,
        at: from_micros(r[8].int()?),
        recorded_at: from_micros(r[9].int()?),
    })
}

fn entry(r: &[Val]) -> Result<OutboxEntry> {
    let status = r[12].text()?;
    let status = DeliveryStatus::parse(&status)
        .ok_or_else(|| StoreError::Other(format!("outbox status {status:?}")))?;
    Ok(OutboxEntry {
        webhook_id: r[10].int()?,
        webhook: r[11].text()?,
        status,
        attempts: r[13].int()?,
        next_attempt_at: (status == DeliveryStatus::Pending)
            .then(|| r[14].int().map(from_micros))
            .transpose()?,
        delivered_at: r[15].opt_int()?.map(from_micros),
        http_status: r[16].opt_int()?,
        last_error: r[17].opt_text()?,
        payload: payload(r)?,
    })
}

fn secret_aad(org: OrgId, kind: &str, name: &str) -> Vec<u8> {
    format!("vigie/{kind}-secret/{org}/{name}").into_bytes()
}

fn webhook(r: &[Val], events: Vec<WebhookEvent>) -> Result<Webhook> {
    Ok(Webhook {
        id: r[0].int()?,
        name: r[1].text()?,
        url: r[2].text()?,
        events,
        active: r[3].int()? != 0,
        created_at: from_micros(r[4].int()?),
    })
}

/// A name for an endpoint or a source: what a URL path and a log line can carry.
pub(crate) fn check_name(what: &str, name: &str) -> Result<()> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "{what} name {name:?}: use 1 to 64 of a-z, 0-9, '-' and '_'"
        )))
    }
}

impl Store {
    /// A fresh secret, sealed under the organization's key; and its hex form, shown once.
    pub(crate) async fn new_sealed_secret(
        &self,
        org: OrgId,
        kind: &str,
        name: &str,
    ) -> Result<(Vec<u8>, String)> {
        let crypto = self.org_crypto(org).await?;
        let raw: [u8; 32] = rand::random();
        let secret = hex::encode(raw);
        let sealed = crypto
            .secrets
            .seal(secret.as_bytes(), &secret_aad(org, kind, name));
        Ok((sealed, secret))
    }

    /// Opens a secret sealed by [`Store::new_sealed_secret`]: the bytes both sides sign with.
    pub(crate) async fn open_secret(
        &self,
        org: OrgId,
        kind: &str,
        name: &str,
        sealed: &[u8],
    ) -> Result<Vec<u8>> {
        let crypto = self.org_crypto(org).await?;
        Ok(crypto.secrets.open(sealed, &secret_aad(org, kind, name))?)
    }

    /// Creates an endpoint; its secret is returned once. A name in use is a `Conflict`.
    pub async fn create_webhook(
        &self,
        org: OrgId,
        new: &NewWebhook,
        audit: AuditEvent,
    ) -> Result<CreatedWebhook> {
        check_name("webhook", &new.name)?;
        if new.events.is_empty() {
            return Err(StoreError::Invalid(
                "events: name at least one event type".into(),
            ));
        }
        let (sealed, secret) = self.new_sealed_secret(org, "webhook", &new.name).await?;
        let mut statements: Vec<(&'static str, Vec<Val>)> = vec![(
            "INSERT INTO webhook_subscriptions (org_id, name, url, secret, created_at)
             VALUES ($1, $2, $3, $4, $5)",
            sql_params![
                org,
                new.name.as_str(),
                new.url.as_str(),
                sealed,
                now_micros()
            ],
        )];
        let mut events = new.events.clone();
        events.sort();
        events.dedup();
        for e in &events {
            statements.push((
                "INSERT INTO webhook_subscription_events (org_id, event_type, subscription_id)
                 SELECT $1, $2, id FROM webhook_subscriptions WHERE org_id = $1 AND name = $3",
                sql_params![org, e.as_str(), new.name.as_str()],
            ));
        }
        self.sql_exec_all(statements).await.map_err(|e| match e {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("a webhook named {:?} exists", new.name))
            }
            e => e,
        })?;
        let webhook = self
            .webhooks(org)
            .await?
            .into_iter()
            .find(|w| w.name == new.name)
            .ok_or_else(|| StoreError::Other("webhook vanished after creation".into()))?;
        let mut audit = audit;
        audit.target = Some(format!("webhook:{}", new.name));
        self.audit(org, audit).await?;
        Ok(CreatedWebhook { webhook, secret })
    }

    /// The organization's endpoints, by name.
    pub async fn webhooks(&self, org: OrgId) -> Result<Vec<Webhook>> {
        let rows = self
            .sql_rows(
                "SELECT id, name, url, active, created_at FROM webhook_subscriptions
                 WHERE org_id = $1 ORDER BY name",
                sql_params![org],
            )
            .await?;
        let types = self
            .sql_rows(
                "SELECT subscription_id, event_type FROM webhook_subscription_events
                 WHERE org_id = $1 ORDER BY event_type",
                sql_params![org],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let id = r[0].int()?;
                let mut events = Vec::new();
                for t in &types {
                    if t[0].int()? == id {
                        let name = t[1].text()?;
                        events.push(name.parse().map_err(|e: vigie_core::ParseVocabError| {
                            StoreError::Other(format!("stored webhook event type: {e}"))
                        })?);
                    }
                }
                webhook(r, events)
            })
            .collect()
    }

    /// Pauses (rows still queue, none is sent) or resumes an endpoint.
    pub async fn set_webhook_active(
        &self,
        org: OrgId,
        id: i64,
        active: bool,
        audit: AuditEvent,
    ) -> Result<()> {
        let sql = if active {
            "UPDATE webhook_subscriptions SET active = TRUE WHERE org_id = $1 AND id = $2"
        } else {
            "UPDATE webhook_subscriptions SET active = FALSE WHERE org_id = $1 AND id = $2"
        };
        if self.sql_exec(sql, sql_params![org, id]).await? == 0 {
            return Err(StoreError::NotFound(format!("webhook {id}")));
        }
        let mut audit = audit;
        audit.target = Some(format!("webhook:{id}"));
        self.audit(org, audit).await?;
        Ok(())
    }

    /// Deletes an endpoint: nothing more queues for it, and its undelivered rows go with it.
    pub async fn delete_webhook(&self, org: OrgId, id: i64, audit: AuditEvent) -> Result<()> {
        let changed = self
            .sql_exec_all(vec![
                (
                    "DELETE FROM webhook_subscriptions WHERE org_id = $1 AND id = $2",
                    sql_params![org, id],
                ),
                (
                    "DELETE FROM webhook_subscription_events WHERE org_id = $1 AND subscription_id = $2",
                    sql_params![org, id],
                ),
                (
                    "DELETE FROM webhook_outbox WHERE org_id = $1 AND subscription_id = $2",
                    sql_params![org, id],
                ),
            ])
            .await?;
        if changed[0] == 0 {
            return Err(StoreError::NotFound(format!("webhook {id}")));
        }
        let mut audit = audit;
        audit.target = Some(format!("webhook:{id}"));
        self.audit(org, audit).await?;
        Ok(())
    }

    /// Rows of the outbox, newest first.
    pub async fn outbox(&self, org: OrgId, q: &OutboxQuery) -> Result<Vec<OutboxEntry>> {
        let sql = format!(
            "SELECT {OUTBOX_COLUMNS}
             WHERE o.org_id = $1 AND o.status = COALESCE($2, o.status)
               AND o.subscription_id = COALESCE($3, o.subscription_id)
               AND o.id < COALESCE($4, o.id + 1)
             ORDER BY o.id DESC LIMIT $5"
        );
        let rows = self
            .sql_rows(
                sql,
                sql_params![
                    org,
                    q.status.map(DeliveryStatus::as_str),
                    q.webhook_id,
                    q.before_id,
                    i64::from(q.limit.clamp(1, crate::MAX_PAGE))
                ],
            )
            .await?;
        rows.iter().map(|r| entry(r)).collect()
    }

    /// Counts per status, and the oldest pending row.
    pub async fn outbox_counts(&self, org: OrgId) -> Result<OutboxCounts> {
        let rows = self
            .sql_rows(
                "SELECT status, count(*), min(created_at) FROM webhook_outbox
                 WHERE org_id = $1 GROUP BY status",
                sql_params![org],
            )
            .await?;
        let mut counts = OutboxCounts::default();
        for r in rows {
            let n = r[1].int()? as u64;
            match DeliveryStatus::parse(&r[0].text()?) {
                Some(DeliveryStatus::Pending) => {
                    counts.pending = n;
                    counts.oldest_pending = r[2].opt_int()?.map(from_micros);
                }
                Some(DeliveryStatus::Delivered) => counts.delivered = n,
                Some(DeliveryStatus::Failed) => counts.failed = n,
                None => {}
            }
        }
        Ok(counts)
    }

    /// Puts failed rows back in the queue, due now: one row, or every failed row of an endpoint.
    /// How many rows went back.
    pub async fn retry_outbox(
        &self,
        org: OrgId,
        webhook_id: i64,
        row: Option<i64>,
        audit: AuditEvent,
    ) -> Result<u64> {
        let n = self
            .sql_exec(
                "UPDATE webhook_outbox SET status = 'pending', attempts = 0, next_attempt_at = $1,
                        lease_owner = NULL, lease_until = NULL
                 WHERE org_id = $2 AND subscription_id = $3 AND status = 'failed'
                   AND id = COALESCE($4, id)",
                sql_params![now_micros(), org, webhook_id, row],
            )
            .await?;
        let mut audit = audit;
        audit.target = Some(match row {
            Some(r) => format!("webhook:{webhook_id}/outbox:{r}"),
            None => format!("webhook:{webhook_id}"),
        });
        audit.reason = Some(format!("{n} row(s) queued again"));
        self.audit(org, audit).await?;
        Ok(n)
    }

    /// Claims up to `limit` due rows of the organization for `owner` until `lease_until`: the
    /// first undelivered row of each stream whose endpoint is active. A row leased by another
    /// worker is not claimed until its lease runs out; a worker that stopped mid-delivery
    /// leaves its rows to be claimed again then.
    pub async fn claim_deliveries(
        &self,
        org: OrgId,
        owner: &str,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>> {
        let now = now_micros();
        let until = lease_until.as_microsecond();
        // Parameters are numbered in their order of first use (`sql.rs`).
        let claimed = self
            .sql_rows(
                "UPDATE webhook_outbox SET lease_owner = $1, lease_until = $2,
                        attempts = attempts + 1
                 WHERE org_id = $3 AND status = 'pending'
                   AND (lease_until IS NULL OR lease_until < $4)
                   AND id IN (
                     SELECT o.id FROM webhook_outbox o
                     JOIN webhook_subscriptions s
                       ON s.org_id = o.org_id AND s.id = o.subscription_id AND s.active = TRUE
                     WHERE o.org_id = $3 AND o.status = 'pending' AND o.next_attempt_at <= $4
                       AND (o.lease_until IS NULL OR o.lease_until < $4)
                       AND NOT EXISTS (
                         SELECT 1 FROM webhook_outbox p
                         WHERE p.org_id = o.org_id AND p.subscription_id = o.subscription_id
                           AND p.contact_id = o.contact_id AND p.id < o.id
                           AND p.status <> 'delivered')
                     ORDER BY o.id LIMIT $5)
                 RETURNING id",
                sql_params![owner, until, org, now, i64::from(limit)],
            )
            .await?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {OUTBOX_COLUMNS}
             WHERE o.org_id = $1 AND o.lease_owner = $2 AND o.lease_until = $3
               AND o.status = 'pending'
             ORDER BY o.id"
        );
        let rows = self.sql_rows(sql, sql_params![org, owner, until]).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let name = r[11].text()?;
            let sealed = r[19]
                .opt_blob()?
                .ok_or_else(|| StoreError::Other("webhook without a secret".into()))?;
            out.push(ClaimedDelivery {
                org,
                attempts: u32::try_from(r[13].int()?).unwrap_or(u32::MAX),
                url: r[18].text()?,
                secret: self.open_secret(org, "webhook", &name, &sealed).await?,
                payload: payload(r)?,
            });
        }
        Ok(out)
    }

    /// Deletes at most `limit` rows of the organization's outbox that have served their time:
    /// delivered before `delivered_before`, or failed for good before `failed_before` (kept
    /// longer, for the administrator to see) unless a later row of its stream is still pending
    /// (the failed row holds it; dropping it would let a later change overtake it unseen). One
    /// bounded statement each; how many rows went.
    pub async fn purge_outbox(
        &self,
        org: OrgId,
        delivered_before: Timestamp,
        failed_before: Timestamp,
        limit: u32,
    ) -> Result<u64> {
        // `next_attempt_at` is at most `delivered_at` (a row is sent once due) and is the
        // moment of failure of a failed row: the due index narrows both look-ups.
        let delivered = self
            .sql_exec(
                "DELETE FROM webhook_outbox WHERE org_id = $1 AND id IN (
                   SELECT id FROM webhook_outbox
                   WHERE org_id = $1 AND status = 'delivered' AND next_attempt_at < $2
                     AND delivered_at < $2
                   ORDER BY id LIMIT $3)",
                sql_params![org, delivered_before.as_microsecond(), i64::from(limit)],
            )
            .await?;
        let room = u64::from(limit).saturating_sub(delivered);
        if room == 0 {
            return Ok(delivered);
        }
        let failed = self
            .sql_exec(
                "DELETE FROM webhook_outbox WHERE org_id = $1 AND id IN (
                   SELECT o.id FROM webhook_outbox o
                   WHERE o.org_id = $1 AND o.status = 'failed' AND o.next_attempt_at < $2
                     AND NOT EXISTS (
                       SELECT 1 FROM webhook_outbox p
                       WHERE p.org_id = o.org_id AND p.subscription_id = o.subscription_id
                         AND p.contact_id = o.contact_id AND p.id > o.id
                         AND p.status = 'pending')
                   ORDER BY o.id LIMIT $3)",
                sql_params![
                    org,
                    failed_before.as_microsecond(),
                    i64::try_from(room).unwrap_or(i64::MAX)
                ],
            )
            .await?;
        Ok(delivered + failed)
    }

    /// Records a successful delivery of a row claimed by `owner`.
    pub async fn delivery_succeeded(
        &self,
        org: OrgId,
        id: i64,
        owner: &str,
        http_status: u16,
    ) -> Result<()> {
        self.sql_exec(
            "UPDATE webhook_outbox SET status = 'delivered', delivered_at = $1, http_status = $2,
                    last_error = NULL, lease_owner = NULL, lease_until = NULL
             WHERE org_id = $3 AND id = $4 AND lease_owner = $5",
            sql_params![now_micros(), i64::from(http_status), org, id, owner],
        )
        .await?;
        Ok(())
    }

    /// Records a failed attempt: due again at `retry_at`, or `failed` for good when `None`.
    pub async fn delivery_failed(
        &self,
        org: OrgId,
        id: i64,
        owner: &str,
        http_status: Option<u16>,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<()> {
        let (status, next) = match retry_at {
            Some(t) => ("pending", t.as_microsecond()),
            None => ("failed", now_micros()),
        };
        let error: String = error.chars().take(500).collect();
        self.sql_exec(
            "UPDATE webhook_outbox SET status = $1, next_attempt_at = $2, http_status = $3,
                    last_error = $4, lease_owner = NULL, lease_until = NULL
             WHERE org_id = $5 AND id = $6 AND lease_owner = $7",
            sql_params![
                status,
                next,
                http_status.map(i64::from),
                error,
                org,
                id,
                owner
            ],
        )
        .await?;
        Ok(())
    }
}
