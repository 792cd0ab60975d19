//! `teams` and `team_members`: each team (the model's team) and who is in it. The wallet is the
//! `team:<id>` account in `accounts`. [`store`] is the projector's side, [`read`] what answers read.

mod read;
mod store;

pub use read::*;
pub use store::*;

use crate::Row;
use serde::{Deserialize, Serialize};
use studio_model::team::Team;

pub const DDL: &str = include_str!("teams.sql");

/// `(guild, team)`: the key of a `teams` row.
pub type TeamKey = (i64, i64);
/// `(guild, team, user)`: the key of a `team_members` row.
pub type TeamMemberKey = (i64, i64, i64);

/// A row of `teams`: the model's team, and the seq of the last event about it.
pub type TeamRow = Row<Team, i64>;

/// A milestone as the view lists it (`teams.milestones` holds a JSON list of them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneView {
    pub id: u32,
    pub title: String,
    pub reward: i64,
    pub done: bool,
}
