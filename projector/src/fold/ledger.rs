//! `accounts` and `postings`: every money event's lines, with the balance each left behind.

use super::{Keys, PostingRow, Rows, evolve};
use std::collections::HashMap;
use studio_model::Entity;
use studio_model::account::Balance;
use studio_schema::log::RecordedEvent;
use studio_schema::money::Posting;
use studio_schema::{Account, Event};

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    Balance::keys(&e.event, &mut |account| {
        keys.accounts.push((e.guild_id.0, account.to_string()));
    });
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    let postings = e.event.postings();
    if postings.is_empty() {
        return;
    }
    let guild = e.guild_id.0;
    let memo = memo(rows, e);
    // Each line's balance after it: the balance before the event plus the lines so far.
    let mut running: HashMap<Account, i64> = HashMap::new();
    for (i, p) in postings.iter().enumerate() {
        let before = balance(rows, guild, p.account);
        let after = running.entry(p.account).or_insert(before);
        *after = after.saturating_add(p.amount.0);
        rows.postings.insert(
            (guild, e.guild_seq, line_number(i)),
            PostingRow {
                account: p.account.to_string(),
                amount: p.amount.0,
                balance_after: *after,
                event_type: e.event.event_type().to_owned(),
                memo: memo.clone(),
                counterparts: counterparts(postings, i),
                at: e.occurred_at,
            },
        );
    }
    Balance::keys(&e.event, &mut |account| {
        let slot = rows
            .accounts
            .entry((guild, account.to_string()))
            .or_insert(None);
        if let Some(row) = evolve(slot, account, &e.event, || e.guild_seq) {
            row.view = e.guild_seq;
        }
    });
}

/// The 1-based line number of the `i`th posting.
fn line_number(i: usize) -> i32 {
    i32::try_from(i).map_or(i32::MAX, |i| i.saturating_add(1))
}

/// Every line of `postings` but the `skip`th, as `account ±amount`, comma-separated.
fn counterparts(postings: &[Posting], skip: usize) -> String {
    postings
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != skip)
        .map(|(_, p)| format!("{} {:+}", p.account, p.amount.0))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What describes the event's movement to someone reading an account's history.
fn memo(rows: &Rows, e: &RecordedEvent) -> Option<String> {
    let guild = e.guild_id.0;
    let title = |listing: i64| {
        rows.listings
            .get(&(guild, listing))
            .and_then(Option::as_ref)
            .map(|l| l.entity.details.title.clone())
    };
    match &e.event {
        Event::CreditsTransferred(t) => t.note.clone(),
        Event::CreditsGranted(a) | Event::CreditsRevoked(a) => Some(a.reason.clone()),
        Event::ListingPurchased(p) => title(p.listing.0),
        Event::ListingFeatured(f) => title(f.listing.0),
        Event::PurchaseRefunded(r) => Some(r.reason.clone()),
        Event::CommissionFunded(f) => rows
            .commissions
            .get(&(guild, f.commission.0))
            .and_then(Option::as_ref)
            .map(|c| c.entity.description.clone()),
        Event::MilestoneReleased(m) => Some(m.note.clone()),
        Event::CommissionSettled(s) => {
            Some(studio_model::commission::settlement_name(s.settlement).to_owned())
        }
        Event::ActionUndone(u) => Some(match &u.operator {
            Some(login) => format!(
                "undo of #{} ({}) by operator {login}: {}",
                u.original, u.action, u.reason
            ),
            None => format!("undo of #{} ({}): {}", u.original, u.action, u.reason),
        }),
        _ => None,
    }
}

/// The balance of `account` in the rows (0 for one never posted to).
pub(super) fn balance(rows: &Rows, guild: i64, account: Account) -> i64 {
    rows.accounts
        .get(&(guild, account.to_string()))
        .and_then(Option::as_ref)
        .map_or(0, |a| a.entity.0.0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{grant, listing, pay, purchase, recorded};
    use super::super::{Rows, apply};

    #[test]
    fn balances_and_each_line_s_balance_after_follow_the_postings() {
        let mut rows = Rows::default();
        for e in [
            recorded(1, grant(2, 500)),
            recorded(2, listing(1, 3, 100)),
            recorded(3, purchase(1, 2, 3, 100, 0)),
            recorded(4, pay(3, 2, 40)),
        ] {
            apply(&mut rows, &e);
        }
        let balance = |a: &str| {
            rows.accounts[&(1, a.to_owned())]
                .clone()
                .expect("account")
                .entity
                .0
                .0
        };
        assert_eq!(balance("mint"), -500);
        assert_eq!(balance("member:2"), 500 - 100 + 40);
        assert_eq!(balance("member:3"), 90 - 40);
        assert_eq!(balance("treasury"), 10);
        assert_eq!(
            rows.accounts[&(1, "member:3".into())]
                .clone()
                .map(|a| a.view),
            Some(4)
        );

        let sale: Vec<_> = rows.postings.range((1, 3, 0)..(1, 4, 0)).collect();
        assert_eq!(sale.len(), 3);
        let (key, buyer) = sale[0];
        assert_eq!(*key, (1, 3, 1));
        assert_eq!(
            (buyer.account.as_str(), buyer.amount, buyer.balance_after),
            ("member:2", -100, 400)
        );
        assert_eq!(buyer.counterparts, "member:3 +90, treasury +10");
        assert_eq!(buyer.memo.as_deref(), Some("listing 1"));
        assert_eq!(buyer.event_type, "ListingPurchased");
        let (_, seller) = sale[1];
        assert_eq!((seller.amount, seller.balance_after), (90, 90));
        assert_eq!(seller.counterparts, "member:2 -100, treasury +10");
        let payment = &rows.postings[&(1, 4, 2)];
        assert_eq!(
            (payment.account.as_str(), payment.balance_after),
            ("member:2", 440)
        );
        assert_eq!(payment.memo.as_deref(), Some("thanks"));
        assert!(
            !rows.postings.keys().any(|k| k.1 == 2),
            "a listing moves nothing"
        );
    }
}
