//! Prometheus metrics through the `metrics` facade: one recorder per process,
//! installed on first use (tests start many apps in one process, and a
//! second global recorder cannot be installed), rendered by `GET /metrics`.
//!
//! Every metric this system records is named here, so the README table and
//! the code cannot drift apart. Labels carry routes, topics, groups, service
//! and breaker names, never ids or personal data.

use std::{sync::OnceLock, time::Duration};

use axum::{
    extract::{MatchedPath, Request},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Requests answered, by `route` (the matched route template), `method` and `status`.
pub const HTTP_REQUESTS: &str = "kem_http_requests_total";
/// Seconds from request to response head, by `route`, `method` and `status`.
pub const HTTP_DURATION: &str = "kem_http_request_duration_seconds";
/// Records a consumer group finished (committed), by `topic` and `group`.
pub const BUS_HANDLED: &str = "kem_bus_records_handled_total";
/// Records whose handling failed (the handler asked to retry, or the broker
/// delivered an error), by `topic` and `group`.
pub const BUS_FAILED: &str = "kem_bus_records_failed_total";
/// Records delivered again after a failure, by `topic` and `group`.
pub const BUS_RETRIED: &str = "kem_bus_records_retried_total";
/// Records a group acknowledged without using them, by `topic`, `group` and
/// `reason` (`malformed`, `unknown_type`, `invalid_payload`, `no_message_id`).
pub const BUS_SKIPPED: &str = "kem_bus_skipped_messages_total";
/// Records written to the topic that the group has not handled yet.
pub const BUS_LAG: &str = "kem_bus_consumer_lag";
/// Times a consumer was (re)started after it could not subscribe or stopped.
pub const BUS_RESTARTS: &str = "kem_bus_consumer_restarts_total";
/// 1 while a consumer runs, 0 while it is down and waiting to be restarted.
pub const BUS_UP: &str = "kem_bus_consumer_up";
/// Outbox rows not yet acknowledged by the broker, by `service`.
pub const OUTBOX_PENDING: &str = "kem_outbox_pending";
/// Outbox messages the broker acknowledged, by `service`.
pub const OUTBOX_SENT: &str = "kem_outbox_sent_total";
/// Age in seconds of the oldest unacknowledged outbox row (0 when none), by `service`.
pub const OUTBOX_OLDEST_AGE: &str = "kem_outbox_oldest_age_seconds";
/// The most times the broker refused a waiting outbox row (0 when none), by `service`.
pub const OUTBOX_MAX_ATTEMPTS: &str = "kem_outbox_max_attempts";
/// Circuit breaker state by `breaker`: 0 closed, 1 open, 2 half-open.
pub const BREAKER_STATE: &str = "kem_breaker_state";
/// Entries stored per transaction by the participation entry writers.
pub const ENTRY_BATCH: &str = "kem_entry_batch_size";
/// Seconds an AI or image job took, by `kind` (`ai`, `image`) and `outcome`.
pub const JOB_DURATION: &str = "kem_job_duration_seconds";
/// Winner notices by channel (`SMS`, `ALIMTALK`) and outcome (`SENT`, `DELIVERED`, `FAILED`).
pub const NOTICES: &str = "kem_notices_total";

/// Latency buckets (seconds) for requests and jobs: 1 ms … 5 min.
const SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
    120.0, 300.0,
];
/// Entry batch sizes: 1 … 256 (the largest batch).
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's recorder, installed on the first call (concurrent first
/// callers wait for it). `None` when it could not be built, or when other
/// code installed a different global recorder first.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(Matcher::Full(ENTRY_BATCH.into()), BATCH_BUCKETS)
                })
                .map(PrometheusBuilder::build_recorder);
            let recorder = match built {
                Ok(recorder) => recorder,
                Err(e) => {
                    tracing::error!(error = %e, "metrics recorder not built");
                    return None;
                }
            };
            let handle = recorder.handle();
            match metrics::set_global_recorder(recorder) {
                Ok(()) => Some(handle),
                Err(e) => {
                    tracing::error!(error = %e, "another metrics recorder is installed");
                    None
                }
            }
        })
        .as_ref()
}

/// `GET /metrics`: every metric of this process in Prometheus text format.
pub async fn render() -> Response {
    match install() {
        Some(handle) => {
            handle.run_upkeep();
            (
                [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                handle.render(),
            )
                .into_response()
        }
        None => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "metrics recorder unavailable\n",
        )
            .into_response(),
    }
}

/// Counts and times every request by its matched route template (never the
/// raw path, which holds ids); requests no route matched share `unmatched`.
pub async fn track_requests(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = request.method().as_str().to_string();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("route", route), ("method", method), ("status", status)];
    metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
    metrics::histogram!(HTTP_DURATION, &labels).record(started.elapsed().as_secs_f64());
    response
}

/// A batch of `size` entries was stored.
/// A winner notice reached `status` on `channel`.
pub fn notice(channel: &str, status: &'static str) {
    metrics::counter!(NOTICES, "channel" => channel.to_string(), "status" => status).increment(1);
}

pub fn entry_batch(size: usize) {
    metrics::histogram!(ENTRY_BATCH).record(size as f64);
}

/// An AI (`kind = "ai"`) or image (`"image"`) job ended with `outcome`
/// (`completed` or `failed`) after `took`.
pub fn job_finished(kind: &'static str, outcome: &'static str, took: Duration) {
    metrics::histogram!(JOB_DURATION, "kind" => kind, "outcome" => outcome)
        .record(took.as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_recorder_serves_every_caller_and_renders_what_was_recorded() {
        let first = install().expect("recorder") as *const PrometheusHandle;
        let second = install().expect("recorder") as *const PrometheusHandle;
        assert_eq!(first, second, "installed once");
        entry_batch(3);
        job_finished("image", "completed", Duration::from_millis(20));
        let text = install().expect("recorder").render();
        assert!(
            text.contains("kem_entry_batch_size_bucket{le=\"4\"}"),
            "{text}"
        );
        assert!(
            text.contains("kem_job_duration_seconds_count{kind=\"image\",outcome=\"completed\"}"),
            "{text}"
        );
    }
}
