//! Experience: what a message earns, the cooldown between rewards, levels and their progress.

use chrono::{DateTime, TimeDelta, Utc};
use studio_schema::Xp;

/// Levels and their progress: the model's, which the projector's web pages show too.
pub use studio_model::level::{XP_PER_LEVEL, level, level_progress};
/// XP a message earns its author, and at most one rewarded message per member in the cooldown
/// window, measured on the messages' own timestamps (the defaults; a guild may set its own).
pub use studio_model::settings::{MESSAGE_COOLDOWN, MESSAGE_XP};
/// Messages shorter than this (in characters, trimmed) earn nothing.
pub const MIN_MESSAGE_CHARS: usize = 5;
/// The most XP one admin action may give or take.
pub const MAX_ADJUSTMENT: i64 = 1_000_000;

/// What a message earns a member whose roles earn `percent` % of `per_message` (rounded down; a
/// role that earns none earns nothing, and its messages start no cooldown).
#[must_use]
pub fn for_roles(per_message: Xp, percent: i64) -> Xp {
    Xp(per_message.0.saturating_mul(percent.max(0)) / 100)
}

/// What a message posted at `posted_at` earns, given when the member's last rewarded message was
/// posted. Out-of-order messages (older than the last reward) earn nothing, so rewards are always at
/// least the cooldown apart whatever the delivery order. `rule` is the guild's XP per message and
/// cooldown ([`MESSAGE_XP`] and [`MESSAGE_COOLDOWN`] by default).
#[must_use]
pub fn message_xp(
    rule: (Xp, TimeDelta),
    content_chars: usize,
    author_is_bot: bool,
    posted_at: DateTime<Utc>,
    last_rewarded_at: Option<DateTime<Utc>>,
) -> Xp {
    let (amount, cooldown) = rule;
    if author_is_bot || content_chars < MIN_MESSAGE_CHARS {
        return Xp(0);
    }
    match last_rewarded_at {
        Some(last) if posted_at - last < cooldown => Xp(0),
        _ => amount,
    }
}

/// A text progress bar of `width` cells.
#[must_use]
pub fn progress_bar(into: i64, span: i64, width: usize) -> String {
    let span = span.max(1);
    let width_i = i64::try_from(width).unwrap_or(10);
    let filled = usize::try_from((into.clamp(0, span) * width_i) / span).unwrap_or(0);
    format!(
        "{}{}",
        "█".repeat(filled),
        "░".repeat(width - filled.min(width))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const DEFAULT: (Xp, TimeDelta) = (MESSAGE_XP, MESSAGE_COOLDOWN);

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn levels_start_at_one_and_step_every_250_xp() {
        assert_eq!(level(Xp(0)), 1);
        assert_eq!(level(Xp(249)), 1);
        assert_eq!(level(Xp(250)), 2);
        assert_eq!(level(Xp(1000)), 5);
        assert_eq!(level_progress(Xp(260)), (10, 250));
    }

    #[test]
    fn a_first_message_earns_five_and_the_next_minute_earns_nothing() {
        assert_eq!(message_xp(DEFAULT, 20, false, at(0), None), Xp(5));
        assert_eq!(message_xp(DEFAULT, 20, false, at(59), Some(at(0))), Xp(0));
        assert_eq!(message_xp(DEFAULT, 20, false, at(60), Some(at(0))), Xp(5));
    }

    #[test]
    fn bots_and_very_short_messages_earn_nothing() {
        assert_eq!(message_xp(DEFAULT, 20, true, at(0), None), Xp(0));
        assert_eq!(message_xp(DEFAULT, 2, false, at(0), None), Xp(0));
    }

    #[test]
    fn an_older_message_delivered_late_earns_nothing() {
        assert_eq!(message_xp(DEFAULT, 20, false, at(-300), Some(at(0))), Xp(0));
    }

    #[test]
    fn the_progress_bar_fills_with_progress() {
        assert_eq!(progress_bar(0, 250, 4), "░░░░");
        assert_eq!(progress_bar(125, 250, 4), "██░░");
        assert_eq!(progress_bar(250, 250, 4), "████");
    }
}
