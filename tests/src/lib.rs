//! Studio's end-to-end support: a local Discord that the real twilight clients connect to.
//!
//! [`FakeDiscord`] runs a gateway WebSocket and a REST API on 127.0.0.1. The gateway speaks
//! Discord's protocol (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME with
//! replay, op 7 / op 9 / dropped connections on demand); the REST side answers the routes the
//! bot uses, keeps a small in-memory world (members, roles, channels, interactions, messages),
//! enforces Discord's rules (3-second window, one acknowledgement, message and component
//! limits, the bot's role hierarchy) and records everything, so tests assert on what the bot actually sent.
//!
//! It must never talk to the real Discord, and it does not decide anything for the bot: it
//! only plays Discord's part. The `local-discord` binary wraps it in a simulated community
//! (see [`community`]), and serves a web page where a newcomer plays a member ([`play`]).

mod builders;
pub mod chaos;
pub mod community;
mod config;
mod fake;
mod gateway;
pub mod narrator;
pub mod nats_users;
pub mod payloads;
pub mod play;
mod records;
mod rest;
pub mod roles;
mod sessions;
pub mod snowflake;
mod state;
pub mod tour;
pub mod validate;

pub use config::{FakeConfig, FakeGuild, FakeMember};
pub use fake::FakeDiscord;
pub use records::{
    Callback, CallbackEvent, InteractionInfo, LOADING, MemberMessage, PeerEvent, Pings,
    RecordedRequest, SentAttachment, SentMessage,
};
pub use roles::FakeRole;
