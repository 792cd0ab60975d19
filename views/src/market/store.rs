//! The projector's loads and writes of `listings`, `listing_versions`, `purchases` and `reviews`.

use super::{
    ListingKey, ListingRow, ListingView, PurchaseKey, PurchaseRow, PurchaseView, ReviewRow,
    VersionKey, VersionRow,
};
use crate::row::{column, unknown};
use sqlx::PgConnection;
use studio_model::listing::Listing;
use studio_model::purchase::{Purchase, PurchaseStatus};
use studio_schema::economy::ListingDetails;
use studio_schema::{Credits, UserId, Xp};

type Time = chrono::DateTime<chrono::Utc>;

/// The `listings` rows of `keys` that exist, with their current version's code hash.
///
/// # Errors
/// The database is unreachable.
pub async fn load_listings(
    conn: &mut PgConnection,
    keys: &[ListingKey],
) -> Result<Vec<(ListingKey, ListingRow)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (guilds, listings) = (column(keys, |k| k.0), column(keys, |k| k.1));
    let found = sqlx::query!(
        "SELECT l.guild_id, l.listing_id, seller, l.version, l.title, description, language,
                l.price, v.code_sha256, active, featured_until, sales, refunds, rating_sum,
                rating_count, created_at, updated_at, last_seq
         FROM listings l JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, listing_id)
           ON l.guild_id = k.guild_id AND l.listing_id = k.listing_id
         JOIN listing_versions v ON v.guild_id = l.guild_id
          AND v.listing_id = l.listing_id AND v.version = l.version",
        &guilds,
        &listings
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(found
        .into_iter()
        .map(|r| {
            let row = ListingRow {
                entity: Listing {
                    seller: UserId(r.seller),
                    version: r.version,
                    details: ListingDetails {
                        title: r.title,
                        description: r.description,
                        language: r.language,
                        price: Credits(r.price),
                        code_sha256: r.code_sha256,
                    },
                    active: r.active,
                    featured_until: r.featured_until,
                },
                view: ListingView {
                    sales: r.sales,
                    refunds: r.refunds,
                    rating_sum: r.rating_sum,
                    rating_count: r.rating_count,
                    created_at: r.created_at,
                    updated_at: r.updated_at,
                    last_seq: r.last_seq,
                },
            };
            ((r.guild_id, r.listing_id), row)
        })
        .collect())
}

/// The `purchases` rows of `keys` that exist.
///
/// # Errors
/// The database is unreachable, or a row holds a status the model does not know.
pub async fn load_purchases(
    conn: &mut PgConnection,
    keys: &[PurchaseKey],
) -> Result<Vec<(PurchaseKey, PurchaseRow)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (guilds, listings, buyers) = (
        column(keys, |k| k.0),
        column(keys, |k| k.1),
        column(keys, |k| k.2),
    );
    let found = sqlx::query!(
        "SELECT p.guild_id, p.listing_id, p.buyer, seller, version, price, tax, tax_percent,
                seller_xp, bought_at, guild_seq, status, reviewed
         FROM purchases p
         JOIN UNNEST($1::bigint[], $2::bigint[], $3::bigint[]) AS k(guild_id, listing_id, buyer)
           ON p.guild_id = k.guild_id AND p.listing_id = k.listing_id AND p.buyer = k.buyer",
        &guilds,
        &listings,
        &buyers
    )
    .fetch_all(&mut *conn)
    .await?;
    found
        .into_iter()
        .map(|r| {
            let status = PurchaseStatus::parse(&r.status)
                .ok_or_else(|| unknown("status", "purchase status", &r.status))?;
            let row = PurchaseRow {
                entity: Purchase {
                    seller: UserId(r.seller),
                    version: r.version,
                    price: Credits(r.price),
                    tax: Credits(r.tax),
                    tax_percent: r.tax_percent,
                    seller_xp: Xp(r.seller_xp),
                    status,
                    reviewed: r.reviewed,
                },
                view: PurchaseView {
                    bought_at: r.bought_at,
                    guild_seq: r.guild_seq,
                },
            };
            Ok(((r.guild_id, r.listing_id, r.buyer), row))
        })
        .collect()
}

/// The `reviews` rows of `keys` (`(guild, listing, reviewer)`) that exist.
///
/// # Errors
/// The database is unreachable.
pub async fn load_reviews(
    conn: &mut PgConnection,
    keys: &[PurchaseKey],
) -> Result<Vec<(PurchaseKey, ReviewRow)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (guilds, listings, reviewers) = (
        column(keys, |k| k.0),
        column(keys, |k| k.1),
        column(keys, |k| k.2),
    );
    let found = sqlx::query!(
        "SELECT r.guild_id, r.listing_id, r.reviewer, seller, stars, text, at
         FROM reviews r
         JOIN UNNEST($1::bigint[], $2::bigint[], $3::bigint[]) AS k(guild_id, listing_id, reviewer)
           ON r.guild_id = k.guild_id AND r.listing_id = k.listing_id
          AND r.reviewer = k.reviewer",
        &guilds,
        &listings,
        &reviewers
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(found
        .into_iter()
        .map(|r| {
            let row = ReviewRow {
                seller: r.seller,
                stars: r.stars,
                text: r.text,
                at: r.at,
            };
            ((r.guild_id, r.listing_id, r.reviewer), row)
        })
        .collect())
}

/// Inserts or replaces `listings` rows.
///
/// # Errors
/// The database is unreachable.
pub async fn write_listings(
    conn: &mut PgConnection,
    rows: &[(&ListingKey, &ListingRow)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO listings (guild_id, listing_id, seller, version, title, description,
                               language, price, active, featured_until, sales, refunds,
                               rating_sum, rating_count, created_at, updated_at, last_seq)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],
                              $5::text[], $6::text[], $7::text[], $8::bigint[], $9::boolean[],
                              $10::timestamptz[], $11::bigint[], $12::bigint[], $13::bigint[],
                              $14::bigint[], $15::timestamptz[], $16::timestamptz[],
                              $17::bigint[])
         ON CONFLICT (guild_id, listing_id) DO UPDATE SET
             seller = EXCLUDED.seller, version = EXCLUDED.version, title = EXCLUDED.title,
             description = EXCLUDED.description, language = EXCLUDED.language,
             price = EXCLUDED.price, active = EXCLUDED.active,
             featured_until = EXCLUDED.featured_until, sales = EXCLUDED.sales,
             refunds = EXCLUDED.refunds, rating_sum = EXCLUDED.rating_sum,
             rating_count = EXCLUDED.rating_count, created_at = EXCLUDED.created_at,
             updated_at = EXCLUDED.updated_at, last_seq = EXCLUDED.last_seq",
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1),
        &column(rows, |(_, r)| r.entity.seller.0),
        &column(rows, |(_, r)| r.entity.version),
        &column(rows, |(_, r)| r.entity.details.title.clone()),
        &column(rows, |(_, r)| r.entity.details.description.clone()),
        &column(rows, |(_, r)| r.entity.details.language.clone()),
        &column(rows, |(_, r)| r.entity.details.price.0),
        &column(rows, |(_, r)| r.entity.active),
        &column(rows, |(_, r)| r.entity.featured_until) as &[Option<Time>],
        &column(rows, |(_, r)| r.view.sales),
        &column(rows, |(_, r)| r.view.refunds),
        &column(rows, |(_, r)| r.view.rating_sum),
        &column(rows, |(_, r)| r.view.rating_count),
        &column(rows, |(_, r)| r.view.created_at),
        &column(rows, |(_, r)| r.view.updated_at),
        &column(rows, |(_, r)| r.view.last_seq),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts new (or republished) `listing_versions` rows.
///
/// # Errors
/// The database is unreachable.
pub async fn write_versions(
    conn: &mut PgConnection,
    rows: &[(&VersionKey, &VersionRow)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO listing_versions (guild_id, listing_id, version, title, price, code_sha256,
                                       published_at)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::text[],
                              $5::bigint[], $6::text[], $7::timestamptz[])
         ON CONFLICT (guild_id, listing_id, version) DO UPDATE SET
             title = EXCLUDED.title, price = EXCLUDED.price, code_sha256 = EXCLUDED.code_sha256,
             published_at = EXCLUDED.published_at",
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1),
        &column(rows, |(k, _)| k.2),
        &column(rows, |(_, r)| r.title.clone()),
        &column(rows, |(_, r)| r.price),
        &column(rows, |(_, r)| r.code_sha256.clone()),
        &column(rows, |(_, r)| r.published_at),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts or replaces `purchases` rows.
///
/// # Errors
/// The database is unreachable.
pub async fn write_purchases(
    conn: &mut PgConnection,
    rows: &[(&PurchaseKey, &PurchaseRow)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO purchases (guild_id, listing_id, buyer, seller, version, price, tax,
                                tax_percent, seller_xp, bought_at, guild_seq, status, reviewed)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],
                              $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[],
                              $9::bigint[], $10::timestamptz[], $11::bigint[], $12::text[],
                              $13::boolean[])
         ON CONFLICT (guild_id, listing_id, buyer) DO UPDATE SET
             seller = EXCLUDED.seller, version = EXCLUDED.version, price = EXCLUDED.price,
             tax = EXCLUDED.tax, tax_percent = EXCLUDED.tax_percent,
             seller_xp = EXCLUDED.seller_xp,
             bought_at = EXCLUDED.bought_at, guild_seq = EXCLUDED.guild_seq,
             status = EXCLUDED.status, reviewed = EXCLUDED.reviewed",
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1),
        &column(rows, |(k, _)| k.2),
        &column(rows, |(_, r)| r.entity.seller.0),
        &column(rows, |(_, r)| r.entity.version),
        &column(rows, |(_, r)| r.entity.price.0),
        &column(rows, |(_, r)| r.entity.tax.0),
        &column(rows, |(_, r)| r.entity.tax_percent),
        &column(rows, |(_, r)| r.entity.seller_xp.0),
        &column(rows, |(_, r)| r.view.bought_at),
        &column(rows, |(_, r)| r.view.guild_seq),
        &column(rows, |(_, r)| r.entity.status.as_str().to_owned()),
        &column(rows, |(_, r)| r.entity.reviewed),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts or replaces `reviews` rows (`(guild, listing, reviewer)`).
///
/// # Errors
/// The database is unreachable.
pub async fn write_reviews(
    conn: &mut PgConnection,
    rows: &[(&PurchaseKey, &ReviewRow)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO reviews (guild_id, listing_id, reviewer, seller, stars, text, at)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],
                              $5::bigint[], $6::text[], $7::timestamptz[])
         ON CONFLICT (guild_id, listing_id, reviewer) DO UPDATE SET
             seller = EXCLUDED.seller, stars = EXCLUDED.stars, text = EXCLUDED.text,
             at = EXCLUDED.at",
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1),
        &column(rows, |(k, _)| k.2),
        &column(rows, |(_, r)| r.seller),
        &column(rows, |(_, r)| r.stars),
        &column(rows, |(_, r)| r.text.clone()),
        &column(rows, |(_, r)| r.at),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
