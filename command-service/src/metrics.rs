//! What operators scrape from the command service: commands decided by kind and outcome, how long a
//! decision takes to be durable, stale interactions, the outbox and who holds which partition
//! ([`render`], pure), and when it is ready: Postgres answers and NATS is connected ([`ready`]).
//! Served by [`studio_schema::probes`].

use crate::answer::Metrics;
use crate::partition::Shared;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use studio_schema::exposition::{Exposition, labels};
use studio_schema::probes::{self, Readiness};

/// The decision→durable histogram's bucket edges, in seconds.
const BUCKETS: [f64; 9] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0];

/// What the scrape reads besides the counters: partitions held and the outbox.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gauges {
    /// Each partition this instance may hold, and whether it holds it now.
    pub owned: Vec<(u64, bool)>,
    pub partitions: u64,
    /// Effects waiting to be sent, and those kept as failed for good (`None`: unreadable).
    pub outbox: Option<(i64, i64)>,
}

/// The metrics in Prometheus' text format.
#[must_use]
pub fn render(m: &Metrics, g: &Gauges) -> String {
    let mut out = Exposition::default();
    let decided: Vec<(String, String)> = m
        .decided
        .counts()
        .into_iter()
        .map(|((kind, verdict), n)| {
            (
                labels(&[("kind", kind), ("outcome", verdict.label())]),
                n.to_string(),
            )
        })
        .collect();
    out.metric(
        "studio_commands_decided_total",
        "counter",
        "Commands decided, by kind and by whether a rule accepted or refused them.",
        &decided,
    );
    let h = &m.decision_to_durable;
    let buckets: Vec<(f64, u64)> = BUCKETS
        .iter()
        .map(|le| (*le, h.count_within(Duration::from_secs_f64(*le))))
        .collect();
    out.histogram(
        "studio_decision_to_durable_seconds",
        "From the start of a command's decision to its commit.",
        &buckets,
        h.count(),
        h.sum_seconds(),
    );
    let load = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
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
            "Answers and side effects settled (sent, or past needing it).",
            load(&m.effects_sent),
        ),
        (
            "studio_effects_retried_total",
            "Side effects that failed for now and will be tried again.",
            load(&m.effects_retried),
        ),
        (
            "studio_effects_failed_total",
            "Side effects that failed for good.",
            load(&m.effects_failed),
        ),
    ] {
        out.single(name, "counter", help, value);
    }
    let held = g.owned.iter().filter(|(_, owned)| *owned).count();
    out.single(
        "studio_partitions_held",
        "gauge",
        "Gateway partitions this instance applies.",
        held,
    );
    out.single(
        "studio_partitions",
        "gauge",
        "Gateway partitions this instance may hold.",
        g.partitions,
    );
    let owned: Vec<(String, String)> = g
        .owned
        .iter()
        .map(|(p, owned)| {
            let p = p.to_string();
            (
                labels(&[("partition", p.as_str())]),
                u8::from(*owned).to_string(),
            )
        })
        .collect();
    out.metric(
        "studio_partition_owned",
        "gauge",
        "1 while this instance holds the partition (applies its dispatches), 0 on standby.",
        &owned,
    );
    let (pending, failed) = g.outbox.unwrap_or((-1, -1));
    out.single(
        "studio_outbox_pending",
        "gauge",
        "Effects waiting to be sent (-1: unreadable).",
        pending,
    );
    out.single(
        "studio_outbox_failed",
        "gauge",
        "Effects kept as failed for good, pruned after 7 days (-1: unreadable).",
        failed,
    );
    out.finish()
}

/// What the scrape reads now: the partitions held and the outbox's backlog.
async fn gauges(shared: &Shared) -> Gauges {
    Gauges {
        owned: shared
            .owned
            .iter()
            .map(|(p, owned)| (*p, owned.load(Ordering::Relaxed)))
            .collect(),
        partitions: shared.partitions,
        outbox: studio_schema::outbox::backlog(&shared.pool).await.ok(),
    }
}

/// Ready: Postgres answers and NATS is connected.
async fn ready(shared: &Shared) -> Readiness {
    if sqlx::query("SELECT 1").execute(&shared.pool).await.is_err() {
        return Err("postgres unreachable");
    }
    match shared.nats.connection_state() {
        async_nats::connection::State::Connected => Ok(()),
        _ => Err("nats disconnected"),
    }
}

/// Serves `/metrics`, `/healthz` and `/readyz` on `addr` until the process ends.
///
/// # Errors
/// Nothing can listen on `addr`.
pub async fn serve(addr: SocketAddr, shared: Arc<Shared>) -> std::io::Result<SocketAddr> {
    let scraped = shared.clone();
    probes::serve(
        addr,
        move || {
            let shared = scraped.clone();
            async move { render(&shared.answerer.metrics, &gauges(&shared).await) }
        },
        move || {
            let shared = shared.clone();
            async move { ready(&shared).await }
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tally::Verdict;

    #[test]
    fn the_scrape_shows_what_was_counted() {
        let m = Metrics::default();
        for _ in 0..3 {
            m.decided.add("pay", Verdict::Accepted);
        }
        m.decided.add("pay", Verdict::Refused);
        m.decided.add("adjust_credits", Verdict::Refused);
        m.decision_to_durable
            .record_many(Duration::from_millis(3), 4);
        m.decision_to_durable
            .record_many(Duration::from_millis(700), 1);
        m.effects_retried.fetch_add(2, Ordering::Relaxed);
        let text = render(
            &m,
            &Gauges {
                owned: vec![(0, true), (1, false)],
                partitions: 2,
                outbox: Some((3, 0)),
            },
        );
        for line in [
            "studio_commands_decided_total{kind=\"pay\",outcome=\"accepted\"} 3",
            "studio_commands_decided_total{kind=\"pay\",outcome=\"refused\"} 1",
            "studio_commands_decided_total{kind=\"adjust_credits\",outcome=\"refused\"} 1",
            "studio_decision_to_durable_seconds_bucket{le=\"0.0025\"} 0",
            "studio_decision_to_durable_seconds_bucket{le=\"0.005\"} 4",
            "studio_decision_to_durable_seconds_bucket{le=\"1\"} 5",
            "studio_decision_to_durable_seconds_bucket{le=\"+Inf\"} 5",
            "studio_decision_to_durable_seconds_sum 0.712",
            "studio_decision_to_durable_seconds_count 5",
            "studio_effects_retried_total 2",
            "studio_partitions_held 1",
            "studio_partition_owned{partition=\"0\"} 1",
            "studio_partition_owned{partition=\"1\"} 0",
            "studio_outbox_pending 3",
            "studio_outbox_failed 0",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line:?} missing from\n{text}"
            );
        }
    }

    #[test]
    fn an_unreadable_outbox_shows_as_minus_one() {
        let text = render(&Metrics::default(), &Gauges::default());
        assert!(
            text.lines().any(|l| l == "studio_outbox_pending -1"),
            "{text}"
        );
    }
}
