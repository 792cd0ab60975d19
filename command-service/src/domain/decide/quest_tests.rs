//! Daily quests: chosen once per day from the roll, progress from play, claimed once, streaks.

use super::testing::{Scenario, days, given, hours};
use super::*;
use chrono::TimeDelta;
use studio_schema::{Account, ChannelId, MessageId, UserId};

const ALICE: UserId = UserId(10);

fn daily(at: DateTime<Utc>, roll: u64) -> Command {
    Command::Daily {
        member: ALICE,
        at,
        roll,
    }
}

fn claim(at: DateTime<Utc>) -> Command {
    Command::ClaimQuest { member: ALICE, at }
}

fn chat(s: &mut Scenario, at: DateTime<Utc>, n: i64) {
    for k in 0..n {
        let posted_at = at + TimeDelta::seconds(k);
        s.when(Command::PostMessage {
            author: SeenMember {
                member: ALICE,
                joined_at: hours(-1000),
                bot: false,
            },
            roles: Vec::new(),
            channel: ChannelId(5),
            message: MessageId(posted_at.timestamp() * 100 + k),
            content_chars: 20,
            posted_at,
        })
        .outcome();
    }
}

#[test]
fn the_quest_is_chosen_once_a_day_and_claimed_once_when_done() {
    let mut s = given(&[]);
    // Roll 0: "send 5 messages" (easy, 50 credits).
    let Outcome::Quest { target, reward, .. } = s.when(daily(hours(0), 0)).outcome() else {
        panic!("a quest");
    };
    assert_eq!((target, reward), (5, 50));
    // Asking again the same day keeps the quest, whatever the new roll.
    assert!(matches!(
        s.when(daily(hours(1), 3)).outcome(),
        Outcome::Quest {
            target: 5,
            progress: 0,
            ..
        }
    ));
    s.when(claim(hours(1)))
        .then_rejected(Rejection::QuestNotDone {
            progress: 0,
            target: 5,
        });
    chat(&mut s, hours(2), 5);
    assert_eq!(
        s.when(claim(hours(3))).outcome(),
        Outcome::QuestClaimed {
            member: ALICE,
            reward: 50,
            xp: 50,
            streak: 1
        }
    );
    s.when(claim(hours(3)))
        .then_rejected(Rejection::QuestAlreadyClaimed);
    assert_eq!(s.balance(Account::Member(ALICE)), 50);
}

#[test]
fn consecutive_days_raise_the_reward_and_a_missed_day_resets_the_streak() {
    let mut s = given(&[]);
    let mut rewards = Vec::new();
    for day in [0, 1, 2, 4] {
        let at = days(day);
        s.when(daily(at, 0)).outcome();
        chat(&mut s, at, 5);
        let Outcome::QuestClaimed { reward, streak, .. } = s.when(claim(at)).outcome() else {
            panic!("claimed");
        };
        rewards.push((streak, reward));
    }
    assert_eq!(rewards, vec![(1, 50), (2, 55), (3, 60), (1, 50)]);
    // Yesterday's quest cannot be claimed today.
    s.when(daily(days(5), 0)).outcome();
    chat(&mut s, days(5), 5);
    s.when(claim(days(6)))
        .then_rejected(Rejection::NoQuestToday);
}
