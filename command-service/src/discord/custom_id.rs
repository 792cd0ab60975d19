//! The one place `custom_id`s are written and read. A custom id names what a button acts on and
//! whose view it is — never an amount — and everything it claims is checked again on click.

use std::fmt;
use studio_schema::{ListingId, UserId};

/// The tabs of a `/profile` view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ProfileTab {
    Stats,
    Portfolio,
    Rank,
}

/// The leaderboard's periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Period {
    AllTime,
    ThisWeek,
    /// The calendar month (UTC).
    ThisMonth,
    /// The season in force: since an admin's `/season start`.
    Season,
    /// Not XP: the reputation members hold now.
    Reputation,
}

impl Period {
    /// Every board, in the order the leaderboard's buttons show them.
    pub const ALL: [Self; 5] = [
        Self::AllTime,
        Self::ThisWeek,
        Self::ThisMonth,
        Self::Season,
        Self::Reputation,
    ];
}

/// Which leaderboard button a custom id belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Period,
    Previous,
    Next,
}

/// The tabs of a `/shop` view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ShopTab {
    Market,
    Mine,
    History,
    Credits,
}

/// What a button on one of Studio's views does.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// Show `page` of a `/shop` tab; the marketplace may be filtered by `language`.
    Shop {
        tab: ShopTab,
        page: u32,
        owner: UserId,
        slot: Slot,
        language: Option<String>,
    },
    /// Buy `version` of a listing (the version the buyer was shown).
    Buy {
        listing: ListingId,
        version: i64,
        owner: UserId,
    },
    /// Open the edit form of one's listing.
    Edit { listing: ListingId, owner: UserId },
    /// Take one's listing off the marketplace.
    Delist { listing: ListingId, owner: UserId },
    /// Put one's listing on sale for another period.
    Renew { listing: ListingId, owner: UserId },
    /// Open the review form of a purchase.
    Review { listing: ListingId, owner: UserId },
    /// Open the dispute form of a purchase.
    Dispute { listing: ListingId, owner: UserId },
    /// Refund one buyer of one's listing.
    Refund {
        listing: ListingId,
        buyer: UserId,
        owner: UserId,
    },
    /// Deliver a purchase's code again.
    Code { listing: ListingId, owner: UserId },
    /// Open one's profile form.
    EditProfile { owner: UserId },
    /// Show `page` of `/find` for the role at `role` in the rules' list and `min_years`.
    Find {
        role: u8,
        min_years: u8,
        page: u32,
        owner: UserId,
        slot: Slot,
    },
    /// Open the contact form for `member`.
    Contact { member: UserId, owner: UserId },
    /// Claim today's daily quest.
    ClaimQuest { owner: UserId },
    /// `/teams`: the member's teams (`browse` false) or every active team, a page at a time.
    Teams {
        browse: bool,
        page: u32,
        owner: UserId,
        slot: Slot,
    },
    /// Open the team creation form.
    CreateTeam { owner: UserId },
    /// Join (or ask to join) `team`.
    JoinTeam { team: i64, owner: UserId },
    /// Undo the admin action the command `action` (an interaction id) took, on its answer.
    Undo { action: u64, owner: UserId },
}

/// A modal Studio opened; the member who submits it is its actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Sell,
    Edit(ListingId),
    Review(ListingId),
    Dispute(ListingId),
    Profile,
    Contact(UserId),
    Team,
}

/// The text inputs of Studio's forms.
pub mod field {
    pub const TITLE: &str = "title";
    pub const DESCRIPTION: &str = "description";
    pub const LANGUAGE: &str = "language";
    pub const PRICE: &str = "price";
    pub const CODE: &str = "code";
    pub const STARS: &str = "stars";
    pub const TEXT: &str = "text";
    pub const ROLE: &str = "role";
    pub const YEARS: &str = "years";
    pub const SKILLS: &str = "skills";
    pub const LINKS: &str = "links";
    pub const OPEN: &str = "open";
    pub const NAME: &str = "name";
}

/// A member named in a custom id: a Discord snowflake, from 1 to 2^63 - 1 (what Studio writes);
/// anything else names nobody.
fn member(s: &str) -> Option<UserId> {
    s.parse::<i64>().ok().filter(|id| *id > 0).map(UserId)
}

impl Form {
    /// The slash command whose help explains this form.
    #[must_use]
    pub fn command(&self) -> &'static str {
        match self {
            Self::Sell | Self::Edit(_) => "sell",
            Self::Review(_) | Self::Dispute(_) => "shop",
            Self::Profile => "profile",
            Self::Contact(_) => "find",
            Self::Team => "teams",
        }
    }

    /// Reads a modal's custom id.
    #[must_use]
    pub fn parse(custom_id: &str) -> Option<Self> {
        let listing = |s: &str| s.parse::<i64>().ok().filter(|l| *l > 0).map(ListingId);
        match custom_id.split(':').collect::<Vec<_>>().as_slice() {
            ["f", "sell"] => Some(Self::Sell),
            ["f", "edit", l] => Some(Self::Edit(listing(l)?)),
            ["f", "review", l] => Some(Self::Review(listing(l)?)),
            ["f", "dispute", l] => Some(Self::Dispute(listing(l)?)),
            ["f", "profile"] => Some(Self::Profile),
            ["f", "team"] => Some(Self::Team),
            ["f", "contact", u] => Some(Self::Contact(member(u)?)),
            _ => None,
        }
    }
}

impl fmt::Display for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sell => f.write_str("f:sell"),
            Self::Edit(l) => write!(f, "f:edit:{l}"),
            Self::Review(l) => write!(f, "f:review:{l}"),
            Self::Dispute(l) => write!(f, "f:dispute:{l}"),
            Self::Profile => f.write_str("f:profile"),
            Self::Team => f.write_str("f:team"),
            Self::Contact(u) => write!(f, "f:contact:{u}"),
        }
    }
}

fn slot_code(slot: Slot) -> &'static str {
    match slot {
        Slot::Period => "t",
        Slot::Previous => "p",
        Slot::Next => "n",
    }
}

fn slot_of(code: &str) -> Option<Slot> {
    match code {
        "t" => Some(Slot::Period),
        "p" => Some(Slot::Previous),
        "n" => Some(Slot::Next),
        _ => None,
    }
}

fn period_code(period: Period) -> &'static str {
    match period {
        Period::AllTime => "all",
        Period::ThisWeek => "week",
        Period::ThisMonth => "month",
        Period::Season => "season",
        Period::Reputation => "rep",
    }
}

fn period_of(code: &str) -> Option<Period> {
    Period::ALL.into_iter().find(|p| period_code(*p) == code)
}

fn tab_code(tab: ShopTab) -> &'static str {
    match tab {
        ShopTab::Market => "m",
        ShopTab::Mine => "y",
        ShopTab::History => "h",
        ShopTab::Credits => "c",
    }
}

impl Action {
    /// The member who opened the view the button belongs to.
    #[must_use]
    pub fn owner(&self) -> UserId {
        match self {
            Self::Profile { owner, .. }
            | Self::Leaderboard { owner, .. }
            | Self::Shop { owner, .. }
            | Self::Buy { owner, .. }
            | Self::Edit { owner, .. }
            | Self::Delist { owner, .. }
            | Self::Renew { owner, .. }
            | Self::Review { owner, .. }
            | Self::Dispute { owner, .. }
            | Self::Refund { owner, .. }
            | Self::Code { owner, .. }
            | Self::EditProfile { owner }
            | Self::Find { owner, .. }
            | Self::Contact { owner, .. }
            | Self::ClaimQuest { owner }
            | Self::Teams { owner, .. }
            | Self::CreateTeam { owner }
            | Self::JoinTeam { owner, .. }
            | Self::Undo { owner, .. } => *owner,
        }
    }

    /// Reads a custom id; `None` for anything Studio did not write.
    #[must_use]
    pub fn parse(custom_id: &str) -> Option<Self> {
        let parts: Vec<&str> = custom_id.split(':').collect();
        let user = member;
        let listing = |s: &str| s.parse::<i64>().ok().filter(|l| *l > 0).map(ListingId);
        match parts.as_slice() {
            ["sh", tab, page, owner, slot, language @ ..] if language.len() <= 1 => {
                Some(Self::Shop {
                    tab: match *tab {
                        "m" => ShopTab::Market,
                        "y" => ShopTab::Mine,
                        "h" => ShopTab::History,
                        "c" => ShopTab::Credits,
                        _ => return None,
                    },
                    page: page.parse().ok().filter(|p| *p < 10_000)?,
                    owner: user(owner)?,
                    slot: slot_of(slot)?,
                    language: match language.first() {
                        Some(l) => Some(crate::rules::economy::language(l)?),
                        None => None,
                    },
                })
            }
            ["buy", l, version, owner] => Some(Self::Buy {
                listing: listing(l)?,
                version: version.parse().ok().filter(|v| *v > 0)?,
                owner: user(owner)?,
            }),
            ["ed", l, owner] => Some(Self::Edit {
                listing: listing(l)?,
                owner: user(owner)?,
            }),
            ["dl", l, owner] => Some(Self::Delist {
                listing: listing(l)?,
                owner: user(owner)?,
            }),
            ["rn", l, owner] => Some(Self::Renew {
                listing: listing(l)?,
                owner: user(owner)?,
            }),
            ["rv", l, owner] => Some(Self::Review {
                listing: listing(l)?,
                owner: user(owner)?,
            }),
            ["dp", l, owner] => Some(Self::Dispute {
                listing: listing(l)?,
                owner: user(owner)?,
            }),
            ["rf", l, buyer, owner] => Some(Self::Refund {
                listing: listing(l)?,
                buyer: user(buyer)?,
                owner: user(owner)?,
            }),
            ["pf", owner] => Some(Self::EditProfile {
                owner: user(owner)?,
            }),
            ["fd", role, min_years, page, owner, slot] => Some(Self::Find {
                role: role
                    .parse()
                    .ok()
                    .filter(|r| usize::from(*r) < crate::rules::profile::ROLES.len())?,
                min_years: min_years.parse().ok()?,
                page: page.parse().ok().filter(|p| *p < 10_000)?,
                owner: user(owner)?,
                slot: slot_of(slot)?,
            }),
            ["tm", browse, page, owner, slot] => Some(Self::Teams {
                browse: match *browse {
                    "b" => true,
                    "m" => false,
                    _ => return None,
                },
                page: page.parse().ok().filter(|p| *p < 10_000)?,
                owner: user(owner)?,
                slot: slot_of(slot)?,
            }),
            ["tc", owner] => Some(Self::CreateTeam {
                owner: user(owner)?,
            }),
            ["tj", team, owner] => Some(Self::JoinTeam {
                team: team.parse().ok().filter(|t| *t > 0)?,
                owner: user(owner)?,
            }),
            ["dq", owner] => Some(Self::ClaimQuest {
                owner: user(owner)?,
            }),
            ["ct", member, owner] => Some(Self::Contact {
                member: user(member)?,
                owner: user(owner)?,
            }),
            ["un", action, owner] => Some(Self::Undo {
                action: action.parse().ok().filter(|a| *a > 0)?,
                owner: user(owner)?,
            }),
            ["cd", l, owner] => Some(Self::Code {
                listing: listing(l)?,
                owner: user(owner)?,
            }),
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
                slot: slot_of(slot)?,
                period: period_of(period)?,
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
            } => write!(
                f,
                "lb:{}:{page}:{owner}:{}",
                period_code(*period),
                slot_code(*slot)
            ),
            Self::Shop {
                tab,
                page,
                owner,
                slot,
                language,
            } => {
                write!(
                    f,
                    "sh:{}:{page}:{owner}:{}",
                    tab_code(*tab),
                    slot_code(*slot)
                )?;
                match language {
                    Some(l) => write!(f, ":{l}"),
                    None => Ok(()),
                }
            }
            Self::Buy {
                listing,
                version,
                owner,
            } => write!(f, "buy:{listing}:{version}:{owner}"),
            Self::Edit { listing, owner } => write!(f, "ed:{listing}:{owner}"),
            Self::Undo { action, owner } => write!(f, "un:{action}:{owner}"),
            Self::Delist { listing, owner } => write!(f, "dl:{listing}:{owner}"),
            Self::Renew { listing, owner } => write!(f, "rn:{listing}:{owner}"),
            Self::Review { listing, owner } => write!(f, "rv:{listing}:{owner}"),
            Self::Dispute { listing, owner } => write!(f, "dp:{listing}:{owner}"),
            Self::Refund {
                listing,
                buyer,
                owner,
            } => write!(f, "rf:{listing}:{buyer}:{owner}"),
            Self::Code { listing, owner } => write!(f, "cd:{listing}:{owner}"),
            Self::EditProfile { owner } => write!(f, "pf:{owner}"),
            Self::Find {
                role,
                min_years,
                page,
                owner,
                slot,
            } => write!(
                f,
                "fd:{role}:{min_years}:{page}:{owner}:{}",
                slot_code(*slot)
            ),
            Self::Contact { member, owner } => write!(f, "ct:{member}:{owner}"),
            Self::ClaimQuest { owner } => write!(f, "dq:{owner}"),
            Self::Teams {
                browse,
                page,
                owner,
                slot,
            } => write!(
                f,
                "tm:{}:{page}:{owner}:{}",
                if *browse { "b" } else { "m" },
                slot_code(*slot)
            ),
            Self::CreateTeam { owner } => write!(f, "tc:{owner}"),
            Self::JoinTeam { team, owner } => write!(f, "tj:{team}:{owner}"),
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
            Action::Leaderboard {
                period: Period::ThisMonth,
                page: 0,
                owner: big,
                slot: Slot::Period,
            },
            Action::Leaderboard {
                period: Period::Season,
                page: 9_999,
                owner: big,
                slot: Slot::Previous,
            },
            Action::Shop {
                tab: ShopTab::Market,
                page: 9_999,
                owner: big,
                slot: Slot::Previous,
                language: Some("x".repeat(32)),
            },
            Action::Buy {
                listing: ListingId(i64::MAX),
                version: i64::MAX,
                owner: big,
            },
            Action::Refund {
                listing: ListingId(i64::MAX),
                buyer: big,
                owner: big,
            },
            Action::Undo {
                action: u64::MAX,
                owner: big,
            },
        ] {
            let id = action.to_string();
            assert!(id.len() <= 100);
            assert_eq!(Action::parse(&id), Some(action.clone()));
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
            "lb:year:1:2:t",
            "lb:season:1:0:t",
            "p:stats:x:2",
            "buy:1:100",
            "buy:-1:1:2",
            "un:0:2",
            "un:x:2",
            "un:1",
            "buy:0:1:2",
            "buy:1:0:2",
            "buy:1:1:-2",
            "sh:m:0:2:t:a:b",
            "rf:1:x:2",
            "dq:0",
            "dq:9223372036854775808",
            "ct:18446744073709551615:2",
        ] {
            assert_eq!(Action::parse(forged), None, "{forged}");
        }
        for forged in [
            "f:contact:0",
            "f:contact:-5",
            "f:contact:9223372036854775808",
        ] {
            assert_eq!(Form::parse(forged), None, "{forged}");
        }
    }
}
