//! What answers read of `purchases` and `reviews`: what a buyer owns, a member's purchases and
//! sales, the disputes, the reviews a seller received and a listing's reviews.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use studio_schema::{GuildId, ListingId, UserId};

/// A purchase, seen by its buyer or its seller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurchaseSummary {
    pub listing_id: i64,
    pub title: String,
    pub buyer: i64,
    pub seller: i64,
    pub price: i64,
    pub status: String,
    pub reviewed: bool,
    pub bought_at: DateTime<Utc>,
}

/// A member's latest purchases and sales, and how many of each there are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct History {
    pub purchases: Vec<PurchaseSummary>,
    pub sales: Vec<PurchaseSummary>,
    pub purchase_count: i64,
    pub sale_count: i64,
}

/// What others said about a member's code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewReceived {
    pub title: String,
    pub reviewer: i64,
    pub stars: i64,
    pub text: String,
}

/// A review of one listing, as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListingReview {
    pub reviewer: i64,
    pub stars: i64,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// The latest `limit` reviews of one listing, the latest first.
///
/// # Errors
/// The database is unreachable.
pub async fn reviews_of(
    pool: &PgPool,
    guild: GuildId,
    listing: ListingId,
    limit: i64,
) -> Result<Vec<ListingReview>, sqlx::Error> {
    sqlx::query_as!(
        ListingReview,
        "SELECT reviewer, stars, text, at FROM views.reviews
         WHERE guild_id = $1 AND listing_id = $2
         ORDER BY at DESC, reviewer LIMIT $3",
        guild.0,
        listing.0,
        limit
    )
    .fetch_all(pool)
    .await
}

/// The title and version a buyer owns (the one they bought), unless the purchase was refunded.
///
/// # Errors
/// The database is unreachable.
pub async fn owned_version(
    pool: &PgPool,
    guild: GuildId,
    listing: ListingId,
    buyer: UserId,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    let owned = sqlx::query!(
        "SELECT v.title, v.version FROM views.purchases p
         JOIN views.listing_versions v
           ON v.guild_id = p.guild_id AND v.listing_id = p.listing_id AND v.version = p.version
         WHERE p.guild_id = $1 AND p.listing_id = $2 AND p.buyer = $3 AND p.status <> 'refunded'",
        guild.0,
        listing.0,
        buyer.0
    )
    .fetch_optional(pool)
    .await?;
    Ok(owned.map(|r| (r.title, r.version)))
}

/// A member's latest `limit` purchases and sales, the latest first.
///
/// # Errors
/// The database is unreachable.
pub async fn history(
    pool: &PgPool,
    guild: GuildId,
    member: UserId,
    limit: i64,
) -> Result<History, sqlx::Error> {
    let purchases = sqlx::query_as!(
        PurchaseSummary,
        "SELECT p.listing_id, l.title, p.buyer, p.seller, p.price, p.status, p.reviewed,
                p.bought_at
         FROM views.purchases p
         JOIN views.listings l ON l.guild_id = p.guild_id AND l.listing_id = p.listing_id
         WHERE p.guild_id = $1 AND p.buyer = $2
         ORDER BY p.guild_seq DESC LIMIT $3",
        guild.0,
        member.0,
        limit
    )
    .fetch_all(pool)
    .await?;
    let sales = sqlx::query_as!(
        PurchaseSummary,
        "SELECT p.listing_id, l.title, p.buyer, p.seller, p.price, p.status, p.reviewed,
                p.bought_at
         FROM views.purchases p
         JOIN views.listings l ON l.guild_id = p.guild_id AND l.listing_id = p.listing_id
         WHERE p.guild_id = $1 AND p.seller = $2
         ORDER BY p.guild_seq DESC LIMIT $3",
        guild.0,
        member.0,
        limit
    )
    .fetch_all(pool)
    .await?;
    let purchase_count = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM views.purchases WHERE guild_id = $1 AND buyer = $2"#,
        guild.0,
        member.0
    )
    .fetch_one(pool)
    .await?;
    let sale_count = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM views.purchases WHERE guild_id = $1 AND seller = $2"#,
        guild.0,
        member.0
    )
    .fetch_one(pool)
    .await?;
    Ok(History {
        purchases,
        sales,
        purchase_count,
        sale_count,
    })
}

/// The first `limit` purchases under dispute, the oldest first.
///
/// # Errors
/// The database is unreachable.
pub async fn disputes(
    pool: &PgPool,
    guild: GuildId,
    limit: i64,
) -> Result<Vec<PurchaseSummary>, sqlx::Error> {
    sqlx::query_as!(
        PurchaseSummary,
        "SELECT p.listing_id, l.title, p.buyer, p.seller, p.price, p.status, p.reviewed,
                p.bought_at
         FROM views.purchases p
         JOIN views.listings l ON l.guild_id = p.guild_id AND l.listing_id = p.listing_id
         WHERE p.guild_id = $1 AND p.status = 'disputed'
         ORDER BY p.guild_seq LIMIT $2",
        guild.0,
        limit
    )
    .fetch_all(pool)
    .await
}

/// The latest `limit` reviews of a seller's listings, the latest first.
///
/// # Errors
/// The database is unreachable.
pub async fn reviews_received(
    pool: &PgPool,
    guild: GuildId,
    seller: UserId,
    limit: i64,
) -> Result<Vec<ReviewReceived>, sqlx::Error> {
    sqlx::query_as!(
        ReviewReceived,
        "SELECT l.title, r.reviewer, r.stars, r.text
         FROM views.reviews r
         JOIN views.listings l ON l.guild_id = r.guild_id AND l.listing_id = r.listing_id
         WHERE r.guild_id = $1 AND r.seller = $2
         ORDER BY r.at DESC, r.listing_id DESC LIMIT $3",
        guild.0,
        seller.0,
        limit
    )
    .fetch_all(pool)
    .await
}
