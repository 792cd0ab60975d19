//! Accounts: every account's balance is the sum of the postings to it.

use crate::Entity;
use studio_schema::{Account, Credits, Event};

/// An account's balance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Balance(pub Credits);

impl Entity for Balance {
    type Key = Account;

    fn keys(event: &Event, each: &mut dyn FnMut(Account)) {
        let postings = event.postings();
        for (i, p) in postings.iter().enumerate() {
            if postings[..i].iter().all(|q| q.account != p.account) {
                each(p.account);
            }
        }
    }

    fn evolve(slot: &mut Option<Self>, account: Account, event: &Event) {
        let b = slot.get_or_insert_with(Self::default);
        for p in event.postings().iter().filter(|p| p.account == account) {
            b.0 = Credits(b.0.0.saturating_add(p.amount.0));
        }
    }
}
