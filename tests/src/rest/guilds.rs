//! Guild routes: the guild, its members (read, update roles and nick, kick), member roles
//! (add/remove, which mutate state, within the bot's role hierarchy as Discord enforces it), and
//! guild roles.

use super::{ApiError, Ctx, Reply, Result, no_route, snowflake};
use crate::{
    payloads,
    records::PeerEvent,
    state::{GuildState, RestState, id_of},
};
use axum::http::Method;
use serde_json::Value;

fn guild(rest: &mut RestState, id: u64) -> Result<&mut GuildState> {
    rest.guilds
        .get_mut(&id)
        .ok_or_else(|| ApiError::unknown("Guild", 10004, format!("unknown guild {id}")))
}

fn unknown_member() -> ApiError {
    // Members leave; a bot must cope, so this is not a violation.
    ApiError::refused(404, 10007, "Unknown Member")
}

pub(crate) fn get_guild(ctx: &Ctx<'_>, guild_id: &str) -> Result {
    let id = snowflake(guild_id, "Guild", 10004)?;
    let mut rest = ctx.inner.rest();
    guild(&mut rest, id)?;
    let json = rest
        .guilds
        .get(&id)
        .map(|g| rest.guild_json(g, false))
        .unwrap_or_default();
    Ok(Reply::json(json))
}

pub(crate) fn list_members(ctx: &Ctx<'_>, guild_id: &str) -> Result {
    let id = snowflake(guild_id, "Guild", 10004)?;
    let mut rest = ctx.inner.rest();
    let g = guild(&mut rest, id)?;
    Ok(Reply::json(Value::Array(
        g.members
            .values()
            .map(|m| payloads::member(&m.member, &m.roles, m.nick.as_deref()))
            .collect(),
    )))
}

pub(crate) fn member(ctx: &Ctx<'_>, method: &Method, guild_id: &str, user: &str) -> Result {
    let id = snowflake(guild_id, "Guild", 10004)?;
    let user = snowflake(user, "User", 10013)?;
    let bot = ctx.inner.config.bot_user_id;
    let mut rest = ctx.inner.rest();
    let g = guild(&mut rest, id)?;
    match *method {
        Method::GET if user == bot => {
            let me = crate::config::FakeMember {
                user_id: bot,
                username: crate::state::BOT_NAME.to_owned(),
                bot: true,
                joined_at: crate::snowflake::created_at(id),
            };
            return Ok(Reply::json(payloads::member(&me, &g.bot_roles, None)));
        }
        Method::GET => {}
        Method::PATCH => {
            let body = ctx.json()?;
            let m = g.members.get_mut(&user).ok_or_else(unknown_member)?;
            if let Some(roles) = body.get("roles").filter(|r| !r.is_null()) {
                let Some(list) = roles.as_array() else {
                    return Err(ApiError::invalid_form(vec![
                        "roles must be an array".to_owned(),
                    ]));
                };
                m.roles = list.iter().filter_map(|r| id_of(Some(r))).collect();
            }
            if let Some(nick) = body.get("nick") {
                m.nick = nick.as_str().map(str::to_owned);
            }
        }
        Method::DELETE => {
            g.members.remove(&user).ok_or_else(unknown_member)?;
            return Ok(Reply::no_content());
        }
        _ => return Err(no_route()),
    }
    let m = g.members.get(&user).ok_or_else(unknown_member)?;
    Ok(Reply::json(payloads::member(
        &m.member,
        &m.roles,
        m.nick.as_deref(),
    )))
}

pub(crate) fn member_role(
    ctx: &Ctx<'_>,
    method: &Method,
    guild_id: &str,
    user: &str,
    role: &str,
) -> Result {
    let inner = ctx.inner;
    let id = snowflake(guild_id, "Guild", 10004)?;
    let user_id = snowflake(user, "User", 10013)?;
    let role_id = snowflake(role, "Role", 10011)?;
    let mut rest = inner.rest();
    let g = guild(&mut rest, id)?;
    // Admins delete and reorder roles in Discord's client at any time: a bot must cope, so these
    // refusals are Discord's answers, not violations.
    let Some((position, managed)) = g.role(role_id) else {
        return Err(ApiError::refused(404, 10011, "Unknown Role"));
    };
    if role_id == id || managed || position >= g.top(&g.bot_roles) {
        // @everyone, an integration's role, or one at or above the bot's highest role.
        return Err(ApiError::refused(403, 50013, "Missing Permissions"));
    }
    let m = g.members.get_mut(&user_id).ok_or_else(unknown_member)?;
    let event = match *method {
        Method::PUT => {
            if !m.roles.contains(&role_id) {
                m.roles.push(role_id);
            }
            PeerEvent::RoleAdded {
                guild_id: id,
                user_id,
                role_id,
            }
        }
        Method::DELETE => {
            m.roles.retain(|r| *r != role_id);
            PeerEvent::RoleRemoved {
                guild_id: id,
                user_id,
                role_id,
            }
        }
        _ => return Err(no_route()),
    };
    drop(rest);
    inner.publish(move || event);
    Ok(Reply::no_content())
}

pub(crate) fn roles(ctx: &Ctx<'_>, method: &Method, guild_id: &str) -> Result {
    let inner = ctx.inner;
    let id = snowflake(guild_id, "Guild", 10004)?;
    let mut rest = inner.rest();
    let g = guild(&mut rest, id)?;
    match *method {
        Method::GET => Ok(Reply::json(Value::Array(g.roles.clone()))),
        Method::POST => {
            let body = ctx.json()?;
            let name = body
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("new role");
            if name.chars().count() > 100 {
                return Err(ApiError::invalid_form(vec![
                    "role name over 100 characters".to_owned(),
                ]));
            }
            let permissions = id_of(body.get("permissions")).unwrap_or(0);
            let position = i64::try_from(g.roles.len()).unwrap_or(1);
            let mut role = payloads::role(inner.ids.next(), name, permissions, position);
            for key in ["color", "hoist", "mentionable"] {
                if let Some(value) = body.get(key) {
                    role[key] = value.clone();
                }
            }
            g.roles.push(role.clone());
            Ok(Reply::json(role))
        }
        _ => Err(no_route()),
    }
}
