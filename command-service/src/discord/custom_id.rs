//! The one place `custom_id`s are written and read. A custom id names what a button acts on and
//! whose view it is — never an amount — and everything it claims is checked again on click.

use std::fmt;
use studio_schema::UserId;

/// The tabs of a `/profile` view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileTab {
    Stats,
    Portfolio,
    Rank,
}

/// The leaderboard's periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    AllTime,
    ThisWeek,
}

/// Which leaderboard button a custom id belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Period,
    Previous,
    Next,
}

/// What a button on one of Studio's views does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Show `tab` of `target`'s profile, in the view `owner` opened.
    Profile {
        tab: ProfileTab,
        target: UserId,
        owner: UserId,
    },
    /// Show `page` (from 0) of the `period` leaderboard, in the view `owner` opened. `slot` tells
    /// the view's buttons apart (Discord refuses two equal custom ids in one message).
    Leaderboard {
        period: Period,
        page: u32,
        owner: UserId,
        slot: Slot,
    },
}

impl Action {
    /// The member who opened the view the button belongs to.
    #[must_use]
    pub fn owner(&self) -> UserId {
        match self {
            Self::Profile { owner, .. } | Self::Leaderboard { owner, .. } => *owner,
        }
    }

    /// Reads a custom id; `None` for anything Studio did not write.
    #[must_use]
    pub fn parse(custom_id: &str) -> Option<Self> {
        let parts: Vec<&str> = custom_id.split(':').collect();
        let user = |s: &str| s.parse::<u64>().ok().map(UserId::from_u64);
        match parts.as_slice() {
            ["p", tab, target, owner] => Some(Self::Profile {
                tab: match *tab {
                    "stats" => ProfileTab::Stats,
                    "portfolio" => ProfileTab::Portfolio,
                    "rank" => ProfileTab::Rank,
                    _ => return None,
                },
                target: user(target)?,
                owner: user(owner)?,
            }),
            ["lb", period, page, owner, slot] => Some(Self::Leaderboard {
                slot: match *slot {
                    "t" => Slot::Period,
                    "p" => Slot::Previous,
                    "n" => Slot::Next,
                    _ => return None,
                },
                period: match *period {
                    "all" => Period::AllTime,
                    "week" => Period::ThisWeek,
                    _ => return None,
                },
                page: page.parse().ok().filter(|p| *p < 10_000)?,
                owner: user(owner)?,
            }),
            _ => None,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Profile { tab, target, owner } => {
                let tab = match tab {
                    ProfileTab::Stats => "stats",
                    ProfileTab::Portfolio => "portfolio",
                    ProfileTab::Rank => "rank",
                };
                write!(f, "p:{tab}:{target}:{owner}")
            }
            Self::Leaderboard {
                period,
                page,
                owner,
                slot,
            } => {
                let period = match period {
                    Period::AllTime => "all",
                    Period::ThisWeek => "week",
                };
                let slot = match slot {
                    Slot::Period => "t",
                    Slot::Previous => "p",
                    Slot::Next => "n",
                };
                write!(f, "lb:{period}:{page}:{owner}:{slot}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_round_trip_and_fit_discords_limit() {
        let big = UserId::from_u64(u64::MAX >> 1);
        for action in [
            Action::Profile {
                tab: ProfileTab::Portfolio,
                target: big,
                owner: big,
            },
            Action::Leaderboard {
                period: Period::ThisWeek,
                page: 9_999,
                owner: big,
                slot: Slot::Next,
            },
        ] {
            let id = action.to_string();
            assert!(id.len() <= 100);
            assert_eq!(Action::parse(&id), Some(action));
        }
    }

    #[test]
    fn forged_custom_ids_are_not_actions() {
        for forged in [
            "",
            "p:stats:1",
            "p:admin:1:2",
            "lb:all:-1:2:t",
            "lb:all:99999999:2:t",
            "lb:all:1:2",
            "lb:all:1:2:x",
            "p:stats:x:2",
            "buy:1:100",
        ] {
            assert_eq!(Action::parse(forged), None, "{forged}");
        }
    }
}
