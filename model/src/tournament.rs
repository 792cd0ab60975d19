//! A tournament: its prize pool, entrants and result.

use crate::Entity;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use studio_schema::{Account, Credits, Event, TournamentId, UserId};

/// Where a tournament stands.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TournamentStatus {
    /// Taking entries or waiting for results.
    Open,
    /// Paid out: the placings, first first, with what each won.
    Paid(Vec<(UserId, Credits)>),
    Cancelled,
}

impl TournamentStatus {
    /// The name the views store.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Paid(_) => "paid",
            Self::Cancelled => "cancelled",
        }
    }
}

/// One tournament.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tournament {
    pub name: String,
    pub prize: Credits,
    /// Where the pool came from: the mint or the treasury.
    pub source: Account,
    pub ends_at: DateTime<Utc>,
    pub entrants: BTreeSet<UserId>,
    pub status: TournamentStatus,
}

impl Tournament {
    /// Still taking entries or waiting for results.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.status == TournamentStatus::Open
    }
}

impl Entity for Tournament {
    type Key = TournamentId;

    fn keys(event: &Event, each: &mut dyn FnMut(TournamentId)) {
        match event {
            Event::TournamentCreated(e) => each(e.tournament),
            Event::TournamentEntered(e) => each(e.tournament),
            Event::TournamentPaid(e) => each(e.tournament),
            Event::TournamentCancelled(e) => each(e.tournament),
            Event::ActionUndone(e) => {
                if let Some(t) = e.reopens {
                    each(t);
                }
            }
            _ => {}
        }
    }

    fn evolve(slot: &mut Option<Self>, _: TournamentId, event: &Event) {
        if let Event::TournamentCreated(e) = event {
            *slot = Some(Self {
                name: e.name.clone(),
                prize: e.prize,
                source: e.source,
                ends_at: e.ends_at,
                entrants: BTreeSet::new(),
                status: TournamentStatus::Open,
            });
            return;
        }
        let Some(t) = slot else {
            return;
        };
        match event {
            Event::TournamentEntered(e) => {
                t.entrants.insert(e.member);
            }
            Event::TournamentPaid(p) if t.is_open() => {
                t.status = TournamentStatus::Paid(p.placings.clone());
            }
            Event::TournamentCancelled(_) if t.is_open() => t.status = TournamentStatus::Cancelled,
            // Its result was undone: the prizes are back in the pool, waiting for results again.
            Event::ActionUndone(u) if matches!(t.status, TournamentStatus::Paid(_)) => {
                debug_assert!(u.reopens.is_some());
                t.status = TournamentStatus::Open;
            }
            _ => {}
        }
    }
}
