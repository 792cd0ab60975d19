//! Side effects, exactly once: each purchase in the log DMs its buyer the code and its seller the
//! sale, and each payment DMs the member paid — once each, never lost to a crash, never sent twice.
//! Read from the DMs the local Discord recorded, by what they say.

use super::drive::{Kind, Sent};
use super::report::{Check, Report};
use super::world::World;
use std::collections::HashMap;

/// The DMs a command applied once must have caused, as keys.
pub fn expected(world: &World, sent: &Sent) -> Vec<String> {
    let user = |i: usize| world.members.get(i).map_or(0, |m| m.user_id);
    match sent.kind {
        Kind::Buy { buyer, listing } => {
            let Some(l) = world.listings.get(listing) else {
                return Vec::new();
            };
            vec![
                format!("{}|purchase|{}", user(buyer), l.id),
                format!("{}|sale|{}|{}", user(l.seller), user(buyer), l.id),
            ]
        }
        Kind::Pay { from, to, amount } => {
            vec![format!("{}|paid|{}|{amount}", user(to), user(from))]
        }
        Kind::Message { .. } | Kind::Deposit { .. } => Vec::new(),
    }
}

/// The first run of digits in `text` after `after`.
fn number_after(text: &str, after: &str) -> Option<u64> {
    let rest = &text[text.find(after)? + after.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The key of a DM to `to` saying `text`, if it is one of the side effects checked here.
pub fn key(to: u64, text: &str) -> Option<String> {
    if text.contains("Your purchase of listing #") {
        let listing = number_after(text, "listing #")?;
        Some(format!("{to}|purchase|{listing}"))
    } else if text.contains("bought your listing #") {
        let buyer = number_after(text, "<@")?;
        let listing = number_after(text, "listing #")?;
        Some(format!("{to}|sale|{buyer}|{listing}"))
    } else if text.contains(" paid you ") {
        let from = number_after(text, "<@")?;
        let amount = number_after(text, " paid you ")?;
        Some(format!("{to}|paid|{from}|{amount}"))
    } else {
        None
    }
}

/// Compares the DMs sent with `expected` (key → times); adds the check to `report`.
pub fn check(world: &World, expected: &HashMap<String, i64>, report: &mut Report) {
    let mut seen: HashMap<String, i64> = HashMap::new();
    for m in world.discord.channel_messages() {
        if let Some(key) = m.is_dm_to.and_then(|to| key(to, &m.content)) {
            *seen.entry(key).or_default() += 1;
        }
    }
    let (mut missing, mut twice) = (0, 0);
    for (k, want) in expected {
        let got = seen.get(k).copied().unwrap_or(0);
        if got < *want {
            missing += want - got;
            report.example(format!("side effect DM {k}: sent {got}, owed {want}"));
        }
    }
    for (k, got) in &seen {
        let want = expected.get(k).copied().unwrap_or(0);
        if *got > want {
            twice += got - want;
            report.example(format!("side effect DM {k}: sent {got}, owed {want}"));
        }
    }
    let owed: i64 = expected.values().sum();
    report.checks.push(Check::new(
        "side effects (purchase, sale and payment DMs) sent exactly once",
        missing == 0 && twice == 0,
        format!("{owed} owed: {missing} missing, {twice} extra"),
    ));
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn dms_are_read_by_what_they_say() {
        assert_eq!(
            key(
                7,
                "📦 Your purchase of listing #12 **Chaos asset 3** for 26 credits:"
            )
            .as_deref(),
            Some("7|purchase|12")
        );
        assert_eq!(
            key(
                8,
                "🎉 <@7001> bought your listing #12 **Chaos asset 3** for 26 credits. Tax 2 (10 %); you received 24. +100 XP."
            )
            .as_deref(),
            Some("8|sale|7001|12")
        );
        assert_eq!(
            key(9, "💰 <@7002> paid you 44 credits.").as_deref(),
            Some("9|paid|7002|44")
        );
        assert_eq!(key(9, "💰 An admin granted you 5 credits."), None);
    }
}
