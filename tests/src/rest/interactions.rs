//! Interaction routes: the callback (3-second window, one acknowledgement, a body that fits
//! the interaction), followups, and `@original`/followup edits through the interaction's
//! webhook token (valid 15 minutes, only after the acknowledgement).

use super::{ApiError, Ctx, Reply, Result, messages, messages::Origin, no_route, snowflake};
use crate::{
    LOADING,
    records::{Callback, CallbackEvent, InteractionInfo, PeerEvent, SentAttachment, SentMessage},
    state::{Inner, RestState, record},
    validate,
};
use axum::http::Method;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use twilight_model::http::interaction::InteractionResponse;

/// How long an interaction token works for followups and edits.
const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

pub(crate) fn callback(ctx: &Ctx<'_>, id: &str, token: &str) -> Result {
    let inner = ctx.inner;
    let id = snowflake(id, "interaction", 10062)?;
    let body = ctx.json()?.clone();
    let response = InteractionResponse::deserialize(&body).map_err(|e| {
        ApiError::invalid_form(vec![format!(
            "callback does not parse as InteractionResponse: {e}"
        )])
    })?;
    let mut rest = inner.rest();
    let outcome = accept(inner, &mut rest, id, token, &body, &ctx.body.files);
    let callback = Callback {
        interaction_id: id,
        token: token.to_owned(),
        response,
        body,
        status: outcome.as_ref().map_or_else(|e| e.status, |_| 204),
        at: Instant::now(),
    };
    record(&mut rest.callbacks, callback.clone());
    let info = rest.interactions.get(&id).cloned();
    drop(rest);
    let message = outcome?;
    let Some(info) = info else {
        return Ok(Reply::no_content());
    };
    inner.publish(|| {
        PeerEvent::Callback(Box::new(CallbackEvent {
            interaction: info.clone(),
            callback: callback.clone(),
            message: message.clone(),
        }))
    });
    if !ctx.query_flag("with_response") {
        return Ok(Reply::no_content());
    }
    let mut interaction = json!({"id": info.id.to_string(), "type": info.kind});
    if let Some(m) = &message {
        interaction["response_message_id"] = json!(m.id.to_string());
        interaction["response_message_loading"] = json!(m.loading());
        interaction["response_message_ephemeral"] = json!(m.ephemeral());
    }
    let mut resource = json!({"type": callback.body.get("type")});
    if let Some(m) = &message {
        resource["message"] = m.message.clone();
    }
    Ok(Reply::json(
        json!({"interaction": interaction, "resource": resource}),
    ))
}

/// Applies Discord's callback rules; on success marks the interaction acknowledged and
/// returns the message it now shows.
fn accept(
    inner: &Inner,
    rest: &mut RestState,
    id: u64,
    token: &str,
    body: &Value,
    files: &[SentAttachment],
) -> Result<Option<SentMessage>> {
    let Some(info) = rest.interactions.get(&id).cloned() else {
        return Err(ApiError::unknown(
            "interaction",
            10062,
            format!("callback for interaction {id}, which was never dispatched"),
        ));
    };
    if info.token != token {
        return Err(ApiError::unknown(
            "interaction",
            10062,
            format!("callback for interaction {id} with a token that is not its own"),
        ));
    }
    let age = Utc::now() - info.created_at;
    let window = inner.config.interaction_window;
    if age.to_std().is_ok_and(|age| age > window) {
        return Err(ApiError::unknown(
            "interaction",
            10062,
            format!(
                "late callback for {} ({id}): {} ms after it was created (window {} ms)",
                info.label,
                age.num_milliseconds(),
                window.as_millis()
            ),
        ));
    }
    if let Some(kind) = info.acked {
        return Err(ApiError::violation(
            400,
            40060,
            "Interaction has already been acknowledged.",
            format!(
                "second callback for {} ({id}); first was type {kind}",
                info.label
            ),
        ));
    }
    let problems = validate::callback(body, info.kind);
    if !problems.is_empty() {
        return Err(ApiError::invalid_form(problems));
    }
    let kind = body.get("type").and_then(Value::as_u64).unwrap_or(0);
    let data = body.get("data").cloned().unwrap_or_else(|| json!({}));
    let origin = Origin {
        channel_id: info.channel_id.unwrap_or_default(),
        guild_id: info.guild_id,
        is_dm_to: None,
        interaction: Some(&info),
    };
    let message = match kind {
        4 => Some(messages::create(inner, rest, &data, files, &origin, 0)?),
        5 => {
            let flags = data.get("flags").cloned().unwrap_or(json!(0));
            let loading = json!({"content": "", "flags": flags});
            Some(messages::create(
                inner,
                rest,
                &loading,
                &[],
                &origin,
                LOADING,
            )?)
        }
        7 => match info.message_id.filter(|m| rest.messages.contains_key(m)) {
            Some(message_id) => Some(messages::edit(inner, rest, message_id, &data, files)?),
            None => None,
        },
        _ => None,
    };
    if let Some(stored) = rest.interactions.get_mut(&id) {
        stored.acked = u8::try_from(kind).ok();
        if matches!(kind, 4 | 5) {
            stored.original_message_id = message.as_ref().map(|m| m.id);
        }
    }
    Ok(message)
}

fn check_application(ctx: &Ctx<'_>, app: &str) -> Result<()> {
    let app = snowflake(app, "Webhook", 10015)?;
    if app == ctx.inner.config.application_id {
        Ok(())
    } else {
        Err(ApiError::unknown(
            "Webhook",
            10015,
            format!("webhook route for application {app}, not this bot's"),
        ))
    }
}

/// The interaction a webhook token belongs to, if it may still be used.
fn interaction_for_token(rest: &RestState, token: &str) -> Result<InteractionInfo> {
    let Some(info) = rest
        .tokens
        .get(token)
        .and_then(|id| rest.interactions.get(id))
    else {
        return Err(ApiError::unknown(
            "Webhook",
            10015,
            "webhook token of no interaction the fake dispatched",
        ));
    };
    let age = Utc::now() - info.created_at;
    if age.to_std().is_ok_and(|age| age > TOKEN_LIFETIME) {
        return Err(ApiError::violation(
            401,
            50027,
            "Invalid Webhook Token",
            format!("interaction token of {} used after 15 minutes", info.label),
        ));
    }
    if info.acked.is_none() {
        return Err(ApiError::unknown(
            "Webhook",
            10015,
            format!(
                "followup or edit for {} before it was acknowledged",
                info.label
            ),
        ));
    }
    Ok(info.clone())
}

pub(crate) fn followup(ctx: &Ctx<'_>, app: &str, token: &str) -> Result {
    check_application(ctx, app)?;
    let inner = ctx.inner;
    let body = ctx.json()?;
    let mut rest = inner.rest();
    let info = interaction_for_token(&rest, token)?;
    messages::check_new(body, !ctx.body.files.is_empty())?;
    let origin = Origin {
        channel_id: info.channel_id.unwrap_or_default(),
        guild_id: info.guild_id,
        is_dm_to: None,
        interaction: Some(&info),
    };
    let sent = messages::create(inner, &mut rest, body, &ctx.body.files, &origin, 0)?;
    record(&mut rest.followups, sent.clone());
    drop(rest);
    inner.publish(|| PeerEvent::Followup(sent.clone()));
    Ok(Reply::json(sent.message))
}

pub(crate) fn webhook_message(
    ctx: &Ctx<'_>,
    method: &Method,
    app: &str,
    token: &str,
    message: &str,
) -> Result {
    check_application(ctx, app)?;
    let inner = ctx.inner;
    let mut rest = inner.rest();
    // Asking whether an interaction was answered is fair: Discord knows its token only once it was
    // acknowledged, and says so with 404 / Unknown Webhook.
    if *method == Method::GET
        && rest
            .tokens
            .get(token)
            .and_then(|id| rest.interactions.get(id))
            .is_some_and(|i| i.acked.is_none())
    {
        return Err(ApiError::refused(404, 10015, "Unknown Webhook"));
    }
    let info = interaction_for_token(&rest, token)?;
    let original = message == "@original";
    let target = if original {
        // A component interaction's original is the message the component is on.
        let component_message = info.message_id.filter(|_| matches!(info.kind, 3 | 5));
        info.original_message_id
            .or(component_message)
            .ok_or_else(|| {
                ApiError::unknown(
                    "Message",
                    10008,
                    format!("@original of {}, which has no response message", info.label),
                )
            })?
    } else {
        let id = snowflake(message, "Message", 10008)?;
        let ours = rest
            .messages
            .get(&id)
            .is_some_and(|m| m.interaction_id == Some(info.id));
        if !ours {
            return Err(ApiError::unknown(
                "Message",
                10008,
                format!("message {id} is not a followup of {}", info.label),
            ));
        }
        id
    };
    match *method {
        Method::GET => rest
            .messages
            .get(&target)
            .map(|m| Reply::json(m.message.clone()))
            .ok_or_else(|| {
                ApiError::unknown("Message", 10008, format!("message {target} was deleted"))
            }),
        Method::DELETE => match rest.messages.remove(&target) {
            Some(_) => Ok(Reply::no_content()),
            None => Err(ApiError::unknown(
                "Message",
                10008,
                format!("message {target} was deleted"),
            )),
        },
        Method::PATCH => {
            let body = ctx.json()?;
            messages::check_edit(body)?;
            let sent = messages::edit(inner, &mut rest, target, body, &ctx.body.files)?;
            if original {
                record(&mut rest.original_edits, sent.clone());
            }
            drop(rest);
            inner.publish(|| {
                if original {
                    PeerEvent::OriginalEdit(sent.clone())
                } else {
                    PeerEvent::MessageEdit(sent.clone())
                }
            });
            Ok(Reply::json(sent.message))
        }
        _ => Err(no_route()),
    }
}
