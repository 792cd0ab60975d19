//! `profiles`: what members say about themselves, for `/profile` and `/find`.

use super::{Keys, Rows};
use studio_schema::Event;
use studio_schema::log::RecordedEvent;

/// A row of `profiles`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileRow {
    pub role: String,
    pub years: i64,
    pub skills: String,
    pub links: String,
    pub open_to_work: bool,
    pub updated_seq: i64,
}

pub(super) fn keys(_e: &RecordedEvent, _keys: &mut Keys) {
    // A profile event carries the whole profile: nothing to read first.
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    if let Event::ProfileUpdated(p) = &e.event {
        rows.profiles.insert(
            (e.guild_id.0, p.member.0),
            ProfileRow {
                role: p.role.clone(),
                years: p.years,
                skills: p.skills.clone(),
                links: p.links.clone(),
                open_to_work: p.open_to_work,
                updated_seq: e.guild_seq,
            },
        );
    }
}
