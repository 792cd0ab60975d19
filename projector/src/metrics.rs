//! What operators scrape from the projector: `/metrics` (events applied, batches that failed, how far
//! the views trail the log), `/healthz` and `/readyz`, on `STUDIO_METRICS_ADDR` when it is set.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use sqlx::PgPool;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use studio_schema::exposition::Exposition;
use tracing::{info, warn};

/// What the tail counts as it goes.
#[derive(Debug, Default)]
pub struct Counters {
    pub events_applied: AtomicU64,
    pub batches_failed: AtomicU64,
}

/// The metrics in Prometheus' text format; `lag` is how many events the views trail the log by
/// (`None` when it could not be read).
#[must_use]
pub fn render(counters: &Counters, lag: Option<i64>) -> String {
    let mut out = Exposition::default();
    out.single(
        "studio_projector_events_applied_total",
        "counter",
        "Events folded into the views.",
        counters.events_applied.load(Ordering::Relaxed),
    );
    out.single(
        "studio_projector_batches_failed_total",
        "counter",
        "Batches that could not be applied (retried).",
        counters.batches_failed.load(Ordering::Relaxed),
    );
    out.single(
        "studio_projection_lag_events",
        "gauge",
        "Events in the log the views do not include yet (-1: unreadable).",
        lag.unwrap_or(-1),
    );
    out.finish()
}

/// How many events the views trail the log by, over every guild.
async fn lag(pool: &PgPool) -> Option<i64> {
    studio_views::checkpoints::lag(pool).await.ok()
}

#[derive(Clone)]
struct Served {
    pool: PgPool,
    counters: Arc<Counters>,
}

async fn metrics(State(s): State<Served>) -> String {
    render(&s.counters, lag(&s.pool).await)
}

async fn ready(State(s): State<Served>) -> (StatusCode, &'static str) {
    if sqlx::query("SELECT 1").execute(&s.pool).await.is_ok() {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "postgres unreachable")
    }
}

/// Serves `/metrics`, `/healthz` and `/readyz` on `addr` until the process ends.
pub async fn serve(addr: SocketAddr, pool: PgPool, counters: Arc<Counters>) {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .with_state(Served { pool, counters });
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
