//! `seasons` and `xp_seasonal`: every season a guild started (the model's season, and where in the
//! log it started), and the XP each member earned in each season. The projector's loads and
//! writes of them, and the answers' reads: the season in force, a member's season XP, the season's
//! leaderboard.

use crate::row::column;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use studio_model::season::Season;
use studio_schema::{GuildId, SeasonId, UserId, Xp};

pub const DDL: &str = include_str!("seasons.sql");

/// `(guild, season)`: the key of a `seasons` row.
pub type SeasonKey = (i64, i64);
/// `(guild, season, user)`: the key of an `xp_seasonal` row.
pub type SeasonXpKey = (i64, i64, i64);

/// A row of `seasons`: the model's season, and the seq of the `SeasonStarted` that started it (the
/// season counts the XP of the events after it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeasonRow {
    pub season: Season,
    pub started_seq: i64,
}

#[derive(sqlx::FromRow)]
struct Stored {
    guild_id: i64,
    season: i64,
    name: String,
    by_user: i64,
    started_at: DateTime<Utc>,
    started_seq: i64,
}

impl From<Stored> for (i64, SeasonRow) {
    fn from(r: Stored) -> Self {
        let row = SeasonRow {
            season: Season {
                number: SeasonId(r.season),
                name: r.name,
                by: UserId(r.by_user),
                started_at: r.started_at,
            },
            started_seq: r.started_seq,
        };
        (r.guild_id, row)
    }
}

/// The season in force in each of `guilds` that started one: the last started in the log.
///
/// # Errors
/// The database is unreachable.
pub async fn load_current(
    conn: &mut PgConnection,
    guilds: &[i64],
) -> Result<Vec<(i64, SeasonRow)>, sqlx::Error> {
    if guilds.is_empty() {
        return Ok(Vec::new());
    }
    let found = sqlx::query_as!(
        Stored,
        "SELECT DISTINCT ON (guild_id) guild_id, season, name, by_user, started_at, started_seq
         FROM seasons WHERE guild_id = ANY($1::bigint[])
         ORDER BY guild_id, started_seq DESC",
        guilds
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(found.into_iter().map(Into::into).collect())
}

/// Inserts the `seasons` rows of seasons started.
///
/// # Errors
/// The database is unreachable.
pub async fn write(
    conn: &mut PgConnection,
    rows: &[(&SeasonKey, &SeasonRow)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    // A log written by hand may start a season number twice: the later start is the one in force.
    sqlx::query!(
        "INSERT INTO seasons (guild_id, season, name, by_user, started_at, started_seq)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::bigint[],
                              $5::timestamptz[], $6::bigint[])
         ON CONFLICT (guild_id, season) DO UPDATE SET
             name = EXCLUDED.name, by_user = EXCLUDED.by_user,
             started_at = EXCLUDED.started_at, started_seq = EXCLUDED.started_seq",
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1),
        &column(rows, |(_, r)| r.season.name.clone()),
        &column(rows, |(_, r)| r.season.by.0),
        &column(rows, |(_, r)| r.season.started_at),
        &column(rows, |(_, r)| r.started_seq),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Adds each batch's season XP to `xp_seasonal`: `rows` are what the batch earned, not totals, so
/// the fold needs no tally loaded (which season an event counts toward is known only as the batch
/// is folded).
///
/// # Errors
/// The database is unreachable.
pub async fn add_xp(
    conn: &mut PgConnection,
    rows: &[(&SeasonXpKey, &i64)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO xp_seasonal (guild_id, season, user_id, xp)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[])
         ON CONFLICT (guild_id, season, user_id) DO UPDATE SET
             xp = xp_seasonal.xp + EXCLUDED.xp",
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1),
        &column(rows, |(k, _)| k.2),
        &column(rows, |(_, xp)| **xp),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The season in force in `guild`, as the live views hold it (`None` before the first).
///
/// # Errors
/// The database is unreachable.
pub async fn current(pool: &PgPool, guild: GuildId) -> Result<Option<SeasonRow>, sqlx::Error> {
    let found = sqlx::query_as!(
        Stored,
        "SELECT guild_id, season, name, by_user, started_at, started_seq FROM views.seasons
         WHERE guild_id = $1 ORDER BY started_seq DESC LIMIT 1",
        guild.0
    )
    .fetch_optional(pool)
    .await?;
    Ok(found.map(|r| <(i64, SeasonRow)>::from(r).1))
}

/// The XP `user` earned in `season` (0 without any).
///
/// # Errors
/// The database is unreachable.
pub async fn season_xp(
    pool: &PgPool,
    guild: GuildId,
    season: SeasonId,
    user: UserId,
) -> Result<i64, sqlx::Error> {
    let xp = sqlx::query_scalar!(
        "SELECT xp FROM views.xp_seasonal WHERE guild_id = $1 AND season = $2 AND user_id = $3",
        guild.0,
        season.0,
        user.0
    )
    .fetch_optional(pool)
    .await?;
    Ok(xp.unwrap_or(0))
}

/// One page of the members who earned XP in `season`, most first; and how many there are in all.
///
/// # Errors
/// The database is unreachable.
pub async fn ranked_in_season(
    pool: &PgPool,
    guild: GuildId,
    season: SeasonId,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(UserId, Xp)>, i64), sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT user_id, xp FROM views.xp_seasonal
         WHERE guild_id = $1 AND season = $2 AND xp > 0
         ORDER BY xp DESC, user_id LIMIT $3 OFFSET $4",
        guild.0,
        season.0,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM views.xp_seasonal
           WHERE guild_id = $1 AND season = $2 AND xp > 0"#,
        guild.0,
        season.0
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
