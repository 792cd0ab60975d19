//! A preview in words, the same for admins in Discord and operators in a terminal.

use super::{Compare, Preview};
use crate::rank::RANKS;
use std::fmt::Write;
use studio_schema::UserId;

/// The preview as lines of text; `name` writes a member (a mention in Discord, an id in a
/// terminal).
#[must_use]
pub fn text(p: &Preview, name: &dyn Fn(UserId) -> String) -> String {
    let mut out = String::new();
    let days = (p.now - p.since).num_days();
    let _ = writeln!(out, "Ranks with the change: {}", p.after.ranks.describe());
    if p.ranks.is_empty() {
        out.push_str("No member's rank would change.\n");
    }
    for r in &p.ranks {
        let verb = if r.to > r.from { "gains" } else { "loses" };
        let _ = writeln!(
            out,
            "- {} {verb} a rank: {} → {}",
            name(r.member),
            r.from,
            r.to
        );
    }
    let tiers: Vec<String> = RANKS
        .iter()
        .map(|r| {
            let (b, a) = (p.before.tax_percent(*r), p.after.tax_percent(*r));
            if a == b {
                format!("{r} {a} %")
            } else {
                format!("{r} {b} % → {a} %")
            }
        })
        .collect();
    let _ = writeln!(out, "Tax on a sale from now on: {}", tiers.join(" · "));
    let _ = writeln!(
        out,
        "Marketplace tax, last {days} days ({} sales): {}",
        p.tax.count,
        compare(&p.tax, "credits")
    );
    for (seller, c) in &p.sellers {
        let _ = writeln!(out, "- {}: {}", name(*seller), compare(c, "credits"));
    }
    let _ = writeln!(
        out,
        "Quest rewards, last {days} days ({} claims): {}",
        p.quests.count,
        compare(&p.quests, "credits")
    );
    let _ = writeln!(
        out,
        "Message XP, last {days} days ({} rewarded messages, {} XP each from now on): {}",
        p.message_xp.count,
        p.after.message_xp,
        compare(&p.message_xp, "XP")
    );
    if p.unrewarded_messages > 0 {
        let _ = writeln!(
            out,
            "({} messages earned nothing then and count as nothing here: the log does not keep \
             whether they were too short.)",
            p.unrewarded_messages
        );
    }
    out
}

/// "45 → 30 credits (-15)".
fn compare(c: &Compare, unit: &str) -> String {
    format!("{} → {} {unit} ({:+})", c.actual, c.new, c.delta())
}
