//! Answering members, one concern a file: [`defer`] tells Discord an answer is coming, and keeps
//! the deadlines; [`view`] renders a [`crate::query::Query`] from the projector's views. A decided
//! outcome's answer is [`crate::discord::outcome`]'s. Sending goes through the outbox
//! (`crate::outbox`), after the outcome is durable.

mod defer;
mod preview;
mod view;

pub use defer::{ANSWER_DEADLINE, DEFER_AFTER, age, is_stale};

use sqlx::PgPool;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use twilight_http::Client;
use twilight_model::id::Id;
use twilight_model::id::marker::ApplicationMarker;

/// Counters an operator reads in the logs and at `/metrics`.
#[derive(Debug, Default)]
pub struct Metrics {
    pub stale_interactions: AtomicU64,
    pub duplicates: AtomicU64,
    /// Side effects settled (answers included), those that failed for now (retried later), and
    /// those that failed for good.
    pub effects_sent: AtomicU64,
    pub effects_retried: AtomicU64,
    pub effects_failed: AtomicU64,
    /// Dispatches the intake rejected and moved past.
    pub rejected: AtomicU64,
    /// Commands decided, by kind and by whether a rule accepted or refused them.
    pub decided: crate::tally::Tally,
    /// Time from the start of a command's decision to its commit.
    pub decision_to_durable: crate::latency::Histogram,
}

/// What an answer task needs.
#[derive(Clone)]
pub struct Answerer {
    pub pool: PgPool,
    pub http: Arc<Client>,
    pub application_id: Id<ApplicationMarker>,
    pub metrics: Arc<Metrics>,
    /// Seals and opens listings' code (see `studio_schema::content`).
    pub sealer: studio_schema::content::Sealer,
    /// How far the views reach, as the projector's notices say.
    pub projected: crate::projected::Projected,
}
