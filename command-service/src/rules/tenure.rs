//! Tenure: time in the guild (time away does not count) and the rank it gives.

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A tenure month: ranks are counted in 30-day months.
pub const MONTH: TimeDelta = TimeDelta::days(30);

/// Tenure ranks, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Rank {
    Beginner,
    Learner,
    Expert,
    Master,
}

/// Months in the guild needed for each rank.
pub const RANK_THRESHOLDS: [(Rank, i64); 4] = [
    (Rank::Beginner, 0),
    (Rank::Learner, 1),
    (Rank::Expert, 12),
    (Rank::Master, 36),
];

impl fmt::Display for Rank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Beginner => "Beginner",
            Self::Learner => "Learner",
            Self::Expert => "Expert",
            Self::Master => "Master",
        })
    }
}

impl std::str::FromStr for Rank {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RANK_THRESHOLDS
            .iter()
            .map(|(r, _)| *r)
            .find(|r| r.to_string() == s)
            .ok_or_else(|| format!("not a rank: {s}"))
    }
}

/// The rank from which members get the Pro-Dev role.
pub const PRO_DEV_RANK: Rank = Rank::Expert;

/// When a member with `tenure` reaches `rank`, if they are in the guild now (time away does not
/// count, so the moment is projected from the current stint).
#[must_use]
pub fn reached_at(tenure: &Tenure, rank: Rank) -> Option<chrono::DateTime<chrono::Utc>> {
    let months = RANK_THRESHOLDS.iter().find(|(r, _)| *r == rank)?.1;
    let needed = MONTH.num_seconds() * months;
    let since = tenure.since?;
    Some(since + TimeDelta::seconds((needed - tenure.completed_secs).max(0)))
}

pub use studio_schema::tenure::Tenure;

/// The rank earned by `time_in_guild`.
#[must_use]
pub fn rank(time_in_guild: TimeDelta) -> Rank {
    let months = time_in_guild.num_seconds() / MONTH.num_seconds();
    RANK_THRESHOLDS
        .iter()
        .rev()
        .find(|(_, min)| months >= *min)
        .map_or(Rank::Beginner, |(r, _)| *r)
}

/// The next rank and the time in guild it needs, if any.
#[must_use]
pub fn next_rank(current: Rank) -> Option<(Rank, TimeDelta)> {
    RANK_THRESHOLDS
        .iter()
        .find(|(r, _)| *r > current)
        .map(|(r, months)| (*r, MONTH * i32::try_from(*months).unwrap_or(i32::MAX)))
}

/// What each rank unlocks, cumulatively.
#[must_use]
pub fn privileges(rank: Rank) -> Vec<&'static str> {
    let all = [
        (Rank::Beginner, "Earn XP and levels, show your profile"),
        (Rank::Learner, "Sell code on the marketplace"),
        (Rank::Expert, "The Pro-Dev role and channels"),
        (Rank::Master, "Premium features"),
    ];
    all.iter()
        .filter(|(r, _)| *r <= rank)
        .map(|(_, p)| *p)
        .collect()
}

/// "1 y 2 mo 3 d"-style text for a duration.
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
    use chrono::{DateTime, TimeZone, Utc};

    fn day(n: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_600_000_000, 0).single().expect("valid") + TimeDelta::days(n)
    }

    #[test]
    fn ranks_follow_months_in_the_guild() {
        assert_eq!(rank(TimeDelta::days(0)), Rank::Beginner);
        assert_eq!(rank(TimeDelta::days(29)), Rank::Beginner);
        assert_eq!(rank(TimeDelta::days(30)), Rank::Learner);
        assert_eq!(rank(TimeDelta::days(360)), Rank::Expert);
        assert_eq!(rank(TimeDelta::days(1080)), Rank::Master);
    }

    #[test]
    fn time_away_does_not_count() {
        let mut t = Tenure::default();
        t.join(day(0));
        t.leave(day(20));
        t.join(day(100));
        assert_eq!(t.time_in_guild(day(110)), TimeDelta::days(30));
        assert_eq!(rank(t.time_in_guild(day(110))), Rank::Learner);
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

    #[test]
    fn the_next_rank_is_named_with_its_threshold() {
        assert_eq!(
            next_rank(Rank::Beginner),
            Some((Rank::Learner, TimeDelta::days(30)))
        );
        assert_eq!(next_rank(Rank::Master), None);
    }
}
