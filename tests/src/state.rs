//! The fake's shared state: one [`Inner`] behind an `Arc`, holding the gateway sessions, the
//! REST world (guilds, members, channels, interactions, messages) and the recordings. Three
//! locks that are never held together: `gateway`, `rest`, and the leaf `violations`, so a
//! REST handler that emits a gateway event first releases `rest`.

use crate::{
    config::{FakeConfig, FakeMember},
    payloads::{self, EVERYONE_PERMISSIONS, GuildJson},
    records::{Callback, InteractionInfo, MemberMessage, PeerEvent, RecordedRequest, SentMessage},
    sessions::GatewayState,
    snowflake::{self, Snowflakes},
};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::{
    collections::{BTreeMap, HashMap, HashSet, VecDeque},
    sync::{Mutex, MutexGuard},
};
use tokio::sync::broadcast;

/// Longest any recording list grows before its oldest half is dropped (local-discord runs
/// for hours).
const RECORDS_MAX: usize = 50_000;

/// How many member messages the fake remembers (what a channel page shows).
const HEARD_MAX: usize = 500;

/// Pushes onto a recording list, keeping it bounded.
pub(crate) fn record<T>(list: &mut Vec<T>, item: T) {
    if list.len() >= RECORDS_MAX {
        list.drain(..RECORDS_MAX / 2);
    }
    list.push(item);
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep serving it.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(crate) struct Inner {
    pub config: FakeConfig,
    pub ids: Snowflakes,
    pub gateway_url: String,
    pub api_host: String,
    gateway: Mutex<GatewayState>,
    rest: Mutex<RestState>,
    violations: Mutex<Vec<String>>,
    pub events: broadcast::Sender<PeerEvent>,
}

impl Inner {
    pub fn new(config: FakeConfig, gateway_url: String, api_host: String) -> Self {
        let ids = Snowflakes::default();
        let rest = RestState::new(&config, &ids);
        let (events, _) = broadcast::channel(1024);
        Self {
            config,
            ids,
            gateway_url,
            api_host,
            gateway: Mutex::new(GatewayState::default()),
            rest: Mutex::new(rest),
            violations: Mutex::new(Vec::new()),
            events,
        }
    }

    pub fn gateway(&self) -> MutexGuard<'_, GatewayState> {
        lock(&self.gateway)
    }

    pub fn rest(&self) -> MutexGuard<'_, RestState> {
        lock(&self.rest)
    }

    pub fn violations(&self) -> Vec<String> {
        lock(&self.violations).clone()
    }

    /// Records a protocol or validation failure by the bot.
    pub fn violation(&self, message: String) {
        tracing::warn!(violation = %message, "local Discord: protocol violation");
        record(&mut lock(&self.violations), message.clone());
        self.publish(move || PeerEvent::Violation(message));
    }

    /// Tells the feed's subscribers what `event` builds; built only when someone listens (the
    /// benchmarks' load has no subscriber, and the copies an event takes are most of its cost).
    pub fn publish(&self, event: impl FnOnce() -> PeerEvent) {
        if self.events.receiver_count() > 0 {
            // A subscriber gone meanwhile is fine: the feed is optional.
            let _ = self.events.send(event());
        }
    }

    /// The bot's user object.
    pub fn bot_user(&self) -> Value {
        payloads::user(self.config.bot_user_id, BOT_NAME, true)
    }

    /// Sends a dispatch, first applying what it means to the REST world (an interaction
    /// becomes answerable, a joining member becomes known).
    pub fn dispatch(&self, event_type: &str, d: Value) -> u64 {
        self.rest()
            .observe_dispatch(event_type, &d, self.config.bot_user_id);
        self.gateway().dispatch(event_type, d)
    }
}

/// Username of the bot account.
pub const BOT_NAME: &str = "Studio";

pub(crate) struct MemberState {
    pub member: FakeMember,
    pub roles: Vec<u64>,
    pub nick: Option<String>,
}

pub(crate) struct GuildState {
    pub id: u64,
    pub name: String,
    pub owner_id: u64,
    pub members: BTreeMap<u64, MemberState>,
    /// As Discord lists them: @everyone (the guild's id, position 0), the bot's own managed role
    /// at [`BOT_ROLE_POSITION`], and whatever tests or the bot create.
    pub roles: Vec<Value>,
    pub channels: Vec<u64>,
    /// The bot's own member: not in GUILD_CREATE's list (so tests see only the members they
    /// configure), but served at `GET /guilds/{id}/members/{bot}` with these roles.
    pub bot_roles: Vec<u64>,
}

/// Where the bot's own role sits among a guild's roles: a role at or above it is one the bot
/// cannot give or take.
pub const BOT_ROLE_POSITION: i64 = 10;

impl GuildState {
    /// A role's position and whether it is managed, if the guild has it.
    pub fn role(&self, id: u64) -> Option<(i64, bool)> {
        self.roles
            .iter()
            .find(|r| id_of(r.get("id")) == Some(id))
            .map(|r| {
                (
                    r.get("position").and_then(Value::as_i64).unwrap_or(0),
                    r.get("managed").and_then(Value::as_bool).unwrap_or(false),
                )
            })
    }

    /// The position of the highest of `held` (0, @everyone's, for none).
    pub fn top(&self, held: &[u64]) -> i64 {
        held.iter()
            .filter_map(|id| self.role(*id))
            .map(|(position, _)| position)
            .max()
            .unwrap_or(0)
    }
}

pub(crate) struct ChannelState {
    pub id: u64,
    pub guild_id: Option<u64>,
    pub name: String,
    pub kind: u64,
    pub position: usize,
    pub overwrites: Vec<Value>,
    pub parent_id: Option<u64>,
    /// For DM channels: the other user.
    pub recipient: Option<u64>,
}

impl ChannelState {
    pub fn to_json(&self, users: &HashMap<u64, FakeMember>) -> Value {
        match (self.guild_id, self.recipient) {
            (Some(guild_id), _) => payloads::guild_channel(
                self.id,
                guild_id,
                &self.name,
                self.kind,
                self.position,
                &self.overwrites,
                self.parent_id,
            ),
            (None, recipient) => {
                let user_id = recipient.unwrap_or_default();
                let user = users.get(&user_id).map_or_else(
                    || payloads::user(user_id, &format!("user{user_id}"), false),
                    payloads::member_user,
                );
                payloads::dm_channel(self.id, user)
            }
        }
    }
}

#[derive(Default)]
pub(crate) struct RestState {
    pub guilds: BTreeMap<u64, GuildState>,
    pub channels: HashMap<u64, ChannelState>,
    /// user id → DM channel id
    pub dm_channels: HashMap<u64, u64>,
    /// Everyone the fake has seen, including members who left.
    pub users: HashMap<u64, FakeMember>,
    pub interactions: HashMap<u64, InteractionInfo>,
    pub tokens: HashMap<String, u64>,
    /// Current state of every message the bot made.
    pub messages: HashMap<u64, SentMessage>,
    /// Registered commands by scope (`None` global, `Some(guild)`).
    pub commands: BTreeMap<Option<u64>, Vec<Value>>,
    pub requests: Vec<RecordedRequest>,
    pub callbacks: Vec<Callback>,
    pub channel_messages: Vec<SentMessage>,
    pub followups: Vec<SentMessage>,
    pub original_edits: Vec<SentMessage>,
    /// Every message state a create or edit produced, whatever the route, in order.
    pub sent: Vec<SentMessage>,
    pub dms_closed: HashSet<u64>,
    /// The latest messages members posted (MESSAGE_CREATE dispatched), oldest first.
    pub heard: VecDeque<MemberMessage>,
    /// `(path prefix, remaining 429s)`
    pub rate_limits: Vec<(String, usize)>,
    /// Injected outages: (path prefix, requests left to answer 503).
    pub outages: Vec<(String, usize)>,
    /// Files members attached to commands, by attachment id, served under `/attachments/`.
    pub uploads: HashMap<u64, crate::records::SentAttachment>,
}

impl RestState {
    fn new(config: &FakeConfig, ids: &Snowflakes) -> Self {
        let mut state = Self::default();
        for guild in &config.guilds {
            let mut members = BTreeMap::new();
            for member in &guild.members {
                state.users.insert(member.user_id, member.clone());
                members.insert(
                    member.user_id,
                    MemberState {
                        member: member.clone(),
                        roles: Vec::new(),
                        nick: None,
                    },
                );
            }
            for (position, &channel) in guild.channels.iter().enumerate() {
                let name = if position == 0 {
                    "general".to_owned()
                } else {
                    format!("channel-{}", position + 1)
                };
                state.channels.insert(
                    channel,
                    ChannelState {
                        id: channel,
                        guild_id: Some(guild.id),
                        name,
                        kind: 0,
                        position,
                        overwrites: Vec::new(),
                        parent_id: None,
                        recipient: None,
                    },
                );
            }
            let owner_id = guild
                .members
                .iter()
                .find(|m| !m.bot)
                .map_or(config.bot_user_id, |m| m.user_id);
            let bot_role = ids.next();
            let mut studio = payloads::role(bot_role, BOT_NAME, 0, BOT_ROLE_POSITION);
            studio["managed"] = Value::Bool(true);
            studio["tags"] = serde_json::json!({"bot_id": config.bot_user_id.to_string()});
            state.guilds.insert(
                guild.id,
                GuildState {
                    id: guild.id,
                    name: guild.name.clone(),
                    owner_id,
                    members,
                    roles: vec![
                        payloads::role(guild.id, "@everyone", EVERYONE_PERMISSIONS, 0),
                        studio,
                    ],
                    channels: guild.channels.clone(),
                    bot_roles: vec![bot_role],
                },
            );
        }
        state
    }

    /// GUILD_CREATE `d` for every guild.
    pub fn guild_creates(&self) -> Vec<Value> {
        self.guilds
            .values()
            .map(|g| self.guild_json(g, true))
            .collect()
    }

    pub fn guild_json(&self, g: &GuildState, with_members: bool) -> Value {
        let members = if with_members {
            g.members
                .values()
                .map(|m| payloads::member(&m.member, &m.roles, m.nick.as_deref()))
                .collect()
        } else {
            Vec::new()
        };
        let channels = g
            .channels
            .iter()
            .filter_map(|id| self.channels.get(id))
            .map(|c| c.to_json(&self.users))
            .collect();
        payloads::guild(GuildJson {
            id: g.id,
            name: &g.name,
            owner_id: g.owner_id,
            members,
            channels,
            roles: g.roles.clone(),
            joined_at: snowflake::created_at(g.id),
        })
    }

    pub fn member_roles(&self, guild: u64, user: u64) -> Vec<u64> {
        self.guilds
            .get(&guild)
            .and_then(|g| g.members.get(&user))
            .map(|m| m.roles.clone())
            .unwrap_or_default()
    }

    /// The member object for a user, or a placeholder for one the fake never saw.
    pub fn user_or_placeholder(&self, user_id: u64) -> FakeMember {
        self.users
            .get(&user_id)
            .cloned()
            .unwrap_or_else(|| FakeMember {
                user_id,
                username: format!("user{user_id}"),
                bot: false,
                joined_at: Utc::now(),
            })
    }

    fn observe_dispatch(&mut self, event_type: &str, d: &Value, bot_user_id: u64) {
        match event_type {
            "INTERACTION_CREATE" => self.register_interaction(d),
            "MESSAGE_CREATE" => self.hear(d, bot_user_id),
            "GUILD_MEMBER_ADD" => {
                let (Some(guild), Some(member)) = (id_of(d.get("guild_id")), member_of(d)) else {
                    return;
                };
                self.users.insert(member.user_id, member.clone());
                if let Some(g) = self.guilds.get_mut(&guild) {
                    g.members.insert(
                        member.user_id,
                        MemberState {
                            member,
                            roles: Vec::new(),
                            nick: None,
                        },
                    );
                }
            }
            "GUILD_MEMBER_REMOVE" => {
                let guild = id_of(d.get("guild_id"));
                let user = id_of(d.get("user").and_then(|u| u.get("id")));
                if let (Some(g), Some(user)) = (guild.and_then(|g| self.guilds.get_mut(&g)), user) {
                    g.members.remove(&user);
                }
            }
            _ => {}
        }
    }

    /// Remembers a member's message (not the bot's own, echoed back), keeping the latest
    /// [`HEARD_MAX`].
    fn hear(&mut self, d: &Value, bot_user_id: u64) {
        let author = d.get("author");
        let (Some(id), Some(channel_id), Some(author_id)) = (
            id_of(d.get("id")),
            id_of(d.get("channel_id")),
            id_of(author.and_then(|a| a.get("id"))),
        ) else {
            return;
        };
        if author_id == bot_user_id {
            return;
        }
        let text =
            |value: Option<&Value>| value.and_then(Value::as_str).unwrap_or_default().to_owned();
        if self.heard.len() >= HEARD_MAX {
            self.heard.pop_front();
        }
        self.heard.push_back(MemberMessage {
            id,
            channel_id,
            author_id,
            author: text(author.and_then(|a| a.get("username"))),
            content: text(d.get("content")),
        });
    }

    fn register_interaction(&mut self, d: &Value) {
        let Some(id) = id_of(d.get("id")) else {
            return;
        };
        if self.interactions.contains_key(&id) {
            // A duplicate delivery: the interaction keeps its acknowledgement state.
            return;
        }
        let token = d
            .get("token")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let user = d
            .get("member")
            .and_then(|m| m.get("user"))
            .or_else(|| d.get("user"));
        let kind = d.get("type").and_then(Value::as_u64).unwrap_or(0);
        let info = InteractionInfo {
            id,
            token: token.clone(),
            kind: u8::try_from(kind).unwrap_or(0),
            guild_id: id_of(d.get("guild_id")),
            channel_id: id_of(d.get("channel_id"))
                .or_else(|| id_of(d.get("channel").and_then(|c| c.get("id")))),
            user_id: id_of(user.and_then(|u| u.get("id"))),
            label: label_of(kind, d.get("data")),
            created_at: snowflake::created_at(id),
            acked: None,
            original_message_id: None,
            message_id: id_of(d.get("message").and_then(|m| m.get("id"))),
        };
        self.tokens.insert(token, id);
        self.interactions.insert(id, info);
    }
}

/// Reads a snowflake sent as a string (or a number).
pub(crate) fn id_of(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

fn member_of(d: &Value) -> Option<FakeMember> {
    let user = d.get("user")?;
    let joined_at = d
        .get("joined_at")
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    Some(FakeMember {
        user_id: id_of(user.get("id"))?,
        username: user.get("username").and_then(Value::as_str)?.to_owned(),
        bot: user.get("bot").and_then(Value::as_bool).unwrap_or(false),
        joined_at,
    })
}

/// `/xp give member:1 amount:50`, `button lb:2`, `modal apply:1`.
fn label_of(kind: u64, data: Option<&Value>) -> String {
    fn options(list: Option<&Value>, out: &mut String) {
        for option in list.and_then(Value::as_array).into_iter().flatten() {
            let name = option.get("name").and_then(Value::as_str).unwrap_or("?");
            match option.get("value") {
                Some(Value::String(v)) => out.push_str(&format!(" {name}:{v}")),
                Some(v) => out.push_str(&format!(" {name}:{v}")),
                None => {
                    out.push_str(&format!(" {name}"));
                    options(option.get("options"), out);
                }
            }
        }
    }
    let text = |key: &str| {
        data.and_then(|d| d.get(key))
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    match kind {
        2 | 4 => {
            let mut out = format!("/{}", text("name"));
            options(data.and_then(|d| d.get("options")), &mut out);
            out
        }
        3 if data
            .and_then(|d| d.get("component_type"))
            .and_then(Value::as_u64)
            == Some(2) =>
        {
            format!("button {}", text("custom_id"))
        }
        3 => {
            let values = data
                .and_then(|d| d.get("values"))
                .cloned()
                .unwrap_or_default();
            format!("select {} {values}", text("custom_id"))
        }
        5 => format!("modal {}", text("custom_id")),
        other => format!("interaction type {other}"),
    }
}
