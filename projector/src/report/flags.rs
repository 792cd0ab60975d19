//! Fraud flags: patterns in a guild's log worth an auditor's look, each citing the events
//! (`guild_seq`) that tripped it. A flag is a lead, not a verdict.
//!
//! Each rule is pure and looks at the events of the span; what it needs to know from before (when
//! a member joined, who paid whom, who shares a team) it reads from the whole history up to the
//! span's end. Every threshold is a named constant here, in one place:
//!
//! | rule | fires when |
//! |---|---|
//! | [`Rule::TransferRing`] | `/pay` transfers go round a ring of 2 to [`RING_MAX_MEMBERS`] members (A→B→…→A), each leg within [`RING_AMOUNT_TOLERANCE_PERCENT`] % of the first, the round within [`RING_WINDOW`] |
//! | [`Rule::FreshAccountFunded`] | a member less than [`FRESH_ACCOUNT_AGE`] in the guild receives credits from [`FRESH_MIN_SENDERS`] or more distinct members |
//! | [`Rule::RefundRing`] | 2 to [`GROUP_MAX_MEMBERS`] members bought each other's listings round a ring and each sale was refunded by its seller |
//! | [`Rule::ReviewRing`] | 2 to [`GROUP_MAX_MEMBERS`] members reviewed each other's listings round a ring with [`REVIEW_RING_MIN_STARS`]★ or more |
//! | [`Rule::ReputationSwap`] | two members gave each other reputation back and forth [`REP_SWAP_MIN_EXCHANGES`] times or more, each return within [`REP_SWAP_WINDOW`] |
//! | [`Rule::AdminCircleGrant`] | an admin granted credits or XP to themself, to a member they paid or were paid by, or to a member of a team they were in |

mod circle;
mod fresh;
mod groups;
mod reciprocal;
mod rings;

use super::{LoggedEvent, Span};
use chrono::TimeDelta;
use serde::Serialize;
use studio_schema::UserId;

/// A transfer ring has at most this many members.
pub const RING_MAX_MEMBERS: usize = 4;
/// The whole round of a transfer ring happens within this time of its first leg.
pub const RING_WINDOW: TimeDelta = TimeDelta::hours(48);
/// "Comparable amounts": each leg of a ring is within this many percent of the first leg.
pub const RING_AMOUNT_TOLERANCE_PERCENT: i64 = 20;
/// A member is fresh for this long after they joined (or were first seen).
pub const FRESH_ACCOUNT_AGE: TimeDelta = TimeDelta::days(7);
/// A fresh member receiving from this many distinct members or more is flagged.
pub const FRESH_MIN_SENDERS: usize = 5;
/// Buy-and-refund and review rings have at most this many members.
pub const GROUP_MAX_MEMBERS: usize = 4;
/// Only reviews of this many stars or more make a review ring (trading praise).
pub const REVIEW_RING_MIN_STARS: i64 = 4;
/// Reputation given back within this time of receiving it counts as an exchange.
pub const REP_SWAP_WINDOW: TimeDelta = TimeDelta::hours(48);
/// A pair with this many exchanges of reputation or more is flagged.
pub const REP_SWAP_MIN_EXCHANGES: usize = 3;

/// Which rule fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    TransferRing,
    FreshAccountFunded,
    RefundRing,
    ReviewRing,
    ReputationSwap,
    AdminCircleGrant,
}

impl Rule {
    pub const ALL: [Self; 6] = [
        Self::TransferRing,
        Self::FreshAccountFunded,
        Self::RefundRing,
        Self::ReviewRing,
        Self::ReputationSwap,
        Self::AdminCircleGrant,
    ];

    /// The rule's name in the report and in `--json`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::TransferRing => "transfer-ring",
            Self::FreshAccountFunded => "fresh-account-funded",
            Self::RefundRing => "refund-ring",
            Self::ReviewRing => "review-ring",
            Self::ReputationSwap => "reputation-swap",
            Self::AdminCircleGrant => "admin-circle-grant",
        }
    }
}

/// One rule that fired: who, the events that tripped it, and a sentence saying what was seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub rule: Rule,
    /// The members involved (for a ring, in the ring's order).
    pub members: Vec<UserId>,
    /// The `guild_seq` of every event cited, ascending.
    pub seqs: Vec<i64>,
    pub detail: String,
}

impl Flag {
    fn new(rule: Rule, members: Vec<UserId>, mut seqs: Vec<i64>, detail: String) -> Self {
        seqs.sort_unstable();
        seqs.dedup();
        Self {
            rule,
            members,
            seqs,
            detail,
        }
    }
}

/// Every flag the span trips, in the order of the first event each cites.
#[must_use]
pub fn detect(events: &[LoggedEvent], span: Span) -> Vec<Flag> {
    let history: Vec<&LoggedEvent> = events.iter().filter(|e| span.reached(e.seq)).collect();
    let mut flags = Vec::new();
    flags.extend(rings::transfer_rings(&history, span));
    flags.extend(fresh::fresh_accounts_funded(&history, span));
    flags.extend(reciprocal::refund_rings(&history, span));
    flags.extend(reciprocal::review_rings(&history, span));
    flags.extend(reciprocal::reputation_swaps(&history, span));
    flags.extend(circle::admin_circle_grants(&history, span));
    flags.sort_by(|a, b| {
        a.seqs
            .first()
            .cmp(&b.seqs.first())
            .then(a.rule.cmp(&b.rule))
    });
    flags
}

/// Members' ids as a flag's sentence names them (the ids auditors search the log for).
fn names(members: &[UserId]) -> String {
    members
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{Period, Span};
    use super::*;

    #[test]
    fn given_an_ordinary_busy_guild_then_no_flag_fires() {
        let events = busy_guild().events();
        let span = Span::of(&events, Period::default());
        let flags = detect(&events, span);
        assert!(flags.is_empty(), "{flags:#?}");
    }

    #[test]
    fn given_a_busy_guild_with_every_scheme_slipped_in_then_each_fires_once_on_its_own_events() {
        let mut log = busy_guild()
            // A ring: days 20–21, round three members.
            .at(days(20), pay(ALICE, BOB, 400))
            .at(days(20) + chrono::TimeDelta::hours(3), pay(BOB, CAROL, 390))
            .at(days(21), pay(CAROL, ALICE, 410));
        let ring = log.next_seq() - 3;
        // A newcomer funded by five.
        log = log.at(days(18), joined(NEWBIE, days(18)));
        let fresh = log.next_seq();
        for who in [DAVE, ERIN, FRANK, GRACE, HEIDI] {
            log = log.at(days(19), pay(who, NEWBIE, 30));
        }
        // Grace and Heidi buy each other's code, praise it, and refund.
        let trade = log.next_seq();
        log = log
            .at(days(19), buy(GRACE, HEIDI, 90, 100, 10))
            .at(days(19), review(GRACE, HEIDI, 90, 5))
            .at(days(19), buy(HEIDI, GRACE, 91, 100, 10))
            .at(days(19), review(HEIDI, GRACE, 91, 5))
            .at(days(19), refund(HEIDI, GRACE, 90, 100, 10))
            .at(days(19), refund(GRACE, HEIDI, 91, 100, 10));
        // Dave and Erin trade reputation daily.
        let swap = log.next_seq();
        for day in 15..18 {
            log = log
                .at(days(day), rep(DAVE, ERIN, days(day)))
                .at(days(day), rep(ERIN, DAVE, days(day)));
        }
        // The admin grants themself.
        let own = log.next_seq();
        log = log.at(days(20), grant(ADMIN, ADMIN, 1000));

        let events = log.events();
        let flags = detect(&events, Span::of(&events, Period::default()));
        let fired: Vec<(Rule, Vec<i64>)> = flags.iter().map(|f| (f.rule, f.seqs.clone())).collect();
        let mut want = vec![
            (Rule::ReputationSwap, (swap..swap + 6).collect()),
            (Rule::FreshAccountFunded, (fresh..fresh + 5).collect()),
            (
                Rule::RefundRing,
                vec![trade, trade + 2, trade + 4, trade + 5],
            ),
            (Rule::ReviewRing, vec![trade + 1, trade + 3]),
            (Rule::TransferRing, vec![ring, ring + 1, ring + 2]),
            (Rule::AdminCircleGrant, vec![own]),
        ];
        want.sort_by(|a, b| a.1.first().cmp(&b.1.first()).then(a.0.cmp(&b.0)));
        assert_eq!(fired, want, "{flags:#?}");
    }

    #[test]
    fn every_rule_has_its_own_code() {
        let codes: std::collections::BTreeSet<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), Rule::ALL.len());
        for rule in Rule::ALL {
            assert_eq!(
                serde_json::to_value(rule).ok(),
                Some(serde_json::json!(rule.code()))
            );
        }
    }
}
