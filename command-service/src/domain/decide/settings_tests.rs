//! Guild settings: admins only, within limits, in force from their place in the log on; a replay of
//! the earlier history gives the earlier results.

use super::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use studio_schema::settings::SettingsChange;
use studio_schema::{ChannelId, GuildId, MessageId, UserId};

const ADMIN: UserId = UserId(1);
const ALICE: UserId = UserId(10);

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000, 0).single().expect("valid") + TimeDelta::seconds(secs)
}

fn post(message: i64, channel: i64, at: DateTime<Utc>) -> Command {
    Command::PostMessage {
        author: SeenMember {
            member: ALICE,
            joined_at: t(-1000),
            bot: false,
        },
        channel: ChannelId(channel),
        message: MessageId(message),
        content_chars: 20,
        posted_at: at,
    }
}

fn change(can: bool, change: SettingsChange) -> Command {
    Command::ChangeSettings {
        actor: ADMIN,
        actor_can_manage_guild: can,
        change: Box::new(change),
    }
}

fn run(
    state: &mut GuildState,
    log: &mut Vec<Event>,
    command: &Command,
    now: DateTime<Utc>,
) -> Result<Outcome, Rejection> {
    let (events, outcome) = decide(state, command, now)?;
    for e in events {
        let seq = state.last_seq + 1;
        state.apply(seq, &e);
        log.push(e);
    }
    Ok(outcome)
}

fn replay(log: &[Event]) -> GuildState {
    let mut state = GuildState::new(GuildId(1));
    for (seq, e) in (1..).zip(log) {
        state.apply(seq, e);
    }
    state
}

#[test]
fn an_xp_change_counts_from_its_place_in_the_log_and_replay_keeps_the_earlier_xp() {
    let (mut s, mut log) = (GuildState::new(GuildId(1)), Vec::new());
    run(&mut s, &mut log, &post(1, 5, t(0)), t(0)).expect("posted");
    run(&mut s, &mut log, &post(2, 5, t(10)), t(10)).expect("inside the default 60 s");
    assert_eq!(s.member(ALICE).xp.0, 5);
    let before = log.len();

    let more = SettingsChange {
        message_xp: Some(20),
        xp_cooldown_secs: Some(5),
        no_xp_channel: Some((6, true)),
        ..SettingsChange::default()
    };
    assert_eq!(
        run(&mut s, &mut log, &change(false, more.clone()), t(11)),
        Err(Rejection::AdminOnly)
    );
    run(&mut s, &mut log, &change(true, more), t(11)).expect("admin");
    run(&mut s, &mut log, &post(3, 5, t(20)), t(20)).expect("posted");
    run(&mut s, &mut log, &post(4, 6, t(40)), t(40)).expect("a channel without XP");
    assert_eq!(s.member(ALICE).xp.0, 25, "5 before the change, then 20");

    // The whole log replays to the same XP; its prefix before the change to the earlier XP.
    assert_eq!(replay(&log), s);
    assert_eq!(replay(&log[..before]).member(ALICE).xp.0, 5);
}

#[test]
fn out_of_range_settings_are_refused_and_change_nothing() {
    let (mut s, mut log) = (GuildState::new(GuildId(1)), Vec::new());
    let bad = SettingsChange {
        tax_percent: Some([15, 10, 5, 90]),
        ..SettingsChange::default()
    };
    assert!(matches!(
        run(&mut s, &mut log, &change(true, bad), t(0)),
        Err(Rejection::BadSetting(_))
    ));
    assert!(log.is_empty());
    let shown = run(&mut s, &mut log, &Command::ShowSettings, t(0));
    assert!(
        matches!(shown, Ok(Outcome::Settings { ref lines }) if lines.iter().any(|l| l.contains("Learner 10 %")))
    );
}

#[test]
fn new_rank_thresholds_bring_rank_ups_due_from_then_on() {
    let (mut s, mut log) = (GuildState::new(GuildId(1)), Vec::new());
    run(&mut s, &mut log, &post(1, 5, t(0)), t(0)).expect("alice is seen");
    // Joined 1000 s before: a Beginner under the default thresholds, with nothing due.
    assert!(crate::domain::due(&s, t(10)).is_empty());
    let faster = SettingsChange {
        rank_months: Some([0, 1, 2]),
        ..SettingsChange::default()
    };
    run(&mut s, &mut log, &change(true, faster), t(11)).expect("admin");
    let due = crate::domain::due(&s, t(12));
    assert!(
        matches!(&due[..], [(_, Command::ReachRank { member: ALICE, rank })] if *rank == crate::rules::tenure::Rank::Learner),
        "{due:?}"
    );
    let backwards = SettingsChange {
        rank_months: Some([3, 2, 9]),
        ..SettingsChange::default()
    };
    assert!(matches!(
        run(&mut s, &mut log, &change(true, backwards), t(13)),
        Err(Rejection::BadSetting(_))
    ));
}
