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

/// Every rank, lowest first.
pub const RANKS: [Rank; 4] = [Rank::Beginner, Rank::Learner, Rank::Expert, Rank::Master];

/// Months in the guild needed for Learner, Expert and Master (Beginner needs none). The default
/// below; a guild may set its own in its settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds(pub [i64; 3]);

impl Default for Thresholds {
    fn default() -> Self {
        Self([1, 12, 36])
    }
}

impl Thresholds {
    /// Months `rank` needs.
    #[must_use]
    pub fn months(&self, rank: Rank) -> i64 {
        match rank {
            Rank::Beginner => 0,
            Rank::Learner => self.0[0],
            Rank::Expert => self.0[1],
            Rank::Master => self.0[2],
        }
    }

    /// Whether the thresholds rise strictly from rank to rank.
    #[must_use]
    pub fn rising(&self) -> bool {
        let [l, e, m] = self.0;
        0 <= l && l < e && e < m
    }

    /// "Beginner 0+ months · Learner 1+ · …", for members.
    #[must_use]
    pub fn describe(&self) -> String {
        let [l, e, m] = self.0;
        format!("Beginner 0+ months · Learner {l}+ · Expert {e}+ · Master {m}+")
    }
}

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
        RANKS
            .into_iter()
            .find(|r| r.to_string() == s)
            .ok_or_else(|| format!("not a rank: {s}"))
    }
}

/// The rank from which members get the Pro-Dev role.
pub const PRO_DEV_RANK: Rank = Rank::Expert;

/// When a member with `tenure` reaches `rank`, if they are in the guild now (time away does not
/// count, so the moment is projected from the current stint).
#[must_use]
pub fn reached_at(
    tenure: &Tenure,
    rank: Rank,
    thresholds: &Thresholds,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let needed = MONTH.num_seconds() * thresholds.months(rank);
    let since = tenure.since?;
    Some(since + TimeDelta::seconds((needed - tenure.completed_secs).max(0)))
}

pub use studio_schema::tenure::Tenure;

/// The rank earned by `time_in_guild`.
#[must_use]
pub fn rank(time_in_guild: TimeDelta, thresholds: &Thresholds) -> Rank {
    let months = time_in_guild.num_seconds() / MONTH.num_seconds();
    RANKS
        .into_iter()
        .rev()
        .find(|r| months >= thresholds.months(*r))
        .unwrap_or(Rank::Beginner)
}

/// The next rank and the time in guild it needs, if any.
#[must_use]
pub fn next_rank(current: Rank, thresholds: &Thresholds) -> Option<(Rank, TimeDelta)> {
    RANKS.into_iter().find(|r| *r > current).map(|r| {
        (
            r,
            MONTH * i32::try_from(thresholds.months(r)).unwrap_or(i32::MAX),
        )
    })
}

/// What each rank unlocks, cumulatively.
#[must_use]
pub fn privileges(rank: Rank) -> Vec<&'static str> {
    let all = [
        (Rank::Beginner, "Earn XP and levels, show your profile"),
        (Rank::Learner, "Sell code on the marketplace"),
        (Rank::Expert, "The Pro-Dev role and channels"),
        (
            Rank::Master,
            "Premium: /spotlight your work to the whole server",
        ),
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

    fn rank_(d: TimeDelta) -> Rank {
        rank(d, &Thresholds::default())
    }

    #[test]
    fn a_guild_can_set_its_own_thresholds() {
        let fast = Thresholds([0, 1, 2]);
        assert!(fast.rising() && !Thresholds([1, 1, 2]).rising());
        assert_eq!(rank(TimeDelta::days(0), &fast), Rank::Learner);
        assert_eq!(rank(TimeDelta::days(61), &fast), Rank::Master);
    }

    #[test]
    fn ranks_follow_months_in_the_guild() {
        assert_eq!(rank_(TimeDelta::days(0)), Rank::Beginner);
        assert_eq!(rank_(TimeDelta::days(29)), Rank::Beginner);
        assert_eq!(rank_(TimeDelta::days(30)), Rank::Learner);
        assert_eq!(rank_(TimeDelta::days(360)), Rank::Expert);
        assert_eq!(rank_(TimeDelta::days(1080)), Rank::Master);
    }

    #[test]
    fn time_away_does_not_count() {
        let mut t = Tenure::default();
        t.join(day(0));
        t.leave(day(20));
        t.join(day(100));
        assert_eq!(t.time_in_guild(day(110)), TimeDelta::days(30));
        assert_eq!(rank_(t.time_in_guild(day(110))), Rank::Learner);
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
            next_rank(Rank::Beginner, &Thresholds::default()),
            Some((Rank::Learner, TimeDelta::days(30)))
        );
        assert_eq!(next_rank(Rank::Master, &Thresholds::default()), None);
    }
}
