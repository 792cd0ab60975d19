//! Payload builders on [`FakeDiscord`]: the `d` of MESSAGE_CREATE, INTERACTION_CREATE (slash
//! command, button, select, modal submit) and member join/leave, with current-time snowflake
//! ids, the member's current roles, and fresh interaction tokens. They only build; pass the
//! result to [`FakeDiscord::dispatch`].

use crate::{
    config::FakeMember,
    fake::FakeDiscord,
    payloads::{self, InteractionCtx, MessageJson},
    records::SentMessage,
    state::{ChannelState, id_of},
};
use chrono::{DateTime, Utc};
use rand::{Rng, distr::Alphanumeric};
use serde_json::{Map, Value, json};
use std::time::Duration;

/// Who interacts, and where.
struct Who<'a> {
    guild: u64,
    channel: u64,
    user: &'a FakeMember,
    permissions: u64,
}

impl FakeDiscord {
    /// A snowflake for now.
    pub fn next_id(&self) -> u64 {
        self.inner.ids.next()
    }

    /// This Discord's time now (the machine's, unless a test moved it on).
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.ids.now()
    }

    /// Moves this Discord's clock on: messages and interactions created from now on are dated
    /// `by` later, as on a later day. Answer windows still run on real time.
    pub fn advance_clock(&self, by: chrono::TimeDelta) {
        self.inner.ids.advance(by);
    }

    /// A snowflake whose timestamp is `at`.
    pub fn snowflake_at(&self, at: DateTime<Utc>) -> u64 {
        self.inner.ids.at(at)
    }

    /// MESSAGE_CREATE `d` for `author` posting `content` in a guild channel now.
    pub fn message_create(
        &self,
        guild: u64,
        channel: u64,
        author: &FakeMember,
        content: &str,
    ) -> (u64, Value) {
        self.message_create_at(guild, channel, author, content, self.inner.ids.now())
    }

    /// MESSAGE_CREATE `d` with an explicit timestamp (the id carries it too).
    pub fn message_create_at(
        &self,
        guild: u64,
        channel: u64,
        author: &FakeMember,
        content: &str,
        at: DateTime<Utc>,
    ) -> (u64, Value) {
        let id = self.snowflake_at(at);
        let roles = self.member_roles(guild, author.user_id);
        let mut m = MessageJson::new(id, channel, payloads::member_user(author));
        m.guild_id = Some(guild);
        m.channel_type = Some(0);
        m.member = Some(payloads::partial_member(author, &roles, None, false));
        m.content = content.to_owned();
        m.timestamp = at;
        m.mentions = self.mentions(guild, content);
        (id, m.into_value())
    }

    /// MESSAGE_CREATE `d` for `author` writing to the bot in DMs now.
    pub fn direct_message(&self, author: &FakeMember, content: &str) -> (u64, Value) {
        let channel = self.dm_channel(author.user_id);
        let id = self.next_id();
        let mut m = MessageJson::new(id, channel, payloads::member_user(author));
        m.channel_type = Some(1);
        m.content = content.to_owned();
        (id, m.into_value())
    }

    /// The DM channel between the bot and `user` (opened if needed).
    pub fn dm_channel(&self, user: u64) -> u64 {
        let mut rest = self.inner.rest();
        if let Some(&id) = rest.dm_channels.get(&user) {
            return id;
        }
        let id = self.inner.ids.next();
        rest.dm_channels.insert(user, id);
        rest.channels.insert(
            id,
            ChannelState {
                id,
                guild_id: None,
                name: String::new(),
                kind: 1,
                position: 0,
                overwrites: Vec::new(),
                parent_id: None,
                recipient: Some(user),
            },
        );
        id
    }

    /// `<@id>` mentions in `content`, as user objects with their member.
    fn mentions(&self, guild: u64, content: &str) -> Value {
        let rest = self.inner.rest();
        let mentioned = content
            .split("<@")
            .skip(1)
            .filter_map(|s| s.split('>').next())
            .filter_map(|s| s.trim_start_matches('!').parse::<u64>().ok());
        Value::Array(
            mentioned
                .filter_map(|id| rest.users.get(&id))
                .map(|u| {
                    let mut user = payloads::member_user(u);
                    user["member"] = payloads::partial_member(
                        u,
                        &rest.member_roles(guild, u.user_id),
                        None,
                        false,
                    );
                    user
                })
                .collect(),
        )
    }

    fn new_interaction(
        &self,
        who: Who<'_>,
        kind: u8,
        data: Value,
        message: Option<Value>,
    ) -> (u64, Value) {
        let Who {
            guild,
            channel,
            user,
            permissions,
        } = who;
        let id = self.next_id();
        let token: String = rand::rng()
            .sample_iter(&Alphanumeric)
            .take(72)
            .map(char::from)
            .collect();
        let roles = self.member_roles(guild, user.user_id);
        let ctx = InteractionCtx {
            id,
            token: &token,
            application_id: self.inner.config.application_id,
            guild_id: guild,
            channel_id: channel,
            user,
            roles: &roles,
            permissions,
        };
        (id, payloads::interaction(&ctx, kind, data, message))
    }

    /// INTERACTION_CREATE `d` for slash command `/name` run by `user` with `permissions`.
    /// `options` is `data.options` as Discord sends it, e.g.
    /// `json!([{"name": "user", "type": 6, "value": "400"}])` or a subcommand
    /// `json!([{"name": "give", "type": 1, "options": [...]}])`; `json!([])` or `Value::Null`
    /// for none. User options (type 6) get `data.resolved` filled from the member list.
    pub fn slash_command(
        &self,
        guild: u64,
        channel: u64,
        user: &FakeMember,
        permissions: u64,
        name: &str,
        options: Value,
    ) -> (u64, Value) {
        let command_id = self
            .command_id(guild, name)
            .unwrap_or_else(|| self.next_id());
        let mut data = Map::new();
        data.insert("id".to_owned(), json!(command_id.to_string()));
        data.insert("name".to_owned(), json!(name));
        data.insert("type".to_owned(), json!(1));
        data.insert("guild_id".to_owned(), json!(guild.to_string()));
        if options.as_array().is_some_and(|o| !o.is_empty()) {
            if let Some(resolved) = self.resolved(guild, &options) {
                data.insert("resolved".to_owned(), resolved);
            }
            data.insert("options".to_owned(), options);
        }
        self.new_interaction(
            Who {
                guild,
                channel,
                user,
                permissions,
            },
            2,
            Value::Object(data),
            None,
        )
    }

    fn command_id(&self, guild: u64, name: &str) -> Option<u64> {
        let rest = self.inner.rest();
        [Some(guild), None]
            .iter()
            .filter_map(|scope| rest.commands.get(scope))
            .flatten()
            .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|c| id_of(c.get("id")))
    }

    /// `data.resolved` for the user options (type 6) and attachment options (type 11, files
    /// from [`FakeDiscord::upload`]) anywhere in `options`.
    fn resolved(&self, guild: u64, options: &Value) -> Option<Value> {
        fn ids_of(kind: u64, options: &Value, out: &mut Vec<u64>) {
            for option in options.as_array().into_iter().flatten() {
                if option.get("type").and_then(Value::as_u64) == Some(kind) {
                    out.extend(id_of(option.get("value")));
                }
                if let Some(nested) = option.get("options") {
                    ids_of(kind, nested, out);
                }
            }
        }
        let (mut ids, mut files) = (Vec::new(), Vec::new());
        ids_of(6, options, &mut ids);
        ids_of(11, options, &mut files);
        if ids.is_empty() && files.is_empty() {
            return None;
        }
        let rest = self.inner.rest();
        let mut attachments = Map::new();
        for id in files {
            if let Some(file) = rest.uploads.get(&id) {
                let url = format!(
                    "http://{}/attachments/{id}/{}",
                    self.api_host, file.filename
                );
                attachments.insert(
                    id.to_string(),
                    json!({"id": id.to_string(), "filename": file.filename,
                           "size": file.content.len(), "url": url, "proxy_url": url}),
                );
            }
        }
        let mut users = Map::new();
        let mut members = Map::new();
        for id in ids {
            let user = rest.user_or_placeholder(id);
            users.insert(id.to_string(), payloads::member_user(&user));
            let in_guild = rest
                .guilds
                .get(&guild)
                .is_some_and(|g| g.members.contains_key(&id));
            if in_guild {
                let mut member =
                    payloads::partial_member(&user, &rest.member_roles(guild, id), None, false);
                member["permissions"] = json!(payloads::EVERYONE_PERMISSIONS.to_string());
                members.insert(id.to_string(), member);
            }
        }
        Some(json!({"users": users, "members": members, "attachments": attachments}))
    }

    /// INTERACTION_CREATE `d` for `user` clicking button `custom_id`. Pass the message the
    /// button is on (e.g. from [`FakeDiscord::original_message`]) so the payload carries it,
    /// with its `interaction_metadata` naming who ran the original command.
    pub fn button_click(
        &self,
        guild: u64,
        channel: u64,
        user: &FakeMember,
        permissions: u64,
        custom_id: &str,
        message: Option<&SentMessage>,
    ) -> (u64, Value) {
        let data = json!({"custom_id": custom_id, "component_type": 2});
        let message = message.map(|m| m.message.clone());
        self.new_interaction(
            Who {
                guild,
                channel,
                user,
                permissions,
            },
            3,
            data,
            message,
        )
    }

    /// INTERACTION_CREATE `d` for `user` choosing `values` in string select `custom_id`.
    #[expect(
        clippy::too_many_arguments,
        reason = "button_click's arguments plus the values"
    )]
    pub fn select_menu(
        &self,
        guild: u64,
        channel: u64,
        user: &FakeMember,
        permissions: u64,
        custom_id: &str,
        values: &[&str],
        message: Option<&SentMessage>,
    ) -> (u64, Value) {
        let data = json!({"custom_id": custom_id, "component_type": 3, "values": values});
        let message = message.map(|m| m.message.clone());
        self.new_interaction(
            Who {
                guild,
                channel,
                user,
                permissions,
            },
            3,
            data,
            message,
        )
    }

    /// INTERACTION_CREATE `d` for `user` submitting modal `custom_id` with text inputs
    /// `(custom_id, value)`. The layout follows the modal the bot last sent with that
    /// custom_id: action rows if it used them, labels (type 18) otherwise.
    pub fn modal_submit(
        &self,
        guild: u64,
        channel: u64,
        user: &FakeMember,
        permissions: u64,
        custom_id: &str,
        fields: &[(&str, &str)],
    ) -> (u64, Value) {
        let shown = self.last_callback_body(|b| {
            b.get("type").and_then(Value::as_u64) == Some(9)
                && b.pointer("/data/custom_id").and_then(Value::as_str) == Some(custom_id)
        });
        let legacy = shown
            .as_ref()
            .and_then(|b| b.pointer("/data/components/0/type").and_then(Value::as_u64))
            == Some(1);
        // The fields the modal shows as a menu (a select in a label): submitted as its choice.
        let selects: Vec<String> = shown
            .as_ref()
            .and_then(|b| b.pointer("/data/components").and_then(Value::as_array))
            .into_iter()
            .flatten()
            .filter_map(|c| c.get("component"))
            .filter(|c| c.get("type").and_then(Value::as_u64) == Some(3))
            .filter_map(|c| {
                c.get("custom_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .collect();
        let components: Vec<Value> = fields
            .iter()
            .zip(1..)
            .map(|(&(input, value), n)| {
                let text = if selects.iter().any(|s| s == input) {
                    json!({"type": 3, "id": 2 * n, "custom_id": input, "values": [value]})
                } else {
                    json!({"type": 4, "id": 2 * n, "custom_id": input, "value": value})
                };
                if legacy {
                    json!({"type": 1, "id": 2 * n - 1, "components": [text]})
                } else {
                    json!({"type": 18, "id": 2 * n - 1, "component": text})
                }
            })
            .collect();
        let data = json!({"custom_id": custom_id, "components": components});
        self.new_interaction(
            Who {
                guild,
                channel,
                user,
                permissions,
            },
            5,
            data,
            None,
        )
    }

    /// Re-dates an interaction payload `age` into the past (new id, same token), so the REST
    /// side treats it as created then: older than the window means a callback gets 10062.
    pub fn stale_interaction(&self, mut d: Value, age: Duration) -> (u64, Value) {
        let at = Utc::now() - chrono::Duration::from_std(age).unwrap_or_default();
        let id = self.snowflake_at(at);
        d["id"] = json!(id.to_string());
        (id, d)
    }

    /// GUILD_MEMBER_ADD `d`. Dispatching it adds the member to the fake's member list.
    pub fn member_add(&self, guild: u64, member: &FakeMember) -> Value {
        let mut d = payloads::member(member, &[], None);
        d["guild_id"] = json!(guild.to_string());
        d
    }

    /// GUILD_MEMBER_REMOVE `d`. Dispatching it removes the member from the fake's list.
    pub fn member_remove(&self, guild: u64, user_id: u64) -> Value {
        let user = self.inner.rest().user_or_placeholder(user_id);
        json!({"guild_id": guild.to_string(), "user": payloads::member_user(&user)})
    }
}
