//! `guild_settings`.

use super::{Tx, column};
use crate::fold::{Keys, Rows, SettingsRow};
use sqlx::Row;

pub(super) async fn load(tx: &mut Tx<'_>, keys: &Keys, rows: &mut Rows) -> Result<(), sqlx::Error> {
    if keys.settings.is_empty() {
        return Ok(());
    }
    let found = sqlx::query(
        "SELECT guild_id, settings::text, updated_seq FROM guild_settings
         WHERE guild_id = ANY($1::bigint[])",
    )
    .bind(&keys.settings)
    .fetch_all(&mut **tx)
    .await?;
    for r in found {
        let settings: String = r.try_get("settings")?;
        rows.settings.insert(
            r.try_get("guild_id")?,
            Some(SettingsRow {
                settings: serde_json::from_str(&settings)
                    .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                updated_seq: r.try_get("updated_seq")?,
            }),
        );
    }
    Ok(())
}

pub(super) async fn write(tx: &mut Tx<'_>, rows: &Rows) -> Result<(), sqlx::Error> {
    let s: Vec<(&i64, &SettingsRow)> = rows
        .settings
        .iter()
        .filter_map(|(g, r)| r.as_ref().map(|r| (g, r)))
        .collect();
    if s.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO guild_settings (guild_id, settings, updated_seq)
         SELECT g, s::jsonb, u FROM UNNEST($1::bigint[], $2::text[], $3::bigint[]) AS x(g, s, u)
         ON CONFLICT (guild_id) DO UPDATE SET
             settings = EXCLUDED.settings, updated_seq = EXCLUDED.updated_seq",
    )
    .bind(column(&s, |(g, _)| **g))
    .bind(column(&s, |(_, r)| {
        serde_json::to_string(&r.settings).unwrap_or_default()
    }))
    .bind(column(&s, |(_, r)| r.updated_seq))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
