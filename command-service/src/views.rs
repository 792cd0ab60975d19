//! Reading the projector's views to answer members, after waiting (bounded) until they include the
//! guild's latest events, so a member sees their own writes.

pub mod community;
pub mod economy;
pub mod settings;
pub mod teams;

use crate::discord::custom_id::Period;
use crate::discord::render::LEADERBOARD_PAGE;
use crate::rules::tenure::Tenure;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::time::Duration;
use studio_schema::{GuildId, UserId, Xp};

/// One member as the views show them.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberView {
    pub user: UserId,
    pub xp: i64,
    pub message_xp: i64,
    pub messages: i64,
    pub week_xp: i64,
    pub tenure: Tenure,
    /// Reputation points received and still in force.
    pub reputation: i64,
    /// The latest reviews of the member's code.
    pub reviews: Vec<community::ReviewReceived>,
    /// The teams the member is in (`#n name`).
    pub teams: Vec<String>,
    /// Studio credits in the member's wallet.
    pub credits: i64,
    /// What the member says about themselves, if they set up a profile.
    pub profile: Option<community::ProfileRow>,
    /// As a seller: active listings, sales, and the sum and count of review stars.
    pub seller: SellerStats,
}

/// A member's record on the marketplace.
#[derive(Clone, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct SellerStats {
    pub listings: i64,
    pub sales: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
}

/// One page of a leaderboard.
#[derive(Clone, Debug, PartialEq)]
pub struct LeaderboardPage {
    pub period: Period,
    pub page: u32,
    pub rows: Vec<(UserId, Xp)>,
    pub total: i64,
}

/// Waits until the views of `guild` include its events up to `seq`, polling for at most `limit`.
/// Returns whether they caught up.
///
/// # Errors
/// The database is unreachable.
pub async fn wait_for(
    pool: &PgPool,
    guild: GuildId,
    seq: i64,
    limit: Duration,
) -> Result<bool, sqlx::Error> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let projected: Option<i64> = match sqlx::query_scalar(
            "SELECT last_seq FROM views.guild_checkpoints WHERE guild_id = $1",
        )
        .bind(guild.0)
        .fetch_optional(pool)
        .await
        {
            Ok(seq) => seq,
            // The projector has not created the views yet (a fresh deployment): keep waiting.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P01") => None,
            Err(other) => return Err(other),
        };
        if projected.unwrap_or(0) >= seq {
            return Ok(true);
        }
        if tokio::time::Instant::now() >= deadline {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
}

/// A member's profile data; a member never seen gets an empty profile.
///
/// # Errors
/// The database is unreachable.
pub async fn member(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<MemberView, sqlx::Error> {
    type Row = (i64, i64, i64, i64, Option<DateTime<Utc>>, i64);
    let row: Option<Row> = sqlx::query_as(
        "SELECT xp, message_xp, messages, tenure_completed_secs, stint_since, reputation
         FROM views.members WHERE guild_id = $1 AND user_id = $2",
    )
    .bind(guild.0)
    .bind(user.0)
    .fetch_optional(pool)
    .await?;
    let week_xp: Option<i64> = sqlx::query_scalar(
        "SELECT xp FROM views.xp_weekly WHERE guild_id = $1 AND week_start = $2 AND user_id = $3",
    )
    .bind(guild.0)
    .bind(studio_model::calendar::week_start(now))
    .bind(user.0)
    .fetch_optional(pool)
    .await?;
    let seller: SellerStats = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE active) AS listings,
                coalesce(sum(sales), 0)::bigint AS sales,
                coalesce(sum(rating_sum), 0)::bigint AS rating_sum,
                coalesce(sum(rating_count), 0)::bigint AS rating_count
         FROM views.listings WHERE guild_id = $1 AND seller = $2",
    )
    .bind(guild.0)
    .bind(user.0)
    .fetch_one(pool)
    .await?;
    let profile = community::profile(pool, guild, user).await?;
    let (reviews, teams) = community::portfolio(pool, guild, user).await?;
    let credits =
        economy::balance(pool, guild, studio_schema::money::Account::Member(user)).await?;
    let Some((xp, message_xp, messages, completed_secs, since, reputation)) = row else {
        return Ok(MemberView {
            user,
            xp: 0,
            message_xp: 0,
            messages: 0,
            week_xp: 0,
            tenure: Tenure::default(),
            reputation: 0,
            seller,
            profile,
            credits,
            reviews,
            teams,
        });
    };
    Ok(MemberView {
        user,
        xp,
        message_xp,
        messages,
        week_xp: week_xp.unwrap_or(0),
        tenure: Tenure {
            completed_secs,
            since,
        },
        reputation,
        seller,
        profile,
        credits,
        reviews,
        teams,
    })
}

/// One page of the leaderboard for `period` as of `now`.
///
/// # Errors
/// The database is unreachable.
pub async fn leaderboard(
    pool: &PgPool,
    guild: GuildId,
    period: Period,
    page: u32,
    now: DateTime<Utc>,
) -> Result<LeaderboardPage, sqlx::Error> {
    let offset = i64::from(page) * i64::from(LEADERBOARD_PAGE);
    let limit = i64::from(LEADERBOARD_PAGE);
    let (rows, total): (Vec<(i64, i64)>, i64) = match period {
        Period::AllTime => {
            let rows = sqlx::query_as(
                "SELECT user_id, xp FROM views.members
                 WHERE guild_id = $1 AND xp > 0 AND NOT bot
                 ORDER BY xp DESC, user_id LIMIT $2 OFFSET $3",
            )
            .bind(guild.0)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
            let total = sqlx::query_scalar(
                "SELECT count(*) FROM views.members WHERE guild_id = $1 AND xp > 0 AND NOT bot",
            )
            .bind(guild.0)
            .fetch_one(pool)
            .await?;
            (rows, total)
        }
        Period::ThisWeek => {
            let week = studio_model::calendar::week_start(now);
            let rows = sqlx::query_as(
                "SELECT user_id, xp FROM views.xp_weekly
                 WHERE guild_id = $1 AND week_start = $2 AND xp > 0
                 ORDER BY xp DESC, user_id LIMIT $3 OFFSET $4",
            )
            .bind(guild.0)
            .bind(week)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
            let total = sqlx::query_scalar(
                "SELECT count(*) FROM views.xp_weekly
                 WHERE guild_id = $1 AND week_start = $2 AND xp > 0",
            )
            .bind(guild.0)
            .bind(week)
            .fetch_one(pool)
            .await?;
            (rows, total)
        }
    };
    Ok(LeaderboardPage {
        period,
        page,
        rows: rows.into_iter().map(|(u, x)| (UserId(u), Xp(x))).collect(),
        total,
    })
}
