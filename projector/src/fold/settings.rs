//! `guild_settings`: the rules each guild plays by now (the model's settings), so answers read
//! them instead of folding the log.

use super::{Keys, Rows};
use studio_model::settings::Settings;
use studio_schema::Event;
use studio_schema::log::RecordedEvent;

/// A row of `guild_settings`: the settings, and the seq of the change that made them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsRow {
    pub settings: Settings,
    pub updated_seq: i64,
}

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
