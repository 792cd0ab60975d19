//! Turning a raw gateway dispatch taken from JetStream into a command, a query, or nothing.
//!
//! Everything here is input Discord (or a forger) controls: nothing panics, and an interaction that
//! cannot be understood becomes a clear private answer instead of a change. An interaction's
//! options, custom id or form are read here and only here, into a typed [`Command`] or [`Query`].

mod clicks;
#[cfg(test)]
mod fuzz;
mod message;
mod queries;
mod slash;

pub use clicks::owns_view;

use crate::domain::{Command, SeenMember};
use crate::query::{Board, Query};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use studio_schema::{ChannelId, GuildId, MessageId, UserId};
use twilight_model::application::interaction::{Interaction, InteractionData};
use twilight_model::channel::message::EmojiReactionType;
use twilight_model::gateway::GatewayReaction;
use twilight_model::gateway::payload::incoming::{
    GuildCreate, InteractionCreate, MemberAdd, MemberChunk, MemberRemove,
};
use twilight_model::guild::Member;
use twilight_model::id::marker::GuildMarker;
use twilight_model::util::Timestamp;

/// Who hears about a decided command.
#[derive(Clone, Debug)]
pub enum ReplyTo {
    /// Nobody is waiting for an answer.
    Nobody,
    /// A message's channel, for a level-up announcement.
    Channel(ChannelId),
    /// The member who used a slash command, a button or a form.
    Interaction(Asker),
    /// The same, already told "Studio is thinking" (a deferred answer), to be edited with the outcome.
    Deferred(Asker),
}

/// A member waiting for the answer to an interaction.
#[derive(Clone, Debug)]
pub struct Asker {
    pub interaction: Box<Interaction>,
    /// The slash command whose usage a refusal of bad input shows (for a submitted form, the
    /// command that explains it); none for a button.
    pub command: Option<&'static str>,
}

/// What an interaction asks, read once from its options, custom id or form.
#[derive(Debug)]
enum Asked {
    /// A change for the decider.
    Command(Command),
    /// Something to show from the views.
    Query(Query),
}

/// What a dispatch asks of Studio.
#[derive(Debug)]
pub enum Incoming {
    /// A change to decide in `guild`. `own_id` is the id of the Discord object that caused it (a
    /// message or an interaction): its idempotency key wherever and however often it is delivered.
    /// Events without an id of their own are keyed by their gateway session and sequence.
    Command {
        guild: GuildId,
        own_id: Option<String>,
        command: Command,
        reply: ReplyTo,
    },
    /// An interaction that only shows views (`/profile`, `/leaderboard`, their buttons): `query`,
    /// answered to `interaction`.
    Query {
        guild: GuildId,
        interaction: Box<Interaction>,
        query: Query,
    },
    /// An interaction Studio cannot act on; the member is told `reason` privately.
    Refuse {
        interaction: Box<Interaction>,
        reason: String,
    },
    /// An interaction whose payload is not what Discord sends (a forged option type, say): it is
    /// answered privately by id and token, and nothing is decided.
    Unreadable {
        id: twilight_model::id::Id<twilight_model::id::marker::InteractionMarker>,
        token: String,
        /// The slash command's name, when even that much could be read.
        command: Option<String>,
    },
    /// Nothing for Studio (another event type, a DM, a bot).
    Ignore,
}

#[derive(Deserialize)]
struct Frame<T> {
    d: T,
}

/// Reads one dispatch of type `event_type`, which the gateway received at `received_at`.
///
/// # Errors
/// The payload is not the JSON Discord sends for that event type.
pub fn read(
    event_type: &str,
    payload: &[u8],
    received_at: DateTime<Utc>,
) -> Result<Incoming, serde_json::Error> {
    Ok(match event_type {
        "MESSAGE_CREATE" => {
            message::message(serde_json::from_slice::<Frame<message::Posted>>(payload)?.d)
        }
        "INTERACTION_CREATE" => match serde_json::from_slice::<Frame<InteractionCreate>>(payload) {
            Ok(frame) => interaction(frame.d.0),
            Err(err) => {
                #[derive(Deserialize)]
                struct Name {
                    name: Option<String>,
                }
                #[derive(Deserialize)]
                struct Minimal {
                    id: twilight_model::id::Id<twilight_model::id::marker::InteractionMarker>,
                    token: String,
                    data: Option<Name>,
                }
                let Minimal { id, token, data } = serde_json::from_slice::<Frame<Minimal>>(payload)
                    .map_err(|_| err)?
                    .d;
                Incoming::Unreadable {
                    id,
                    token,
                    command: data.and_then(|d| d.name),
                }
            }
        },
        "GUILD_MEMBER_ADD" => {
            let add = serde_json::from_slice::<Frame<MemberAdd>>(payload)?.d;
            match (seen(&add.member), snowflake(add.guild_id)) {
                (Some(who), Some(guild)) => Incoming::Command {
                    guild: guild_id(guild),
                    own_id: None,
                    command: Command::RecordJoin(who),
                    reply: ReplyTo::Nobody,
                },
                _ => Incoming::Ignore,
            }
        }
        "GUILD_MEMBER_REMOVE" => {
            let remove = serde_json::from_slice::<Frame<MemberRemove>>(payload)?.d;
            match (snowflake(remove.guild_id), user(remove.user.id)) {
                (Some(guild), Some(member)) => Incoming::Command {
                    guild: guild_id(guild),
                    own_id: None,
                    command: Command::RecordLeave {
                        member,
                        at: received_at,
                    },
                    reply: ReplyTo::Nobody,
                },
                _ => Incoming::Ignore,
            }
        }
        "GUILD_CREATE" => match serde_json::from_slice::<Frame<GuildCreate>>(payload)?.d {
            GuildCreate::Available(g) => members(g.id, &g.members),
            GuildCreate::Unavailable(_) => Incoming::Ignore,
        },
        "MESSAGE_REACTION_ADD" | "MESSAGE_REACTION_REMOVE" => reaction(
            event_type == "MESSAGE_REACTION_ADD",
            serde_json::from_slice::<Frame<GatewayReaction>>(payload)?.d,
            received_at,
        ),
        "GUILD_MEMBERS_CHUNK" => {
            let chunk = serde_json::from_slice::<Frame<MemberChunk>>(payload)?.d;
            members(chunk.guild_id, &chunk.members)
        }
        _ => Incoming::Ignore,
    })
}

fn guild_id(id: u64) -> GuildId {
    GuildId::from_u64(id)
}

/// A Discord object's id as Studio stores it (an `i64`), if it can be one: Discord's snowflakes stay
/// below 2^63 for centuries, so an id past it is forged and names nothing (rather than wrapping to a
/// negative member in the log).
fn snowflake<T>(id: twilight_model::id::Id<T>) -> Option<u64> {
    i64::try_from(id.get()).is_ok().then(|| id.get())
}

/// A member named by Discord, if the id can be one ([`snowflake`]).
fn user<T>(id: twilight_model::id::Id<T>) -> Option<UserId> {
    snowflake(id).map(UserId::from_u64)
}

fn time(ts: Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_micros(ts.as_micros())
}

fn seen(member: &Member) -> Option<SeenMember> {
    Some(SeenMember {
        member: user(member.user.id)?,
        joined_at: time(member.joined_at?)?,
        bot: member.user.bot,
    })
}

fn members(guild: twilight_model::id::Id<GuildMarker>, list: &[Member]) -> Incoming {
    let seen: Vec<SeenMember> = list.iter().filter_map(seen).collect();
    let Some(guild) = snowflake(guild).filter(|_| !seen.is_empty()) else {
        return Incoming::Ignore;
    };
    Incoming::Command {
        guild: guild_id(guild),
        own_id: None,
        command: Command::SeeMembers(seen),
        reply: ReplyTo::Nobody,
    }
}

/// A reaction on a message: the guild's reputation reaction (⭐ unless it chose another) gives its
/// author reputation, and removing it takes it back the same day; the rules tell which it is.
fn reaction(added: bool, r: GatewayReaction, received_at: DateTime<Utc>) -> Incoming {
    let (Some(guild), Some(giver), Some(message)) = (
        r.guild_id.and_then(snowflake),
        user(r.user_id),
        snowflake(r.message_id),
    ) else {
        return Incoming::Ignore;
    };
    if r.member.as_ref().is_some_and(|m| m.user.bot) {
        return Incoming::Ignore;
    }
    let emoji = match &r.emoji {
        EmojiReactionType::Unicode { name } => crate::rules::reputation::reaction_key(name),
        EmojiReactionType::Custom { id, .. } => id.to_string(),
    };
    Incoming::Command {
        guild: guild_id(guild),
        own_id: None,
        command: Command::React {
            added,
            giver,
            author: r.message_author_id.and_then(user),
            message: MessageId::from_u64(message),
            emoji,
            at: received_at,
        },
        reply: ReplyTo::Nobody,
    }
}

fn interaction(i: Interaction) -> Incoming {
    let refuse = |i: Interaction, reason: String| Incoming::Refuse {
        interaction: Box::new(i),
        reason,
    };
    let Some(guild) = i.guild_id.and_then(snowflake).map(guild_id) else {
        return refuse(
            i,
            "Studio works inside a server, not in direct messages.".into(),
        );
    };
    let Some(actor) = i.author_id().and_then(user) else {
        return refuse(i, "I could not tell who you are.".into());
    };
    // With the command, the name of the one whose usage a refusal of bad input shows.
    let read = match &i.data {
        Some(InteractionData::ApplicationCommand(data)) => {
            let command = crate::discord::help::entry(&data.name).map(|e| e.name);
            queries::read(data, actor)
                .map_or_else(|| slash::read(&i, data, actor), |q| q.map(Asked::Query))
                .map(|asked| (asked, command))
        }
        Some(InteractionData::MessageComponent(data)) => {
            clicks::button(&i, &data.custom_id, actor).map(|asked| (asked, None))
        }
        Some(InteractionData::ModalSubmit(data)) => {
            clicks::read_form(data, actor, slash::created_at(&i))
                .map(|(form, command)| (Asked::Command(command), Some(form.command())))
        }
        _ => Err("Studio does not know that command. Try /profile, /shop or /balance.".to_owned()),
    };
    match read {
        Ok((Asked::Command(command), usage)) => Incoming::Command {
            guild,
            own_id: Some(i.id.to_string()),
            command,
            reply: ReplyTo::Interaction(Asker {
                interaction: Box::new(i),
                command: usage,
            }),
        },
        Ok((Asked::Query(mut query), _)) => {
            if let Query::Board {
                board: Board::Profile { target, name, .. },
                ..
            } = &mut query
            {
                *name = crate::discord::names::of(&i, *target);
            }
            Incoming::Query {
                guild,
                interaction: Box::new(i),
                query,
            }
        }
        Err(reason) => refuse(i, reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn slash(options: serde_json::Value, permissions: &str) -> Vec<u8> {
        slash_named("xp", options, permissions)
    }

    fn slash_named(name: &str, options: serde_json::Value, permissions: &str) -> Vec<u8> {
        json!({"t": "INTERACTION_CREATE", "s": 2, "op": 0, "d": {
            "id": "1000", "application_id": "100", "type": 2, "token": "tok",
            "data": {"id": "1100", "name": name, "type": 1, "options": options},
            "guild_id": "200", "channel_id": "300", "channel": {"id": "300", "type": 0},
            "member": {"user": {"id": "400", "username": "ada", "discriminator": "0"}, "roles": [],
                       "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false,
                       "flags": 0, "permissions": permissions},
            "app_permissions": "0", "locale": "en-US", "entitlements": [],
            "authorizing_integration_owners": {"0": "200"}, "attachment_size_limit": 10_485_760}})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn a_malformed_payload_is_an_error_not_a_panic() {
        assert!(read("MESSAGE_CREATE", b"{\"d\": 5}", Utc::now()).is_err());
        assert!(read("INTERACTION_CREATE", b"not json", Utc::now()).is_err());
        assert!(matches!(
            read("TYPING_START", b"{}", Utc::now()),
            Ok(Incoming::Ignore)
        ));
    }

    #[test]
    fn xp_give_from_an_admin_becomes_a_command_keyed_by_the_interaction() {
        let options = json!([{"name": "give", "type": 1, "options": [
            {"name": "member", "type": 6, "value": "500"},
            {"name": "amount", "type": 4, "value": 50},
            {"name": "reason", "type": 3, "value": "demo"}]}]);
        let Ok(Incoming::Command {
            own_id, command, ..
        }) = read("INTERACTION_CREATE", &slash(options, "32"), Utc::now())
        else {
            panic!("expected a command");
        };
        assert_eq!(own_id.as_deref(), Some("1000"));
        assert!(matches!(
            command,
            Command::AdjustXp {
                actor_can_manage_guild: true,
                amount: 50,
                give: true,
                ..
            }
        ));
    }

    #[test]
    fn xp_with_options_it_cannot_read_is_refused_with_its_usage() {
        let options = json!([{"name": "give", "type": 1, "options": [
            {"name": "member", "type": 6, "value": "500"},
            {"name": "amount", "type": 3, "value": "lots"}]}]);
        let Ok(Incoming::Refuse { reason, .. }) =
            read("INTERACTION_CREATE", &slash(options, "32"), Utc::now())
        else {
            panic!("expected a refusal");
        };
        assert!(reason.contains("Usage: `/xp give|remove"), "{reason}");
    }

    #[test]
    fn credits_from_a_member_without_manage_guild_is_not_an_admin_command() {
        let options = json!([{"name": "grant", "type": 1, "options": [
            {"name": "member", "type": 6, "value": "500"},
            {"name": "amount", "type": 4, "value": 50},
            {"name": "reason", "type": 3, "value": "demo"}]}]);
        let Ok(Incoming::Command { command, .. }) = read(
            "INTERACTION_CREATE",
            &slash_named("credits", options, "3072"),
            Utc::now(),
        ) else {
            panic!("expected a command");
        };
        assert!(
            matches!(
                command,
                Command::AdjustCredits {
                    actor_can_manage_guild: false,
                    ..
                }
            ),
            "{command:?}"
        );
    }

    #[test]
    fn a_forged_option_type_is_refused_by_id_and_token_not_dropped() {
        let options = json!([{"name": "member", "type": 6, "value": "500"},
                             {"name": "amount", "type": 4, "value": "lots"}]);
        let read = read(
            "INTERACTION_CREATE",
            &slash_named("pay", options, "0"),
            Utc::now(),
        );
        assert!(
            matches!(read, Ok(Incoming::Unreadable { ref token, ref command, .. })
                if token == "tok" && command.as_deref() == Some("pay")),
            "{read:?}"
        );
    }
}
