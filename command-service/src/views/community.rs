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
