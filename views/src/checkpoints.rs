//! `guild_checkpoints`, `checkpoint` and `layout`: how far the views have folded the log — each
//! guild's last seq, which answers wait for, and the global cursor the projector reads on from —
//! and the layout version the views were built with.

use sqlx::{PgConnection, PgPool};
use studio_schema::GuildId;
use studio_schema::log::GlobalCursor;

pub const DDL: &str = include_str!("checkpoints.sql");

/// Where the views stand in the log's global order, and how many events they folded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checkpoint {
    pub cursor: GlobalCursor,
    pub events: i64,
}

/// The views' checkpoint.
///
/// # Errors
/// The database is unreachable.
pub async fn read(conn: &mut PgConnection) -> Result<Checkpoint, sqlx::Error> {
    let r = sqlx::query!("SELECT tx_id, position, events FROM checkpoint WHERE id = 1")
        .fetch_one(conn)
        .await?;
    Ok(Checkpoint {
        cursor: GlobalCursor {
            tx_id: r.tx_id,
            position: r.position,
        },
        events: r.events,
    })
}

/// Moves the views' checkpoint from `from` to `to` and records each `(guild, last seq)` of the
/// events between them as folded, in one statement. Returns `false`, and changes nothing, when the
/// checkpoint is no longer at `from` (another projector moved it, or a rebuild swapped the views
/// in): what was folded from `from` must then be rolled back.
///
/// # Errors
/// The database is unreachable.
pub async fn advance(
    conn: &mut PgConnection,
    from: Checkpoint,
    to: Checkpoint,
    guilds: &[(i64, i64)],
) -> Result<bool, sqlx::Error> {
    let ids: Vec<i64> = guilds.iter().map(|g| g.0).collect();
    let seqs: Vec<i64> = guilds.iter().map(|g| g.1).collect();
    // The guilds' rows are written only if the checkpoint moves (a data-modifying CTE runs
    // whether or not it is read; this one reads the move).
    let moved = sqlx::query_scalar!(
        r#"WITH moved AS (
               UPDATE checkpoint SET tx_id = $4, position = $5, events = $6
               WHERE id = 1 AND tx_id = $1 AND position = $2 AND events = $3
               RETURNING id
           ), folded AS (
               INSERT INTO guild_checkpoints (guild_id, last_seq)
               SELECT g.guild_id, g.last_seq
               FROM UNNEST($7::bigint[], $8::bigint[]) AS g (guild_id, last_seq), moved
               ON CONFLICT (guild_id) DO UPDATE SET last_seq = EXCLUDED.last_seq
           )
           SELECT count(*) AS "moved!" FROM moved"#,
        from.cursor.tx_id,
        from.cursor.position,
        from.events,
        to.cursor.tx_id,
        to.cursor.position,
        to.events,
        &ids,
        &seqs
    )
    .fetch_one(conn)
    .await?;
    Ok(moved == 1)
}

/// Records that the views were built with this crate's [`crate::LAYOUT_VERSION`].
///
/// # Errors
/// The database refuses.
pub async fn record_layout(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!("INSERT INTO layout VALUES ($1)", crate::LAYOUT_VERSION)
        .execute(conn)
        .await?;
    Ok(())
}

/// The last seq of `guild` the live views include (`None` before its first event, or before the
/// projector created the views at all).
///
/// # Errors
/// The database is unreachable.
pub async fn projected(pool: &PgPool, guild: GuildId) -> Result<Option<i64>, sqlx::Error> {
    match sqlx::query_scalar!(
        "SELECT last_seq FROM views.guild_checkpoints WHERE guild_id = $1",
        guild.0
    )
    .fetch_optional(pool)
    .await
    {
        Ok(seq) => Ok(seq),
        // The projector has not created the views yet (a fresh deployment).
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P01") => Ok(None),
        Err(other) => Err(other),
    }
}

/// Every guild the live views include, in id order, with the last seq they folded (none before
/// the projector created the views).
///
/// # Errors
/// The database is unreachable.
pub async fn guilds(pool: &PgPool) -> Result<Vec<(GuildId, i64)>, sqlx::Error> {
    match sqlx::query!("SELECT guild_id, last_seq FROM views.guild_checkpoints ORDER BY guild_id")
        .fetch_all(pool)
        .await
    {
        Ok(rows) => Ok(rows
            .into_iter()
            .map(|r| (GuildId(r.guild_id), r.last_seq))
            .collect()),
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P01") => Ok(Vec::new()),
        Err(other) => Err(other),
    }
}

/// How many events the views trail the log by, over every guild (the heads' seqs beyond the
/// views' checkpoints).
///
/// # Errors
/// The database is unreachable.
pub async fn lag(pool: &PgPool) -> Result<i64, sqlx::Error> {
    let lag = sqlx::query_scalar!(
        r#"SELECT coalesce(sum(h.last_seq - coalesce(c.last_seq, 0)), 0)::bigint AS "lag!"
           FROM guild_heads h LEFT JOIN views.guild_checkpoints c ON c.guild_id = h.guild_id"#
    )
    .fetch_one(pool)
    .await?;
    Ok(lag)
}
