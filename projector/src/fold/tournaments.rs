//! `tournaments`: each tournament (the model's tournament): its pool, entrants and result.

use super::{Keys, Rows, evolve};
use studio_model::Entity;
use studio_model::tournament::Tournament;
use studio_schema::log::RecordedEvent;

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    Tournament::keys(&e.event, &mut |t| {
        keys.tournaments.push((e.guild_id.0, t.0));
    });
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    Tournament::keys(&e.event, &mut |id| {
        let slot = rows.tournaments.entry((e.guild_id.0, id.0)).or_insert(None);
        if let Some(row) = evolve(slot, id, &e.event, || e.guild_seq) {
            row.view = e.guild_seq;
        }
    });
}
