//! `projector audit report`: the auditors' economy report over one guild's log and a period of it —
//! money supply, faucets and sinks per week, velocity, concentration of members' balances, and
//! fraud flags that cite the events that tripped them.
//!
//! Pure: [`analyze`] reads events the caller loaded ([`crate::audit::logged_events`]); it never touches
//! the database or the clock, so a report is a function of the log and its period, and rerunning it
//! gives the same answer. Money is read only from each event's postings ([`Event::postings`]),
//! never re-derived from amounts.
//!
//! - **Money supply** is every credit outside the mint and the treasury: what members, teams,
//!   escrows, tournament prize pools and dispute holds hold — everything the mint issued minus
//!   what the treasury took back, `-(mint + treasury)`.
//! - A **faucet** is a posting out of the mint or the treasury (credits entering circulation), a
//!   **sink** a posting into them, so over any stretch `supply after = supply before + faucets −
//!   sinks` ([`supply`]).
//! - **Velocity** is the member-to-member volume of the period over its average weekly supply.
//! - **Concentration** is over members' balances at the period's end ([`concentration`]).
//! - **Fraud flags** are pure rules with their thresholds in one place ([`flags`]).

pub mod chart;
pub mod concentration;
pub mod flags;
pub mod render;
pub mod supply;

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::str::FromStr;
use studio_schema::{Event, GuildId};

/// One event of the guild's log as the report reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedEvent {
    /// Its `guild_seq`: what flags cite.
    pub seq: i64,
    /// When it happened (`occurred_at`).
    pub at: DateTime<Utc>,
    pub event: Event,
}

/// One end of a period: a `guild_seq`, or a time (RFC 3339).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    Seq(i64),
    Time(DateTime<Utc>),
}

/// Text that is neither a `guild_seq` nor an RFC 3339 time.
#[derive(Debug, thiserror::Error)]
#[error("{0:?} is neither a guild_seq nor an RFC 3339 time (like 2026-12-01T12:00:00Z)")]
pub struct BadBound(String);

impl FromStr for Bound {
    type Err = BadBound;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Ok(seq) = s.parse::<i64>() {
            return Ok(Self::Seq(seq));
        }
        DateTime::parse_from_rfc3339(s)
            .map(|t| Self::Time(t.with_timezone(&Utc)))
            .map_err(|_| BadBound(s.to_owned()))
    }
}

/// The stretch of history a report is about: from the first event at or after `from` to the last
/// at or before `to` (the whole log when neither is given).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Period {
    pub from: Option<Bound>,
    pub to: Option<Bound>,
}

/// A [`Period`] resolved to the guild's sequence: events `first..=last` are reported on. Events
/// before `first` set the scene (balances at the start, when members joined, who paid whom);
/// events after `last` are not read at all. Empty when `first > last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    pub first: i64,
    pub last: i64,
}

impl Span {
    /// The span `period` names in `events` (in `guild_seq` order).
    #[must_use]
    pub fn of(events: &[LoggedEvent], period: Period) -> Self {
        let after_from = |e: &LoggedEvent| match period.from {
            None => true,
            Some(Bound::Seq(s)) => e.seq >= s,
            Some(Bound::Time(t)) => e.at >= t,
        };
        let before_to = |e: &LoggedEvent| match period.to {
            None => true,
            Some(Bound::Seq(s)) => e.seq <= s,
            Some(Bound::Time(t)) => e.at <= t,
        };
        let last = events
            .iter()
            .rev()
            .find(|e| before_to(e))
            .map_or(0, |e| e.seq);
        // A period after the log's end is empty, but still stands after the whole history.
        let first = events
            .iter()
            .find(|e| after_from(e))
            .map_or_else(|| events.last().map_or(1, |e| e.seq + 1), |e| e.seq);
        Self { first, last }
    }

    /// Whether the event at `seq` is reported on.
    #[must_use]
    pub fn contains(self, seq: i64) -> bool {
        (self.first..=self.last).contains(&seq)
    }

    /// Whether the event at `seq` happened by the span's end (scene or span).
    #[must_use]
    pub fn reached(self, seq: i64) -> bool {
        seq <= self.last
    }
}

/// The whole report of one guild over one period.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub guild: GuildId,
    pub span: Span,
    /// How many events the span holds.
    pub events: usize,
    /// When the span's first and last events happened.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub money: supply::Money,
    pub concentration: concentration::Concentration,
    pub flags: Vec<flags::Flag>,
}

/// The report of `guild` over `period`, from its events in `guild_seq` order (all of them up to
/// the period's end: the start's balances need the history before it).
#[must_use]
pub fn analyze(guild: GuildId, events: &[LoggedEvent], period: Period) -> Report {
    let span = Span::of(events, period);
    let in_span = || events.iter().filter(move |e| span.contains(e.seq));
    let (money, balances) = supply::money(events, span);
    Report {
        guild,
        span,
        events: in_span().count(),
        from: in_span().map(|e| e.at).min(),
        to: in_span().map(|e| e.at).max(),
        money,
        concentration: concentration::of_members(&balances),
        flags: flags::detect(events, span),
    }
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn a_period_is_named_by_sequence_or_by_time() {
        assert_eq!("12".parse::<Bound>().ok(), Some(Bound::Seq(12)));
        assert_eq!(
            "2026-01-05T00:00:00Z".parse::<Bound>().ok(),
            Some(Bound::Time(days(0)))
        );
        assert!("last tuesday".parse::<Bound>().is_err());
    }

    #[test]
    fn given_a_log_when_a_period_is_cut_then_the_span_holds_its_events() {
        let log = Log::new()
            .at(days(0), grant(ADMIN, ALICE, 100))
            .at(days(3), grant(ADMIN, BOB, 100))
            .at(days(9), grant(ADMIN, CAROL, 100))
            .events();
        let whole = Span::of(&log, Period::default());
        assert_eq!(whole, Span { first: 1, last: 3 });
        let by_time = Span::of(
            &log,
            Period {
                from: Some(Bound::Time(days(1))),
                to: Some(Bound::Time(days(5))),
            },
        );
        assert_eq!(by_time, Span { first: 2, last: 2 });
        let by_seq = Span::of(
            &log,
            Period {
                from: Some(Bound::Seq(2)),
                to: None,
            },
        );
        assert_eq!(by_seq, Span { first: 2, last: 3 });
        let nothing = Span::of(
            &log,
            Period {
                from: Some(Bound::Time(days(30))),
                to: None,
            },
        );
        assert!(!nothing.contains(1) && !nothing.contains(3));
        let after = analyze(
            GuildId(1),
            &log,
            Period {
                from: Some(Bound::Time(days(30))),
                to: None,
            },
        );
        assert_eq!(
            (
                after.events,
                after.money.supply_start,
                after.money.supply_end
            ),
            (0, 300, 300),
            "an empty period after the log still sees the supply standing"
        );

        // The report of the middle stretch starts from the supply before it.
        let report = analyze(
            GuildId(1),
            &log,
            Period {
                from: Some(Bound::Seq(2)),
                to: None,
            },
        );
        assert_eq!(report.money.supply_start, 100);
        assert_eq!(report.money.supply_end, 300);
        assert_eq!(report.events, 2);
    }
}
