//! Reputation: once per giver and receiver per day, a daily cap per giver, never to oneself or a
//! bot; a reaction removed the same day takes its point back; admins remove what alts gave.

use super::Decision;
use super::credits::text;
use crate::domain::{GuildState, Outcome, Rejection};
use crate::rules::reputation as rules;
use chrono::{DateTime, Utc};
use studio_schema::community::{ReputationGiven, ReputationRevoked};
use studio_schema::{Event, MessageId, UserId};

pub(super) fn give(
    state: &GuildState,
    giver: UserId,
    receiver: UserId,
    receiver_is_bot: bool,
    at: DateTime<Utc>,
    message: Option<MessageId>,
    reason: Option<&str>,
) -> Decision {
    if giver == receiver {
        return Err(Rejection::SelfRep);
    }
    if receiver_is_bot || state.members.get(&receiver).is_some_and(|m| m.bot) {
        return Err(Rejection::BotAccount);
    }
    let day = rules::day(at);
    if state.given_on(giver, day).any(|g| g.receiver == receiver) {
        return Err(Rejection::RepAlreadyToday {
            member: format!("<@{receiver}>"),
        });
    }
    if state.given_on(giver, day).count() >= rules::DAILY_CAP {
        return Err(Rejection::RepDailyCap {
            cap: rules::DAILY_CAP,
        });
    }
    let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(text(r, "The reason", rules::REASON_CHARS)?),
        None => None,
    };
    Ok((
        vec![Event::ReputationGiven(ReputationGiven {
            giver,
            receiver,
            day,
            message,
            reason: reason.clone(),
        })],
        Outcome::RepGiven {
            giver,
            receiver,
            total: state.member(receiver).reputation + 1,
            reason,
        },
    ))
}

pub(super) fn take_back(
    state: &GuildState,
    giver: UserId,
    message: MessageId,
    at: DateTime<Utc>,
) -> Decision {
    let day = rules::day(at);
    let events = state
        .given_on(giver, day)
        .find(|g| g.message == Some(message))
        .map(|g| {
            Event::ReputationRevoked(ReputationRevoked {
                giver,
                receiver: g.receiver,
                day,
                message: g.message,
                by: None,
                reason: "reaction removed".into(),
            })
        })
        .into_iter()
        .collect();
    Ok((events, Outcome::Recorded))
}

pub(super) fn purge(
    state: &GuildState,
    actor: UserId,
    can_manage: bool,
    giver: UserId,
    reason: &str,
) -> Decision {
    if !can_manage {
        return Err(Rejection::AdminOnly);
    }
    let reason = text(reason, "The reason", rules::REASON_CHARS)?;
    let events: Vec<Event> = state
        .reputation_given
        .get(&giver)
        .into_iter()
        .flat_map(|g| &g.0)
        .map(|g| {
            Event::ReputationRevoked(ReputationRevoked {
                giver,
                receiver: g.receiver,
                day: g.day,
                message: g.message,
                by: Some(actor),
                reason: reason.clone(),
            })
        })
        .collect();
    let count = events.len();
    Ok((events, Outcome::RepPurged { giver, count }))
}
