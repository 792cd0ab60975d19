//! The guild as a Decider: [`Command`]s are decided against [`GuildState`] into events or a
//! [`Rejection`]; events evolve the state. Pure: the caller passes `now` in.

mod command;
mod decide;
pub use decide::MAX_REASON_CHARS;
mod outcome;
mod state;

pub use command::{Command, SeenMember};
pub use decide::decide;
pub use outcome::{Outcome, Rejection};
pub use state::{GuildState, MemberState};
