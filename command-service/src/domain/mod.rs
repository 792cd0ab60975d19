//! The guild as a Decider: [`Command`]s are decided against [`GuildState`] into events or a
//! [`Rejection`]; events evolve the state. Pure: the caller passes `now` in.

mod command;
mod decide;
mod economy;
mod profiles;
mod quests;
mod reputation;
mod schedule;
mod teams;
mod tournament;
pub use decide::MAX_REASON_CHARS;
mod outcome;
mod state;

pub use command::{
    Command, Commission, Draft, Market, Resolution, SeenMember, TeamCmd, TournamentCmd,
};
pub use decide::{Decision, decide, status_name};
pub use economy::{CommissionStatus, Economy, PurchaseStatus};
pub use outcome::{Outcome, Rejection, Step, TeamStep, TournamentStep};
pub use schedule::due;
pub use state::{GuildState, MemberState};
