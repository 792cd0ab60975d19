//! INTERACTION_CREATE payloads: the envelope every interaction shares (with the keys twilight
//! 0.18 requires: `attachment_size_limit`, `authorizing_integration_owners`, ...) and the
//! `interaction_metadata` Discord attaches to messages that answer an interaction.

use super::{partial_member, user};
use crate::config::FakeMember;
use serde_json::{Value, json};

/// Discord's default upload limit, sent as `attachment_size_limit`.
const ATTACHMENT_SIZE_LIMIT: u64 = 10 * 1024 * 1024;

/// Who interacts, where, with which permissions.
#[derive(Clone, Debug)]
pub struct InteractionCtx<'a> {
    pub id: u64,
    pub token: &'a str,
    pub application_id: u64,
    pub guild_id: u64,
    pub channel_id: u64,
    pub user: &'a FakeMember,
    pub roles: &'a [u64],
    pub permissions: u64,
}

/// An interaction of `kind` (2 command, 3 component, 4 autocomplete, 5 modal submit).
pub fn interaction(
    ctx: &InteractionCtx<'_>,
    kind: u8,
    data: Value,
    message: Option<Value>,
) -> Value {
    let mut value = json!({
        "id": ctx.id.to_string(),
        "application_id": ctx.application_id.to_string(),
        "type": kind,
        "token": ctx.token,
        "data": data,
        "guild_id": ctx.guild_id.to_string(),
        "channel_id": ctx.channel_id.to_string(),
        "channel": {"id": ctx.channel_id.to_string(), "type": 0, "guild_id": ctx.guild_id.to_string()},
        "member": partial_member(ctx.user, ctx.roles, Some(ctx.permissions), true),
        "app_permissions": "2248473465835073",
        "locale": "en-US",
        "guild_locale": "en-US",
        "version": 1,
        "context": 0,
        "entitlements": [],
        "authorizing_integration_owners": {"0": ctx.guild_id.to_string()},
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    });
    if let (Some(message), Value::Object(map)) = (message, &mut value) {
        map.insert("message".to_owned(), message);
    }
    value
}

/// `interaction_metadata` of a message that answers interaction `id` of `kind` by `invoker`.
pub fn interaction_metadata(id: u64, kind: u8, invoker: &FakeMember, guild_id: u64) -> Value {
    json!({
        "id": id.to_string(),
        "type": kind,
        "user": user(invoker.user_id, &invoker.username, invoker.bot),
        "authorizing_integration_owners": {"0": guild_id.to_string()},
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use twilight_model::application::interaction::{Interaction, InteractionData};

    #[test]
    fn slash_button_and_modal_interactions_parse() {
        let alice = FakeMember::new(400, "alice", Utc::now());
        let ctx = InteractionCtx {
            id: 1000,
            token: "tok",
            application_id: 100,
            guild_id: 200,
            channel_id: 300,
            user: &alice,
            roles: &[],
            permissions: 32,
        };
        let slash = interaction(
            &ctx,
            2,
            json!({"id": "5", "name": "profile", "type": 1,
                   "options": [{"name": "user", "type": 6, "value": "400"}]}),
            None,
        );
        let parsed: Interaction = serde_json::from_value(slash).expect("slash");
        assert!(matches!(
            parsed.data,
            Some(InteractionData::ApplicationCommand(_))
        ));
        let button = interaction(
            &ctx,
            3,
            json!({"custom_id": "a", "component_type": 2}),
            None,
        );
        let parsed: Interaction = serde_json::from_value(button).expect("button");
        assert!(matches!(
            parsed.data,
            Some(InteractionData::MessageComponent(_))
        ));
        let modal = interaction(
            &ctx,
            5,
            json!({"custom_id": "m", "components": [{"type": 18, "id": 1,
                "component": {"type": 4, "id": 2, "custom_id": "why", "value": "x"}}]}),
            None,
        );
        let parsed: Interaction = serde_json::from_value(modal).expect("modal");
        assert!(matches!(parsed.data, Some(InteractionData::ModalSubmit(_))));
    }
}
