//! The message object, for MESSAGE_CREATE from members and for what the REST side returns
//! when the bot posts, follows up or edits. Embeds are normalised the way Discord echoes them
//! (`type: "rich"` filled in), so twilight's `Message` always deserializes the answer.

use super::{ids, timestamp};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

/// Fields of one message. Build with [`MessageJson::new`] and set what differs.
#[derive(Clone, Debug)]
pub struct MessageJson {
    pub id: u64,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    /// Sent as `channel_type` in MESSAGE_CREATE (0 guild text, 1 DM).
    pub channel_type: Option<u64>,
    pub author: Value,
    pub member: Option<Value>,
    pub content: String,
    pub embeds: Value,
    pub components: Value,
    pub attachments: Value,
    pub mentions: Value,
    pub flags: u64,
    /// Message type: 0 default, 19 reply, 20 chat-input command response.
    pub kind: u64,
    pub timestamp: DateTime<Utc>,
    pub edited_timestamp: Option<DateTime<Utc>>,
    pub webhook_id: Option<u64>,
    pub application_id: Option<u64>,
    pub interaction_metadata: Option<Value>,
}

impl MessageJson {
    /// A plain message with no content yet, sent now.
    pub fn new(id: u64, channel_id: u64, author: Value) -> Self {
        Self {
            id,
            channel_id,
            guild_id: None,
            channel_type: None,
            author,
            member: None,
            content: String::new(),
            embeds: json!([]),
            components: json!([]),
            attachments: json!([]),
            mentions: json!([]),
            flags: 0,
            kind: 0,
            timestamp: Utc::now(),
            edited_timestamp: None,
            webhook_id: None,
            application_id: None,
            interaction_metadata: None,
        }
    }

    /// The message as Discord's JSON.
    pub fn to_value(&self) -> Value {
        self.clone().into_value()
    }

    /// The message as Discord's JSON, its parts moved rather than copied (the generators build
    /// a message only to send it).
    pub fn into_value(self) -> Value {
        let mut map = Map::new();
        let mut put = |key: &str, value: Value| {
            map.insert(key.to_owned(), value);
        };
        put("id", json!(self.id.to_string()));
        put("channel_id", json!(self.channel_id.to_string()));
        if let Some(guild_id) = self.guild_id {
            put("guild_id", json!(guild_id.to_string()));
        }
        if let Some(kind) = self.channel_type {
            put("channel_type", json!(kind));
        }
        put("author", self.author);
        if let Some(member) = self.member {
            put("member", member);
        }
        put("content", Value::String(self.content));
        put("timestamp", json!(timestamp(self.timestamp)));
        put(
            "edited_timestamp",
            json!(self.edited_timestamp.map(timestamp)),
        );
        put("tts", json!(false));
        put("mention_everyone", json!(false));
        put("mentions", self.mentions);
        put("mention_roles", ids(&[]));
        put("attachments", self.attachments);
        put("embeds", normalize_embeds(&self.embeds));
        put("components", self.components);
        put("pinned", json!(false));
        put("type", json!(self.kind));
        put("flags", json!(self.flags));
        if let Some(webhook_id) = self.webhook_id {
            put("webhook_id", json!(webhook_id.to_string()));
        }
        if let Some(application_id) = self.application_id {
            put("application_id", json!(application_id.to_string()));
        }
        if let Some(metadata) = self.interaction_metadata {
            put("interaction_metadata", metadata);
        }
        Value::Object(map)
    }
}

/// Embeds as Discord echoes them: every embed gets `type: "rich"` unless it names a type.
pub fn normalize_embeds(embeds: &Value) -> Value {
    let Some(list) = embeds.as_array() else {
        return json!([]);
    };
    Value::Array(
        list.iter()
            .map(|embed| {
                let mut embed = embed.clone();
                if let Value::Object(map) = &mut embed {
                    map.entry("type").or_insert_with(|| json!("rich"));
                }
                embed
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payloads::user;
    use twilight_model::channel::Message;

    #[test]
    fn a_bot_message_with_embeds_and_buttons_parses() {
        let mut m = MessageJson::new(1, 2, user(100, "Studio", true));
        m.guild_id = Some(3);
        m.content = "hi".to_owned();
        m.embeds = json!([{"title": "bob — Stats", "fields": [{"name": "XP", "value": "15", "inline": true}]}]);
        m.components = json!([{"type": 1, "components": [
            {"type": 2, "style": 1, "label": "Next", "custom_id": "lb:2"}]}]);
        m.attachments = json!([{"id": "5", "filename": "a.rs", "size": 3,
            "url": "http://x/a.rs", "proxy_url": "http://x/a.rs", "content_type": null}]);
        m.webhook_id = Some(100);
        m.interaction_metadata = Some(json!({"id": "9", "type": 2, "user": user(4, "bob", false),
            "authorizing_integration_owners": {"0": "3"}}));
        let parsed: Message = serde_json::from_value(m.to_value()).expect("message");
        assert_eq!(parsed.embeds[0].kind, "rich");
        assert_eq!(parsed.components.len(), 1);
        assert!(parsed.interaction_metadata.is_some());
    }
}
