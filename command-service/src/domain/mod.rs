//! The guild as a Decider: [`Command`]s are decided against [`GuildState`] into events or a
//! [`Rejection`]; events evolve the state. Pure: the caller passes `now` in.

mod command;
mod decide;
mod kind;
mod schedule;
pub use decide::MAX_REASON_CHARS;
mod outcome;
mod state;

pub use command::{
    Command, Commission, Draft, Found, Import, ImportFile, Market, Resolution, SeenMember, TeamCmd,
    TournamentCmd, Undo, UndoTarget, Upload,
};
pub use decide::{Decision, decide, published_code};
pub use outcome::{Outcome, Rejection, Step, TeamStep, TournamentStep};
pub use schedule::{CLOCK_COMMANDS, due};
pub use state::GuildState;
