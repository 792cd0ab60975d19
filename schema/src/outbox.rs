//! The outbox: every answer and side effect of a committed outcome, written in the same transaction as
//! the events, then sent by the command service's dispatcher until done.
//!
//! A row is claimed for a while by whoever sends it (the committing instance at once; a sweeper for
//! rows whose claim lapsed, after a crash or a failed attempt), and marked done with what happened. The
//! effect itself may hold purchased code or an interaction token: it is erased once done.

use crate::intake::Partition;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::time::Duration;

/// An effect to send, as the command service encodes it.
#[derive(Clone, Debug)]
pub struct NewEffect {
    pub guild_id: i64,
    /// What kind of effect (`answer`, `dm`, `role`, …), for operators.
    pub kind: &'static str,
    pub effect: serde_json::Value,
}

/// A pending effect taken by a sweeper.
#[derive(Clone, Debug)]
pub struct Due {
    pub id: i64,
    pub guild_id: i64,
    pub effect: Option<serde_json::Value>,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
}

/// `effects` as the columns of `outbox` (one array each, for `UNNEST`).
pub(crate) fn columns(effects: &[NewEffect]) -> (Vec<i64>, Vec<String>, Vec<serde_json::Value>) {
    (
        effects.iter().map(|e| e.guild_id).collect(),
        effects.iter().map(|e| e.kind.to_owned()).collect(),
        effects.iter().map(|e| e.effect.clone()).collect(),
    )
}

pub(crate) fn interval(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Claims up to `limit` pending effects of the partition that are due and not claimed, oldest first.
///
/// # Errors
/// The database is unreachable.
pub async fn claim_due(
    pool: &PgPool,
    p: &Partition,
    limit: i64,
    claim: Duration,
) -> Result<Vec<Due>, sqlx::Error> {
    let mut due = sqlx::query_as!(
        Due,
        "UPDATE outbox SET claimed_until = now() + make_interval(secs => $4),
                           attempts = attempts + 1
         WHERE id IN (SELECT id FROM outbox
                      WHERE stream = $1 AND partition = $2 AND done_at IS NULL
                        AND next_at <= now()
                        AND (claimed_until IS NULL OR claimed_until < now())
                      ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id, guild_id, effect, attempts, created_at",
        p.stream,
        p.partition,
        limit,
        interval(claim)
    )
    .fetch_all(pool)
    .await?;
    due.sort_unstable_by_key(|d| d.id);
    Ok(due)
}

/// Lets every pending effect of the partition be taken again at once: its new owner calls this when it
/// takes the partition over, as the claims of the one before died with it.
///
/// # Errors
/// The database is unreachable.
pub async fn release_claims(pool: &PgPool, p: &Partition) -> Result<u64, sqlx::Error> {
    let released = sqlx::query!(
        "UPDATE outbox SET claimed_until = NULL
         WHERE stream = $1 AND partition = $2 AND done_at IS NULL AND claimed_until IS NOT NULL",
        p.stream,
        p.partition
    )
    .execute(pool)
    .await?;
    Ok(released.rows_affected())
}

/// Marks effects done with what happened to each (`sent`, `failed: …`), erasing their content.
///
/// # Errors
/// The database is unreachable.
pub async fn done(pool: &PgPool, ids: &[i64], results: &[String]) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "UPDATE outbox SET done_at = now(), effect = NULL, claimed_until = NULL, result = r.result
         FROM UNNEST($1::bigint[], $2::text[]) AS r(id, result)
         WHERE outbox.id = r.id",
        ids,
        results
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Puts an effect back to be tried again after `after`, noting why it failed.
///
/// # Errors
/// The database is unreachable.
pub async fn retry_later(
    pool: &PgPool,
    id: i64,
    after: Duration,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE outbox SET next_at = now() + make_interval(secs => $2), claimed_until = NULL,
                           result = $3
         WHERE id = $1",
        id,
        interval(after),
        error
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Deletes the partition's effects done more than `kept` ago (operators see a week of what happened to
/// each); returns how many.
///
/// # Errors
/// The database is unreachable.
pub async fn prune(pool: &PgPool, p: &Partition, kept: Duration) -> Result<u64, sqlx::Error> {
    let deleted = sqlx::query!(
        "DELETE FROM outbox WHERE stream = $1 AND partition = $2
                             AND done_at < now() - make_interval(secs => $3)",
        p.stream,
        p.partition,
        interval(kept)
    )
    .execute(pool)
    .await?;
    Ok(deleted.rows_affected())
}

/// The channel Studio opened as `room` in a guild, if any.
///
/// # Errors
/// The database is unreachable.
pub async fn room(pool: &PgPool, guild: i64, room: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT channel_id FROM discord_rooms WHERE guild_id = $1 AND room = $2",
        guild,
        room
    )
    .fetch_optional(pool)
    .await
}

/// Remembers the channel opened as `room`.
///
/// # Errors
/// The database is unreachable.
pub async fn remember_room(
    pool: &PgPool,
    guild: i64,
    room: &str,
    channel: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO discord_rooms (guild_id, room, channel_id) VALUES ($1, $2, $3)
         ON CONFLICT (guild_id, room) DO UPDATE SET channel_id = EXCLUDED.channel_id",
        guild,
        room,
        channel
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets a room once its channel is deleted.
///
/// # Errors
/// The database is unreachable.
pub async fn forget_room(pool: &PgPool, guild: i64, room: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM discord_rooms WHERE guild_id = $1 AND room = $2",
        guild,
        room
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// How many effects are waiting to be sent, and how many failed for good (for operators' metrics).
///
/// # Errors
/// The database is unreachable.
pub async fn backlog(pool: &PgPool) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE done_at IS NULL) AS "pending!",
                  count(*) FILTER (WHERE done_at IS NOT NULL AND result LIKE 'failed%') AS "failed!"
           FROM outbox"#
    )
    .fetch_one(pool)
    .await?;
    Ok((row.pending, row.failed))
}
