//! A buyer's purchase of a listing: the version and price they paid, and where it stands.

use crate::Entity;
use studio_schema::{Credits, Event, ListingId, UserId, Xp};

/// Where a purchase stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Purchase {
    pub seller: UserId,
    pub version: i64,
    pub price: Credits,
    pub tax: Credits,
    pub tax_percent: i64,
    /// The XP the seller still holds from this purchase: the sale's, less what a refund took
    /// back.
    pub seller_xp: Xp,
    pub status: PurchaseStatus,
    /// Whether the buyer reviewed the listing (a review outlives a refund and a second purchase).
    pub reviewed: bool,
}

impl Purchase {
    /// What the sale paid its seller: the price less the tax.
    #[must_use]
    pub fn proceeds(&self) -> Credits {
        Credits(self.price.0.saturating_sub(self.tax.0))
    }
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
            Event::ActionUndone(u) => {
                if let Some(r) = u.redisputes {
                    each((r.listing, r.buyer));
                }
            }
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
                seller_xp: e.seller_xp,
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
            (Event::PurchaseRefunded(r), _) => {
                p.status = PurchaseStatus::Refunded;
                p.seller_xp = Xp(p.seller_xp.0.saturating_sub(r.seller_xp.0).max(0));
            }
            (Event::PurchaseDisputed(_), PurchaseStatus::Active) => {
                p.status = PurchaseStatus::Disputed;
            }
            (Event::DisputeRejected(_), PurchaseStatus::Disputed) => {
                p.status = PurchaseStatus::Active;
            }
            // An admin's decision on its dispute was undone: it stands disputed again.
            (Event::ActionUndone(u), _) => {
                if let Some(r) = u.redisputes {
                    p.status = PurchaseStatus::Disputed;
                    p.seller_xp = Xp(p.seller_xp.0.saturating_add(r.seller_xp.0));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use studio_schema::economy::{
        DisputeRejected, ListingPurchased, PurchaseDisputed, PurchaseRefunded,
    };

    const KEY: (ListingId, UserId) = (ListingId(1), UserId(20));

    fn fold(events: &[Event]) -> Option<Purchase> {
        let mut slot = None;
        for e in events {
            crate::evolve_one(&mut slot, KEY, e);
        }
        slot
    }

    fn bought() -> Event {
        Event::ListingPurchased(ListingPurchased {
            listing: KEY.0,
            version: 1,
            buyer: KEY.1,
            seller: UserId(10),
            price: Credits(100),
            tax: Credits(10),
            tax_percent: 10,
            seller_rank: "Learner".into(),
            seller_xp: studio_schema::Xp(25),
            postings: Vec::new(),
        })
    }

    fn refunded() -> Event {
        Event::PurchaseRefunded(PurchaseRefunded {
            listing: KEY.0,
            buyer: KEY.1,
            seller: UserId(10),
            by: UserId(10),
            reason: "sorry".into(),
            postings: Vec::new(),
            seller_xp: studio_schema::Xp(25),
        })
    }

    fn disputed() -> Event {
        Event::PurchaseDisputed(PurchaseDisputed {
            listing: KEY.0,
            buyer: KEY.1,
            seller: UserId(10),
            reason: "broken".into(),
            postings: Vec::new(),
        })
    }

    fn rejected() -> Event {
        Event::DisputeRejected(DisputeRejected {
            listing: KEY.0,
            buyer: KEY.1,
            by: UserId(1),
            note: "works".into(),
            postings: Vec::new(),
        })
    }

    fn status(events: &[Event]) -> Option<PurchaseStatus> {
        fold(events).map(|p| p.status)
    }

    #[test]
    fn a_refunded_purchase_stays_refunded_whatever_follows() {
        assert_eq!(
            status(&[bought(), refunded(), disputed()]),
            Some(PurchaseStatus::Refunded)
        );
        assert_eq!(
            status(&[bought(), refunded(), rejected()]),
            Some(PurchaseStatus::Refunded)
        );
    }

    #[test]
    fn a_dispute_stands_against_an_active_purchase_until_rejected() {
        assert_eq!(
            status(&[bought(), disputed()]),
            Some(PurchaseStatus::Disputed)
        );
        assert_eq!(
            status(&[bought(), disputed(), rejected()]),
            Some(PurchaseStatus::Active)
        );
        assert_eq!(
            status(&[disputed()]),
            None,
            "no purchase, nothing to dispute"
        );
    }

    #[test]
    fn buying_again_after_a_refund_is_a_new_active_purchase() {
        assert_eq!(
            status(&[bought(), refunded(), bought()]),
            Some(PurchaseStatus::Active)
        );
    }
}
