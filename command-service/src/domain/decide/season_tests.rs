//! Seasons: only admins start them, with a name of 1 to 50 characters; each gets the number after the
//! last; starting one resets nothing, and a replay of the log holds the same season.

use super::testing::{days, given, secs};
use super::*;
use studio_model::season::Season;
use studio_schema::{ChannelId, MessageId, SeasonId, UserId};

const ADMIN: UserId = UserId(1);
const ALICE: UserId = UserId(10);

fn start(can: bool, name: &str) -> Command {
    Command::StartSeason {
        actor: ADMIN,
        actor_can_manage_guild: can,
        name: name.into(),
    }
}

fn started(n: i64, name: &str, at: DateTime<Utc>) -> Event {
    Event::SeasonStarted {
        season: SeasonId(n),
        name: name.into(),
        by: ADMIN,
        at,
    }
}

#[test]
fn an_admin_starts_season_one_then_each_next_season_gets_the_next_number() {
    let mut s = given(&[]);
    s.when(start(true, "  Spring Jam  "))
        .then(&[started(1, "Spring Jam", secs(0))]);
    s.at(days(30));
    let outcome = s
        .when(start(true, "Summer"))
        .then(&[started(2, "Summer", days(30))]);
    assert_eq!(
        outcome,
        Outcome::SeasonStarted {
            season: SeasonId(2),
            name: "Summer".into()
        }
    );
    // The log, replayed, holds the same season in force.
    assert_eq!(given(s.history()).state(), s.state());
}

#[test]
fn a_season_after_a_history_follows_the_last_one_in_the_log() {
    given(&[started(7, "Old", secs(0))])
        .when_at(start(true, "New"), days(1))
        .then(&[started(8, "New", days(1))]);
}

#[test]
fn only_admins_start_a_season_and_a_refusal_changes_nothing() {
    let mut s = given(&[started(1, "Spring", secs(0))]);
    s.when(start(false, "Mine now"))
        .then_rejected(Rejection::AdminOnly);
    assert_eq!(s.history().len(), 1, "nothing was written");
    assert_eq!(
        s.state().season.as_ref().map(|season| season.number),
        Some(SeasonId(1))
    );
}

#[test]
fn a_season_needs_a_name_of_1_to_50_characters() {
    let mut s = given(&[]);
    let bad = Rejection::BadText {
        field: "The season's name".into(),
        max: 50,
    };
    s.when(start(true, "   ")).then_rejected(bad.clone());
    s.when(start(true, &"é".repeat(51))).then_rejected(bad);
    assert!(s.history().is_empty());
    s.when(start(true, &"é".repeat(50))).outcome();
}

#[test]
fn starting_a_season_resets_no_xp_and_anyone_may_ask_which_is_in_force() {
    let mut s = given(&[]);
    assert_eq!(
        s.when(Command::ShowSeason).then(&[]),
        Outcome::Season { season: None }
    );
    s.when(Command::PostMessage {
        author: SeenMember {
            member: ALICE,
            joined_at: secs(-1000),
            bot: false,
        },
        roles: Vec::new(),
        channel: ChannelId(5),
        message: MessageId(1),
        content_chars: 20,
        posted_at: secs(0),
    })
    .outcome();
    s.at(days(2));
    s.when(start(true, "Autumn")).outcome();
    assert_eq!(s.xp(ALICE), 5, "all-time XP keeps what was earned before");
    assert_eq!(
        s.when(Command::ShowSeason).then(&[]),
        Outcome::Season {
            season: Some(Season {
                number: SeasonId(1),
                name: "Autumn".into(),
                by: ADMIN,
                started_at: days(2),
            })
        }
    );
}
