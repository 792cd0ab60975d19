//! Tournaments as the rules see them, folded from events.

use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use studio_schema::{Account, Credits, Event, TournamentId, UserId};

/// One tournament.
#[derive(Clone, Debug, PartialEq)]
pub struct Tournament {
    pub name: String,
    pub prize: Credits,
    pub source: Account,
    pub ends_at: DateTime<Utc>,
    pub entrants: BTreeSet<UserId>,
    /// Still taking entries or waiting for results.
    pub open: bool,
}

/// Every tournament of the guild.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tournaments {
    pub all: BTreeMap<TournamentId, Tournament>,
}

impl Tournaments {
    /// The number the next tournament gets.
    #[must_use]
    pub fn next(&self) -> TournamentId {
        TournamentId(self.all.keys().next_back().map_or(1, |t| t.0 + 1))
    }

    /// Folds one event.
    pub fn evolve(&mut self, event: &Event) {
        match event {
            Event::TournamentCreated(e) => {
                self.all.insert(
                    e.tournament,
                    Tournament {
                        name: e.name.clone(),
                        prize: e.prize,
                        source: e.source,
                        ends_at: e.ends_at,
                        entrants: BTreeSet::new(),
                        open: true,
                    },
                );
            }
            Event::TournamentEntered(e) => {
                if let Some(t) = self.all.get_mut(&e.tournament) {
                    t.entrants.insert(e.member);
                }
            }
            Event::TournamentPaid(e) => {
                if let Some(t) = self.all.get_mut(&e.tournament) {
                    t.open = false;
                }
            }
            Event::TournamentCancelled(e) => {
                if let Some(t) = self.all.get_mut(&e.tournament) {
                    t.open = false;
                }
            }
            _ => {}
        }
    }
}
