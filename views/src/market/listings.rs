//! What answers read of `listings` and `listing_versions`: the marketplace, a seller's listings,
//! one listing with its code, and a seller's record.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use studio_schema::{GuildId, ListingId, UserId};

/// A listing as the marketplace shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ListingSummary {
    pub listing_id: i64,
    pub seller: i64,
    pub version: i64,
    pub title: String,
    pub description: String,
    pub language: String,
    pub price: i64,
    pub active: bool,
    pub featured_until: Option<DateTime<Utc>>,
    pub sales: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
}

impl ListingSummary {
    #[must_use]
    pub fn id(&self) -> ListingId {
        ListingId(self.listing_id)
    }

    #[must_use]
    pub fn seller(&self) -> UserId {
        UserId(self.seller)
    }

    /// The average rating, if anyone reviewed it.
    #[must_use]
    pub fn rating(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        (self.rating_count > 0).then(|| self.rating_sum as f64 / self.rating_count as f64)
    }
}

/// A page of listings and how many there are in all.
#[derive(Clone, Debug, PartialEq)]
pub struct ListingPage {
    pub rows: Vec<ListingSummary>,
    pub total: i64,
}

/// A member's record on the marketplace, as a seller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SellerStats {
    /// Listings on sale now.
    pub listings: i64,
    pub sales: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
}

/// A page of the listings on sale, featured ones (as of `now`) first, then the newest; optionally
/// in one language.
///
/// # Errors
/// The database is unreachable.
pub async fn on_sale(
    pool: &PgPool,
    guild: GuildId,
    language: Option<&str>,
    now: DateTime<Utc>,
    limit: i64,
    offset: i64,
) -> Result<ListingPage, sqlx::Error> {
    let rows = sqlx::query_as!(
        ListingSummary,
        "SELECT listing_id, seller, version, title, description, language, price, active,
                featured_until, sales, rating_sum, rating_count
         FROM views.listings
         WHERE guild_id = $1 AND active AND ($2::text IS NULL OR language = $2)
         ORDER BY (featured_until IS NOT NULL AND featured_until > $3) DESC, listing_id DESC
         LIMIT $4 OFFSET $5",
        guild.0,
        language,
        now,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM views.listings
           WHERE guild_id = $1 AND active AND ($2::text IS NULL OR language = $2)"#,
        guild.0,
        language
    )
    .fetch_one(pool)
    .await?;
    Ok(ListingPage { rows, total })
}

/// A page of a seller's own listings, on sale or not, the newest first.
///
/// # Errors
/// The database is unreachable.
pub async fn by_seller(
    pool: &PgPool,
    guild: GuildId,
    seller: UserId,
    limit: i64,
    offset: i64,
) -> Result<ListingPage, sqlx::Error> {
    let rows = sqlx::query_as!(
        ListingSummary,
        "SELECT listing_id, seller, version, title, description, language, price, active,
                featured_until, sales, rating_sum, rating_count
         FROM views.listings WHERE guild_id = $1 AND seller = $2
         ORDER BY listing_id DESC LIMIT $3 OFFSET $4",
        guild.0,
        seller.0,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM views.listings WHERE guild_id = $1 AND seller = $2"#,
        guild.0,
        seller.0
    )
    .fetch_one(pool)
    .await?;
    Ok(ListingPage { rows, total })
}

/// One listing (its code is kept apart: see `studio_schema::content`).
///
/// # Errors
/// The database is unreachable.
pub async fn listing(
    pool: &PgPool,
    guild: GuildId,
    listing: ListingId,
) -> Result<Option<ListingSummary>, sqlx::Error> {
    sqlx::query_as!(
        ListingSummary,
        "SELECT listing_id, seller, version, title, description, language, price, active,
                featured_until, sales, rating_sum, rating_count
         FROM views.listings WHERE guild_id = $1 AND listing_id = $2",
        guild.0,
        listing.0
    )
    .fetch_optional(pool)
    .await
}

/// A seller's record: listings on sale, sales, and the sum and count of review stars.
///
/// # Errors
/// The database is unreachable.
pub async fn seller_stats(
    pool: &PgPool,
    guild: GuildId,
    seller: UserId,
) -> Result<SellerStats, sqlx::Error> {
    sqlx::query_as!(
        SellerStats,
        r#"SELECT count(*) FILTER (WHERE active) AS "listings!",
                  coalesce(sum(sales), 0)::bigint AS "sales!",
                  coalesce(sum(rating_sum), 0)::bigint AS "rating_sum!",
                  coalesce(sum(rating_count), 0)::bigint AS "rating_count!"
           FROM views.listings WHERE guild_id = $1 AND seller = $2"#,
        guild.0,
        seller.0
    )
    .fetch_one(pool)
    .await
}
