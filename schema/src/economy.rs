//! The payloads of the economy's events: credits, the marketplace and commission escrow.
//!
//! Every payload that moves credits carries its `postings` (see [`crate::money`]); amounts, tax rates,
//! ranks and deadlines are decided once and written here, so a replay never recomputes them.

use crate::ids::{CommissionId, ListingId, UserId, Xp};
use crate::money::{Credits, Posting};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A member paid another (`/pay`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreditsTransferred {
    pub from: UserId,
    pub to: UserId,
    pub amount: Credits,
    pub note: Option<String>,
    pub postings: Vec<Posting>,
}

/// An admin issued credits to a member from the mint, or took them into the treasury.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreditsAdjusted {
    pub member: UserId,
    pub amount: Credits,
    pub reason: String,
    pub by: UserId,
    pub postings: Vec<Posting>,
}

/// What a seller offers: one version of a listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingDetails {
    pub title: String,
    pub description: String,
    /// Language or engine, lower-cased (the marketplace filters on it).
    pub language: String,
    pub price: Credits,
    /// The SHA-256 of the code (or link) delivered to buyers: the log proves what was sold without
    /// holding it. The code itself is kept apart, by `(listing, version)`: see [`crate::content`].
    pub code_sha256: String,
}

/// A listing was put up (version 1) or edited (a new version; buyers keep the one they bought).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListingPublished {
    pub listing: ListingId,
    pub seller: UserId,
    pub version: i64,
    pub details: ListingDetails,
    /// When it went on sale (absent before listings expired): its time on the marketplace
    /// counts from here (`/settings listing-days`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime<Utc>>,
}

/// A listing's time on the marketplace ran out at `at` (`/settings listing-days`): it is off sale
/// until its seller renews it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingExpired {
    pub listing: ListingId,
    pub seller: UserId,
    pub at: DateTime<Utc>,
}

/// A seller renewed a listing at `at`: on sale, for another listing period from then.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingRenewed {
    pub listing: ListingId,
    pub seller: UserId,
    pub at: DateTime<Utc>,
}

/// A listing was taken off the marketplace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListingDelisted {
    pub listing: ListingId,
    pub seller: UserId,
    pub by: UserId,
}

/// A member bought a listing's `version` at `price`; the seller paid `tax` at `tax_percent`, the
/// rate of `seller_rank` at the time of sale, and earned `seller_xp`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListingPurchased {
    pub listing: ListingId,
    pub version: i64,
    pub buyer: UserId,
    pub seller: UserId,
    pub price: Credits,
    pub tax: Credits,
    pub tax_percent: i64,
    pub seller_rank: String,
    pub seller_xp: Xp,
    pub postings: Vec<Posting>,
}

/// A buyer reviewed a listing they bought, and earned `reviewer_xp`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListingReviewed {
    pub listing: ListingId,
    pub seller: UserId,
    pub reviewer: UserId,
    pub stars: i64,
    pub text: String,
    pub reviewer_xp: Xp,
}

/// A sale was refunded (by its seller, or by an admin resolving a dispute): the buyer got the price
/// back from the seller and the treasury, and lost access to the code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PurchaseRefunded {
    pub listing: ListingId,
    pub buyer: UserId,
    pub seller: UserId,
    pub by: UserId,
    pub reason: String,
    pub postings: Vec<Posting>,
    /// The sale's XP taken back from the seller (0 for refunds recorded before it was).
    #[serde(default)]
    pub seller_xp: Xp,
}

/// A buyer disputed a purchase; an admin resolves it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PurchaseDisputed {
    pub listing: ListingId,
    pub buyer: UserId,
    pub seller: UserId,
    pub reason: String,
    /// The sale's proceeds moved from the seller into the dispute's hold, so that a refund an
    /// admin decides always pays (none for disputes recorded before holds existed).
    #[serde(default)]
    pub postings: Vec<Posting>,
}

/// An admin rejected a buyer's dispute; the sale stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisputeRejected {
    pub listing: ListingId,
    pub buyer: UserId,
    pub by: UserId,
    pub note: String,
    /// The hold going back to the seller.
    #[serde(default)]
    pub postings: Vec<Posting>,
}

/// A seller paid the treasury to feature a listing until `until`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListingFeatured {
    pub listing: ListingId,
    pub seller: UserId,
    pub cost: Credits,
    pub until: DateTime<Utc>,
    pub postings: Vec<Posting>,
}

/// A client offered a developer paid work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommissionOffered {
    pub commission: CommissionId,
    pub client: UserId,
    pub developer: UserId,
    pub amount: Credits,
    pub description: String,
    pub deadline: DateTime<Utc>,
}

/// A step of a commission that names only who took it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommissionStep {
    pub commission: CommissionId,
    pub by: UserId,
}

/// The client put the amount and the escrow fee into the commission's escrow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommissionFunded {
    pub commission: CommissionId,
    pub client: UserId,
    pub amount: Credits,
    pub fee: Credits,
    pub postings: Vec<Posting>,
}

/// Part of the escrow was released to the developer ahead of delivery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MilestoneReleased {
    pub commission: CommissionId,
    pub amount: Credits,
    pub note: String,
    pub postings: Vec<Posting>,
}

/// The developer delivered; without a release or a dispute the escrow releases itself at
/// `auto_release_at`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommissionDelivered {
    pub commission: CommissionId,
    pub developer: UserId,
    pub at: DateTime<Utc>,
    pub auto_release_at: DateTime<Utc>,
}

/// How a commission's escrow was settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Settlement {
    /// The client released it to the developer.
    Released,
    /// Nobody released or disputed it in time after delivery.
    AutoReleased,
    /// The client cancelled after the developer missed the deadline (full refund, fee included).
    RefundedAfterDeadline,
    /// The client or the developer withdrew before it was funded.
    Withdrawn,
    /// An admin resolved a dispute for the developer.
    ResolvedRelease,
    /// An admin resolved a dispute for the client (full refund, fee included).
    ResolvedRefund,
    /// An admin split what was left between them.
    ResolvedSplit,
}

/// A commission ended; its escrow (if any) was emptied by `postings`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommissionSettled {
    pub commission: CommissionId,
    pub settlement: Settlement,
    /// Who settled it; `None` when the scheduler did.
    pub by: Option<UserId>,
    /// The developer's share of a split, in percent.
    pub developer_percent: Option<i64>,
    /// When it was settled, decided once (the scheduler's due time for an automatic release).
    pub at: DateTime<Utc>,
    pub postings: Vec<Posting>,
}

/// The client or the developer disputed a funded commission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommissionDisputed {
    pub commission: CommissionId,
    pub by: UserId,
    pub reason: String,
}
