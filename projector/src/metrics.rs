//! What operators scrape from the projector: events applied, batches that failed, how far the views
//! trail the log, and the progress of a rebuild from the log ([`render`], pure); it is ready while it
//! tails the log with Postgres answering, not while it rebuilds the views ([`Counters::rebuilding`]).
//! Served by [`studio_schema::probes`] on `STUDIO_METRICS_ADDR` when it is set.

use sqlx::PgPool;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use studio_schema::exposition::Exposition;
use studio_schema::probes::{self, Readiness};

/// What the projector counts as it goes.
#[derive(Debug, Default)]
pub struct Counters {
    pub events_applied: AtomicU64,
    pub batches_failed: AtomicU64,
    /// Whether the views are being rebuilt from the log now (a replay), instead of tailed.
    pub rebuilding: AtomicBool,
    /// The last (or current) rebuild's events replayed so far, and events to replay in all.
    pub replayed: AtomicU64,
    pub to_replay: AtomicU64,
}

/// The metrics in Prometheus' text format; `lag` is how many events the views trail the log by
/// (`None` when it could not be read).
#[must_use]
pub fn render(counters: &Counters, lag: Option<i64>) -> String {
    let mut out = Exposition::default();
    let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
    out.single(
        "studio_projector_events_applied_total",
        "counter",
        "Events folded into the live views.",
        load(&counters.events_applied),
    );
    out.single(
        "studio_projector_batches_failed_total",
        "counter",
        "Batches that could not be applied (retried).",
        load(&counters.batches_failed),
    );
    out.single(
        "studio_projection_lag_events",
        "gauge",
        "Events in the log the views do not include yet (-1: unreadable).",
        lag.unwrap_or(-1),
    );
    out.single(
        "studio_projector_rebuilding",
        "gauge",
        "1 while the views are rebuilt from the log (a new layout), 0 while they are tailed.",
        u8::from(counters.rebuilding.load(Ordering::Relaxed)),
    );
    out.single(
        "studio_projector_replay_events_replayed",
        "gauge",
        "Events the current (or last) rebuild has folded so far.",
        load(&counters.replayed),
    );
    out.single(
        "studio_projector_replay_events_to_replay",
        "gauge",
        "Events the current (or last) rebuild folds in all.",
        load(&counters.to_replay),
    );
    out.finish()
}

/// Ready: the views are tailed (not rebuilt) and Postgres answers.
async fn ready(pool: &PgPool, counters: &Counters) -> Readiness {
    if counters.rebuilding.load(Ordering::Relaxed) {
        return Err("rebuilding the views from the log");
    }
    match sqlx::query("SELECT 1").execute(pool).await {
        Ok(_) => Ok(()),
        Err(_) => Err("postgres unreachable"),
    }
}

/// Serves `/metrics`, `/healthz` and `/readyz` on `addr` until the process ends.
///
/// # Errors
/// Nothing can listen on `addr`.
pub async fn serve(
    addr: SocketAddr,
    pool: PgPool,
    counters: Arc<Counters>,
) -> std::io::Result<SocketAddr> {
    let (scraped, counted) = (pool.clone(), counters.clone());
    probes::serve(
        addr,
        move || {
            let (pool, counters) = (scraped.clone(), counted.clone());
            async move {
                let lag = studio_views::checkpoints::lag(&pool).await.ok();
                render(&counters, lag)
            }
        },
        move || {
            let (pool, counters) = (pool.clone(), counters.clone());
            async move { ready(&pool, &counters).await }
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scrape_shows_lag_and_the_rebuild_s_progress() {
        let c = Counters::default();
        c.events_applied.store(12, Ordering::Relaxed);
        c.rebuilding.store(true, Ordering::Relaxed);
        c.replayed.store(5_000, Ordering::Relaxed);
        c.to_replay.store(20_000, Ordering::Relaxed);
        let text = render(&c, Some(7));
        for line in [
            "studio_projector_events_applied_total 12",
            "studio_projection_lag_events 7",
            "studio_projector_rebuilding 1",
            "studio_projector_replay_events_replayed 5000",
            "studio_projector_replay_events_to_replay 20000",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line:?} missing from\n{text}"
            );
        }
        let unreadable = render(&Counters::default(), None);
        assert!(
            unreadable
                .lines()
                .any(|l| l == "studio_projection_lag_events -1"),
            "{unreadable}"
        );
    }
}
