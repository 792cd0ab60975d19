//! Tournaments: the pool comes from the mint or the treasury, only entrants place, prizes are paid
//! as postings and what no placing took goes back.

use super::*;
use crate::domain::TournamentCmd;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use studio_schema::{Account, Credits, GuildId, TournamentId, UserId};

const ADMIN: UserId = UserId(1);

fn t(days: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0)
        .single()
        .expect("valid")
        + TimeDelta::days(days)
}

fn run(
    s: &mut GuildState,
    command: TournamentCmd,
    now: DateTime<Utc>,
) -> Result<Outcome, Rejection> {
    let (events, outcome) = decide(s, &Command::Tournament(command), now)?;
    for e in &events {
        let seq = s.last_seq + 1;
        s.apply(seq, e);
    }
    Ok(outcome)
}

fn create(prize: i64, from_treasury: bool) -> TournamentCmd {
    TournamentCmd::Create {
        actor: ADMIN,
        actor_can_manage_guild: true,
        name: "Game jam".into(),
        prize,
        from_treasury,
        days: 7,
    }
}

fn enter(member: i64) -> TournamentCmd {
    TournamentCmd::Enter {
        member: UserId(member),
        tournament: TournamentId(1),
    }
}

fn results(placings: &[i64]) -> TournamentCmd {
    TournamentCmd::Results {
        actor: ADMIN,
        actor_can_manage_guild: true,
        tournament: TournamentId(1),
        placings: placings.iter().copied().map(UserId).collect(),
    }
}

#[test]
fn placings_are_paid_from_the_pool_and_the_rest_goes_back() {
    let mut s = GuildState::new(GuildId(1));
    assert!(matches!(
        run(&mut s, create(499, false), t(0)),
        Err(Rejection::BadPrize { .. })
    ));
    assert!(matches!(
        run(&mut s, create(500, true), t(0)),
        Err(Rejection::TreasuryShort { .. })
    ));
    run(&mut s, create(1000, false), t(0)).expect("created");
    for m in [10, 11, 12] {
        run(&mut s, enter(m), t(1)).expect("entered");
    }
    assert_eq!(
        run(&mut s, enter(10), t(1)),
        Err(Rejection::AlreadyEntered(TournamentId(1)))
    );
    assert_eq!(
        run(&mut s, enter(13), t(8)),
        Err(Rejection::TournamentClosed(TournamentId(1)))
    );
    assert_eq!(
        run(&mut s, results(&[10, 13]), t(8)),
        Err(Rejection::BadPlacings),
        "13 did not enter"
    );
    assert_eq!(
        run(&mut s, results(&[10, 10]), t(8)),
        Err(Rejection::BadPlacings)
    );
    run(&mut s, results(&[11, 10]), t(8)).expect("paid");
    let balance = |m: i64| s.balance(Account::Member(UserId(m))).0;
    assert_eq!((balance(11), balance(10), balance(12)), (500, 300, 0));
    assert_eq!(s.balance(Account::Prize(TournamentId(1))), Credits(0));
    assert_eq!(
        s.balance(Account::Mint),
        Credits(-800),
        "the unplaced 20 % went back"
    );
    assert_eq!(
        run(&mut s, results(&[12]), t(9)),
        Err(Rejection::NoSuchTournament(TournamentId(1)))
    );
}

#[test]
fn a_cancelled_tournament_returns_its_pool_and_only_admins_run_them() {
    let mut s = GuildState::new(GuildId(1));
    let member = TournamentCmd::Create {
        actor: UserId(5),
        actor_can_manage_guild: false,
        name: "x".into(),
        prize: 500,
        from_treasury: false,
        days: 1,
    };
    assert_eq!(run(&mut s, member, t(0)), Err(Rejection::AdminOnly));
    run(&mut s, create(600, false), t(0)).expect("created");
    run(
        &mut s,
        TournamentCmd::Cancel {
            actor: ADMIN,
            actor_can_manage_guild: true,
            tournament: TournamentId(1),
        },
        t(1),
    )
    .expect("cancelled");
    assert_eq!(s.balance(Account::Mint), Credits(0));
}
