//! Daily quests: chosen once per day from the roll, progress from play, claimed once, streaks.

use super::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use studio_schema::{Account, ChannelId, GuildId, MessageId, UserId};

const ALICE: UserId = UserId(10);

fn t(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0)
        .single()
        .expect("valid")
        + TimeDelta::hours(hours)
}

fn run(state: &mut GuildState, command: &Command) -> Result<Outcome, Rejection> {
    let (events, outcome) = decide(state, command, t(0))?;
    for e in &events {
        let seq = state.last_seq + 1;
        state.apply(seq, e);
    }
    Ok(outcome)
}

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

fn chat(state: &mut GuildState, at: DateTime<Utc>, n: i64) {
    for k in 0..n {
        let posted_at = at + TimeDelta::seconds(k);
        run(
            state,
            &Command::PostMessage {
                author: SeenMember {
                    member: ALICE,
                    joined_at: t(-1000),
                    bot: false,
                },
                channel: ChannelId(5),
                message: MessageId(posted_at.timestamp() * 100 + k),
                content_chars: 20,
                posted_at,
            },
        )
        .expect("posted");
    }
}

#[test]
fn the_quest_is_chosen_once_a_day_and_claimed_once_when_done() {
    let mut s = GuildState::new(GuildId(1));
    // Roll 0: "send 5 messages" (easy, 50 credits).
    let Ok(Outcome::Quest { target, reward, .. }) = run(&mut s, &daily(t(0), 0)) else {
        panic!("a quest");
    };
    assert_eq!((target, reward), (5, 50));
    // Asking again the same day keeps the quest, whatever the new roll.
    assert!(matches!(
        run(&mut s, &daily(t(1), 3)),
        Ok(Outcome::Quest {
            target: 5,
            progress: 0,
            ..
        })
    ));
    assert_eq!(
        run(&mut s, &claim(t(1))),
        Err(Rejection::QuestNotDone {
            progress: 0,
            target: 5
        })
    );
    chat(&mut s, t(2), 5);
    assert_eq!(
        run(&mut s, &claim(t(3))),
        Ok(Outcome::QuestClaimed {
            member: ALICE,
            reward: 50,
            xp: 50,
            streak: 1
        })
    );
    assert_eq!(
        run(&mut s, &claim(t(3))),
        Err(Rejection::QuestAlreadyClaimed)
    );
    assert_eq!(s.balance(Account::Member(ALICE)).0, 50);
}

#[test]
fn consecutive_days_raise_the_reward_and_a_missed_day_resets_the_streak() {
    let mut s = GuildState::new(GuildId(1));
    let mut rewards = Vec::new();
    for day in [0, 1, 2, 4] {
        let at = t(24 * day);
        run(&mut s, &daily(at, 0)).expect("quest");
        chat(&mut s, at, 5);
        let Ok(Outcome::QuestClaimed { reward, streak, .. }) = run(&mut s, &claim(at)) else {
            panic!("claimed");
        };
        rewards.push((streak, reward));
    }
    assert_eq!(rewards, vec![(1, 50), (2, 55), (3, 60), (1, 50)]);
    // Yesterday's quest cannot be claimed today.
    run(&mut s, &daily(t(24 * 5), 0)).expect("quest");
    chat(&mut s, t(24 * 5), 5);
    assert_eq!(run(&mut s, &claim(t(24 * 6))), Err(Rejection::NoQuestToday));
}
