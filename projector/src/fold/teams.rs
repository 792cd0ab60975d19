//! `teams` and `team_members`: each team (the model's team) and who is in it. The wallet is the
//! `team:<id>` account in `accounts`.

use super::{Keys, Rows, evolve};
use studio_model::Entity;
use studio_model::team::Team;
use studio_schema::log::RecordedEvent;

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    Team::keys(&e.event, &mut |t| keys.teams.push((e.guild_id.0, t.0)));
}

/// `team_members` follows each touched team's members: every member in it now is in the table,
/// and whoever was in it before the event and no longer is, is not.
pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    let g = e.guild_id.0;
    Team::keys(&e.event, &mut |id| {
        let slot = rows.teams.entry((g, id.0)).or_insert(None);
        let before: Vec<_> = slot
            .as_ref()
            .map(|t| t.entity.members.iter().copied().collect())
            .unwrap_or_default();
        let Some(row) = evolve(slot, id, &e.event, || e.guild_seq) else {
            return;
        };
        row.view = e.guild_seq;
        let now = &row.entity.members;
        for gone in before.iter().filter(|m| !now.contains(m)) {
            rows.team_members.insert((g, id.0, gone.0), false);
        }
        for member in now {
            rows.team_members.insert((g, id.0, member.0), true);
        }
    });
}
