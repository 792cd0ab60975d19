//! `listings`, `listing_versions`, `purchases` and `reviews`: the marketplace.
//!
//! Listings and purchases are the model's; a listing's `sales` counts its purchases that are not
//! refunded (each buyer's row counts once), `refunds` the purchases that were refunded; a buyer who
//! buys again after a refund replaces their purchase row.

use super::{Keys, ListingRow, ListingView, PurchaseView, ReviewRow, Rows, VersionRow, evolve};
use studio_model::Entity;
use studio_model::listing::Listing;
use studio_model::purchase::{Purchase, PurchaseStatus};
use studio_schema::economy::{ListingPublished, ListingReviewed};
use studio_schema::log::RecordedEvent;
use studio_schema::{Event, ListingId, UserId};

/// The purchase an event touches.
fn purchase_key(event: &Event) -> Option<(ListingId, UserId)> {
    let mut key = None;
    Purchase::keys(event, &mut |k| key = Some(k));
    key
}

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    let g = e.guild_id.0;
    Listing::keys(&e.event, &mut |l| keys.listings.push((g, l.0)));
    if let Some((listing, buyer)) = purchase_key(&e.event) {
        keys.purchases.push((g, listing.0, buyer.0));
        if matches!(
            e.event,
            Event::ListingPurchased(_) | Event::PurchaseRefunded(_) | Event::ActionUndone(_)
        ) {
            keys.listings.push((g, listing.0));
        }
        if let Event::ListingReviewed(_) = e.event {
            keys.listings.push((g, listing.0));
            keys.reviews.push((g, listing.0, buyer.0));
        }
    }
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    let g = e.guild_id.0;
    if let Event::ListingCreated(p) | Event::ListingEdited(p) = &e.event {
        publish(rows, e, p);
    }
    Listing::keys(&e.event, &mut |id| {
        let slot = rows.listings.entry((g, id.0)).or_insert(None);
        let created = ListingView {
            created_at: e.occurred_at,
            updated_at: e.occurred_at,
            last_seq: e.guild_seq,
            ..ListingView::default()
        };
        if let Some(l) = evolve(slot, id, &e.event, || created) {
            l.view.last_seq = e.guild_seq;
            if matches!(e.event, Event::ListingCreated(_) | Event::ListingEdited(_)) {
                l.view.updated_at = e.occurred_at;
            }
        }
    });
    let Some(key) = purchase_key(&e.event) else {
        return;
    };
    let (listing, buyer) = key;
    let slot = rows
        .purchases
        .entry((g, listing.0, buyer.0))
        .or_insert(None);
    let before = slot.as_ref().map(|p| p.entity.status);
    let new_view = || PurchaseView {
        bought_at: e.occurred_at,
        guild_seq: e.guild_seq,
    };
    let after = evolve(slot, key, &e.event, new_view).map(|p| {
        if let Event::ListingPurchased(_) = e.event {
            p.view = new_view();
        }
        p.entity.status
    });
    // A purchase that was not counted as a sale (new, or refunded) counts now; a refund moves one
    // from the sales to the refunds.
    let counted = |s: Option<PurchaseStatus>| s.is_some_and(|s| s != PurchaseStatus::Refunded);
    let (sales, refunds) = match (&e.event, counted(before), counted(after)) {
        (Event::ListingPurchased(_), false, true) => (1, 0),
        (Event::PurchaseRefunded(_), true, false) => (-1, 1),
        // An undone refund: the sale counts again.
        (Event::ActionUndone(_), false, true) => (1, -1),
        _ => (0, 0),
    };
    if let Event::ListingReviewed(r) = &e.event {
        review(rows, e, r);
    }
    if (sales, refunds) != (0, 0)
        && let Some(l) = listing_row(rows, (g, listing.0))
    {
        l.view.sales += sales;
        l.view.refunds += refunds;
        l.view.last_seq = e.guild_seq;
    }
}

/// A review counts toward the listing's rating; a second one by the same buyer replaces the first.
fn review(rows: &mut Rows, e: &RecordedEvent, r: &ListingReviewed) {
    let g = e.guild_id.0;
    let previous = rows.reviews.insert(
        (g, r.listing.0, r.reviewer.0),
        Some(ReviewRow {
            seller: r.seller.0,
            stars: r.stars,
            text: r.text.clone(),
            at: e.occurred_at,
        }),
    );
    if let Some(l) = listing_row(rows, (g, r.listing.0)) {
        if let Some(old) = previous.flatten() {
            l.view.rating_sum += r.stars - old.stars;
        } else {
            l.view.rating_sum += r.stars;
            l.view.rating_count += 1;
        }
        l.view.last_seq = e.guild_seq;
    }
}

/// A new version is kept for its buyers.
fn publish(rows: &mut Rows, e: &RecordedEvent, p: &ListingPublished) {
    let d = &p.details;
    rows.versions.insert(
        (e.guild_id.0, p.listing.0, p.version),
        VersionRow {
            title: d.title.clone(),
            price: d.price.0,
            code_sha256: d.code_sha256.clone(),
            published_at: e.occurred_at,
        },
    );
}

fn listing_row(rows: &mut Rows, key: (i64, i64)) -> Option<&mut ListingRow> {
    rows.listings.get_mut(&key).and_then(Option::as_mut)
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
            (p.entity.status, p.entity.reviewed, p.view.guild_seq),
            (PurchaseStatus::Active, true, 5)
        );
        let l = rows.listings[&(1, 1)].clone().expect("listing");
        assert_eq!((l.view.sales, l.view.refunds, l.view.last_seq), (1, 1, 5));
        assert_eq!((l.view.rating_sum, l.view.rating_count), (4, 1));
    }

    #[test]
    fn an_undone_dispute_refund_counts_the_sale_again_and_leaves_it_disputed() {
        let undone = Event::ActionUndone(studio_schema::undo::ActionUndone {
            original: 3,
            action: "dispute decision".into(),
            by: UserId(1),
            operator: None,
            reason: "wrong call".into(),
            postings: Vec::new(),
            reopens: None,
            redisputes: Some(studio_schema::undo::Redispute {
                listing: ListingId(1),
                buyer: UserId(20),
                seller_xp: studio_schema::Xp(0),
            }),
            commission_disputed: None,
        });
        let rows = fold(vec![
            listing(1, 10, 100),
            purchase(1, 20, 10, 100, 0),
            refund(1, 20, 10, 100),
            undone,
        ]);
        let p = rows.purchases[&(1, 1, 20)].clone().expect("purchase");
        assert_eq!(p.entity.status, PurchaseStatus::Disputed);
        let l = rows.listings[&(1, 1)].clone().expect("listing");
        assert_eq!((l.view.sales, l.view.refunds, l.view.last_seq), (1, 0, 4));
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
        assert_eq!(
            (p.entity.status, p.entity.reviewed),
            (PurchaseStatus::Refunded, false)
        );
        let l = rows.listings[&(1, 1)].clone().expect("listing");
        assert_eq!((l.view.sales, l.view.refunds), (0, 1));

        apply(&mut rows, &recorded(5, purchase(1, 20, 10, 100, 0)));
        let p = rows.purchases[&(1, 1, 20)].clone().expect("purchase");
        assert_eq!(
            (p.entity.status, p.entity.reviewed, p.view.guild_seq),
            (PurchaseStatus::Active, false, 5)
        );
        let l = rows.listings[&(1, 1)].clone().expect("listing");
        assert_eq!((l.view.sales, l.view.refunds), (1, 1));
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
        assert_eq!(
            (l.view.sales, l.view.rating_sum, l.view.rating_count),
            (2, 8, 2)
        );
        assert_eq!(rows.reviews[&(1, 1, 21)].clone().map(|r| r.stars), Some(3));
        assert!(
            rows.purchases[&(1, 1, 21)]
                .clone()
                .expect("purchase")
                .entity
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
                postings: Vec::new(),
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
        assert_eq!(
            (p.entity.status, p.entity.version),
            (PurchaseStatus::Disputed, 1)
        );
        let l = rows.listings[&(1, 1)].clone().expect("listing");
        assert_eq!(
            (
                l.entity.version,
                l.entity.details.price.0,
                l.entity.details.title.as_str()
            ),
            (2, 150, "listing 1 v2")
        );
        assert_eq!(
            (l.entity.active, l.entity.featured_until, l.view.last_seq),
            (false, Some(until), 6)
        );
        assert_eq!(rows.versions.len(), 2);
        assert_eq!(rows.versions[&(1, 1, 1)].price, 100);
        assert_eq!(
            rows.versions[&(1, 1, 2)].code_sha256,
            studio_schema::content::sha256_hex("code 2")
        );

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
                    postings: Vec::new(),
                }),
            ),
        );
        assert_eq!(
            rows.purchases[&(1, 1, 20)].clone().map(|p| p.entity.status),
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
