//! Discord's text as HTML: everything escaped, then a little of Discord's markdown (code blocks,
//! inline code, bold) and its mentions (`<@id>`, `<#id>`, `<@&id>`, `<t:secs>`) shown as names.

use crate::FakeDiscord;
use chrono::DateTime;

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, for HTML text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A message's text as HTML (to be shown with `white-space: pre-wrap`).
pub(crate) fn rich(fake: &FakeDiscord, text: &str) -> String {
    let mut out = String::new();
    alternate(
        &mut out,
        text,
        "```",
        |out, block| {
            // A first line without spaces names the language.
            let body = match block.split_once('\n') {
                Some((language, body)) if !language.contains(' ') => body,
                _ => block,
            };
            out.push_str("<pre>");
            out.push_str(&escape(body.trim_end_matches('\n')));
            out.push_str("</pre>");
        },
        |out, prose| {
            alternate(
                out,
                prose,
                "`",
                |out, code| {
                    out.push_str("<code>");
                    out.push_str(&escape(code));
                    out.push_str("</code>");
                },
                |out, plain| bold(out, fake, plain),
            );
        },
    );
    out
}

/// Splits `text` on `fence`: the parts between pairs of fences go to `inside`, the others to
/// `outside`. An unpaired fence is kept as text.
fn alternate(
    out: &mut String,
    text: &str,
    fence: &str,
    inside: impl Fn(&mut String, &str),
    outside: impl Fn(&mut String, &str),
) {
    let parts: Vec<&str> = text.split(fence).collect();
    let last = parts.len() - 1;
    // An odd number of fences: the last one pairs with none.
    let unpaired = last % 2 == 1;
    for (n, part) in parts.iter().enumerate() {
        if unpaired && n == last {
            out.push_str(&escape(fence));
            outside(out, part);
        } else if n % 2 == 1 {
            inside(out, part);
        } else {
            outside(out, part);
        }
    }
}

fn bold(out: &mut String, fake: &FakeDiscord, text: &str) {
    let parts: Vec<&str> = text.split("**").collect();
    let balanced = parts.len() % 2 == 1;
    for (n, part) in parts.iter().enumerate() {
        if n > 0 {
            out.push_str(match (balanced, n % 2) {
                (false, _) => "**",
                (true, 1) => "<b>",
                (true, _) => "</b>",
            });
        }
        mentions(out, fake, part);
    }
}

/// Escapes `text`, showing mentions as names.
fn mentions(out: &mut String, fake: &FakeDiscord, text: &str) {
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&escape(&rest[..start]));
        let tail = &rest[start..];
        match tail
            .find('>')
            .and_then(|end| Some((mention(fake, &tail[1..end])?, end)))
        {
            Some((shown, end)) => {
                out.push_str("<span class=\"mention\">");
                out.push_str(&escape(&shown));
                out.push_str("</span>");
                rest = &tail[end + 1..];
            }
            None => {
                out.push_str("&lt;");
                rest = &tail[1..];
            }
        }
    }
    out.push_str(&escape(rest));
}

/// How Discord shows the mention written `<inner>`, if it is one.
fn mention(fake: &FakeDiscord, inner: &str) -> Option<String> {
    let id = |s: &str| s.parse::<u64>().ok();
    if let Some(role) = inner.strip_prefix("@&") {
        return id(role).map(|_| "@role".to_owned());
    }
    if let Some(user) = inner.strip_prefix('@') {
        let user = id(user.strip_prefix('!').unwrap_or(user))?;
        let name = fake
            .username(user)
            .unwrap_or_else(|| "unknown-user".to_owned());
        return Some(format!("@{name}"));
    }
    if let Some(channel) = inner.strip_prefix('#') {
        let channel = id(channel)?;
        let name = fake
            .channel_name(channel)
            .unwrap_or_else(|| "unknown".to_owned());
        return Some(format!("#{name}"));
    }
    if let Some(time) = inner.strip_prefix("t:") {
        let secs = time.split(':').next().and_then(|s| s.parse::<i64>().ok())?;
        let at = DateTime::from_timestamp(secs, 0)?;
        return Some(at.format("%Y-%m-%d %H:%M UTC").to_string());
    }
    // Custom emoji: <:name:id> or <a:name:id>.
    let emoji = inner
        .strip_prefix("a:")
        .or_else(|| inner.strip_prefix(':'))?;
    let (name, emoji_id) = emoji.split_once(':')?;
    id(emoji_id).map(|_| format!(":{name}:"))
}
