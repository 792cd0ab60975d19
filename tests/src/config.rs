//! What a fake Discord starts with: its token, ids, guilds and members, and the timing knobs
//! (interaction window, heartbeat interval, ports). Plain data with defaults, so a test writes
//! `FakeConfig { guilds: vec![..], ..FakeConfig::default() }`.

use chrono::{DateTime, Utc};
use std::time::Duration;

/// Configuration of one [`crate::FakeDiscord`].
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// Bot token the clients must present (without the `Bot ` prefix).
    pub token: String,
    /// Application id (also used in webhook routes and interaction payloads).
    pub application_id: u64,
    /// User id of the bot account (READY `user.id`, author of the bot's messages).
    pub bot_user_id: u64,
    /// Guilds sent as GUILD_CREATE right after READY.
    pub guilds: Vec<FakeGuild>,
    /// How long after its creation an interaction may still be acknowledged (Discord: 3 s).
    pub interaction_window: Duration,
    /// `heartbeat_interval` sent in HELLO, in milliseconds.
    pub heartbeat_interval_ms: u64,
    /// Gateway port on 127.0.0.1; 0 picks a free one.
    pub gateway_port: u16,
    /// REST port on 127.0.0.1; 0 picks a free one.
    pub api_port: u16,
    /// Emit MESSAGE_CREATE on the gateway for each message the bot posts in a guild channel,
    /// as real Discord does (the bot must then ignore its own messages). Off by default so
    /// tests see only the events they dispatch.
    pub echo_bot_messages: bool,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            token: "faketoken".to_owned(),
            application_id: 100,
            bot_user_id: 100,
            guilds: Vec::new(),
            interaction_window: Duration::from_secs(3),
            heartbeat_interval_ms: 41_250,
            gateway_port: 0,
            api_port: 0,
            echo_bot_messages: false,
        }
    }
}

/// A guild the fake knows. The first channel is named `general`, the others `channel-N`.
#[derive(Clone, Debug)]
pub struct FakeGuild {
    pub id: u64,
    pub name: String,
    /// Members sent in GUILD_CREATE (with `joined_at`).
    pub members: Vec<FakeMember>,
    /// Text channel ids.
    pub channels: Vec<u64>,
}

/// A guild member (a user plus when they joined).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeMember {
    pub user_id: u64,
    pub username: String,
    pub bot: bool,
    pub joined_at: DateTime<Utc>,
}

impl FakeMember {
    /// A human member.
    pub fn new(user_id: u64, username: &str, joined_at: DateTime<Utc>) -> Self {
        Self {
            user_id,
            username: username.to_owned(),
            bot: false,
            joined_at,
        }
    }
}
