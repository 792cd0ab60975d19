//! Given events, when a command, then events or a rejection.

use super::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use studio_schema::{ChannelId, GuildId, MessageId, UserId};

const ALICE: UserId = UserId(10);
const BOB: UserId = UserId(11);
const ADMIN: UserId = UserId(1);

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000, 0).single().expect("valid") + TimeDelta::seconds(secs)
}

fn given(events: &[Event]) -> GuildState {
    let mut state = GuildState::new(GuildId(1));
    for (seq, e) in (1..).zip(events) {
        state.apply(seq, e);
    }
    state
}

fn member(id: UserId) -> SeenMember {
    SeenMember {
        member: id,
        joined_at: t(-1000),
        bot: false,
    }
}

fn post(id: UserId, message: i64, at: DateTime<Utc>, content: &str) -> Command {
    Command::PostMessage {
        author: member(id),
        channel: ChannelId(5),
        message: MessageId(message),
        content_chars: content.chars().count(),
        posted_at: at,
    }
}

fn joined(id: UserId) -> Event {
    Event::MemberSeen {
        member: id,
        joined_at: t(-1000),
        bot: false,
    }
}

fn xp_of(state: &GuildState, id: UserId) -> i64 {
    state.member(id).xp.0
}

fn run(
    state: &mut GuildState,
    command: &Command,
    now: DateTime<Utc>,
) -> Result<Outcome, Rejection> {
    let (events, outcome) = decide(state, command, now)?;
    for e in &events {
        let seq = state.last_seq + 1;
        state.apply(seq, e);
    }
    Ok(outcome)
}

#[test]
fn a_first_message_from_an_unseen_member_seeds_them_and_earns_five() {
    let state = given(&[]);
    let (events, outcome) =
        decide(&state, &post(ALICE, 100, t(0), "hello world"), t(0)).expect("ok");
    assert_eq!(events.len(), 2);
    assert!(matches!(events[0], Event::MemberSeen { member: ALICE, .. }));
    assert!(matches!(events[1], Event::MessagePosted { xp: Xp(5), .. }));
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
    let mut state = given(&[joined(ALICE)]);
    run(&mut state, &post(ALICE, 100, t(0), "hello world"), t(0)).expect("ok");
    let outcome = run(&mut state, &post(ALICE, 101, t(30), "hello again"), t(30)).expect("ok");
    assert_eq!(outcome, Outcome::Recorded);
    assert_eq!(xp_of(&state, ALICE), 5);
}

#[test]
fn crossing_250_xp_announces_level_two() {
    let mut state = given(&[
        joined(ALICE),
        Event::XpGranted {
            member: ALICE,
            xp: Xp(245),
            reason: "seed".into(),
            by: ADMIN,
        },
    ]);
    let outcome = run(&mut state, &post(ALICE, 100, t(0), "level me up"), t(0)).expect("ok");
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
    let state = given(&[joined(BOB)]);
    let cmd = Command::AdjustXp {
        actor: ALICE,
        actor_can_manage_guild: false,
        member: BOB,
        member_is_bot: false,
        amount: 50,
        give: true,
        reason: "nice".into(),
    };
    assert_eq!(decide(&state, &cmd, t(0)), Err(Rejection::NeedsManageGuild));
}

#[test]
fn xp_give_records_actor_and_reason() {
    let state = given(&[joined(BOB)]);
    let cmd = Command::AdjustXp {
        actor: ADMIN,
        actor_can_manage_guild: true,
        member: BOB,
        member_is_bot: false,
        amount: 50,
        give: true,
        reason: " great demo ".into(),
    };
    let (events, _) = decide(&state, &cmd, t(0)).expect("ok");
    assert_eq!(
        events,
        vec![Event::XpGranted {
            member: BOB,
            xp: Xp(50),
            reason: "great demo".into(),
            by: ADMIN
        }]
    );
}

#[test]
fn a_grant_that_crosses_a_level_says_so() {
    let state = given(&[joined(BOB)]);
    let cmd = Command::AdjustXp {
        actor: ADMIN,
        actor_can_manage_guild: true,
        member: BOB,
        member_is_bot: false,
        amount: 600,
        give: true,
        reason: "jam winner".into(),
    };
    let (_, outcome) = decide(&state, &cmd, t(0)).expect("ok");
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
    let mut state = given(&[Event::XpGranted {
        member: BOB,
        xp: Xp(10),
        reason: "early".into(),
        by: ADMIN,
    }]);
    let listed = Command::SeeMembers(vec![member(BOB)]);
    run(&mut state, &listed, t(0)).expect("ok");
    assert!(state.member(BOB).present);
    assert_eq!(state.member(BOB).tenure.since, Some(t(-1000)));
}

#[test]
fn a_member_listed_again_after_a_missed_join_is_back() {
    let mut state = given(&[
        joined(BOB),
        Event::MemberLeft {
            member: BOB,
            at: t(-500),
        },
    ]);
    let listed = Command::SeeMembers(vec![SeenMember {
        member: BOB,
        joined_at: t(-10),
        bot: false,
    }]);
    let (events, _) = decide(&state, &listed, t(0)).expect("ok");
    assert!(
        matches!(events.as_slice(), [Event::MemberJoined { member: BOB, .. }]),
        "{events:?}"
    );
    run(&mut state, &listed, t(0)).expect("ok");
    assert!(state.member(BOB).present);
}

#[test]
fn xp_remove_takes_at_most_what_the_member_has() {
    let mut state = given(&[
        joined(BOB),
        Event::XpGranted {
            member: BOB,
            xp: Xp(30),
            reason: "x".into(),
            by: ADMIN,
        },
    ]);
    let cmd = Command::AdjustXp {
        actor: ADMIN,
        actor_can_manage_guild: true,
        member: BOB,
        member_is_bot: false,
        amount: 100,
        give: false,
        reason: "spam".into(),
    };
    let outcome = run(&mut state, &cmd, t(0)).expect("ok");
    assert!(matches!(
        outcome,
        Outcome::XpAdjusted {
            change: -30,
            total: Xp(0),
            ..
        }
    ));
    assert_eq!(
        run(&mut state, &cmd, t(1)),
        Err(Rejection::NothingToRemove {
            member: format!("<@{BOB}>")
        })
    );
}

#[test]
fn bad_amounts_and_reasons_are_refused() {
    let state = given(&[joined(BOB)]);
    for (amount, reason) in [
        (0, "ok"),
        (-5, "ok"),
        (xp::MAX_ADJUSTMENT + 1, "ok"),
        (5, "   "),
    ] {
        let cmd = Command::AdjustXp {
            actor: ADMIN,
            actor_can_manage_guild: true,
            member: BOB,
            member_is_bot: false,
            amount,
            give: true,
            reason: reason.into(),
        };
        assert!(
            decide(&state, &cmd, t(0)).is_err(),
            "{amount} {reason:?} must be refused"
        );
    }
}

#[test]
fn leaving_and_rejoining_keeps_tenure_without_the_time_away() {
    let mut state = given(&[joined(ALICE)]);
    run(
        &mut state,
        &Command::RecordLeave {
            member: ALICE,
            at: t(0),
        },
        t(0),
    )
    .expect("ok");
    assert!(!state.member(ALICE).present);
    let rejoin = SeenMember {
        member: ALICE,
        joined_at: t(5000),
        bot: false,
    };
    run(&mut state, &Command::RecordJoin(rejoin), t(5000)).expect("ok");
    assert_eq!(
        state.member(ALICE).tenure.time_in_guild(t(5000)),
        TimeDelta::seconds(1000)
    );
}

proptest! {
    /// Whatever the timestamps and their delivery order, two rewarded messages of one member are
    /// never less than the cooldown apart.
    #[test]
    fn xp_never_moves_inside_the_cooldown(offsets in proptest::collection::vec(0i64..600, 1..60)) {
        let mut state = given(&[joined(ALICE)]);
        let mut rewarded = Vec::new();
        for (i, off) in offsets.iter().enumerate() {
            let at = t(*off);
            let id = i64::try_from(i).expect("small");
            if let Ok(Outcome::MessageRewarded { .. }) = run(&mut state, &post(ALICE, id, at, "some words"), at) {
                rewarded.push(at);
            }
        }
        rewarded.sort();
        for pair in rewarded.windows(2) {
            prop_assert!(pair[1] - pair[0] >= xp::MESSAGE_COOLDOWN);
        }
        prop_assert_eq!(xp_of(&state, ALICE), 5 * i64::try_from(rewarded.len()).expect("small"));
    }
}
