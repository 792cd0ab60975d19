//! Reputation: +1 from one member to another for help, limited per day.

use chrono::{DateTime, NaiveDate, Utc};

/// Reputation points one member may give per day (UTC).
pub const DAILY_CAP: usize = 5;
/// The reaction that gives reputation to a message's author, unless the guild chose another.
pub const REACTION: &str = "⭐";
/// The longest reaction a guild may choose (an emoji, or a custom emoji's id).
pub const REACTION_CHARS: usize = 64;

/// A reaction as Studio compares it: a Unicode emoji as itself, a custom emoji by its id. An admin
/// may type a custom emoji as Discord writes it (`<:name:id>` or `<a:name:id>`).
#[must_use]
pub fn reaction_key(raw: &str) -> String {
    let raw = raw.trim();
    raw.strip_prefix('<')
        .and_then(|r| r.strip_suffix('>'))
        .and_then(|r| r.rsplit(':').next())
        .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()))
        .map_or_else(|| raw.to_owned(), str::to_owned)
}
/// Longest reason for `/rep`.
pub const REASON_CHARS: usize = 200;

/// The day (UTC) a reputation point counts toward.
#[must_use]
pub fn day(at: DateTime<Utc>) -> NaiveDate {
    at.date_naive()
}

#[cfg(test)]
mod reaction_tests {
    use super::*;

    #[test]
    fn custom_emojis_are_keyed_by_id_and_unicode_by_itself() {
        assert_eq!(reaction_key(" ⭐ "), "⭐");
        assert_eq!(reaction_key("<:thanks:123456>"), "123456");
        assert_eq!(reaction_key("<a:party:42>"), "42");
        assert_eq!(reaction_key("<nope>"), "<nope>");
    }
}
