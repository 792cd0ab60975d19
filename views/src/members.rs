//! `members`, `xp_weekly`, `xp_monthly` and `xp_adjustments`: membership, tenure and XP (the
//! model's member and the views' counters), the XP each member earned each week and each month,
//! and every admin change of a member's XP.

mod read;
mod store;

pub use read::*;
pub use store::*;

use crate::Row;
use chrono::{DateTime, NaiveDate, Utc};
use studio_model::member::Member;

pub const DDL: &str = include_str!("members.sql");

/// `(guild, user)`: the key of a `members` row.
pub type MemberKey = (i64, i64);
/// `(guild, week, user)`: the key of an `xp_weekly` row.
pub type WeekKey = (i64, NaiveDate, i64);
/// `(guild, month, user)`: the key of an `xp_monthly` row (the month's first day).
pub type MonthKey = (i64, NaiveDate, i64);
/// `(guild, seq)`: the key of an `xp_adjustments` row.
pub type AdjustmentKey = (i64, i64);

/// A row of `members`: the model's member, and the views' counters.
pub type MemberRow = Row<Member, MemberView>;

/// What only the views keep of a member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberView {
    pub message_xp: i64,
    pub messages: i64,
    pub first_seen_at: DateTime<Utc>,
    pub last_seq: i64,
}

/// A row of `xp_adjustments`: an admin's change of a member's XP.
#[derive(Clone, Debug, PartialEq)]
pub struct Adjustment {
    pub user_id: i64,
    pub change: i64,
    pub reason: String,
    pub by_user: i64,
    pub at: DateTime<Utc>,
}
