//! `profiles`: what members say about themselves (the model's profile), for `/profile` and
//! `/find`.

use super::{Keys, Rows, evolve};
use studio_model::Entity;
use studio_model::profile::Profile;
use studio_schema::log::RecordedEvent;

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    Profile::keys(&e.event, &mut |m| keys.profiles.push((e.guild_id.0, m.0)));
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    Profile::keys(&e.event, &mut |member| {
        let slot = rows
            .profiles
            .entry((e.guild_id.0, member.0))
            .or_insert(None);
        if let Some(row) = evolve(slot, member, &e.event, || e.guild_seq) {
            row.view = e.guild_seq;
        }
    });
}
