//! What members and Discord ask of a guild.

use chrono::{DateTime, Utc};
use studio_schema::{ChannelId, MessageId, UserId};

/// A member as Discord first shows them to us.
#[derive(Clone, Debug, PartialEq)]
pub struct SeenMember {
    pub member: UserId,
    pub joined_at: DateTime<Utc>,
    pub bot: bool,
}

/// A request to change a guild's state. Each one is identified by the Discord object that caused it.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// A message was posted (MESSAGE_CREATE).
    PostMessage {
        author: SeenMember,
        channel: ChannelId,
        message: MessageId,
        content_chars: usize,
        posted_at: DateTime<Utc>,
    },
    /// A member joined (GUILD_MEMBER_ADD).
    RecordJoin(SeenMember),
    /// A member left (GUILD_MEMBER_REMOVE) at `at`: when the gateway received it, so a backlog
    /// processed late does not count the wait as time in the guild.
    RecordLeave { member: UserId, at: DateTime<Utc> },
    /// Discord listed members (GUILD_CREATE, GUILD_MEMBERS_CHUNK).
    SeeMembers(Vec<SeenMember>),
    /// `/xp give` or `/xp remove` by an admin.
    AdjustXp {
        actor: UserId,
        actor_can_manage_guild: bool,
        member: UserId,
        member_is_bot: bool,
        amount: i64,
        give: bool,
        reason: String,
    },
}
