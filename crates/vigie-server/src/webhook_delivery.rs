//! The delivery worker `vigie serve` runs: it claims due rows of every organization's outbox
//! under a lease (so two servers never send the same row at once), POSTs each as signed JSON
//! (the processors' scheme, `vigie_dsar::notify::sign`), and records the outcome: delivered, due
//! again after a backoff with jitter, or failed once the attempts are spent. All state is in the
//! database: a restarted server goes on where the last one stopped.
//!
//! The worker also keeps the outbox small: every `purge_every`, it deletes the rows delivered
//! more than `keep_delivered` ago and those failed for good more than `keep_failed` ago (longer,
//! for the administrator to see), in batches of `purge_batch` rows, one statement each, so that
//! no long transaction holds the table (`Store::purge_outbox`).

use std::future::Future;
use std::time::Duration;

use vigie_core::webhooks::RetryPolicy;
use vigie_dsar::notify::{SIGNATURE_HEADER, sign};
use vigie_store::{ClaimedDelivery, Store};

/// How the worker paces itself.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryConfig {
    pub retry: RetryPolicy,
    /// How long a claim holds its rows: longer than a delivery can take.
    pub lease: Duration,
    /// The wait between two looks at an empty queue.
    pub poll: Duration,
    /// Rows claimed per organization at a time.
    pub batch: u32,
    /// How long a receiver may take to answer.
    pub timeout: Duration,
    /// How long a delivered row stays in the outbox.
    pub keep_delivered: Duration,
    /// How long a row failed for good stays in the outbox.
    pub keep_failed: Duration,
    /// The wait between two purges.
    pub purge_every: Duration,
    /// Rows deleted per statement.
    pub purge_batch: u32,
}

/// How long delivered rows stay in the outbox by default: 30 days.
pub const DEFAULT_KEEP_DELIVERED: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long rows failed for good stay by default: 180 days.
pub const DEFAULT_KEEP_FAILED: Duration = Duration::from_secs(180 * 24 * 3600);
/// Batches one purge deletes per organization at most: the rest waits for the next purge.
const PURGE_BATCHES: u32 = 100;

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            retry: RetryPolicy::default(),
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(2),
            batch: 100,
            timeout: Duration::from_secs(10),
            keep_delivered: DEFAULT_KEEP_DELIVERED,
            keep_failed: DEFAULT_KEEP_FAILED,
            purge_every: Duration::from_secs(3600),
            purge_batch: 1000,
        }
    }
}

/// One worker: a name of its own (the lease owner), the store, an HTTP client.
pub struct DeliveryWorker {
    store: Store,
    owner: String,
    config: DeliveryConfig,
    client: reqwest::Client,
}

impl DeliveryWorker {
    pub fn new(store: Store, config: DeliveryConfig) -> Self {
        let nonce: u64 = rand::random();
        DeliveryWorker {
            store,
            owner: format!("{}-{nonce:016x}", std::process::id()),
            config,
            client: reqwest::Client::builder()
                .timeout(config.timeout)
                // A webhook answers; it does not send the payload elsewhere.
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .build()
                .expect("an HTTP client without TLS settings builds"),
        }
    }

    /// Claims and sends what is due now in every organization; how many rows were tried.
    pub async fn run_once(&self) -> vigie_store::Result<usize> {
        let mut tried = 0;
        for org in self.store.orgs().await? {
            let until = jiff::Timestamp::now()
                + jiff::SignedDuration::try_from(self.config.lease).unwrap_or_default();
            let claimed = self
                .store
                .claim_deliveries(org.id, &self.owner, until, self.config.batch)
                .await?;
            tried += claimed.len();
            // The claim holds one row per stream (endpoint and contact): sending them at once
            // keeps the order within each stream.
            let mut sends = tokio::task::JoinSet::new();
            for d in claimed {
                let client = self.client.clone();
                sends.spawn(async move {
                    let outcome = send(&client, &d).await;
                    (d, outcome)
                });
            }
            while let Some(joined) = sends.join_next().await {
                let Ok((d, outcome)) = joined else { continue };
                self.record(&d, outcome).await?;
            }
        }
        Ok(tried)
    }

    /// Deletes what has served its time in every organization's outbox (see the module's
    /// text); how many rows went.
    pub async fn purge_once(&self) -> vigie_store::Result<u64> {
        let now = jiff::Timestamp::now();
        let before =
            |keep: Duration| now - jiff::SignedDuration::try_from(keep).unwrap_or_default();
        let (delivered, failed) = (
            before(self.config.keep_delivered),
            before(self.config.keep_failed),
        );
        let mut purged = 0;
        for org in self.store.orgs().await? {
            for _ in 0..PURGE_BATCHES {
                let n = self
                    .store
                    .purge_outbox(org.id, delivered, failed, self.config.purge_batch)
                    .await?;
                purged += n;
                if n < u64::from(self.config.purge_batch) {
                    break;
                }
            }
        }
        if purged > 0 {
            metrics::counter!("vigie_webhook_outbox_purged_total").increment(purged);
            tracing::info!(rows = purged, "webhook outbox: old rows purged");
        }
        Ok(purged)
    }

    async fn record(&self, d: &ClaimedDelivery, outcome: Sent) -> vigie_store::Result<()> {
        let id = d.payload.id;
        match outcome {
            Sent::Accepted(status) => {
                metrics::counter!("vigie_webhook_deliveries_total", "outcome" => "delivered")
                    .increment(1);
                self.store
                    .delivery_succeeded(d.org, id, &self.owner, status)
                    .await
            }
            Sent::Refused(status, error) => {
                let wait = self.config.retry.next_wait(d.attempts, rand::random());
                let retry_at = wait.map(|w| {
                    jiff::Timestamp::now() + jiff::SignedDuration::try_from(w).unwrap_or_default()
                });
                let outcome = if retry_at.is_some() {
                    "retry"
                } else {
                    "failed"
                };
                metrics::counter!("vigie_webhook_deliveries_total", "outcome" => outcome)
                    .increment(1);
                tracing::warn!(row = id, attempts = d.attempts, %error, "webhook delivery failed");
                self.store
                    .delivery_failed(d.org, id, &self.owner, status, &error, retry_at)
                    .await
            }
        }
    }

    /// Runs until `shutdown` completes: looks again at once after a busy round, after
    /// `poll` otherwise. A store error is logged and the loop goes on.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut purged_at: Option<tokio::time::Instant> = None;
        loop {
            if purged_at.is_none_or(|at| at.elapsed() >= self.config.purge_every) {
                if let Err(e) = self.purge_once().await {
                    tracing::error!(error = %e, "webhook outbox: purge failed");
                }
                purged_at = Some(tokio::time::Instant::now());
            }
            let busy = match self.run_once().await {
                Ok(n) => n > 0,
                Err(e) => {
                    tracing::error!(error = %e, "webhook outbox: claim or record failed");
                    false
                }
            };
            let wait = if busy {
                Duration::ZERO
            } else {
                self.config.poll
            };
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }
}

enum Sent {
    Accepted(u16),
    /// The status when the receiver answered, and what went wrong.
    Refused(Option<u16>, String),
}

async fn send(client: &reqwest::Client, d: &ClaimedDelivery) -> Sent {
    let body = serde_json::to_vec(&d.payload).expect("a payload serializes");
    let t = jiff::Timestamp::now().as_second();
    let sent = client
        .post(&d.url)
        .header("content-type", "application/json")
        .header(SIGNATURE_HEADER, sign(&d.secret, t, &body))
        .header("Vigie-Delivery", d.payload.id.to_string())
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => Sent::Accepted(r.status().as_u16()),
        Ok(r) => Sent::Refused(Some(r.status().as_u16()), format!("HTTP {}", r.status())),
        // reqwest's text names the URL, never the body.
        Err(e) => Sent::Refused(None, error_chain(&e)),
    }
}

/// An error and its causes, on one line ("connection refused" is a cause, not the top error).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
