//! Undo without deleting: which admin actions can be undone, how long their Undo button lasts,
//! what reverses each, and why an undo is refused. An undo appends events after the action (see
//! [`studio_schema::undo`]); the action stays in the log.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use studio_schema::{Credits, Event, Posting};

/// How long the Undo button on an admin action's answer works; `/undo position` works for ever.
pub const BUTTON_LASTS: TimeDelta = TimeDelta::minutes(15);

/// Longest reason an admin may give for an undo.
pub const REASON_CHARS: usize = 200;

/// The admin actions Studio can undo, told apart by their first event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    XpGiven,
    XpTaken,
    CreditsGranted,
    CreditsRevoked,
    ReputationPurge,
    Settings,
    TournamentResult,
    DisputeDecision,
}

impl Kind {
    /// The kind of action whose first event is `first`; `None` for anything but an admin action.
    #[must_use]
    pub fn of(first: &Event) -> Option<Self> {
        Some(match first {
            Event::XpGranted { .. } => Self::XpGiven,
            Event::XpRevoked { .. } => Self::XpTaken,
            Event::CreditsGranted(_) => Self::CreditsGranted,
            Event::CreditsRevoked(_) => Self::CreditsRevoked,
            Event::ReputationRevoked(r) if r.by.is_some() => Self::ReputationPurge,
            Event::GuildSettingsChanged { .. } => Self::Settings,
            Event::TournamentPaid(_) => Self::TournamentResult,
            // A refund an admin decided on a dispute (a seller's own refund is not an admin's).
            Event::PurchaseRefunded(r) if r.by != r.seller => Self::DisputeDecision,
            Event::DisputeRejected(_) => Self::DisputeDecision,
            // Settled by someone: the decider refuses the client's or the developer's own.
            Event::CommissionSettled(s) if s.by.is_some() => Self::DisputeDecision,
            _ => return None,
        })
    }

    /// The action in words, as the log's `ActionUndone` and the answers name it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::XpGiven => "XP given",
            Self::XpTaken => "XP removed",
            Self::CreditsGranted => "credits granted",
            Self::CreditsRevoked => "credits revoked",
            Self::ReputationPurge => "reputation purge",
            Self::Settings => "settings change",
            Self::TournamentResult => "tournament result",
            Self::DisputeDecision => "dispute decision",
        }
    }
}

/// Whether an Undo button pressed at `now` on an action taken at `acted_at` came too late.
#[must_use]
pub fn button_expired(acted_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - acted_at > BUTTON_LASTS
}

/// The lines that reverse `postings`: each amount's sign flipped, so they still sum to zero.
#[must_use]
pub fn mirrored(postings: &[Posting]) -> Vec<Posting> {
    postings
        .iter()
        .map(|p| Posting {
            account: p.account,
            amount: p.amount.negated(),
        })
        .collect()
}

/// The reason an undo carries into the log.
#[must_use]
pub fn memo(original: i64, reason: &str) -> String {
    format!("undo of #{original}: {reason}")
}

/// Why an undo was refused; nothing is written then.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum UndoRefusal {
    #[error("There is no action at position #{0} in this server's log.")]
    NoSuchPosition(i64),
    #[error("That action is not in this server's log.")]
    NoSuchAction,
    #[error("Studio could not read the log just now, so nothing was undone. Please try again.")]
    LogUnreadable,
    #[error(
        "#{position} is a {event}: Studio undoes admin actions only (XP or credits given or taken, reputation purges, settings changes, tournament results, dispute decisions)."
    )]
    NotUndoable { position: i64, event: String },
    #[error("#{original} was undone already; `projector audit explain` shows by whom.")]
    AlreadyUndone { original: i64 },
    #[error(
        "This Undo button lasted {minutes} minutes. Use `/undo position:{original}` to undo it now.",
        minutes = BUTTON_LASTS.num_minutes()
    )]
    ButtonExpired { original: i64 },
    #[error(
        "Undoing #{original} would take {account} below zero (it holds {balance} credits, the undo takes {needed}), so nothing changed."
    )]
    WouldOverdraw {
        original: i64,
        account: String,
        balance: Credits,
        needed: Credits,
    },
    #[error(
        "Undoing #{original} would take <@{member}> below zero XP (they have {xp}, the undo takes {needed}), so nothing changed."
    )]
    XpBelowZero {
        original: i64,
        member: u64,
        xp: i64,
        needed: i64,
    },
    #[error(
        "A later settings change set the same rules again, so undoing #{original} would undo it too. Set them with /settings instead."
    )]
    Superseded { original: i64 },
    #[error(
        "#{original} changed a role Studio hands out: set it back with /settings, so Studio can check the role first."
    )]
    RoleSetting { original: i64 },
    #[error("Tournament #{tournament}'s result cannot be undone now: its pool is not paid out.")]
    TournamentNotPaid { tournament: i64 },
    #[error(
        "The purchase of listing #{listing} moved on since #{original}, so its decision cannot be undone."
    )]
    DisputeMovedOn { original: i64, listing: i64 },
    #[error(
        "#{original} was settled by a party to the commission, not decided by an admin: Studio undoes admin actions only."
    )]
    OwnSettlement { original: i64 },
    #[error(
        "Commission #{commission} moved on since #{original}, so its settlement cannot be undone."
    )]
    CommissionMovedOn { original: i64, commission: i64 },
}

#[cfg(test)]
mod tests {
    use super::*;
    use studio_schema::{Account, UserId};

    #[test]
    fn the_button_lasts_fifteen_minutes_and_not_a_second_more() {
        let at = DateTime::UNIX_EPOCH;
        assert!(!button_expired(at, at + BUTTON_LASTS));
        assert!(button_expired(
            at,
            at + BUTTON_LASTS + TimeDelta::seconds(1)
        ));
    }

    #[test]
    fn mirrored_lines_reverse_every_account_and_still_balance() {
        let lines = [
            Posting {
                account: Account::Mint,
                amount: Credits(-100),
            },
            Posting {
                account: Account::Member(UserId(7)),
                amount: Credits(100),
            },
        ];
        let back = mirrored(&lines);
        assert_eq!(back[0].amount, Credits(100));
        assert_eq!(back[1].amount, Credits(-100));
        assert!(studio_schema::money::balanced(&back));
    }

    #[test]
    fn only_admin_actions_can_be_undone() {
        let paid = Event::MessagePosted {
            member: UserId(1),
            channel: studio_schema::ChannelId(1),
            message: studio_schema::MessageId(1),
            xp: studio_schema::Xp(5),
            posted_at: DateTime::UNIX_EPOCH,
        };
        assert_eq!(Kind::of(&paid), None);
        let own_take_back = Event::ReputationRevoked(studio_schema::community::ReputationRevoked {
            giver: UserId(1),
            receiver: UserId(2),
            day: chrono::NaiveDate::MIN,
            message: None,
            by: None,
            reason: String::new(),
        });
        assert_eq!(Kind::of(&own_take_back), None, "a member's own take-back");
    }
}
