//! Tournaments: the pool comes from the mint or the treasury, only entrants place, prizes are paid
//! as postings and what no placing took goes back.

use super::testing::{days, given};
use super::*;
use crate::domain::TournamentCmd;
use studio_schema::{Account, TournamentId, UserId};

const ADMIN: UserId = UserId(1);

fn create(prize: i64, from_treasury: bool) -> Command {
    Command::Tournament(TournamentCmd::Create {
        actor: ADMIN,
        actor_can_manage_guild: true,
        name: "Game jam".into(),
        prize,
        from_treasury,
        days: 7,
    })
}

fn enter(member: i64) -> Command {
    Command::Tournament(TournamentCmd::Enter {
        member: UserId(member),
        tournament: TournamentId(1),
    })
}

fn results(placings: &[i64]) -> Command {
    Command::Tournament(TournamentCmd::Results {
        actor: ADMIN,
        actor_can_manage_guild: true,
        tournament: TournamentId(1),
        placings: placings.iter().copied().map(UserId).collect(),
    })
}

#[test]
fn placings_are_paid_from_the_pool_and_the_rest_goes_back() {
    let mut s = given(&[]);
    assert!(matches!(
        s.when(create(499, false)).rejection(),
        Rejection::BadPrize { .. }
    ));
    assert!(matches!(
        s.when(create(500, true)).rejection(),
        Rejection::TreasuryShort { .. }
    ));
    s.when(create(1000, false)).outcome();
    s.at(days(1));
    for m in [10, 11, 12] {
        s.when(enter(m)).outcome();
    }
    s.when(enter(10))
        .then_rejected(Rejection::AlreadyEntered(TournamentId(1)));
    s.at(days(8));
    s.when(enter(13))
        .then_rejected(Rejection::TournamentClosed(TournamentId(1)));
    assert_eq!(
        s.when(results(&[10, 13])).rejection(),
        Rejection::BadPlacings,
        "13 did not enter"
    );
    s.when(results(&[10, 10]))
        .then_rejected(Rejection::BadPlacings);
    s.when(results(&[11, 10])).outcome();
    let balance = |m: i64| s.balance(Account::Member(UserId(m)));
    assert_eq!((balance(11), balance(10), balance(12)), (500, 300, 0));
    assert_eq!(s.balance(Account::Prize(TournamentId(1))), 0);
    assert_eq!(
        s.balance(Account::Mint),
        -800,
        "the unplaced 20 % went back"
    );
    s.when_at(results(&[12]), days(9))
        .then_rejected(Rejection::NoSuchTournament(TournamentId(1)));
}

#[test]
fn a_cancelled_tournament_returns_its_pool_and_only_admins_run_them() {
    let mut s = given(&[]);
    let member = Command::Tournament(TournamentCmd::Create {
        actor: UserId(5),
        actor_can_manage_guild: false,
        name: "x".into(),
        prize: 500,
        from_treasury: false,
        days: 1,
    });
    s.when(member).then_rejected(Rejection::AdminOnly);
    s.when(create(600, false)).outcome();
    s.when_at(
        Command::Tournament(TournamentCmd::Cancel {
            actor: ADMIN,
            actor_can_manage_guild: true,
            tournament: TournamentId(1),
        }),
        days(1),
    )
    .outcome();
    assert_eq!(s.balance(Account::Mint), 0);
}
