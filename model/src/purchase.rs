//! A buyer's purchase of a listing: the version and price they paid, and where it stands.

use crate::Entity;
use studio_schema::{Credits, Event, ListingId, UserId};

/// Where a purchase stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PurchaseStatus {
    Active,
    Disputed,
    Refunded,
}

impl PurchaseStatus {
    /// The name the views store and members read.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disputed => "disputed",
            Self::Refunded => "refunded",
        }
    }

    /// The status a stored name means.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Active, Self::Disputed, Self::Refunded]
            .into_iter()
            .find(|status| status.as_str() == s)
    }
}

/// A buyer's latest purchase of a listing (buying again after a refund replaces it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purchase {
    pub seller: UserId,
    pub version: i64,
    pub price: Credits,
    pub tax: Credits,
    pub tax_percent: i64,
    pub status: PurchaseStatus,
    /// Whether the buyer reviewed the listing (a review outlives a refund and a second purchase).
    pub reviewed: bool,
}

impl Entity for Purchase {
    type Key = (ListingId, UserId);

    fn keys(event: &Event, each: &mut dyn FnMut((ListingId, UserId))) {
        match event {
            Event::ListingPurchased(p) => each((p.listing, p.buyer)),
            Event::ListingReviewed(r) => each((r.listing, r.reviewer)),
            Event::PurchaseRefunded(r) => each((r.listing, r.buyer)),
            Event::PurchaseDisputed(d) => each((d.listing, d.buyer)),
            Event::DisputeRejected(d) => each((d.listing, d.buyer)),
            _ => {}
        }
    }

    /// A dispute stands only against an active purchase, and a rejection only ends a dispute: a
    /// refunded purchase stays refunded whatever the log says after.
    fn evolve(slot: &mut Option<Self>, _: (ListingId, UserId), event: &Event) {
        if let Event::ListingPurchased(e) = event {
            *slot = Some(Self {
                seller: e.seller,
                version: e.version,
                price: e.price,
                tax: e.tax,
                tax_percent: e.tax_percent,
                status: PurchaseStatus::Active,
                reviewed: slot.as_ref().is_some_and(|p| p.reviewed),
            });
            return;
        }
        let Some(p) = slot else {
            return;
        };
        match (event, p.status) {
            (Event::ListingReviewed(_), _) => p.reviewed = true,
            (Event::PurchaseRefunded(_), _) => p.status = PurchaseStatus::Refunded,
            (Event::PurchaseDisputed(_), PurchaseStatus::Active) => {
                p.status = PurchaseStatus::Disputed;
            }
            (Event::DisputeRejected(_), PurchaseStatus::Disputed) => {
                p.status = PurchaseStatus::Active;
            }
            _ => {}
        }
    }
}
