//! `guild_settings`: the rules each guild plays by now (the model's settings, as JSON), so answers
//! read them instead of folding the log; a guild that never changed them has no row and plays by
//! the defaults. The projector's load and write of it, and the answers' read.

use crate::row::json;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use studio_model::settings::Settings;
use studio_schema::GuildId;

pub const DDL: &str = include_str!("settings.sql");

/// A row of `guild_settings`: the settings, and the seq of the change that made them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsRow {
    pub settings: Settings,
    pub updated_seq: i64,
}

/// The `guild_settings` rows of `guilds` that exist.
///
/// # Errors
/// The database is unreachable, or a row does not decode.
pub async fn load(
    conn: &mut PgConnection,
    guilds: &[i64],
) -> Result<Vec<(i64, SettingsRow)>, sqlx::Error> {
    if guilds.is_empty() {
        return Ok(Vec::new());
    }
    let found = sqlx::query!(
        r#"SELECT guild_id, settings AS "settings: Json<Settings>", updated_seq
           FROM guild_settings WHERE guild_id = ANY($1::bigint[])"#,
        guilds
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(found
        .into_iter()
        .map(|r| {
            let row = SettingsRow {
                settings: r.settings.0,
                updated_seq: r.updated_seq,
            };
            (r.guild_id, row)
        })
        .collect())
}

/// Inserts or replaces `guild_settings` rows.
///
/// # Errors
/// The database is unreachable, or settings do not encode.
pub async fn write(
    conn: &mut PgConnection,
    rows: &[(&i64, &SettingsRow)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let guilds: Vec<i64> = rows.iter().map(|(g, _)| **g).collect();
    let settings = rows
        .iter()
        .map(|(_, r)| json(&r.settings))
        .collect::<Result<Vec<_>, _>>()?;
    let seqs: Vec<i64> = rows.iter().map(|(_, r)| r.updated_seq).collect();
    sqlx::query!(
        "INSERT INTO guild_settings (guild_id, settings, updated_seq)
         SELECT * FROM UNNEST($1::bigint[], $2::jsonb[], $3::bigint[])
         ON CONFLICT (guild_id) DO UPDATE SET
             settings = EXCLUDED.settings, updated_seq = EXCLUDED.updated_seq",
        &guilds,
        &settings,
        &seqs
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The settings `guild` plays by, as the live views hold them (the defaults without a row).
///
/// # Errors
/// The database is unreachable, or the row does not decode.
pub async fn current(pool: &PgPool, guild: GuildId) -> Result<Settings, sqlx::Error> {
    let settings = sqlx::query_scalar!(
        r#"SELECT settings AS "settings: Json<Settings>" FROM views.guild_settings
           WHERE guild_id = $1"#,
        guild.0
    )
    .fetch_optional(pool)
    .await?;
    Ok(settings.map(|s| s.0).unwrap_or_default())
}
