//! Channel routes: posting (with DMs that may be closed), reading and editing the bot's
//! messages, opening DM channels, creating guild channels, and permission overwrites.

use super::{ApiError, Ctx, Reply, Result, messages, messages::Origin, no_route, snowflake};
use crate::{
    records::PeerEvent,
    state::{ChannelState, id_of, record},
};
use axum::http::Method;
use serde_json::{Value, json};

pub(crate) fn open_dm(ctx: &Ctx<'_>) -> Result {
    let body = ctx.json()?;
    let Some(user) = id_of(body.get("recipient_id")) else {
        return Err(ApiError::invalid_form(vec![
            "recipient_id is missing".to_owned(),
        ]));
    };
    let mut rest = ctx.inner.rest();
    let id = match rest.dm_channels.get(&user) {
        Some(&id) => id,
        None => {
            let id = ctx.inner.ids.next();
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
    };
    let channel = rest
        .channels
        .get(&id)
        .map(|c| c.to_json(&rest.users))
        .unwrap_or_default();
    Ok(Reply::json(channel))
}

pub(crate) fn create_message(ctx: &Ctx<'_>, channel: &str) -> Result {
    let inner = ctx.inner;
    let channel_id = snowflake(channel, "Channel", 10003)?;
    let body = ctx.json()?;
    let mut rest = inner.rest();
    let Some(channel) = rest.channels.get(&channel_id) else {
        return Err(ApiError::unknown(
            "Channel",
            10003,
            format!("message to unknown channel {channel_id}"),
        ));
    };
    let (guild_id, recipient) = (channel.guild_id, channel.recipient);
    if recipient.is_some_and(|user| rest.dms_closed.contains(&user)) {
        return Err(ApiError::refused(
            403,
            50007,
            "Cannot send messages to this user",
        ));
    }
    messages::check_new(body, !ctx.body.files.is_empty())?;
    // `enforce_nonce`: the same author's message with the same nonce in the last few minutes is
    // returned instead of a second one (Discord's idempotency key for messages).
    if body.get("enforce_nonce").and_then(Value::as_bool) == Some(true)
        && let Some(nonce) = body.get("nonce").filter(|n| !n.is_null())
        && let Some(earlier) = rest.channel_messages.iter().find(|m| {
            m.channel_id == channel_id
                && m.body.get("nonce") == Some(nonce)
                && m.at.elapsed() < std::time::Duration::from_secs(120)
        })
    {
        return Ok(Reply::json(earlier.message.clone()));
    }
    let origin = Origin {
        channel_id,
        guild_id,
        is_dm_to: recipient,
        interaction: None,
    };
    let sent = messages::create(inner, &mut rest, body, &ctx.body.files, &origin, 0)?;
    record(&mut rest.channel_messages, sent.clone());
    drop(rest);
    inner.publish(|| PeerEvent::ChannelMessage(sent.clone()));
    if inner.config.echo_bot_messages {
        let mut echo = sent.message.clone();
        echo["channel_type"] = json!(if guild_id.is_some() { 0 } else { 1 });
        inner.dispatch("MESSAGE_CREATE", echo);
    }
    Ok(Reply::json(sent.message))
}

pub(crate) fn message(ctx: &Ctx<'_>, method: &Method, channel: &str, message: &str) -> Result {
    let inner = ctx.inner;
    let channel_id = snowflake(channel, "Channel", 10003)?;
    let message_id = snowflake(message, "Message", 10008)?;
    let mut rest = inner.rest();
    let in_channel = rest.messages.get(&message_id).map(|m| m.channel_id);
    if in_channel != Some(channel_id) {
        return Err(ApiError::unknown(
            "Message",
            10008,
            format!("message {message_id} is not a bot message in channel {channel_id}"),
        ));
    }
    match *method {
        Method::GET => Ok(Reply::json(
            rest.messages
                .get(&message_id)
                .map(|m| m.message.clone())
                .unwrap_or_default(),
        )),
        Method::DELETE => {
            rest.messages.remove(&message_id);
            Ok(Reply::no_content())
        }
        Method::PATCH => {
            let body = ctx.json()?;
            messages::check_edit(body)?;
            let sent = messages::edit(inner, &mut rest, message_id, body, &ctx.body.files)?;
            drop(rest);
            inner.publish(|| PeerEvent::MessageEdit(sent.clone()));
            Ok(Reply::json(sent.message))
        }
        _ => Err(no_route()),
    }
}

pub(crate) fn get_channel(ctx: &Ctx<'_>, channel: &str) -> Result {
    let channel_id = snowflake(channel, "Channel", 10003)?;
    let rest = ctx.inner.rest();
    rest.channels
        .get(&channel_id)
        .map(|c| Reply::json(c.to_json(&rest.users)))
        .ok_or_else(|| ApiError::unknown("Channel", 10003, format!("unknown channel {channel_id}")))
}

/// DELETE /channels/{id}: a guild channel is deleted; Discord answers with the channel.
pub(crate) fn delete_channel(ctx: &Ctx<'_>, channel: &str) -> Result {
    let channel_id = snowflake(channel, "Channel", 10003)?;
    let mut rest = ctx.inner.rest();
    let Some(gone) = rest.channels.remove(&channel_id) else {
        return Err(ApiError::unknown(
            "Channel",
            10003,
            format!("delete of unknown channel {channel_id}"),
        ));
    };
    if let Some(g) = gone.guild_id.and_then(|g| rest.guilds.get_mut(&g)) {
        g.channels.retain(|c| *c != channel_id);
    }
    Ok(Reply::json(gone.to_json(&rest.users)))
}

pub(crate) fn permission(ctx: &Ctx<'_>, method: &Method, channel: &str, target: &str) -> Result {
    let channel_id = snowflake(channel, "Channel", 10003)?;
    let target_id = snowflake(target, "Overwrite", 10009)?;
    let overwrite = match *method {
        Method::PUT => {
            let body = ctx.json()?;
            let kind = body.get("type").and_then(Value::as_u64);
            let bits_ok = |key: &str| match body.get(key) {
                None | Some(Value::Null) => true,
                Some(Value::String(s)) => s.parse::<u64>().is_ok(),
                Some(_) => false,
            };
            if !matches!(kind, Some(0 | 1)) || !bits_ok("allow") || !bits_ok("deny") {
                return Err(ApiError::invalid_form(vec![format!(
                    "overwrite needs type 0 (role) or 1 (member) and allow/deny as strings: {body}"
                )]));
            }
            Some(json!({"id": target_id.to_string(), "type": kind,
                        "allow": body.get("allow").cloned().unwrap_or(json!("0")),
                        "deny": body.get("deny").cloned().unwrap_or(json!("0"))}))
        }
        Method::DELETE => None,
        _ => return Err(no_route()),
    };
    let mut rest = ctx.inner.rest();
    let Some(channel) = rest.channels.get_mut(&channel_id) else {
        return Err(ApiError::unknown(
            "Channel",
            10003,
            format!("overwrite on unknown channel {channel_id}"),
        ));
    };
    channel
        .overwrites
        .retain(|o| id_of(o.get("id")) != Some(target_id));
    channel.overwrites.extend(overwrite);
    Ok(Reply::no_content())
}

pub(crate) fn guild_channels(ctx: &Ctx<'_>, method: &Method, guild: &str) -> Result {
    let inner = ctx.inner;
    let guild_id = snowflake(guild, "Guild", 10004)?;
    let mut rest = inner.rest();
    let Some(known) = rest.guilds.get(&guild_id).map(|g| g.channels.clone()) else {
        return Err(ApiError::unknown(
            "Guild",
            10004,
            format!("unknown guild {guild_id}"),
        ));
    };
    match *method {
        Method::GET => Ok(Reply::json(Value::Array(
            known
                .iter()
                .filter_map(|id| rest.channels.get(id))
                .map(|c| c.to_json(&rest.users))
                .collect(),
        ))),
        Method::POST => {
            let body = ctx.json()?;
            let name = body.get("name").and_then(Value::as_str).unwrap_or_default();
            let kind = body.get("type").and_then(Value::as_u64).unwrap_or(0);
            let mut problems = Vec::new();
            if name.is_empty() || name.chars().count() > 100 {
                problems.push(format!("channel name {name:?} must be 1..=100 characters"));
            }
            if !matches!(kind, 0 | 2 | 4 | 5 | 13 | 15 | 16) {
                problems.push(format!("channel type {kind} cannot be created in a guild"));
            }
            let overwrites = body
                .get("permission_overwrites")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for o in &overwrites {
                if !o.get("allow").is_none_or(Value::is_string)
                    || !o.get("deny").is_none_or(Value::is_string)
                {
                    problems.push(format!("overwrite allow/deny must be strings: {o}"));
                }
            }
            if !problems.is_empty() {
                return Err(ApiError::invalid_form(problems));
            }
            let id = inner.ids.next();
            let channel = ChannelState {
                id,
                guild_id: Some(guild_id),
                name: name.to_owned(),
                kind,
                position: known.len(),
                overwrites,
                parent_id: id_of(body.get("parent_id")),
                recipient: None,
            };
            let json = channel.to_json(&rest.users);
            rest.channels.insert(id, channel);
            if let Some(g) = rest.guilds.get_mut(&guild_id) {
                g.channels.push(id);
            }
            drop(rest);
            inner.publish(|| PeerEvent::ChannelCreated {
                guild_id,
                channel_id: id,
                name: name.to_owned(),
            });
            Ok(Reply::created(json))
        }
        _ => Err(no_route()),
    }
}
