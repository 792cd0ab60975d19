//! The economy's rules: given events, when a command, then events or a rejection; and a property
//! over random command sequences (credits conserved, nothing negative, replay equal).

use super::testing::{Scenario, days, given};
use super::*;
use crate::domain::Commission as Cm;
use crate::domain::{Draft, Market, Resolution, Step};
use chrono::TimeDelta;
use proptest::prelude::*;
use studio_schema::economy::Settlement;
use studio_schema::{Account, CommissionId, Credits, GuildId, ListingId, UserId};

const ADMIN: UserId = UserId(1);
const SELLER: UserId = UserId(10);
const BUYER: UserId = UserId(11);
const OTHER: UserId = UserId(12);

/// A guild where SELLER has been a member for `seller_days`, the others for a day.
fn world(seller_days: i64) -> Scenario {
    given(
        &[(SELLER, seller_days), (BUYER, 1), (OTHER, 1), (ADMIN, 1)].map(|(who, d)| {
            Event::MemberSeen {
                member: who,
                joined_at: days(-d),
                bot: false,
                seen_at: None,
            }
        }),
    )
}

fn grant(s: &mut Scenario, member: UserId, amount: i64) {
    s.when(Command::AdjustCredits {
        actor: ADMIN,
        actor_can_manage_guild: true,
        member,
        member_is_bot: false,
        amount,
        grant: true,
        reason: "seed".into(),
    })
    .outcome();
}

fn balance(s: &Scenario, who: UserId) -> i64 {
    s.balance(Account::Member(who))
}

fn sell(s: &mut Scenario, price: &str) -> ListingId {
    match s.when(publish(SELLER, None, price)).outcome() {
        Outcome::Listed { listing, .. } => listing,
        other => panic!("not listed: {other:?}"),
    }
}

fn publish(seller: UserId, listing: Option<ListingId>, price: &str) -> Command {
    Command::Market(Market::Publish {
        seller,
        listing,
        draft: Draft {
            title: "Pathfinding".into(),
            description: "A* for grids".into(),
            language: "Rust".into(),
            price: price.into(),
            code: "fn astar() {}".into(),
        },
    })
}

fn buy(buyer: UserId, listing: ListingId, version: i64) -> Command {
    Command::Market(Market::Buy {
        buyer,
        listing,
        version,
    })
}

fn pay(from: UserId, to: UserId, amount: i64) -> Command {
    Command::Pay {
        from,
        to,
        to_is_bot: false,
        amount,
        note: None,
    }
}

fn dispute(buyer: UserId, listing: ListingId, reason: &str) -> Command {
    Command::Market(Market::Dispute {
        buyer,
        listing,
        reason: reason.into(),
    })
}

#[test]
fn a_payment_moves_credits_and_an_overdraft_is_refused() {
    let mut s = world(40);
    grant(&mut s, BUYER, 100);
    assert!(matches!(
        s.when(pay(BUYER, OTHER, 60)).outcome(),
        Outcome::Paid {
            balance: Credits(40),
            ..
        }
    ));
    s.when(pay(BUYER, OTHER, 41))
        .then_rejected(Rejection::InsufficientCredits {
            balance: Credits(40),
            needed: Credits(41),
        });
    for bad in [0, -5, i64::MAX, 1_000_001] {
        assert!(matches!(
            s.when(pay(BUYER, OTHER, bad)).rejection(),
            Rejection::BadCredits { .. }
        ));
    }
    s.when(pay(BUYER, BUYER, 1))
        .then_rejected(Rejection::SelfPayment);
    assert_eq!((balance(&s, BUYER), balance(&s, OTHER)), (40, 60));
    assert_eq!(s.balance(Account::Mint), -100);
}

#[test]
fn credits_need_an_admin_and_a_revoke_cannot_overdraw() {
    let mut s = world(40);
    let grant = |can: bool, grant: bool, amount: i64| Command::AdjustCredits {
        actor: OTHER,
        actor_can_manage_guild: can,
        member: BUYER,
        member_is_bot: false,
        amount,
        grant,
        reason: "prize".into(),
    };
    s.when(grant(false, true, 10))
        .then_rejected(Rejection::AdminOnly);
    s.when(grant(true, true, 10)).outcome();
    assert!(matches!(
        s.when(grant(true, false, 11)).rejection(),
        Rejection::NotEnoughToRevoke { .. }
    ));
    s.when(grant(true, false, 4)).outcome();
    assert_eq!((balance(&s, BUYER), s.balance(Account::Treasury)), (6, 4));
}

#[test]
fn a_sale_is_taxed_by_the_sellers_rank_at_the_time_of_sale() {
    for (seller_days, percent) in [(40, 10), (400, 5), (1200, 0)] {
        let mut s = world(seller_days);
        grant(&mut s, BUYER, 1000);
        let listing = sell(&mut s, "200");
        let Outcome::Purchased { tax, version, .. } = s.when(buy(BUYER, listing, 1)).outcome()
        else {
            panic!("not bought");
        };
        assert_eq!(tax, Credits(2 * percent));
        assert_eq!(version, 1, "the buyer owns the version they were shown");
        assert_eq!(balance(&s, BUYER), 800);
        assert_eq!(balance(&s, SELLER), 200 - 2 * percent);
        assert_eq!(s.balance(Account::Treasury), 2 * percent);
        assert_eq!(s.xp(SELLER), 100, "a sale earns the seller 100 XP");
    }
}

#[test]
fn beginners_cannot_sell_and_nobody_buys_their_own_listing() {
    assert!(matches!(
        world(3).when(publish(SELLER, None, "10")).rejection(),
        Rejection::RankTooLow { .. }
    ));
    let mut s = world(40);
    grant(&mut s, SELLER, 100);
    let listing = sell(&mut s, "10");
    s.when(buy(SELLER, listing, 1))
        .then_rejected(Rejection::OwnListing);
}

#[test]
fn hostile_listing_fields_are_refused() {
    let mut s = world(40);
    for price in ["-5", "0", "abc", "1e9", "99999999999", ""] {
        assert!(
            matches!(
                s.when(publish(SELLER, None, price)).rejection(),
                Rejection::BadPrice { .. }
            ),
            "{price}"
        );
    }
    let mut long = publish(SELLER, None, "5");
    if let Command::Market(Market::Publish { draft, .. }) = &mut long {
        draft.title = "x".repeat(101);
    }
    assert!(matches!(
        s.when(long).rejection(),
        Rejection::BadText { .. }
    ));
    // Nothing was listed: the next listing is still the first.
    assert_eq!(sell(&mut s, "5"), ListingId(1));
}

#[test]
fn buying_rechecks_version_balance_and_ownership() {
    let mut s = world(40);
    grant(&mut s, BUYER, 150);
    let a = sell(&mut s, "100");
    let b = sell(&mut s, "100");
    s.when(publish(SELLER, Some(a), "120")).outcome();
    assert_eq!(
        s.when(buy(BUYER, a, 1)).rejection(),
        Rejection::ListingChanged {
            listing: a,
            price: Credits(120)
        },
        "the price shown is still the price"
    );
    s.when(buy(BUYER, a, 2)).outcome();
    s.when(buy(BUYER, a, 2))
        .then_rejected(Rejection::AlreadyBought(a));
    assert!(matches!(
        s.when(buy(BUYER, b, 1)).rejection(),
        Rejection::InsufficientCredits { .. }
    ));
    s.when(Command::Market(Market::Delist {
        actor: SELLER,
        listing: b,
    }))
    .outcome();
    grant(&mut s, BUYER, 1000);
    s.when(buy(BUYER, b, 1))
        .then_rejected(Rejection::ListingInactive(b));
    s.when(Command::Market(Market::Delist {
        actor: BUYER,
        listing: a,
    }))
    .then_rejected(Rejection::NotTheSeller(a));
}

#[test]
fn only_a_buyer_reviews_once_and_earns_25_xp() {
    let mut s = world(40);
    grant(&mut s, BUYER, 100);
    let listing = sell(&mut s, "50");
    let review = |who: UserId, stars: &str| {
        Command::Market(Market::Review {
            reviewer: who,
            listing,
            stars: stars.into(),
            text: "solid".into(),
        })
    };
    s.when(review(OTHER, "5"))
        .then_rejected(Rejection::NotABuyer(listing));
    s.when(buy(BUYER, listing, 1)).outcome();
    for bad in ["0", "6", "-1", "five"] {
        s.when(review(BUYER, bad))
            .then_rejected(Rejection::BadStars);
    }
    s.when(review(BUYER, "4")).outcome();
    s.when(review(BUYER, "5"))
        .then_rejected(Rejection::AlreadyReviewed(listing));
    s.when(review(SELLER, "5"))
        .then_rejected(Rejection::OwnListing);
    assert_eq!(s.xp(BUYER), 25);
}

#[test]
fn refunds_and_disputes_return_the_price_and_revoke_access() {
    let mut s = world(40);
    grant(&mut s, BUYER, 100);
    grant(&mut s, OTHER, 100);
    let listing = sell(&mut s, "100");
    s.when(buy(BUYER, listing, 1)).outcome();
    s.when(buy(OTHER, listing, 1)).outcome();
    s.when(Command::Market(Market::Refund {
        seller: SELLER,
        listing,
        buyer: BUYER,
        reason: "wrong file".into(),
    }))
    .outcome();
    assert_eq!(balance(&s, BUYER), 100);
    // Refunded: the buyer can no longer dispute it.
    s.when(dispute(BUYER, listing, "gone"))
        .then_rejected(Rejection::AlreadyRefunded);
    s.when(dispute(OTHER, listing, "does not compile"))
        .outcome();
    s.when(dispute(OTHER, listing, "does not compile"))
        .then_rejected(Rejection::AlreadyDisputed);
    let resolve = |can: bool, refund: bool| {
        Command::Market(Market::Resolve {
            actor: ADMIN,
            actor_can_manage_guild: can,
            listing,
            buyer: OTHER,
            refund,
            note: "checked".into(),
        })
    };
    s.when(resolve(false, true))
        .then_rejected(Rejection::AdminOnly);
    s.when(resolve(true, false)).outcome();
    assert_eq!(balance(&s, OTHER), 0);
    // Active again: the buyer may dispute it once more.
    s.when(dispute(OTHER, listing, "again")).outcome();
    s.when(resolve(true, true)).outcome();
    assert_eq!(
        (
            balance(&s, OTHER),
            balance(&s, SELLER),
            s.balance(Account::Treasury)
        ),
        (100, 0, 0)
    );
    assert!(s.audit().violations.is_empty());
}

#[test]
fn a_seller_who_spent_the_proceeds_cannot_refund() {
    let mut s = world(40);
    grant(&mut s, BUYER, 100);
    let listing = sell(&mut s, "100");
    s.when(buy(BUYER, listing, 1)).outcome();
    s.when(pay(SELLER, OTHER, 90)).outcome();
    let refund = Command::Market(Market::Refund {
        seller: SELLER,
        listing,
        buyer: BUYER,
        reason: "sorry".into(),
    });
    assert!(matches!(
        s.when(refund).rejection(),
        Rejection::SellerCannotRefund { .. }
    ));
}

#[test]
fn featuring_costs_credits_per_day_into_the_treasury() {
    let mut s = world(40);
    grant(&mut s, SELLER, 120);
    let listing = sell(&mut s, "5");
    let feature = |days| {
        Command::Market(Market::Feature {
            seller: SELLER,
            listing,
            days,
        })
    };
    assert!(matches!(
        s.when(feature(0)).rejection(),
        Rejection::BadDays { .. }
    ));
    assert!(matches!(
        s.when(feature(3)).rejection(),
        Rejection::InsufficientCredits { .. }
    ));
    let Outcome::Featured { until, .. } = s.when(feature(2)).outcome() else {
        panic!("not featured")
    };
    assert_eq!(until, days(2));
    assert_eq!(
        (balance(&s, SELLER), s.balance(Account::Treasury)),
        (20, 100)
    );
}

/// Offers, accepts and funds a commission of 1000 from BUYER (client) to SELLER (developer).
fn funded(s: &mut Scenario) -> CommissionId {
    grant(s, BUYER, 2000);
    let Outcome::Commission { commission, .. } = s
        .when(Command::Commission(Cm::Offer {
            client: BUYER,
            developer: SELLER,
            developer_is_bot: false,
            amount: 1000,
            description: "A boss fight".into(),
            deadline_days: 10,
            deadline_day: TimeDelta::days(1),
        }))
        .outcome()
    else {
        panic!("no offer")
    };
    let fund = Command::Commission(Cm::Fund {
        client: BUYER,
        commission,
    });
    assert!(
        matches!(s.when(&fund).rejection(), Rejection::WrongStep { .. }),
        "fund before accept"
    );
    s.when(Command::Commission(Cm::Accept {
        developer: SELLER,
        commission,
    }))
    .outcome();
    s.when(fund).outcome();
    assert_eq!(balance(s, BUYER), 850);
    assert_eq!(s.balance(Account::Escrow(commission)), 1150);
    commission
}

/// How the decided `events` settled commission `c`, once the decider calls it closed.
fn settlement(s: &mut Scenario, c: CommissionId, events: &[Event]) -> Option<Settlement> {
    s.when(Command::Commission(Cm::AutoRelease { commission: c }))
        .then_rejected(Rejection::WrongStep {
            commission: c,
            status: "closed".into(),
        });
    events.iter().find_map(|e| match e {
        Event::CommissionSettled(settled) if settled.commission == c => Some(settled.settlement),
        _ => None,
    })
}

#[test]
fn escrow_released_after_a_milestone_pays_the_rest_and_the_fee() {
    let mut s = world(40);
    let c = funded(&mut s);
    let milestone = |amount| {
        Command::Commission(Cm::Milestone {
            client: BUYER,
            commission: c,
            amount,
            note: "art".into(),
        })
    };
    assert!(matches!(
        s.when(milestone(1000)).rejection(),
        Rejection::BadMilestone { .. }
    ));
    s.when(milestone(300)).outcome();
    assert_eq!(balance(&s, SELLER), 300);
    assert!(matches!(
        s.when(Command::Commission(Cm::Release {
            client: SELLER,
            commission: c
        }))
        .rejection(),
        Rejection::NotYourCommission { .. }
    ));
    let events = s
        .when(Command::Commission(Cm::Release {
            client: BUYER,
            commission: c,
        }))
        .events();
    assert_eq!(settlement(&mut s, c, &events), Some(Settlement::Released));
    assert_eq!(
        (
            balance(&s, SELLER),
            s.balance(Account::Treasury),
            s.balance(Account::Escrow(c))
        ),
        (1000, 150, 0)
    );
}

#[test]
fn escrow_refunds_in_full_only_after_a_missed_deadline() {
    let mut s = world(40);
    let c = funded(&mut s);
    let cancel = Command::Commission(Cm::Cancel {
        actor: BUYER,
        commission: c,
    });
    assert!(matches!(
        s.when_at(&cancel, days(5)).rejection(),
        Rejection::DeadlineNotPassed { .. }
    ));
    let events = s.when_at(cancel, days(11)).events();
    assert_eq!(
        settlement(&mut s, c, &events),
        Some(Settlement::RefundedAfterDeadline)
    );
    assert_eq!(
        (balance(&s, BUYER), s.balance(Account::Treasury)),
        (2000, 0)
    );
}

#[test]
fn a_funded_commission_past_its_deadline_refunds_itself_unless_delivered() {
    let mut s = world(40);
    let c = funded(&mut s);
    let refund = Command::Commission(Cm::DeadlineRefund { commission: c });
    assert!(
        matches!(
            s.when_at(&refund, days(9)).rejection(),
            Rejection::WrongStep { .. }
        ),
        "the deadline has not passed"
    );
    let events = s.when_at(&refund, days(12)).events();
    match &events[..] {
        [Event::CommissionSettled(settled)] => {
            assert_eq!(
                (settled.at, settled.by),
                (days(10), None),
                "at the deadline, by nobody"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        settlement(&mut s, c, &events),
        Some(Settlement::RefundedAfterDeadline)
    );
    assert_eq!(
        (balance(&s, BUYER), s.balance(Account::Treasury)),
        (2000, 0),
        "the client gets everything back, the escrow fee included"
    );

    // Delivered in time: the deadline refunds nothing (the review window decides).
    let mut s = world(40);
    let c = funded(&mut s);
    s.when_at(
        Command::Commission(Cm::Deliver {
            developer: SELLER,
            commission: c,
            review_window: TimeDelta::days(7),
        }),
        days(9),
    )
    .outcome();
    assert!(matches!(
        s.when_at(
            Command::Commission(Cm::DeadlineRefund { commission: c }),
            days(12)
        )
        .rejection(),
        Rejection::WrongStep { .. }
    ));
}

#[test]
fn a_delivered_commission_releases_itself_at_the_written_time() {
    let mut s = world(40);
    let c = funded(&mut s);
    let Outcome::Commission {
        step: Step::Delivered { auto_release_at },
        ..
    } = s
        .when(Command::Commission(Cm::Deliver {
            developer: SELLER,
            commission: c,
            review_window: TimeDelta::days(7),
        }))
        .outcome()
    else {
        panic!("not delivered")
    };
    assert_eq!(auto_release_at, days(7));
    let auto = Command::Commission(Cm::AutoRelease { commission: c });
    assert!(
        matches!(
            s.when_at(&auto, days(6)).rejection(),
            Rejection::WrongStep { .. }
        ),
        "too early"
    );
    let events = s.when_at(auto, days(9)).events();
    match &events[..] {
        [Event::CommissionSettled(settled)] => {
            assert_eq!(
                settled.at,
                days(7),
                "the due time, not the scheduler's clock"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        settlement(&mut s, c, &events),
        Some(Settlement::AutoReleased)
    );
    assert_eq!(balance(&s, SELLER), 1000);
}

#[test]
fn each_dispute_outcome_empties_the_escrow_as_decided() {
    for (resolution, developer, client, treasury) in [
        (Resolution::Release, 1000, 850, 150),
        (Resolution::Refund, 0, 2000, 0),
        (Resolution::Split(40), 400, 1450, 150),
    ] {
        let mut s = world(40);
        let c = funded(&mut s);
        s.when(Command::Commission(Cm::Dispute {
            actor: SELLER,
            commission: c,
            reason: "scope".into(),
        }))
        .outcome();
        let resolve = |can, resolution| {
            Command::Commission(Cm::Resolve {
                actor: ADMIN,
                actor_can_manage_guild: can,
                commission: c,
                resolution,
            })
        };
        s.at(days(1));
        s.when(resolve(false, resolution))
            .then_rejected(Rejection::AdminOnly);
        s.when(resolve(true, Resolution::Split(101)))
            .then_rejected(Rejection::BadSplit);
        s.when(resolve(true, resolution)).outcome();
        assert_eq!(
            (
                balance(&s, SELLER),
                balance(&s, BUYER),
                s.balance(Account::Treasury),
                s.balance(Account::Escrow(c))
            ),
            (developer, client, treasury, 0),
            "{resolution:?}"
        );
        assert!(s.audit().violations.is_empty());
    }
}

#[test]
fn an_offer_can_be_withdrawn_before_funding_but_not_by_a_stranger() {
    let mut s = world(40);
    s.when(Command::Commission(Cm::Offer {
        client: BUYER,
        developer: SELLER,
        developer_is_bot: false,
        amount: 10,
        description: "x".into(),
        deadline_days: 1,
        deadline_day: TimeDelta::days(1),
    }))
    .outcome();
    let c = CommissionId(1);
    assert!(matches!(
        s.when(Command::Commission(Cm::Cancel {
            actor: OTHER,
            commission: c
        }))
        .rejection(),
        Rejection::NotYourCommission { .. }
    ));
    let events = s
        .when(Command::Commission(Cm::Cancel {
            actor: SELLER,
            commission: c,
        }))
        .events();
    assert_eq!(settlement(&mut s, c, &events), Some(Settlement::Withdrawn));
}

/// One random economy command among three members, an admin, two listings and a commission.
fn any_command() -> impl Strategy<Value = (Command, i64)> {
    let member = prop_oneof![Just(SELLER), Just(BUYER), Just(OTHER)];
    let amount = prop_oneof![-10_i64..2_000, Just(i64::MAX), Just(0)];
    let listing = (1_i64..4).prop_map(ListingId);
    let commission = (1_i64..3).prop_map(CommissionId);
    let day = 0_i64..30;
    prop_oneof![
        (member.clone(), member.clone(), amount.clone()).prop_map(|(f, t, a)| pay(f, t, a)),
        (member.clone(), amount.clone(), any::<bool>()).prop_map(|(m, a, g)| {
            Command::AdjustCredits {
                actor: ADMIN,
                actor_can_manage_guild: true,
                member: m,
                member_is_bot: false,
                amount: a,
                grant: g,
                reason: "r".into(),
            }
        }),
        (
            member.clone(),
            proptest::option::of(listing.clone()),
            0_i64..3_000
        )
            .prop_map(|(s, l, p)| publish(s, l, &p.to_string())),
        (member.clone(), listing.clone(), 1_i64..3).prop_map(|(b, l, v)| buy(b, l, v)),
        (member.clone(), listing.clone(), member.clone()).prop_map(|(s, l, b)| Command::Market(
            Market::Refund {
                seller: s,
                listing: l,
                buyer: b,
                reason: "r".into(),
            }
        )),
        (member.clone(), listing.clone(), 1_i64..9).prop_map(|(s, l, d)| Command::Market(
            Market::Feature {
                seller: s,
                listing: l,
                days: d,
            }
        )),
        (member.clone(), member.clone(), amount.clone()).prop_map(|(c, d, a)| Command::Commission(
            Cm::Offer {
                client: c,
                developer: d,
                developer_is_bot: false,
                amount: a,
                description: "d".into(),
                deadline_days: 2,
                deadline_day: TimeDelta::days(1),
            }
        )),
        (member.clone(), commission.clone(), 0_usize..7, amount).prop_map(|(m, c, step, a)| {
            Command::Commission(match step {
                0 => Cm::Accept {
                    developer: m,
                    commission: c,
                },
                1 => Cm::Fund {
                    client: m,
                    commission: c,
                },
                2 => Cm::Milestone {
                    client: m,
                    commission: c,
                    amount: a,
                    note: "m".into(),
                },
                3 => Cm::Deliver {
                    developer: m,
                    commission: c,
                    review_window: TimeDelta::days(1),
                },
                4 => Cm::Release {
                    client: m,
                    commission: c,
                },
                5 => Cm::Cancel {
                    actor: m,
                    commission: c,
                },
                _ => Cm::Dispute {
                    actor: m,
                    commission: c,
                    reason: "r".into(),
                },
            })
        }),
        (commission.clone(), 0_i64..3).prop_map(|(c, s)| Command::Commission(Cm::Resolve {
            actor: ADMIN,
            actor_can_manage_guild: true,
            commission: c,
            resolution: [
                Resolution::Release,
                Resolution::Refund,
                Resolution::Split(30)
            ][usize::try_from(s).unwrap_or(0)],
        })),
        commission
            .clone()
            .prop_map(|c| Command::Commission(Cm::AutoRelease { commission: c })),
        commission.prop_map(|c| Command::Commission(Cm::DeadlineRefund { commission: c })),
    ]
    .prop_flat_map(move |c| (Just(c), day.clone()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_economy_history_conserves_credits_and_replays_equal(
        commands in proptest::collection::vec(any_command(), 1..60)
    ) {
        let mut s = world(40);
        let mut now = days(0);
        for (command, day) in commands {
            now = now.max(days(day));
            let _ = s.when_at(command, now).result();
        }
        let audit = s.audit();
        prop_assert!(audit.violations.is_empty(), "{:?}", audit.violations);
        prop_assert_eq!(audit.total(), 0);
        for (account, balance) in &audit.balances {
            if account.must_stay_non_negative() {
                prop_assert!(balance.0 >= 0, "{} is {}", account, balance);
            }
        }
        let replayed = given(s.history());
        prop_assert_eq!(replayed.state(), s.state());
    }
}

#[test]
fn an_admin_can_let_beginners_sell() {
    let mut s = world(3);
    let allow = |can: bool, allowed: bool| Command::ChangeSettings {
        actor: ADMIN,
        actor_can_manage_guild: can,
        change: Box::new(studio_schema::settings::SettingsChange {
            beginners_may_sell: Some(allowed),
            ..Default::default()
        }),
        role_facts: None,
    };
    s.when(allow(false, true))
        .then_rejected(Rejection::AdminOnly);
    s.when(allow(true, true)).outcome();
    sell(&mut s, "10");
    s.when(allow(true, false)).outcome();
    assert!(matches!(
        s.when(publish(SELLER, None, "10")).rejection(),
        Rejection::RankTooLow { .. }
    ));
}

#[test]
fn buying_again_after_a_refund_earns_the_seller_no_more_xp() {
    let mut s = world(40);
    grant(&mut s, BUYER, 100);
    let listing = sell(&mut s, "100");
    s.when(buy(BUYER, listing, 1)).outcome();
    s.when(Command::Market(Market::Refund {
        seller: SELLER,
        listing,
        buyer: BUYER,
        reason: "oops".into(),
    }))
    .outcome();
    s.when(buy(BUYER, listing, 1)).outcome();
    assert_eq!(s.xp(SELLER), 100, "one sale's XP, not two");
    assert_eq!(balance(&s, BUYER), 0);
}

#[test]
fn once_the_review_window_closes_the_client_can_no_longer_dispute() {
    let mut s = world(40);
    let c = funded(&mut s);
    s.when(Command::Commission(Cm::Deliver {
        developer: SELLER,
        commission: c,
        review_window: TimeDelta::days(7),
    }))
    .outcome();
    let dispute = Command::Commission(Cm::Dispute {
        actor: BUYER,
        commission: c,
        reason: "late".into(),
    });
    s.when_at(&dispute, days(8))
        .then_rejected(Rejection::ReviewWindowClosed { at: days(7) });
    s.when_at(dispute, days(6)).outcome();
}

fn resolve(listing: ListingId, buyer: UserId, refund: bool) -> Command {
    Command::Market(Market::Resolve {
        actor: ADMIN,
        actor_can_manage_guild: true,
        listing,
        buyer,
        refund,
        note: "checked".into(),
    })
}

#[test]
fn a_dispute_holds_the_proceeds_so_the_refund_an_admin_decides_pays() {
    let mut s = world(40);
    grant(&mut s, BUYER, 100);
    let listing = sell(&mut s, "100");
    s.when(buy(BUYER, listing, 1)).outcome();
    assert_eq!(s.xp(SELLER), 100, "the sale's XP");
    let hold = Account::Dispute(listing, BUYER);
    s.when(dispute(BUYER, listing, "does not compile"))
        .outcome();
    // A Learner pays 10 % tax: the seller's 90 are held, not spendable.
    assert_eq!((s.balance(hold), balance(&s, SELLER)), (90, 0));
    s.when(pay(SELLER, OTHER, 90))
        .then_rejected(Rejection::InsufficientCredits {
            balance: Credits(0),
            needed: Credits(90),
        });
    s.when(resolve(listing, BUYER, true)).outcome();
    assert_eq!(
        (balance(&s, BUYER), s.balance(hold), balance(&s, SELLER)),
        (100, 0, 0)
    );
    assert_eq!(s.xp(SELLER), 0, "a refund takes the sale's XP back");
    assert!(s.audit().violations.is_empty());
}

#[test]
fn a_dispute_the_seller_cannot_cover_is_refused_and_a_rejected_one_gives_the_hold_back() {
    let mut s = world(40);
    grant(&mut s, BUYER, 100);
    let listing = sell(&mut s, "100");
    s.when(buy(BUYER, listing, 1)).outcome();
    s.when(pay(SELLER, OTHER, 50)).outcome();
    s.when(dispute(BUYER, listing, "broken"))
        .then_rejected(Rejection::SellerCannotCoverDispute {
            balance: Credits(40),
            needed: Credits(90),
        });
    s.when(pay(OTHER, SELLER, 50)).outcome();
    s.when(dispute(BUYER, listing, "broken")).outcome();
    s.when(resolve(listing, BUYER, false)).outcome();
    let hold = Account::Dispute(listing, BUYER);
    assert_eq!((s.balance(hold), balance(&s, SELLER)), (0, 90));
    assert_eq!(s.xp(SELLER), 100, "a rejected dispute leaves the sale's XP");
    // Refunded later by the seller, without a dispute: the XP goes back then.
    s.when(Command::Market(Market::Refund {
        seller: SELLER,
        listing,
        buyer: BUYER,
        reason: "goodwill".into(),
    }))
    .outcome();
    assert_eq!((s.xp(SELLER), balance(&s, BUYER)), (0, 100));
    assert!(s.audit().violations.is_empty());
}

#[test]
fn a_listing_s_code_is_kept_apart_and_its_event_proves_it_by_hash() {
    let mut s = world(40);
    let command = publish(SELLER, None, "200");
    let events = s.when(&command).events();
    let [Event::ListingCreated(published)] = events.as_slice() else {
        panic!("not published: {events:?}");
    };
    let payload = serde_json::to_string(&events[0]).unwrap_or_default();
    assert!(
        !payload.contains("fn astar()"),
        "the log holds no code: {payload}"
    );
    assert_eq!(
        published.details.code_sha256,
        studio_schema::content::sha256_hex("fn astar() {}")
    );
    let kept = crate::domain::published_code(GuildId(1), &command, &events)
        .map(|c| (c.listing, c.version, c.body));
    assert_eq!(
        kept,
        Some((published.listing, 1, "fn astar() {}".to_owned())),
        "the code goes to the content store with its event"
    );
    assert_eq!(
        crate::domain::published_code(GuildId(1), &buy(BUYER, published.listing, 1), &events),
        None
    );
}

#[test]
fn a_listing_expires_after_its_days_on_sale_and_its_seller_renews_it() {
    let day = TimeDelta::days(1);
    let mut s = world(40);
    let listing = sell(&mut s, "100");
    let expire = Command::Market(Market::Expire { listing, day });
    let due = |s: &Scenario, at| {
        crate::domain::due(s.state(), at, day)
            .into_iter()
            .filter(|(key, _)| key.starts_with("listing-expiry"))
            .collect::<Vec<_>>()
    };
    assert!(due(&s, days(29)).is_empty(), "30 days on sale by default");
    assert_eq!(due(&s, days(31)).len(), 1);
    s.when_at(&expire, days(29)).then(&[]);
    let events = s.when_at(&expire, days(31)).events();
    assert!(
        matches!(&events[..], [Event::ListingExpired(e)] if e.at == days(30)),
        "off sale at the moment its time ran out: {events:?}"
    );
    assert!(due(&s, days(40)).is_empty(), "once");
    assert_eq!(
        s.when_at(buy(BUYER, listing, 1), days(32)).rejection(),
        Rejection::ListingInactive(listing),
        "an expired listing cannot be bought"
    );
    // Only its seller renews it; then it is on sale for another 30 days from the renewal.
    let renew = |who| {
        Command::Market(Market::Renew {
            seller: who,
            listing,
            day,
        })
    };
    assert!(matches!(
        s.when_at(renew(BUYER), days(33)).rejection(),
        Rejection::NotTheSeller(_)
    ));
    match s.when_at(renew(SELLER), days(33)).outcome() {
        Outcome::Renewed { until, .. } => assert_eq!(until, Some(days(63))),
        other => panic!("{other:?}"),
    }
    grant(&mut s, BUYER, 500);
    s.when_at(buy(BUYER, listing, 1), days(34)).outcome();
    assert!(due(&s, days(62)).is_empty() && due(&s, days(64)).len() == 1);

    // A delisted listing is not renewed; with listing-days 0, nothing expires.
    let mut s = world(40);
    let listing = sell(&mut s, "100");
    s.when(Command::Market(Market::Delist {
        actor: SELLER,
        listing,
    }))
    .outcome();
    assert_eq!(
        s.when(renew_of(listing, day)).rejection(),
        Rejection::ListingInactive(listing)
    );
    let mut s = world(40);
    sell(&mut s, "100");
    s.when(Command::ChangeSettings {
        actor: ADMIN,
        actor_can_manage_guild: true,
        change: Box::new(studio_schema::settings::SettingsChange {
            listing_days: Some(0),
            ..Default::default()
        }),
        role_facts: None,
    })
    .outcome();
    assert!(due(&s, days(400)).is_empty());
}

fn renew_of(listing: ListingId, day: TimeDelta) -> Command {
    Command::Market(Market::Renew {
        seller: SELLER,
        listing,
        day,
    })
}
