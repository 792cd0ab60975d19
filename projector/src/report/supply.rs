//! Money supply, faucets and sinks, week by week, and velocity.
//!
//! Supply is every credit outside the mint and the treasury, `-(mint + treasury)`. Each posting on
//! the mint or the treasury is a flow: out of them a [`Faucet`] (credits enter circulation), into
//! them a [`Sink`] (credits leave it), named by the event that moved it. Weeks start on Monday
//! 00:00 UTC (the leaderboards' week, [`studio_model::calendar::week_start`]) and are counted by
//! the events' own times; a week's supply is the supply at its end.

use super::{LoggedEvent, Span};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use studio_schema::{Account, Credits, Event};

/// Where credits entering circulation came from: a posting out of the mint or the treasury.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Faucet {
    /// `/credits grant`.
    AdminGrants,
    /// Daily quests claimed.
    QuestRewards,
    /// Tournament prize pools put aside (from the mint, or the treasury).
    TournamentPrizes,
    /// Marketplace tax given back with a refunded sale.
    TaxRefunds,
    /// Anything else the mint or the treasury paid out.
    OtherRewards,
}

/// Where credits leaving circulation went: a posting into the mint or the treasury.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sink {
    /// Marketplace tax on sales.
    MarketTaxes,
    /// The fee for creating a team.
    TeamFees,
    /// Featuring a listing.
    FeaturedListings,
    /// The commission escrow's fee.
    EscrowFees,
    /// Premium spotlights.
    Spotlights,
    /// Team wallets spent on server services.
    TeamSpending,
    /// `/credits revoke`.
    AdminRevokes,
    /// What no tournament placing took, or a cancelled tournament's pool, going back.
    TournamentReturns,
    /// Anything else the mint or the treasury took in.
    OtherSinks,
}

impl Faucet {
    pub const ALL: [Self; 5] = [
        Self::AdminGrants,
        Self::QuestRewards,
        Self::TournamentPrizes,
        Self::TaxRefunds,
        Self::OtherRewards,
    ];

    /// The faucet a payout of `event` is.
    #[must_use]
    pub fn of(event: &Event) -> Self {
        match event {
            Event::CreditsGranted(_) => Self::AdminGrants,
            Event::QuestClaimed(_) => Self::QuestRewards,
            Event::TournamentCreated(_) => Self::TournamentPrizes,
            Event::PurchaseRefunded(_) => Self::TaxRefunds,
            _ => Self::OtherRewards,
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::AdminGrants => "admin grants",
            Self::QuestRewards => "quest rewards",
            Self::TournamentPrizes => "tournament prizes",
            Self::TaxRefunds => "tax refunds",
            Self::OtherRewards => "other rewards",
        }
    }
}

impl Sink {
    pub const ALL: [Self; 9] = [
        Self::MarketTaxes,
        Self::TeamFees,
        Self::FeaturedListings,
        Self::EscrowFees,
        Self::Spotlights,
        Self::TeamSpending,
        Self::AdminRevokes,
        Self::TournamentReturns,
        Self::OtherSinks,
    ];

    /// The sink an intake of `event` is.
    #[must_use]
    pub fn of(event: &Event) -> Self {
        match event {
            Event::ListingPurchased(_) => Self::MarketTaxes,
            Event::TeamCreated(_) => Self::TeamFees,
            Event::ListingFeatured(_) => Self::FeaturedListings,
            Event::CommissionSettled(_) | Event::MilestoneReleased(_) => Self::EscrowFees,
            Event::SpotlightBought(_) => Self::Spotlights,
            Event::TeamWalletMoved(_) => Self::TeamSpending,
            Event::CreditsRevoked(_) => Self::AdminRevokes,
            Event::TournamentPaid(_) | Event::TournamentCancelled(_) => Self::TournamentReturns,
            _ => Self::OtherSinks,
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::MarketTaxes => "marketplace taxes",
            Self::TeamFees => "team fees",
            Self::FeaturedListings => "featured listings",
            Self::EscrowFees => "escrow fees",
            Self::Spotlights => "spotlights",
            Self::TeamSpending => "team spending",
            Self::AdminRevokes => "admin revokes",
            Self::TournamentReturns => "tournament returns",
            Self::OtherSinks => "other sinks",
        }
    }
}

/// One week of the period.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Week {
    /// Its Monday (UTC).
    pub start: NaiveDate,
    pub faucets: BTreeMap<Faucet, i64>,
    pub sinks: BTreeMap<Sink, i64>,
    /// The supply at the week's end.
    pub supply: i64,
    /// Credits that went from one member's wallet to another's this week.
    pub member_volume: i64,
}

impl Week {
    #[must_use]
    pub fn faucets_total(&self) -> i64 {
        self.faucets.values().sum()
    }

    #[must_use]
    pub fn sinks_total(&self) -> i64 {
        self.sinks.values().sum()
    }
}

/// Where the supply sits at the period's end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Holdings {
    pub members: i64,
    pub teams: i64,
    pub escrows: i64,
    pub prize_pools: i64,
    pub dispute_holds: i64,
}

/// The money side of a report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Money {
    /// Supply before the period's first event.
    pub supply_start: i64,
    /// Supply after its last.
    pub supply_end: i64,
    pub holdings: Holdings,
    /// Every week the period touches, in order, with none skipped.
    pub weeks: Vec<Week>,
    /// Faucets and sinks over the whole period, every kind listed (0 when none).
    pub faucets: BTreeMap<Faucet, i64>,
    pub sinks: BTreeMap<Sink, i64>,
    /// Credits that went from one member's wallet to another's over the period.
    pub member_volume: i64,
    /// The mean of the weeks' closing supply.
    pub average_supply: f64,
    /// `member_volume / average_supply`: how many times the average credit changed hands between
    /// members in the period (`None` without supply).
    pub velocity: Option<f64>,
}

/// Credits that left one member's wallet and reached another's in `event`: the smaller of what
/// members paid and what members received (a sale counts net of its tax; a grant, a fee or a
/// team deposit counts nothing).
#[must_use]
pub fn member_volume(event: &Event) -> i64 {
    let (mut paid, mut received) = (0_i64, 0_i64);
    for p in event.postings() {
        if let Account::Member(_) = p.account {
            if p.amount.0 < 0 {
                paid = paid.saturating_sub(p.amount.0);
            } else {
                received = received.saturating_add(p.amount.0);
            }
        }
    }
    paid.min(received)
}

/// Supply `-(mint + treasury)` of `balances`.
fn supply_of(balances: &BTreeMap<Account, Credits>) -> i64 {
    let held = |a| balances.get(&a).map_or(0, |c: &Credits| c.0);
    -(held(Account::Mint).saturating_add(held(Account::Treasury)))
}

/// The money report of `span`, and every account's balance at its end.
#[must_use]
pub fn money(events: &[LoggedEvent], span: Span) -> (Money, BTreeMap<Account, Credits>) {
    let mut balances: BTreeMap<Account, Credits> = BTreeMap::new();
    let mut supply_start = None;
    let mut weeks: BTreeMap<NaiveDate, Week> = BTreeMap::new();
    // The span's first and last weeks, whether credits moved in them or not.
    let mut span_weeks: Option<(NaiveDate, NaiveDate)> = None;
    for e in events.iter().take_while(|e| span.reached(e.seq)) {
        if span.contains(e.seq) {
            if supply_start.is_none() {
                supply_start = Some(supply_of(&balances));
            }
            let start = studio_model::calendar::week_start(e.at);
            span_weeks =
                Some(span_weeks.map_or((start, start), |(a, b)| (a.min(start), b.max(start))));
            if !e.event.postings().is_empty() {
                let week = weeks.entry(start).or_insert_with(|| Week {
                    start,
                    ..Week::default()
                });
                flows(week, &e.event);
            }
        }
        apply(&mut balances, e);
    }
    let supply_start = supply_start.unwrap_or_else(|| supply_of(&balances));
    // The series runs from the span's first week when credits were already held then (else from
    // the first week they moved) to its last week: before the economy started there is nothing to
    // chart, and after the last movement the supply still stands.
    if let Some((first, last)) = span_weeks {
        if supply_start != 0 {
            weeks.entry(first).or_insert_with(|| Week {
                start: first,
                ..Week::default()
            });
        }
        if !weeks.is_empty() {
            weeks.entry(last).or_insert_with(|| Week {
                start: last,
                ..Week::default()
            });
        }
    }
    let weeks = close_weeks(weeks, supply_start);
    let mut faucets: BTreeMap<Faucet, i64> = Faucet::ALL.iter().map(|f| (*f, 0)).collect();
    let mut sinks: BTreeMap<Sink, i64> = Sink::ALL.iter().map(|s| (*s, 0)).collect();
    for w in &weeks {
        for (f, amount) in &w.faucets {
            *faucets.entry(*f).or_default() += amount;
        }
        for (s, amount) in &w.sinks {
            *sinks.entry(*s).or_default() += amount;
        }
    }
    let member_volume: i64 = weeks.iter().map(|w| w.member_volume).sum();
    #[allow(clippy::cast_precision_loss)] // credits stay far below 2^52
    let average_supply = if weeks.is_empty() {
        supply_start as f64
    } else {
        weeks.iter().map(|w| w.supply as f64).sum::<f64>() / weeks.len() as f64
    };
    #[allow(clippy::cast_precision_loss)]
    let velocity = (average_supply > 0.0).then(|| member_volume as f64 / average_supply);
    let money = Money {
        supply_start,
        supply_end: supply_of(&balances),
        holdings: holdings(&balances),
        weeks,
        faucets,
        sinks,
        member_volume,
        average_supply,
        velocity,
    };
    (money, balances)
}

/// Adds `event`'s flows through the mint and the treasury, and its member-to-member volume, to
/// `week`.
fn flows(week: &mut Week, event: &Event) {
    for p in event.postings() {
        let amount = p.amount.0;
        match p.account {
            Account::Mint | Account::Treasury if amount < 0 => {
                *week.faucets.entry(Faucet::of(event)).or_default() -= amount;
            }
            Account::Mint | Account::Treasury => {
                *week.sinks.entry(Sink::of(event)).or_default() += amount;
            }
            _ => {}
        }
    }
    week.member_volume += member_volume(event);
}

/// Folds `e`'s postings into `balances`.
fn apply(balances: &mut BTreeMap<Account, Credits>, e: &LoggedEvent) {
    for p in e.event.postings() {
        let balance = balances.entry(p.account).or_default();
        *balance = Credits(balance.0.saturating_add(p.amount.0));
    }
}

/// The weeks from the first to the last, none skipped, each with the supply at its end.
fn close_weeks(weeks: BTreeMap<NaiveDate, Week>, supply_start: i64) -> Vec<Week> {
    let (Some(first), Some(last)) = (weeks.keys().next().copied(), weeks.keys().last().copied())
    else {
        return Vec::new();
    };
    let mut closed = Vec::new();
    let mut supply = supply_start;
    let mut start = first;
    while start <= last {
        let mut week = weeks.get(&start).cloned().unwrap_or(Week {
            start,
            ..Week::default()
        });
        supply += week.faucets_total() - week.sinks_total();
        week.supply = supply;
        closed.push(week);
        start += chrono::TimeDelta::days(7);
    }
    closed
}

/// Where the supply sits in `balances`.
fn holdings(balances: &BTreeMap<Account, Credits>) -> Holdings {
    let mut h = Holdings::default();
    for (account, balance) in balances {
        let slot = match account {
            Account::Member(_) => &mut h.members,
            Account::Team(_) => &mut h.teams,
            Account::Escrow(_) => &mut h.escrows,
            Account::Prize(_) => &mut h.prize_pools,
            Account::Dispute(..) => &mut h.dispute_holds,
            Account::Mint | Account::Treasury => continue,
        };
        *slot += balance.0;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{Period, Span};
    use super::*;

    fn of(log: Log) -> Money {
        let events = log.events();
        money(&events, Span::of(&events, Period::default())).0
    }

    #[test]
    fn given_grants_quests_sales_and_fees_then_each_flow_is_counted_once_by_kind() {
        let money = of(Log::new()
            .at(days(0), grant(ADMIN, ALICE, 500))
            .at(days(1), quest(BOB, 100))
            .at(days(2), buy(BOB, ALICE, 1, 80, 8))
            .at(days(3), team_created(1, ALICE, 100))
            .at(days(4), revoke(ADMIN, BOB, 20))
            .at(days(5), refund(ALICE, BOB, 1, 80, 8))
            .at(days(5), pay(ALICE, CAROL, 50)));
        assert_eq!(money.faucets[&Faucet::AdminGrants], 500);
        assert_eq!(money.faucets[&Faucet::QuestRewards], 100);
        assert_eq!(money.faucets[&Faucet::TaxRefunds], 8);
        assert_eq!(
            money.faucets[&Faucet::TournamentPrizes],
            0,
            "every kind listed"
        );
        assert_eq!(money.sinks[&Sink::MarketTaxes], 8);
        assert_eq!(money.sinks[&Sink::TeamFees], 100);
        assert_eq!(money.sinks[&Sink::AdminRevokes], 20);
        // 600 issued, 128 taken in, 8 given back.
        assert_eq!(money.supply_end, 600 - 128 + 8);
        assert_eq!(money.holdings.members, money.supply_end);
        // The sale net of tax, its refund, and the payment changed hands between members.
        assert_eq!(money.member_volume, 72 + 72 + 50);
    }

    #[test]
    fn given_several_weeks_then_each_week_closes_on_supply_before_plus_faucets_minus_sinks() {
        let money = of(Log::new()
            .at(days(0), grant(ADMIN, ALICE, 1000))
            .at(days(8), pay(ALICE, BOB, 200))
            .at(days(9), grant(ADMIN, BOB, 300))
            .at(days(10), revoke(ADMIN, ALICE, 100))
            // A week with nothing in it is still a week of the chart.
            .at(days(22), quest(ALICE, 50)));
        let supplies: Vec<i64> = money.weeks.iter().map(|w| w.supply).collect();
        assert_eq!(supplies, vec![1000, 1200, 1200, 1250]);
        let starts: Vec<String> = money.weeks.iter().map(|w| w.start.to_string()).collect();
        assert_eq!(
            starts,
            ["2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26"]
        );
        let mut supply = money.supply_start;
        for w in &money.weeks {
            supply += w.faucets_total() - w.sinks_total();
            assert_eq!(w.supply, supply, "{w:?}");
        }
        assert_eq!(money.supply_end, supply);
        assert!((money.average_supply - 4650.0 / 4.0).abs() < 1e-9);
    }

    #[test]
    fn given_members_long_before_the_first_credit_then_the_weeks_start_when_credits_first_move() {
        let money = of(Log::new()
            .at(days(-60), seen(ALICE, days(-100)))
            .at(days(1), grant(ADMIN, ALICE, 100))
            .at(days(16), seen(BOB, days(16))));
        let starts: Vec<String> = money.weeks.iter().map(|w| w.start.to_string()).collect();
        assert_eq!(
            starts,
            ["2026-01-05", "2026-01-12", "2026-01-19"],
            "to the period's last week, the supply standing"
        );
        assert!(
            of(Log::new().at(days(0), seen(ALICE, days(0))))
                .weeks
                .is_empty()
        );
    }

    #[test]
    fn given_a_later_period_then_supply_starts_from_the_history_before_it() {
        let events = Log::new()
            .at(days(0), grant(ADMIN, ALICE, 400))
            .at(days(7), pay(ALICE, BOB, 100))
            .at(days(7), pay(BOB, CAROL, 100))
            .events();
        let span = Span::of(
            &events,
            Period {
                from: Some(super::super::Bound::Seq(2)),
                to: None,
            },
        );
        let (money, _) = money(&events, span);
        assert_eq!((money.supply_start, money.supply_end), (400, 400));
        assert_eq!(money.faucets.values().sum::<i64>(), 0);
        // 200 changed hands over an average supply of 400.
        assert_eq!(money.velocity, Some(0.5));
    }
}
