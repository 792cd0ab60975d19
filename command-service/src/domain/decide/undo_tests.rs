//! Undo without deleting: given an admin action, when an admin undoes it, then compensating events
//! that reverse it — or a refusal that changes nothing.

use super::testing::{Scenario, days, given, secs};
use super::*;
use crate::domain::{Draft, Found, Market, TournamentCmd, Undo, UndoTarget};
use crate::rules::undo::UndoRefusal;
use studio_schema::settings::SettingsChange;
use studio_schema::{Account, Credits, ListingId, TournamentId, UserId};

const ADMIN: UserId = UserId(1);
const ALICE: UserId = UserId(10);
const BOB: UserId = UserId(11);

fn world() -> Scenario {
    given(&[ADMIN, ALICE, BOB].map(|member| Event::MemberSeen {
        member,
        joined_at: days(-1),
        bot: false,
        seen_at: None,
    }))
}

/// The log position the next event of `s` gets.
fn next_seq(s: &Scenario) -> i64 {
    i64::try_from(s.history().len()).expect("short") + 1
}

/// What the intake reads for the action whose `count` events start at `seq`.
fn found(s: &Scenario, seq: i64, count: usize) -> Found {
    let index = usize::try_from(seq - 1).expect("a position");
    Found {
        events: s.history()[index..index + count]
            .iter()
            .zip(seq..)
            .map(|(e, at)| (at, secs(0), e.clone()))
            .collect(),
        settings_before: s.history()[..index]
            .iter()
            .filter_map(|e| match e {
                Event::GuildSettingsChanged { change, .. } => Some(change.clone()),
                _ => None,
            })
            .collect(),
    }
}

fn undo(s: &Scenario, seq: i64, count: usize) -> Command {
    Command::Undo(Box::new(Undo {
        actor: ADMIN,
        actor_can_manage_guild: true,
        target: UndoTarget::Position(seq),
        reason: "wrong member".into(),
        at: secs(60),
        found: Some(found(s, seq, count)),
        operator: None,
    }))
}

fn credits(member: UserId, amount: i64, grant: bool) -> Command {
    Command::AdjustCredits {
        actor: ADMIN,
        actor_can_manage_guild: true,
        member,
        member_is_bot: false,
        amount,
        grant,
        reason: "jam prize".into(),
    }
}

fn wallet(s: &Scenario, who: UserId) -> i64 {
    s.balance(Account::Member(who))
}

#[test]
fn an_undone_grant_goes_back_to_the_mint_and_names_the_grant() {
    let mut s = world();
    let grant = next_seq(&s);
    s.when(credits(ALICE, 500, true)).outcome();
    let events = s.when(undo(&s, grant, 1)).events();
    assert_eq!(wallet(&s, ALICE), 0);
    assert_eq!(s.balance(Account::Mint), 0, "nothing stays issued");
    let [Event::ActionUndone(u)] = events.as_slice() else {
        panic!("{events:?}");
    };
    assert_eq!(
        (u.original, u.by, u.action.as_str()),
        (grant, ADMIN, "credits granted")
    );
    assert!(s.audit().violations.is_empty());
    assert_eq!(
        s.when(undo(&s, grant, 1)).rejection(),
        Rejection::Undo(UndoRefusal::AlreadyUndone { original: grant })
    );
}

#[test]
fn an_operators_undo_names_the_operator_login() {
    let mut s = world();
    let grant = next_seq(&s);
    s.when(credits(ALICE, 500, true)).outcome();
    let Command::Undo(mut cmd) = undo(&s, grant, 1) else {
        unreachable!("undo() builds an undo");
    };
    cmd.actor = UserId::OPERATOR;
    cmd.operator = Some("bob_ops".into());
    let events = s.when(Command::Undo(cmd)).events();
    let [Event::ActionUndone(u)] = events.as_slice() else {
        panic!("{events:?}");
    };
    assert_eq!(
        (u.by, u.operator.as_deref()),
        (UserId::OPERATOR, Some("bob_ops"))
    );
    assert_eq!(wallet(&s, ALICE), 0);
}

#[test]
fn an_undo_that_would_overdraw_is_refused_and_changes_nothing() {
    let mut s = world();
    let grant = next_seq(&s);
    s.when(credits(ALICE, 500, true)).outcome();
    s.when(Command::Pay {
        from: ALICE,
        to: BOB,
        to_is_bot: false,
        amount: 400,
        note: None,
    })
    .outcome();
    assert_eq!(
        s.when(undo(&s, grant, 1)).rejection(),
        Rejection::Undo(UndoRefusal::WouldOverdraw {
            original: grant,
            account: format!("<@{ALICE}>"),
            balance: Credits(100),
            needed: Credits(500),
        })
    );
    assert_eq!(wallet(&s, ALICE), 100);
}

#[test]
fn a_revoke_undone_gives_the_credits_back_from_the_treasury() {
    let mut s = world();
    s.when(credits(ALICE, 300, true)).outcome();
    let revoke = next_seq(&s);
    s.when(credits(ALICE, 200, false)).outcome();
    s.when(undo(&s, revoke, 1)).outcome();
    assert_eq!(wallet(&s, ALICE), 300);
    assert_eq!(s.balance(Account::Treasury), 0);
}

#[test]
fn only_admins_undo_and_only_admin_actions() {
    let mut s = world();
    s.when(credits(ALICE, 300, true)).outcome();
    let payment = next_seq(&s);
    s.when(Command::Pay {
        from: ALICE,
        to: BOB,
        to_is_bot: false,
        amount: 10,
        note: None,
    })
    .outcome();
    let Command::Undo(mut by_member) = undo(&s, payment - 1, 1) else {
        unreachable!()
    };
    by_member.actor = ALICE;
    by_member.actor_can_manage_guild = false;
    s.when(Command::Undo(by_member))
        .then_rejected(Rejection::AdminOnly);
    s.when(undo(&s, payment, 1))
        .then_rejected(Rejection::Undo(UndoRefusal::NotUndoable {
            position: payment,
            event: "CreditsTransferred".into(),
        }));
    let mut nowhere = undo(&s, payment, 1);
    if let Command::Undo(u) = &mut nowhere {
        u.found = Some(Found::default());
        u.target = UndoTarget::Position(999);
    }
    s.when(nowhere)
        .then_rejected(Rejection::Undo(UndoRefusal::NoSuchPosition(999)));
    let mut unread = undo(&s, payment, 1);
    if let Command::Undo(u) = &mut unread {
        u.found = None;
    }
    s.when(unread)
        .then_rejected(Rejection::Undo(UndoRefusal::LogUnreadable));
}

#[test]
fn the_undo_button_lasts_fifteen_minutes() {
    let mut s = world();
    let grant = next_seq(&s);
    s.when(credits(ALICE, 50, true)).outcome();
    let button = |at| {
        let Command::Undo(mut u) = undo(&s, grant, 1) else {
            unreachable!()
        };
        u.target = UndoTarget::Button("777".into());
        u.at = at;
        Command::Undo(u)
    };
    let late = button(secs(16 * 60));
    let in_time = button(secs(14 * 60));
    s.when(late)
        .then_rejected(Rejection::Undo(UndoRefusal::ButtonExpired {
            original: grant,
        }));
    s.when(in_time).outcome();
    assert_eq!(wallet(&s, ALICE), 0);
}

#[test]
fn xp_given_is_taken_back_unless_the_member_has_less_now() {
    let mut s = world();
    let give = next_seq(&s);
    let xp = |amount, give| Command::AdjustXp {
        actor: ADMIN,
        actor_can_manage_guild: true,
        member: ALICE,
        member_is_bot: false,
        amount,
        give,
        reason: "demo".into(),
    };
    s.when(xp(100, true)).outcome();
    let take = next_seq(&s);
    s.when(xp(60, false)).outcome();
    assert_eq!(
        s.when(undo(&s, give, 1)).rejection(),
        Rejection::Undo(UndoRefusal::XpBelowZero {
            original: give,
            member: ALICE.get(),
            xp: 40,
            needed: 100,
        })
    );
    s.when(undo(&s, take, 1)).outcome();
    assert_eq!(s.xp(ALICE), 100);
    s.when(undo(&s, give, 1)).outcome();
    assert_eq!(s.xp(ALICE), 0);
}

#[test]
fn a_purge_undone_restores_every_point() {
    let mut s = world();
    for receiver in [ALICE, BOB] {
        s.when(Command::GiveRep {
            giver: ADMIN,
            receiver,
            receiver_is_bot: false,
            at: secs(0),
            message: None,
            reason: None,
        })
        .outcome();
    }
    let purge = next_seq(&s);
    s.when(Command::PurgeRep {
        actor: ADMIN,
        actor_can_manage_guild: true,
        giver: ADMIN,
        reason: "alt".into(),
    })
    .outcome();
    assert_eq!(s.state().member(ALICE).reputation, 0);
    s.when(undo(&s, purge, 2)).outcome();
    assert_eq!(s.state().member(ALICE).reputation, 1);
    assert_eq!(s.state().member(BOB).reputation, 1);
}

#[test]
fn a_settings_change_undone_sets_back_what_it_set_unless_a_later_change_did_too() {
    let mut s = world();
    let change = |xp| Command::ChangeSettings {
        actor: ADMIN,
        actor_can_manage_guild: true,
        change: Box::new(SettingsChange {
            message_xp: Some(xp),
            ..SettingsChange::default()
        }),
        role_facts: None,
    };
    s.when(change(8)).outcome();
    let twenty = next_seq(&s);
    s.when(change(20)).outcome();
    s.when(undo(&s, twenty, 1)).outcome();
    assert_eq!(s.state().settings.message_xp.0, 8);

    let thirty = next_seq(&s);
    s.when(change(30)).outcome();
    s.when(change(40)).outcome();
    s.when(undo(&s, thirty, 1))
        .then_rejected(Rejection::Undo(UndoRefusal::Superseded {
            original: thirty,
        }));
    assert_eq!(s.state().settings.message_xp.0, 40);
}

#[test]
fn a_tournament_result_undone_takes_the_prizes_back_and_waits_for_results_again() {
    let mut s = world();
    s.when(Command::Tournament(TournamentCmd::Create {
        actor: ADMIN,
        actor_can_manage_guild: true,
        name: "Jam".into(),
        prize: 1000,
        from_treasury: false,
        days: 7,
    }))
    .outcome();
    for member in [ALICE, BOB] {
        s.when(Command::Tournament(TournamentCmd::Enter {
            member,
            tournament: TournamentId(1),
        }))
        .outcome();
    }
    let results = |first: UserId| {
        Command::Tournament(TournamentCmd::Results {
            actor: ADMIN,
            actor_can_manage_guild: true,
            tournament: TournamentId(1),
            placings: vec![first],
        })
    };
    s.at(days(8));
    let paid = next_seq(&s);
    s.when(results(BOB)).outcome();
    let bob_won = wallet(&s, BOB);
    assert!(bob_won > 0);
    s.when(undo(&s, paid, 1)).outcome();
    assert_eq!(wallet(&s, BOB), 0);
    s.when(results(ALICE)).outcome();
    assert_eq!(
        wallet(&s, ALICE),
        bob_won,
        "paid again, to the right winner"
    );
    assert!(s.audit().violations.is_empty());
}

/// A sale of 100 credits from a seller of 40 days to ALICE, then ALICE's dispute.
fn disputed_sale(s: &mut Scenario) -> (UserId, ListingId) {
    let seller = UserId(20);
    s.given(&[Event::MemberSeen {
        member: seller,
        joined_at: days(-40),
        bot: false,
        seen_at: None,
    }]);
    s.when(credits(ALICE, 100, true)).outcome();
    s.when(Command::Market(Market::Publish {
        seller,
        listing: None,
        draft: Draft {
            title: "Pathfinding".into(),
            description: "A* for grids".into(),
            language: "Rust".into(),
            price: "100".into(),
            code: "fn astar() {}".into(),
        },
    }))
    .outcome();
    let listing = ListingId(1);
    s.when(Command::Market(Market::Buy {
        buyer: ALICE,
        listing,
        version: 1,
    }))
    .outcome();
    s.when(Command::Market(Market::Dispute {
        buyer: ALICE,
        listing,
        reason: "does not compile".into(),
    }))
    .outcome();
    (seller, listing)
}

fn resolve(listing: ListingId, refund: bool) -> Command {
    Command::Market(Market::Resolve {
        actor: ADMIN,
        actor_can_manage_guild: true,
        listing,
        buyer: ALICE,
        refund,
        note: "decided".into(),
    })
}

#[test]
fn a_dispute_decision_undone_puts_the_money_back_on_hold_and_it_can_be_decided_again() {
    let mut s = world();
    let (seller, listing) = disputed_sale(&mut s);
    let held = s.balance(Account::Dispute(listing, ALICE));
    assert!(held > 0);
    let seller_xp = s.xp(seller);

    // Refunded by an admin, then undone: the buyer's refund goes back on hold, the sale's XP back
    // to the seller.
    let refunded = next_seq(&s);
    s.when(resolve(listing, true)).outcome();
    assert_eq!(wallet(&s, ALICE), 100);
    s.when(undo(&s, refunded, 1)).outcome();
    assert_eq!(wallet(&s, ALICE), 0);
    assert_eq!(s.balance(Account::Dispute(listing, ALICE)), held);
    assert_eq!(s.xp(seller), seller_xp);

    // Decided the other way, then undone too: the hold is back, and the decision can be made again.
    let rejected = next_seq(&s);
    s.when(resolve(listing, false)).outcome();
    assert_eq!(s.balance(Account::Dispute(listing, ALICE)), 0);
    s.when(undo(&s, rejected, 1)).outcome();
    assert_eq!(s.balance(Account::Dispute(listing, ALICE)), held);
    s.when(resolve(listing, true)).outcome();
    assert_eq!(wallet(&s, ALICE), 100);
    assert!(s.audit().violations.is_empty());
}

#[test]
fn a_sellers_own_refund_is_not_an_admin_action() {
    let mut s = world();
    let (seller, listing) = disputed_sale(&mut s);
    let refund = next_seq(&s);
    s.when(Command::Market(Market::Refund {
        seller,
        listing,
        buyer: ALICE,
        reason: "sorry".into(),
    }))
    .outcome();
    assert!(matches!(
        s.when(undo(&s, refund, 1)).rejection(),
        Rejection::Undo(UndoRefusal::NotUndoable { .. })
    ));
}

#[test]
fn a_commission_settlement_undone_fills_the_escrow_again_for_a_new_decision() {
    use crate::domain::{Commission as Cm, Resolution};
    let mut s = world();
    let dev = UserId(20);
    s.given(&[Event::MemberSeen {
        member: dev,
        joined_at: days(-40),
        bot: false,
        seen_at: None,
    }]);
    s.when(credits(ALICE, 2000, true)).outcome();
    let Outcome::Commission { commission, .. } = s
        .when(Command::Commission(Cm::Offer {
            client: ALICE,
            developer: dev,
            developer_is_bot: false,
            amount: 1000,
            description: "A boss fight".into(),
            deadline_days: 10,
            deadline_day: chrono::TimeDelta::days(1),
        }))
        .outcome()
    else {
        panic!("no offer")
    };
    s.when(Command::Commission(Cm::Accept {
        developer: dev,
        commission,
    }))
    .outcome();
    s.when(Command::Commission(Cm::Fund {
        client: ALICE,
        commission,
    }))
    .outcome();
    s.when(Command::Commission(Cm::Dispute {
        actor: ALICE,
        commission,
        reason: "scope".into(),
    }))
    .outcome();
    let escrow = s.balance(Account::Escrow(commission));
    let resolve = |resolution| {
        Command::Commission(Cm::Resolve {
            actor: ADMIN,
            actor_can_manage_guild: true,
            commission,
            resolution,
        })
    };
    let released = next_seq(&s);
    s.when(resolve(Resolution::Release)).outcome();
    assert_eq!(wallet(&s, dev), 1000);
    s.when(undo(&s, released, 1)).outcome();
    assert_eq!(wallet(&s, dev), 0);
    assert_eq!(s.balance(Account::Escrow(commission)), escrow);
    s.when(resolve(Resolution::Refund)).outcome();
    assert_eq!(wallet(&s, ALICE), 2000, "the client has it all back");
    assert!(s.audit().violations.is_empty());
}
