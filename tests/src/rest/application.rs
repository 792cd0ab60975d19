//! Bot-level routes: `/gateway/bot` (pointing at the fake's own gateway), the current user
//! and application, and application command registration (each command checked against
//! Discord's naming and size rules and parsed as twilight's `Command`).

use super::{ApiError, Ctx, Reply, Result, no_route, snowflake};
use crate::state::{BOT_NAME, id_of};
use axum::http::Method;
use serde_json::{Value, json};
use twilight_model::application::command::Command;

pub(crate) fn gateway_bot(ctx: &Ctx<'_>) -> Result {
    Ok(Reply::json(json!({
        "url": ctx.inner.gateway_url,
        "shards": 1,
        "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
    })))
}

pub(crate) fn gateway(ctx: &Ctx<'_>) -> Result {
    Ok(Reply::json(json!({"url": ctx.inner.gateway_url})))
}

pub(crate) fn current_user(ctx: &Ctx<'_>) -> Result {
    let mut user = ctx.inner.bot_user();
    user["mfa_enabled"] = json!(false);
    user["verified"] = json!(true);
    user["flags"] = json!(0);
    Ok(Reply::json(user))
}

pub(crate) fn current_application(ctx: &Ctx<'_>) -> Result {
    let inner = ctx.inner;
    Ok(Reply::json(json!({
        "id": inner.config.application_id.to_string(),
        "name": BOT_NAME,
        "icon": null,
        "description": "Studio, running against local Discord",
        "bot_public": true,
        "bot_require_code_grant": false,
        "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
        "team": null,
        "flags": 0,
        "bot": inner.bot_user(),
        "owner": crate::payloads::user(1, "owner", false),
        "rpc_origins": [],
    })))
}

pub(crate) fn commands(ctx: &Ctx<'_>, method: &Method, app: &str, guild: Option<&str>) -> Result {
    let inner = ctx.inner;
    let app = snowflake(app, "Application", 10002)?;
    if app != inner.config.application_id {
        return Err(ApiError::unknown(
            "Application",
            10002,
            format!("commands of application {app}, not this bot's"),
        ));
    }
    let guild = match guild {
        Some(g) => {
            let id = snowflake(g, "Guild", 10004)?;
            if !inner.rest().guilds.contains_key(&id) {
                return Err(ApiError::unknown(
                    "Guild",
                    10004,
                    format!("commands for unknown guild {id}"),
                ));
            }
            Some(id)
        }
        None => None,
    };
    match *method {
        Method::GET => Ok(Reply::json(Value::Array(
            inner
                .rest()
                .commands
                .get(&guild)
                .cloned()
                .unwrap_or_default(),
        ))),
        Method::PUT => {
            let Some(list) = ctx.json()?.as_array() else {
                return Err(ApiError::invalid_form(vec![
                    "body must be an array of commands".to_owned(),
                ]));
            };
            if list.len() > 100 {
                return Err(ApiError::invalid_form(vec![format!(
                    "{} commands (max 100)",
                    list.len()
                )]));
            }
            let mut rest = inner.rest();
            let old = rest.commands.get(&guild).cloned().unwrap_or_default();
            let mut registered = Vec::new();
            for command in list {
                registered.push(register(ctx, command, guild, &old)?);
            }
            rest.commands.insert(guild, registered.clone());
            Ok(Reply::json(Value::Array(registered)))
        }
        Method::POST => {
            let command = ctx.json()?;
            let mut rest = inner.rest();
            let mut list = rest.commands.get(&guild).cloned().unwrap_or_default();
            let created = register(ctx, command, guild, &list)?;
            list.retain(|c| c.get("name") != created.get("name"));
            list.push(created.clone());
            rest.commands.insert(guild, list);
            Ok(Reply::created(created))
        }
        _ => Err(no_route()),
    }
}

/// Checks one command and returns it as Discord stores it (ids kept across re-registration).
fn register(ctx: &Ctx<'_>, command: &Value, guild: Option<u64>, old: &[Value]) -> Result<Value> {
    let problems = check_command(command);
    if !problems.is_empty() {
        return Err(ApiError::invalid_form(problems));
    }
    let name = command.get("name").cloned().unwrap_or_default();
    let id = old
        .iter()
        .find(|c| c.get("name") == Some(&name))
        .and_then(|c| id_of(c.get("id")))
        .unwrap_or_else(|| ctx.inner.ids.next());
    let mut stored = command.clone();
    stored["id"] = json!(id.to_string());
    stored["application_id"] = json!(ctx.inner.config.application_id.to_string());
    stored["version"] = json!(ctx.inner.ids.next().to_string());
    if stored.get("type").is_none() {
        stored["type"] = json!(1);
    }
    if stored.get("default_member_permissions").is_none() {
        stored["default_member_permissions"] = Value::Null;
    }
    if let Some(guild) = guild {
        stored["guild_id"] = json!(guild.to_string());
    }
    serde_json::from_value::<Command>(stored.clone()).map_err(|e| {
        ApiError::invalid_form(vec![format!(
            "command {name} does not parse as twilight Command: {e}"
        )])
    })?;
    Ok(stored)
}

fn check_command(command: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let kind = command.get("type").and_then(Value::as_u64).unwrap_or(1);
    let name = command
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    check_name(&mut problems, "command", name, kind == 1);
    let description = command
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let len = description.chars().count();
    if kind == 1 && !(1..=100).contains(&len) {
        problems.push(format!(
            "/{name}: description is {len} characters (must be 1..=100)"
        ));
    }
    check_options(
        &mut problems,
        &format!("/{name}"),
        command.get("options"),
        0,
    );
    problems
}

fn check_name(problems: &mut Vec<String>, what: &str, name: &str, chat_input: bool) {
    let len = name.chars().count();
    let valid = (1..=32).contains(&len)
        && (!chat_input
            || name
                .chars()
                .all(|c| c == '-' || c == '_' || c.is_alphanumeric() && !c.is_uppercase()));
    if !valid {
        problems.push(format!(
            "{what} name {name:?} must be 1..=32 lowercase letters, digits, - or _"
        ));
    }
}

fn check_options(problems: &mut Vec<String>, at: &str, options: Option<&Value>, depth: usize) {
    let list = options
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if list.len() > 25 {
        problems.push(format!("{at}: {} options (max 25)", list.len()));
    }
    let mut seen_optional = false;
    for option in list {
        let name = option
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let kind = option.get("type").and_then(Value::as_u64).unwrap_or(0);
        let here = format!("{at} {name}");
        check_name(problems, "option", name, true);
        let description = option
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !(1..=100).contains(&description.chars().count()) {
            problems.push(format!("{here}: description must be 1..=100 characters"));
        }
        let choices = option
            .get("choices")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if choices > 25 {
            problems.push(format!("{here}: {choices} choices (max 25)"));
        }
        match kind {
            1 | 2 => {
                if depth >= 2 || (kind == 2 && depth >= 1) {
                    problems.push(format!("{here}: subcommands nested too deep"));
                }
                check_options(problems, &here, option.get("options"), depth + 1);
            }
            3..=11 => {
                let required = option
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if required && seen_optional {
                    problems.push(format!("{here}: required option after an optional one"));
                }
                seen_optional |= !required;
            }
            other => problems.push(format!("{here}: unknown option type {other}")),
        }
    }
}
