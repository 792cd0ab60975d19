//! `quests`: each member's quest of the day, its progress, and their claim streak (the model's
//! quest log).

use super::{Keys, Rows, evolve};
use studio_model::Entity;
use studio_model::quest::QuestLog;
use studio_schema::log::RecordedEvent;

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    QuestLog::keys(&e.event, &mut |m| keys.quests.push((e.guild_id.0, m.0)));
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    QuestLog::keys(&e.event, &mut |member| {
        let slot = rows.quests.entry((e.guild_id.0, member.0)).or_insert(None);
        let before = slot.as_ref().map(|q| q.entity.clone());
        if let Some(row) = evolve(slot, member, &e.event, || e.guild_seq)
            && before.as_ref() != Some(&row.entity)
        {
            row.view = e.guild_seq;
        }
    });
}
