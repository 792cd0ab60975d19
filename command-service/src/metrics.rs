//! What operators scrape: Prometheus metrics at `/metrics`, liveness at `/healthz` and readiness at
//! `/readyz`, served on `STUDIO_METRICS_ADDR` when it is set. Rendering is pure ([`render`]).

use crate::answer::Metrics;
use crate::partition::Shared;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use studio_schema::exposition::Exposition;
use tracing::{info, warn};

/// The decision→durable histogram's bucket edges, in seconds.
const BUCKETS: [f64; 9] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0];

/// What the scrape reads besides the counters: partitions held and the outbox.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gauges {
    pub partitions_held: usize,
    pub partitions: u64,
    pub outbox_pending: i64,
    pub outbox_failed: i64,
}

/// The metrics in Prometheus' text format.
#[must_use]
pub fn render(m: &Metrics, g: Gauges) -> String {
    let mut out = Exposition::default();
    let load = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed).to_string();
    let decided = m.decided.load(Ordering::Relaxed);
    let refused = m.refused.load(Ordering::Relaxed);
    out.metric(
        "studio_commands_decided_total",
        "counter",
        "Commands decided, by whether a rule accepted or refused them.",
        &[
            (
                "{outcome=\"accepted\"}".into(),
                decided.saturating_sub(refused).to_string(),
            ),
            ("{outcome=\"refused\"}".into(), refused.to_string()),
        ],
    );
    let h = &m.decision_to_durable;
    let mut histogram: Vec<(String, String)> = BUCKETS
        .iter()
        .map(|le| {
            (
                format!("_bucket{{le=\"{le}\"}}"),
                h.count_within(Duration::from_secs_f64(*le)).to_string(),
            )
        })
        .collect();
    histogram.push(("_bucket{le=\"+Inf\"}".into(), h.count().to_string()));
    histogram.push(("_count".into(), h.count().to_string()));
    out.metric(
        "studio_decision_to_durable_seconds",
        "histogram",
        "From the start of a command's decision to its commit.",
        &histogram,
    );
    for (name, help, value) in [
        (
            "studio_stale_interactions_total",
            "Interactions older than Discord's 3 s window, not carried out.",
            load(&m.stale_interactions),
        ),
        (
            "studio_duplicate_deliveries_total",
            "Commands delivered again and answered from their record.",
            load(&m.duplicates),
        ),
        (
            "studio_intake_rejected_total",
            "Dispatches the intake rejected and moved past.",
            load(&m.rejected),
        ),
        (
            "studio_effects_sent_total",
            "Answers and side effects sent.",
            load(&m.effects_sent),
        ),
        (
            "studio_effects_failed_total",
            "Side effects that failed for good.",
            load(&m.effects_failed),
        ),
    ] {
        out.single(name, "counter", help, value);
    }
    for (name, help, value) in [
        (
            "studio_partitions_held",
            "Gateway partitions this instance applies.",
            g.partitions_held.to_string(),
        ),
        (
            "studio_partitions",
            "Gateway partitions in all.",
            g.partitions.to_string(),
        ),
        (
            "studio_outbox_pending",
            "Effects waiting to be sent.",
            g.outbox_pending.to_string(),
        ),
        (
            "studio_outbox_failed",
            "Effects kept as failed for good (pruned after 7 days).",
            g.outbox_failed.to_string(),
        ),
    ] {
        out.single(name, "gauge", help, value);
    }
    out.finish()
}

async fn metrics(State(shared): State<Arc<Shared>>) -> (StatusCode, String) {
    let (outbox_pending, outbox_failed) = studio_schema::outbox::backlog(&shared.pool)
        .await
        .unwrap_or((-1, -1));
    let gauges = Gauges {
        partitions_held: shared.held.load(Ordering::Relaxed),
        partitions: shared.partitions,
        outbox_pending,
        outbox_failed,
    };
    (StatusCode::OK, render(&shared.answerer.metrics, gauges))
}

/// Ready: Postgres answers and NATS is connected.
async fn ready(State(shared): State<Arc<Shared>>) -> (StatusCode, &'static str) {
    let postgres = sqlx::query("SELECT 1").execute(&shared.pool).await.is_ok();
    let nats = matches!(
        shared.nats.connection_state(),
        async_nats::connection::State::Connected
    );
    match (postgres, nats) {
        (true, true) => (StatusCode::OK, "ready"),
        (false, _) => (StatusCode::SERVICE_UNAVAILABLE, "postgres unreachable"),
        (true, false) => (StatusCode::SERVICE_UNAVAILABLE, "nats disconnected"),
    }
}

/// Serves `/metrics`, `/healthz` and `/readyz` on `addr` until the process ends.
pub async fn serve(addr: SocketAddr, shared: Arc<Shared>) {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .with_state(shared);
    match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => {
            info!(%addr, "serving /metrics, /healthz and /readyz");
            if let Err(err) = axum::serve(listener, app).await {
                warn!(error = %err, "metrics server stopped");
            }
        }
        Err(err) => warn!(%addr, error = %err, "metrics not served: cannot listen"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scrape_shows_what_was_counted() {
        let m = Metrics::default();
        m.decided.fetch_add(5, Ordering::Relaxed);
        m.refused.fetch_add(2, Ordering::Relaxed);
        m.decision_to_durable
            .record_many(Duration::from_millis(3), 4);
        m.decision_to_durable
            .record_many(Duration::from_millis(700), 1);
        let text = render(
            &m,
            Gauges {
                partitions_held: 1,
                partitions: 2,
                outbox_pending: 3,
                outbox_failed: 0,
            },
        );
        for line in [
            "studio_commands_decided_total{outcome=\"accepted\"} 3",
            "studio_commands_decided_total{outcome=\"refused\"} 2",
            "studio_decision_to_durable_seconds_bucket{le=\"0.0025\"} 0",
            "studio_decision_to_durable_seconds_bucket{le=\"0.005\"} 4",
            "studio_decision_to_durable_seconds_bucket{le=\"1\"} 5",
            "studio_decision_to_durable_seconds_count 5",
            "studio_partitions_held 1",
            "studio_outbox_pending 3",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line:?} missing from\n{text}"
            );
        }
    }
}
