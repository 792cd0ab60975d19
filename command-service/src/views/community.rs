//! The community's views as members see them: tournaments.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use studio_schema::GuildId;

/// Tournaments shown by `/tournament list`.
pub const LISTED: i64 = 10;

/// A tournament as members see it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TournamentRow {
    pub tournament_id: i64,
    pub name: String,
    pub prize: i64,
    pub ends_at: DateTime<Utc>,
    pub status: String,
    pub entrants: i64,
    pub winners: String,
}

/// The latest tournaments, open ones first.
///
/// # Errors
/// The database is unreachable.
pub async fn tournaments(pool: &PgPool, guild: GuildId) -> Result<Vec<TournamentRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT tournament_id, name, prize, ends_at, status, entrants, winners
         FROM views.tournaments WHERE guild_id = $1
         ORDER BY (status = 'open') DESC, tournament_id DESC LIMIT $2",
    )
    .bind(guild.0)
    .bind(LISTED)
    .fetch_all(pool)
    .await
}

/// Members per `/find` page.
pub const FIND_PAGE: i64 = 5;

/// A member's profile as saved.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ProfileRow {
    pub user_id: i64,
    pub role: String,
    pub years: i64,
    pub skills: String,
    pub links: String,
    pub open_to_work: bool,
}

/// A `/find` match, with what ranks it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Match {
    pub user_id: i64,
    pub role: String,
    pub years: i64,
    pub skills: String,
    pub reputation: i64,
    pub xp: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
}

/// A member's profile, if they set one up.
///
/// # Errors
/// The database is unreachable.
pub async fn profile(
    pool: &PgPool,
    guild: GuildId,
    user: studio_schema::UserId,
) -> Result<Option<ProfileRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT user_id, role, years, skills, links, open_to_work
         FROM views.profiles WHERE guild_id = $1 AND user_id = $2",
    )
    .bind(guild.0)
    .bind(user.0)
    .fetch_optional(pool)
    .await
}

/// Members open to work in `role` with at least `min_years`, most relevant first (experience,
/// then reputation, then rating, then XP), a page at a time; and how many match.
///
/// # Errors
/// The database is unreachable.
pub async fn find(
    pool: &PgPool,
    guild: GuildId,
    role: &str,
    min_years: i64,
    page: u32,
) -> Result<(Vec<Match>, i64), sqlx::Error> {
    let rows = sqlx::query_as(
        "SELECT p.user_id, p.role, p.years, p.skills,
                coalesce(m.reputation, 0) AS reputation, coalesce(m.xp, 0) AS xp,
                coalesce(r.rating_sum, 0)::bigint AS rating_sum,
                coalesce(r.rating_count, 0)::bigint AS rating_count
         FROM views.profiles p
         LEFT JOIN views.members m ON m.guild_id = p.guild_id AND m.user_id = p.user_id
         LEFT JOIN (SELECT seller, sum(rating_sum) AS rating_sum, sum(rating_count) AS rating_count
                    FROM views.listings WHERE guild_id = $1 GROUP BY seller) r
           ON r.seller = p.user_id
         WHERE p.guild_id = $1 AND p.role = $2 AND p.open_to_work AND p.years >= $3
           AND coalesce(m.present, true)
         ORDER BY p.years DESC, reputation DESC,
                  (coalesce(r.rating_sum, 0)::float8 / greatest(coalesce(r.rating_count, 0), 1)) DESC,
                  xp DESC, p.user_id
         LIMIT $4 OFFSET $5",
    )
    .bind(guild.0)
    .bind(role)
    .bind(min_years)
    .bind(FIND_PAGE)
    .bind(i64::from(page) * FIND_PAGE)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(
        "SELECT count(*) FROM views.profiles p
         LEFT JOIN views.members m ON m.guild_id = p.guild_id AND m.user_id = p.user_id
         WHERE p.guild_id = $1 AND p.role = $2 AND p.open_to_work AND p.years >= $3
           AND coalesce(m.present, true)",
    )
    .bind(guild.0)
    .bind(role)
    .bind(min_years)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// Reviews shown on a portfolio.
pub const PORTFOLIO_REVIEWS: i64 = 3;

/// What others said about a member's code, the latest first.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ReviewReceived {
    pub title: String,
    pub reviewer: i64,
    pub stars: i64,
    pub text: String,
}

/// The latest reviews of a member's listings, and the names of the teams they are in.
///
/// # Errors
/// The database is unreachable.
pub async fn portfolio(
    pool: &PgPool,
    guild: GuildId,
    user: studio_schema::UserId,
) -> Result<(Vec<ReviewReceived>, Vec<String>), sqlx::Error> {
    let reviews = sqlx::query_as(
        "SELECT l.title, r.reviewer, r.stars, r.text
         FROM views.reviews r
         JOIN views.listings l ON l.guild_id = r.guild_id AND l.listing_id = r.listing_id
         WHERE r.guild_id = $1 AND r.seller = $2
         ORDER BY r.at DESC, r.listing_id DESC LIMIT $3",
    )
    .bind(guild.0)
    .bind(user.0)
    .bind(PORTFOLIO_REVIEWS)
    .fetch_all(pool)
    .await?;
    let teams = sqlx::query_scalar(
        "SELECT '#' || t.team_id || ' ' || t.name
         FROM views.team_members m
         JOIN views.teams t ON t.guild_id = m.guild_id AND t.team_id = m.team_id
         WHERE m.guild_id = $1 AND m.user_id = $2 AND t.status = 'active'
         ORDER BY t.team_id",
    )
    .bind(guild.0)
    .bind(user.0)
    .fetch_all(pool)
    .await?;
    Ok((reviews, teams))
}
