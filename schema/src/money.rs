//! Credits and the double-entry postings every money event carries.
//!
//! A [`Posting`] moves an amount into (positive) or out of (negative) one [`Account`]; the postings of
//! one event sum to zero. Member, team and escrow accounts never go below zero; the mint issues
//! rewards (its balance is negative) and the treasury collects taxes and fees.

use crate::ids::{CommissionId, ListingId, TournamentId, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An amount of studio credits. Events carry positive amounts; a posting's sign says its direction.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Credits(pub i64);

impl Credits {
    pub const ZERO: Self = Self(0);

    /// `self + other`, or `None` on overflow.
    #[must_use]
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }

    /// `self - other`, or `None` on overflow.
    #[must_use]
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.0.checked_sub(other.0).map(Self)
    }

    /// The opposite amount.
    #[must_use]
    pub fn negated(self) -> Self {
        Self(-self.0)
    }
}

impl fmt::Display for Credits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A team of a guild (teams arrive with the community features).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TeamId(pub i64);

/// Where credits are held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Account {
    /// A member's wallet.
    Member(UserId),
    /// A team's shared wallet.
    Team(TeamId),
    /// The escrow of one commission.
    Escrow(CommissionId),
    /// The prize pool of one tournament.
    Prize(TournamentId),
    /// A sale's proceeds held while its buyer's dispute stands: the listing and the buyer.
    Dispute(ListingId, UserId),
    /// The guild's treasury: taxes and fees go in.
    Treasury,
    /// The guild's mint: rewards come out; its balance is minus every credit ever issued.
    Mint,
}

impl Account {
    /// Whether the account may never go below zero (all but the mint and the treasury).
    #[must_use]
    pub fn must_stay_non_negative(self) -> bool {
        !matches!(self, Self::Mint | Self::Treasury)
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Member(id) => write!(f, "member:{id}"),
            Self::Team(id) => write!(f, "team:{}", id.0),
            Self::Escrow(id) => write!(f, "escrow:{}", id.0),
            Self::Prize(id) => write!(f, "prize:{}", id.0),
            Self::Dispute(listing, buyer) => write!(f, "dispute:{}:{buyer}", listing.0),
            Self::Treasury => f.write_str("treasury"),
            Self::Mint => f.write_str("mint"),
        }
    }
}

/// A string that does not name an account.
#[derive(Debug, thiserror::Error)]
#[error("not an account: {0}")]
pub struct BadAccount(String);

impl FromStr for Account {
    type Err = BadAccount;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadAccount(s.to_owned());
        match s.split_once(':') {
            None if s == "treasury" => Ok(Self::Treasury),
            None if s == "mint" => Ok(Self::Mint),
            Some(("member", id)) => Ok(Self::Member(UserId(
                id.parse::<u64>().map_err(|_| bad())?.cast_signed(),
            ))),
            Some(("team", id)) => Ok(Self::Team(TeamId(id.parse().map_err(|_| bad())?))),
            Some(("escrow", id)) => Ok(Self::Escrow(CommissionId(id.parse().map_err(|_| bad())?))),
            Some(("prize", id)) => Ok(Self::Prize(TournamentId(id.parse().map_err(|_| bad())?))),
            Some(("dispute", rest)) => {
                let (listing, buyer) = rest.split_once(':').ok_or_else(bad)?;
                Ok(Self::Dispute(
                    ListingId(listing.parse().map_err(|_| bad())?),
                    UserId(buyer.parse::<u64>().map_err(|_| bad())?.cast_signed()),
                ))
            }
            _ => Err(bad()),
        }
    }
}

impl From<Account> for String {
    fn from(account: Account) -> Self {
        account.to_string()
    }
}

impl TryFrom<String> for Account {
    type Error = BadAccount;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// One line of a money event: `amount` into (positive) or out of (negative) `account`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    pub account: Account,
    pub amount: Credits,
}

/// Builds the postings of one movement, so every event's lines sum to zero by construction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Postings(Vec<Posting>);

impl Postings {
    /// No movement yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves `amount` from `from` to `to` (nothing for a zero amount).
    #[must_use]
    pub fn mov(mut self, from: Account, to: Account, amount: Credits) -> Self {
        if amount != Credits::ZERO {
            self.0.push(Posting {
                account: from,
                amount: amount.negated(),
            });
            self.0.push(Posting {
                account: to,
                amount,
            });
        }
        self
    }

    /// The postings, netted per account in first-seen order (zero lines dropped).
    #[must_use]
    pub fn build(self) -> Vec<Posting> {
        let mut net: Vec<Posting> = Vec::new();
        for p in self.0 {
            match net.iter_mut().find(|n| n.account == p.account) {
                Some(n) => n.amount = Credits(n.amount.0 + p.amount.0),
                None => net.push(p),
            }
        }
        net.retain(|p| p.amount != Credits::ZERO);
        net
    }
}

/// Whether postings sum to zero.
#[must_use]
pub fn balanced(postings: &[Posting]) -> bool {
    postings
        .iter()
        .try_fold(0_i64, |sum, p| sum.checked_add(p.amount.0))
        == Some(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_round_trip_through_their_stored_names() {
        for account in [
            Account::Member(UserId::from_u64(u64::MAX >> 1)),
            Account::Team(TeamId(3)),
            Account::Escrow(CommissionId(9)),
            Account::Prize(TournamentId(2)),
            Account::Treasury,
            Account::Mint,
        ] {
            let json = serde_json::to_value(account).expect("encodes");
            assert_eq!(json, serde_json::json!(account.to_string()));
            assert_eq!(
                serde_json::from_value::<Account>(json).expect("decodes"),
                account
            );
        }
        assert!("member:x".parse::<Account>().is_err());
        assert!("bank".parse::<Account>().is_err());
    }

    #[test]
    fn built_postings_net_per_account_and_sum_to_zero() {
        let (a, b) = (Account::Member(UserId(1)), Account::Member(UserId(2)));
        let lines = Postings::new()
            .mov(a, b, Credits(100))
            .mov(b, Account::Treasury, Credits(10))
            .mov(a, b, Credits::ZERO)
            .build();
        assert_eq!(
            lines,
            vec![
                Posting {
                    account: a,
                    amount: Credits(-100)
                },
                Posting {
                    account: b,
                    amount: Credits(90)
                },
                Posting {
                    account: Account::Treasury,
                    amount: Credits(10)
                },
            ]
        );
        assert!(balanced(&lines));
        assert!(!balanced(&[Posting {
            account: a,
            amount: Credits(1)
        }]));
    }
}
