//! Daily quests: how a roll picks one and what a claim pays. The catalogue is the model's.

use studio_schema::{Credits, Xp};

pub use studio_model::quest::{Goal, QUESTS, Quest, by_code};

/// XP a claimed quest gives.
pub const QUEST_XP: Xp = Xp(50);
/// Each consecutive day adds this percent to the reward …
pub const STREAK_BONUS_PERCENT: i64 = 10;
/// … up to this many days of bonus.
pub const MAX_STREAK_BONUS_DAYS: u32 = 5;

/// The quest a random `roll` picks.
#[must_use]
pub fn pick(roll: u64) -> Quest {
    let n = QUESTS.len() as u64;
    QUESTS[usize::try_from(roll % n).unwrap_or(0)]
}

/// What the member is asked, in words.
#[must_use]
pub fn describe(quest: &Quest) -> String {
    match quest.goal {
        Goal::Messages => format!("Send {} messages in the server today", quest.target),
        Goal::Review => "Review code you bought on the marketplace (/shop → History)".to_owned(),
        Goal::Help => {
            "Help someone until they thank you with /rep or the reputation reaction (⭐ by default)"
                .to_owned()
        }
    }
}

/// What a claim pays: the difficulty's base reward, plus the streak bonus from the second
/// consecutive day on.
#[must_use]
pub fn reward(base: i64, streak: u32) -> Credits {
    let bonus_days = i64::from(streak.saturating_sub(1).min(MAX_STREAK_BONUS_DAYS));
    Credits(base * (100 + STREAK_BONUS_PERCENT * bonus_days) / 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaks_raise_the_reward_up_to_a_cap() {
        assert_eq!(reward(100, 1), Credits(100));
        assert_eq!(reward(100, 2), Credits(110));
        assert_eq!(reward(150, 6), Credits(225));
        assert_eq!(reward(150, 60), Credits(225));
    }

    #[test]
    fn every_roll_picks_a_quest_and_codes_round_trip() {
        for roll in [0, 1, 2, 3, u64::MAX] {
            let q = pick(roll);
            assert_eq!(by_code(q.code), Some(q));
        }
    }
}
