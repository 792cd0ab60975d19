//! Daily quests: the catalogue, each member's quest of the day and its progress, and their claim
//! streak.

use crate::Entity;
use chrono::NaiveDate;
use studio_schema::{Credits, Event, UserId};

/// What a daily quest asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Goal {
    /// Send messages in the server that day.
    Messages,
    /// Review code bought on the marketplace.
    Review,
    /// Be thanked with a reputation point for helping that day.
    Help,
}

/// A quest members can get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quest {
    pub code: &'static str,
    pub goal: Goal,
    pub target: u32,
    /// 0 easy, 1 medium, 2 hard: the index of its reward in the guild's quest rewards.
    pub difficulty: u8,
}

/// Every quest, in the order a roll picks from.
pub const QUESTS: [Quest; 4] = [
    Quest {
        code: "chat",
        goal: Goal::Messages,
        target: 5,
        difficulty: 0,
    },
    Quest {
        code: "chatter",
        goal: Goal::Messages,
        target: 15,
        difficulty: 1,
    },
    Quest {
        code: "review",
        goal: Goal::Review,
        target: 1,
        difficulty: 1,
    },
    Quest {
        code: "help",
        goal: Goal::Help,
        target: 1,
        difficulty: 2,
    },
];

/// A quest by its code, as written in the log.
#[must_use]
pub fn by_code(code: &str) -> Option<Quest> {
    QUESTS.iter().copied().find(|q| q.code == code)
}

/// Each consecutive day adds this percent to the reward …
pub const STREAK_BONUS_PERCENT: i64 = 10;
/// … up to this many days of bonus.
pub const MAX_STREAK_BONUS_DAYS: u32 = 5;

/// What a claim pays: the difficulty's base reward, plus the streak bonus from the second
/// consecutive day on.
#[must_use]
pub fn reward(base: i64, streak: u32) -> Credits {
    let bonus_days = i64::from(streak.saturating_sub(1).min(MAX_STREAK_BONUS_DAYS));
    Credits(base * (100 + STREAK_BONUS_PERCENT * bonus_days) / 100)
}

/// A member's quest of one day.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Active {
    pub day: NaiveDate,
    #[serde(with = "by_code")]
    pub quest: Quest,
    pub progress: u32,
    pub claimed: bool,
}

/// One member's quests: the latest assigned, and the last claim with the streak it made.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QuestLog {
    pub current: Option<Active>,
    /// The last day the member claimed, and the streak that day ended.
    pub last_claim: Option<(NaiveDate, u32)>,
}

impl QuestLog {
    /// The member's quest for `day`, if they have one.
    #[must_use]
    pub fn on(&self, day: NaiveDate) -> Option<&Active> {
        self.current.as_ref().filter(|a| a.day == day)
    }

    /// The streak a claim on `day` makes.
    #[must_use]
    pub fn streak_on(&self, day: NaiveDate) -> u32 {
        match self.last_claim {
            Some((last, streak)) if day.pred_opt() == Some(last) => streak.saturating_add(1),
            Some((last, streak)) if last == day => streak,
            _ => 1,
        }
    }

    fn advance(&mut self, goal: Goal, day: Option<NaiveDate>, by: i32) {
        if let Some(a) = &mut self.current
            && a.quest.goal == goal
            && !a.claimed
            && day.is_none_or(|d| d == a.day)
        {
            a.progress = a.progress.saturating_add_signed(by);
        }
    }
}

impl Entity for QuestLog {
    type Key = UserId;

    fn keys(event: &Event, each: &mut dyn FnMut(UserId)) {
        match event {
            Event::QuestAssigned(q) => each(q.member),
            Event::QuestClaimed(q) => each(q.member),
            Event::MessagePosted { member, .. } => each(*member),
            Event::ListingReviewed(r) => each(r.reviewer),
            Event::ReputationGiven(r) => each(r.receiver),
            Event::ReputationRevoked(r) => each(r.receiver),
            _ => {}
        }
    }

    /// Only an assignment or a claim makes a member's quest log; progress needs a quest.
    fn evolve(slot: &mut Option<Self>, _: UserId, event: &Event) {
        match event {
            Event::QuestAssigned(q) => {
                if let Some(quest) = by_code(&q.quest) {
                    slot.get_or_insert_with(Self::default).current = Some(Active {
                        day: q.day,
                        quest,
                        progress: 0,
                        claimed: false,
                    });
                }
            }
            Event::QuestClaimed(q) => {
                let log = slot.get_or_insert_with(Self::default);
                if let Some(a) = &mut log.current {
                    a.claimed = true;
                }
                log.last_claim = Some((q.day, q.streak));
            }
            _ => {
                let Some(log) = slot else {
                    return;
                };
                match event {
                    Event::MessagePosted { posted_at, .. } => {
                        log.advance(Goal::Messages, Some(posted_at.date_naive()), 1);
                    }
                    Event::ListingReviewed(_) => log.advance(Goal::Review, None, 1),
                    Event::ReputationGiven(r) => log.advance(Goal::Help, Some(r.day), 1),
                    Event::ReputationRevoked(r) => log.advance(Goal::Help, Some(r.day), -1),
                    _ => {}
                }
            }
        }
    }
}

/// A quest written as its code, and read back as the quest of [`QUESTS`] with that code.
mod by_code {
    use super::{QUESTS, Quest};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(quest: &Quest, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(quest.code)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Quest, D::Error> {
        let code = String::deserialize(deserializer)?;
        QUESTS
            .iter()
            .find(|q| q.code == code)
            .copied()
            .ok_or_else(|| D::Error::custom(format!("no quest {code}")))
    }
}
