//! Profiles and contacts: fields checked, contacts only to members open to work, once per pair
//! per day and a few per day.

use super::testing::{given, hours};
use super::*;
use studio_schema::UserId;

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

#[test]
fn a_profile_is_saved_with_the_listed_role_or_refused_as_a_whole() {
    let mut s = given(&[]);
    assert_eq!(
        s.when(profile(10, "3", "yes")).outcome(),
        Outcome::ProfileSaved {
            role: "Artist".into(),
            open_to_work: true
        }
    );
    s.when(profile(11, "-2", "yes"))
        .then_rejected(Rejection::BadYears { max: 60 });
    s.when(profile(11, "2", "perhaps"))
        .then_rejected(Rejection::BadYesNo);
    // Nothing of 11's refused profiles was kept: 11 is not open to work.
    s.when(contact(1, 11, hours(1)))
        .then_rejected(Rejection::NotOpenToWork {
            member: format!("<@{}>", UserId(11)),
        });
}

#[test]
fn contacts_go_only_to_open_members_once_per_pair_and_three_a_day() {
    let mut s = given(&[]);
    for m in 10..15 {
        s.when(profile(m, "3", "yes")).outcome();
    }
    s.when(profile(15, "3", "no")).outcome();
    assert!(matches!(
        s.when(contact(1, 15, hours(1))).rejection(),
        Rejection::NotOpenToWork { .. }
    ));
    assert!(matches!(
        s.when(contact(1, 99, hours(1))).rejection(),
        Rejection::NotOpenToWork { .. }
    ));
    s.when(contact(10, 10, hours(1)))
        .then_rejected(Rejection::SelfContact);
    s.when(contact(1, 10, hours(1))).outcome();
    assert!(matches!(
        s.when(contact(1, 10, hours(2))).rejection(),
        Rejection::ContactedToday { .. }
    ));
    s.when(contact(1, 11, hours(2))).outcome();
    s.when(contact(1, 12, hours(3))).outcome();
    s.when(contact(1, 13, hours(4)))
        .then_rejected(Rejection::ContactCap { cap: 3 });
    // A new day (UTC) starts afresh, bob included.
    s.when(contact(1, 10, hours(25))).outcome();
    s.when(contact(1, 13, hours(25))).outcome();
}
