//! `/g/{guild}/market?page=N`: the listings on sale, featured ones first, then the newest (as the
//! Marketplace tab of `/shop` orders them), each with its price, seller, rating and sales, and a
//! link to its page. Never any code: the views do not hold it.

use super::answer::{Answer, Page, Refusal};
use super::html;
use super::params::{Params, Segments};
use super::router::State;
use chrono::{DateTime, Utc};
use std::fmt::Write as _;
use studio_schema::GuildId;
use studio_views::market::{self, ListingPage};

/// Listings per page.
pub const PAGE: i64 = 20;

/// The page.
pub async fn get(axum::extract::State(web): State, segments: Segments, params: Params) -> Answer {
    let guild = web.guild(segments.get(0)).await?;
    let page = params.page()?;
    let now = Utc::now();
    let offset = i64::from(page - 1) * PAGE;
    let listings = market::on_sale(&web.pool, guild, None, now, PAGE, offset).await?;
    if i64::from(page) > html::pages(listings.total, PAGE) {
        return Err(Refusal::NotFound(format!(
            "The market has {} page(s).",
            html::pages(listings.total, PAGE)
        )));
    }
    Ok(Page::public(render(guild, page, &listings, now)))
}

/// One page of the listings on sale as of `now` (which are featured).
#[must_use]
pub fn render(guild: GuildId, page: u32, listings: &ListingPage, now: DateTime<Utc>) -> String {
    let mut body = String::new();
    let _ = write!(
        body,
        "<p class=\"m\">{} listing(s) on sale. Buy with <b>/shop</b> in Discord.</p>",
        listings.total
    );
    if listings.rows.is_empty() {
        body.push_str("<p>Nothing on sale yet — sell code with /sell.</p>");
    }
    for l in &listings.rows {
        let featured = if l.featured_until.is_some_and(|until| until > now) {
            " <span class=\"m\">· featured</span>"
        } else {
            ""
        };
        let _ = write!(
            body,
            "<div class=\"card\"><h3>{}{featured}</h3>\
             <p><b>{} credits</b> · {} · by {}<br>\
             <span class=\"m\">{} · {} sale(s)</span></p></div>",
            html::link(
                &format!("/g/{guild}/listing/{}", l.listing_id),
                &format!("#{} {}", l.listing_id, l.title)
            ),
            l.price,
            html::escape(&l.language),
            html::member(guild, l.seller()),
            html::escape(&html::rating(l.rating_sum, l.rating_count)),
            l.sales,
        );
    }
    body.push_str(&html::pager(page, listings.total, PAGE, |n| {
        format!("/g/{guild}/market?page={n}")
    }));
    html::page("Market", Some(guild), &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use studio_views::market::ListingSummary;

    #[test]
    fn listings_show_price_seller_rating_and_sales_escaped() {
        let listing = ListingSummary {
            listing_id: 3,
            seller: 1001,
            version: 1,
            title: "<img src=x onerror=alert(1)> Pathfinding".to_owned(),
            description: "Secret sauce".to_owned(),
            language: "Rust".to_owned(),
            price: 200,
            active: true,
            featured_until: None,
            sales: 4,
            rating_sum: 9,
            rating_count: 2,
        };
        let page = render(
            GuildId(9),
            1,
            &ListingPage {
                rows: vec![listing],
                total: 1,
            },
            Utc::now(),
        );
        assert!(!page.contains("<img"), "{page}");
        assert!(
            page.contains("#3 &lt;img src=x onerror=alert(1)&gt; Pathfinding"),
            "{page}"
        );
        assert!(page.contains("href=\"/g/9/listing/3\""), "{page}");
        assert!(page.contains("<b>200 credits</b>"), "{page}");
        assert!(page.contains("href=\"/g/9/member/1001\""), "{page}");
        assert!(page.contains("★ 4.5 (2 reviews) · 4 sale(s)"), "{page}");
    }
}
