//! The rules a guild plays by now, for answers (the writer keeps its own copy in its state): its
//! `GuildSettingsChanged` events folded over the defaults, the same way the writer folds them.

use crate::rules::settings::Settings;
use sqlx::PgPool;
use studio_schema::{Event, GuildId};
use tracing::warn;

/// The guild's settings in force.
///
/// # Errors
/// The database is unreachable.
pub async fn current(pool: &PgPool, guild: GuildId) -> Result<Settings, sqlx::Error> {
    let changes: Vec<(i32, serde_json::Value)> = sqlx::query_as(
        "SELECT schema_version, payload FROM event_log
         WHERE guild_id = $1 AND event_type = 'GuildSettingsChanged' ORDER BY guild_seq",
    )
    .bind(guild.0)
    .fetch_all(pool)
    .await?;
    let mut settings = Settings::default();
    for (version, payload) in changes {
        match Event::decode("GuildSettingsChanged", version, payload) {
            Ok(Event::GuildSettingsChanged { change, .. }) => settings.apply(&change),
            Ok(_) => {}
            Err(err) => warn!(%guild, error = %err, "a settings change is unreadable"),
        }
    }
    Ok(settings)
}
