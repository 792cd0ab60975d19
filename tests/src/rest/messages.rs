//! Messages the bot makes, whatever the route (channel message, interaction response,
//! followup, edit): validation against Discord's limits, the message object Discord returns,
//! and the [`SentMessage`] record kept as the message's current state.

use super::{ApiError, Result};
use crate::{
    LOADING,
    payloads::{MessageJson, normalize_embeds, timestamp},
    records::{InteractionInfo, SentAttachment, SentMessage},
    state::{Inner, RestState, record},
    validate,
};
use chrono::Utc;
use serde_json::{Value, json};
use std::time::Instant;

/// Where a new message goes and what it answers.
pub(crate) struct Origin<'a> {
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub is_dm_to: Option<u64>,
    pub interaction: Option<&'a InteractionInfo>,
}

/// Checks a body that creates a message.
pub(crate) fn check_new(body: &Value, has_files: bool) -> Result<()> {
    check_edit(body)?;
    if validate::is_empty_message(body, has_files) {
        return Err(ApiError::violation(
            400,
            50006,
            "Cannot send an empty message",
            "message has no content, embeds, components or files",
        ));
    }
    Ok(())
}

/// Checks a body that edits a message.
pub(crate) fn check_edit(body: &Value) -> Result<()> {
    let problems = validate::message(body);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid_form(problems))
    }
}

fn attachments(inner: &Inner, files: &[SentAttachment]) -> Vec<Value> {
    files
        .iter()
        .map(|file| {
            let id = inner.ids.next();
            let url = format!(
                "http://{}/attachments/{id}/{}",
                inner.api_host, file.filename
            );
            json!({"id": id.to_string(), "filename": file.filename, "size": file.content.len(),
                   "url": url, "proxy_url": url, "content_type": null})
        })
        .collect()
}

/// Creates a message from `body` (already checked), stores it, and returns its record.
pub(crate) fn create(
    inner: &Inner,
    rest: &mut RestState,
    body: &Value,
    files: &[SentAttachment],
    origin: &Origin<'_>,
    extra_flags: u64,
) -> Result<SentMessage> {
    let id = inner.ids.next();
    let mut m = MessageJson::new(id, origin.channel_id, inner.bot_user());
    m.guild_id = origin.guild_id;
    m.content = body
        .get("content")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    m.embeds = body.get("embeds").cloned().unwrap_or_else(|| json!([]));
    m.components = body.get("components").cloned().unwrap_or_else(|| json!([]));
    m.flags = body.get("flags").and_then(Value::as_u64).unwrap_or(0) | extra_flags;
    m.attachments = Value::Array(attachments(inner, files));
    if let Some(interaction) = origin.interaction {
        let invoker = rest.user_or_placeholder(interaction.user_id.unwrap_or_default());
        m.kind = if interaction.kind == 2 { 20 } else { 0 };
        m.webhook_id = Some(inner.config.application_id);
        m.application_id = Some(inner.config.application_id);
        m.interaction_metadata = Some(crate::payloads::interaction_metadata(
            interaction.id,
            interaction.kind,
            &invoker,
            interaction.guild_id.unwrap_or_default(),
        ));
    }
    let sent = record_of(
        m.to_value(),
        body.clone(),
        files.to_vec(),
        Meta {
            channel_id: origin.channel_id,
            guild_id: origin.guild_id,
            is_dm_to: origin.is_dm_to,
            interaction_id: origin.interaction.map(|i| i.id),
            interaction_user: origin.interaction.and_then(|i| i.user_id),
        },
    )?;
    rest.messages.insert(id, sent.clone());
    record(&mut rest.sent, sent.clone());
    Ok(sent)
}

/// Applies a (checked) edit to stored message `id` and returns its new state.
pub(crate) fn edit(
    inner: &Inner,
    rest: &mut RestState,
    id: u64,
    patch: &Value,
    files: &[SentAttachment],
) -> Result<SentMessage> {
    let Some(existing) = rest.messages.get(&id) else {
        return Err(ApiError::unknown(
            "Message",
            10008,
            format!("edit of unknown message {id}"),
        ));
    };
    let mut message = existing.message.clone();
    let mut all_files = existing.attachments.clone();
    for key in ["content", "embeds", "components"] {
        if let Some(value) = patch.get(key) {
            message[key] = match (key, value) {
                ("content", Value::Null) => json!(""),
                (_, Value::Null) => json!([]),
                ("embeds", embeds) => normalize_embeds(embeds),
                (_, value) => value.clone(),
            };
        }
    }
    // API v10: an edit's `attachments` lists every attachment to keep (by id) besides the new
    // files; one not listed is removed.
    if let Some(listed) = patch.get("attachments").and_then(Value::as_array) {
        let keep: Vec<String> = listed
            .iter()
            .filter_map(|a| a.get("id"))
            .map(|id| id.as_str().map_or_else(|| id.to_string(), str::to_owned))
            .collect();
        let shown = message
            .get("attachments")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let (kept, kept_files): (Vec<Value>, Vec<SentAttachment>) = shown
            .into_iter()
            .zip(all_files)
            .filter(|(a, _)| {
                a.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|id| keep.iter().any(|k| k == id))
            })
            .unzip();
        message["attachments"] = Value::Array(kept);
        all_files = kept_files;
    }
    let flags = message.get("flags").and_then(Value::as_u64).unwrap_or(0);
    let suppress = patch.get("flags").and_then(Value::as_u64).unwrap_or(0) & (1 << 2);
    message["flags"] = json!((flags & !LOADING) | suppress);
    if !files.is_empty() {
        let mut list = message
            .get("attachments")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        list.extend(attachments(inner, files));
        message["attachments"] = Value::Array(list);
        all_files.extend(files.iter().cloned());
    }
    message["edited_timestamp"] = json!(timestamp(Utc::now()));
    let meta = Meta {
        channel_id: existing.channel_id,
        guild_id: existing.guild_id,
        is_dm_to: existing.is_dm_to,
        interaction_id: existing.interaction_id,
        interaction_user: existing.interaction_user,
    };
    let sent = record_of(message, patch.clone(), all_files, meta)?;
    rest.messages.insert(id, sent.clone());
    record(&mut rest.sent, sent.clone());
    Ok(sent)
}

struct Meta {
    channel_id: u64,
    guild_id: Option<u64>,
    is_dm_to: Option<u64>,
    interaction_id: Option<u64>,
    interaction_user: Option<u64>,
}

fn record_of(
    message: Value,
    body: Value,
    attachments: Vec<SentAttachment>,
    meta: Meta,
) -> Result<SentMessage> {
    let typed = |key: &str| message.get(key).cloned().unwrap_or_else(|| json!([]));
    let embeds = serde_json::from_value(typed("embeds")).map_err(|e| {
        ApiError::invalid_form(vec![format!("embeds do not parse as twilight Embed: {e}")])
    })?;
    let components = serde_json::from_value(typed("components")).map_err(|e| {
        ApiError::invalid_form(vec![format!(
            "components do not parse as twilight Component: {e}"
        )])
    })?;
    Ok(SentMessage {
        id: crate::state::id_of(message.get("id")).unwrap_or_default(),
        pings: crate::records::Pings::of(&body),
        channel_id: meta.channel_id,
        guild_id: meta.guild_id,
        content: message
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        embeds,
        components,
        flags: message.get("flags").and_then(Value::as_u64).unwrap_or(0),
        is_dm_to: meta.is_dm_to,
        interaction_id: meta.interaction_id,
        interaction_user: meta.interaction_user,
        attachments,
        body,
        message,
        at: Instant::now(),
    })
}
