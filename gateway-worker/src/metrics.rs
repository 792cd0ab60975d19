//! What operators scrape from the gateway worker: its sessions and reconnects, the dispatches it
//! received and published to JetStream, publishes that failed, and the shard's state ([`render`],
//! pure); it is ready while its shard has a session with Discord and NATS is connected ([`ready`]).
//! Served by [`studio_schema::probes`] on `STUDIO_METRICS_ADDR` when it is set.

use crate::connection::{Counted, Lost, Session};
use crate::dispatch::PUBLISHED;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use studio_schema::exposition::{Exposition, labels};
use studio_schema::probes::{self, Readiness};
use twilight_gateway::ShardState;

/// The shard's states, as the `state` label shows them.
const STATES: [&str; 5] = [
    "disconnected",
    "identifying",
    "resuming",
    "active",
    "fatally_closed",
];

/// The kinds of session, and of lost connection, as their `kind` labels show them.
const SESSIONS: [(Session, &str); 2] = [(Session::New, "new"), (Session::Resumed, "resumed")];
const LOSSES: [(Lost, &str); 4] = [
    (Lost::Requested, "requested"),
    (Lost::SessionInvalidated, "session_invalidated"),
    (Lost::Closed, "closed"),
    (Lost::Failed, "failed"),
];

/// What the relay counts as it goes; shared with the scrape.
#[derive(Debug, Default)]
pub struct Counters {
    sessions: [AtomicU64; SESSIONS.len()],
    reconnects: [AtomicU64; LOSSES.len()],
    /// Every dispatch Discord sent (published or not).
    pub received: AtomicU64,
    /// Dispatches JetStream acknowledged, by event type (in [`PUBLISHED`]'s order).
    published: [AtomicU64; PUBLISHED.len()],
    /// Publishes JetStream did not acknowledge (each then tried again).
    pub publish_failures: AtomicU64,
    /// Dispatches dropped: larger than NATS takes.
    pub dropped: AtomicU64,
    /// Publishes awaiting their acknowledgement.
    pub in_flight: AtomicUsize,
    /// The shard's state (an index into [`STATES`]).
    state: AtomicU8,
}

impl Counters {
    /// Counts what the connection tracker saw.
    pub fn count(&self, counted: Counted) {
        if let Some(session) = counted.session
            && let Some(i) = SESSIONS.iter().position(|(s, _)| *s == session)
        {
            self.sessions[i].fetch_add(1, Ordering::Relaxed);
        }
        if let Some(lost) = counted.lost
            && let Some(i) = LOSSES.iter().position(|(l, _)| *l == lost)
        {
            self.reconnects[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts a dispatch of `event_type` JetStream acknowledged.
    pub fn published(&self, event_type: &str) {
        if let Some(i) = PUBLISHED.iter().position(|t| *t == event_type) {
            self.published[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Records the shard's state now.
    pub fn set_state(&self, state: ShardState) {
        let i = match state {
            ShardState::Disconnected { .. } => 0,
            ShardState::Identifying => 1,
            ShardState::Resuming => 2,
            ShardState::Active => 3,
            ShardState::FatallyClosed => 4,
        };
        self.state.store(i, Ordering::Relaxed);
    }

    /// Whether the shard has its session with Discord (active, or replaying what it missed).
    fn identified(&self) -> bool {
        matches!(self.state.load(Ordering::Relaxed), 2 | 3)
    }
}

/// The metrics in Prometheus' text format.
#[must_use]
pub fn render(c: &Counters) -> String {
    let mut out = Exposition::default();
    let load = |n: &AtomicU64| n.load(Ordering::Relaxed).to_string();
    let labelled = |names: &[&str], counts: &[AtomicU64], label: &str| -> Vec<(String, String)> {
        names
            .iter()
            .zip(counts)
            .map(|(name, n)| (labels(&[(label, name)]), load(n)))
            .collect()
    };
    out.metric(
        "studio_gateway_sessions_total",
        "counter",
        "Gateway sessions the shard got: a new one (READY, after an IDENTIFY) or resumed (RESUMED).",
        &labelled(&SESSIONS.map(|(_, l)| l), &c.sessions, "kind"),
    );
    out.metric(
        "studio_gateway_reconnects_total",
        "counter",
        "Gateway connections lost, after which the shard reconnects, by why: Discord asked (op 7), \
         invalidated the session (op 9), closed the connection, or it failed.",
        &labelled(&LOSSES.map(|(_, l)| l), &c.reconnects, "kind"),
    );
    out.single(
        "studio_gateway_dispatches_received_total",
        "counter",
        "Dispatches Discord sent, published or not.",
        load(&c.received),
    );
    out.metric(
        "studio_gateway_dispatches_published_total",
        "counter",
        "Dispatches JetStream acknowledged, by event type.",
        &labelled(&PUBLISHED, &c.published, "event"),
    );
    out.single(
        "studio_gateway_publish_failures_total",
        "counter",
        "Publishes JetStream did not acknowledge (each tried again until it does).",
        load(&c.publish_failures),
    );
    out.single(
        "studio_gateway_dispatches_dropped_total",
        "counter",
        "Dispatches dropped because they are larger than NATS' max_payload.",
        load(&c.dropped),
    );
    out.single(
        "studio_gateway_publishes_in_flight",
        "gauge",
        "Publishes awaiting JetStream's acknowledgement.",
        c.in_flight.load(Ordering::Relaxed),
    );
    let state = usize::from(c.state.load(Ordering::Relaxed));
    let states: Vec<(String, String)> = STATES
        .iter()
        .enumerate()
        .map(|(i, name)| (labels(&[("state", name)]), u8::from(i == state).to_string()))
        .collect();
    out.metric(
        "studio_gateway_shard_state",
        "gauge",
        "1 for the shard's connection state now, 0 for the others.",
        &states,
    );
    out.finish()
}

/// Ready: the shard has its session with Discord and NATS is connected.
fn ready(counters: &Counters, nats: &async_nats::Client) -> Readiness {
    if !counters.identified() {
        return Err("not connected to discord");
    }
    match nats.connection_state() {
        async_nats::connection::State::Connected => Ok(()),
        _ => Err("nats disconnected"),
    }
}

/// Serves `/metrics`, `/healthz` and `/readyz` on `addr` until the process ends.
///
/// # Errors
/// Nothing can listen on `addr`.
pub async fn serve(
    addr: SocketAddr,
    counters: Arc<Counters>,
    nats: async_nats::Client,
) -> std::io::Result<SocketAddr> {
    let scraped = counters.clone();
    probes::serve(
        addr,
        move || {
            let counters = scraped.clone();
            async move { render(&counters) }
        },
        move || {
            let (counters, nats) = (counters.clone(), nats.clone());
            async move { ready(&counters, &nats) }
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scrape_shows_sessions_reconnects_publishes_and_state() {
        let c = Counters::default();
        c.count(Counted {
            session: Some(Session::New),
            lost: None,
        });
        c.count(Counted {
            session: Some(Session::Resumed),
            lost: Some(Lost::Requested),
        });
        c.received.store(9, Ordering::Relaxed);
        c.published("MESSAGE_CREATE");
        c.published("MESSAGE_CREATE");
        c.published("NOT_PUBLISHED");
        c.set_state(ShardState::Active);
        let text = render(&c);
        for line in [
            "studio_gateway_sessions_total{kind=\"new\"} 1",
            "studio_gateway_sessions_total{kind=\"resumed\"} 1",
            "studio_gateway_reconnects_total{kind=\"requested\"} 1",
            "studio_gateway_reconnects_total{kind=\"failed\"} 0",
            "studio_gateway_dispatches_received_total 9",
            "studio_gateway_dispatches_published_total{event=\"MESSAGE_CREATE\"} 2",
            "studio_gateway_dispatches_published_total{event=\"GUILD_CREATE\"} 0",
            "studio_gateway_shard_state{state=\"active\"} 1",
            "studio_gateway_shard_state{state=\"disconnected\"} 0",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line:?} missing from\n{text}"
            );
        }
        assert!(c.identified());
        c.set_state(ShardState::Disconnected {
            reconnect_attempts: 1,
        });
        assert!(!c.identified());
        assert!(
            render(&c)
                .lines()
                .any(|l| l == "studio_gateway_shard_state{state=\"disconnected\"} 1")
        );
    }
}
