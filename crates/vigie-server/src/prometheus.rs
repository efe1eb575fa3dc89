//! `/metrics`: the operations metrics in Prometheus's text format, behind the `metrics`
//! permission (admins; tokens given the scope).
//!
//! What the process measures goes through the `metrics` facade into one Prometheus recorder,
//! installed once per process (the facade has one global recorder; tests start several servers
//! in one process): request latencies by method, route TEMPLATE and status class — never the
//! path, which holds contact references —, and the imports and screenings vigie-import and
//! vigie-screen count where they run. The caller's organization's open data subject requests
//! by urgency are computed at scrape time, for that organization only: one organization never
//! learns another's figures.

use std::fmt::Write as _;
use std::sync::OnceLock;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use vigie_core::dsar::Urgency;

use crate::AppState;
use crate::api::TAG_SERVER;
use crate::auth::Caller;
use crate::error::ApiResult;

/// Histogram buckets of every `*_seconds` metric: from a fast API answer to a long import.
const SECONDS_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// The process's Prometheus recorder, installed on first use.
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &SECONDS_BUCKETS)
            .expect("buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed: /metrics shows only its own");
        }
        handle
    })
}

/// Installs the recorder (before the first request, so the first import is counted too).
pub fn install() {
    handle();
}

/// Times every request under its route template.
pub async fn time_requests(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "(no route)".to_owned());
    let method = req.method().as_str().to_owned();
    let clock = std::time::Instant::now();
    let response = next.run(req).await;
    let status = match response.status().as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    metrics::histogram!(
        "vigie_http_request_duration_seconds",
        "method" => method,
        "route" => route,
        "status" => status,
    )
    .record(clock.elapsed().as_secs_f64());
    response
}

/// The organization's webhook outbox backlog: rows waiting, and how long the oldest has waited
/// (0 when none). No label: no endpoint, contact or organization is named.
fn write_outbox_backlog(text: &mut String, counts: vigie_store::OutboxCounts) {
    let oldest = counts.oldest_pending.map_or(0.0, |t| {
        (jiff::Timestamp::now().as_microsecond() - t.as_microsecond()).max(0) as f64 / 1e6
    });
    let _ = writeln!(
        text,
        "# HELP vigie_webhook_outbox_pending The organization's webhook deliveries waiting (due or \
         backing off), at scrape time.\n# TYPE vigie_webhook_outbox_pending gauge\n\
         vigie_webhook_outbox_pending {}",
        counts.pending
    );
    let _ = writeln!(
        text,
        "# HELP vigie_webhook_outbox_oldest_pending_seconds How long the oldest waiting delivery \
         has waited.\n# TYPE vigie_webhook_outbox_oldest_pending_seconds gauge\n\
         vigie_webhook_outbox_oldest_pending_seconds {oldest:.3}"
    );
}

/// The operations metrics (Prometheus text format 0.0.4).
#[utoipa::path(get, path = "/metrics", tag = TAG_SERVER,
    params(crate::api::OrgHeader),
    responses(
        (status = 200, description = "Request latencies by route template, imports and \
            screenings of this process, the organization's open data subject requests by \
            urgency and its webhook outbox backlog, in Prometheus's text format", body = String, content_type = "text/plain"),
        (status = 404, description = "Unknown organization", body = crate::error::ErrorBody),
    ))]
pub async fn scrape(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let queue = state.dsar().queue(&caller.org, true).await?;
    let mut text = handle().render();
    let _ = writeln!(
        text,
        "# HELP vigie_requests_open The organization's open data subject requests by urgency \
         (overdue, due within 7 days, on track, paused), at scrape time."
    );
    let _ = writeln!(text, "# TYPE vigie_requests_open gauge");
    for (urgency, label) in [
        (Urgency::Overdue, "overdue"),
        (Urgency::DueSoon, "due_soon"),
        (Urgency::OnTrack, "on_track"),
        (Urgency::Paused, "paused"),
    ] {
        let n = queue.iter().filter(|i| i.urgency == urgency).count();
        let _ = writeln!(text, "vigie_requests_open{{urgency=\"{label}\"}} {n}");
    }
    write_outbox_backlog(&mut text, state.store().outbox_counts(caller.org.id).await?);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}
