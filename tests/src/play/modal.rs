//! The forms (modals) the bot opens: shown as an HTML form with the inputs Discord would show
//! (labels, placeholders, required, lengths, menus), checked as Discord's client checks them, and
//! sent back as a modal submit.

use super::markup::{escape, rich};
use crate::FakeDiscord;
use serde_json::Value;
use std::fmt::Write as _;

fn text<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn number(value: &Value, key: &str) -> Option<u64> {
    value.get(key).and_then(Value::as_u64)
}

/// One input of a form: a text input (type 4) or a string select (type 3).
pub(crate) struct Field {
    pub custom_id: String,
    label: String,
    description: String,
    input: Value,
    select: bool,
}

impl Field {
    fn required(&self) -> bool {
        if self.select {
            number(&self.input, "min_values").unwrap_or(1) > 0
                && self.input.get("required").and_then(Value::as_bool) != Some(false)
        } else {
            self.input.get("required").and_then(Value::as_bool) != Some(false)
        }
    }

    /// Why `value` cannot be sent, if it cannot.
    fn problem(&self, value: &str) -> Option<String> {
        let label = &self.label;
        if value.is_empty() {
            return self.required().then(|| format!("“{label}” is required."));
        }
        if self.select {
            let known = self
                .input
                .get("options")
                .and_then(Value::as_array)
                .is_some_and(|o| o.iter().any(|o| text(o, "value") == value));
            return (!known).then(|| format!("“{label}”: choose one of the options."));
        }
        let chars = value.chars().count() as u64;
        if let Some(min) = number(&self.input, "min_length").filter(|&min| chars < min) {
            return Some(format!("“{label}” needs at least {min} characters."));
        }
        if let Some(max) = number(&self.input, "max_length").filter(|&max| chars > max) {
            return Some(format!("“{label}” takes at most {max} characters."));
        }
        None
    }
}

/// A form's parts in order: text to read, or a field.
enum Part {
    Text(String),
    Field(Field),
}

fn parts(body: &Value) -> Vec<Part> {
    let components = body
        .pointer("/data/components")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut parts = Vec::new();
    for component in components {
        match component.get("type").and_then(Value::as_u64) {
            // Legacy: an action row holding a text input that carries its own label.
            Some(1) => {
                let inputs = component.get("components").and_then(Value::as_array);
                for input in inputs.into_iter().flatten() {
                    parts.push(Part::Field(Field {
                        custom_id: text(input, "custom_id").to_owned(),
                        label: text(input, "label").to_owned(),
                        description: String::new(),
                        input: input.clone(),
                        select: input.get("type").and_then(Value::as_u64) == Some(3),
                    }));
                }
            }
            Some(18) => {
                let Some(input) = component.get("component") else {
                    continue;
                };
                parts.push(Part::Field(Field {
                    custom_id: text(input, "custom_id").to_owned(),
                    label: text(component, "label").to_owned(),
                    description: text(component, "description").to_owned(),
                    input: input.clone(),
                    select: input.get("type").and_then(Value::as_u64) == Some(3),
                }));
            }
            Some(10) => parts.push(Part::Text(text(component, "content").to_owned())),
            _ => {}
        }
    }
    parts
}

/// The form's fields, in order.
pub(crate) fn fields(body: &Value) -> Vec<Field> {
    parts(body)
        .into_iter()
        .filter_map(|p| match p {
            Part::Field(f) => Some(f),
            Part::Text(_) => None,
        })
        .collect()
}

/// The modal's custom id.
pub(crate) fn custom_id(body: &Value) -> &str {
    body.pointer("/data/custom_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// What to send for `submitted` (form field `field:<custom_id>` → value), or why not.
pub(crate) fn answers(
    body: &Value,
    submitted: &[(String, String)],
) -> Result<Vec<(String, String)>, String> {
    let mut answers = Vec::new();
    for field in fields(body) {
        let key = format!("field:{}", field.custom_id);
        let value = submitted
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.replace("\r\n", "\n"))
            .unwrap_or_default();
        if let Some(problem) = field.problem(&value) {
            return Err(problem);
        }
        // An empty menu is left out; an empty text input is sent empty, as Discord does.
        if !(field.select && value.is_empty()) {
            answers.push((field.custom_id, value));
        }
    }
    Ok(answers)
}

/// The form as HTML, posting to `/as/{viewer}/modal`.
pub(crate) fn render(fake: &FakeDiscord, viewer: u64, body: &Value) -> String {
    let title = body
        .pointer("/data/title")
        .and_then(Value::as_str)
        .unwrap_or("Form");
    let mut out = format!(
        "<div class=\"modal\"><div class=\"title\">{}</div><form method=\"post\" action=\"/as/{viewer}/modal\"><input type=\"hidden\" name=\"custom_id\" value=\"{}\">",
        escape(title),
        escape(custom_id(body))
    );
    for part in parts(body) {
        match part {
            Part::Text(content) => {
                let _ = write!(out, "<div class=\"text\">{}</div>", rich(fake, &content));
            }
            Part::Field(field) => out.push_str(&input(&field)),
        }
    }
    out.push_str(
        "<div class=\"row\"><button type=\"submit\" class=\"btn s1\">Submit</button></div></form>",
    );
    let _ = write!(
        out,
        "<form method=\"post\" action=\"/as/{viewer}/dismiss\"><button type=\"submit\" class=\"btn s2\">Cancel</button></form></div>"
    );
    out
}

fn input(field: &Field) -> String {
    let id = escape(&format!("field:{}", field.custom_id));
    let required = if field.required() { " required" } else { "" };
    let star = if field.required() {
        " <span class=\"req\">*</span>"
    } else {
        ""
    };
    let mut out = format!("<label for=\"{id}\">{}{star}</label>", escape(&field.label));
    if !field.description.is_empty() {
        let _ = write!(
            out,
            "<div class=\"footer\">{}</div>",
            escape(&field.description)
        );
    }
    let input = &field.input;
    let placeholder = escape(text(input, "placeholder"));
    if field.select {
        let _ = write!(
            out,
            "<select id=\"{id}\" name=\"{id}\"{required}><option value=\"\">{}</option>",
            match placeholder.as_str() {
                "" => "Make a selection",
                p => p,
            }
        );
        for option in input
            .get("options")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let selected = if option.get("default").and_then(Value::as_bool) == Some(true) {
                " selected"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<option value=\"{}\"{selected}>{}</option>",
                escape(text(option, "value")),
                escape(text(option, "label"))
            );
        }
        out.push_str("</select>");
        return out;
    }
    let mut limits = String::new();
    if let Some(min) = number(input, "min_length") {
        let _ = write!(limits, " minlength=\"{min}\"");
    }
    if let Some(max) = number(input, "max_length") {
        let _ = write!(limits, " maxlength=\"{max}\"");
    }
    let value = escape(text(input, "value"));
    if number(input, "style") == Some(2) {
        let _ = write!(
            out,
            "<textarea id=\"{id}\" name=\"{id}\" rows=\"5\" placeholder=\"{placeholder}\"{limits}{required}>{value}</textarea>"
        );
    } else {
        let _ = write!(
            out,
            "<input type=\"text\" id=\"{id}\" name=\"{id}\" placeholder=\"{placeholder}\" value=\"{value}\"{limits}{required}>"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form() -> Value {
        json!({"type": 9, "data": {"custom_id": "f:sell", "title": "Sell <code>", "components": [
            {"type": 18, "label": "Title", "component": {"type": 4, "custom_id": "title", "style": 1,
             "min_length": 3, "max_length": 10, "placeholder": "A <name>"}},
            {"type": 18, "label": "Language", "component": {"type": 3, "custom_id": "language",
             "options": [{"label": "Rust", "value": "rust"}]}},
            {"type": 1, "components": [{"type": 4, "custom_id": "note", "label": "Note", "style": 2,
             "required": false}]}]}})
    }

    #[test]
    fn answers_are_checked_like_discord_does() {
        let sent = |pairs: &[(&str, &str)]| {
            let pairs: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| (format!("field:{k}"), (*v).to_owned()))
                .collect();
            answers(&form(), &pairs)
        };
        assert_eq!(
            sent(&[("title", "Grid"), ("language", "rust")]),
            Ok(vec![
                ("title".to_owned(), "Grid".to_owned()),
                ("language".to_owned(), "rust".to_owned()),
                ("note".to_owned(), String::new()),
            ])
        );
        assert!(
            sent(&[("title", "Gr"), ("language", "rust")]).is_err_and(|e| e.contains("at least 3"))
        );
        assert!(sent(&[("title", "Grid")]).is_err_and(|e| e.contains("“Language” is required")));
        assert!(
            sent(&[("title", "Grid"), ("language", "cobol")])
                .is_err_and(|e| e.contains("choose one"))
        );
    }
}
