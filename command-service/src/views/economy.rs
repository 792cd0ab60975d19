//! The economy's views as members see them: the marketplace, one's listings, history and credits.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use studio_schema::{Account, Credits, GuildId, ListingId, UserId};

/// Listings per marketplace or My Listings page; history and statements show this many lines.
pub const PAGE: i64 = 5;
/// Entries shown with a balance.
pub const RECENT_ENTRIES: i64 = 10;

/// A listing as the marketplace shows it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ListingRow {
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

impl ListingRow {
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
    pub rows: Vec<ListingRow>,
    pub total: i64,
}

/// A purchase, seen by its buyer or its seller.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct PurchaseRow {
    pub listing_id: i64,
    pub title: String,
    pub buyer: i64,
    pub seller: i64,
    pub price: i64,
    pub status: String,
    pub reviewed: bool,
    pub bought_at: DateTime<Utc>,
}

/// A member's latest purchases and sales.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    pub purchases: Vec<PurchaseRow>,
    pub sales: Vec<PurchaseRow>,
    pub purchase_count: i64,
    pub sale_count: i64,
}

/// One line of a member's statement.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Entry {
    pub guild_seq: i64,
    pub amount: i64,
    pub balance_after: i64,
    pub event_type: String,
    pub memo: Option<String>,
    pub counterparts: String,
    pub at: DateTime<Utc>,
}

/// A balance and its latest entries.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub balance: Credits,
    pub entries: Vec<Entry>,
}

const LISTING_COLUMNS: &str = "listing_id, seller, version, title, description, language, price, \
     active, featured_until, sales, rating_sum, rating_count";

/// A page of active listings, featured first, then newest; optionally in one language.
///
/// # Errors
/// The database is unreachable.
pub async fn market(
    pool: &PgPool,
    guild: GuildId,
    language: Option<&str>,
    page: u32,
    now: DateTime<Utc>,
) -> Result<ListingPage, sqlx::Error> {
    let filter = "guild_id = $1 AND active AND ($2::text IS NULL OR language = $2)";
    let rows = sqlx::query_as(&format!(
        "SELECT {LISTING_COLUMNS} FROM views.listings WHERE {filter}
         ORDER BY (featured_until IS NOT NULL AND featured_until > $3) DESC, listing_id DESC
         LIMIT $4 OFFSET $5"
    ))
    .bind(guild.0)
    .bind(language)
    .bind(now)
    .bind(PAGE)
    .bind(i64::from(page) * PAGE)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM views.listings WHERE {filter}"
    ))
    .bind(guild.0)
    .bind(language)
    .fetch_one(pool)
    .await?;
    Ok(ListingPage { rows, total })
}

/// A page of a seller's own listings, active or not, newest first.
///
/// # Errors
/// The database is unreachable.
pub async fn mine(
    pool: &PgPool,
    guild: GuildId,
    seller: UserId,
    page: u32,
) -> Result<ListingPage, sqlx::Error> {
    let rows = sqlx::query_as(&format!(
        "SELECT {LISTING_COLUMNS} FROM views.listings WHERE guild_id = $1 AND seller = $2
         ORDER BY listing_id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(guild.0)
    .bind(seller.0)
    .bind(PAGE)
    .bind(i64::from(page) * PAGE)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(
        "SELECT count(*) FROM views.listings WHERE guild_id = $1 AND seller = $2",
    )
    .bind(guild.0)
    .bind(seller.0)
    .fetch_one(pool)
    .await?;
    Ok(ListingPage { rows, total })
}

/// One listing and the code of its current version.
///
/// # Errors
/// The database is unreachable.
pub async fn listing(
    pool: &PgPool,
    guild: GuildId,
    listing: ListingId,
) -> Result<Option<(ListingRow, String)>, sqlx::Error> {
    let Some(row) = sqlx::query_as::<_, ListingRow>(&format!(
        "SELECT {LISTING_COLUMNS} FROM views.listings WHERE guild_id = $1 AND listing_id = $2"
    ))
    .bind(guild.0)
    .bind(listing.0)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let code: Option<String> = sqlx::query_scalar(
        "SELECT code FROM views.listing_versions WHERE guild_id = $1 AND listing_id = $2 AND version = $3",
    )
    .bind(guild.0)
    .bind(listing.0)
    .bind(row.version)
    .fetch_optional(pool)
    .await?;
    Ok(Some((row, code.unwrap_or_default())))
}

/// The title and code a buyer owns (the version they bought), unless the purchase was refunded.
///
/// # Errors
/// The database is unreachable.
pub async fn owned_code(
    pool: &PgPool,
    guild: GuildId,
    listing: ListingId,
    buyer: UserId,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.title, v.code FROM views.purchases p
         JOIN views.listing_versions v
           ON v.guild_id = p.guild_id AND v.listing_id = p.listing_id AND v.version = p.version
         WHERE p.guild_id = $1 AND p.listing_id = $2 AND p.buyer = $3 AND p.status <> 'refunded'",
    )
    .bind(guild.0)
    .bind(listing.0)
    .bind(buyer.0)
    .fetch_optional(pool)
    .await
}

/// A member's latest purchases and sales.
///
/// # Errors
/// The database is unreachable.
pub async fn history(
    pool: &PgPool,
    guild: GuildId,
    member: UserId,
) -> Result<History, sqlx::Error> {
    let side = |column: &str| {
        format!(
            "SELECT p.listing_id, l.title, p.buyer, p.seller, p.price, p.status, p.reviewed, p.bought_at
             FROM views.purchases p
             JOIN views.listings l ON l.guild_id = p.guild_id AND l.listing_id = p.listing_id
             WHERE p.guild_id = $1 AND p.{column} = $2
             ORDER BY p.guild_seq DESC LIMIT $3"
        )
    };
    let count = |column: &str| {
        format!("SELECT count(*) FROM views.purchases WHERE guild_id = $1 AND {column} = $2")
    };
    let purchases = sqlx::query_as(&side("buyer"))
        .bind(guild.0)
        .bind(member.0)
        .bind(PAGE)
        .fetch_all(pool)
        .await?;
    let sales = sqlx::query_as(&side("seller"))
        .bind(guild.0)
        .bind(member.0)
        .bind(PAGE)
        .fetch_all(pool)
        .await?;
    let purchase_count = sqlx::query_scalar(&count("buyer"))
        .bind(guild.0)
        .bind(member.0)
        .fetch_one(pool)
        .await?;
    let sale_count = sqlx::query_scalar(&count("seller"))
        .bind(guild.0)
        .bind(member.0)
        .fetch_one(pool)
        .await?;
    Ok(History {
        purchases,
        sales,
        purchase_count,
        sale_count,
    })
}

/// An account's balance (zero if it never moved).
///
/// # Errors
/// The database is unreachable.
pub async fn balance(pool: &PgPool, guild: GuildId, account: Account) -> Result<i64, sqlx::Error> {
    let balance: Option<i64> = sqlx::query_scalar(
        "SELECT balance FROM views.accounts WHERE guild_id = $1 AND account = $2",
    )
    .bind(guild.0)
    .bind(account.to_string())
    .fetch_optional(pool)
    .await?;
    Ok(balance.unwrap_or(0))
}

/// A member's balance and latest entries.
///
/// # Errors
/// The database is unreachable.
pub async fn statement(
    pool: &PgPool,
    guild: GuildId,
    member: UserId,
) -> Result<Statement, sqlx::Error> {
    let account = Account::Member(member).to_string();
    let balance = balance(pool, guild, Account::Member(member)).await?;
    let entries = sqlx::query_as(
        "SELECT guild_seq, amount, balance_after, event_type, memo, counterparts, at
         FROM views.postings WHERE guild_id = $1 AND account = $2
         ORDER BY guild_seq DESC LIMIT $3",
    )
    .bind(guild.0)
    .bind(&account)
    .bind(RECENT_ENTRIES)
    .fetch_all(pool)
    .await?;
    Ok(Statement {
        balance: Credits(balance),
        entries,
    })
}

/// A commission as its parties see it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CommissionRow {
    pub commission_id: i64,
    pub client: i64,
    pub developer: i64,
    pub amount: i64,
    pub description: String,
    pub deadline: DateTime<Utc>,
    pub status: String,
    pub escrow: i64,
    pub released: i64,
    pub auto_release_at: Option<DateTime<Utc>>,
}

/// A member's latest commissions, as client or developer.
///
/// # Errors
/// The database is unreachable.
pub async fn commissions(
    pool: &PgPool,
    guild: GuildId,
    member: UserId,
) -> Result<Vec<CommissionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT commission_id, client, developer, amount, description, deadline, status, escrow,
                released, auto_release_at
         FROM views.commissions WHERE guild_id = $1 AND (client = $2 OR developer = $2)
         ORDER BY commission_id DESC LIMIT $3",
    )
    .bind(guild.0)
    .bind(member.0)
    .bind(RECENT_ENTRIES)
    .fetch_all(pool)
    .await
}

/// The purchases under dispute, oldest first.
///
/// # Errors
/// The database is unreachable.
pub async fn disputes(pool: &PgPool, guild: GuildId) -> Result<Vec<PurchaseRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.listing_id, l.title, p.buyer, p.seller, p.price, p.status, p.reviewed, p.bought_at
         FROM views.purchases p
         JOIN views.listings l ON l.guild_id = p.guild_id AND l.listing_id = p.listing_id
         WHERE p.guild_id = $1 AND p.status = 'disputed'
         ORDER BY p.guild_seq LIMIT 20",
    )
    .bind(guild.0)
    .fetch_all(pool)
    .await
}
