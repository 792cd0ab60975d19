//! Concentration of members' balances at the period's end: the top holder's share, the top 10 %'s
//! share, and the Gini coefficient.
//!
//! The holders are every member whose wallet the ledger has moved by then, those at 0 included (a
//! member who spent everything still holds nothing). Teams, escrows and holds are not members.

use serde::Serialize;
use std::collections::BTreeMap;
use studio_schema::{Account, Credits, UserId};

/// How many of the largest holders the report names.
pub const NAMED_HOLDERS: usize = 5;

/// How concentrated members' credits are.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Concentration {
    /// Members with a wallet.
    pub holders: usize,
    /// What they hold together.
    pub total: i64,
    /// The largest holders, largest first (at most [`NAMED_HOLDERS`]).
    pub top: Vec<(UserId, i64)>,
    /// The largest holder's share of `total` (0 to 1).
    pub top1_share: f64,
    /// How many holders the top 10 % is (at least one).
    pub top_decile_holders: usize,
    /// Their share of `total` (0 to 1).
    pub top_decile_share: f64,
    /// 0 when every holder holds the same, towards 1 when one holds everything.
    pub gini: f64,
}

/// The concentration of the member wallets among `balances`.
#[must_use]
pub fn of_members(balances: &BTreeMap<Account, Credits>) -> Concentration {
    let members: Vec<(UserId, i64)> = balances
        .iter()
        .filter_map(|(account, c)| match account {
            Account::Member(id) => Some((*id, c.0.max(0))),
            _ => None,
        })
        .collect();
    of(members)
}

/// The concentration of these holdings (negative ones count as 0).
#[must_use]
pub fn of(mut holdings: Vec<(UserId, i64)>) -> Concentration {
    holdings.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let total: i64 = holdings.iter().map(|h| h.1.max(0)).sum();
    let share = |part: i64| {
        #[allow(clippy::cast_precision_loss)] // credits stay far below 2^52
        if total > 0 {
            part as f64 / total as f64
        } else {
            0.0
        }
    };
    let decile = holdings.len().div_ceil(10).max(1).min(holdings.len());
    let mut ascending: Vec<i64> = holdings.iter().map(|h| h.1.max(0)).collect();
    ascending.reverse();
    Concentration {
        holders: holdings.len(),
        total,
        top: holdings.iter().take(NAMED_HOLDERS).copied().collect(),
        top1_share: share(holdings.first().map_or(0, |h| h.1)),
        top_decile_holders: decile,
        top_decile_share: share(holdings.iter().take(decile).map(|h| h.1).sum()),
        gini: gini(&ascending),
    }
}

/// The Gini coefficient of `ascending` (sorted, none negative):
/// `G = 2·Σ i·xᵢ / (n·Σ xᵢ) − (n + 1) / n`, with `i` from 1; 0 for no holdings or none held.
#[must_use]
pub fn gini(ascending: &[i64]) -> f64 {
    let total: i64 = ascending.iter().sum();
    if ascending.is_empty() || total <= 0 {
        return 0.0;
    }
    #[allow(clippy::cast_precision_loss)]
    let (n, total) = (ascending.len() as f64, total as f64);
    #[allow(clippy::cast_precision_loss)]
    let weighted: f64 = (1_i64..)
        .zip(ascending)
        .map(|(i, x)| i as f64 * *x as f64)
        .sum();
    2.0 * weighted / (n * total) - (n + 1.0) / n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn an_even_economy_has_a_gini_of_zero_and_one_holder_of_everything_nearly_one() {
        assert!(close(gini(&[100, 100, 100, 100]), 0.0));
        assert!(close(gini(&[0, 0, 0, 400]), 0.75), "(n-1)/n for n = 4");
        assert!(close(gini(&[]), 0.0));
        assert!(close(gini(&[0, 0]), 0.0));
        // 1, 2, 3, 4: 2·(1+4+9+16)/(4·10) − 5/4 = 0.25.
        assert!(close(gini(&[1, 2, 3, 4]), 0.25));
    }

    #[test]
    fn given_member_wallets_then_the_top_shares_are_of_what_members_hold() {
        let mut balances = BTreeMap::new();
        for (id, balance) in (1..=20).zip([
            500, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 300,
        ]) {
            balances.insert(Account::Member(UserId(id)), Credits(balance));
        }
        balances.insert(Account::Treasury, Credits(10_000));
        balances.insert(Account::Mint, Credits(-11_700));
        let c = of_members(&balances);
        assert_eq!(c.holders, 20, "members at 0 hold nothing, and count");
        assert_eq!(c.total, 1700);
        assert_eq!(c.top[0], (UserId(1), 500));
        assert_eq!(c.top[1], (UserId(20), 300));
        assert!(close(c.top1_share, 500.0 / 1700.0));
        assert_eq!(c.top_decile_holders, 2);
        assert!(close(c.top_decile_share, 800.0 / 1700.0));
        assert!(c.gini > 0.5 && c.gini < 1.0, "{}", c.gini);
        assert_eq!(of(Vec::new()), Concentration::default());
    }
}
