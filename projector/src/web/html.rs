//! The pages' HTML, pure: [`escape`], the one function every piece of text goes through before it
//! reaches a page (member text above all: titles, descriptions, reviews, skills, team names,
//! memos); [`encode`] for what goes into a URL; links, tabs and pagers; and [`page`], the layout
//! every page shares (a viewport for phones, a small inline style sheet, no JavaScript).

use chrono::{DateTime, Utc};
use std::fmt::Write as _;
use studio_schema::{GuildId, UserId};

/// Text made safe to place in HTML, between tags or in a quoted attribute.
#[must_use]
pub fn escape(text: &str) -> String {
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

/// `component` percent-encoded for a URL's path segment or query value (every byte but the
/// unreserved `A-Z a-z 0-9 - . _ ~`).
#[must_use]
pub fn encode(component: &str) -> String {
    let mut out = String::with_capacity(component.len());
    for b in component.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A link to `href` (a URL this module's callers built) reading `text`.
#[must_use]
pub fn link(href: &str, text: &str) -> String {
    format!("<a href=\"{}\">{}</a>", escape(href), escape(text))
}

/// A member as the pages name them (Studio keeps no names: Discord sends them with each
/// interaction, and they are never stored), linked to their page.
#[must_use]
pub fn member(guild: GuildId, user: UserId) -> String {
    link(
        &format!("/g/{guild}/member/{user}"),
        &format!("member {user}"),
    )
}

/// A row of tabs: `(href, label, current)`.
#[must_use]
pub fn tabs(items: &[(String, &str, bool)]) -> String {
    let mut out = String::from("<p class=\"tabs\">");
    for (href, label, current) in items {
        if *current {
            let _ = write!(
                out,
                "<a class=\"on\" aria-current=\"page\" href=\"{}\">{}</a>",
                escape(href),
                escape(label)
            );
        } else {
            out.push_str(&link(href, label));
        }
    }
    out.push_str("</p>");
    out
}

/// Pages of `size` that `total` rows fill (at least one).
#[must_use]
pub fn pages(total: i64, size: i64) -> i64 {
    ((total + size - 1) / size.max(1)).max(1)
}

/// "Page n of m" with links to the previous and next pages; `href(n)` is page n's URL.
#[must_use]
pub fn pager(page: u32, total: i64, size: i64, href: impl Fn(u32) -> String) -> String {
    let last = pages(total, size);
    let mut out = String::from("<nav class=\"pages\">");
    if page > 1 {
        out.push_str(&link(&href(page - 1), "◀ Previous"));
    } else {
        out.push_str("<span></span>");
    }
    let _ = write!(out, "<span class=\"m\">Page {page} of {last}</span>");
    if i64::from(page) < last {
        out.push_str(&link(&href(page + 1), "Next ▶"));
    } else {
        out.push_str("<span></span>");
    }
    out.push_str("</nav>");
    out
}

/// Stars out of five, e.g. `★★★★☆`.
#[must_use]
pub fn stars(n: i64) -> String {
    let full = usize::try_from(n.clamp(0, 5)).unwrap_or(0);
    format!("{}{}", "★".repeat(full), "☆".repeat(5 - full))
}

/// A listing's or a seller's rating: `★ 4.0 (2 reviews)`, or that nobody reviewed yet.
#[must_use]
pub fn rating(sum: i64, count: i64) -> String {
    if count <= 0 {
        return "no reviews yet".to_owned();
    }
    #[allow(clippy::cast_precision_loss)]
    let average = sum as f64 / count as f64;
    let noun = if count == 1 { "review" } else { "reviews" };
    format!("★ {average:.1} ({count} {noun})")
}

/// A moment as the pages show it (UTC).
#[must_use]
pub fn time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// The style sheet: small, inline, readable on a phone, light or dark as the reader's is.
const STYLE: &str = "\
:root{color-scheme:light dark;--a:#5865f2;--m:#6b7280;--b:#9ca3af55}\
*{box-sizing:border-box}\
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}\
header{background:var(--a);padding:.6rem 1rem}\
header a{color:#fff;margin-right:1rem;text-decoration:none;font-weight:600}\
main{max-width:46rem;margin:0 auto;padding:.8rem 1rem 2rem}\
h1{font-size:1.35rem;margin:.3rem 0 .8rem}h2{font-size:1.1rem;margin:1.4rem 0 .4rem}\
a{color:var(--a)}\
table{width:100%;border-collapse:collapse}\
th,td{padding:.4rem .3rem;border-bottom:1px solid var(--b);text-align:left;vertical-align:top}\
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.t{white-space:nowrap}\
.tabs a{display:inline-block;padding:.25rem .7rem;margin:0 .3rem .4rem 0;border:1px solid var(--b);border-radius:1rem;text-decoration:none}\
.tabs a.on{background:var(--a);color:#fff;border-color:var(--a)}\
.m{color:var(--m);font-size:.9rem}\
.card{border:1px solid var(--b);border-radius:.5rem;padding:.6rem .8rem;margin:.6rem 0}\
.card h3{font-size:1rem;margin:0 0 .2rem}\
.bar{height:.5rem;background:var(--b);border-radius:.3rem;overflow:hidden}\
.bar i{display:block;height:100%;background:var(--a)}\
.scroll{overflow-x:auto}\
.text{white-space:pre-wrap;overflow-wrap:anywhere}\
dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem 1rem;margin:0}dt{color:var(--m)}dd{margin:0}\
nav.pages{display:flex;justify-content:space-between;align-items:center;margin-top:1rem}";

/// A whole page: `title` (text, escaped here), the navigation (a guild's pages when `guild` is
/// given) and `body` (HTML its page built with [`escape`]).
#[must_use]
pub fn page(title: &str, guild: Option<GuildId>, body: &str) -> String {
    let mut nav = link("/", "Studio");
    if let Some(guild) = guild {
        nav.push_str(&link(&format!("/g/{guild}/leaderboard"), "Leaderboard"));
        nav.push_str(&link(&format!("/g/{guild}/market"), "Market"));
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Studio</title><style>{STYLE}</style></head>\
         <body><header><nav>{nav}</nav></header><main><h1>{title}</h1>\n{body}\n</main></body></html>\n",
        title = escape(title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_shown_not_run() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        let page = page("<b>Title</b>", Some(GuildId(7)), "<p>ok</p>");
        assert!(page.contains("<h1>&lt;b&gt;Title&lt;/b&gt;</h1>"), "{page}");
        assert!(page.contains("name=\"viewport\""));
        assert!(!page.contains("<script"));
    }

    #[test]
    fn url_components_are_percent_encoded() {
        assert_eq!(encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(encode("member:1001"), "member%3A1001");
        assert_eq!(encode("Tok-en_1.~"), "Tok-en_1.~");
    }

    #[test]
    fn pagers_link_only_to_pages_that_exist() {
        let href = |n| format!("/x?page={n}");
        let first = pager(1, 25, 10, href);
        assert!(first.contains("Page 1 of 3") && first.contains("/x?page=2"));
        assert!(!first.contains("page=0"));
        let last = pager(3, 25, 10, href);
        assert!(last.contains("/x?page=2") && !last.contains("page=4"));
        assert_eq!(pages(0, 10), 1);
        assert_eq!(pages(20, 10), 2);
    }

    #[test]
    fn ratings_and_stars_read_as_members_see_them() {
        assert_eq!(rating(0, 0), "no reviews yet");
        assert_eq!(rating(9, 2), "★ 4.5 (2 reviews)");
        assert_eq!(stars(4), "★★★★☆");
        assert_eq!(stars(9), "★★★★★");
    }
}
