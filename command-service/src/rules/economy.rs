//! The economy's rules: amounts, marketplace tax by rank, escrow fee, XP for trading, field limits.

use super::tenure::Rank;
use chrono::TimeDelta;
use studio_schema::{Credits, Xp};

/// The largest amount one command may move, so no sum can overflow.
pub const MAX_AMOUNT: Credits = Credits(1_000_000);
/// XP a seller earns per sale.
pub const SALE_XP: Xp = Xp(100);
/// XP a buyer earns for reviewing what they bought.
pub const REVIEW_XP: Xp = Xp(25);
/// The commission escrow fee, in percent of the amount, paid by the client into the treasury.
pub const ESCROW_FEE_PERCENT: i64 = 15;
/// How long a client has after delivery to release or dispute before the escrow releases itself.
pub const REVIEW_WINDOW: TimeDelta = TimeDelta::days(7);
/// Longest deadline a commission may have, in days.
pub const MAX_DEADLINE_DAYS: i64 = 90;
/// What featuring a listing costs per day, and for how many days at most.
pub const FEATURE_COST_PER_DAY: Credits = Credits(50);
pub const MAX_FEATURE_DAYS: i64 = 7;
/// The lowest rank that may sell unless the guild lets Beginners sell.
pub const SELLING_RANK: Rank = Rank::Learner;

/// Field limits of what members type (Discord's modal inputs enforce them too, but a forged
/// payload may not).
pub const TITLE_CHARS: usize = 100;
pub const DESCRIPTION_CHARS: usize = 1_000;
pub const LANGUAGE_CHARS: usize = 32;
pub const CODE_CHARS: usize = 4_000;
pub const NOTE_CHARS: usize = 200;
pub const REVIEW_CHARS: usize = 500;

/// The marketplace tax by the seller's rank, Beginner to Master, in percent (the default; a guild
/// may change it in its settings).
pub use studio_model::settings::TAX_PERCENT;
/// `percent` of an amount, rounded down (the payer keeps the fraction).
pub use studio_model::settings::percent_of;

/// The escrow fee on a commission of `amount`.
#[must_use]
pub fn escrow_fee(amount: Credits) -> Credits {
    percent_of(amount, ESCROW_FEE_PERCENT)
}

/// Whether a member of `rank` may sell.
#[must_use]
pub fn may_sell(rank: Rank, beginners_may_sell: bool) -> bool {
    rank >= SELLING_RANK || beginners_may_sell
}

/// An amount typed by a member, if it is a whole number from 1 to [`MAX_AMOUNT`].
#[must_use]
pub fn amount(raw: i64) -> Option<Credits> {
    (1..=MAX_AMOUNT.0).contains(&raw).then_some(Credits(raw))
}

/// An amount typed as text (a modal field), if it is a whole number from 1 to [`MAX_AMOUNT`].
#[must_use]
pub fn parse_amount(raw: &str) -> Option<Credits> {
    let digits = raw.trim().replace([',', '_'], "");
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().and_then(amount)
}

/// The trimmed text if it has 1 to `max` characters.
#[must_use]
pub fn text(raw: &str, max: usize) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty() && t.chars().count() <= max).then(|| t.to_owned())
}

/// A language or engine name as the marketplace filters on it: lower-case, single-spaced.
#[must_use]
pub fn language(raw: &str) -> Option<String> {
    let l = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    (!l.is_empty() && l.chars().count() <= LANGUAGE_CHARS && !l.contains(':')).then_some(l)
}

/// When a listing on sale since `since` expires, with listings staying `days` days of `day` each
/// (`/settings listing-days`; a day lasts less only in tests and demos); `None`: never.
#[must_use]
pub fn listing_expires_at(
    since: chrono::DateTime<chrono::Utc>,
    days: i64,
    day: chrono::TimeDelta,
) -> Option<chrono::DateTime<chrono::Utc>> {
    if days <= 0 {
        return None;
    }
    let span = day.checked_mul(i32::try_from(days).ok()?)?;
    since.checked_add_signed(span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tax_falls_with_rank_and_rounds_down() {
        let price = Credits(199);
        let taxes: Vec<i64> = TAX_PERCENT.map(|p| percent_of(price, p).0).to_vec();
        assert_eq!(taxes, vec![29, 19, 9, 0]);
        assert_eq!(escrow_fee(Credits(1000)), Credits(150));
    }

    #[test]
    fn typed_amounts_must_be_whole_and_in_range() {
        assert_eq!(parse_amount(" 1,500 "), Some(Credits(1500)));
        for bad in [
            "",
            "0",
            "-5",
            "1.5",
            "abc",
            "99999999999999999999",
            "1000001",
            "1e3",
        ] {
            assert_eq!(parse_amount(bad), None, "{bad}");
        }
        assert_eq!(amount(0), None);
        assert_eq!(amount(-1), None);
        assert_eq!(amount(i64::MAX), None);
    }

    #[test]
    fn only_learners_and_up_sell_unless_the_guild_allows_beginners() {
        assert!(!may_sell(Rank::Beginner, false));
        assert!(may_sell(Rank::Beginner, true));
        assert!(may_sell(Rank::Learner, false));
        assert_eq!(language("  Rust  / Bevy "), Some("rust / bevy".into()));
        assert_eq!(language("a:b"), None);
    }
}
