//! Given events, when a command, then events or a rejection.

use super::testing::{Scenario, days, given, secs};
use super::*;
use crate::rules::tenure::{MONTH, Rank};
use chrono::TimeDelta;
use proptest::prelude::*;
use studio_schema::{ChannelId, MessageId, UserId};

const ALICE: UserId = UserId(10);
const BOB: UserId = UserId(11);
const ADMIN: UserId = UserId(1);

fn member(id: UserId) -> SeenMember {
    SeenMember {
        member: id,
        joined_at: secs(-1000),
        bot: false,
    }
}

fn post(id: UserId, message: i64, at: DateTime<Utc>, content: &str) -> Command {
    Command::PostMessage {
        author: member(id),
        roles: Vec::new(),
        channel: ChannelId(5),
        message: MessageId(message),
        content_chars: content.chars().count(),
        posted_at: at,
    }
}

fn joined(id: UserId) -> Event {
    Event::MemberSeen {
        member: id,
        joined_at: secs(-1000),
        bot: false,
        seen_at: Some(secs(0)),
    }
}

/// An admin's change of BOB's XP.
fn adjust_bob(amount: i64, give: bool, reason: &str) -> Command {
    Command::AdjustXp {
        actor: ADMIN,
        actor_can_manage_guild: true,
        member: BOB,
        member_is_bot: false,
        amount,
        give,
        reason: reason.into(),
    }
}

/// Whether `who` is in the guild, as the decider sees it: a join of a present member decides
/// nothing.
fn is_present(s: &Scenario, who: UserId) -> bool {
    s.clone()
        .when(Command::RecordJoin(member(who)))
        .events()
        .is_empty()
}

/// When `who` has been a month in the guild (time away not counted), as the decider dates the
/// Learner rank it would record.
fn a_month_in(s: &Scenario, who: UserId) -> DateTime<Utc> {
    let reach = Command::ReachRank {
        member: who,
        rank: Rank::Learner,
    };
    match s.clone().when_at(reach, days(60)).events()[..] {
        [Event::RankReached { at, .. }] => at,
        ref other => panic!("no rank reached: {other:?}"),
    }
}

#[test]
fn a_first_message_from_an_unseen_member_seeds_them_and_earns_five() {
    let outcome = given(&[])
        .when(post(ALICE, 100, secs(0), "hello world"))
        .then(&[
            Event::MemberSeen {
                member: ALICE,
                joined_at: secs(-1000),
                bot: false,
                seen_at: Some(secs(0)),
            },
            Event::MessagePosted {
                member: ALICE,
                channel: ChannelId(5),
                message: MessageId(100),
                xp: Xp(5),
                posted_at: secs(0),
            },
        ]);
    assert!(matches!(
        outcome,
        Outcome::MessageRewarded {
            xp: Xp(5),
            level_up: None,
            ..
        }
    ));
}

#[test]
fn a_message_inside_the_cooldown_is_counted_but_earns_nothing() {
    let mut s = given(&[joined(ALICE)]);
    s.when(post(ALICE, 100, secs(0), "hello world")).outcome();
    let outcome = s
        .when_at(post(ALICE, 101, secs(30), "hello again"), secs(30))
        .then(&[Event::MessagePosted {
            member: ALICE,
            channel: ChannelId(5),
            message: MessageId(101),
            xp: Xp(0),
            posted_at: secs(30),
        }]);
    assert_eq!(outcome, Outcome::Recorded);
    assert_eq!(s.xp(ALICE), 5);
}

#[test]
fn crossing_250_xp_announces_level_two() {
    let outcome = given(&[
        joined(ALICE),
        Event::XpGranted {
            member: ALICE,
            xp: Xp(245),
            reason: "seed".into(),
            by: ADMIN,
        },
    ])
    .when(post(ALICE, 100, secs(0), "level me up"))
    .outcome();
    assert!(matches!(
        outcome,
        Outcome::MessageRewarded {
            level_up: Some(2),
            ..
        }
    ));
}

#[test]
fn xp_give_needs_manage_guild() {
    given(&[joined(BOB)])
        .when(Command::AdjustXp {
            actor: ALICE,
            actor_can_manage_guild: false,
            member: BOB,
            member_is_bot: false,
            amount: 50,
            give: true,
            reason: "nice".into(),
        })
        .then_rejected(Rejection::NeedsManageGuild);
}

#[test]
fn xp_give_records_actor_and_reason() {
    given(&[joined(BOB)])
        .when(adjust_bob(50, true, " great demo "))
        .then(&[Event::XpGranted {
            member: BOB,
            xp: Xp(50),
            reason: "great demo".into(),
            by: ADMIN,
        }]);
}

#[test]
fn a_grant_that_crosses_a_level_says_so() {
    let outcome = given(&[joined(BOB)])
        .when(adjust_bob(600, true, "jam winner"))
        .outcome();
    assert!(
        matches!(
            outcome,
            Outcome::XpAdjusted {
                level: 3,
                level_up: Some(3),
                ..
            }
        ),
        "{outcome:?}"
    );
}

#[test]
fn a_member_granted_xp_before_being_listed_is_still_seeded_when_listed() {
    let mut s = given(&[Event::XpGranted {
        member: BOB,
        xp: Xp(10),
        reason: "early".into(),
        by: ADMIN,
    }]);
    s.when(Command::SeeMembers(vec![member(BOB)]))
        .then(&[joined(BOB)]);
    assert!(is_present(&s, BOB));
    assert_eq!(a_month_in(&s, BOB), secs(-1000) + MONTH, "in since -1000 s");
}

#[test]
fn a_member_listed_again_after_a_missed_join_is_back() {
    let mut s = given(&[
        joined(BOB),
        Event::MemberLeft {
            member: BOB,
            at: secs(-500),
        },
    ]);
    let listed = Command::SeeMembers(vec![SeenMember {
        member: BOB,
        joined_at: secs(-10),
        bot: false,
    }]);
    s.when(listed).then(&[Event::MemberJoined {
        member: BOB,
        at: secs(-10),
        bot: false,
    }]);
    assert!(is_present(&s, BOB));
}

#[test]
fn xp_remove_takes_at_most_what_the_member_has() {
    let mut s = given(&[
        joined(BOB),
        Event::XpGranted {
            member: BOB,
            xp: Xp(30),
            reason: "x".into(),
            by: ADMIN,
        },
    ]);
    let remove = adjust_bob(100, false, "spam");
    assert!(matches!(
        s.when(&remove).outcome(),
        Outcome::XpAdjusted {
            change: -30,
            total: Xp(0),
            ..
        }
    ));
    s.when_at(&remove, secs(1))
        .then_rejected(Rejection::NothingToRemove {
            member: format!("<@{BOB}>"),
        });
}

#[test]
fn bad_amounts_and_reasons_are_refused() {
    let mut s = given(&[joined(BOB)]);
    for (amount, reason) in [
        (0, "ok"),
        (-5, "ok"),
        (xp::MAX_ADJUSTMENT + 1, "ok"),
        (5, "   "),
    ] {
        assert!(
            s.when(adjust_bob(amount, true, reason)).result().is_err(),
            "{amount} {reason:?} must be refused"
        );
    }
}

#[test]
fn leaving_and_rejoining_keeps_tenure_without_the_time_away() {
    let mut s = given(&[joined(ALICE)]);
    let leave = Command::RecordLeave {
        member: ALICE,
        at: secs(0),
    };
    s.when(&leave).then(&[Event::MemberLeft {
        member: ALICE,
        at: secs(0),
    }]);
    assert!(!is_present(&s, ALICE));
    let rejoin = SeenMember {
        member: ALICE,
        joined_at: secs(5000),
        bot: false,
    };
    s.when_at(Command::RecordJoin(rejoin), secs(5000)).outcome();
    // 1000 s in the guild at secs(5000): a month in comes 1000 s early.
    assert_eq!(
        a_month_in(&s, ALICE),
        secs(5000) + MONTH - TimeDelta::seconds(1000)
    );
}

proptest! {
    /// Whatever the timestamps and their delivery order, two rewarded messages of one member are
    /// never less than the cooldown apart.
    #[test]
    fn xp_never_moves_inside_the_cooldown(offsets in proptest::collection::vec(0i64..600, 1..60)) {
        let mut s = given(&[joined(ALICE)]);
        let mut rewarded = Vec::new();
        for (i, off) in offsets.iter().enumerate() {
            let at = secs(*off);
            let id = i64::try_from(i).expect("small");
            if let Ok(Outcome::MessageRewarded { .. }) = s.when_at(post(ALICE, id, at, "some words"), at).result() {
                rewarded.push(at);
            }
        }
        rewarded.sort();
        for pair in rewarded.windows(2) {
            prop_assert!(pair[1] - pair[0] >= xp::MESSAGE_COOLDOWN);
        }
        prop_assert_eq!(s.xp(ALICE), 5 * i64::try_from(rewarded.len()).expect("small"));
    }
}
