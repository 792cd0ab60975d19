//! The payloads of teams: creation with its fee, membership, ownership, the shared wallet,
//! milestones and disbanding. Every credit movement carries its postings.

use crate::ids::UserId;
use crate::money::{Credits, Posting, TeamId};
use serde::{Deserialize, Serialize};

/// A member founded a team and paid the creation fee to the treasury.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamCreated {
    pub team: TeamId,
    pub name: String,
    pub description: String,
    /// Anyone may join an open team; an invite-only team takes invited members and accepted requests.
    pub open: bool,
    pub owner: UserId,
    pub fee: Credits,
    pub postings: Vec<Posting>,
}

/// How a member's place in a team changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    /// The owner invited the member.
    Invited,
    /// The member asked to join an invite-only team.
    Requested,
    /// The member is in (joined an open team, accepted an invite, or the owner accepted them).
    Joined,
    /// The owner declined the member's request.
    Declined,
    /// The member left.
    Left,
    /// The owner removed the member.
    Kicked,
}

/// A member's place in a team changed; `by` is who did it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMembershipChanged {
    pub team: TeamId,
    pub member: UserId,
    pub change: Membership,
    pub by: UserId,
}

/// The owner handed the team to another member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamOwnerChanged {
    pub team: TeamId,
    pub from: UserId,
    pub to: UserId,
}

/// What moved the team wallet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WalletMove {
    /// A member put credits in.
    Deposit,
    /// The owner paid a member.
    Pay,
    /// The owner spent credits (to the treasury, e.g. server services).
    Spend,
}

/// Credits moved into or out of a team wallet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamWalletMoved {
    pub team: TeamId,
    pub by: UserId,
    pub kind: WalletMove,
    /// The member paid (for a payment).
    pub member: Option<UserId>,
    pub amount: Credits,
    pub memo: String,
    pub postings: Vec<Posting>,
}

/// What happened to a milestone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum MilestoneStep {
    /// The owner added it, with the reward each member gets on completion.
    Added { title: String, reward: Credits },
    /// The owner marked it done; each member was paid its reward from the wallet.
    Completed { paid: Vec<(UserId, Credits)> },
    /// The owner reopened it (rewards already paid stay paid).
    Reopened,
}

/// A team milestone changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamMilestoneChanged {
    pub team: TeamId,
    pub milestone: u32,
    pub by: UserId,
    pub step: MilestoneStep,
    pub postings: Vec<Posting>,
}

/// The owner disbanded the team; the wallet was shared out equally among its members (the
/// remainder to the owner).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamDisbanded {
    pub team: TeamId,
    pub by: UserId,
    pub returned: Vec<(UserId, Credits)>,
    pub postings: Vec<Posting>,
}
