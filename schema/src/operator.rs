//! Operators' requests: what an operator asks from the command line that only the command service
//! may decide (it alone appends to a guild's log), and the answer it gives.
//!
//! The operator's login inserts a row (`projector undo`); the guild's owning command service decides
//! it on its next scheduler tick like any other command, keyed by the row's id (so it is decided once,
//! whoever retries), and writes the answer into the row, which the operator's command waits for. The
//! database records which login asked (`operator`, defaulting to `session_user`).

use crate::ids::GuildId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

/// What an operator may ask.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// Undo the admin action whose first event is at `position` (a `guild_seq`).
    Undo { position: i64, reason: String },
    /// Import members' XP (and credits) from another bot's export: `source` names it in the log
    /// ("MEE6 leaderboard, sha256 …"); one action, undone as one.
    Import {
        source: String,
        rows: Vec<ImportRow>,
    },
}

/// One member of an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub member: i64,
    pub xp: i64,
    #[serde(default)]
    pub credits: i64,
}

/// A request not answered yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub id: Uuid,
    pub guild: GuildId,
    /// The login that asked.
    pub operator: String,
    pub requested_at: DateTime<Utc>,
    /// `None`: a request this build cannot read (it is answered as such).
    pub request: Option<Request>,
}

/// The command id a request is decided under (idempotence: one decision per request).
#[must_use]
pub fn command_id(id: Uuid) -> String {
    format!("operator:{id}")
}

/// Records a request, as the operator's login.
///
/// # Errors
/// The database is unreachable, or the login is not an operator's.
pub async fn ask(
    pool: &PgPool,
    id: Uuid,
    guild: GuildId,
    request: &Request,
) -> Result<(), sqlx::Error> {
    let body = serde_json::to_value(request).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query!(
        "INSERT INTO operator_requests (id, guild_id, request) VALUES ($1, $2, $3)",
        id,
        guild.0,
        body
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Every request not answered yet, oldest first.
///
/// # Errors
/// The database is unreachable.
pub async fn waiting(pool: &PgPool) -> Result<Vec<Waiting>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, guild_id, request, operator, requested_at FROM operator_requests
         WHERE answered_at IS NULL ORDER BY requested_at, id"
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Waiting {
            id: r.id,
            guild: GuildId(r.guild_id),
            operator: r.operator,
            requested_at: r.requested_at,
            request: serde_json::from_value(r.request).ok(),
        })
        .collect())
}

/// Writes the answer to a request, once: a request answered already keeps its first answer.
///
/// # Errors
/// The database is unreachable.
pub async fn answer(
    pool: &PgPool,
    id: Uuid,
    accepted: bool,
    text: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE operator_requests SET answered_at = now(), accepted = $2, answer = $3
         WHERE id = $1 AND answered_at IS NULL",
        id,
        accepted,
        text
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The answer to a request: `None` while it waits.
///
/// # Errors
/// The database is unreachable.
pub async fn answer_of(pool: &PgPool, id: Uuid) -> Result<Option<(bool, String)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT accepted, answer FROM operator_requests WHERE id = $1",
        id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|r| r.accepted.zip(r.answer)))
}
