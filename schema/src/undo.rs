//! Undo without deleting: an admin's action is reversed by events appended after it, never by
//! changing the log. [`ActionUndone`] names the action it reverses and carries the money side (the
//! original's ledger lines, mirrored); the other effects are reversed by ordinary events appended
//! with it (XP given back or taken back, reputation restored, settings set back), so every reader
//! of the log — the views, `explain`, an auditor's SQL — sees both the action and its undoing.

use crate::ids::{CommissionId, ListingId, TournamentId, UserId, Xp};
use crate::money::Posting;
use serde::{Deserialize, Serialize};

/// An admin undid the action whose first event is at `original` (every event one command appended).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionUndone {
    /// The `guild_seq` of the undone action's first event.
    pub original: i64,
    /// What was undone, in words ("credits granted", "reputation purge", …).
    pub action: String,
    /// The admin who undid it ([`UserId::OPERATOR`] for an operator's request).
    pub by: UserId,
    /// The operator's database login, when an operator undid it from the command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    pub reason: String,
    /// The action's ledger lines, each with its sign flipped (empty when it moved no credits).
    pub postings: Vec<Posting>,
    /// The tournament whose result this undoes: it is open for results again.
    #[serde(default)]
    pub reopens: Option<TournamentId>,
    /// The purchase whose dispute decision this undoes: it is disputed again.
    #[serde(default)]
    pub redisputes: Option<Redispute>,
    /// The commission whose settlement by an admin this undoes: its escrow holds the money again,
    /// and it is disputed again.
    #[serde(default)]
    pub commission_disputed: Option<CommissionId>,
}

/// A purchase whose dispute an admin decided, disputed again by an undo; `seller_xp` is the sale's
/// XP a refund had taken back, which the sale counts again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redispute {
    pub listing: ListingId,
    pub buyer: UserId,
    pub seller_xp: Xp,
}
