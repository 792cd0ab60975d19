//! Tenure: time spent in a guild, counted from join and leave events; time away does not count.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// Time spent in the guild: completed stints plus the current one, if the member is present.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenure {
    /// Seconds of completed stints.
    pub completed_secs: i64,
    /// Start of the current stint; `None` while the member is away.
    pub since: Option<DateTime<Utc>>,
}

impl Tenure {
    /// The member arrived at `at`; a second arrival without a departure changes nothing.
    pub fn join(&mut self, at: DateTime<Utc>) {
        if self.since.is_none() {
            self.since = Some(at);
        }
    }

    /// The member left at `at`; the stint is banked.
    pub fn leave(&mut self, at: DateTime<Utc>) {
        if let Some(since) = self.since.take() {
            self.completed_secs = self
                .completed_secs
                .saturating_add((at - since).num_seconds().max(0));
        }
    }

    /// Time in the guild at `now`.
    #[must_use]
    pub fn time_in_guild(&self, now: DateTime<Utc>) -> TimeDelta {
        let current = self.since.map_or(0, |s| (now - s).num_seconds().max(0));
        TimeDelta::seconds(self.completed_secs.saturating_add(current))
    }
}

/// "1 y 2 mo 3 d"-style text for a duration (a month is 30 days, a year 365).
#[must_use]
pub fn describe(d: TimeDelta) -> String {
    let days = d.num_days().max(0);
    let (years, rest) = (days / 365, days % 365);
    let (months, days) = (rest / 30, rest % 30);
    match (years, months) {
        (0, 0) => format!("{days} d"),
        (0, m) => format!("{m} mo {days} d"),
        (y, m) => format!("{y} y {m} mo {days} d"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(n: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_600_000_000, 0).single().expect("valid") + TimeDelta::days(n)
    }

    #[test]
    fn durations_read_in_years_months_and_days() {
        assert_eq!(describe(TimeDelta::days(3)), "3 d");
        assert_eq!(describe(TimeDelta::days(400)), "1 y 1 mo 5 d");
    }

    #[test]
    fn time_away_does_not_count() {
        let mut t = Tenure::default();
        t.join(day(0));
        t.leave(day(20));
        t.join(day(100));
        assert_eq!(t.time_in_guild(day(110)), TimeDelta::days(30));
    }

    #[test]
    fn a_repeated_join_or_leave_changes_nothing() {
        let mut t = Tenure::default();
        t.join(day(0));
        t.join(day(5));
        t.leave(day(10));
        t.leave(day(50));
        assert_eq!(t.time_in_guild(day(60)), TimeDelta::days(10));
    }
}
