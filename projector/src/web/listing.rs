//! `/g/{guild}/listing/{id}`: one listing — title, description, language, price, seller, rating,
//! sales, whether it is on sale — and its reviews. Never its code: the code is kept apart, in a
//! table the projector cannot read, and reaches only its buyers, in Discord.

use super::answer::{Answer, Page, Refusal};
use super::html;
use super::params::{self, Segments};
use super::router::State;
use std::fmt::Write as _;
use studio_schema::{GuildId, UserId};
use studio_views::market::{self, ListingReview, ListingSummary};

/// Reviews shown, the latest first.
pub const REVIEWS: i64 = 50;

/// The page.
pub async fn get(axum::extract::State(web): State, segments: Segments) -> Answer {
    let guild = web.guild(segments.get(0)).await?;
    let raw = segments.get(1);
    let unknown = || Refusal::NotFound(format!("There is no listing {raw:?} in this guild."));
    let id = params::listing(raw).ok_or_else(unknown)?;
    let listing = market::listing(&web.pool, guild, id)
        .await?
        .ok_or_else(unknown)?;
    let reviews = market::reviews_of(&web.pool, guild, id, REVIEWS).await?;
    Ok(Page::public(render(guild, &listing, &reviews)))
}

/// The listing's page.
#[must_use]
pub fn render(guild: GuildId, l: &ListingSummary, reviews: &[ListingReview]) -> String {
    let status = if l.active {
        "on sale — buy it with <b>/shop</b> in Discord"
    } else {
        "no longer on sale"
    };
    let mut body = format!(
        "<dl><dt>Price</dt><dd><b>{} credits</b></dd>\
         <dt>Seller</dt><dd>{}</dd>\
         <dt>Language</dt><dd>{}</dd>\
         <dt>Rating</dt><dd>{}</dd>\
         <dt>Sales</dt><dd>{}</dd>\
         <dt>Version</dt><dd>{}</dd>\
         <dt>Status</dt><dd>{status}</dd></dl>\
         <h2>Description</h2><p class=\"text\">{}</p>",
        l.price,
        html::member(guild, UserId(l.seller)),
        html::escape(&l.language),
        html::escape(&html::rating(l.rating_sum, l.rating_count)),
        l.sales,
        l.version,
        html::escape(&l.description),
    );
    let _ = write!(body, "<h2>Reviews ({})</h2>", l.rating_count);
    if reviews.is_empty() {
        body.push_str("<p>No reviews yet.</p>");
    }
    for r in reviews {
        let _ = write!(
            body,
            "<div class=\"card\"><p><span title=\"{} of 5\">{}</span> {} \
             <span class=\"m\">{} UTC</span></p><p class=\"text\">{}</p></div>",
            r.stars,
            html::stars(r.stars),
            html::member(guild, UserId(r.reviewer)),
            html::time(r.at),
            html::escape(&r.text),
        );
    }
    html::page(
        &format!("#{} {}", l.listing_id, l.title),
        Some(guild),
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn a_listing_shows_its_description_and_reviews_escaped() {
        let listing = ListingSummary {
            listing_id: 1,
            seller: 1001,
            version: 2,
            title: "A* & friends".to_owned(),
            description: "Fast.\n<script>steal()</script>".to_owned(),
            language: "Rust".to_owned(),
            price: 250,
            active: false,
            featured_until: None,
            sales: 1,
            rating_sum: 4,
            rating_count: 1,
        };
        let review = ListingReview {
            reviewer: 1002,
            stars: 4,
            text: "Saved me a <week>".to_owned(),
            at: Utc::now(),
        };
        let page = render(GuildId(9), &listing, &[review]);
        assert!(page.contains("<h1>#1 A* &amp; friends</h1>"), "{page}");
        assert!(
            page.contains("Fast.\n&lt;script&gt;steal()&lt;/script&gt;"),
            "{page}"
        );
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("★★★★☆"), "{page}");
        assert!(page.contains("Saved me a &lt;week&gt;"), "{page}");
        assert!(page.contains("no longer on sale"), "{page}");
        assert!(page.contains("<b>250 credits</b>"), "{page}");
    }
}
