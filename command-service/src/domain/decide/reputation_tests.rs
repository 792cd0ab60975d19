//! Reputation limits: once per pair per day, a daily cap, no self or bot, reaction removal the
//! same day takes the point back, admins purge an alt's points.

use super::testing::{Scenario, given, hours};
use super::*;
use studio_schema::{MessageId, UserId};

const GIVER: UserId = UserId(20);
const ADMIN: UserId = UserId(1);

fn rep(receiver: i64, at: DateTime<Utc>, message: Option<i64>) -> Command {
    Command::GiveRep {
        giver: GIVER,
        receiver: UserId(receiver),
        receiver_is_bot: false,
        at,
        message: message.map(MessageId),
        reason: None,
    }
}

/// A member's reputation as the decider counts it: the total a point from a stranger would make,
/// less that point (decided on a copy, never folded in).
fn reputation(s: &Scenario, member: i64) -> i64 {
    let from_a_stranger = Command::GiveRep {
        giver: UserId(999),
        receiver: UserId(member),
        receiver_is_bot: false,
        at: hours(0),
        message: None,
        reason: None,
    };
    match s.clone().when(from_a_stranger).outcome() {
        Outcome::RepGiven { total, .. } => total - 1,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_pair_gives_once_a_day_and_a_giver_at_most_the_cap() {
    let mut s = given(&[]);
    s.when_at(rep(30, hours(1), None), hours(1)).outcome();
    assert!(matches!(
        s.when_at(rep(30, hours(2), None), hours(2)).rejection(),
        Rejection::RepAlreadyToday { .. }
    ));
    for r in 31..35 {
        s.when_at(rep(r, hours(3), None), hours(3)).outcome();
    }
    s.when_at(rep(40, hours(4), None), hours(4))
        .then_rejected(Rejection::RepDailyCap { cap: 5 });
    s.when_at(rep(30, hours(25), None), hours(25)).outcome();
    assert_eq!(reputation(&s, 30), 2);
    let own = Command::GiveRep {
        giver: GIVER,
        receiver: GIVER,
        receiver_is_bot: false,
        at: hours(30),
        message: None,
        reason: None,
    };
    s.when_at(own, hours(30)).then_rejected(Rejection::SelfRep);
}

#[test]
fn removing_the_reaction_the_same_day_takes_the_point_back_but_not_the_next_day() {
    let mut s = given(&[]);
    s.when_at(rep(30, hours(1), Some(7)), hours(1)).outcome();
    let take_back = |at| Command::React {
        added: false,
        giver: GIVER,
        author: None,
        message: MessageId(7),
        emoji: "⭐".into(),
        at,
    };
    s.when_at(take_back(hours(2)), hours(2)).outcome();
    assert_eq!(reputation(&s, 30), 0);
    s.when_at(rep(30, hours(3), Some(7)), hours(3)).outcome();
    // Nothing to take back the next day.
    s.when_at(take_back(hours(26)), hours(26)).outcome();
    assert_eq!(reputation(&s, 30), 1);
}

#[test]
fn an_admin_purges_what_an_alt_gave() {
    let mut s = given(&[]);
    s.when_at(rep(30, hours(1), None), hours(1)).outcome();
    s.when_at(rep(30, hours(30), None), hours(30)).outcome();
    let purge = |can| Command::PurgeRep {
        actor: ADMIN,
        actor_can_manage_guild: can,
        giver: GIVER,
        reason: "alt account".into(),
    };
    s.at(hours(31));
    s.when(purge(false)).then_rejected(Rejection::AdminOnly);
    assert_eq!(
        s.when(purge(true)).outcome(),
        Outcome::RepPurged {
            giver: GIVER,
            count: 2
        }
    );
    assert_eq!(reputation(&s, 30), 0);
}

#[test]
fn the_guild_chooses_the_reaction_that_gives_reputation() {
    let mut s = given(&[]);
    let react = |emoji: &str, message: i64, at| Command::React {
        added: true,
        giver: GIVER,
        author: Some(UserId(30 + message)),
        message: MessageId(message),
        emoji: emoji.into(),
        at,
    };
    s.when_at(react("👍", 1, hours(1)), hours(1)).outcome();
    assert_eq!(reputation(&s, 31), 0, "not the reputation reaction");
    let change = Command::ChangeSettings {
        actor: ADMIN,
        actor_can_manage_guild: true,
        change: Box::new(studio_schema::settings::SettingsChange {
            rep_reaction: Some("<:thanks:987>".into()),
            ..Default::default()
        }),
        role_facts: None,
    };
    s.when_at(change, hours(2)).outcome();
    s.at(hours(3));
    s.when(react("⭐", 2, hours(3))).outcome();
    s.when(react("987", 3, hours(3))).outcome();
    assert_eq!((reputation(&s, 32), reputation(&s, 33)), (0, 1));
}
