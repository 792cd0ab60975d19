//! One message as HTML: a member's words, or a bot message with its embeds, files and
//! components — buttons and string selects as forms that post the click back as an interaction.

use super::{
    Play,
    markup::{escape, rich},
};
use crate::{MemberMessage, SentMessage};
use serde_json::Value;
use std::fmt::Write as _;

fn text<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn list<'v>(value: &'v Value, key: &str) -> &'v [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// What a member said.
pub(crate) fn said(play: &Play, m: &MemberMessage, viewer: u64) -> String {
    let mine = if m.author_id == viewer { " mine" } else { "" };
    format!(
        "<div class=\"msg{mine}\"><div class=\"who\"><span class=\"name\">{}</span></div><div class=\"text\">{}</div></div>",
        escape(&m.author),
        rich(&play.fake, &m.content)
    )
}

/// A message from the bot, as `viewer` sees it.
pub(crate) fn bot(play: &Play, m: &SentMessage, viewer: u64) -> String {
    let mut out = String::from("<div class=\"msg bot\"><div class=\"who\">");
    out.push_str("<span class=\"name\">Studio</span><span class=\"tag\">APP</span>");
    if let Some(info) = m.interaction_id.and_then(|id| play.fake.interaction(id)) {
        let who = info
            .user_id
            .and_then(|u| play.fake.username(u))
            .unwrap_or_else(|| "someone".to_owned());
        let _ = write!(
            out,
            "<span class=\"context\">↳ answers {} · {}</span>",
            escape(&who),
            escape(&info.label)
        );
    }
    out.push_str("</div>");
    let message = &m.message;
    if m.loading() {
        out.push_str("<div class=\"thinking\">Studio is thinking…</div>");
    }
    if !m.content.is_empty() {
        let _ = write!(
            out,
            "<div class=\"text\">{}</div>",
            rich(&play.fake, &m.content)
        );
    }
    let files = list(message, "attachments");
    let mut shown_inline: Vec<usize> = Vec::new();
    for embed in list(message, "embeds") {
        out.push_str(&self::embed(play, m, viewer, embed, &mut shown_inline));
    }
    components(
        &mut out,
        play,
        m,
        viewer,
        list(message, "components"),
        &mut shown_inline,
    );
    for (n, file) in files.iter().enumerate() {
        if !shown_inline.contains(&n) {
            out.push_str(&attachment(m, viewer, n, text(file, "filename")));
        }
    }
    let mut notes = Vec::new();
    if m.ephemeral() {
        notes.push("👁 Only you can see this");
    }
    if !message.get("edited_timestamp").is_none_or(Value::is_null) {
        notes.push("(edited)");
    }
    if !notes.is_empty() {
        let _ = write!(out, "<div class=\"private\">{}</div>", notes.join(" · "));
    }
    out.push_str("</div>");
    out
}

/// The index of the file an `attachment://name` URL names.
fn attached(m: &SentMessage, url: &str) -> Option<usize> {
    let name = url.strip_prefix("attachment://")?;
    m.attachments.iter().position(|a| a.filename == name)
}

fn attachment(m: &SentMessage, viewer: u64, n: usize, filename: &str) -> String {
    let url = format!("/as/{viewer}/attachment/{}/{n}", m.id);
    if filename.ends_with(".png") {
        format!(
            "<img class=\"file\" src=\"{url}\" alt=\"{}\">",
            escape(filename)
        )
    } else {
        let size = m.attachments.get(n).map_or(0, |a| a.content.len());
        format!(
            "<a class=\"file\" href=\"{url}\">📎 {} ({size} bytes)</a>",
            escape(filename)
        )
    }
}

/// An image the bot points at: a file of the message, shown inline; other URLs are named.
fn image(m: &SentMessage, viewer: u64, url: &str, shown_inline: &mut Vec<usize>) -> String {
    match attached(m, url) {
        Some(n) => {
            shown_inline.push(n);
            let filename = m.attachments.get(n).map(|a| a.filename.as_str());
            attachment(m, viewer, n, filename.unwrap_or_default())
        }
        None if url.is_empty() => String::new(),
        None => format!("<div class=\"footer\">image: {}</div>", escape(url)),
    }
}

fn embed(
    play: &Play,
    m: &SentMessage,
    viewer: u64,
    embed: &Value,
    shown_inline: &mut Vec<usize>,
) -> String {
    let colour = embed
        .get("color")
        .and_then(Value::as_u64)
        .map_or_else(|| "#4e5058".to_owned(), |c| format!("#{c:06x}"));
    let mut out = format!("<div class=\"embed\" style=\"border-color:{colour}\">");
    if let Some(author) = embed.get("author") {
        let _ = write!(
            out,
            "<div class=\"footer\">{}</div>",
            escape(text(author, "name"))
        );
    }
    let title = text(embed, "title");
    if !title.is_empty() {
        let _ = write!(
            out,
            "<div class=\"title\">{}</div>",
            rich(&play.fake, title)
        );
    }
    let description = text(embed, "description");
    if !description.is_empty() {
        let _ = write!(
            out,
            "<div class=\"text\">{}</div>",
            rich(&play.fake, description)
        );
    }
    let fields = list(embed, "fields");
    if !fields.is_empty() {
        out.push_str("<div class=\"fields\">");
        for field in fields {
            let inline = if field.get("inline").and_then(Value::as_bool) == Some(true) {
                " inline"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<div class=\"field{inline}\"><div class=\"fname\">{}</div><div class=\"text\">{}</div></div>",
                rich(&play.fake, text(field, "name")),
                rich(&play.fake, text(field, "value"))
            );
        }
        out.push_str("</div>");
    }
    for key in ["thumbnail", "image"] {
        if let Some(url) = embed.get(key).map(|i| text(i, "url")) {
            out.push_str(&image(m, viewer, url, shown_inline));
        }
    }
    if let Some(footer) = embed.get("footer") {
        let _ = write!(
            out,
            "<div class=\"footer\">{}</div>",
            escape(text(footer, "text"))
        );
    }
    out.push_str("</div>");
    out
}

/// Hidden inputs naming the message and the component a form acts on.
fn hidden(m: &SentMessage, component: &Value) -> String {
    format!(
        "<input type=\"hidden\" name=\"message\" value=\"{}\"><input type=\"hidden\" name=\"custom_id\" value=\"{}\">",
        m.id,
        escape(text(component, "custom_id"))
    )
}

fn disabled(component: &Value) -> &'static str {
    if component.get("disabled").and_then(Value::as_bool) == Some(true) {
        " disabled"
    } else {
        ""
    }
}

fn button(m: &SentMessage, viewer: u64, button: &Value) -> String {
    let style = button.get("style").and_then(Value::as_u64).unwrap_or(2);
    let emoji = button
        .get("emoji")
        .map(|e| text(e, "name"))
        .filter(|e| !e.is_empty())
        .map(|e| format!("{} ", escape(e)))
        .unwrap_or_default();
    let label = format!("{emoji}{}", escape(text(button, "label")));
    match style {
        5 => format!(
            "<a class=\"btn s5\" href=\"{}\" rel=\"noopener noreferrer\">{label} ↗</a>",
            escape(text(button, "url"))
        ),
        6 => String::new(),
        _ => format!(
            "<form method=\"post\" action=\"/as/{viewer}/click\">{}<button type=\"submit\" class=\"btn s{style}\"{}>{label}</button></form>",
            hidden(m, button),
            disabled(button)
        ),
    }
}

fn select(play: &Play, m: &SentMessage, viewer: u64, select: &Value) -> String {
    let max = select
        .get("max_values")
        .and_then(Value::as_u64)
        .unwrap_or(1);
    let multiple = if max > 1 { " multiple" } else { "" };
    let mut out = format!(
        "<form method=\"post\" action=\"/as/{viewer}/select\" class=\"select\">{}<select name=\"values\"{multiple}{} aria-label=\"{}\">",
        hidden(m, select),
        disabled(select),
        escape(text(select, "placeholder"))
    );
    let options: Vec<(String, String, bool)> = match select.get("type").and_then(Value::as_u64) {
        // A user select: the guild's members.
        Some(5) => play
            .fake
            .members(play.guild)
            .into_iter()
            .filter(|u| !u.bot)
            .map(|u| (u.username, u.user_id.to_string(), false))
            .collect(),
        _ => list(select, "options")
            .iter()
            .map(|o| {
                let description = text(o, "description");
                let label = if description.is_empty() {
                    text(o, "label").to_owned()
                } else {
                    format!("{} — {description}", text(o, "label"))
                };
                let default = o.get("default").and_then(Value::as_bool) == Some(true);
                (label, text(o, "value").to_owned(), default)
            })
            .collect(),
    };
    if multiple.is_empty() {
        let _ = write!(
            out,
            "<option value=\"\" disabled selected>{}</option>",
            escape(match text(select, "placeholder") {
                "" => "Make a selection",
                p => p,
            })
        );
    }
    for (label, value, default) in options {
        let selected = if default { " selected" } else { "" };
        let _ = write!(
            out,
            "<option value=\"{}\"{selected}>{}</option>",
            escape(&value),
            escape(&label)
        );
    }
    let _ = write!(
        out,
        "</select><button type=\"submit\" class=\"btn s2\"{}>Choose</button></form>",
        disabled(select)
    );
    out
}

/// Components (rows, buttons, selects, and the layout components of Discord's newer messages).
fn components(
    out: &mut String,
    play: &Play,
    m: &SentMessage,
    viewer: u64,
    list_: &[Value],
    shown_inline: &mut Vec<usize>,
) {
    for component in list_ {
        match component.get("type").and_then(Value::as_u64) {
            Some(1) => {
                out.push_str("<div class=\"row\">");
                components(out, play, m, viewer, list(component, "components"), shown_inline);
                out.push_str("</div>");
            }
            Some(2) => out.push_str(&button(m, viewer, component)),
            Some(3 | 5) => out.push_str(&select(play, m, viewer, component)),
            Some(6..=8) => out.push_str(
                "<div class=\"footer\">(a role or channel picker: not available on this page)</div>",
            ),
            Some(9) => {
                out.push_str("<div class=\"section\"><div>");
                components(out, play, m, viewer, list(component, "components"), shown_inline);
                out.push_str("</div>");
                if let Some(accessory) = component.get("accessory") {
                    components(out, play, m, viewer, std::slice::from_ref(accessory), shown_inline);
                }
                out.push_str("</div>");
            }
            Some(10) => {
                let _ = write!(
                    out,
                    "<div class=\"text\">{}</div>",
                    rich(&play.fake, text(component, "content"))
                );
            }
            Some(11 | 13) => {
                let url = component.get("media").or_else(|| component.get("file"));
                out.push_str(&image(m, viewer, url.map_or("", |u| text(u, "url")), shown_inline));
            }
            Some(12) => {
                for item in list(component, "items") {
                    let url = item.get("media").map_or("", |u| text(u, "url"));
                    out.push_str(&image(m, viewer, url, shown_inline));
                }
            }
            Some(14) => out.push_str("<hr>"),
            Some(17) => {
                out.push_str("<div class=\"embed\">");
                components(out, play, m, viewer, list(component, "components"), shown_inline);
                out.push_str("</div>");
            }
            _ => {}
        }
    }
}

/// The component `custom_id` on `message`, if it has one.
pub(crate) fn find<'v>(message: &'v Value, custom_id: &str) -> Option<&'v Value> {
    fn walk<'v>(list: &'v [Value], custom_id: &str) -> Option<&'v Value> {
        list.iter().find_map(|c| {
            if c.get("custom_id").and_then(Value::as_str) == Some(custom_id) {
                return Some(c);
            }
            let nested = c.get("components").and_then(Value::as_array);
            nested
                .and_then(|n| walk(n, custom_id))
                .or_else(|| walk(std::slice::from_ref(c.get("accessory")?), custom_id))
        })
    }
    walk(list(message, "components"), custom_id)
}
