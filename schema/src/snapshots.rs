//! `guild_snapshots`: each guild's decision state as of a position of its log, stored by the command
//! service and checked by auditors (see migration 0010). The bytes and their meaning are
//! `studio-model`'s (`studio_model::snapshot`); this module only stores and reads them.

use crate::GuildId;
use sqlx::PgPool;

/// Snapshots kept per guild: the latest, and the one before it while the latest is new.
pub const KEPT: i64 = 2;

/// One stored snapshot.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Snapshot {
    pub guild_id: i64,
    pub last_seq: i64,
    pub format: i32,
    pub state: Vec<u8>,
    pub state_hash: Vec<u8>,
    /// The log's hash of its event at `last_seq` when the snapshot was taken.
    pub chain_hash: Vec<u8>,
}

/// Stores a snapshot of `guild` at `last_seq`, taking the log's hash at that position as it is
/// now, and drops all but the latest [`KEPT`]. Returns false when the log has no event there.
///
/// # Errors
/// The database is unreachable.
pub async fn store(
    pool: &PgPool,
    guild: GuildId,
    last_seq: i64,
    format: i32,
    state: &[u8],
    state_hash: &[u8],
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let stored = sqlx::query(
        "INSERT INTO guild_snapshots (guild_id, last_seq, format, state, state_hash, chain_hash)
         SELECT $1, $2, $3, $4, $5, hash FROM event_log WHERE guild_id = $1 AND guild_seq = $2
         ON CONFLICT (guild_id, last_seq) DO NOTHING",
    )
    .bind(guild.0)
    .bind(last_seq)
    .bind(format)
    .bind(state)
    .bind(state_hash)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    sqlx::query(
        "DELETE FROM guild_snapshots WHERE guild_id = $1 AND last_seq < ALL (
             SELECT last_seq FROM guild_snapshots WHERE guild_id = $1
             ORDER BY last_seq DESC LIMIT $2)",
    )
    .bind(guild.0)
    .bind(KEPT)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(stored)
}

/// The latest snapshot of `guild` in `format` whose position's event still carries the hash it had
/// when the snapshot was taken (so it folds this log, not one restored or replaced since).
///
/// # Errors
/// The database is unreachable.
pub async fn latest(
    pool: &PgPool,
    guild: GuildId,
    format: i32,
) -> Result<Option<Snapshot>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.guild_id, s.last_seq, s.format, s.state, s.state_hash, s.chain_hash
         FROM guild_snapshots s
         JOIN event_log e ON e.guild_id = s.guild_id AND e.guild_seq = s.last_seq
         WHERE s.guild_id = $1 AND s.format = $2 AND e.hash = s.chain_hash
         ORDER BY s.last_seq DESC LIMIT 1",
    )
    .bind(guild.0)
    .bind(format)
    .fetch_optional(pool)
    .await
}

/// Every stored snapshot, by guild and position, with whether the log's event at its position still
/// carries the hash it was taken at (`None`: the log has no event there).
///
/// # Errors
/// The database is unreachable.
pub async fn all(pool: &PgPool) -> Result<Vec<(Snapshot, Option<bool>)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        snapshot: Snapshot,
        same_log: Option<bool>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.guild_id, s.last_seq, s.format, s.state, s.state_hash, s.chain_hash,
                e.hash = s.chain_hash AS same_log
         FROM guild_snapshots s
         LEFT JOIN event_log e ON e.guild_id = s.guild_id AND e.guild_seq = s.last_seq
         ORDER BY s.guild_id, s.last_seq",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.snapshot, r.same_log)).collect())
}
