//! [`Rule::TransferRing`]: credits going round a small ring of members with `/pay`.
//!
//! A round is a chain of transfers A→B, B→C, …, →A in log order, 2 to [`RING_MAX_MEMBERS`]
//! members, no member twice, every leg within [`RING_AMOUNT_TOLERANCE_PERCENT`] % of the first and
//! the last within [`RING_WINDOW`] of the first. Each transfer counts in one round at most (the
//! earliest that closes); rounds among the same members are one flag.

use super::groups::merge;
use super::{
    Flag, RING_AMOUNT_TOLERANCE_PERCENT, RING_MAX_MEMBERS, RING_WINDOW, Rule, Span, names,
};
use crate::report::LoggedEvent;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use studio_schema::{Account, Event, UserId};

/// One `/pay` of the span.
#[derive(Clone, Copy, Debug)]
struct Leg {
    seq: i64,
    at: DateTime<Utc>,
    from: UserId,
    to: UserId,
    /// What reached `to`, from the postings.
    amount: i64,
}

fn legs(history: &[&LoggedEvent], span: Span) -> Vec<Leg> {
    history
        .iter()
        .filter(|e| span.contains(e.seq))
        .filter_map(|e| {
            let Event::CreditsTransferred(t) = &e.event else {
                return None;
            };
            let amount = e
                .event
                .postings()
                .iter()
                .find(|p| p.account == Account::Member(t.to))
                .map(|p| p.amount.0)
                .filter(|a| *a > 0)?;
            Some(Leg {
                seq: e.seq,
                at: e.at,
                from: t.from,
                to: t.to,
                amount,
            })
        })
        .collect()
}

/// Whether `amount` is comparable to the first leg's.
fn comparable(first: i64, amount: i64) -> bool {
    (first - amount).abs() * 100 <= RING_AMOUNT_TOLERANCE_PERCENT * first.max(amount)
}

/// The search for rounds over one span's transfers.
struct Rounds {
    legs: Vec<Leg>,
    /// Each sender's legs, by index into `legs` (ascending).
    out: BTreeMap<UserId, Vec<usize>>,
    used: Vec<bool>,
}

impl Rounds {
    fn new(legs: Vec<Leg>) -> Self {
        let mut out: BTreeMap<UserId, Vec<usize>> = BTreeMap::new();
        for (i, leg) in legs.iter().enumerate() {
            out.entry(leg.from).or_default().push(i);
        }
        let used = vec![false; legs.len()];
        Self { legs, out, used }
    }

    /// The earliest round that starts with leg `first`, as leg indices.
    fn round_from(&self, first: usize) -> Option<Vec<usize>> {
        let mut path = vec![first];
        self.extend(&mut path).then_some(path)
    }

    fn extend(&self, path: &mut Vec<usize>) -> bool {
        let (Some(&first), Some(&last)) = (path.first(), path.last()) else {
            return false;
        };
        let (start, head) = (self.legs[first], self.legs[last]);
        if head.to == start.from {
            return path.len() >= 2;
        }
        if path.len() >= RING_MAX_MEMBERS {
            return false;
        }
        let Some(next) = self.out.get(&head.to) else {
            return false;
        };
        let from = next.partition_point(|&i| i <= last);
        for &i in &next[from..] {
            let leg = self.legs[i];
            if leg.at - start.at > RING_WINDOW {
                break;
            }
            let revisits = path.iter().any(|&p| self.legs[p].from == leg.to);
            if self.used[i]
                || !comparable(start.amount, leg.amount)
                || (revisits && leg.to != start.from)
            {
                continue;
            }
            path.push(i);
            if self.extend(path) {
                return true;
            }
            path.pop();
        }
        false
    }
}

pub(super) fn transfer_rings(history: &[&LoggedEvent], span: Span) -> Vec<Flag> {
    let mut rounds = Rounds::new(legs(history, span));
    let mut found = Vec::new();
    for first in 0..rounds.legs.len() {
        if rounds.used[first] {
            continue;
        }
        if let Some(round) = rounds.round_from(first) {
            for &i in &round {
                rounds.used[i] = true;
            }
            let members = round.iter().map(|&i| rounds.legs[i].from).collect();
            let seqs = round.iter().map(|&i| rounds.legs[i].seq).collect();
            found.push((members, seqs));
        }
    }
    merge(found)
        .into_iter()
        .map(|g| {
            let mut ring = names(&g.members).replace(", ", " → ");
            if let Some(first) = g.members.first() {
                ring = format!("{ring} → {first}");
            }
            let seqs: Vec<i64> = g.seqs.into_iter().collect();
            let amounts: Vec<String> = rounds
                .legs
                .iter()
                .filter(|l| seqs.binary_search(&l.seq).is_ok())
                .map(|l| l.amount.to_string())
                .collect();
            Flag::new(
                Rule::TransferRing,
                g.members,
                seqs,
                format!(
                    "credits went round the ring {ring} in comparable amounts ({}): {} round(s), \
                     each within {} h",
                    amounts.join(", "),
                    g.rings,
                    RING_WINDOW.num_hours()
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::*;
    use super::super::super::{Period, Span};
    use super::*;

    fn flags(log: Log) -> Vec<Flag> {
        let events = log.events();
        let history: Vec<&LoggedEvent> = events.iter().collect();
        transfer_rings(&history, Span::of(&events, Period::default()))
    }

    fn funded() -> Log {
        Log::new()
            .at(days(0), grant(ADMIN, ALICE, 1000))
            .at(days(0), grant(ADMIN, BOB, 1000))
            .at(days(0), grant(ADMIN, CAROL, 1000))
            .at(days(0), grant(ADMIN, DAVE, 1000))
    }

    #[test]
    fn given_credits_sent_round_three_members_then_the_ring_is_flagged_with_its_transfers() {
        let log = funded()
            .at(hours(30), pay(ALICE, BOB, 300))
            .at(hours(31), pay(DAVE, ERIN, 50))
            .at(hours(40), pay(BOB, CAROL, 290))
            .at(hours(50), pay(CAROL, ALICE, 310));
        let flags = flags(log);
        assert_eq!(flags.len(), 1, "{flags:#?}");
        assert_eq!(flags[0].rule, Rule::TransferRing);
        assert_eq!(flags[0].members, vec![ALICE, BOB, CAROL]);
        assert_eq!(
            flags[0].seqs,
            vec![5, 7, 8],
            "the unrelated payment is not cited"
        );
        assert!(
            flags[0].detail.contains("11 → 12 → 13 → 11"),
            "{}",
            flags[0].detail
        );
    }

    #[test]
    fn given_a_payment_returned_then_a_ring_of_two_is_flagged_and_repeats_merge() {
        let log = funded()
            .at(hours(1), pay(ALICE, BOB, 100))
            .at(hours(2), pay(BOB, ALICE, 100))
            .at(days(3), pay(BOB, ALICE, 200))
            .at(days(3) + chrono::TimeDelta::hours(1), pay(ALICE, BOB, 190));
        let flags = flags(log);
        assert_eq!(flags.len(), 1, "{flags:#?}");
        assert_eq!(flags[0].seqs, vec![5, 6, 7, 8]);
        assert!(
            flags[0].detail.contains("2 round(s)"),
            "{}",
            flags[0].detail
        );
    }

    #[test]
    fn given_rounds_that_are_too_slow_too_uneven_or_too_wide_then_nothing_is_flagged() {
        let too_slow = funded()
            .at(days(1), pay(ALICE, BOB, 100))
            .at(days(2), pay(BOB, CAROL, 100))
            .at(days(4), pay(CAROL, ALICE, 100));
        assert!(flags(too_slow).is_empty());
        let too_uneven = funded()
            .at(hours(1), pay(ALICE, BOB, 100))
            .at(hours(2), pay(BOB, CAROL, 60))
            .at(hours(3), pay(CAROL, ALICE, 100));
        assert!(flags(too_uneven).is_empty());
        let too_wide = funded()
            .at(hours(1), pay(ALICE, BOB, 100))
            .at(hours(2), pay(BOB, CAROL, 100))
            .at(hours(3), pay(CAROL, DAVE, 100))
            .at(hours(4), pay(DAVE, ERIN, 100))
            .at(hours(5), pay(ERIN, ALICE, 100));
        assert!(flags(too_wide).is_empty(), "five members is no small ring");
        let out_of_order = funded()
            .at(hours(1), pay(BOB, CAROL, 100))
            .at(hours(2), pay(CAROL, ALICE, 100))
            .at(hours(3), pay(ALICE, BOB, 100));
        assert_eq!(
            flags(out_of_order).len(),
            1,
            "a round may start with any of its members"
        );
    }
}
