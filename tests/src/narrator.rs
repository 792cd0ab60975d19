//! Prints what the bot does, as local-discord observes it: answers to commands and clicks,
//! channel messages and DMs, edits, roles and channels, refusals, and (loudly) every protocol
//! violation. One readable line per event, so a newcomer sees XP and levels move.

use crate::{FakeDiscord, PeerEvent, SentMessage, community::say};
use tokio::sync::broadcast::error::RecvError;

/// Longest summary printed for one message.
const SUMMARY_MAX: usize = 220;

/// Prints the fake's events until it shuts down.
pub async fn narrate(fake: FakeDiscord) {
    let mut events = fake.subscribe();
    loop {
        match events.recv().await {
            Ok(event) => {
                if let Some(line) = describe(&fake, &event) {
                    say(&line);
                }
            }
            Err(RecvError::Lagged(missed)) => say(&format!("(… {missed} events not shown)")),
            Err(RecvError::Closed) => return,
        }
    }
}

fn name(fake: &FakeDiscord, user: Option<u64>) -> String {
    user.and_then(|u| fake.username(u))
        .unwrap_or_else(|| "someone".to_owned())
}

/// One line for `event`, or `None` for events not worth a line.
pub fn describe(fake: &FakeDiscord, event: &PeerEvent) -> Option<String> {
    Some(match event {
        PeerEvent::Identified { session_id } => {
            format!("✔ bot connected ({session_id}); the community comes alive")
        }
        PeerEvent::Resumed {
            session_id,
            replayed,
        } => format!("✔ bot resumed {session_id} ({replayed} missed events replayed)"),
        PeerEvent::Disconnected => "✖ bot disconnected from the gateway".to_owned(),
        PeerEvent::Callback(answer) => {
            let (interaction, callback, message) =
                (&answer.interaction, &answer.callback, &answer.message);
            let who = name(fake, interaction.user_id);
            let what = &interaction.label;
            let kind = callback
                .body
                .get("type")
                .and_then(serde_json::Value::as_u64);
            match (kind, message) {
                (Some(5), _) => format!("bot → {who} {what}: (thinking…)"),
                (Some(6), _) => format!("bot → {who} {what}: (acknowledged, will edit)"),
                (Some(9), _) => {
                    let title = callback
                        .body
                        .pointer("/data/title")
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default();
                    format!("bot → {who} {what}: opens form \"{title}\"")
                }
                (_, Some(m)) => format!("bot → {who} {what}: {}", summary(m)),
                _ => format!("bot → {who} {what}: answered (type {kind:?})"),
            }
        }
        PeerEvent::ChannelMessage(m) => match m.is_dm_to {
            Some(user) => format!("bot → DM {}: {}", name(fake, Some(user)), summary(m)),
            None => {
                let channel = fake
                    .channel_name(m.channel_id)
                    .unwrap_or_else(|| m.channel_id.to_string());
                format!("bot → #{channel}: {}", summary(m))
            }
        },
        PeerEvent::Followup(m) => {
            format!(
                "bot ↳ followup for {}: {}",
                name(fake, m.interaction_user),
                summary(m)
            )
        }
        PeerEvent::OriginalEdit(m) | PeerEvent::MessageEdit(m) => {
            format!(
                "bot ✎ edits its answer for {}: {}",
                name(fake, m.interaction_user),
                summary(m)
            )
        }
        PeerEvent::RoleAdded {
            user_id, role_id, ..
        } => {
            format!("bot gives {} role {role_id}", name(fake, Some(*user_id)))
        }
        PeerEvent::RoleRemoved {
            user_id, role_id, ..
        } => {
            format!(
                "bot removes role {role_id} from {}",
                name(fake, Some(*user_id))
            )
        }
        PeerEvent::ChannelCreated { name, .. } => format!("bot creates channel #{name}"),
        PeerEvent::Refused {
            route,
            status,
            code,
        } => format!("Discord refused {route}: {status} (code {code})"),
        PeerEvent::Violation(violation) => {
            format!("‼‼ PROTOCOL VIOLATION ‼‼ {violation}")
        }
    })
}

/// `content · embed "title" field: value · [Button]`, shortened, with a privacy mark.
pub fn summary(m: &SentMessage) -> String {
    let mut parts = Vec::new();
    if !m.content.is_empty() {
        parts.push(m.content.replace('\n', " "));
    }
    for embed in &m.embeds {
        let mut text = format!("embed \"{}\"", embed.title.as_deref().unwrap_or_default());
        if let Some(description) = &embed.description {
            text.push(' ');
            text.push_str(&description.replace('\n', " "));
        }
        for field in &embed.fields {
            text.push_str(&format!(
                " · {} {}",
                field.name,
                field.value.replace('\n', " ")
            ));
        }
        parts.push(text);
    }
    let buttons: Vec<String> = m
        .buttons()
        .into_iter()
        .map(|(label, _)| format!("[{label}]"))
        .collect();
    if !buttons.is_empty() {
        parts.push(buttons.join(" "));
    }
    if !m.attachments.is_empty() {
        parts.push(format!("{} file(s)", m.attachments.len()));
    }
    let mut line = parts.join(" — ");
    if line.chars().count() > SUMMARY_MAX {
        line = line.chars().take(SUMMARY_MAX).collect::<String>() + "…";
    }
    if m.ephemeral() {
        line.push_str(" (only they see it)");
    }
    line
}
