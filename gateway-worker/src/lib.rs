//! Studio's gateway worker: holds the Discord gateway shard and publishes each dispatch Studio needs,
//! raw, to JetStream on `discord.gateway.<partition>.<EVENT_TYPE>`.
//!
//! It decides nothing. It keeps its Discord session (id, sequence of the last dispatch safely
//! published, resume URL) in Postgres, so a restarted worker resumes instead of identifying again
//! and no event is lost; events Discord sends again are dropped by JetStream's `Nats-Msg-Id` dedup.
//! Operators watch its connection and publishes at `/metrics` ([`metrics`]).

pub mod config;
pub mod connection;
pub mod dispatch;
pub mod metrics;
mod relay;
pub mod resume;
mod saver;

pub use config::Config;
pub use relay::{Error, run};
