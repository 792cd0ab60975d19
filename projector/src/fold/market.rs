//! `listings`, `listing_versions`, `purchases` and `reviews`: the marketplace.
//!
//! A listing's `sales` counts its purchases that are not refunded (each buyer's row counts once),
//! `refunds` the purchases that were refunded; a buyer who buys again after a refund replaces their
//! purchase row.

use super::{Keys, ListingKey, PurchaseKey, Rows};
use chrono::{DateTime, Utc};
use studio_schema::Event;
use studio_schema::economy::{
    ListingPublished, ListingPurchased, ListingReviewed, PurchaseRefunded,
};
use studio_schema::log::RecordedEvent;

/// A row of `listings`: the current version of a listing and its counters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListingRow {
    pub seller: i64,
    pub version: i64,
    pub title: String,
    pub description: String,
    pub language: String,
    pub price: i64,
    pub active: bool,
    pub featured_until: Option<DateTime<Utc>>,
    pub sales: i64,
    pub refunds: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
    pub created_at: DateTime<Utc>,
    /// When the current version was published.
    pub updated_at: DateTime<Utc>,
    /// The seq of the last event that changed the row.
    pub last_seq: i64,
}

/// A row of `listing_versions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionRow {
    pub title: String,
    pub price: i64,
    pub code: String,
    pub published_at: DateTime<Utc>,
}

/// Where a purchase stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PurchaseStatus {
    Active,
    Disputed,
    Refunded,
}

impl PurchaseStatus {
    /// The stored name.
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

/// A row of `purchases`: a buyer's latest purchase of a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurchaseRow {
    pub seller: i64,
    pub version: i64,
    pub price: i64,
    pub tax: i64,
    pub tax_percent: i64,
    pub bought_at: DateTime<Utc>,
    /// The seq of the purchase.
    pub guild_seq: i64,
    pub status: PurchaseStatus,
    pub reviewed: bool,
}

/// A row of `reviews`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewRow {
    pub seller: i64,
    pub stars: i64,
    pub text: String,
    pub at: DateTime<Utc>,
}

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    let g = e.guild_id.0;
    match &e.event {
        Event::ListingCreated(p) | Event::ListingEdited(p) => keys.listings.push((g, p.listing.0)),
        Event::ListingDelisted(d) => keys.listings.push((g, d.listing.0)),
        Event::ListingFeatured(f) => keys.listings.push((g, f.listing.0)),
        Event::ListingPurchased(p) => {
            keys.listings.push((g, p.listing.0));
            keys.purchases.push((g, p.listing.0, p.buyer.0));
            keys.reviews.push((g, p.listing.0, p.buyer.0));
        }
        Event::ListingReviewed(r) => {
            keys.listings.push((g, r.listing.0));
            keys.purchases.push((g, r.listing.0, r.reviewer.0));
            keys.reviews.push((g, r.listing.0, r.reviewer.0));
        }
        Event::PurchaseRefunded(r) => {
            keys.listings.push((g, r.listing.0));
            keys.purchases.push((g, r.listing.0, r.buyer.0));
        }
        Event::PurchaseDisputed(d) => keys.purchases.push((g, d.listing.0, d.buyer.0)),
        Event::DisputeRejected(d) => keys.purchases.push((g, d.listing.0, d.buyer.0)),
        _ => {}
    }
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    let g = e.guild_id.0;
    let seq = e.guild_seq;
    match &e.event {
        Event::ListingCreated(p) | Event::ListingEdited(p) => publish(rows, e, p),
        Event::ListingDelisted(d) => {
            if let Some(l) = listing(rows, (g, d.listing.0)) {
                l.active = false;
                l.last_seq = seq;
            }
        }
        Event::ListingFeatured(f) => {
            if let Some(l) = listing(rows, (g, f.listing.0)) {
                l.featured_until = Some(f.until);
                l.last_seq = seq;
            }
        }
        Event::ListingPurchased(p) => buy(rows, e, p),
        Event::PurchaseRefunded(r) => refund(rows, e, r),
        Event::PurchaseDisputed(d) => {
            if let Some(p) = purchase(rows, (g, d.listing.0, d.buyer.0))
                && p.status == PurchaseStatus::Active
            {
                p.status = PurchaseStatus::Disputed;
            }
        }
        Event::DisputeRejected(d) => {
            if let Some(p) = purchase(rows, (g, d.listing.0, d.buyer.0))
                && p.status == PurchaseStatus::Disputed
            {
                p.status = PurchaseStatus::Active;
            }
        }
        Event::ListingReviewed(r) => review(rows, e, r),
        _ => {}
    }
}

/// A purchase replaces the buyer's previous one (bought again after a refund), keeping whether
/// they reviewed the listing; it counts as a sale unless the previous one still did.
fn buy(rows: &mut Rows, e: &RecordedEvent, p: &ListingPurchased) {
    let g = e.guild_id.0;
    let key = (g, p.listing.0, p.buyer.0);
    let previous = rows.purchases.get(&key).cloned().flatten();
    let reviewed = previous.as_ref().is_some_and(|p| p.reviewed)
        || rows.reviews.get(&key).is_some_and(Option::is_some);
    let counted = previous.is_some_and(|p| p.status != PurchaseStatus::Refunded);
    rows.purchases.insert(
        key,
        Some(PurchaseRow {
            seller: p.seller.0,
            version: p.version,
            price: p.price.0,
            tax: p.tax.0,
            tax_percent: p.tax_percent,
            bought_at: e.occurred_at,
            guild_seq: e.guild_seq,
            status: PurchaseStatus::Active,
            reviewed,
        }),
    );
    if let Some(l) = listing(rows, (g, p.listing.0)) {
        if !counted {
            l.sales += 1;
        }
        l.last_seq = e.guild_seq;
    }
}

/// A refund of a purchase not refunded yet moves it from the listing's sales to its refunds.
fn refund(rows: &mut Rows, e: &RecordedEvent, r: &PurchaseRefunded) {
    let g = e.guild_id.0;
    let Some(purchase) = purchase(rows, (g, r.listing.0, r.buyer.0)) else {
        return;
    };
    if purchase.status == PurchaseStatus::Refunded {
        return;
    }
    purchase.status = PurchaseStatus::Refunded;
    if let Some(l) = listing(rows, (g, r.listing.0)) {
        l.sales -= 1;
        l.refunds += 1;
        l.last_seq = e.guild_seq;
    }
}

/// A review counts toward the listing's rating; a second one by the same buyer replaces the first.
fn review(rows: &mut Rows, e: &RecordedEvent, r: &ListingReviewed) {
    let g = e.guild_id.0;
    let key = (g, r.listing.0, r.reviewer.0);
    let previous = rows.reviews.insert(
        key,
        Some(ReviewRow {
            seller: r.seller.0,
            stars: r.stars,
            text: r.text.clone(),
            at: e.occurred_at,
        }),
    );
    if let Some(p) = purchase(rows, key) {
        p.reviewed = true;
    }
    if let Some(l) = listing(rows, (g, r.listing.0)) {
        if let Some(old) = previous.flatten() {
            l.rating_sum += r.stars - old.stars;
        } else {
            l.rating_sum += r.stars;
            l.rating_count += 1;
        }
        l.last_seq = e.guild_seq;
    }
}

/// A new version: the listing shows it (a first version creates the listing), buyers of older
/// versions keep theirs.
fn publish(rows: &mut Rows, e: &RecordedEvent, p: &ListingPublished) {
    let g = e.guild_id.0;
    let d = &p.details;
    rows.versions.insert(
        (g, p.listing.0, p.version),
        VersionRow {
            title: d.title.clone(),
            price: d.price.0,
            code: d.code.clone(),
            published_at: e.occurred_at,
        },
    );
    let slot = rows.listings.entry((g, p.listing.0)).or_insert(None);
    let l = slot.get_or_insert_with(|| ListingRow {
        seller: p.seller.0,
        version: p.version,
        title: String::new(),
        description: String::new(),
        language: String::new(),
        price: 0,
        active: true,
        featured_until: None,
        sales: 0,
        refunds: 0,
        rating_sum: 0,
        rating_count: 0,
        created_at: e.occurred_at,
        updated_at: e.occurred_at,
        last_seq: e.guild_seq,
    });
    l.seller = p.seller.0;
    l.version = p.version;
    l.title.clone_from(&d.title);
    l.description.clone_from(&d.description);
    l.language.clone_from(&d.language);
    l.price = d.price.0;
    l.updated_at = e.occurred_at;
    l.last_seq = e.guild_seq;
}

fn listing(rows: &mut Rows, key: ListingKey) -> Option<&mut ListingRow> {
    rows.listings.get_mut(&key).and_then(Option::as_mut)
}

fn purchase(rows: &mut Rows, key: PurchaseKey) -> Option<&mut PurchaseRow> {
    rows.purchases.get_mut(&key).and_then(Option::as_mut)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, edit, listing, purchase, recorded, refund, review};
    use super::super::{Rows, apply};
    use super::*;
    use studio_schema::economy::{
        DisputeRejected, ListingDelisted, ListingFeatured, PurchaseDisputed,
    };
    use studio_schema::{ListingId, UserId};

    fn fold(events: Vec<Event>) -> Rows {
        let mut rows = Rows::default();
        for (seq, e) in (1..).zip(events) {
            apply(&mut rows, &recorded(seq, e));
        }
        rows
    }

    #[test]
    fn a_refund_then_a_second_purchase_replaces_the_purchase_and_keeps_the_review() {
        let rows = fold(vec![
            listing(1, 10, 100),
            purchase(1, 20, 10, 100, 0),
            review(1, 20, 10, 4, 0),
            refund(1, 20, 10, 100),
            purchase(1, 20, 10, 100, 0),
        ]);
        let p = rows.purchases[&(1, 1, 20)].clone().expect("purchase");
        assert_eq!(
            (p.status, p.reviewed, p.guild_seq),
            (PurchaseStatus::Active, true, 5)
        );
        let l = rows.listings[&(1, 1)].clone().expect("listing");
        assert_eq!((l.sales, l.refunds, l.last_seq), (1, 1, 5));
        assert_eq!((l.rating_sum, l.rating_count), (4, 1));
    }

    #[test]
    fn a_purchase_is_refunded_once_and_bought_again_without_a_review_is_unreviewed() {
        let mut rows = fold(vec![
            listing(1, 10, 100),
            purchase(1, 20, 10, 100, 0),
            refund(1, 20, 10, 100),
            refund(1, 20, 10, 100),
        ]);
        let p = rows.purchases[&(1, 1, 20)].clone().expect("purchase");
        assert_eq!((p.status, p.reviewed), (PurchaseStatus::Refunded, false));
        let l = rows.listings[&(1, 1)].clone().expect("listing");
        assert_eq!((l.sales, l.refunds), (0, 1));

        apply(&mut rows, &recorded(5, purchase(1, 20, 10, 100, 0)));
        let p = rows.purchases[&(1, 1, 20)].clone().expect("purchase");
        assert_eq!(
            (p.status, p.reviewed, p.guild_seq),
            (PurchaseStatus::Active, false, 5)
        );
        let l = rows.listings[&(1, 1)].clone().expect("listing");
        assert_eq!((l.sales, l.refunds), (1, 1));
    }

    #[test]
    fn a_listing_with_an_existing_review_row_marks_a_new_purchase_reviewed() {
        // The review row came from an earlier batch; the purchase row is not loaded.
        let mut rows = Rows::default();
        rows.reviews.insert(
            (1, 1, 20),
            Some(ReviewRow {
                seller: 10,
                stars: 5,
                text: String::new(),
                at: at(0),
            }),
        );
        apply(&mut rows, &recorded(1, purchase(1, 20, 10, 100, 0)));
        assert!(
            rows.purchases[&(1, 1, 20)]
                .clone()
                .expect("purchase")
                .reviewed
        );
    }

    #[test]
    fn ratings_sum_and_count_every_reviewer_once() {
        let rows = fold(vec![
            listing(1, 10, 100),
            purchase(1, 20, 10, 100, 0),
            purchase(1, 21, 10, 100, 0),
            review(1, 20, 10, 5, 0),
            review(1, 21, 10, 2, 0),
            review(1, 21, 10, 3, 0),
        ]);
        let l = rows.listings[&(1, 1)].clone().expect("listing");
        assert_eq!((l.sales, l.rating_sum, l.rating_count), (2, 8, 2));
        assert_eq!(rows.reviews[&(1, 1, 21)].clone().map(|r| r.stars), Some(3));
        assert!(
            rows.purchases[&(1, 1, 21)]
                .clone()
                .expect("purchase")
                .reviewed
        );
    }

    #[test]
    fn disputes_edits_delisting_and_featuring() {
        let until = at(86_400);
        let rows = fold(vec![
            listing(1, 10, 100),
            purchase(1, 20, 10, 100, 0),
            Event::PurchaseDisputed(PurchaseDisputed {
                listing: ListingId(1),
                buyer: UserId(20),
                seller: UserId(10),
                reason: "broken".into(),
            }),
            edit(1, 10, 2, 150),
            Event::ListingFeatured(ListingFeatured {
                listing: ListingId(1),
                seller: UserId(10),
                cost: studio_schema::Credits(0),
                until,
                postings: vec![],
            }),
            Event::ListingDelisted(ListingDelisted {
                listing: ListingId(1),
                seller: UserId(10),
                by: UserId(10),
            }),
        ]);
        let p = rows.purchases[&(1, 1, 20)].clone().expect("purchase");
        assert_eq!((p.status, p.version), (PurchaseStatus::Disputed, 1));
        let l = rows.listings[&(1, 1)].clone().expect("listing");
        assert_eq!(
            (l.version, l.price, l.title.as_str()),
            (2, 150, "listing 1 v2")
        );
        assert_eq!(
            (l.active, l.featured_until, l.last_seq),
            (false, Some(until), 6)
        );
        assert_eq!(rows.versions.len(), 2);
        assert_eq!(rows.versions[&(1, 1, 1)].price, 100);
        assert_eq!(rows.versions[&(1, 1, 2)].code, "code 2");

        let mut rows = rows;
        apply(
            &mut rows,
            &recorded(
                7,
                Event::DisputeRejected(DisputeRejected {
                    listing: ListingId(1),
                    buyer: UserId(20),
                    by: UserId(1),
                    note: "works".into(),
                }),
            ),
        );
        assert_eq!(
            rows.purchases[&(1, 1, 20)].clone().map(|p| p.status),
            Some(PurchaseStatus::Active)
        );
    }

    #[test]
    fn statuses_round_trip_through_their_stored_names() {
        for s in [
            PurchaseStatus::Active,
            PurchaseStatus::Disputed,
            PurchaseStatus::Refunded,
        ] {
            assert_eq!(PurchaseStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(PurchaseStatus::parse("lost"), None);
    }
}
