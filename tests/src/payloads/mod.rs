//! JSON builders for the objects Discord sends: users, members, roles, channels, guilds,
//! messages and interactions. Every builder emits all keys twilight-model 0.18 requires
//! (checked by the tests at the bottom of each file), ids and permissions as strings.

mod interaction;
mod message;

pub use interaction::{InteractionCtx, interaction, interaction_metadata};
pub use message::{MessageJson, normalize_embeds};

use crate::config::FakeMember;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// Discord's timestamp format, e.g. `2024-01-01T00:00:00.000000+00:00`.
pub fn timestamp(at: DateTime<Utc>) -> String {
    // RFC 3339 with microseconds and `+00:00`, as Discord writes them (no format string to parse
    // per call: the generators stamp every message).
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

/// A list of ids as Discord sends it: strings.
pub fn ids(list: &[u64]) -> Value {
    Value::Array(
        list.iter()
            .map(|id| Value::String(id.to_string()))
            .collect(),
    )
}

/// A user object.
pub fn user(id: u64, username: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": username,
        "global_name": username,
        "discriminator": "0",
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
    })
}

/// The user object of a member.
pub fn member_user(member: &FakeMember) -> Value {
    user(member.user_id, &member.username, member.bot)
}

/// A full guild member (GUILD_CREATE `members`, GUILD_MEMBER_ADD).
pub fn member(member: &FakeMember, roles: &[u64], nick: Option<&str>) -> Value {
    json!({
        "user": member_user(member),
        "nick": nick,
        "avatar": null,
        "roles": ids(roles),
        "joined_at": timestamp(member.joined_at),
        "premium_since": null,
        "communication_disabled_until": null,
        "deaf": false,
        "mute": false,
        "pending": false,
        "flags": 0,
    })
}

/// A partial member: in MESSAGE_CREATE (no user, no permissions) and interactions (user and
/// permissions).
pub fn partial_member(
    member: &FakeMember,
    roles: &[u64],
    permissions: Option<u64>,
    with_user: bool,
) -> Value {
    let mut value = json!({
        "nick": null,
        "avatar": null,
        "roles": ids(roles),
        "joined_at": timestamp(member.joined_at),
        "premium_since": null,
        "communication_disabled_until": null,
        "deaf": false,
        "mute": false,
        "pending": false,
        "flags": 0,
    });
    if let Value::Object(map) = &mut value {
        if with_user {
            map.insert("user".to_owned(), member_user(member));
        }
        if let Some(permissions) = permissions {
            map.insert(
                "permissions".to_owned(),
                Value::String(permissions.to_string()),
            );
        }
    }
    value
}

/// A role object. The @everyone role has the guild's id and position 0.
pub fn role(id: u64, name: &str, permissions: u64, position: i64) -> Value {
    json!({
        "id": id.to_string(),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": permissions.to_string(),
        "managed": false,
        "mentionable": false,
        "flags": 0,
    })
}

/// Permissions of @everyone: view channels, send messages, read history, use commands.
pub const EVERYONE_PERMISSIONS: u64 = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 31);

/// A guild text (or category, `kind` 4) channel.
pub fn guild_channel(
    id: u64,
    guild_id: u64,
    name: &str,
    kind: u64,
    position: usize,
    overwrites: &[Value],
    parent_id: Option<u64>,
) -> Value {
    json!({
        "id": id.to_string(),
        "type": kind,
        "guild_id": guild_id.to_string(),
        "name": name,
        "position": position,
        "permission_overwrites": overwrites,
        "parent_id": parent_id.map(|id| id.to_string()),
        "nsfw": false,
        "topic": null,
        "last_message_id": null,
        "rate_limit_per_user": 0,
    })
}

/// A DM channel with one recipient.
pub fn dm_channel(id: u64, recipient: Value) -> Value {
    json!({
        "id": id.to_string(),
        "type": 1,
        "last_message_id": null,
        "recipients": [recipient],
    })
}

/// Everything GUILD_CREATE needs besides what [`guild`] computes.
pub struct GuildJson<'a> {
    pub id: u64,
    pub name: &'a str,
    pub owner_id: u64,
    pub members: Vec<Value>,
    pub channels: Vec<Value>,
    pub roles: Vec<Value>,
    pub joined_at: DateTime<Utc>,
}

/// A full (available) guild as in GUILD_CREATE. It must not carry `unavailable`, or twilight
/// reads it as an unavailable guild.
pub fn guild(g: GuildJson<'_>) -> Value {
    let member_count = g.members.len();
    let system_channel = g.channels.first().and_then(|c| c.get("id").cloned());
    json!({
        "id": g.id.to_string(),
        "name": g.name,
        "icon": null,
        "splash": null,
        "discovery_splash": null,
        "banner": null,
        "description": null,
        "owner_id": g.owner_id.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": g.roles,
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": system_channel,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "public_updates_channel_id": null,
        "safety_alerts_channel_id": null,
        "vanity_url_code": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": false,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "joined_at": timestamp(g.joined_at),
        "large": false,
        "member_count": member_count,
        "members": g.members,
        "channels": g.channels,
        "threads": [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use twilight_model::{
        channel::Channel,
        gateway::payload::incoming::{GuildCreate, MemberAdd},
        guild::Role,
    };

    fn alice() -> FakeMember {
        FakeMember::new(400, "alice", Utc::now())
    }

    #[test]
    fn timestamps_are_written_as_discord_writes_them() {
        let at = DateTime::parse_from_rfc3339("2024-03-05T07:08:09.123456789Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        assert_eq!(timestamp(at), "2024-03-05T07:08:09.123456+00:00");
        assert_eq!(
            timestamp(DateTime::<Utc>::default()),
            "1970-01-01T00:00:00.000000+00:00"
        );
    }

    #[test]
    fn guild_create_parses_as_an_available_guild_with_members() {
        let d = guild(GuildJson {
            id: 200,
            name: "Indie Devs",
            owner_id: 400,
            members: vec![member(&alice(), &[600], None)],
            channels: vec![guild_channel(300, 200, "general", 0, 0, &[], None)],
            roles: vec![role(200, "@everyone", EVERYONE_PERMISSIONS, 0)],
            joined_at: Utc::now(),
        });
        let parsed: GuildCreate = serde_json::from_value(d).expect("GUILD_CREATE");
        let GuildCreate::Available(g) = parsed else {
            panic!("parsed as unavailable")
        };
        assert_eq!(g.members.len(), 1);
        assert!(g.members[0].joined_at.is_some());
        assert_eq!(g.channels.len(), 1);
    }

    #[test]
    fn member_add_role_and_channels_parse() {
        let mut d = member(&alice(), &[], None);
        d["guild_id"] = json!("200");
        let _: MemberAdd = serde_json::from_value(d).expect("GUILD_MEMBER_ADD");
        let _: Role = serde_json::from_value(role(1, "x", 8, 1)).expect("role");
        let _: Channel = serde_json::from_value(dm_channel(9, member_user(&alice()))).expect("dm");
    }
}
