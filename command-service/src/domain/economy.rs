//! The economy's decision state: balances, listings, purchases and commissions, folded from events.

use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};
use studio_schema::economy::{ListingDetails, Settlement};
use studio_schema::{Account, CommissionId, Credits, Event, ListingId, UserId};

/// A listing as the rules see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Listing {
    pub seller: UserId,
    pub version: i64,
    pub details: ListingDetails,
    pub active: bool,
    pub featured_until: Option<DateTime<Utc>>,
}

/// Where a purchase stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PurchaseStatus {
    Active,
    Disputed,
    Refunded,
}

/// One buyer's purchase of one listing.
#[derive(Clone, Debug, PartialEq)]
pub struct Purchase {
    pub version: i64,
    pub price: Credits,
    pub tax: Credits,
    pub status: PurchaseStatus,
    pub reviewed: bool,
}

/// Where a commission stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommissionStatus {
    Offered,
    Accepted,
    Funded,
    Delivered { auto_release_at: DateTime<Utc> },
    Disputed,
    Settled(Settlement),
}

/// A commission between a client and a developer.
#[derive(Clone, Debug, PartialEq)]
pub struct Commission {
    pub client: UserId,
    pub developer: UserId,
    pub amount: Credits,
    pub fee: Credits,
    pub deadline: DateTime<Utc>,
    pub status: CommissionStatus,
}

/// Everything the economy's rules decide on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Economy {
    pub balances: HashMap<Account, Credits>,
    pub listings: BTreeMap<ListingId, Listing>,
    pub purchases: HashMap<(ListingId, UserId), Purchase>,
    pub commissions: BTreeMap<CommissionId, Commission>,
}

impl Economy {
    /// An account's balance.
    #[must_use]
    pub fn balance(&self, account: Account) -> Credits {
        self.balances.get(&account).copied().unwrap_or_default()
    }

    /// The number the next listing gets.
    #[must_use]
    pub fn next_listing(&self) -> ListingId {
        ListingId(self.listings.keys().next_back().map_or(1, |l| l.0 + 1))
    }

    /// The number the next commission gets.
    #[must_use]
    pub fn next_commission(&self) -> CommissionId {
        CommissionId(self.commissions.keys().next_back().map_or(1, |c| c.0 + 1))
    }

    /// Folds one event into the economy.
    pub fn evolve(&mut self, event: &Event) {
        for p in event.postings() {
            let b = self.balances.entry(p.account).or_default();
            *b = Credits(b.0.saturating_add(p.amount.0));
        }
        match event {
            Event::ListingCreated(e) | Event::ListingEdited(e) => {
                let featured_until = self.listings.get(&e.listing).and_then(|l| l.featured_until);
                self.listings.insert(
                    e.listing,
                    Listing {
                        seller: e.seller,
                        version: e.version,
                        details: e.details.clone(),
                        active: true,
                        featured_until,
                    },
                );
            }
            Event::ListingDelisted(e) => {
                if let Some(l) = self.listings.get_mut(&e.listing) {
                    l.active = false;
                }
            }
            Event::ListingFeatured(e) => {
                if let Some(l) = self.listings.get_mut(&e.listing) {
                    l.featured_until = Some(e.until);
                }
            }
            Event::ListingPurchased(e) => {
                let reviewed = self
                    .purchases
                    .get(&(e.listing, e.buyer))
                    .is_some_and(|p| p.reviewed);
                self.purchases.insert(
                    (e.listing, e.buyer),
                    Purchase {
                        version: e.version,
                        price: e.price,
                        tax: e.tax,
                        status: PurchaseStatus::Active,
                        reviewed,
                    },
                );
            }
            Event::ListingReviewed(e) => {
                self.purchase(e.listing, e.reviewer, |p| p.reviewed = true)
            }
            Event::PurchaseRefunded(e) => {
                self.purchase(e.listing, e.buyer, |p| p.status = PurchaseStatus::Refunded);
            }
            Event::PurchaseDisputed(e) => {
                self.purchase(e.listing, e.buyer, |p| p.status = PurchaseStatus::Disputed);
            }
            Event::DisputeRejected(e) => {
                self.purchase(e.listing, e.buyer, |p| p.status = PurchaseStatus::Active);
            }
            Event::CommissionOffered(e) => {
                self.commissions.insert(
                    e.commission,
                    Commission {
                        client: e.client,
                        developer: e.developer,
                        amount: e.amount,
                        fee: Credits::ZERO,
                        deadline: e.deadline,
                        status: CommissionStatus::Offered,
                    },
                );
            }
            Event::CommissionAccepted(e) => {
                self.commission(e.commission, |c| c.status = CommissionStatus::Accepted);
            }
            Event::CommissionFunded(e) => self.commission(e.commission, |c| {
                c.fee = e.fee;
                c.status = CommissionStatus::Funded;
            }),
            Event::CommissionDelivered(e) => self.commission(e.commission, |c| {
                c.status = CommissionStatus::Delivered {
                    auto_release_at: e.auto_release_at,
                };
            }),
            Event::CommissionDisputed(e) => {
                self.commission(e.commission, |c| c.status = CommissionStatus::Disputed);
            }
            Event::CommissionSettled(e) => {
                self.commission(e.commission, |c| {
                    c.status = CommissionStatus::Settled(e.settlement)
                });
            }
            _ => {}
        }
    }

    fn purchase(&mut self, listing: ListingId, buyer: UserId, f: impl FnOnce(&mut Purchase)) {
        if let Some(p) = self.purchases.get_mut(&(listing, buyer)) {
            f(p);
        }
    }

    fn commission(&mut self, id: CommissionId, f: impl FnOnce(&mut Commission)) {
        if let Some(c) = self.commissions.get_mut(&id) {
            f(c);
        }
    }
}
