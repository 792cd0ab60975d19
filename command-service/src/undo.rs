//! Reads the action an undo names from the log, for the decider ([`crate::rules::undo`]).

use crate::domain::{Found, UndoTarget};
use sqlx::PgPool;
use studio_schema::Event;
use studio_schema::GuildId;
use studio_schema::log::{self, RecordedEvent};
use studio_schema::settings::SettingsChange;

/// The action `target` names in `guild`, with the settings changes before it; `None` when the log
/// could not be read.
pub async fn find(pool: &PgPool, guild: GuildId, target: &UndoTarget) -> Option<Found> {
    let events = match target {
        UndoTarget::Position(seq) => log::action_at(pool, guild, *seq).await,
        UndoTarget::Button(causation) => log::action_of(pool, guild, causation).await,
    };
    let events = events
        .inspect_err(|e| tracing::warn!(%guild, error = %e, "the action to undo could not be read"))
        .ok()?;
    let settings_before = match events.first() {
        Some(first) => log::settings_changes_before(pool, guild, first.guild_seq)
            .await
            .inspect_err(|e| tracing::warn!(%guild, error = %e, "the settings could not be read"))
            .ok()?
            .into_iter()
            .filter_map(settings_change)
            .collect(),
        None => Vec::new(),
    };
    Some(Found {
        events: events
            .into_iter()
            .map(|e| (e.guild_seq, e.occurred_at, e.event))
            .collect(),
        settings_before,
    })
}

fn settings_change(e: RecordedEvent) -> Option<SettingsChange> {
    match e.event {
        Event::GuildSettingsChanged { change, .. } => Some(change),
        _ => None,
    }
}
