//! `accounts` and `postings`: every account's balance (the model's balance), and every line of
//! every money event with the balance it left behind.

mod read;
mod store;

pub use read::*;
pub use store::*;

use crate::Row;
use chrono::{DateTime, Utc};
use studio_model::account::Balance;

pub const DDL: &str = include_str!("ledger.sql");

/// `(guild, account)`: the key of an `accounts` row, the account as its display string.
pub type AccountKey = (i64, String);
/// `(guild, seq, line)`: the key of a `postings` row.
pub type PostingKey = (i64, i64, i32);

/// A row of `accounts`: the model's balance, and the seq of the last event that posted to it.
pub type AccountRow = Row<Balance, i64>;

/// A row of `postings`: one line of a money event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostingRow {
    pub account: String,
    pub amount: i64,
    /// The account's balance after this line.
    pub balance_after: i64,
    pub event_type: String,
    /// What the movement was for: the reason, the note or the listing's title.
    pub memo: Option<String>,
    /// The event's other lines, e.g. `member:2 +90, treasury +10`.
    pub counterparts: String,
    pub at: DateTime<Utc>,
}
