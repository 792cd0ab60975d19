//! A batch of an intake partition committed in one statement, so in one round trip to Postgres
//! (`commit_batch`, migration 0013): its guilds' events and commands appended behind their fences,
//! their listings' code stored, the partition's position moved, its rejected dispatches recorded
//! and its effects queued, all or nothing.

use crate::SCHEMA_VERSION;
use crate::content::{self, Content, Sealer};
use crate::ids::GuildId;
use crate::intake::Partition;
use crate::log::{self, CommandRecord, EventColumns, NewEvent};
use crate::outbox::{self, NewEffect};
use sqlx::PgConnection;
use sqlx::postgres::PgDatabaseError;
use std::time::Duration;

/// SQLSTATE of a guild whose head moved since the writer read it (the fence).
const FENCE: &str = "SF001";
/// SQLSTATE of a partition no longer at the position the writer applied it from.
const LOST: &str = "SL001";

/// One guild's part of a batch: appended right after `expected`, its head's position when the writer
/// decided on it.
#[derive(Clone, Copy, Debug)]
pub struct GuildAppend<'a> {
    pub guild: GuildId,
    pub expected: i64,
    pub events: &'a [NewEvent],
    pub commands: &'a [CommandRecord],
    /// The code the guild's new listings publish, stored (sealed) with their events.
    pub contents: &'a [Content],
}

/// A dispatch the batch moves past without applying it, recorded for operators.
#[derive(Clone, Copy, Debug)]
pub struct Reject<'a> {
    pub seq: u64,
    pub subject: &'a str,
    pub reason: &'a str,
}

/// Everything a partition's batch commits: it applies the partition's dispatches from just after
/// `from` up to `to`.
#[derive(Clone, Copy, Debug)]
pub struct Batch<'a> {
    pub partition: &'a Partition,
    pub from: u64,
    pub to: u64,
    pub guilds: &'a [GuildAppend<'a>],
    pub rejects: &'a [Reject<'a>],
    pub effects: &'a [NewEffect],
    /// How long the committing instance holds its effects before a sweeper may send them.
    pub claim: Duration,
}

/// Why a batch was not committed. Nothing of it was.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// Another writer appended to the guild since this writer read it: catch up and decide again.
    #[error("stale write to guild {0}")]
    Fence(GuildId),
    /// One of the batch's commands was recorded before (by another writer, or before a crash).
    #[error("a command of the batch was recorded before")]
    Duplicate,
    /// The partition is no longer where this instance applied it from: another instance holds it.
    #[error("the partition moved on without this instance")]
    Lost,
    #[error("cannot encode event: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("database: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for CommitError {
    fn from(err: sqlx::Error) -> Self {
        let code = err
            .as_database_error()
            .and_then(|db| db.code())
            .map(|c| c.into_owned());
        match code.as_deref() {
            Some(FENCE) => fenced(&err).map_or(Self::Database(err), Self::Fence),
            Some(LOST) => Self::Lost,
            // A head and its log that disagree: the event's key names the guild.
            _ if log::violated(&err, "event_log_guild_seq_key") => {
                duplicate_key_guild(&err).map_or(Self::Database(err), Self::Fence)
            }
            _ if log::violated(&err, "processed_commands_pkey") => Self::Duplicate,
            _ => Self::Database(err),
        }
    }
}

fn detail(err: &sqlx::Error) -> Option<&str> {
    err.as_database_error()?
        .try_downcast_ref::<PgDatabaseError>()?
        .detail()
}

/// The guild a fence error names (its DETAIL).
fn fenced(err: &sqlx::Error) -> Option<GuildId> {
    detail(err)?.parse().ok().map(GuildId)
}

/// The guild of an event whose `(guild_id, guild_seq)` was taken (DETAIL `Key (guild_id,
/// guild_seq)=(G, S) already exists.`).
fn duplicate_key_guild(err: &sqlx::Error) -> Option<GuildId> {
    let (_, key) = detail(err)?.split_once("=(")?;
    let (guild, _) = key.split_once(',')?;
    guild.trim().parse().ok().map(GuildId)
}

/// Commits `batch` in one statement; the ids of its effects, in order.
///
/// # Errors
/// See [`CommitError`].
pub async fn commit(
    conn: &mut PgConnection,
    batch: &Batch<'_>,
    sealer: &Sealer,
) -> Result<Vec<i64>, CommitError> {
    let mut heads = (Vec::new(), Vec::new(), Vec::new());
    let mut events = EventColumns::default();
    let mut commands = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut contents = Vec::new();
    for part in batch.guilds {
        heads.0.push(part.guild.0);
        heads.1.push(part.expected);
        heads
            .2
            .push(i32::try_from(part.events.len()).unwrap_or(i32::MAX));
        events.extend(part.events)?;
        for c in part.commands {
            commands.0.push(part.guild.0);
            commands.1.push(c.command_id.clone());
            commands.2.push(c.outcome.clone());
            commands.3.push(c.last_seq);
        }
        contents.extend_from_slice(part.contents);
    }
    let code = content::Columns::sealed(sealer, &contents);
    let rejects = (
        batch
            .rejects
            .iter()
            .map(|r| r.seq.cast_signed())
            .collect::<Vec<_>>(),
        batch
            .rejects
            .iter()
            .map(|r| r.subject.to_owned())
            .collect::<Vec<_>>(),
        batch
            .rejects
            .iter()
            .map(|r| r.reason.to_owned())
            .collect::<Vec<_>>(),
    );
    let (fx_guilds, fx_kinds, fx_bodies) = outbox::columns(batch.effects);
    let ids = sqlx::query_scalar!(
        r#"SELECT commit_batch($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                               $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28,
                               $29, $30) AS "ids!""#,
        batch.partition.stream,
        batch.partition.partition,
        batch.from.cast_signed(),
        batch.to.cast_signed(),
        SCHEMA_VERSION,
        &heads.0,
        &heads.1,
        &heads.2,
        &events.ids,
        &events.types,
        &events.payloads,
        &events.actors as &[Option<i64>],
        &events.causes,
        &events.times,
        &commands.0,
        &commands.1,
        &commands.2,
        &commands.3,
        &code.guilds,
        &code.listings,
        &code.versions,
        &code.hashes,
        &code.sealed,
        &rejects.0,
        &rejects.1,
        &rejects.2,
        &fx_guilds,
        &fx_kinds,
        &fx_bodies,
        outbox::interval(batch.claim),
    )
    .fetch_one(conn)
    .await?;
    Ok(ids)
}
