//! What a decision told its member: recorded with the command id, so a duplicate delivery is
//! answered with the original outcome.

use serde::{Deserialize, Serialize};
use studio_schema::{UserId, Xp};

/// A rule said no. The member sees [`Rejection::message`]; nothing is written but the record of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Rejection {
    #[error("You need the Manage Server permission to change XP.")]
    NeedsManageGuild,
    #[error("The amount must be a whole number from 1 to {max}.")]
    BadAmount { max: i64 },
    #[error("Bots do not collect XP.")]
    TargetIsBot,
    #[error("Please give a reason (1 to {max} characters).")]
    BadReason { max: usize },
    #[error("{member} has no XP to remove.")]
    NothingToRemove { member: String },
}

/// The result of a decided command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome")]
pub enum Outcome {
    /// Nothing to say (membership updates, messages).
    Recorded,
    /// A message earned XP; `level_up` is the new level when one was reached.
    MessageRewarded {
        member: UserId,
        xp: Xp,
        level_up: Option<i64>,
    },
    /// An admin changed a member's XP.
    XpAdjusted {
        member: UserId,
        change: i64,
        total: Xp,
        level: i64,
        /// The new level when the change reached one.
        #[serde(default)]
        level_up: Option<i64>,
        reason: String,
    },
    /// A rule refused the command.
    Rejected(Rejection),
}
