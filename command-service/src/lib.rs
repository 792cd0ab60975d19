//! Studio's command service: takes gateway dispatches from JetStream, decides them against each
//! guild's in-memory state with the pure rules in [`domain`] and [`rules`], appends the events to
//! the log, and answers members on Discord.
//!
//! It must never change state outside the log, never tell a member anything before its outcome is
//! committed (answers and side effects go through the outbox, committed with the events), and never
//! apply a partition's dispatches out of stream order.

pub mod answer;
pub mod config;
pub mod discord;
pub mod domain;
pub mod intake;
pub mod latency;
pub mod outbox;
pub mod projected;
pub mod query;
pub mod rules;
pub mod snapshots;
pub mod tally;
pub mod undo;
pub mod views;
pub mod writer;

mod metrics;
mod partition;
mod service;

pub use config::Config;
pub use service::{Error, run};
