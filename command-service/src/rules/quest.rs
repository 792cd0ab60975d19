//! Daily quests: how a roll picks one and what a claim pays. The catalogue is the model's.

use studio_schema::Xp;

pub use studio_model::quest::{
    Goal, MAX_STREAK_BONUS_DAYS, QUESTS, Quest, STREAK_BONUS_PERCENT, by_code, reward,
};

/// XP a claimed quest gives.
pub const QUEST_XP: Xp = Xp(50);

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

#[cfg(test)]
mod tests {
    use super::*;
    use studio_schema::Credits;

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
