//! What answers read of `members`, `xp_weekly` and `xp_monthly`: a member's standing and the
//! leaderboards.

use chrono::NaiveDate;
use sqlx::PgPool;
use studio_model::tenure::Tenure;
use studio_schema::{GuildId, UserId, Xp};

/// A member's XP, activity, tenure and reputation, as their profile shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    pub xp: i64,
    pub message_xp: i64,
    pub messages: i64,
    pub tenure: Tenure,
    /// Reputation points received and still in force.
    pub reputation: i64,
}

/// A member's standing (`None` for a member the views never saw).
///
/// # Errors
/// The database is unreachable.
pub async fn standing(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
) -> Result<Option<Standing>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT xp, message_xp, messages, tenure_completed_secs, stint_since, reputation
         FROM views.members WHERE guild_id = $1 AND user_id = $2",
        guild.0,
        user.0
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Standing {
        xp: r.xp,
        message_xp: r.message_xp,
        messages: r.messages,
        tenure: Tenure {
            completed_secs: r.tenure_completed_secs,
            since: r.stint_since,
        },
        reputation: r.reputation,
    }))
}

/// The XP `user` earned in the week starting `week` (0 without any).
///
/// # Errors
/// The database is unreachable.
pub async fn week_xp(
    pool: &PgPool,
    guild: GuildId,
    week: NaiveDate,
    user: UserId,
) -> Result<i64, sqlx::Error> {
    let xp = sqlx::query_scalar!(
        "SELECT xp FROM views.xp_weekly WHERE guild_id = $1 AND week_start = $2 AND user_id = $3",
        guild.0,
        week,
        user.0
    )
    .fetch_optional(pool)
    .await?;
    Ok(xp.unwrap_or(0))
}

/// One page of the members with XP (bots left out), most first; and how many there are in all.
///
/// # Errors
/// The database is unreachable.
pub async fn ranked(
    pool: &PgPool,
    guild: GuildId,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(UserId, Xp)>, i64), sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT user_id, xp FROM views.members
         WHERE guild_id = $1 AND xp > 0 AND NOT bot
         ORDER BY xp DESC, user_id LIMIT $2 OFFSET $3",
        guild.0,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM views.members WHERE guild_id = $1 AND xp > 0 AND NOT bot"#,
        guild.0
    )
    .fetch_one(pool)
    .await?;
    Ok((
        rows.into_iter()
            .map(|r| (UserId(r.user_id), Xp(r.xp)))
            .collect(),
        total,
    ))
}

/// One page of the members with reputation (bots left out), most first, then by XP; and how
/// many there are in all.
///
/// # Errors
/// The database is unreachable.
pub async fn ranked_by_reputation(
    pool: &PgPool,
    guild: GuildId,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(UserId, i64)>, i64), sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT user_id, reputation FROM views.members
         WHERE guild_id = $1 AND reputation > 0 AND NOT bot
         ORDER BY reputation DESC, xp DESC, user_id LIMIT $2 OFFSET $3",
        guild.0,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM views.members
           WHERE guild_id = $1 AND reputation > 0 AND NOT bot"#,
        guild.0
    )
    .fetch_one(pool)
    .await?;
    Ok((
        rows.into_iter()
            .map(|r| (UserId(r.user_id), r.reputation))
            .collect(),
        total,
    ))
}

/// A member's place on the all-time XP board (1 for the most XP; ties by user id, as [`ranked`]
/// orders them), or `None` when they are not on it (no XP, or a bot).
///
/// # Errors
/// The database is unreachable.
pub async fn place(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT (SELECT count(*) FROM views.members o
                   WHERE o.guild_id = m.guild_id AND o.xp > 0 AND NOT o.bot
                     AND (o.xp > m.xp OR (o.xp = m.xp AND o.user_id < m.user_id))) + 1 AS "place!"
           FROM views.members m
           WHERE m.guild_id = $1 AND m.user_id = $2 AND m.xp > 0 AND NOT m.bot"#,
        guild.0,
        user.0
    )
    .fetch_optional(pool)
    .await
}

/// One page of the members who earned XP in the week starting `week`, most first; and how many
/// there are in all.
///
/// # Errors
/// The database is unreachable.
pub async fn ranked_in_week(
    pool: &PgPool,
    guild: GuildId,
    week: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(UserId, Xp)>, i64), sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT user_id, xp FROM views.xp_weekly
         WHERE guild_id = $1 AND week_start = $2 AND xp > 0
         ORDER BY xp DESC, user_id LIMIT $3 OFFSET $4",
        guild.0,
        week,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM views.xp_weekly
           WHERE guild_id = $1 AND week_start = $2 AND xp > 0"#,
        guild.0,
        week
    )
    .fetch_one(pool)
    .await?;
    Ok((
        rows.into_iter()
            .map(|r| (UserId(r.user_id), Xp(r.xp)))
            .collect(),
        total,
    ))
}

/// One page of the members who earned XP in the month starting `month`, most first; and how many
/// there are in all.
///
/// # Errors
/// The database is unreachable.
pub async fn ranked_in_month(
    pool: &PgPool,
    guild: GuildId,
    month: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(UserId, Xp)>, i64), sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT user_id, xp FROM views.xp_monthly
         WHERE guild_id = $1 AND month_start = $2 AND xp > 0
         ORDER BY xp DESC, user_id LIMIT $3 OFFSET $4",
        guild.0,
        month,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM views.xp_monthly
           WHERE guild_id = $1 AND month_start = $2 AND xp > 0"#,
        guild.0,
        month
    )
    .fetch_one(pool)
    .await?;
    Ok((
        rows.into_iter()
            .map(|r| (UserId(r.user_id), Xp(r.xp)))
            .collect(),
        total,
    ))
}
