//! Proving where every credit came from, from the log alone.
//!
//! [`Audit`] folds a guild's events in `guild_seq` order and checks, at every position, that the
//! sequence has no gap, that each event's postings sum to zero, that all balances sum to zero, and
//! that no member, team or escrow account is negative. [`Statement`] explains one account's balance
//! event by event. Pure: the caller reads the log.

use crate::ids::GuildId;
use crate::log::RecordedEvent;
use crate::money::{Account, Credits};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::fmt;

/// A broken rule of the ledger, at the event that broke it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// The guild's sequence skipped or repeated a number.
    Gap {
        guild: GuildId,
        expected: i64,
        found: i64,
    },
    /// An event's postings do not sum to zero.
    Unbalanced { guild: GuildId, seq: i64, sum: i64 },
    /// An account that must never be negative went below zero.
    Negative {
        guild: GuildId,
        seq: i64,
        account: Account,
        balance: i64,
    },
    /// An amount overflowed.
    Overflow { guild: GuildId, seq: i64 },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Gap {
                guild,
                expected,
                found,
            } => {
                write!(f, "guild {guild}: expected seq {expected}, found {found}")
            }
            Self::Unbalanced { guild, seq, sum } => {
                write!(f, "guild {guild} seq {seq}: postings sum to {sum}, not 0")
            }
            Self::Negative {
                guild,
                seq,
                account,
                balance,
            } => {
                write!(f, "guild {guild} seq {seq}: {account} went to {balance}")
            }
            Self::Overflow { guild, seq } => write!(f, "guild {guild} seq {seq}: amount overflow"),
        }
    }
}

/// The ledger of one guild, checked event by event.
#[derive(Clone, Debug)]
pub struct Audit {
    pub guild: GuildId,
    pub last_seq: i64,
    pub balances: BTreeMap<Account, Credits>,
    pub money_events: u64,
    pub postings: u64,
    pub violations: Vec<Violation>,
}

impl Audit {
    /// An audit of `guild` from its first event.
    #[must_use]
    pub fn new(guild: GuildId) -> Self {
        Self {
            guild,
            last_seq: 0,
            balances: BTreeMap::new(),
            money_events: 0,
            postings: 0,
            violations: Vec::new(),
        }
    }

    /// Checks one event, which must be the guild's next.
    pub fn check(&mut self, e: &RecordedEvent) {
        let guild = self.guild;
        if e.guild_seq != self.last_seq + 1 {
            self.violations.push(Violation::Gap {
                guild,
                expected: self.last_seq + 1,
                found: e.guild_seq,
            });
        }
        self.last_seq = e.guild_seq;
        let postings = e.event.postings();
        if postings.is_empty() {
            return;
        }
        self.money_events += 1;
        self.postings += postings.len() as u64;
        let mut sum = 0_i64;
        for p in postings {
            let balance = self.balances.entry(p.account).or_default();
            match (sum.checked_add(p.amount.0), balance.checked_add(p.amount)) {
                (Some(s), Some(b)) => {
                    sum = s;
                    *balance = b;
                }
                _ => {
                    self.violations.push(Violation::Overflow {
                        guild,
                        seq: e.guild_seq,
                    });
                    return;
                }
            }
        }
        if sum != 0 {
            self.violations.push(Violation::Unbalanced {
                guild,
                seq: e.guild_seq,
                sum,
            });
        }
        for p in postings {
            let balance = self.balances.get(&p.account).copied().unwrap_or_default();
            if p.account.must_stay_non_negative() && balance.0 < 0 {
                self.violations.push(Violation::Negative {
                    guild,
                    seq: e.guild_seq,
                    account: p.account,
                    balance: balance.0,
                });
            }
        }
    }

    /// The sum of every balance: zero in a sound ledger.
    #[must_use]
    pub fn total(&self) -> i64 {
        self.balances.values().map(|c| c.0).sum()
    }

    /// Credits issued by the mint so far.
    #[must_use]
    pub fn issued(&self) -> Credits {
        self.balances
            .get(&Account::Mint)
            .copied()
            .unwrap_or_default()
            .negated()
    }
}

/// One line of an account's statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub seq: i64,
    pub event_type: &'static str,
    pub amount: Credits,
    pub balance: Credits,
    pub occurred_at: DateTime<Utc>,
    /// The Discord object that caused it.
    pub causation_id: String,
    /// The other accounts of the event, with their amounts.
    pub counterparts: Vec<(Account, Credits)>,
    /// The action this line undoes (the position of its first event), for an undo.
    pub undoes: Option<i64>,
    /// The undo that reversed this line's action, once one did.
    pub undone_by: Option<i64>,
}

/// An account's balance explained event by event.
#[derive(Clone, Debug, Default)]
pub struct Statement {
    pub lines: Vec<Line>,
}

impl Statement {
    /// Adds `e`'s postings to `account`, if it has any.
    pub fn add(&mut self, account: Account, e: &RecordedEvent) {
        let postings = e.event.postings();
        let amount: i64 = postings
            .iter()
            .filter(|p| p.account == account)
            .map(|p| p.amount.0)
            .sum();
        if !postings.iter().any(|p| p.account == account) {
            return;
        }
        let before = self.lines.last().map_or(Credits::ZERO, |l| l.balance);
        self.lines.push(Line {
            seq: e.guild_seq,
            event_type: e.event.event_type(),
            amount: Credits(amount),
            balance: Credits(before.0.saturating_add(amount)),
            occurred_at: e.occurred_at,
            causation_id: e.causation_id.clone(),
            counterparts: postings
                .iter()
                .filter(|p| p.account != account)
                .map(|p| (p.account, p.amount))
                .collect(),
            undoes: None,
            undone_by: None,
        });
        if let crate::events::Event::ActionUndone(undo) = &e.event {
            for line in &mut self.lines {
                if line.seq == undo.original {
                    line.undone_by = Some(e.guild_seq);
                }
                if line.seq == e.guild_seq {
                    line.undoes = Some(undo.original);
                }
            }
        }
    }

    /// The balance after the last line.
    #[must_use]
    pub fn balance(&self) -> Credits {
        self.lines.last().map_or(Credits::ZERO, |l| l.balance)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::economy::{CreditsAdjusted, CreditsTransferred};
    use crate::events::Event;
    use crate::ids::UserId;
    use crate::money::{Posting, Postings};

    fn recorded(seq: i64, event: Event) -> RecordedEvent {
        RecordedEvent {
            position: seq,
            guild_id: GuildId(1),
            guild_seq: seq,
            event_id: uuid::Uuid::nil(),
            event,
            actor_id: None,
            causation_id: seq.to_string(),
            occurred_at: DateTime::UNIX_EPOCH,
            recorded_at: DateTime::UNIX_EPOCH,
        }
    }

    fn grant(member: i64, amount: i64) -> Event {
        let postings = Postings::new()
            .mov(
                Account::Mint,
                Account::Member(UserId(member)),
                Credits(amount),
            )
            .build();
        Event::CreditsGranted(CreditsAdjusted {
            member: UserId(member),
            amount: Credits(amount),
            reason: "test".into(),
            by: UserId(9),
            postings,
        })
    }

    fn pay(from: i64, to: i64, postings: Vec<Posting>) -> Event {
        Event::CreditsTransferred(CreditsTransferred {
            from: UserId(from),
            to: UserId(to),
            amount: Credits(0),
            note: None,
            postings,
        })
    }

    #[test]
    fn a_sound_ledger_has_no_violations_and_sums_to_zero() {
        let mut audit = Audit::new(GuildId(1));
        let mut statement = Statement::default();
        let a = Account::Member(UserId(1));
        let events = [
            grant(1, 100),
            pay(
                1,
                2,
                Postings::new()
                    .mov(a, Account::Member(UserId(2)), Credits(30))
                    .build(),
            ),
        ];
        for (i, e) in events.into_iter().enumerate() {
            let e = recorded(i64::try_from(i).unwrap_or(0) + 1, e);
            audit.check(&e);
            statement.add(a, &e);
        }
        assert!(audit.violations.is_empty(), "{:?}", audit.violations);
        assert_eq!((audit.total(), audit.issued()), (0, Credits(100)));
        assert_eq!(statement.balance(), Credits(70));
        assert_eq!(statement.lines.len(), 2);
    }

    #[test]
    fn overdrafts_unbalanced_postings_and_gaps_are_found() {
        let mut audit = Audit::new(GuildId(1));
        let (a, b) = (Account::Member(UserId(1)), Account::Member(UserId(2)));
        audit.check(&recorded(
            1,
            pay(1, 2, Postings::new().mov(a, b, Credits(5)).build()),
        ));
        audit.check(&recorded(
            3,
            pay(
                1,
                2,
                vec![Posting {
                    account: b,
                    amount: Credits(1),
                }],
            ),
        ));
        let kinds: Vec<_> = audit
            .violations
            .iter()
            .map(std::mem::discriminant)
            .collect();
        assert_eq!(audit.violations.len(), 3, "{:?}", audit.violations);
        assert!(kinds.contains(&std::mem::discriminant(&Violation::Gap {
            guild: GuildId(1),
            expected: 0,
            found: 0
        })));
    }
}
