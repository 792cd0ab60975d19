//! The economy's rules: given events, when a command, then events or a rejection; and a property
//! over random command sequences (credits conserved, nothing negative, replay equal).

use super::*;
use crate::domain::Commission as Cm;
use crate::domain::{Draft, Market, Resolution, Step};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use studio_model::commission::CommissionStatus;
use studio_model::purchase::PurchaseStatus;
use studio_schema::audit::Audit;
use studio_schema::economy::Settlement;
use studio_schema::log::RecordedEvent;
use studio_schema::{Account, CommissionId, Credits, GuildId, ListingId, UserId};

const ADMIN: UserId = UserId(1);
const SELLER: UserId = UserId(10);
const BUYER: UserId = UserId(11);
const OTHER: UserId = UserId(12);

fn t(days: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000, 0).single().expect("valid") + TimeDelta::days(days)
}

/// A guild where SELLER has been a member for `seller_days`, the others for a day.
struct World {
    state: GuildState,
    events: Vec<Event>,
}

impl World {
    fn new(seller_days: i64) -> Self {
        let mut w = Self {
            state: GuildState::new(GuildId(1)),
            events: Vec::new(),
        };
        for (who, days) in [(SELLER, seller_days), (BUYER, 1), (OTHER, 1), (ADMIN, 1)] {
            w.apply(vec![Event::MemberSeen {
                member: who,
                joined_at: t(-days),
                bot: false,
            }]);
        }
        w
    }

    fn apply(&mut self, events: Vec<Event>) {
        for e in events {
            let seq = self.state.last_seq + 1;
            self.state.apply(seq, &e);
            self.events.push(e);
        }
    }

    fn run(&mut self, command: Command, now: DateTime<Utc>) -> Result<Outcome, Rejection> {
        let (events, outcome) = decide(&self.state, &command, now)?;
        self.apply(events);
        Ok(outcome)
    }

    fn ok(&mut self, command: Command) -> Outcome {
        self.run(command, t(0)).expect("accepted")
    }

    fn grant(&mut self, member: UserId, amount: i64) {
        self.ok(Command::AdjustCredits {
            actor: ADMIN,
            actor_can_manage_guild: true,
            member,
            member_is_bot: false,
            amount,
            grant: true,
            reason: "seed".into(),
        });
    }

    fn balance(&self, who: UserId) -> i64 {
        self.state.balance(Account::Member(who)).0
    }

    fn account(&self, account: Account) -> i64 {
        self.state.balance(account).0
    }

    fn sell(&mut self, price: &str) -> ListingId {
        match self.ok(publish(SELLER, None, price)) {
            Outcome::Listed { listing, .. } => listing,
            other => panic!("not listed: {other:?}"),
        }
    }

    fn audit(&self) -> Audit {
        let mut audit = Audit::new(GuildId(1));
        for (seq, e) in (1..).zip(&self.events) {
            audit.check(&RecordedEvent {
                position: seq,
                guild_id: GuildId(1),
                guild_seq: seq,
                event_id: uuid::Uuid::nil(),
                event: e.clone(),
                actor_id: None,
                causation_id: String::new(),
                occurred_at: t(0),
                recorded_at: t(0),
            });
        }
        audit
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

#[test]
fn a_payment_moves_credits_and_an_overdraft_is_refused() {
    let mut w = World::new(40);
    w.grant(BUYER, 100);
    assert!(matches!(
        w.ok(pay(BUYER, OTHER, 60)),
        Outcome::Paid {
            balance: Credits(40),
            ..
        }
    ));
    assert_eq!(
        w.run(pay(BUYER, OTHER, 41), t(0)),
        Err(Rejection::InsufficientCredits {
            balance: Credits(40),
            needed: Credits(41)
        })
    );
    for bad in [0, -5, i64::MAX, 1_000_001] {
        assert!(matches!(
            w.run(pay(BUYER, OTHER, bad), t(0)),
            Err(Rejection::BadCredits { .. })
        ));
    }
    assert_eq!(
        w.run(pay(BUYER, BUYER, 1), t(0)),
        Err(Rejection::SelfPayment)
    );
    assert_eq!((w.balance(BUYER), w.balance(OTHER)), (40, 60));
    assert_eq!(w.account(Account::Mint), -100);
}

#[test]
fn credits_need_an_admin_and_a_revoke_cannot_overdraw() {
    let mut w = World::new(40);
    let grant = |can: bool, grant: bool, amount: i64| Command::AdjustCredits {
        actor: OTHER,
        actor_can_manage_guild: can,
        member: BUYER,
        member_is_bot: false,
        amount,
        grant,
        reason: "prize".into(),
    };
    assert_eq!(
        w.run(grant(false, true, 10), t(0)),
        Err(Rejection::AdminOnly)
    );
    w.ok(grant(true, true, 10));
    assert!(matches!(
        w.run(grant(true, false, 11), t(0)),
        Err(Rejection::NotEnoughToRevoke { .. })
    ));
    w.ok(grant(true, false, 4));
    assert_eq!((w.balance(BUYER), w.account(Account::Treasury)), (6, 4));
}

#[test]
fn a_sale_is_taxed_by_the_sellers_rank_at_the_time_of_sale() {
    for (days, percent) in [(40, 10), (400, 5), (1200, 0)] {
        let mut w = World::new(days);
        w.grant(BUYER, 1000);
        let listing = w.sell("200");
        let Outcome::Purchased { tax, code, .. } = w.ok(buy(BUYER, listing, 1)) else {
            panic!("not bought");
        };
        assert_eq!(tax, Credits(2 * percent));
        assert_eq!(code, "fn astar() {}");
        assert_eq!(w.balance(BUYER), 800);
        assert_eq!(w.balance(SELLER), 200 - 2 * percent);
        assert_eq!(w.account(Account::Treasury), 2 * percent);
        assert_eq!(
            w.state.member(SELLER).xp.0,
            100,
            "a sale earns the seller 100 XP"
        );
    }
}

#[test]
fn beginners_cannot_sell_and_nobody_buys_their_own_listing() {
    let mut w = World::new(3);
    assert!(matches!(
        w.run(publish(SELLER, None, "10"), t(0)),
        Err(Rejection::RankTooLow { .. })
    ));
    let mut w = World::new(40);
    w.grant(SELLER, 100);
    let listing = w.sell("10");
    assert_eq!(
        w.run(buy(SELLER, listing, 1), t(0)),
        Err(Rejection::OwnListing)
    );
}

#[test]
fn hostile_listing_fields_are_refused() {
    let mut w = World::new(40);
    for price in ["-5", "0", "abc", "1e9", "99999999999", ""] {
        assert!(
            matches!(
                w.run(publish(SELLER, None, price), t(0)),
                Err(Rejection::BadPrice { .. })
            ),
            "{price}"
        );
    }
    let mut long = publish(SELLER, None, "5");
    if let Command::Market(Market::Publish { draft, .. }) = &mut long {
        draft.title = "x".repeat(101);
    }
    assert!(matches!(w.run(long, t(0)), Err(Rejection::BadText { .. })));
    assert!(w.state.listings.is_empty());
}

#[test]
fn buying_rechecks_version_balance_and_ownership() {
    let mut w = World::new(40);
    w.grant(BUYER, 150);
    let a = w.sell("100");
    let b = w.sell("100");
    w.ok(publish(SELLER, Some(a), "120"));
    assert_eq!(
        w.run(buy(BUYER, a, 1), t(0)),
        Err(Rejection::ListingChanged {
            listing: a,
            price: Credits(120)
        }),
        "the price shown is still the price"
    );
    w.ok(buy(BUYER, a, 2));
    assert_eq!(
        w.run(buy(BUYER, a, 2), t(0)),
        Err(Rejection::AlreadyBought(a))
    );
    assert!(matches!(
        w.run(buy(BUYER, b, 1), t(0)),
        Err(Rejection::InsufficientCredits { .. })
    ));
    w.ok(Command::Market(Market::Delist {
        actor: SELLER,
        listing: b,
    }));
    w.grant(BUYER, 1000);
    assert_eq!(
        w.run(buy(BUYER, b, 1), t(0)),
        Err(Rejection::ListingInactive(b))
    );
    assert_eq!(
        w.run(
            Command::Market(Market::Delist {
                actor: BUYER,
                listing: a
            }),
            t(0)
        ),
        Err(Rejection::NotTheSeller(a))
    );
}

#[test]
fn only_a_buyer_reviews_once_and_earns_25_xp() {
    let mut w = World::new(40);
    w.grant(BUYER, 100);
    let listing = w.sell("50");
    let review = |who: UserId, stars: &str| {
        Command::Market(Market::Review {
            reviewer: who,
            listing,
            stars: stars.into(),
            text: "solid".into(),
        })
    };
    assert_eq!(
        w.run(review(OTHER, "5"), t(0)),
        Err(Rejection::NotABuyer(listing))
    );
    w.ok(buy(BUYER, listing, 1));
    for bad in ["0", "6", "-1", "five"] {
        assert_eq!(w.run(review(BUYER, bad), t(0)), Err(Rejection::BadStars));
    }
    w.ok(review(BUYER, "4"));
    assert_eq!(
        w.run(review(BUYER, "5"), t(0)),
        Err(Rejection::AlreadyReviewed(listing))
    );
    assert_eq!(w.run(review(SELLER, "5"), t(0)), Err(Rejection::OwnListing));
    assert_eq!(w.state.member(BUYER).xp.0, 25);
}

#[test]
fn refunds_and_disputes_return_the_price_and_revoke_access() {
    let mut w = World::new(40);
    w.grant(BUYER, 100);
    w.grant(OTHER, 100);
    let listing = w.sell("100");
    w.ok(buy(BUYER, listing, 1));
    w.ok(buy(OTHER, listing, 1));
    w.ok(Command::Market(Market::Refund {
        seller: SELLER,
        listing,
        buyer: BUYER,
        reason: "wrong file".into(),
    }));
    assert_eq!(w.balance(BUYER), 100);
    assert_eq!(
        w.state.purchases[&(listing, BUYER)].status,
        PurchaseStatus::Refunded
    );
    let dispute = Command::Market(Market::Dispute {
        buyer: OTHER,
        listing,
        reason: "does not compile".into(),
    });
    w.ok(dispute.clone());
    assert_eq!(w.run(dispute, t(0)), Err(Rejection::AlreadyDisputed));
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
    assert_eq!(w.run(resolve(false, true), t(0)), Err(Rejection::AdminOnly));
    w.ok(resolve(true, false));
    assert_eq!(
        w.state.purchases[&(listing, OTHER)].status,
        PurchaseStatus::Active
    );
    assert_eq!(w.balance(OTHER), 0);
    w.ok(Command::Market(Market::Dispute {
        buyer: OTHER,
        listing,
        reason: "again".into(),
    }));
    w.ok(resolve(true, true));
    assert_eq!(
        (
            w.balance(OTHER),
            w.balance(SELLER),
            w.account(Account::Treasury)
        ),
        (100, 0, 0)
    );
    assert!(w.audit().violations.is_empty());
}

#[test]
fn a_seller_who_spent_the_proceeds_cannot_refund() {
    let mut w = World::new(40);
    w.grant(BUYER, 100);
    let listing = w.sell("100");
    w.ok(buy(BUYER, listing, 1));
    w.ok(pay(SELLER, OTHER, 90));
    let refund = Command::Market(Market::Refund {
        seller: SELLER,
        listing,
        buyer: BUYER,
        reason: "sorry".into(),
    });
    assert!(matches!(
        w.run(refund, t(0)),
        Err(Rejection::SellerCannotRefund { .. })
    ));
}

#[test]
fn featuring_costs_credits_per_day_into_the_treasury() {
    let mut w = World::new(40);
    w.grant(SELLER, 120);
    let listing = w.sell("5");
    let feature = |days| {
        Command::Market(Market::Feature {
            seller: SELLER,
            listing,
            days,
        })
    };
    assert!(matches!(
        w.run(feature(0), t(0)),
        Err(Rejection::BadDays { .. })
    ));
    assert!(matches!(
        w.run(feature(3), t(0)),
        Err(Rejection::InsufficientCredits { .. })
    ));
    let Outcome::Featured { until, .. } = w.ok(feature(2)) else {
        panic!("not featured")
    };
    assert_eq!(until, t(2));
    assert_eq!((w.balance(SELLER), w.account(Account::Treasury)), (20, 100));
}

/// Offers, accepts and funds a commission of 1000 from BUYER (client) to SELLER (developer).
fn funded(w: &mut World) -> CommissionId {
    w.grant(BUYER, 2000);
    let Outcome::Commission { commission, .. } = w.ok(Command::Commission(Cm::Offer {
        client: BUYER,
        developer: SELLER,
        developer_is_bot: false,
        amount: 1000,
        description: "A boss fight".into(),
        deadline_days: 10,
    })) else {
        panic!("no offer")
    };
    let fund = Command::Commission(Cm::Fund {
        client: BUYER,
        commission,
    });
    assert!(
        matches!(w.run(fund.clone(), t(0)), Err(Rejection::WrongStep { .. })),
        "fund before accept"
    );
    w.ok(Command::Commission(Cm::Accept {
        developer: SELLER,
        commission,
    }));
    w.ok(fund);
    assert_eq!(w.balance(BUYER), 850);
    assert_eq!(w.account(Account::Escrow(commission)), 1150);
    commission
}

fn settled(w: &World, c: CommissionId) -> Option<Settlement> {
    match w.state.commissions[&c].status {
        CommissionStatus::Settled(s) => Some(s),
        _ => None,
    }
}

#[test]
fn escrow_released_after_a_milestone_pays_the_rest_and_the_fee() {
    let mut w = World::new(40);
    let c = funded(&mut w);
    let milestone = |amount| {
        Command::Commission(Cm::Milestone {
            client: BUYER,
            commission: c,
            amount,
            note: "art".into(),
        })
    };
    assert!(matches!(
        w.run(milestone(1000), t(0)),
        Err(Rejection::BadMilestone { .. })
    ));
    w.ok(milestone(300));
    assert_eq!(w.balance(SELLER), 300);
    assert!(matches!(
        w.run(
            Command::Commission(Cm::Release {
                client: SELLER,
                commission: c
            }),
            t(0)
        ),
        Err(Rejection::NotYourCommission { .. })
    ));
    w.ok(Command::Commission(Cm::Release {
        client: BUYER,
        commission: c,
    }));
    assert_eq!(settled(&w, c), Some(Settlement::Released));
    assert_eq!(
        (
            w.balance(SELLER),
            w.account(Account::Treasury),
            w.account(Account::Escrow(c))
        ),
        (1000, 150, 0)
    );
}

#[test]
fn escrow_refunds_in_full_only_after_a_missed_deadline() {
    let mut w = World::new(40);
    let c = funded(&mut w);
    let cancel = Command::Commission(Cm::Cancel {
        actor: BUYER,
        commission: c,
    });
    assert!(matches!(
        w.run(cancel.clone(), t(5)),
        Err(Rejection::DeadlineNotPassed { .. })
    ));
    w.run(cancel, t(11)).expect("refund after the deadline");
    assert_eq!(settled(&w, c), Some(Settlement::RefundedAfterDeadline));
    assert_eq!((w.balance(BUYER), w.account(Account::Treasury)), (2000, 0));
}

#[test]
fn a_delivered_commission_releases_itself_at_the_written_time() {
    let mut w = World::new(40);
    let c = funded(&mut w);
    let Outcome::Commission {
        step: Step::Delivered { auto_release_at },
        ..
    } = w.ok(Command::Commission(Cm::Deliver {
        developer: SELLER,
        commission: c,
        review_window: TimeDelta::days(7),
    }))
    else {
        panic!("not delivered")
    };
    assert_eq!(auto_release_at, t(7));
    let auto = Command::Commission(Cm::AutoRelease { commission: c });
    assert!(
        matches!(w.run(auto.clone(), t(6)), Err(Rejection::WrongStep { .. })),
        "too early"
    );
    let (events, _) = decide(&w.state, &auto, t(9)).expect("due");
    match &events[..] {
        [Event::CommissionSettled(s)] => {
            assert_eq!(s.at, t(7), "the due time, not the scheduler's clock")
        }
        other => panic!("{other:?}"),
    }
    w.apply(events);
    assert_eq!(settled(&w, c), Some(Settlement::AutoReleased));
    assert_eq!(w.balance(SELLER), 1000);
}

#[test]
fn each_dispute_outcome_empties_the_escrow_as_decided() {
    for (resolution, developer, client, treasury) in [
        (Resolution::Release, 1000, 850, 150),
        (Resolution::Refund, 0, 2000, 0),
        (Resolution::Split(40), 400, 1450, 150),
    ] {
        let mut w = World::new(40);
        let c = funded(&mut w);
        w.ok(Command::Commission(Cm::Dispute {
            actor: SELLER,
            commission: c,
            reason: "scope".into(),
        }));
        let resolve = |can, resolution| {
            Command::Commission(Cm::Resolve {
                actor: ADMIN,
                actor_can_manage_guild: can,
                commission: c,
                resolution,
            })
        };
        assert_eq!(
            w.run(resolve(false, resolution), t(1)),
            Err(Rejection::AdminOnly)
        );
        assert_eq!(
            w.run(resolve(true, Resolution::Split(101)), t(1)),
            Err(Rejection::BadSplit)
        );
        w.run(resolve(true, resolution), t(1)).expect("resolved");
        assert_eq!(
            (
                w.balance(SELLER),
                w.balance(BUYER),
                w.account(Account::Treasury),
                w.account(Account::Escrow(c))
            ),
            (developer, client, treasury, 0),
            "{resolution:?}"
        );
        assert!(w.audit().violations.is_empty());
    }
}

#[test]
fn an_offer_can_be_withdrawn_before_funding_but_not_by_a_stranger() {
    let mut w = World::new(40);
    w.ok(Command::Commission(Cm::Offer {
        client: BUYER,
        developer: SELLER,
        developer_is_bot: false,
        amount: 10,
        description: "x".into(),
        deadline_days: 1,
    }));
    let c = CommissionId(1);
    assert!(matches!(
        w.run(
            Command::Commission(Cm::Cancel {
                actor: OTHER,
                commission: c
            }),
            t(0)
        ),
        Err(Rejection::NotYourCommission { .. })
    ));
    w.ok(Command::Commission(Cm::Cancel {
        actor: SELLER,
        commission: c,
    }));
    assert_eq!(settled(&w, c), Some(Settlement::Withdrawn));
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
        commission.prop_map(|c| Command::Commission(Cm::AutoRelease { commission: c })),
    ]
    .prop_flat_map(move |c| (Just(c), day.clone()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_economy_history_conserves_credits_and_replays_equal(
        commands in proptest::collection::vec(any_command(), 1..60)
    ) {
        let mut w = World::new(40);
        let mut now = t(0);
        for (command, days) in commands {
            now = now.max(t(days));
            let _ = w.run(command, now);
        }
        let audit = w.audit();
        prop_assert!(audit.violations.is_empty(), "{:?}", audit.violations);
        prop_assert_eq!(audit.total(), 0);
        for (account, balance) in &w.state.balances {
            if account.must_stay_non_negative() {
                prop_assert!(balance.0.0 >= 0, "{} is {}", account, balance.0);
            }
        }
        let mut replayed = GuildState::new(GuildId(1));
        for (seq, e) in (1..).zip(&w.events) {
            replayed.apply(seq, e);
        }
        prop_assert_eq!(replayed, w.state);
    }
}

#[test]
fn an_admin_can_let_beginners_sell() {
    let mut w = World::new(3);
    let allow = |can: bool, allowed: bool| Command::ChangeSettings {
        actor: ADMIN,
        actor_can_manage_guild: can,
        change: Box::new(studio_schema::settings::SettingsChange {
            beginners_may_sell: Some(allowed),
            ..Default::default()
        }),
    };
    assert_eq!(w.run(allow(false, true), t(0)), Err(Rejection::AdminOnly));
    w.ok(allow(true, true));
    w.sell("10");
    w.ok(allow(true, false));
    assert!(matches!(
        w.run(publish(SELLER, None, "10"), t(0)),
        Err(Rejection::RankTooLow { .. })
    ));
}

#[test]
fn buying_again_after_a_refund_earns_the_seller_no_more_xp() {
    let mut w = World::new(40);
    w.grant(BUYER, 100);
    let listing = w.sell("100");
    w.ok(buy(BUYER, listing, 1));
    w.ok(Command::Market(Market::Refund {
        seller: SELLER,
        listing,
        buyer: BUYER,
        reason: "oops".into(),
    }));
    w.ok(buy(BUYER, listing, 1));
    assert_eq!(w.state.member(SELLER).xp.0, 100, "one sale's XP, not two");
    assert_eq!(w.balance(BUYER), 0);
}

#[test]
fn once_the_review_window_closes_the_client_can_no_longer_dispute() {
    let mut w = World::new(40);
    let c = funded(&mut w);
    w.ok(Command::Commission(Cm::Deliver {
        developer: SELLER,
        commission: c,
        review_window: TimeDelta::days(7),
    }));
    let dispute = Command::Commission(Cm::Dispute {
        actor: BUYER,
        commission: c,
        reason: "late".into(),
    });
    assert_eq!(
        w.run(dispute.clone(), t(8)),
        Err(Rejection::ReviewWindowClosed { at: t(7) })
    );
    w.run(dispute, t(6)).expect("inside the window");
}
