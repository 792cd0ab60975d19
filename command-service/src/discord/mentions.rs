//! Whom a message pings: decided here, and only here, for every message Studio sends.
//!
//! Studio echoes text that members and admins typed (an `/xp` reason, a `/pay` note, a listing title,
//! a team name), so it never lets Discord parse the mentions in a message: every message carries
//! explicit [`Pings`] — the members it means to ping, never `@everyone`, `@here` or a role — and
//! leaves through one of the builders below, which turn them into Discord's `allowed_mentions`
//! (`parse` empty, only those users). `clippy.toml` refuses twilight's message builders, its
//! create/edit message calls and the `AllowedMentions` and `InteractionResponseData` types anywhere
//! else in this crate, so a new message cannot be written without saying whom it pings.
//!
//! Whom each kind of message pings: an `/xp` answer the member whose XP changed; a `/rep` thanks its
//! receiver; a tournament's results its placings; a level-up or rank-up announcement its member; a
//! deal room's welcome its two parties; everything else — every private answer, view and DM, a
//! listing, a spotlight, a tournament's other steps — nobody.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use serde::{Deserialize, Serialize};
use studio_schema::UserId;
use twilight_http::client::InteractionClient;
use twilight_http::request::application::interaction::UpdateResponse;
use twilight_model::channel::message::{AllowedMentions, Embed, MessageFlags};
use twilight_model::http::interaction::{
    InteractionResponse, InteractionResponseData, InteractionResponseType,
};
use twilight_model::id::Id;
use twilight_model::id::marker::UserMarker;
use twilight_util::builder::interaction_response::{ChannelMessageBuilder, UpdateMessageBuilder};

/// The members a message means to ping, and so the only ones it may: never `@everyone`, `@here` or
/// a role, whatever its text says. Stored in the outbox with the message (in the shape of Discord's
/// `allowed_mentions`, whose `parse` and `roles` it ignores on the way in).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pings {
    #[serde(default)]
    users: Vec<Id<UserMarker>>,
}

/// Discord's `allowed_mentions` that ping nobody (for an edit whose answer, impossibly, has none).
static NOBODY: AllowedMentions = AllowedMentions {
    parse: Vec::new(),
    replied_user: false,
    roles: Vec::new(),
    users: Vec::new(),
};

impl Pings {
    /// Pings nobody.
    #[must_use]
    pub fn nobody() -> Self {
        Self::default()
    }

    /// Pings `member` and nobody else.
    #[must_use]
    pub fn member(member: UserId) -> Self {
        Self::members([member])
    }

    /// Pings these members and nobody else.
    #[must_use]
    pub fn members(members: impl IntoIterator<Item = UserId>) -> Self {
        let mut users: Vec<Id<UserMarker>> = Vec::new();
        for member in members {
            // Snowflakes are never 0; a forged 0 pings nobody rather than panicking.
            if let Some(id) = Id::new_checked(member.get())
                && !users.contains(&id)
            {
                users.push(id);
            }
        }
        Self { users }
    }

    /// Discord's `allowed_mentions` for it: nothing parsed from the text, only these users.
    fn allowed(&self) -> AllowedMentions {
        AllowedMentions {
            parse: Vec::new(),
            replied_user: false,
            roles: Vec::new(),
            users: self.users.clone(),
        }
    }
}

/// A new message answering an interaction, pinging `pings` (add `.flags(EPHEMERAL)` for a private
/// one).
pub fn reply(pings: &Pings) -> ChannelMessageBuilder {
    ChannelMessageBuilder::new().allowed_mentions(pings.allowed())
}

/// The clicked message, updated; it pings `pings`.
pub fn update(pings: &Pings) -> UpdateMessageBuilder {
    UpdateMessageBuilder::new().allowed_mentions(pings.allowed())
}

/// Discord's private "thinking…", before a late answer: no message yet, so nothing to ping; the
/// answer that replaces it says whom it pings ([`edit`]).
#[must_use]
pub fn thinking() -> InteractionResponse {
    InteractionResponse {
        kind: InteractionResponseType::DeferredChannelMessageWithSource,
        data: Some(InteractionResponseData {
            flags: Some(MessageFlags::EPHEMERAL),
            ..InteractionResponseData::default()
        }),
    }
}

/// The edit of an interaction's "thinking…" response into the answer `data`: its content, embeds,
/// components, and whom it pings — the answer's own pings (nobody if it had none).
pub fn edit<'a>(
    client: &'a InteractionClient<'a>,
    token: &'a str,
    data: &'a InteractionResponseData,
) -> UpdateResponse<'a> {
    let edit = client
        .update_response(token)
        .content(data.content.as_deref())
        .embeds(data.embeds.as_deref())
        .components(data.components.as_deref())
        .allowed_mentions(Some(data.allowed_mentions.as_ref().unwrap_or(&NOBODY)));
    match data.attachments.as_deref() {
        Some(files) => edit.attachments(files),
        None => edit,
    }
}

/// The JSON body of a message posted in a channel or a DM. Only [`body`] makes one, so every
/// channel message says whom it pings.
#[derive(Debug)]
pub struct Body(serde_json::Value);

impl Body {
    /// The body, for the create-message call.
    #[must_use]
    pub fn into_json(self) -> serde_json::Value {
        self.0
    }
}

/// A channel message (an announcement, a room's welcome, a DM) of `content` and `embeds`, pinging
/// `pings`.
#[must_use]
pub fn body(content: &str, embeds: &[Embed], pings: &Pings) -> Body {
    let mut body = serde_json::json!({
        "content": content,
        "allowed_mentions": pings.allowed(),
    });
    if !embeds.is_empty() {
        body["embeds"] = serde_json::json!(embeds);
    }
    Body(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pings_become_allowed_mentions_that_parse_nothing() {
        let allowed =
            serde_json::to_value(Pings::members([UserId(5), UserId(0), UserId(5)]).allowed())
                .unwrap_or_default();
        assert_eq!(allowed, json!({"parse": [], "users": ["5"]}));
        let nobody = serde_json::to_value(Pings::nobody().allowed()).unwrap_or_default();
        assert_eq!(nobody, json!({"parse": []}));
    }

    #[test]
    fn stored_allowed_mentions_read_back_as_pings_of_their_users_only() {
        let stored = json!({"parse": ["everyone", "roles"], "roles": ["9"], "users": ["7"]});
        let pings: Pings = serde_json::from_value(stored).unwrap_or_default();
        assert_eq!(pings, Pings::member(UserId(7)));
        let round: Pings = serde_json::from_value(serde_json::to_value(&pings).unwrap_or_default())
            .unwrap_or_default();
        assert_eq!(round, pings);
    }

    #[test]
    fn a_channel_body_carries_its_pings() {
        let body = body("hi <@3> @everyone", &[], &Pings::member(UserId(3))).into_json();
        assert_eq!(
            body,
            json!({"content": "hi <@3> @everyone", "allowed_mentions": {"parse": [], "users": ["3"]}})
        );
    }
}
