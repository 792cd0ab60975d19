//! `listings`, `listing_versions`, `purchases` and `reviews`.

use super::{Tx, column, present};
use crate::fold::{Keys, ListingRow, ListingView, PurchaseRow, PurchaseView, ReviewRow, Rows};
use sqlx::Row;
use studio_model::listing::Listing;
use studio_model::purchase::{Purchase, PurchaseStatus};
use studio_schema::economy::ListingDetails;
use studio_schema::{Credits, UserId};

pub(super) async fn load(tx: &mut Tx<'_>, keys: &Keys, rows: &mut Rows) -> Result<(), sqlx::Error> {
    if !keys.listings.is_empty() {
        let found = sqlx::query(
            "SELECT l.guild_id, l.listing_id, seller, l.version, l.title, description, language,
                    l.price, v.code, active, featured_until, sales, refunds, rating_sum,
                    rating_count, created_at, updated_at, last_seq
             FROM listings l JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, listing_id)
               ON l.guild_id = k.guild_id AND l.listing_id = k.listing_id
             JOIN listing_versions v ON v.guild_id = l.guild_id
              AND v.listing_id = l.listing_id AND v.version = l.version",
        )
        .bind(column(&keys.listings, |k| k.0))
        .bind(column(&keys.listings, |k| k.1))
        .fetch_all(&mut **tx)
        .await?;
        for r in found {
            rows.listings.insert(
                (r.try_get("guild_id")?, r.try_get("listing_id")?),
                Some(ListingRow {
                    entity: Listing {
                        seller: UserId(r.try_get("seller")?),
                        version: r.try_get("version")?,
                        details: ListingDetails {
                            title: r.try_get("title")?,
                            description: r.try_get("description")?,
                            language: r.try_get("language")?,
                            price: Credits(r.try_get("price")?),
                            code: r.try_get("code")?,
                        },
                        active: r.try_get("active")?,
                        featured_until: r.try_get("featured_until")?,
                    },
                    view: ListingView {
                        sales: r.try_get("sales")?,
                        refunds: r.try_get("refunds")?,
                        rating_sum: r.try_get("rating_sum")?,
                        rating_count: r.try_get("rating_count")?,
                        created_at: r.try_get("created_at")?,
                        updated_at: r.try_get("updated_at")?,
                        last_seq: r.try_get("last_seq")?,
                    },
                }),
            );
        }
    }
    if !keys.purchases.is_empty() {
        let found = sqlx::query(
            "SELECT p.guild_id, p.listing_id, p.buyer, seller, version, price, tax, tax_percent,
                    bought_at, guild_seq, status, reviewed
             FROM purchases p
             JOIN UNNEST($1::bigint[], $2::bigint[], $3::bigint[]) AS k(guild_id, listing_id, buyer)
               ON p.guild_id = k.guild_id AND p.listing_id = k.listing_id AND p.buyer = k.buyer",
        )
        .bind(column(&keys.purchases, |k| k.0))
        .bind(column(&keys.purchases, |k| k.1))
        .bind(column(&keys.purchases, |k| k.2))
        .fetch_all(&mut **tx)
        .await?;
        for r in found {
            let status: String = r.try_get("status")?;
            let status =
                PurchaseStatus::parse(&status).ok_or_else(|| sqlx::Error::ColumnDecode {
                    index: "status".into(),
                    source: format!("unknown purchase status {status:?}").into(),
                })?;
            rows.purchases.insert(
                (
                    r.try_get("guild_id")?,
                    r.try_get("listing_id")?,
                    r.try_get("buyer")?,
                ),
                Some(PurchaseRow {
                    entity: Purchase {
                        seller: UserId(r.try_get("seller")?),
                        version: r.try_get("version")?,
                        price: Credits(r.try_get("price")?),
                        tax: Credits(r.try_get("tax")?),
                        tax_percent: r.try_get("tax_percent")?,
                        status,
                        reviewed: r.try_get("reviewed")?,
                    },
                    view: PurchaseView {
                        bought_at: r.try_get("bought_at")?,
                        guild_seq: r.try_get("guild_seq")?,
                    },
                }),
            );
        }
    }
    if !keys.reviews.is_empty() {
        let found = sqlx::query(
            "SELECT r.guild_id, r.listing_id, r.reviewer, seller, stars, text, at
             FROM reviews r
             JOIN UNNEST($1::bigint[], $2::bigint[], $3::bigint[]) AS k(guild_id, listing_id, reviewer)
               ON r.guild_id = k.guild_id AND r.listing_id = k.listing_id
              AND r.reviewer = k.reviewer",
        )
        .bind(column(&keys.reviews, |k| k.0))
        .bind(column(&keys.reviews, |k| k.1))
        .bind(column(&keys.reviews, |k| k.2))
        .fetch_all(&mut **tx)
        .await?;
        for r in found {
            rows.reviews.insert(
                (
                    r.try_get("guild_id")?,
                    r.try_get("listing_id")?,
                    r.try_get("reviewer")?,
                ),
                Some(ReviewRow {
                    seller: r.try_get("seller")?,
                    stars: r.try_get("stars")?,
                    text: r.try_get("text")?,
                    at: r.try_get("at")?,
                }),
            );
        }
    }
    Ok(())
}

pub(super) async fn write(tx: &mut Tx<'_>, rows: &Rows) -> Result<(), sqlx::Error> {
    let l = present(&rows.listings);
    if !l.is_empty() {
        sqlx::query(
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
        )
        .bind(column(&l, |(k, _)| k.0))
        .bind(column(&l, |(k, _)| k.1))
        .bind(column(&l, |(_, r)| r.entity.seller.0))
        .bind(column(&l, |(_, r)| r.entity.version))
        .bind(column(&l, |(_, r)| r.entity.details.title.clone()))
        .bind(column(&l, |(_, r)| r.entity.details.description.clone()))
        .bind(column(&l, |(_, r)| r.entity.details.language.clone()))
        .bind(column(&l, |(_, r)| r.entity.details.price.0))
        .bind(column(&l, |(_, r)| r.entity.active))
        .bind(column(&l, |(_, r)| r.entity.featured_until))
        .bind(column(&l, |(_, r)| r.view.sales))
        .bind(column(&l, |(_, r)| r.view.refunds))
        .bind(column(&l, |(_, r)| r.view.rating_sum))
        .bind(column(&l, |(_, r)| r.view.rating_count))
        .bind(column(&l, |(_, r)| r.view.created_at))
        .bind(column(&l, |(_, r)| r.view.updated_at))
        .bind(column(&l, |(_, r)| r.view.last_seq))
        .execute(&mut **tx)
        .await?;
    }

    if !rows.versions.is_empty() {
        let v: Vec<_> = rows.versions.iter().collect();
        sqlx::query(
            "INSERT INTO listing_versions (guild_id, listing_id, version, title, price, code,
                                           published_at)
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::text[],
                                  $5::bigint[], $6::text[], $7::timestamptz[])
             ON CONFLICT (guild_id, listing_id, version) DO UPDATE SET
                 title = EXCLUDED.title, price = EXCLUDED.price, code = EXCLUDED.code,
                 published_at = EXCLUDED.published_at",
        )
        .bind(column(&v, |(k, _)| k.0))
        .bind(column(&v, |(k, _)| k.1))
        .bind(column(&v, |(k, _)| k.2))
        .bind(column(&v, |(_, r)| r.title.clone()))
        .bind(column(&v, |(_, r)| r.price))
        .bind(column(&v, |(_, r)| r.code.clone()))
        .bind(column(&v, |(_, r)| r.published_at))
        .execute(&mut **tx)
        .await?;
    }

    let p = present(&rows.purchases);
    if !p.is_empty() {
        sqlx::query(
            "INSERT INTO purchases (guild_id, listing_id, buyer, seller, version, price, tax,
                                    tax_percent, bought_at, guild_seq, status, reviewed)
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],
                                  $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[],
                                  $9::timestamptz[], $10::bigint[], $11::text[], $12::boolean[])
             ON CONFLICT (guild_id, listing_id, buyer) DO UPDATE SET
                 seller = EXCLUDED.seller, version = EXCLUDED.version, price = EXCLUDED.price,
                 tax = EXCLUDED.tax, tax_percent = EXCLUDED.tax_percent,
                 bought_at = EXCLUDED.bought_at, guild_seq = EXCLUDED.guild_seq,
                 status = EXCLUDED.status, reviewed = EXCLUDED.reviewed",
        )
        .bind(column(&p, |(k, _)| k.0))
        .bind(column(&p, |(k, _)| k.1))
        .bind(column(&p, |(k, _)| k.2))
        .bind(column(&p, |(_, r)| r.entity.seller.0))
        .bind(column(&p, |(_, r)| r.entity.version))
        .bind(column(&p, |(_, r)| r.entity.price.0))
        .bind(column(&p, |(_, r)| r.entity.tax.0))
        .bind(column(&p, |(_, r)| r.entity.tax_percent))
        .bind(column(&p, |(_, r)| r.view.bought_at))
        .bind(column(&p, |(_, r)| r.view.guild_seq))
        .bind(column(&p, |(_, r)| r.entity.status.as_str()))
        .bind(column(&p, |(_, r)| r.entity.reviewed))
        .execute(&mut **tx)
        .await?;
    }

    let r = present(&rows.reviews);
    if !r.is_empty() {
        sqlx::query(
            "INSERT INTO reviews (guild_id, listing_id, reviewer, seller, stars, text, at)
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],
                                  $5::bigint[], $6::text[], $7::timestamptz[])
             ON CONFLICT (guild_id, listing_id, reviewer) DO UPDATE SET
                 seller = EXCLUDED.seller, stars = EXCLUDED.stars, text = EXCLUDED.text,
                 at = EXCLUDED.at",
        )
        .bind(column(&r, |(k, _)| k.0))
        .bind(column(&r, |(k, _)| k.1))
        .bind(column(&r, |(k, _)| k.2))
        .bind(column(&r, |(_, r)| r.seller))
        .bind(column(&r, |(_, r)| r.stars))
        .bind(column(&r, |(_, r)| r.text.clone()))
        .bind(column(&r, |(_, r)| r.at))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
