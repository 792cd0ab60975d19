//! The event log: append a batch for a guild at an expected sequence, read a guild from a
//! sequence, read all guilds in commit order, and look up processed commands.
//!
//! Every statement that touches `event_log`, `guild_heads` or `processed_commands` is here.

use crate::events::{DecodeError, Event, SCHEMA_VERSION};
use crate::ids::{GuildId, UserId};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool};
use std::collections::HashMap;
use uuid::Uuid;

/// An event about to be appended.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub event: Event,
    /// The member whose action caused it, if any.
    pub actor_id: Option<UserId>,
    /// The Discord object that caused it (message, interaction, gateway session and seq).
    pub causation_id: String,
    /// When it happened, decided once by the command's decision.
    pub occurred_at: DateTime<Utc>,
}

/// A command decided in this batch, with what its member was told.
#[derive(Clone, Debug)]
pub struct CommandRecord {
    pub command_id: String,
    pub outcome: serde_json::Value,
    /// The guild's head after this command's events.
    pub last_seq: i64,
}

/// Events about to be appended, as the arguments of `append_events` (one array per column).
#[derive(Default)]
pub(crate) struct EventColumns {
    pub ids: Vec<Uuid>,
    pub types: Vec<String>,
    pub payloads: Vec<serde_json::Value>,
    pub actors: Vec<Option<i64>>,
    pub causes: Vec<String>,
    pub times: Vec<DateTime<Utc>>,
}

impl EventColumns {
    /// Adds `events`, each with a new id.
    pub(crate) fn extend(&mut self, events: &[NewEvent]) -> Result<(), serde_json::Error> {
        for new in events {
            self.ids.push(Uuid::now_v7());
            self.types.push(new.event.event_type().to_owned());
            self.payloads.push(new.event.encode()?);
            self.actors.push(new.actor_id.map(|a| a.0));
            self.causes.push(new.causation_id.clone());
            self.times.push(new.occurred_at);
        }
        Ok(())
    }
}

/// An event read back from the log.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedEvent {
    pub position: i64,
    pub guild_id: GuildId,
    pub guild_seq: i64,
    pub event_id: Uuid,
    pub event: Event,
    pub actor_id: Option<UserId>,
    pub causation_id: String,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
}

/// Why an append failed.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// Another writer appended to the guild since this writer's state was read: reload and decide again.
    #[error("stale write to guild {guild}: expected head {expected}")]
    Fence { guild: GuildId, expected: i64 },
    /// One of the batch's commands was already processed (by another writer, or before a crash).
    #[error("command already processed in guild {guild}")]
    DuplicateCommand { guild: GuildId },
    #[error("cannot encode event: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("event log unavailable: {0}")]
    Database(#[source] sqlx::Error),
}

/// A payload as Postgres sends it, decoded straight into its event by [`Event::decode_text`]
/// (select it as `payload AS "payload: StoredPayload"`).
type StoredPayload = sqlx::types::Json<Box<serde_json::value::RawValue>>;

/// Builds a [`RecordedEvent`] from a row of any query selecting the log's columns.
macro_rules! recorded {
    ($r:ident) => {
        RecordedEvent {
            position: $r.position,
            guild_id: GuildId($r.guild_id),
            guild_seq: $r.guild_seq,
            event_id: $r.event_id,
            event: Event::decode_text(&$r.event_type, $r.schema_version, $r.payload.0.get())?,
            actor_id: $r.actor_id.map(UserId),
            causation_id: $r.causation_id,
            occurred_at: $r.occurred_at,
            recorded_at: $r.recorded_at,
        }
    };
}

/// Why a read failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("event log unavailable: {0}")]
    Database(#[from] sqlx::Error),
}

impl From<sqlx::Error> for AppendError {
    fn from(err: sqlx::Error) -> Self {
        Self::Database(err)
    }
}

pub(crate) fn violated(err: &sqlx::Error, constraint: &str) -> bool {
    err.as_database_error()
        .and_then(|db| db.constraint())
        .is_some_and(|c| c == constraint)
}

/// Appends `events` to `guild` right after `expected_last_seq` and records `commands`, in one
/// transaction. Returns the new head.
///
/// The guild's head row is the fence: it moves only from `expected_last_seq`, so a writer whose
/// state is stale fails with [`AppendError::Fence`] and nothing is written. A command id seen
/// before fails the whole batch with [`AppendError::DuplicateCommand`].
///
/// # Errors
/// See [`AppendError`].
pub async fn append(
    pool: &PgPool,
    guild: GuildId,
    expected_last_seq: i64,
    events: &[NewEvent],
    commands: &[CommandRecord],
) -> Result<i64, AppendError> {
    let mut tx = pool.begin().await?;
    let new_last = append_in(&mut tx, guild, expected_last_seq, events, commands).await?;
    tx.commit().await?;
    Ok(new_last)
}

/// [`append`] inside the caller's transaction, so the caller can commit other writes with it (the
/// intake's position and outbox). Nothing is written when it fails, provided the caller rolls back.
///
/// # Errors
/// See [`AppendError`].
pub async fn append_in(
    tx: &mut PgConnection,
    guild: GuildId,
    expected_last_seq: i64,
    events: &[NewEvent],
    commands: &[CommandRecord],
) -> Result<i64, AppendError> {
    let count = i64::try_from(events.len()).unwrap_or(i64::MAX);
    let new_last = expected_last_seq + count;

    let moved = if expected_last_seq == 0 {
        sqlx::query!(
            "INSERT INTO guild_heads (guild_id, last_seq) VALUES ($1, $2)
             ON CONFLICT (guild_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, updated_at = now()
             WHERE guild_heads.last_seq = 0",
            guild.0,
            new_last
        )
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query!(
            "UPDATE guild_heads SET last_seq = $3, updated_at = now()
             WHERE guild_id = $1 AND last_seq = $2",
            guild.0,
            expected_last_seq,
            new_last
        )
        .execute(&mut *tx)
        .await?
    };
    if moved.rows_affected() != 1 {
        return Err(AppendError::Fence {
            guild,
            expected: expected_last_seq,
        });
    }

    if !events.is_empty() {
        let mut columns = EventColumns::default();
        columns.extend(events)?;
        let EventColumns {
            ids,
            types,
            payloads,
            actors,
            causes,
            times,
        } = columns;
        // The database chains the batch (migration 0012): the writer names no hash.
        let inserted = sqlx::query_scalar!(
            "SELECT append_events($1, $2, $3, $4::uuid[], $5::text[], $6::jsonb[], $7::bigint[],
                                  $8::text[], $9::timestamptz[])",
            guild.0,
            expected_last_seq + 1,
            SCHEMA_VERSION,
            &ids,
            &types,
            &payloads,
            &actors as &[Option<i64>],
            &causes,
            &times,
        )
        .fetch_one(&mut *tx)
        .await;
        if let Err(err) = inserted {
            return Err(if violated(&err, "event_log_guild_seq_key") {
                AppendError::Fence {
                    guild,
                    expected: expected_last_seq,
                }
            } else {
                AppendError::Database(err)
            });
        }
    }

    if !commands.is_empty() {
        let ids: Vec<String> = commands.iter().map(|c| c.command_id.clone()).collect();
        let outcomes: Vec<serde_json::Value> = commands.iter().map(|c| c.outcome.clone()).collect();
        let lasts: Vec<i64> = commands.iter().map(|c| c.last_seq).collect();
        let recorded = sqlx::query!(
            "INSERT INTO processed_commands (command_id, guild_id, outcome, last_seq)
             SELECT id, $1, outcome, last FROM UNNEST($2::text[], $3::jsonb[], $4::bigint[])
                 AS c(id, outcome, last)",
            guild.0,
            &ids,
            &outcomes,
            &lasts
        )
        .execute(&mut *tx)
        .await;
        if let Err(err) = recorded {
            return Err(if violated(&err, "processed_commands_pkey") {
                AppendError::DuplicateCommand { guild }
            } else {
                AppendError::Database(err)
            });
        }
    }
    Ok(new_last)
}

/// `guild`'s events after `after_seq` as its hash chain covers them, in order, at most `limit`.
///
/// # Errors
/// The database is unreachable.
pub async fn read_chain(
    pool: &PgPool,
    guild: GuildId,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<crate::chain::Link>, sqlx::Error> {
    sqlx::query_as!(
        crate::chain::Link,
        r#"SELECT position, guild_seq, event_id, event_type, schema_version,
                  payload::text AS "payload!", actor_id, causation_id,
                  (extract(epoch FROM occurred_at) * 1000000)::bigint AS "occurred_micros!", hash
           FROM event_log WHERE guild_id = $1 AND guild_seq > $2
           ORDER BY guild_seq LIMIT $3"#,
        guild.0,
        after_seq,
        limit
    )
    .fetch_all(pool)
    .await
}

/// The hash the log holds for `guild`'s event at `seq`, in hex: the chain head there. `None` when
/// there is no such event.
///
/// # Errors
/// The database is unreachable.
pub async fn hash_at(
    pool: &PgPool,
    guild: GuildId,
    seq: i64,
) -> Result<Option<String>, sqlx::Error> {
    let hash: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT hash FROM event_log WHERE guild_id = $1 AND guild_seq = $2")
            .bind(guild.0)
            .bind(seq)
            .fetch_optional(pool)
            .await?;
    Ok(hash.map(|h| crate::chain::hex(&h)))
}

/// The events of `guild` after `after_seq`, in order, at most `limit`.
///
/// # Errors
/// The database is unreachable or a payload cannot be decoded.
pub async fn read_guild(
    pool: &PgPool,
    guild: GuildId,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<RecordedEvent>, ReadError> {
    let rows = sqlx::query!(
        r#"SELECT position, guild_id, guild_seq, event_id, event_type, schema_version,
                payload AS "payload: StoredPayload", actor_id, causation_id, occurred_at, recorded_at
         FROM event_log WHERE guild_id = $1 AND guild_seq > $2
         ORDER BY guild_seq LIMIT $3"#,
        guild.0,
        after_seq,
        limit
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(|r| Ok(recorded!(r))).collect()
}

/// Every event of the action (one command's events) that the event at `seq` belongs to, in order;
/// empty when `guild` has no event at `seq`.
///
/// # Errors
/// The database is unreachable or a payload cannot be decoded.
pub async fn action_at(
    pool: &PgPool,
    guild: GuildId,
    seq: i64,
) -> Result<Vec<RecordedEvent>, ReadError> {
    let rows = sqlx::query!(
        r#"SELECT position, guild_id, guild_seq, event_id, event_type, schema_version,
                payload AS "payload: StoredPayload", actor_id, causation_id, occurred_at, recorded_at
         FROM event_log
         WHERE guild_id = $1
           AND causation_id = (SELECT causation_id FROM event_log
                               WHERE guild_id = $1 AND guild_seq = $2)
         ORDER BY guild_seq"#,
        guild.0,
        seq
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(|r| Ok(recorded!(r))).collect()
}

/// Every event the command `causation_id` appended to `guild`, in order.
///
/// # Errors
/// The database is unreachable or a payload cannot be decoded.
pub async fn action_of(
    pool: &PgPool,
    guild: GuildId,
    causation_id: &str,
) -> Result<Vec<RecordedEvent>, ReadError> {
    let rows = sqlx::query!(
        r#"SELECT position, guild_id, guild_seq, event_id, event_type, schema_version,
                payload AS "payload: StoredPayload", actor_id, causation_id, occurred_at, recorded_at
         FROM event_log WHERE guild_id = $1 AND causation_id = $2
         ORDER BY guild_seq"#,
        guild.0,
        causation_id
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(|r| Ok(recorded!(r))).collect()
}

/// The guild's settings changes before `before_seq`, in order: the rules in force just before it
/// are the defaults with these applied.
///
/// # Errors
/// The database is unreachable or a payload cannot be decoded.
pub async fn settings_changes_before(
    pool: &PgPool,
    guild: GuildId,
    before_seq: i64,
) -> Result<Vec<RecordedEvent>, ReadError> {
    let rows = sqlx::query!(
        r#"SELECT position, guild_id, guild_seq, event_id, event_type, schema_version,
                payload AS "payload: StoredPayload", actor_id, causation_id, occurred_at, recorded_at
         FROM event_log
         WHERE guild_id = $1 AND event_type = 'GuildSettingsChanged' AND guild_seq < $2
         ORDER BY guild_seq"#,
        guild.0,
        before_seq
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(|r| Ok(recorded!(r))).collect()
}

/// A position in the global commit order: (writing transaction, position).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct GlobalCursor {
    pub tx_id: i64,
    pub position: i64,
}

/// A row of the log as [`fetch_global`] reads it: its payload not decoded yet, so a reader can
/// decode one batch while it fetches the next.
#[derive(Debug)]
pub struct StoredEvent {
    tx_id: i64,
    position: i64,
    guild_id: i64,
    guild_seq: i64,
    event_id: Uuid,
    event_type: String,
    schema_version: i32,
    payload: StoredPayload,
    actor_id: Option<i64>,
    causation_id: String,
    occurred_at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
}

impl StoredEvent {
    /// Its place in the commit order.
    #[must_use]
    pub fn cursor(&self) -> GlobalCursor {
        GlobalCursor {
            tx_id: self.tx_id,
            position: self.position,
        }
    }

    /// The event, with its place in the commit order.
    ///
    /// # Errors
    /// The payload does not match any known version of its type.
    pub fn decode(self) -> Result<(GlobalCursor, RecordedEvent), ReadError> {
        let r = self;
        Ok((
            GlobalCursor {
                tx_id: r.tx_id,
                position: r.position,
            },
            recorded!(r),
        ))
    }
}

/// Events of all guilds after `after`, in commit order, at most `limit`.
///
/// Reads only events of transactions older than the oldest transaction still in flight, ordered by
/// (transaction, position): a transaction that took a position early but commits late is read
/// after the ones that committed before it, never skipped. Within a guild this order is the
/// `guild_seq` order, because a guild's single writer starts its next append after the previous
/// one committed.
///
/// # Errors
/// The database is unreachable or a payload cannot be decoded.
pub async fn read_global<'e>(
    executor: impl PgExecutor<'e>,
    after: GlobalCursor,
    limit: i64,
) -> Result<Vec<(GlobalCursor, RecordedEvent)>, ReadError> {
    fetch_global(executor, after, limit)
        .await?
        .into_iter()
        .map(StoredEvent::decode)
        .collect()
}

/// [`read_global`]'s rows, their payloads not decoded yet ([`StoredEvent::decode`]).
///
/// # Errors
/// The database is unreachable.
pub async fn fetch_global<'e>(
    executor: impl PgExecutor<'e>,
    after: GlobalCursor,
    limit: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    sqlx::query_as!(
        StoredEvent,
        r#"SELECT tx_id::text::bigint AS "tx_id!", position, guild_id, guild_seq, event_id,
                  event_type, schema_version, payload AS "payload: StoredPayload", actor_id,
                  causation_id, occurred_at, recorded_at
           FROM event_log
           WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot())
             AND (tx_id, position) > ($1::bigint::text::xid8, $2)
           ORDER BY event_log.tx_id, position
           LIMIT $3"#,
        after.tx_id,
        after.position,
        limit
    )
    .fetch_all(executor)
    .await
}

/// The number of events a global reader would still see after `after` (for progress bars).
///
/// # Errors
/// The database is unreachable.
pub async fn count_after(pool: &PgPool, after: GlobalCursor) -> Result<i64, sqlx::Error> {
    let n = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM event_log
           WHERE (tx_id, position) > ($1::bigint::text::xid8, $2)"#,
        after.tx_id,
        after.position
    )
    .fetch_one(pool)
    .await?;
    Ok(n)
}

/// The head (last seq) of a guild's stream; 0 for a guild with no events.
///
/// # Errors
/// The database is unreachable.
pub async fn guild_head(pool: &PgPool, guild: GuildId) -> Result<i64, sqlx::Error> {
    let last = sqlx::query_scalar!(
        "SELECT last_seq FROM guild_heads WHERE guild_id = $1",
        guild.0
    )
    .fetch_optional(pool)
    .await?;
    Ok(last.unwrap_or(0))
}

/// Every guild with a stream, in id order.
///
/// # Errors
/// The database is unreachable.
pub async fn guilds(pool: &PgPool) -> Result<Vec<GuildId>, sqlx::Error> {
    let ids = sqlx::query_scalar!("SELECT guild_id FROM guild_heads ORDER BY 1")
        .fetch_all(pool)
        .await?;
    Ok(ids.into_iter().map(GuildId).collect())
}

/// Every guild with an event in the log, in id order: the same guilds as [`guilds`], for a reader
/// who may read the log but not the heads (the auditor role).
///
/// # Errors
/// The database is unreachable.
pub async fn guilds_logged(pool: &PgPool) -> Result<Vec<GuildId>, sqlx::Error> {
    let ids = sqlx::query_scalar!("SELECT DISTINCT guild_id FROM event_log ORDER BY 1")
        .fetch_all(pool)
        .await?;
    Ok(ids.into_iter().map(GuildId).collect())
}

/// The last of `guild`'s events that occurred at or before `at` (0 for none): "the log as of a time".
///
/// # Errors
/// The database is unreachable.
pub async fn seq_at(
    pool: &PgPool,
    guild: GuildId,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<i64, sqlx::Error> {
    let seq = sqlx::query_scalar!(
        "SELECT max(guild_seq) FROM event_log WHERE guild_id = $1 AND occurred_at <= $2",
        guild.0,
        at
    )
    .fetch_one(pool)
    .await?;
    Ok(seq.unwrap_or(0))
}

/// What each of `command_ids` that was processed before told its member, and the guild head then.
///
/// # Errors
/// The database is unreachable.
pub async fn processed_outcomes(
    pool: &PgPool,
    command_ids: &[String],
) -> Result<HashMap<String, (serde_json::Value, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT command_id, outcome, last_seq FROM processed_commands
         WHERE command_id = ANY($1::text[])",
        command_ids
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.command_id, (r.outcome, r.last_seq)))
        .collect())
}
