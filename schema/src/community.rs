//! The payloads of the community's events: reputation, tournaments, profiles and contacts.

use crate::ids::{MessageId, TournamentId, UserId};
use crate::money::{Account, Credits, Posting};
use chrono::{DateTime, NaiveDate, Utc};
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

/// An admin opened a tournament and put its prize pool aside from the mint or the treasury.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TournamentCreated {
    pub tournament: TournamentId,
    pub name: String,
    pub prize: Credits,
    pub source: Account,
    pub ends_at: DateTime<Utc>,
    pub by: UserId,
    pub postings: Vec<Posting>,
}

/// A member entered a tournament.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TournamentEntered {
    pub tournament: TournamentId,
    pub member: UserId,
}

/// An admin recorded the placings; the prizes were paid and what no placing took went back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TournamentPaid {
    pub tournament: TournamentId,
    /// First, second, third …, with what each won.
    pub placings: Vec<(UserId, Credits)>,
    pub returned: Credits,
    pub by: UserId,
    pub postings: Vec<Posting>,
}

/// An admin cancelled a tournament; its pool went back where it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TournamentCancelled {
    pub tournament: TournamentId,
    pub by: UserId,
    pub postings: Vec<Posting>,
}

/// A member set up their profile (the whole profile, each time).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfileUpdated {
    pub member: UserId,
    /// Primary role: Programmer, Artist, 3D Modeler, …
    pub role: String,
    pub years: i64,
    pub skills: String,
    pub links: String,
    /// Listed by `/find` and open to Contact.
    pub open_to_work: bool,
}

/// A member contacted another through `/find` on `day` (UTC); the message went by DM.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberContacted {
    pub from: UserId,
    pub to: UserId,
    pub day: NaiveDate,
}

/// A member's daily quest for `day` (UTC), chosen once from `roll` (random, drawn when the member
/// first asked that day) and written here so a replay chooses nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestAssigned {
    pub member: UserId,
    pub day: NaiveDate,
    pub roll: u64,
    /// The quest's code (`chat`, `chatter`, `review`, `help`), its goal and difficulty (0 easy, 1
    /// medium, 2 hard).
    pub quest: String,
    pub target: u32,
    pub difficulty: u8,
}

/// A member claimed a completed daily quest: credits from the mint, XP, and the streak of
/// consecutive days it extends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestClaimed {
    pub member: UserId,
    pub day: NaiveDate,
    pub streak: u32,
    pub reward: Credits,
    pub xp: crate::ids::Xp,
    pub postings: Vec<Posting>,
}

/// A member of the premium rank paid to put their work in the spotlight: a public showcase post.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpotlightBought {
    pub member: UserId,
    pub text: String,
    pub cost: Credits,
    pub at: DateTime<Utc>,
    pub postings: Vec<Posting>,
}
