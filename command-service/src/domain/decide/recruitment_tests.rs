//! Profiles and contacts: fields checked, contacts only to members open to work, once per pair
//! per day and a few per day.

use super::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use studio_schema::{GuildId, UserId};

fn t(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0)
        .single()
        .expect("valid")
        + TimeDelta::hours(hours)
}

fn profile(member: i64, years: &str, open: &str) -> Command {
    Command::SetProfile {
        member: UserId(member),
        role: "artist".into(),
        years: years.into(),
        skills: "pixel art".into(),
        links: "-".into(),
        open: open.into(),
    }
}

fn contact(from: i64, to: i64, at: DateTime<Utc>) -> Command {
    Command::Contact {
        from: UserId(from),
        to: UserId(to),
        message: "jam?".into(),
        at,
    }
}

fn run(state: &mut GuildState, command: &Command) -> Result<Outcome, Rejection> {
    let (events, outcome) = decide(state, command, t(0))?;
    for e in &events {
        let seq = state.last_seq + 1;
        state.apply(seq, e);
    }
    Ok(outcome)
}

#[test]
fn a_profile_is_saved_with_the_listed_role_or_refused_as_a_whole() {
    let mut s = GuildState::new(GuildId(1));
    assert_eq!(
        run(&mut s, &profile(10, "3", "yes")),
        Ok(Outcome::ProfileSaved {
            role: "Artist".into(),
            open_to_work: true
        })
    );
    assert_eq!(
        run(&mut s, &profile(11, "-2", "yes")),
        Err(Rejection::BadYears { max: 60 })
    );
    assert_eq!(
        run(&mut s, &profile(11, "2", "perhaps")),
        Err(Rejection::BadYesNo)
    );
    assert!(!s.profiles.contains_key(&UserId(11)));
}

#[test]
fn contacts_go_only_to_open_members_once_per_pair_and_three_a_day() {
    let mut s = GuildState::new(GuildId(1));
    for m in 10..15 {
        run(&mut s, &profile(m, "3", "yes")).expect("saved");
    }
    run(&mut s, &profile(15, "3", "no")).expect("saved");
    assert!(matches!(
        run(&mut s, &contact(1, 15, t(1))),
        Err(Rejection::NotOpenToWork { .. })
    ));
    assert!(matches!(
        run(&mut s, &contact(1, 99, t(1))),
        Err(Rejection::NotOpenToWork { .. })
    ));
    assert_eq!(
        run(&mut s, &contact(10, 10, t(1))),
        Err(Rejection::SelfContact)
    );
    run(&mut s, &contact(1, 10, t(1))).expect("first");
    assert!(matches!(
        run(&mut s, &contact(1, 10, t(2))),
        Err(Rejection::ContactedToday { .. })
    ));
    run(&mut s, &contact(1, 11, t(2))).expect("second");
    run(&mut s, &contact(1, 12, t(3))).expect("third");
    assert_eq!(
        run(&mut s, &contact(1, 13, t(4))),
        Err(Rejection::ContactCap { cap: 3 })
    );
    // A new day (UTC) starts afresh, bob included.
    run(&mut s, &contact(1, 10, t(25))).expect("next day");
    run(&mut s, &contact(1, 13, t(25))).expect("next day");
}
