//! `guild_settings`: the rules each guild plays by now (the model's settings), so answers read
//! them instead of folding the log.

use super::{Keys, Rows, SettingsRow};
use studio_model::settings::Settings;
use studio_schema::Event;
use studio_schema::log::RecordedEvent;

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    if let Event::GuildSettingsChanged { .. } = e.event {
        keys.settings.push(e.guild_id.0);
    }
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    if let Event::GuildSettingsChanged { .. } = e.event {
        let row = rows
            .settings
            .entry(e.guild_id.0)
            .or_insert(None)
            .get_or_insert_with(|| SettingsRow {
                settings: Settings::default(),
                updated_seq: e.guild_seq,
            });
        row.settings.evolve(&e.event);
        row.updated_seq = e.guild_seq;
    }
}
