//! The rules of members doing each other favours: [`Rule::RefundRing`] (buying each other's
//! listings and refunding: sales, reviews and XP without money changing hands), [`Rule::ReviewRing`]
//! (praising each other's listings) and [`Rule::ReputationSwap`] (trading reputation).

use super::groups::{merge, small_cycles};
use super::{
    Flag, GROUP_MAX_MEMBERS, REP_SWAP_MIN_EXCHANGES, REP_SWAP_WINDOW, REVIEW_RING_MIN_STARS, Rule,
    Span, names,
};
use crate::report::LoggedEvent;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use studio_schema::{Event, ListingId, UserId};

/// Directed edges `from → to`, each with the events behind it.
#[derive(Default)]
struct Edges(BTreeMap<(UserId, UserId), Vec<i64>>);

impl Edges {
    fn add(&mut self, from: UserId, to: UserId, seqs: impl IntoIterator<Item = i64>) {
        if from != to {
            self.0.entry((from, to)).or_default().extend(seqs);
        }
    }

    fn graph(&self) -> BTreeMap<UserId, BTreeSet<UserId>> {
        let mut graph: BTreeMap<UserId, BTreeSet<UserId>> = BTreeMap::new();
        for (from, to) in self.0.keys() {
            graph.entry(*from).or_default().insert(*to);
        }
        graph
    }

    /// The groups whose members are tied round rings of 2 to [`GROUP_MAX_MEMBERS`], with the
    /// events of every edge of their rings.
    fn rings(&self) -> Vec<super::groups::Group> {
        let rings = small_cycles(&self.graph(), GROUP_MAX_MEMBERS)
            .into_iter()
            .map(|cycle| {
                let seqs = cycle
                    .iter()
                    .zip(cycle.iter().cycle().skip(1))
                    .flat_map(|(a, b)| self.0.get(&(*a, *b)).into_iter().flatten().copied())
                    .collect();
                (cycle, seqs)
            })
            .collect();
        merge(rings)
    }
}

/// Members who bought each other's listings round a ring, each sale refunded by its own seller
/// within the span (buyer → seller edges; the purchase and the refund cited).
pub(super) fn refund_rings(history: &[&LoggedEvent], span: Span) -> Vec<Flag> {
    let mut bought: BTreeMap<(ListingId, UserId), i64> = BTreeMap::new();
    let mut edges = Edges::default();
    for e in history {
        match &e.event {
            Event::ListingPurchased(p) => {
                bought.insert((p.listing, p.buyer), e.seq);
            }
            Event::PurchaseRefunded(r) if span.contains(e.seq) && r.by == r.seller => {
                let purchase = bought.get(&(r.listing, r.buyer)).copied();
                edges.add(r.buyer, r.seller, purchase.into_iter().chain([e.seq]));
            }
            _ => {}
        }
    }
    edges
        .rings()
        .into_iter()
        .map(|g| {
            Flag::new(
                Rule::RefundRing,
                g.members.clone(),
                g.seqs.into_iter().collect(),
                format!(
                    "members {} bought each other's listings and the sellers refunded them",
                    names(&g.members)
                ),
            )
        })
        .collect()
}

/// Members who reviewed each other's listings round a ring with [`REVIEW_RING_MIN_STARS`] or more
/// (reviewer → seller edges; the reviews cited).
pub(super) fn review_rings(history: &[&LoggedEvent], span: Span) -> Vec<Flag> {
    let mut edges = Edges::default();
    for e in history.iter().filter(|e| span.contains(e.seq)) {
        if let Event::ListingReviewed(r) = &e.event
            && r.stars >= REVIEW_RING_MIN_STARS
        {
            edges.add(r.reviewer, r.seller, [e.seq]);
        }
    }
    edges
        .rings()
        .into_iter()
        .map(|g| {
            Flag::new(
                Rule::ReviewRing,
                g.members.clone(),
                g.seqs.into_iter().collect(),
                format!(
                    "members {} reviewed each other's listings with {REVIEW_RING_MIN_STARS}★ or more",
                    names(&g.members)
                ),
            )
        })
        .collect()
}

/// Pairs who gave each other reputation back and forth: each point given back within
/// [`REP_SWAP_WINDOW`] of one received from the same member is an exchange; a pair with
/// [`REP_SWAP_MIN_EXCHANGES`] exchanges or more is flagged, citing the points exchanged.
pub(super) fn reputation_swaps(history: &[&LoggedEvent], span: Span) -> Vec<Flag> {
    // (smaller, larger) → each point between them, in log order.
    let mut pairs: BTreeMap<(UserId, UserId), Vec<Point>> = BTreeMap::new();
    for e in history.iter().filter(|e| span.contains(e.seq)) {
        if let Event::ReputationGiven(r) = &e.event
            && r.giver != r.receiver
        {
            let key = (r.giver.min(r.receiver), r.giver.max(r.receiver));
            pairs.entry(key).or_default().push(Point {
                forward: r.giver == key.0,
                at: e.at,
                seq: e.seq,
            });
        }
    }
    pairs
        .into_iter()
        .filter_map(|((a, b), points)| {
            let exchanged = exchanges(&points);
            (exchanged.len() >= REP_SWAP_MIN_EXCHANGES).then(|| {
                Flag::new(
                    Rule::ReputationSwap,
                    vec![a, b],
                    exchanged.iter().flat_map(|(x, y)| [*x, *y]).collect(),
                    format!(
                        "members {a} and {b} gave each other reputation back and forth {} times, \
                         each within {} h",
                        exchanged.len(),
                        REP_SWAP_WINDOW.num_hours()
                    ),
                )
            })
        })
        .collect()
}

/// A reputation point between a pair.
#[derive(Clone, Copy)]
struct Point {
    /// Given by the pair's smaller id to the larger.
    forward: bool,
    at: DateTime<Utc>,
    seq: i64,
}

/// Matches each point with an earlier unmatched one the other way within the window: the pairs of
/// `guild_seq`s exchanged.
fn exchanges(points: &[Point]) -> Vec<(i64, i64)> {
    let mut open: Vec<Point> = Vec::new();
    let mut matched = Vec::new();
    for &point in points {
        open.retain(|o| point.at - o.at <= REP_SWAP_WINDOW);
        match open.iter().position(|o| o.forward != point.forward) {
            Some(i) => {
                let earlier = open.remove(i);
                matched.push((earlier.seq, point.seq));
            }
            None => open.push(point),
        }
    }
    matched
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::*;
    use super::super::super::{Period, Span};
    use super::*;

    fn run(log: Log, rule: fn(&[&LoggedEvent], Span) -> Vec<Flag>) -> Vec<Flag> {
        let events = log.events();
        let history: Vec<&LoggedEvent> = events.iter().collect();
        rule(&history, Span::of(&events, Period::default()))
    }

    fn funded() -> Log {
        Log::new()
            .at(days(0), grant(ADMIN, ALICE, 1000))
            .at(days(0), grant(ADMIN, BOB, 1000))
            .at(days(0), grant(ADMIN, CAROL, 1000))
    }

    /// Alice and Bob buy each other's listing, review it 5★, and the sellers refund.
    fn buy_review_refund() -> Log {
        funded()
            .at(days(1), buy(ALICE, BOB, 1, 200, 20)) // 4
            .at(days(1), review(ALICE, BOB, 1, 5)) // 5
            .at(days(1), buy(BOB, ALICE, 2, 200, 20)) // 6
            .at(days(1), review(BOB, ALICE, 2, 5)) // 7
            .at(days(2), refund(BOB, ALICE, 1, 200, 20)) // 8
            .at(days(2), refund(ALICE, BOB, 2, 200, 20)) // 9
    }

    #[test]
    fn given_a_pair_buying_each_other_s_listings_and_refunding_then_a_refund_ring_fires() {
        let flags = run(buy_review_refund(), refund_rings);
        assert_eq!(flags.len(), 1, "{flags:#?}");
        assert_eq!(flags[0].rule, Rule::RefundRing);
        assert_eq!(flags[0].members, vec![ALICE, BOB]);
        assert_eq!(flags[0].seqs, vec![4, 6, 8, 9], "purchases and refunds");
    }

    #[test]
    fn given_one_way_refunds_or_sales_that_stand_then_no_refund_ring_fires() {
        let one_way = funded()
            .at(days(1), buy(ALICE, BOB, 1, 200, 20))
            .at(days(1), buy(BOB, ALICE, 2, 200, 20))
            .at(days(2), refund(BOB, ALICE, 1, 200, 20));
        assert!(run(one_way, refund_rings).is_empty());
        let three_way = funded()
            .at(days(1), buy(ALICE, BOB, 1, 200, 20))
            .at(days(1), buy(BOB, CAROL, 2, 200, 20))
            .at(days(1), buy(CAROL, ALICE, 3, 200, 20))
            .at(days(2), refund(BOB, ALICE, 1, 200, 20))
            .at(days(2), refund(CAROL, BOB, 2, 200, 20))
            .at(days(2), refund(ALICE, CAROL, 3, 200, 20));
        let flags = run(three_way, refund_rings);
        assert_eq!(flags.len(), 1, "a small group round a ring too");
        assert_eq!(flags[0].members, vec![ALICE, BOB, CAROL]);
    }

    #[test]
    fn given_members_praising_each_other_s_listings_then_a_review_ring_fires() {
        let flags = run(buy_review_refund(), review_rings);
        assert_eq!(flags.len(), 1, "{flags:#?}");
        assert_eq!(flags[0].seqs, vec![5, 7]);
        let lukewarm = funded()
            .at(days(1), buy(ALICE, BOB, 1, 200, 20))
            .at(days(1), review(ALICE, BOB, 1, 5))
            .at(days(1), buy(BOB, ALICE, 2, 200, 20))
            .at(days(1), review(BOB, ALICE, 2, 2));
        assert!(run(lukewarm, review_rings).is_empty(), "a 2★ is no favour");
    }

    #[test]
    fn given_a_pair_trading_reputation_three_times_then_a_swap_fires() {
        let mut log = Log::new();
        for day in 0..3 {
            log = log.at(days(day), rep(ALICE, BOB, days(day))).at(
                days(day) + chrono::TimeDelta::hours(1),
                rep(BOB, ALICE, days(day)),
            );
        }
        // Carol thanks both, often, and is thanked once: no trade.
        for day in 0..3 {
            log = log
                .at(days(day), rep(CAROL, ALICE, days(day)))
                .at(days(day), rep(CAROL, BOB, days(day)));
        }
        log = log.at(days(2), rep(ALICE, CAROL, days(2)));
        let flags = run(log, reputation_swaps);
        assert_eq!(flags.len(), 1, "{flags:#?}");
        assert_eq!(flags[0].members, vec![ALICE, BOB]);
        assert_eq!(flags[0].seqs, vec![1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn given_reputation_returned_only_weeks_later_then_no_swap_fires() {
        let mut log = Log::new();
        for week in 0..3 {
            log = log
                .at(days(week * 7), rep(ALICE, BOB, days(week * 7)))
                .at(days(week * 7 + 3), rep(BOB, ALICE, days(week * 7 + 3)));
        }
        assert!(run(log, reputation_swaps).is_empty());
    }
}
