//! The model of the game, in one place.
//!
//! Every entity Studio keeps — a [`member`], an [`account`]'s balance, a [`listing`] and its
//! current version, a [`purchase`], a [`commission`], a [`team`], a [`tournament`], a member's
//! [`quest`], a [`profile`], the guild's [`settings`] and its current [`season`] — with its state
//! and how an event from the log evolves it. Every entity kind implements [`Entity`]: which entities an event touches
//! ([`Entity::keys`]) and how it changes one ([`Entity::evolve`]).
//!
//! Both readers of the log fold it with these functions and no others: the command service's
//! decider holds a [`Guild`] (every entity of one guild, in memory), and the projector stores each
//! entity as a row of its views, plus columns only the views need (counters, timestamps from the
//! log's envelope). So a member is never refused on a state the views never showed them.
//!
//! The rules both sides compute — the rank a tenure earns, the level XP reaches, the tax of a rank,
//! a team's progress, the week or month an event counts toward — live here too. Pure: no I/O, no
//! clock, no Discord types.

pub mod account;
pub mod calendar;
pub mod commission;
pub mod decision;
pub mod guild;
pub mod level;
pub mod listing;
pub mod member;
pub mod preview;
pub mod profile;
pub mod purchase;
pub mod quest;
pub mod rank;
pub mod reputation;
pub mod season;
pub mod settings;
pub mod snapshot;
mod sorted;
pub mod team;
pub mod tenure;
pub mod tournament;

pub use guild::Guild;

use studio_schema::Event;

/// One kind of entity folded from the log.
pub trait Entity: Sized {
    /// What identifies one entity of this kind within its guild.
    type Key: Copy + Ord + std::hash::Hash;

    /// Calls `each` with the key of every entity of this kind that `event` touches, each once.
    fn keys(event: &Event, each: &mut dyn FnMut(Self::Key));

    /// How `event` changes the entity `key`; `slot` is `None` while it does not exist.
    fn evolve(slot: &mut Option<Self>, key: Self::Key, event: &Event);
}

/// Folds `event` into the one entity `key`, if the event touches it.
pub fn evolve_one<E: Entity>(slot: &mut Option<E>, key: E::Key, event: &Event) {
    let mut touched = false;
    E::keys(event, &mut |k| touched |= k == key);
    if touched {
        E::evolve(slot, key, event);
    }
}
