//! The payloads of the community's events: reputation.

use crate::ids::{MessageId, UserId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A member gave another +1 reputation on `day` (UTC), by `/rep` or by reacting to `message`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReputationGiven {
    pub giver: UserId,
    pub receiver: UserId,
    pub day: NaiveDate,
    pub message: Option<MessageId>,
    pub reason: Option<String>,
}

/// A reputation point was taken back: its giver removed the reaction the same day (`by` is `None`),
/// or an admin removed what an account gave (`by` names the admin).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReputationRevoked {
    pub giver: UserId,
    pub receiver: UserId,
    pub day: NaiveDate,
    pub message: Option<MessageId>,
    pub by: Option<UserId>,
    pub reason: String,
}
