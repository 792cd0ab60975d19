//! `listings`, `listing_versions`, `purchases` and `reviews`: the marketplace.
//!
//! Listings and purchases are the model's; a listing's `sales` counts its purchases that are not
//! refunded (each buyer's row counts once), `refunds` the purchases that were refunded; a buyer who
//! buys again after a refund replaces their purchase row. [`store`] is the projector's side,
//! [`listings`] and [`purchases`] what answers read.

mod listings;
mod purchases;
mod store;

pub use listings::*;
pub use purchases::*;
pub use store::*;

use crate::Row;
use chrono::{DateTime, Utc};
use studio_model::listing::Listing;
use studio_model::purchase::Purchase;

pub const DDL: &str = include_str!("market.sql");

/// `(guild, listing)`: the key of a `listings` row.
pub type ListingKey = (i64, i64);
/// `(guild, listing, version)`: the key of a `listing_versions` row.
pub type VersionKey = (i64, i64, i64);
/// `(guild, listing, buyer)`: the key of a `purchases` or a `reviews` row.
pub type PurchaseKey = (i64, i64, i64);

/// A row of `listings`: the model's listing (its code hash is the current version's, in
/// `listing_versions`), and the marketplace's counters.
pub type ListingRow = Row<Listing, ListingView>;

/// What only the views keep of a listing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListingView {
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
    /// The hash of the code (the code itself is kept apart; only the command service reads it).
    pub code_sha256: String,
    pub published_at: DateTime<Utc>,
}

/// A row of `purchases`: the model's purchase, and when it was made.
pub type PurchaseRow = Row<Purchase, PurchaseView>;

/// What only the views keep of a purchase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurchaseView {
    pub bought_at: DateTime<Utc>,
    /// The seq of the purchase.
    pub guild_seq: i64,
}

/// A row of `reviews`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewRow {
    pub seller: i64,
    pub stars: i64,
    pub text: String,
    pub at: DateTime<Utc>,
}
