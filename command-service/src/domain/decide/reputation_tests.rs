//! Reputation limits: once per pair per day, a daily cap, no self or bot, reaction removal the
//! same day takes the point back, admins purge an alt's points.

use super::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use studio_schema::{GuildId, MessageId, UserId};

const GIVER: UserId = UserId(20);
const ADMIN: UserId = UserId(1);

fn t(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0)
        .single()
        .expect("valid")
        + TimeDelta::hours(hours)
}

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
fn a_pair_gives_once_a_day_and_a_giver_at_most_the_cap() {
    let mut s = GuildState::new(GuildId(1));
    run(&mut s, &rep(30, t(1), None), t(1)).expect("first");
    assert!(matches!(
        run(&mut s, &rep(30, t(2), None), t(2)),
        Err(Rejection::RepAlreadyToday { .. })
    ));
    for r in 31..35 {
        run(&mut s, &rep(r, t(3), None), t(3)).expect("under the cap");
    }
    assert!(matches!(
        run(&mut s, &rep(40, t(4), None), t(4)),
        Err(Rejection::RepDailyCap { cap: 5 })
    ));
    run(&mut s, &rep(30, t(25), None), t(25)).expect("a new day");
    assert_eq!(s.member(UserId(30)).reputation, 2);
    let own = Command::GiveRep {
        giver: GIVER,
        receiver: GIVER,
        receiver_is_bot: false,
        at: t(30),
        message: None,
        reason: None,
    };
    assert_eq!(run(&mut s, &own, t(30)), Err(Rejection::SelfRep));
}

#[test]
fn removing_the_reaction_the_same_day_takes_the_point_back_but_not_the_next_day() {
    let mut s = GuildState::new(GuildId(1));
    run(&mut s, &rep(30, t(1), Some(7)), t(1)).expect("given");
    let take_back = |at| Command::React {
        added: false,
        giver: GIVER,
        author: None,
        message: MessageId(7),
        emoji: "⭐".into(),
        at,
    };
    run(&mut s, &take_back(t(2)), t(2)).expect("taken back");
    assert_eq!(s.member(UserId(30)).reputation, 0);
    run(&mut s, &rep(30, t(3), Some(7)), t(3)).expect("given again the same day");
    run(&mut s, &take_back(t(26)), t(26)).expect("nothing to take back the next day");
    assert_eq!(s.member(UserId(30)).reputation, 1);
}

#[test]
fn an_admin_purges_what_an_alt_gave() {
    let mut s = GuildState::new(GuildId(1));
    run(&mut s, &rep(30, t(1), None), t(1)).expect("given");
    run(&mut s, &rep(30, t(30), None), t(30)).expect("given");
    let purge = |can| Command::PurgeRep {
        actor: ADMIN,
        actor_can_manage_guild: can,
        giver: GIVER,
        reason: "alt account".into(),
    };
    assert_eq!(run(&mut s, &purge(false), t(31)), Err(Rejection::AdminOnly));
    assert_eq!(
        run(&mut s, &purge(true), t(31)),
        Ok(Outcome::RepPurged {
            giver: GIVER,
            count: 2
        })
    );
    assert_eq!(s.member(UserId(30)).reputation, 0);
}

#[test]
fn the_guild_chooses_the_reaction_that_gives_reputation() {
    let mut s = GuildState::new(GuildId(1));
    let react = |emoji: &str, message: i64, at| Command::React {
        added: true,
        giver: GIVER,
        author: Some(UserId(30 + message)),
        message: MessageId(message),
        emoji: emoji.into(),
        at,
    };
    run(&mut s, &react("👍", 1, t(1)), t(1)).expect("ignored");
    assert_eq!(
        s.member(UserId(31)).reputation,
        0,
        "not the reputation reaction"
    );
    let change = Command::ChangeSettings {
        actor: ADMIN,
        actor_can_manage_guild: true,
        change: Box::new(studio_schema::settings::SettingsChange {
            rep_reaction: Some("<:thanks:987>".into()),
            ..Default::default()
        }),
    };
    run(&mut s, &change, t(2)).expect("admin");
    run(&mut s, &react("⭐", 2, t(3)), t(3)).expect("ignored");
    run(&mut s, &react("987", 3, t(3)), t(3)).expect("given");
    assert_eq!(
        (
            s.member(UserId(32)).reputation,
            s.member(UserId(33)).reputation
        ),
        (0, 1)
    );
}
