//! Ranks: the tenure ranks, the months each needs, and the rank a time in the guild earns.

use crate::tenure::Tenure;
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_next_rank_is_named_with_its_threshold() {
        assert_eq!(
            next_rank(Rank::Beginner, &Thresholds::default()),
            Some((Rank::Learner, TimeDelta::days(30)))
        );
        assert_eq!(next_rank(Rank::Master, &Thresholds::default()), None);
    }
}
