//! Typed slash commands, parsed the way Discord's client reads them against the bot's registered
//! commands: `/balance`, `/pay member:@bob amount:50 note:thanks a lot`, `/team deposit team:1
//! amount:100`. Subcommand groups and subcommands are plain words after the name; each option is
//! `name:value`, the value running until the next ` name:` of a known option. Values are checked
//! as the client checks them (types, choices, lengths, bounds, required options, the command's
//! default permissions), so a bad command is refused before anything is sent.

use crate::FakeMember;
use serde_json::{Value, json};

/// Manage Server.
pub(crate) const MANAGE_GUILD: u64 = 0x20;
/// Administrator: every permission.
const ADMINISTRATOR: u64 = 0x8;

/// What a typed command is read against.
pub(crate) struct Context<'a> {
    /// Registered commands, as Discord's application command JSON.
    pub commands: &'a [Value],
    /// The guild's members (user options name one of them).
    pub members: &'a [FakeMember],
    /// The typing member's permissions.
    pub permissions: u64,
    /// A guild channel's id by name.
    pub channel_named: &'a dyn Fn(&str) -> Option<u64>,
}

/// A command ready to dispatch: its name and `data.options` as Discord sends them.
#[derive(Debug, PartialEq)]
pub(crate) struct Slash {
    pub name: String,
    pub options: Value,
}

fn text<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn kind(value: &Value) -> u64 {
    value.get("type").and_then(Value::as_u64).unwrap_or(1)
}

fn options(value: &Value) -> &[Value] {
    value
        .get("options")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn is_sub(option: &Value) -> bool {
    matches!(kind(option), 1 | 2)
}

/// The chat-input commands, by name.
fn chat_commands(commands: &[Value]) -> Vec<&Value> {
    let mut found: Vec<&Value> = commands.iter().filter(|c| kind(c) == 1).collect();
    found.sort_by_key(|c| text(c, "name"));
    found.dedup_by_key(|c| text(c, "name"));
    found
}

/// Whether a member with `permissions` may use `command` (its `default_member_permissions`).
fn allowed(command: &Value, permissions: u64) -> bool {
    let required = command
        .get("default_member_permissions")
        .and_then(Value::as_str)
        .and_then(|p| p.parse::<u64>().ok());
    match required {
        None => true,
        Some(_) if permissions & ADMINISTRATOR != 0 => true,
        Some(required) => permissions & required == required,
    }
}

/// The first word of `text` and what follows it (trimmed).
fn first_word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    match text.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim_start()),
        None => (text, ""),
    }
}

/// Reads `input` (starting with `/`) as a command of `ctx`.
pub(crate) fn parse(input: &str, ctx: &Context<'_>) -> Result<Slash, String> {
    let body = input.trim().strip_prefix('/').unwrap_or(input.trim());
    let (name, rest) = first_word(body);
    let name = name.to_lowercase();
    let commands = chat_commands(ctx.commands);
    if name.is_empty() {
        return Err("Type a command after the slash, e.g. /balance.".to_owned());
    }
    if commands.is_empty() {
        return Err(
            "The bot has registered no commands yet (is it connected?), so Discord knows no /commands."
                .to_owned(),
        );
    }
    let Some(command) = commands.iter().find(|c| text(c, "name") == name) else {
        let known: Vec<String> = commands
            .iter()
            .filter(|c| allowed(c, ctx.permissions))
            .map(|c| format!("/{}", text(c, "name")))
            .collect();
        return Err(format!(
            "There is no command /{name} here. Commands: {}.",
            known.join(" ")
        ));
    };
    if !allowed(command, ctx.permissions) {
        return Err(format!(
            "You do not have permission to use /{name} (it is for members who can manage the server)."
        ));
    }
    let mut shown = format!("/{name}");
    let mut path: Vec<&Value> = Vec::new();
    let mut level = options(command);
    let mut rest = rest;
    while level.iter().any(is_sub) {
        let (word, after) = first_word(rest);
        let names: Vec<&str> = level.iter().map(|o| text(o, "name")).collect();
        let Some(sub) = level
            .iter()
            .find(|o| is_sub(o) && text(o, "name") == word.to_lowercase())
        else {
            let said = if word.is_empty() {
                String::new()
            } else {
                format!(" (not “{word}”)")
            };
            return Err(format!("{shown} needs one of: {}{said}.", names.join(", ")));
        };
        shown.push(' ');
        shown.push_str(text(sub, "name"));
        path.push(sub);
        level = options(sub);
        rest = after;
    }
    let mut given = leaf_options(&shown, level, rest, ctx)?;
    for sub in path.into_iter().rev() {
        given = json!([{"name": text(sub, "name"), "type": kind(sub), "options": given}]);
    }
    Ok(Slash {
        name,
        options: given,
    })
}

/// Where each known option starts in `rest`: `(start of name, start of value, option)`.
fn option_starts<'o>(rest: &str, level: &'o [Value]) -> Vec<(usize, usize, &'o Value)> {
    let mut starts = Vec::new();
    for (at, _) in rest.char_indices() {
        let at_word = at == 0 || rest[..at].ends_with(char::is_whitespace);
        if !at_word {
            continue;
        }
        let found = level.iter().find(|o| {
            let name = text(o, "name");
            rest[at..]
                .strip_prefix(name)
                .is_some_and(|after| after.starts_with(':'))
        });
        if let Some(option) = found {
            starts.push((at, at + text(option, "name").len() + 1, option));
        }
    }
    starts
}

fn leaf_options(
    shown: &str,
    level: &[Value],
    rest: &str,
    ctx: &Context<'_>,
) -> Result<Value, String> {
    let starts = option_starts(rest, level);
    let lead = starts
        .first()
        .map_or(rest, |(at, _, _)| &rest[..*at])
        .trim();
    let names: Vec<String> = level
        .iter()
        .map(|o| format!("{}:", text(o, "name")))
        .collect();
    if !lead.is_empty() {
        let hint = if names.is_empty() {
            format!("{shown} takes no options.")
        } else {
            format!("Its options: {}.", names.join(" "))
        };
        let word = lead.split(':').next().unwrap_or(lead);
        return Err(
            if lead.contains(':') && !word.contains(char::is_whitespace) {
                format!("{shown} has no option “{word}”. {hint}")
            } else {
                format!("Write options as name:value after {shown}, not “{lead}”. {hint}")
            },
        );
    }
    let mut given: Vec<Value> = Vec::new();
    for (n, (_, value_at, option)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(rest.len(), |(at, _, _)| *at);
        let name = text(option, "name");
        if given.iter().any(|g| text(g, "name") == name) {
            return Err(format!("{name}: is given twice."));
        }
        let raw = unquote(rest[*value_at..end].trim());
        if raw.is_empty() {
            return Err(format!("{name}: needs a value."));
        }
        let value = value_of(option, raw, ctx).map_err(|e| format!("{name}: {e}"))?;
        given.push(json!({"name": name, "type": kind(option), "value": value}));
    }
    for option in level {
        let required = option.get("required").and_then(Value::as_bool) == Some(true);
        let name = text(option, "name");
        if required && !given.iter().any(|g| text(g, "name") == name) {
            return Err(format!(
                "{shown} needs {name}: ({}).",
                text(option, "description")
            ));
        }
    }
    Ok(Value::Array(given))
}

/// `"a b"` → `a b`.
fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// An id written as digits or inside a mention (`<@1>`, `<@!1>`, `<@&1>`, `<#1>`).
fn id_in(value: &str) -> Option<u64> {
    let inner = value
        .strip_prefix('<')
        .and_then(|v| v.strip_suffix('>'))
        .map_or(value, |v| v.trim_start_matches(['@', '!', '&', '#']));
    inner.parse().ok()
}

fn value_of(option: &Value, raw: &str, ctx: &Context<'_>) -> Result<Value, String> {
    let number = |key: &str| option.get(key).and_then(Value::as_f64);
    let value = match kind(option) {
        3 => {
            let chars = raw.chars().count();
            let length = |key: &str| option.get(key).and_then(Value::as_u64);
            if let Some(min) = length("min_length").filter(|&min| (chars as u64) < min) {
                return Err(format!("at least {min} characters, please."));
            }
            if let Some(max) = length("max_length").filter(|&max| (chars as u64) > max) {
                return Err(format!("at most {max} characters, please ({chars} given)."));
            }
            json!(raw)
        }
        4 => json!(
            raw.parse::<i64>()
                .map_err(|_| format!("“{raw}” is not a whole number."))?
        ),
        10 => json!(
            raw.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| format!("“{raw}” is not a number."))?
        ),
        5 => match raw.to_lowercase().as_str() {
            "true" | "yes" => json!(true),
            "false" | "no" => json!(false),
            _ => return Err(format!("“{raw}” is not true or false.")),
        },
        6 => json!(member_id(raw, ctx.members)?.to_string()),
        7 => {
            let id = id_in(raw).or_else(|| (ctx.channel_named)(raw.trim_start_matches('#')));
            json!(
                id.ok_or_else(|| format!("no channel “{raw}” here."))?
                    .to_string()
            )
        }
        8 => json!(
            id_in(raw)
                .ok_or_else(|| format!("“{raw}” is not a role (write its id)."))?
                .to_string()
        ),
        9 => {
            let id = id_in(raw).map_or_else(|| member_id(raw, ctx.members), Ok)?;
            json!(id.to_string())
        }
        11 => return Err("files cannot be attached on this page.".to_owned()),
        other => return Err(format!("options of type {other} are not supported here.")),
    };
    if let Some(n) = value.as_f64() {
        if let Some(min) = number("min_value").filter(|&min| n < min) {
            return Err(format!("at least {min}, please ({raw} given)."));
        }
        if let Some(max) = number("max_value").filter(|&max| n > max) {
            return Err(format!("at most {max}, please ({raw} given)."));
        }
    }
    choice(option, raw, value)
}

/// With choices, the value must be one of them (by name or value); the choice's value is sent.
fn choice(option: &Value, raw: &str, value: Value) -> Result<Value, String> {
    let Some(choices) = option
        .get("choices")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
    else {
        return Ok(value);
    };
    choices
        .iter()
        .find(|c| {
            text(c, "name").eq_ignore_ascii_case(raw) || c.get("value").is_some_and(|v| *v == value)
        })
        .and_then(|c| c.get("value").cloned())
        .ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|c| text(c, "name")).collect();
            format!("choose one of: {}.", names.join(", "))
        })
}

/// The member written `@name`, `name`, `<@id>` or `id`.
fn member_id(raw: &str, members: &[FakeMember]) -> Result<u64, String> {
    if let Some(id) = id_in(raw) {
        return members
            .iter()
            .find(|m| m.user_id == id)
            .map(|m| m.user_id)
            .ok_or_else(|| format!("no member with id {id} here."));
    }
    let name = raw.strip_prefix('@').unwrap_or(raw);
    members
        .iter()
        .find(|m| m.username.eq_ignore_ascii_case(name))
        .map(|m| m.user_id)
        .ok_or_else(|| format!("no member named @{name} here."))
}

/// How to type each command `permissions` allow: `("/pay member:@… amount:… [note:…]",
/// description)`, one per subcommand.
pub(crate) fn usages(commands: &[Value], permissions: u64) -> Vec<(String, String)> {
    fn walk(prefix: &str, node: &Value, out: &mut Vec<(String, String)>) {
        let list = options(node);
        if list.iter().any(is_sub) {
            for sub in list.iter().filter(|o| is_sub(o)) {
                walk(&format!("{prefix} {}", text(sub, "name")), sub, out);
            }
            return;
        }
        let mut usage = prefix.to_owned();
        for option in list {
            let hint = match kind(option) {
                6 => "@member",
                4 | 10 => "number",
                5 => "true/false",
                7 => "#channel",
                _ => "…",
            };
            let part = format!("{}:{hint}", text(option, "name"));
            if option.get("required").and_then(Value::as_bool) == Some(true) {
                usage.push_str(&format!(" {part}"));
            } else {
                usage.push_str(&format!(" [{part}]"));
            }
        }
        out.push((usage, text(node, "description").to_owned()));
    }
    let mut out = Vec::new();
    for command in chat_commands(commands) {
        if allowed(command, permissions) {
            walk(&format!("/{}", text(command, "name")), command, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn commands() -> Vec<Value> {
        vec![
            json!({"name": "balance", "type": 1, "description": "Your credits"}),
            json!({"name": "pay", "type": 1, "description": "Pay", "options": [
                {"name": "member", "type": 6, "description": "Who to pay", "required": true},
                {"name": "amount", "type": 4, "description": "How many", "required": true, "min_value": 1},
                {"name": "note", "type": 3, "description": "What for", "max_length": 20,
                 "choices": []}]}),
            json!({"name": "team", "type": 1, "description": "Teams", "options": [
                {"name": "deposit", "type": 1, "description": "Deposit", "options": [
                    {"name": "team", "type": 4, "description": "Team", "required": true},
                    {"name": "amount", "type": 4, "description": "How many", "required": true}]},
                {"name": "admin", "type": 2, "description": "Admin", "options": [
                    {"name": "close", "type": 1, "description": "Close", "options": [
                        {"name": "open", "type": 5, "description": "Open?"}]}]}]}),
            json!({"name": "credits", "type": 1, "description": "Grant",
                   "default_member_permissions": "32", "options": [
                {"name": "period", "type": 3, "description": "Period",
                 "choices": [{"name": "Week", "value": "week"}]}]}),
        ]
    }

    fn members() -> Vec<FakeMember> {
        vec![
            FakeMember::new(1, "alice", Utc::now()),
            FakeMember::new(2, "bob", Utc::now()),
        ]
    }

    fn read(input: &str, permissions: u64) -> Result<Slash, String> {
        let (commands, members) = (commands(), members());
        let general = |name: &str| (name == "general").then_some(9);
        parse(
            input,
            &Context {
                commands: &commands,
                members: &members,
                permissions,
                channel_named: &general,
            },
        )
    }

    #[test]
    fn options_run_until_the_next_known_name() {
        let slash = read("/pay member:@bob amount:50 note:thanks a lot", 0).expect("parses");
        assert_eq!(slash.name, "pay");
        assert_eq!(
            slash.options,
            json!([{"name": "member", "type": 6, "value": "2"},
                   {"name": "amount", "type": 4, "value": 50},
                   {"name": "note", "type": 3, "value": "thanks a lot"}])
        );
        assert_eq!(read("/balance", 0).expect("parses").options, json!([]));
    }

    #[test]
    fn subcommands_and_groups_are_words() {
        assert_eq!(
            read("/team deposit team:1 amount:100", 0)
                .expect("parses")
                .options,
            json!([{"name": "deposit", "type": 1, "options": [
                {"name": "team", "type": 4, "value": 1},
                {"name": "amount", "type": 4, "value": 100}]}])
        );
        assert_eq!(
            read("/team admin close open:yes", 0)
                .expect("parses")
                .options,
            json!([{"name": "admin", "type": 2, "options": [{"name": "close", "type": 1,
                "options": [{"name": "open", "type": 5, "value": true}]}]}])
        );
    }

    #[test]
    fn mistakes_are_refused_with_a_reason() {
        let refused = |input: &str| read(input, 0).expect_err(input);
        assert!(refused("/nope").contains("no command /nope"));
        assert!(refused("/pay member:@nobody amount:5").contains("no member named @nobody"));
        assert!(refused("/pay member:bob amount:-5").contains("at least 1"));
        assert!(refused("/pay member:bob amount:ten").contains("not a whole number"));
        assert!(refused("/pay member:bob").contains("needs amount:"));
        assert!(
            refused("/pay member:bob amount:1 note:this note is far too long")
                .contains("at most 20")
        );
        assert!(refused("/pay bob 5").contains("name:value"));
        assert!(refused("/pay colour:red").contains("no option “colour”"));
        assert!(refused("/team withdraw").contains("needs one of: deposit, admin"));
        assert!(refused("/credits").contains("permission"));
        assert!(refused("/credits period:year").contains("permission"));
        assert!(
            read("/credits period:year", MANAGE_GUILD)
                .expect_err("not a choice")
                .contains("choose one of: Week")
        );
        assert_eq!(
            read("/credits period:week", MANAGE_GUILD)
                .expect("a choice")
                .options,
            json!([{"name": "period", "type": 3, "value": "week"}])
        );
    }

    #[test]
    fn without_registered_commands_nothing_is_a_command() {
        let general = |_: &str| None;
        let refused = parse(
            "/balance",
            &Context {
                commands: &[],
                members: &members(),
                permissions: 0,
                channel_named: &general,
            },
        );
        assert!(refused.is_err_and(|e| e.contains("registered no commands")));
    }

    #[test]
    fn usages_list_what_a_member_may_type() {
        let usages = usages(&commands(), 0);
        let lines: Vec<&str> = usages.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(
            lines,
            [
                "/balance",
                "/pay member:@member amount:number [note:…]",
                "/team deposit team:number amount:number",
                "/team admin close [open:true/false]"
            ]
        );
    }
}
