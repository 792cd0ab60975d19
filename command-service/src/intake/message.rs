//! A MESSAGE_CREATE, read for the fields XP needs and nothing else: the busiest dispatch by far, so
//! the rest of Discord's message (embeds, attachments, mentions, components…) is skipped unread
//! rather than built and dropped.

use super::{Incoming, ReplyTo, guild_id, snowflake, time, user};
use crate::domain::{Command, SeenMember};
use serde::Deserialize;
use std::borrow::Cow;
use studio_schema::{ChannelId, MessageId, RoleId};
use twilight_model::id::Id;
use twilight_model::id::marker::{
    ChannelMarker, GuildMarker, MessageMarker, RoleMarker, UserMarker, WebhookMarker,
};
use twilight_model::util::Timestamp;

/// What Studio reads of a posted message.
#[derive(Deserialize)]
pub(super) struct Posted<'a> {
    id: Id<MessageMarker>,
    channel_id: Id<ChannelMarker>,
    guild_id: Option<Id<GuildMarker>>,
    author: Author,
    webhook_id: Option<Id<WebhookMarker>>,
    timestamp: Timestamp,
    member: Option<PostedBy>,
    #[serde(borrow)]
    content: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Author {
    id: Id<UserMarker>,
    #[serde(default)]
    bot: bool,
}

/// The author as a member of the guild (Discord leaves out `user` here).
#[derive(Deserialize)]
struct PostedBy {
    joined_at: Option<Timestamp>,
    #[serde(default)]
    roles: Vec<Id<RoleMarker>>,
}

/// The command a posted message asks for: XP for its author, if it is a member's in a guild.
pub(super) fn message(m: Posted<'_>) -> Incoming {
    let (Some(guild), Some(author), Some(channel), Some(id)) = (
        m.guild_id.and_then(snowflake),
        user(m.author.id),
        snowflake(m.channel_id),
        snowflake(m.id),
    ) else {
        return Incoming::Ignore;
    };
    if m.author.bot || m.webhook_id.is_some() {
        return Incoming::Ignore;
    }
    let Some(posted_at) = time(m.timestamp) else {
        return Incoming::Ignore;
    };
    // Discord's joined_at seeds a member first seen through a message; without it, the message time.
    let joined_at = m
        .member
        .as_ref()
        .and_then(|pm| pm.joined_at)
        .and_then(time)
        .unwrap_or(posted_at);
    Incoming::Command {
        guild: guild_id(guild),
        own_id: Some(id.to_string()),
        command: Command::PostMessage {
            author: SeenMember {
                member: author,
                joined_at,
                bot: false,
            },
            roles: m
                .member
                .map(|pm| pm.roles.iter().map(|r| RoleId::from_u64(r.get())).collect())
                .unwrap_or_default(),
            channel: ChannelId::from_u64(channel),
            message: MessageId::from_u64(id),
            content_chars: m.content.trim().chars().count(),
            posted_at,
        },
        reply: ReplyTo::Channel(ChannelId::from_u64(channel)),
    }
}
