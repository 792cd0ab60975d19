//! Reputation: +1 from one member to another for help, limited per day.

use chrono::{DateTime, NaiveDate, Utc};

/// Reputation points one member may give per day (UTC).
pub const DAILY_CAP: usize = 5;
/// The reaction that gives reputation to a message's author.
pub const REACTION: &str = "⭐";
/// Longest reason for `/rep`.
pub const REASON_CHARS: usize = 200;

/// The day (UTC) a reputation point counts toward.
#[must_use]
pub fn day(at: DateTime<Utc>) -> NaiveDate {
    at.date_naive()
}
