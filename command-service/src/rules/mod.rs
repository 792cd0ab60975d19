//! The rules of the game as pure functions and constants: no I/O, no clock, no randomness.
//! Each rule lives in exactly one place here; deciders and renderers call it.

pub mod economy;
pub mod heads;
pub mod premium;
pub mod profile;
pub mod quest;
pub mod reputation;
pub mod roles;
pub mod season;
pub mod settings;
pub mod team;
pub mod tenure;
pub mod text;
pub mod tournament;
pub mod undo;
pub mod xp;
