//! Discord's limits on what a bot sends, checked on the raw JSON bodies: message content and
//! embeds, component layouts and custom ids, modals, and which callback type fits which
//! interaction. Each check returns the list of problems; an empty list means Discord would
//! accept the body. Lengths count characters, as Discord does.

use serde_json::Value;

pub const CONTENT_MAX: usize = 2000;
pub const EMBEDS_MAX: usize = 10;
pub const EMBED_TITLE_MAX: usize = 256;
pub const EMBED_DESCRIPTION_MAX: usize = 4096;
pub const EMBED_FIELDS_MAX: usize = 25;
pub const EMBED_FIELD_NAME_MAX: usize = 256;
pub const EMBED_FIELD_VALUE_MAX: usize = 1024;
pub const EMBED_FOOTER_MAX: usize = 2048;
pub const EMBED_AUTHOR_MAX: usize = 256;
pub const EMBED_TOTAL_MAX: usize = 6000;
pub const ACTION_ROWS_MAX: usize = 5;
pub const ROW_BUTTONS_MAX: usize = 5;
pub const V2_COMPONENTS_MAX: usize = 40;
pub const CUSTOM_ID_MAX: usize = 100;
pub const BUTTON_LABEL_MAX: usize = 80;
pub const SELECT_OPTIONS_MAX: usize = 25;
pub const SELECT_OPTION_TEXT_MAX: usize = 100;
pub const MODAL_TITLE_MAX: usize = 45;
pub const MODAL_COMPONENTS_MAX: usize = 5;
pub const TEXT_INPUT_LABEL_MAX: usize = 45;
pub const TEXT_INPUT_VALUE_MAX: usize = 4000;

/// `flags` bit that switches a message to components V2.
pub const IS_COMPONENTS_V2: u64 = 1 << 15;
/// Flags a message body may carry (SUPPRESS_EMBEDS, EPHEMERAL, SUPPRESS_NOTIFICATIONS,
/// IS_VOICE_MESSAGE, IS_COMPONENTS_V2).
const ALLOWED_FLAGS: u64 = (1 << 2) | (1 << 6) | (1 << 12) | (1 << 13) | IS_COMPONENTS_V2;
const EPHEMERAL: u64 = 1 << 6;

fn chars(value: Option<&Value>) -> usize {
    value
        .and_then(Value::as_str)
        .map_or(0, |s| s.chars().count())
}

fn check_len(problems: &mut Vec<String>, what: &str, len: usize, max: usize) {
    if len > max {
        problems.push(format!("{what} is {len} characters (max {max})"));
    }
}

fn array(value: Option<&Value>) -> &[Value] {
    value.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// Whether a message body has nothing to show (Discord answers 50006).
pub fn is_empty_message(body: &Value, has_files: bool) -> bool {
    let content = chars(body.get("content")) > 0;
    let embeds = !array(body.get("embeds")).is_empty();
    let components = !array(body.get("components")).is_empty();
    let other = body.get("poll").is_some_and(|p| !p.is_null())
        || !array(body.get("sticker_ids")).is_empty();
    !(content || embeds || components || other || has_files)
}

/// Problems in a message body (create, followup, edit or callback `data`).
pub fn message(body: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if !body.is_object() {
        problems.push("message body is not a JSON object".to_owned());
        return problems;
    }
    if let Some(content) = body.get("content").filter(|c| !c.is_null()) {
        if !content.is_string() {
            problems.push("content is not a string".to_owned());
        }
        check_len(&mut problems, "content", chars(Some(content)), CONTENT_MAX);
    }
    let flags = body.get("flags").and_then(Value::as_u64).unwrap_or(0);
    if flags & !ALLOWED_FLAGS != 0 {
        problems.push(format!("flags {flags} contain bits a bot may not set"));
    }
    allowed_mentions(&mut problems, body.get("allowed_mentions"));
    embeds(&mut problems, array(body.get("embeds")));
    let components = array(body.get("components"));
    if flags & IS_COMPONENTS_V2 != 0 {
        if chars(body.get("content")) > 0 || !array(body.get("embeds")).is_empty() {
            problems.push("IS_COMPONENTS_V2 message has content or embeds".to_owned());
        }
        let total = count_components(components);
        if total > V2_COMPONENTS_MAX {
            problems.push(format!(
                "{total} components (max {V2_COMPONENTS_MAX} with IS_COMPONENTS_V2)"
            ));
        }
        let mut ids = Vec::new();
        collect_custom_ids(components, &mut ids);
        custom_ids(&mut problems, &ids);
    } else {
        action_rows(&mut problems, components);
    }
    problems
}

/// Discord's rules for `allowed_mentions`: known `parse` types, at most 100 ids a list, and a type in
/// `parse` excludes a list of the same type (Discord refuses the message).
fn allowed_mentions(problems: &mut Vec<String>, allowed: Option<&Value>) {
    let Some(allowed) = allowed.filter(|a| !a.is_null()) else {
        return;
    };
    if !allowed.is_object() {
        problems.push("allowed_mentions is not an object".to_owned());
        return;
    }
    let parse = array(allowed.get("parse"));
    for kind in parse {
        if !matches!(kind.as_str(), Some("everyone" | "roles" | "users")) {
            problems.push(format!("allowed_mentions.parse has an unknown type {kind}"));
        }
    }
    for key in ["users", "roles"] {
        let list = array(allowed.get(key));
        if list.len() > 100 {
            problems.push(format!(
                "allowed_mentions.{key} has {} ids (max 100)",
                list.len()
            ));
        }
        if !list.is_empty() && parse.iter().any(|k| k.as_str() == Some(key)) {
            problems.push(format!(
                "allowed_mentions.parse contains {key} and allowed_mentions.{key} is set: mutually exclusive"
            ));
        }
    }
}

fn embeds(problems: &mut Vec<String>, list: &[Value]) {
    if list.len() > EMBEDS_MAX {
        problems.push(format!("{} embeds (max {EMBEDS_MAX})", list.len()));
    }
    let mut total = 0;
    for (i, embed) in list.iter().enumerate() {
        let title = chars(embed.get("title"));
        let description = chars(embed.get("description"));
        let footer = chars(embed.get("footer").and_then(|f| f.get("text")));
        let author = chars(embed.get("author").and_then(|a| a.get("name")));
        check_len(
            problems,
            &format!("embeds[{i}].title"),
            title,
            EMBED_TITLE_MAX,
        );
        check_len(
            problems,
            &format!("embeds[{i}].description"),
            description,
            EMBED_DESCRIPTION_MAX,
        );
        check_len(
            problems,
            &format!("embeds[{i}].footer.text"),
            footer,
            EMBED_FOOTER_MAX,
        );
        check_len(
            problems,
            &format!("embeds[{i}].author.name"),
            author,
            EMBED_AUTHOR_MAX,
        );
        total += title + description + footer + author;
        let fields = array(embed.get("fields"));
        if fields.len() > EMBED_FIELDS_MAX {
            problems.push(format!(
                "embeds[{i}] has {} fields (max {EMBED_FIELDS_MAX})",
                fields.len()
            ));
        }
        for (j, field) in fields.iter().enumerate() {
            let name = chars(field.get("name"));
            let value = chars(field.get("value"));
            if name == 0 || value == 0 {
                problems.push(format!(
                    "embeds[{i}].fields[{j}] has an empty name or value"
                ));
            }
            check_len(
                problems,
                &format!("embeds[{i}].fields[{j}].name"),
                name,
                EMBED_FIELD_NAME_MAX,
            );
            check_len(
                problems,
                &format!("embeds[{i}].fields[{j}].value"),
                value,
                EMBED_FIELD_VALUE_MAX,
            );
            total += name + value;
        }
    }
    check_len(problems, "embeds in total", total, EMBED_TOTAL_MAX);
}

fn count_components(list: &[Value]) -> usize {
    list.iter()
        .map(|c| {
            let nested = count_components(array(c.get("components")))
                + c.get("accessory")
                    .map_or(0, |a| count_components(std::slice::from_ref(a)))
                + c.get("component")
                    .map_or(0, |a| count_components(std::slice::from_ref(a)));
            1 + nested
        })
        .sum()
}

fn collect_custom_ids(list: &[Value], out: &mut Vec<String>) {
    for c in list {
        if let Some(id) = c.get("custom_id") {
            out.push(id.as_str().unwrap_or_default().to_owned());
        }
        collect_custom_ids(array(c.get("components")), out);
        for key in ["accessory", "component"] {
            if let Some(inner) = c.get(key) {
                collect_custom_ids(std::slice::from_ref(inner), out);
            }
        }
    }
}

fn custom_ids(problems: &mut Vec<String>, ids: &[String]) {
    for (i, id) in ids.iter().enumerate() {
        let len = id.chars().count();
        if len == 0 || len > CUSTOM_ID_MAX {
            problems.push(format!(
                "custom_id {id:?} is {len} characters (must be 1..={CUSTOM_ID_MAX})"
            ));
        }
        if ids[..i].contains(id) {
            problems.push(format!("custom_id {id:?} is used twice in one message"));
        }
    }
}

fn action_rows(problems: &mut Vec<String>, rows: &[Value]) {
    if rows.len() > ACTION_ROWS_MAX {
        problems.push(format!(
            "{} action rows (max {ACTION_ROWS_MAX})",
            rows.len()
        ));
    }
    let mut ids = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.get("type").and_then(Value::as_u64) != Some(1) {
            problems.push(format!(
                "components[{i}] is not an action row (type {}); send IS_COMPONENTS_V2 for other layouts",
                row.get("type").unwrap_or(&Value::Null)
            ));
            continue;
        }
        let items = array(row.get("components"));
        let buttons = items.iter().filter(|c| kind(c) == 2).count();
        let selects = items
            .iter()
            .filter(|c| matches!(kind(c), 3 | 5..=8))
            .count();
        if items.is_empty() {
            problems.push(format!("action row {i} is empty"));
        }
        if buttons > ROW_BUTTONS_MAX {
            problems.push(format!(
                "action row {i} has {buttons} buttons (max {ROW_BUTTONS_MAX})"
            ));
        }
        if selects > 0 && items.len() > 1 {
            problems.push(format!(
                "action row {i} mixes a select menu with other components"
            ));
        }
        if buttons + selects < items.len() {
            problems.push(format!(
                "action row {i} holds a component that is neither button nor select"
            ));
        }
        for (j, item) in items.iter().enumerate() {
            match kind(item) {
                2 => button(problems, item, &format!("components[{i}][{j}]"), &mut ids),
                3 | 5..=8 => select(problems, item, &format!("components[{i}][{j}]"), &mut ids),
                _ => {}
            }
        }
    }
    custom_ids(problems, &ids);
}

fn kind(component: &Value) -> u64 {
    component.get("type").and_then(Value::as_u64).unwrap_or(0)
}

fn button(problems: &mut Vec<String>, b: &Value, at: &str, ids: &mut Vec<String>) {
    let style = b.get("style").and_then(Value::as_u64).unwrap_or(0);
    check_len(
        problems,
        &format!("{at}.label"),
        chars(b.get("label")),
        BUTTON_LABEL_MAX,
    );
    match style {
        1..=4 => match b.get("custom_id").and_then(Value::as_str) {
            Some(id) => ids.push(id.to_owned()),
            None => problems.push(format!("{at}: button of style {style} has no custom_id")),
        },
        5 => {
            if b.get("url").and_then(Value::as_str).is_none() || b.get("custom_id").is_some() {
                problems.push(format!("{at}: link button needs a url and no custom_id"));
            }
        }
        6 => {}
        _ => problems.push(format!("{at}: unknown button style {style}")),
    }
    if style != 6 && chars(b.get("label")) == 0 && b.get("emoji").is_none_or(Value::is_null) {
        problems.push(format!("{at}: button has neither label nor emoji"));
    }
}

fn select(problems: &mut Vec<String>, s: &Value, at: &str, ids: &mut Vec<String>) {
    match s.get("custom_id").and_then(Value::as_str) {
        Some(id) => ids.push(id.to_owned()),
        None => problems.push(format!("{at}: select menu has no custom_id")),
    }
    check_len(
        problems,
        &format!("{at}.placeholder"),
        chars(s.get("placeholder")),
        150,
    );
    if kind(s) == 3 {
        let options = array(s.get("options"));
        if options.is_empty() || options.len() > SELECT_OPTIONS_MAX {
            problems.push(format!(
                "{at}: {} options (must be 1..={SELECT_OPTIONS_MAX})",
                options.len()
            ));
        }
        for (k, option) in options.iter().enumerate() {
            for key in ["label", "value", "description"] {
                check_len(
                    problems,
                    &format!("{at}.options[{k}].{key}"),
                    chars(option.get(key)),
                    SELECT_OPTION_TEXT_MAX,
                );
            }
        }
    }
}

/// Problems in the `data` of a MODAL (type 9) callback.
pub fn modal(data: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let id = chars(data.get("custom_id"));
    if id == 0 || id > CUSTOM_ID_MAX {
        problems.push(format!(
            "modal custom_id is {id} characters (must be 1..={CUSTOM_ID_MAX})"
        ));
    }
    let title = chars(data.get("title"));
    if title == 0 || title > MODAL_TITLE_MAX {
        problems.push(format!(
            "modal title is {title} characters (must be 1..={MODAL_TITLE_MAX})"
        ));
    }
    let components = array(data.get("components"));
    if components.is_empty() || components.len() > MODAL_COMPONENTS_MAX {
        problems.push(format!(
            "modal has {} components (must be 1..={MODAL_COMPONENTS_MAX})",
            components.len()
        ));
    }
    let mut ids = Vec::new();
    for (i, top) in components.iter().enumerate() {
        let inputs: Vec<&Value> = match kind(top) {
            1 => {
                let items = array(top.get("components"));
                if items.len() != 1 || kind(&items[0]) != 4 {
                    problems.push(format!(
                        "modal components[{i}]: an action row must hold exactly one text input"
                    ));
                }
                items.iter().collect()
            }
            18 => {
                check_len(
                    &mut problems,
                    &format!("modal components[{i}].label"),
                    chars(top.get("label")),
                    TEXT_INPUT_LABEL_MAX,
                );
                check_len(
                    &mut problems,
                    &format!("modal components[{i}].description"),
                    chars(top.get("description")),
                    100,
                );
                top.get("component").into_iter().collect()
            }
            10 => Vec::new(),
            other => {
                problems.push(format!(
                    "modal components[{i}] has type {other}, not allowed in a modal"
                ));
                Vec::new()
            }
        };
        for input in inputs {
            if let Some(id) = input.get("custom_id") {
                ids.push(id.as_str().unwrap_or_default().to_owned());
            }
            if kind(input) == 3 {
                let options = array(input.get("options"));
                if options.is_empty() || options.len() > 25 {
                    problems.push(format!(
                        "modal components[{i}] select has {} options (must be 1..=25)",
                        options.len()
                    ));
                }
                for o in options {
                    for key in ["label", "value"] {
                        check_len(
                            &mut problems,
                            &format!("modal components[{i}] select option {key}"),
                            chars(o.get(key)),
                            100,
                        );
                    }
                }
            }
            if kind(input) == 4 {
                check_len(
                    &mut problems,
                    &format!("modal components[{i}] text input label"),
                    chars(input.get("label")),
                    TEXT_INPUT_LABEL_MAX,
                );
                check_len(
                    &mut problems,
                    &format!("modal components[{i}] text input value"),
                    chars(input.get("value")),
                    TEXT_INPUT_VALUE_MAX,
                );
                check_len(
                    &mut problems,
                    &format!("modal components[{i}] text input placeholder"),
                    chars(input.get("placeholder")),
                    100,
                );
            }
        }
    }
    custom_ids(&mut problems, &ids);
    problems
}

/// Problems with answering an interaction of `interaction_kind` with `response`
/// (`{"type": N, "data": {...}}`).
pub fn callback(response: &Value, interaction_kind: u8) -> Vec<String> {
    let mut problems = Vec::new();
    let kind = response.get("type").and_then(Value::as_u64).unwrap_or(0);
    let data = response.get("data").filter(|d| !d.is_null());
    let component_like = matches!(interaction_kind, 3 | 5);
    match kind {
        4 => match data {
            Some(data) => {
                problems.extend(message(data));
                if is_empty_message(data, false) {
                    problems.push("CHANNEL_MESSAGE_WITH_SOURCE with an empty message".to_owned());
                }
            }
            None => problems.push("CHANNEL_MESSAGE_WITH_SOURCE without data".to_owned()),
        },
        5 => {
            let flags = data
                .and_then(|d| d.get("flags"))
                .and_then(Value::as_u64)
                .unwrap_or(0);
            if flags & !EPHEMERAL != 0 {
                problems.push(format!(
                    "DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE flags {flags}: only EPHEMERAL allowed"
                ));
            }
        }
        6 if !component_like => problems.push(
            "DEFERRED_UPDATE_MESSAGE answers only component or modal interactions".to_owned(),
        ),
        6 => {}
        7 if !component_like => {
            problems.push("UPDATE_MESSAGE answers only component or modal interactions".to_owned())
        }
        7 => match data {
            Some(data) => problems.extend(message(data)),
            None => problems.push("UPDATE_MESSAGE without data".to_owned()),
        },
        8 if interaction_kind != 4 => {
            problems.push("AUTOCOMPLETE_RESULT answers only autocomplete interactions".to_owned())
        }
        8 => {
            let choices = array(data.and_then(|d| d.get("choices")));
            if choices.len() > SELECT_OPTIONS_MAX {
                problems.push(format!("{} autocomplete choices (max 25)", choices.len()));
            }
        }
        9 if matches!(interaction_kind, 4 | 5) => {
            problems.push("MODAL cannot answer a modal submit or autocomplete".to_owned())
        }
        9 => match data {
            Some(data) => problems.extend(modal(data)),
            None => problems.push("MODAL without data".to_owned()),
        },
        1 => problems
            .push("PONG is only for HTTP-endpoint pings, not gateway interactions".to_owned()),
        other => problems.push(format!("unknown interaction response type {other}")),
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn buttons(n: usize) -> Value {
        let row: Vec<Value> = (0..n)
            .map(|i| json!({"type": 2, "style": 1, "label": "x", "custom_id": format!("b{i}")}))
            .collect();
        json!({"type": 1, "components": row})
    }

    #[test]
    fn accepts_a_normal_message() {
        let body = json!({"content": "hi", "embeds": [{"title": "t", "fields": [{"name": "a", "value": "b"}]}],
                          "components": [buttons(5)], "flags": 64});
        assert!(message(&body).is_empty(), "{:?}", message(&body));
    }

    #[test]
    fn rejects_each_limit() {
        assert_eq!(message(&json!({"content": "x".repeat(2001)})).len(), 1);
        assert_eq!(message(&json!({"components": [buttons(6)]})).len(), 1);
        let rows: Vec<Value> = (0..6)
            .map(|_| {
                json!({"type": 1, "components": [
            {"type": 2, "style": 5, "label": "l", "url": "https://x"}]})
            })
            .collect();
        assert_eq!(message(&json!({"components": rows})).len(), 1);
        let long_id = json!({"type": 1, "components": [{"type": 2, "style": 1, "label": "l", "custom_id": "i".repeat(101)}]});
        assert_eq!(message(&json!({"components": [long_id]})).len(), 1);
        let big = json!({"embeds": [{"description": "d".repeat(4000)}, {"description": "d".repeat(2001)}]});
        assert_eq!(message(&big).len(), 1);
        let fields: Vec<Value> = (0..26)
            .map(|_| json!({"name": "n", "value": "v"}))
            .collect();
        assert_eq!(message(&json!({"embeds": [{"fields": fields}]})).len(), 1);
    }

    #[test]
    fn checks_modals_and_callback_types() {
        let ok = json!({"type": 9, "data": {"custom_id": "m", "title": "Apply", "components": [
            {"type": 18, "label": "Why?", "component": {"type": 4, "custom_id": "why", "style": 2}}]}});
        assert!(callback(&ok, 2).is_empty());
        assert_eq!(callback(&ok, 5).len(), 1);
        let long = json!({"type": 9, "data": {"custom_id": "m", "title": "t".repeat(46), "components": []}});
        assert_eq!(callback(&long, 2).len(), 2);
        assert_eq!(callback(&json!({"type": 6}), 2).len(), 1);
        assert!(callback(&json!({"type": 5, "data": {"flags": 64}}), 2).is_empty());
    }
}
