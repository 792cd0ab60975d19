//! Newtypes for Discord snowflakes and game quantities, so a member id can never be passed where a
//! channel id is expected and XP is never a bare integer in the rules.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! snowflake {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The id as Discord's unsigned snowflake.
            #[must_use]
            pub fn get(self) -> u64 {
                self.0.cast_unsigned()
            }

            /// Wraps a Discord snowflake. Snowflakes stay below 2^63 for the next centuries.
            #[must_use]
            pub fn from_u64(id: u64) -> Self {
                Self(id.cast_signed())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.get())
            }
        }
    };
}

snowflake!(
    /// A Discord server: the consistency boundary of every rule.
    GuildId
);
snowflake!(
    /// A Discord user, member of a guild.
    UserId
);
impl UserId {
    /// Who an operator's request acts as (`projector undo`): no Discord user has id 0. The event that
    /// records the request's decision names the operator's login beside it.
    pub const OPERATOR: Self = Self(0);
}

snowflake!(
    /// A Discord channel.
    ChannelId
);
snowflake!(
    /// A Discord message.
    MessageId
);
snowflake!(
    /// A Discord role.
    RoleId
);

/// An amount of experience points. Never negative in state; events carry positive amounts.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Xp(pub i64);

impl fmt::Display for Xp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

macro_rules! local_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

local_id!(
    /// A marketplace listing, numbered 1, 2, 3, … within its guild.
    ListingId
);
local_id!(
    /// A commission between a client and a developer, numbered within its guild.
    CommissionId
);
local_id!(
    /// A tournament, numbered within its guild.
    TournamentId
);
local_id!(
    /// A season of a guild's leaderboards, numbered 1, 2, 3, … within its guild.
    SeasonId
);
