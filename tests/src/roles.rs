//! Roles in the local Discord as tests arrange them, the way an admin does in Discord's client:
//! created at a chosen position among the guild's roles (Studio's own managed role sits at
//! [`BOT_ROLE_POSITION`]), managed by an integration or not, and given to members.

use crate::{FakeDiscord, payloads, state::BOT_ROLE_POSITION as AT_BOT};

/// Where the bot's own role sits: Discord lets it give only roles below it.
pub const BOT_ROLE_POSITION: i64 = AT_BOT;

/// A role to create with [`FakeDiscord::create_role`].
#[derive(Clone, Debug)]
pub struct FakeRole {
    name: String,
    position: i64,
    managed: bool,
}

impl FakeRole {
    /// An ordinary role just below the bot's own (one the bot may give).
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            position: BOT_ROLE_POSITION - 1,
            managed: false,
        }
    }

    /// At `position` (@everyone is 0, the bot's role [`BOT_ROLE_POSITION`]).
    #[must_use]
    pub fn at(mut self, position: i64) -> Self {
        self.position = position;
        self
    }

    /// Just above the bot's own role.
    #[must_use]
    pub fn above_bot(self) -> Self {
        self.at(BOT_ROLE_POSITION + 1)
    }

    /// Held by an integration (another bot's role, boosts, a subscription).
    #[must_use]
    pub fn managed(mut self) -> Self {
        self.managed = true;
        self
    }
}

impl FakeDiscord {
    /// Creates `role` in `guild`; returns its id. An unknown guild gets nothing (and the id names
    /// no role).
    pub fn create_role(&self, guild: u64, role: FakeRole) -> u64 {
        let id = self.inner.ids.next();
        let mut json = payloads::role(id, &role.name, 0, role.position);
        json["managed"] = serde_json::Value::Bool(role.managed);
        if let Some(g) = self.inner.rest().guilds.get_mut(&guild) {
            g.roles.push(json);
        }
        id
    }

    /// The bot's own role in `guild`.
    pub fn bot_role(&self, guild: u64) -> Option<u64> {
        self.inner
            .rest()
            .guilds
            .get(&guild)
            .and_then(|g| g.bot_roles.first().copied())
    }

    /// Gives `user` role `role` in `guild`, as an admin does by hand (no bot involved).
    pub fn give_role(&self, guild: u64, user: u64, role: u64) {
        if let Some(m) = self
            .inner
            .rest()
            .guilds
            .get_mut(&guild)
            .and_then(|g| g.members.get_mut(&user))
            && !m.roles.contains(&role)
        {
            m.roles.push(role);
        }
    }
}
