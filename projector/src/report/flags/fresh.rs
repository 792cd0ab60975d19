//! [`Rule::FreshAccountFunded`]: a member new to the guild receiving credits from many others (alts
//! pooling their credits into one account, or a bought account being filled).
//!
//! A member is fresh for [`FRESH_ACCOUNT_AGE`] from when they joined (the earliest `MemberJoined`
//! or `MemberSeen` of theirs: a rejoin does not make an old member fresh again). Senders are the
//! members whose wallets paid into theirs in the same event (a `/pay`, a purchase of theirs), read
//! from the postings; bots are never flagged.

use super::{FRESH_ACCOUNT_AGE, FRESH_MIN_SENDERS, Flag, Rule, Span, names};
use crate::report::LoggedEvent;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use studio_schema::{Account, Event, UserId};

/// When each member joined, as far as the log knows (bots left out).
fn join_times(history: &[&LoggedEvent]) -> BTreeMap<UserId, DateTime<Utc>> {
    let mut joined: BTreeMap<UserId, DateTime<Utc>> = BTreeMap::new();
    let mut bots = BTreeSet::new();
    for e in history {
        let (member, at, bot) = match &e.event {
            Event::MemberJoined { member, at, bot } => (*member, *at, *bot),
            Event::MemberSeen {
                member,
                joined_at,
                bot,
                ..
            } => (*member, *joined_at, *bot),
            _ => continue,
        };
        if bot {
            bots.insert(member);
        }
        joined
            .entry(member)
            .and_modify(|t| *t = (*t).min(at))
            .or_insert(at);
    }
    joined.retain(|m, _| !bots.contains(m));
    joined
}

pub(super) fn fresh_accounts_funded(history: &[&LoggedEvent], span: Span) -> Vec<Flag> {
    let joined = join_times(history);
    // Fresh member → sender → the events that paid them.
    let mut received: BTreeMap<UserId, BTreeMap<UserId, Vec<i64>>> = BTreeMap::new();
    for e in history.iter().filter(|e| span.contains(e.seq)) {
        let postings = e.event.postings();
        let payers: Vec<UserId> = postings
            .iter()
            .filter_map(|p| match p.account {
                Account::Member(m) if p.amount.0 < 0 => Some(m),
                _ => None,
            })
            .collect();
        for p in postings.iter().filter(|p| p.amount.0 > 0) {
            let Account::Member(receiver) = p.account else {
                continue;
            };
            let fresh = joined
                .get(&receiver)
                .is_some_and(|since| e.at >= *since && e.at - *since < FRESH_ACCOUNT_AGE);
            if !fresh {
                continue;
            }
            for payer in payers.iter().filter(|m| **m != receiver) {
                received
                    .entry(receiver)
                    .or_default()
                    .entry(*payer)
                    .or_default()
                    .push(e.seq);
            }
        }
    }
    received
        .into_iter()
        .filter(|(_, senders)| senders.len() >= FRESH_MIN_SENDERS)
        .map(|(receiver, senders)| {
            let seqs: Vec<i64> = senders.values().flatten().copied().collect();
            let from: Vec<UserId> = senders.keys().copied().collect();
            let detail = format!(
                "member {receiver}, in the guild for less than {} days, received credits from {} \
                 distinct members ({})",
                FRESH_ACCOUNT_AGE.num_days(),
                from.len(),
                names(&from)
            );
            let mut members = vec![receiver];
            members.extend(from);
            Flag::new(Rule::FreshAccountFunded, members, seqs, detail)
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
        fresh_accounts_funded(&history, Span::of(&events, Period::default()))
    }

    const SENDERS: [UserId; 5] = [ALICE, BOB, CAROL, DAVE, ERIN];

    fn funded_cast() -> Log {
        let mut log = Log::new();
        for who in SENDERS {
            log = log
                .at(days(-100), seen(who, days(-300)))
                .at(days(-100), grant(ADMIN, who, 100));
        }
        log
    }

    #[test]
    fn given_a_new_member_paid_by_five_others_in_their_first_week_then_it_is_flagged() {
        let mut log = funded_cast().at(days(0), joined(NEWBIE, days(0)));
        let first = log.next_seq();
        for (n, who) in (0..).zip(SENDERS) {
            log = log.at(days(1) + chrono::TimeDelta::hours(n), pay(who, NEWBIE, 90));
        }
        let flags = flags(log);
        assert_eq!(flags.len(), 1, "{flags:#?}");
        assert_eq!(flags[0].rule, Rule::FreshAccountFunded);
        assert_eq!(flags[0].members[0], NEWBIE);
        assert_eq!(flags[0].seqs, (first..first + 5).collect::<Vec<_>>());
    }

    #[test]
    fn given_an_old_member_or_too_few_senders_or_a_late_week_then_nothing_is_flagged() {
        // An old member who left and rejoined is not fresh.
        let mut old = funded_cast()
            .at(days(-200), seen(NEWBIE, days(-200)))
            .at(days(0), joined(NEWBIE, days(0)));
        for who in SENDERS {
            old = old.at(days(1), pay(who, NEWBIE, 90));
        }
        assert!(flags(old).is_empty());
        // Four senders.
        let mut few = funded_cast().at(days(0), joined(NEWBIE, days(0)));
        for who in &SENDERS[..4] {
            few = few.at(days(1), pay(*who, NEWBIE, 90));
            few = few.at(days(2), pay(*who, NEWBIE, 5));
        }
        assert!(flags(few).is_empty());
        // Paid after the first week.
        let mut later = funded_cast().at(days(0), joined(NEWBIE, days(0)));
        for who in SENDERS {
            later = later.at(days(8), pay(who, NEWBIE, 90));
        }
        assert!(flags(later).is_empty());
    }

    #[test]
    fn given_buyers_of_a_fresh_sellers_listings_then_they_count_as_senders() {
        let mut log = funded_cast().at(days(0), seen(NEWBIE, days(0)));
        for (n, who) in (1..).zip(SENDERS) {
            log = log.at(days(1), buy(who, NEWBIE, n, 50, 5));
        }
        assert_eq!(flags(log).len(), 1);
    }
}
