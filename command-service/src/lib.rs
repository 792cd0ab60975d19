//! Studio's command service: takes gateway dispatches from JetStream, decides them against each
//! guild's in-memory state with the pure rules in [`domain`] and [`rules`], appends the events to
//! the log, and answers members on Discord.
//!
//! It must never change state outside the log, never acknowledge a message before its outcome is
//! committed, and never answer an interaction after Discord's 3-second window.

pub mod answer;
pub mod config;
pub mod discord;
pub mod domain;
pub mod intake;
pub mod latency;
pub mod notify;
pub mod rules;
pub mod views;
pub mod writer;

mod service;

pub use config::Config;
pub use service::{Error, run};
