//! Daily quests: the first `/daily` of a day assigns a quest from the caller's random roll (written
//! in the event); a completed quest is claimed once for credits from the mint and XP, more for a
//! streak of consecutive days.

use super::Decision;
use crate::domain::{GuildState, Outcome, Rejection};
use crate::rules::quest as rules;
use chrono::{DateTime, NaiveDate, Utc};
use studio_model::quest::Active;
use studio_schema::community::{QuestAssigned, QuestClaimed};
use studio_schema::money::Postings;
use studio_schema::{Account, Credits, Event, UserId};

fn reward(
    state: &GuildState,
    member: UserId,
    quest: &rules::Quest,
    day: NaiveDate,
) -> (Credits, u32) {
    let streak = state.streak_on(member, day);
    let base = state.settings.quest_rewards[usize::from(quest.difficulty).min(2)];
    (rules::reward(base, streak), streak)
}

pub(super) fn daily(state: &GuildState, member: UserId, at: DateTime<Utc>, roll: u64) -> Decision {
    let day = at.date_naive();
    let (events, active) = match state.quest_on(member, day) {
        Some(a) => (Vec::new(), a.clone()),
        None => {
            let quest = rules::pick(roll);
            let event = Event::QuestAssigned(QuestAssigned {
                member,
                day,
                roll,
                quest: quest.code.to_owned(),
                target: quest.target,
                difficulty: quest.difficulty,
            });
            let active = Active {
                day,
                quest,
                progress: 0,
                claimed: false,
            };
            (vec![event], active)
        }
    };
    let (credits, streak) = reward(state, member, &active.quest, day);
    Ok((
        events,
        Outcome::Quest {
            member,
            task: rules::describe(&active.quest),
            progress: active.progress.min(active.quest.target),
            target: active.quest.target,
            reward: credits.0,
            streak,
            claimed: active.claimed,
        },
    ))
}

pub(super) fn claim(state: &GuildState, member: UserId, at: DateTime<Utc>) -> Decision {
    let day = at.date_naive();
    let active = state.quest_on(member, day).ok_or(Rejection::NoQuestToday)?;
    if active.claimed {
        return Err(Rejection::QuestAlreadyClaimed);
    }
    if active.progress < active.quest.target {
        return Err(Rejection::QuestNotDone {
            progress: active.progress,
            target: active.quest.target,
        });
    }
    let (credits, streak) = reward(state, member, &active.quest, day);
    let postings = Postings::new()
        .mov(Account::Mint, Account::Member(member), credits)
        .build();
    Ok((
        vec![Event::QuestClaimed(QuestClaimed {
            member,
            day,
            streak,
            reward: credits,
            xp: rules::QUEST_XP,
            postings,
        })],
        Outcome::QuestClaimed {
            member,
            reward: credits.0,
            xp: rules::QUEST_XP.0,
            streak,
        },
    ))
}
