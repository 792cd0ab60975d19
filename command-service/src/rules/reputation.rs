//! Reputation: +1 from one member to another for help, limited per day.

use chrono::{DateTime, NaiveDate, Utc};

/// Reputation points one member may give per day (UTC).
pub const DAILY_CAP: usize = 5;
/// The reaction that gives reputation to a message's author, unless the guild chose another.
pub use studio_model::settings::REACTION;
/// The longest reaction a guild may choose (an emoji, or a custom emoji's id).
pub const REACTION_CHARS: usize = 64;

pub use studio_model::settings::reaction_key;
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
