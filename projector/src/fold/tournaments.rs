//! `tournaments`: each tournament's pool, entrants and result.

use super::{Keys, Rows};
use chrono::{DateTime, Utc};
use studio_schema::log::RecordedEvent;
use studio_schema::{Event, TournamentId};

/// A row of `tournaments`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TournamentRow {
    pub name: String,
    pub prize: i64,
    /// `mint` or `treasury`.
    pub source: String,
    pub ends_at: DateTime<Utc>,
    /// `open`, `paid` or `cancelled`.
    pub status: String,
    pub entrants: i64,
    /// The placings, first first, as `<@id> amount` lines.
    pub winners: String,
    pub updated_seq: i64,
}

fn tournament(event: &Event) -> Option<TournamentId> {
    match event {
        Event::TournamentCreated(e) => Some(e.tournament),
        Event::TournamentEntered(e) => Some(e.tournament),
        Event::TournamentPaid(e) => Some(e.tournament),
        Event::TournamentCancelled(e) => Some(e.tournament),
        _ => None,
    }
}

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    if let Some(t) = tournament(&e.event) {
        keys.tournaments.push((e.guild_id.0, t.0));
    }
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    let Some(id) = tournament(&e.event) else {
        return;
    };
    let key = (e.guild_id.0, id.0);
    if let Event::TournamentCreated(c) = &e.event {
        rows.tournaments.insert(
            key,
            Some(TournamentRow {
                name: c.name.clone(),
                prize: c.prize.0,
                source: c.source.to_string(),
                ends_at: c.ends_at,
                status: "open".into(),
                entrants: 0,
                winners: String::new(),
                updated_seq: e.guild_seq,
            }),
        );
        return;
    }
    let Some(Some(row)) = rows.tournaments.get_mut(&key) else {
        return;
    };
    row.updated_seq = e.guild_seq;
    match &e.event {
        Event::TournamentEntered(_) => row.entrants += 1,
        Event::TournamentPaid(p) => {
            "paid".clone_into(&mut row.status);
            row.winners = p
                .placings
                .iter()
                .map(|(m, c)| format!("<@{m}> {c}"))
                .collect::<Vec<_>>()
                .join("\n");
        }
        Event::TournamentCancelled(_) => "cancelled".clone_into(&mut row.status),
        _ => {}
    }
}
