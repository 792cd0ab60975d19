//! The contract between Studio's processes.
//!
//! Owns every type two processes must agree on: the ids, the versioned domain [`events`], the NATS
//! [`subjects`] and envelopes, the SQL migrations, and the event [`log`] API — every SQL statement that
//! touches the log lives here. It never decides anything and never talks to Discord.

pub mod audit;
pub mod chain;
pub mod commit;
pub mod community;
pub mod config;
pub mod content;
pub mod economy;
pub mod events;
pub mod exposition;
pub mod hex;
pub mod ids;
pub mod import;
pub mod intake;
pub mod log;
pub mod migrate;
pub mod money;
pub mod notice;
pub mod operator;
pub mod outbox;
#[cfg(feature = "probes")]
pub mod probes;
pub mod sessions;
pub mod settings;
pub mod shutdown;
pub mod snapshots;
pub mod subjects;
pub mod teams;
pub mod telemetry;
pub mod undo;
pub mod views;

pub use events::{Event, SCHEMA_VERSION};
pub use ids::{
    ChannelId, CommissionId, GuildId, ListingId, MessageId, RoleId, SeasonId, TournamentId, UserId,
    Xp,
};
pub use money::{Account, Credits, Posting};

/// The embedded migrations of the event log: applied by the owner (`projector migrate`), checked by
/// every service at start ([`migrate::ensure`]).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");
