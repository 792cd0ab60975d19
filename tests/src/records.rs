//! What the fake saw and answered, in the shapes tests assert on: REST requests, interaction
//! callbacks, messages the bot sent, what members said, and the live [`PeerEvent`] feed the local-discord
//! narrator prints.

use chrono::{DateTime, Utc};
use serde_json::Value;
use std::time::Instant;
use twilight_model::{
    channel::message::{Component, Embed},
    http::interaction::InteractionResponse,
};

/// One REST request as the fake received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// Path without `/api/v10` and without the query string.
    pub path: String,
    pub query: Option<String>,
    /// JSON body, `Value::String` when it is not JSON (multipart: the `payload_json` part),
    /// `Value::Null` when empty.
    pub body: Value,
    pub status: u16,
    pub at: Instant,
}

/// One interaction callback (`POST /interactions/{id}/{token}/callback`) whose body parsed.
#[derive(Clone, Debug)]
pub struct Callback {
    pub interaction_id: u64,
    pub token: String,
    pub response: InteractionResponse,
    /// The body as sent.
    pub body: Value,
    /// 204 accepted, 404 unknown/late (10062), 400 already acknowledged (40060) or invalid.
    pub status: u16,
    pub at: Instant,
}

/// A file the bot attached to a message (multipart upload).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentAttachment {
    pub filename: String,
    pub content: Vec<u8>,
}

/// Message flag of a deferred response still loading (Discord shows "… is thinking").
pub const LOADING: u64 = 1 << 7;

/// A message the bot created or edited: a channel message, an interaction's original response,
/// or a followup.
#[derive(Clone, Debug)]
pub struct SentMessage {
    pub id: u64,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub content: String,
    pub embeds: Vec<Embed>,
    pub components: Vec<Component>,
    pub flags: u64,
    /// Set when the channel is a DM with this user.
    pub is_dm_to: Option<u64>,
    /// The interaction this message answers (original response or followup).
    pub interaction_id: Option<u64>,
    /// Who ran that interaction.
    pub interaction_user: Option<u64>,
    pub attachments: Vec<SentAttachment>,
    /// The request body that produced this state (for an edit: the patch).
    pub body: Value,
    /// Whom the request that produced this state notifies (see [`Pings::of`]).
    pub pings: Pings,
    /// The whole message object as Discord would show it now (what a button click carries).
    pub message: Value,
    pub at: Instant,
}

impl SentMessage {
    /// Whether it is a deferred response not filled in yet ("… is thinking").
    pub fn loading(&self) -> bool {
        self.flags & LOADING != 0
    }

    /// Whether only the interaction's user sees it.
    pub fn ephemeral(&self) -> bool {
        self.flags & (1 << 6) != 0
    }

    /// All text a member reads: content, embed titles, descriptions, fields, footers,
    /// button labels.
    pub fn text(&self) -> String {
        let mut out = self.content.clone();
        let mut push = |s: &str| {
            if !s.is_empty() {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(s);
            }
        };
        for embed in &self.embeds {
            push(embed.title.as_deref().unwrap_or_default());
            push(embed.description.as_deref().unwrap_or_default());
            for field in &embed.fields {
                push(&format!("{}: {}", field.name, field.value));
            }
            push(
                embed
                    .footer
                    .as_ref()
                    .map(|f| f.text.as_str())
                    .unwrap_or_default(),
            );
        }
        for (label, _) in self.buttons() {
            push(&label);
        }
        out
    }

    /// `(label, custom_id)` of every clickable button (link buttons excluded).
    pub fn buttons(&self) -> Vec<(String, String)> {
        fn walk(list: &[Component], out: &mut Vec<(String, String)>) {
            for c in list {
                match c {
                    Component::ActionRow(row) => walk(&row.components, out),
                    Component::Container(container) => walk(&container.components, out),
                    Component::Section(section) => {
                        walk(std::slice::from_ref(section.accessory.as_ref()), out)
                    }
                    Component::Button(b) => {
                        if let Some(id) = &b.custom_id {
                            out.push((b.label.clone().unwrap_or_default(), id.clone()));
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.components, &mut out);
        out
    }
}

/// Whom a message notifies, as Discord decides it: the mentions in the `content` the request set
/// (`@everyone`/`@here`, `<@id>`/`<@!id>`, `<@&id>`; embeds never notify) filtered by the request's
/// `allowed_mentions`. Without `allowed_mentions` every mention in the content notifies — Discord's
/// default. The fake is strict where Discord depends on things it does not model: it assumes the
/// bot may mention everyone and every role, and counts the content an edit sets as notifying
/// (the first edit of a deferred response is the message's first content, and it does notify).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pings {
    /// `@everyone` or `@here`.
    pub everyone: bool,
    /// Users notified, in the order first mentioned.
    pub users: Vec<u64>,
    /// Roles notified, in the order first mentioned.
    pub roles: Vec<u64>,
}

impl Pings {
    /// Whom a create or edit request body notifies.
    pub fn of(body: &Value) -> Self {
        let Some(content) = body.get("content").and_then(Value::as_str) else {
            return Self::default();
        };
        let mentioned = Self::in_content(content);
        let Some(allowed) = body.get("allowed_mentions").filter(|a| a.is_object()) else {
            return mentioned;
        };
        let parse: Vec<&str> = allowed
            .get("parse")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let listed = |key: &str| -> Vec<u64> {
            allowed
                .get(key)
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|id| crate::state::id_of(Some(id)))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (users, roles) = (listed("users"), listed("roles"));
        Self {
            everyone: mentioned.everyone && parse.contains(&"everyone"),
            users: mentioned
                .users
                .into_iter()
                .filter(|u| parse.contains(&"users") || users.contains(u))
                .collect(),
            roles: mentioned
                .roles
                .into_iter()
                .filter(|r| parse.contains(&"roles") || roles.contains(r))
                .collect(),
        }
    }

    /// Every mention written in `content`, as if nothing were filtered.
    pub fn in_content(content: &str) -> Self {
        let mut pings = Self {
            everyone: content.contains("@everyone") || content.contains("@here"),
            ..Self::default()
        };
        let mut rest = content;
        while let Some(start) = rest.find("<@") {
            rest = &rest[start + 2..];
            let (role, digits) = match rest.strip_prefix('&') {
                Some(after) => (true, after),
                None => (false, rest.strip_prefix('!').unwrap_or(rest)),
            };
            let end = digits
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(digits.len());
            if digits[end..].starts_with('>')
                && let Ok(id) = digits[..end].parse::<u64>()
            {
                let list = if role {
                    &mut pings.roles
                } else {
                    &mut pings.users
                };
                if !list.contains(&id) {
                    list.push(id);
                }
            }
        }
        pings
    }

    /// Whether it notifies nobody.
    pub fn nobody(&self) -> bool {
        !self.everyone && self.users.is_empty() && self.roles.is_empty()
    }
}

/// A message a member posted in a channel (a MESSAGE_CREATE the fake dispatched that the bot did not
/// write), as the channel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberMessage {
    pub id: u64,
    pub channel_id: u64,
    pub author_id: u64,
    pub author: String,
    pub content: String,
}

/// An interaction the fake delivered, as the REST side tracks it.
#[derive(Clone, Debug)]
pub struct InteractionInfo {
    pub id: u64,
    pub token: String,
    /// 2 command, 3 component, 4 autocomplete, 5 modal submit.
    pub kind: u8,
    pub guild_id: Option<u64>,
    pub channel_id: Option<u64>,
    pub user_id: Option<u64>,
    /// `/xp give`, `button lb:2`, `modal apply:1`: for logs.
    pub label: String,
    /// From the id's snowflake timestamp.
    pub created_at: DateTime<Utc>,
    /// Type of the accepted callback, once acknowledged.
    pub acked: Option<u8>,
    pub original_message_id: Option<u64>,
    /// For component interactions: the message whose component was used.
    pub message_id: Option<u64>,
}

/// An interaction callback with what it answered and what it shows.
#[derive(Clone, Debug)]
pub struct CallbackEvent {
    pub interaction: InteractionInfo,
    pub callback: Callback,
    /// The message shown after this callback (types 4, 5 and 7), if any.
    pub message: Option<SentMessage>,
}

/// Something the fake observed, published live (see [`crate::FakeDiscord::subscribe`]).
#[derive(Clone, Debug)]
pub enum PeerEvent {
    Identified {
        session_id: String,
    },
    Resumed {
        session_id: String,
        replayed: usize,
    },
    Disconnected,
    /// The bot answered an interaction.
    Callback(Box<CallbackEvent>),
    ChannelMessage(SentMessage),
    Followup(SentMessage),
    OriginalEdit(SentMessage),
    MessageEdit(SentMessage),
    RoleAdded {
        guild_id: u64,
        user_id: u64,
        role_id: u64,
    },
    RoleRemoved {
        guild_id: u64,
        user_id: u64,
        role_id: u64,
    },
    ChannelCreated {
        guild_id: u64,
        channel_id: u64,
        name: String,
    },
    /// A REST error the bot caused that is not a protocol violation (e.g. DMs closed).
    Refused {
        route: String,
        status: u16,
        code: u64,
    },
    Violation(String),
}

#[cfg(test)]
mod tests {
    use super::Pings;
    use serde_json::json;

    const TEXT: &str = "hi <@1> <@!2> <@&3> @everyone <@x> <@4";

    #[test]
    fn without_allowed_mentions_every_mention_in_the_content_notifies() {
        assert_eq!(
            Pings::of(&json!({"content": TEXT})),
            Pings {
                everyone: true,
                users: vec![1, 2],
                roles: vec![3]
            }
        );
        assert!(Pings::of(&json!({"embeds": [{"description": TEXT}]})).nobody());
    }

    #[test]
    fn allowed_mentions_filter_what_notifies() {
        let only = |allowed| Pings::of(&json!({"content": TEXT, "allowed_mentions": allowed}));
        assert!(only(json!({"parse": []})).nobody());
        assert_eq!(
            only(json!({"parse": [], "users": ["2", "9"]})),
            Pings {
                everyone: false,
                users: vec![2],
                roles: vec![]
            }
        );
        assert_eq!(
            only(json!({"parse": ["everyone", "roles"]})),
            Pings {
                everyone: true,
                users: vec![],
                roles: vec![3]
            }
        );
    }
}
