//! Premium features, unlocked at the Master rank: the spotlight, a public showcase of a member's
//! work that costs credits (a sink to the treasury) and can be bought once a week.

use super::tenure::Rank;
use chrono::TimeDelta;
use studio_schema::Credits;

/// The rank that unlocks premium features.
pub const PREMIUM_RANK: Rank = Rank::Master;
/// What a spotlight costs.
pub const SPOTLIGHT_COST: Credits = Credits(200);
/// At most one spotlight per member in this window.
pub const SPOTLIGHT_EVERY: TimeDelta = TimeDelta::days(7);
/// The longest showcase text.
pub const SPOTLIGHT_CHARS: usize = 500;
