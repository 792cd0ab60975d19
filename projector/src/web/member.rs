//! `/g/{guild}/member/{user}`: a member's public profile — level, XP and progress, place on the
//! all-time board, rank and time in the server, reputation, messages, this week's and the season's
//! XP, the role, experience, skills and links they chose to show on `/profile`, their listings,
//! sales and rating, the latest reviews received, and their teams. Never their credits: a
//! member's credits are theirs alone (only the auditors' pages show balances), so this page does
//! not even read them.

use super::answer::{Answer, Page, Refusal};
use super::html;
use super::params::{self, Segments};
use super::router::State;
use chrono::{DateTime, TimeDelta, Utc};
use std::fmt::Write as _;
use studio_model::calendar::week_start;
use studio_model::level::{level, level_progress};
use studio_model::rank::Rank;
use studio_model::tenure;
use studio_schema::{GuildId, SeasonId, UserId, Xp};
use studio_views::market::{self, ListingSummary, ReviewReceived, SellerStats};
use studio_views::profiles::{self, ProfileSummary};
use studio_views::{members, seasons, settings, teams};

/// Reviews received shown.
pub const REVIEWS: i64 = 5;
/// Listings of the member's shown.
pub const LISTINGS: i64 = 10;

/// What the page shows of a member: everything `/profile` shows anyone but the member, and no
/// credits.
#[derive(Clone, Debug, PartialEq)]
pub struct Public {
    pub user: UserId,
    pub standing: members::Standing,
    /// Place on the all-time XP board (`None`: not on it).
    pub place: Option<i64>,
    pub rank: Rank,
    pub time_in_guild: TimeDelta,
    pub week_xp: i64,
    pub season_xp: Option<(SeasonId, i64)>,
    pub profile: Option<ProfileSummary>,
    pub seller: SellerStats,
    /// Their listings on sale.
    pub listings: Vec<ListingSummary>,
    pub reviews: Vec<ReviewReceived>,
    pub teams: Vec<String>,
}

/// The page.
pub async fn get(axum::extract::State(web): State, segments: Segments) -> Answer {
    let guild = web.guild(segments.get(0)).await?;
    let raw = segments.get(1);
    let unknown = || Refusal::NotFound(format!("Studio has not seen member {raw:?} here."));
    let user = params::user(raw).ok_or_else(unknown)?;
    let public = load(&web.pool, guild, user, Utc::now())
        .await?
        .ok_or_else(unknown)?;
    Ok(Page::public(render(guild, &public)))
}

/// What the views hold about `user` as of `now` (`None` for a member they never saw).
async fn load(
    pool: &sqlx::PgPool,
    guild: GuildId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Option<Public>, sqlx::Error> {
    let Some(standing) = members::standing(pool, guild, user).await? else {
        return Ok(None);
    };
    let week_xp = members::week_xp(pool, guild, week_start(now), user).await?;
    let season_xp = match seasons::current(pool, guild).await? {
        Some(row) => {
            let number = row.season.number;
            Some((number, seasons::season_xp(pool, guild, number, user).await?))
        }
        None => None,
    };
    let rules = settings::current(pool, guild).await?;
    let time_in_guild = standing.tenure.time_in_guild(now);
    let listings = market::by_seller(pool, guild, user, LISTINGS, 0)
        .await?
        .rows
        .into_iter()
        .filter(|l| l.active)
        .collect();
    Ok(Some(Public {
        user,
        place: members::place(pool, guild, user).await?,
        rank: rules.rank(time_in_guild),
        time_in_guild,
        week_xp,
        season_xp,
        profile: profiles::saved(pool, guild, user).await?,
        seller: market::seller_stats(pool, guild, user).await?,
        listings,
        reviews: market::reviews_received(pool, guild, user, REVIEWS).await?,
        teams: teams::names_of(pool, guild, user).await?,
        standing,
    }))
}

/// The member's page.
#[must_use]
pub fn render(guild: GuildId, p: &Public) -> String {
    let xp = Xp(p.standing.xp);
    let (into, span) = level_progress(xp);
    let percent = into.clamp(0, span) * 100 / span.max(1);
    let place = p
        .place
        .map_or_else(|| "not ranked yet".to_owned(), |n| format!("#{n}"));
    let mut body = format!(
        "<dl><dt>Level</dt><dd><b>{}</b></dd>\
         <dt>XP</dt><dd><b>{}</b></dd>\
         <dt>Place</dt><dd>{} {}</dd>\
         <dt>Rank</dt><dd>{}</dd>\
         <dt>In the server</dt><dd>{}</dd>\
         <dt>Reputation</dt><dd>{}</dd>\
         <dt>Messages</dt><dd>{}</dd>\
         <dt>XP this week</dt><dd>{}</dd>",
        level(xp),
        p.standing.xp,
        html::escape(&place),
        html::link(&format!("/g/{guild}/leaderboard"), "on the all-time board"),
        p.rank,
        html::escape(&tenure::describe(p.time_in_guild)),
        p.standing.reputation,
        p.standing.messages,
        p.week_xp,
    );
    if let Some((season, season_xp)) = p.season_xp {
        let _ = write!(body, "<dt>XP in season {season}</dt><dd>{season_xp}</dd>");
    }
    let _ = write!(
        body,
        "</dl><p class=\"m\">Progress to level {}: {into}/{span}</p>\
         <div class=\"bar\"><i style=\"width:{percent}%\"></i></div>",
        level(xp) + 1
    );
    body.push_str("<h2>Role and skills</h2>");
    match &p.profile {
        Some(profile) => {
            let open = if profile.open_to_work {
                " · open to work"
            } else {
                ""
            };
            let _ = write!(
                body,
                "<p>{} · {} years{open}</p><p class=\"text\">{}</p>",
                html::escape(&profile.role),
                profile.years,
                html::escape(&profile.skills),
            );
            if !profile.links.is_empty() {
                let _ = write!(
                    body,
                    "<p class=\"text m\">{}</p>",
                    html::escape(&profile.links)
                );
            }
        }
        None => body.push_str("<p>No profile yet.</p>"),
    }
    let _ = write!(
        body,
        "<h2>Marketplace</h2><p>{} active listing(s) · {} sale(s) · {}</p>",
        p.seller.listings,
        p.seller.sales,
        html::escape(&html::rating(p.seller.rating_sum, p.seller.rating_count)),
    );
    if !p.listings.is_empty() {
        body.push_str("<ul>");
        for l in &p.listings {
            let _ = write!(
                body,
                "<li>{} — {} credits</li>",
                html::link(
                    &format!("/g/{guild}/listing/{}", l.listing_id),
                    &format!("#{} {}", l.listing_id, l.title)
                ),
                l.price
            );
        }
        body.push_str("</ul>");
    }
    body.push_str("<h2>Reviews received</h2>");
    if p.reviews.is_empty() {
        body.push_str("<p>None yet.</p>");
    }
    for r in &p.reviews {
        let _ = write!(
            body,
            "<div class=\"card\"><p>{} <b>{}</b> — {}</p><p class=\"text\">{}</p></div>",
            html::stars(r.stars),
            html::escape(&r.title),
            html::member(guild, UserId(r.reviewer)),
            html::escape(&r.text),
        );
    }
    body.push_str("<h2>Teams</h2>");
    if p.teams.is_empty() {
        body.push_str("<p>None yet.</p>");
    } else {
        body.push_str("<ul>");
        for team in &p.teams {
            let _ = write!(body, "<li>{}</li>", html::escape(team));
        }
        body.push_str("</ul>");
    }
    html::page(&format!("Member {}", p.user), Some(guild), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public() -> Public {
        Public {
            user: UserId(1001),
            standing: members::Standing {
                xp: 260,
                message_xp: 10,
                messages: 2,
                tenure: tenure::Tenure::default(),
                reputation: 3,
            },
            place: Some(1),
            rank: Rank::Expert,
            time_in_guild: TimeDelta::days(400),
            week_xp: 15,
            season_xp: Some((SeasonId(2), 7)),
            profile: Some(ProfileSummary {
                user_id: 1001,
                role: "Programmer".to_owned(),
                years: 6,
                skills: "Rust, <b>shaders</b>".to_owned(),
                links: "https://example.com/\"x".to_owned(),
                open_to_work: true,
            }),
            seller: SellerStats {
                listings: 1,
                sales: 2,
                rating_sum: 9,
                rating_count: 2,
            },
            listings: Vec::new(),
            reviews: vec![ReviewReceived {
                title: "Grid A*".to_owned(),
                reviewer: 1002,
                stars: 5,
                text: "<3".to_owned(),
            }],
            teams: vec!["#1 <Jam> team".to_owned()],
        }
    }

    #[test]
    fn the_profile_shows_what_members_see_escaped_and_no_credits() {
        let page = render(GuildId(9), &public());
        for shown in [
            "<dt>Level</dt><dd><b>2</b></dd>",
            "<dt>XP</dt><dd><b>260</b></dd>",
            "#1 <a href=\"/g/9/leaderboard\">",
            "<dt>Rank</dt><dd>Expert</dd>",
            "1 y 1 mo 5 d",
            "<dt>Reputation</dt><dd>3</dd>",
            "<dt>XP in season 2</dt><dd>7</dd>",
            "Progress to level 3: 10/250",
            "Programmer · 6 years · open to work",
            "Rust, &lt;b&gt;shaders&lt;/b&gt;",
            "https://example.com/&quot;x",
            "1 active listing(s) · 2 sale(s) · ★ 4.5 (2 reviews)",
            "&lt;3",
            "#1 &lt;Jam&gt; team",
        ] {
            assert!(page.contains(shown), "{shown} in {page}");
        }
        assert!(!page.to_lowercase().contains("credit "), "{page}");
        assert!(!page.contains("💰"), "{page}");
    }
}
