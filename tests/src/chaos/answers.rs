//! What each member was told, read from the local Discord's records alone: per interaction, when
//! an answer became visible (an accepted callback that shows a message, or a deferral followed by
//! an edit of the original response or a followup), whether it announced success (✅), how many
//! answers the bot gave (callbacks attempted and edits after a deferral: more than one is a doubled
//! answer, e.g. "could not record that" followed by the real answer), and, for an interaction never
//! answered on Discord, an answer sent by DM instead (a DM to the member after the interaction that
//! reads like an answer, see [`answer_like`]; each DM tells one interaction).
//! Also the longest time the guild went unanswered, and answer latency.

use crate::{FakeDiscord, SentMessage};
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// Discord's window: an interaction not acknowledged by then failed for its member.
pub const WINDOW: Duration = Duration::from_secs(3);

/// An interaction the program sent.
#[derive(Clone, Copy, Debug)]
pub struct Asked {
    pub id: u64,
    pub user: u64,
    pub at: Instant,
}

/// What one interaction's member saw.
#[derive(Clone, Debug, Default)]
pub struct Told {
    /// When the answer became visible, if it did.
    pub at: Option<Instant>,
    /// The answer announced success.
    pub success: bool,
    /// Answers the bot gave: callbacks attempted (accepted or refused), plus edits of the
    /// original response and followups, a deferral not counting as an answer of its own.
    pub answers: usize,
    /// Callbacks Discord refused as too late.
    pub late: usize,
    /// Told by DM rather than on the interaction.
    pub by_dm: bool,
}

/// Whether a DM reads like an interaction's answer: one of its lines starts like an answer (✅ ❌
/// ⚠️, or ⏱️ "could not answer in time"), or it names the interaction. Side-effect DMs (📦 🎉 💰 🎖️,
/// team news) do not.
fn answer_like(text: &str, id: u64) -> bool {
    text.lines()
        .map(str::trim_start)
        .any(|l| l.starts_with(['✅', '❌', '⚠', '⏱']))
        || text.contains(&id.to_string())
}

/// What each of `asked` was told.
pub fn told(discord: &FakeDiscord, asked: &[Asked]) -> HashMap<u64, Told> {
    let mut callbacks: HashMap<u64, Vec<crate::Callback>> = HashMap::new();
    for c in discord.callbacks() {
        callbacks.entry(c.interaction_id).or_default().push(c);
    }
    let mut edits: HashMap<u64, Vec<SentMessage>> = HashMap::new();
    for m in discord
        .original_edits()
        .into_iter()
        .chain(discord.followups())
    {
        if let Some(id) = m.interaction_id {
            edits.entry(id).or_default().push(m);
        }
    }
    let mut out = HashMap::new();
    for a in asked {
        let mut told = Told::default();
        let mine = callbacks.remove(&a.id).unwrap_or_default();
        let mut later = edits.remove(&a.id).unwrap_or_default();
        later.sort_by_key(|m| m.at);
        told.late = mine.iter().filter(|c| c.status == 404).count();
        let first = mine.iter().find(|c| (200..300).contains(&c.status));
        let deferred = first.is_some_and(|c| {
            matches!(
                c.body.get("type").and_then(serde_json::Value::as_u64),
                Some(5 | 6)
            )
        });
        told.answers = (mine.len() + later.len()).saturating_sub(usize::from(deferred));
        if let Some(first) = first {
            if deferred {
                if let Some(edit) = later.iter().find(|m| m.at >= first.at) {
                    told.at = Some(edit.at);
                    told.success = edit.text().contains('✅');
                }
            } else {
                told.at = Some(first.at);
                told.success = first.body.to_string().contains('✅');
            }
        }
        out.insert(a.id, told);
    }
    // Interactions never answered on Discord: an answer by DM instead, one DM per interaction.
    let mut dms: HashMap<u64, Vec<SentMessage>> = HashMap::new();
    for m in discord.channel_messages() {
        if let Some(user) = m.is_dm_to {
            dms.entry(user).or_default().push(m);
        }
    }
    for list in dms.values_mut() {
        list.sort_by_key(|m| m.at);
    }
    let mut order: Vec<&Asked> = asked.iter().collect();
    order.sort_by_key(|a| a.at);
    for a in order {
        let Some(t) = out.get_mut(&a.id) else {
            continue;
        };
        if t.at.is_some() {
            continue;
        }
        let Some(list) = dms.get_mut(&a.user) else {
            continue;
        };
        if let Some(i) = list
            .iter()
            .position(|m| m.at >= a.at && answer_like(&m.text(), a.id))
        {
            let dm = list.remove(i);
            t.at = Some(dm.at);
            t.success = dm.text().contains('✅');
            t.by_dm = true;
        }
    }
    out
}

/// The longest stretch during which the guild answered nothing while members waited: from the
/// moment an interaction was sent (or the previous answer, if later) to the next answer. An
/// interaction never answered stops counting once a later one is answered, or `WINDOW` after it
/// was sent when none is (Discord tells its member it failed).
pub fn longest_gap(times: &[(Instant, Option<Instant>)]) -> Duration {
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Ev {
        Sent(Instant, usize),
        Answered(Instant, usize),
    }
    let mut events: Vec<(Instant, u8, Ev)> = Vec::new();
    for (i, (sent, answered)) in times.iter().enumerate() {
        events.push((*sent, 0, Ev::Sent(*sent, i)));
        if let Some(at) = answered {
            events.push((*at.max(sent), 1, Ev::Answered(*sent, i)));
        }
    }
    events.sort();
    let mut pending: BTreeSet<(Instant, usize)> = BTreeSet::new();
    let mut last_answer: Option<Instant> = None;
    let mut longest = Duration::ZERO;
    let since = |pending: &BTreeSet<(Instant, usize)>, last: Option<Instant>| {
        pending
            .first()
            .map(|(oldest, _)| last.map_or(*oldest, |l| l.max(*oldest)))
    };
    for (at, _, ev) in events {
        match ev {
            Ev::Sent(sent, i) => {
                pending.insert((sent, i));
            }
            Ev::Answered(sent, i) => {
                if let Some(start) = since(&pending, last_answer) {
                    longest = longest.max(at.saturating_duration_since(start));
                }
                pending.remove(&(sent, i));
                // Never-answered interactions sent before this one: the guild moved past them.
                pending.retain(|(s, j)| *s >= sent || times[*j].1.is_some());
                last_answer = Some(at);
            }
        }
    }
    if let (Some(start), Some((newest, _))) = (since(&pending, last_answer), pending.last()) {
        longest = longest.max((*newest + WINDOW).saturating_duration_since(start));
    }
    longest
}

/// Median and 99th percentile of the time from an interaction to its answer, over those answered.
pub fn latency(times: &[(Instant, Option<Instant>)]) -> (Duration, Duration) {
    let mut latencies: Vec<Duration> = times
        .iter()
        .filter_map(|(sent, told)| told.map(|t| t.saturating_duration_since(*sent)))
        .collect();
    latencies.sort();
    let quantile = |q: f64| {
        let last = latencies.len().saturating_sub(1);
        latencies
            .get((last as f64 * q).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    (quantile(0.5), quantile(0.99))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(base: Instant, ms: u64) -> Instant {
        base + Duration::from_millis(ms)
    }

    #[test]
    fn answers_by_dm_are_told_apart_from_side_effects() {
        const ID: u64 = 1_578_020_877_792_973_078;
        let late =
            "⏱️ Studio could not answer your command in time; here is what happened:\n✅ Paid 5";
        assert!(answer_like(late, ID));
        assert!(answer_like("❌ You have 3 credits", ID));
        assert!(answer_like("about interaction 1578020877792973078", ID));
        assert!(!answer_like("💰 <@7002> paid you 44 credits.", ID));
        assert!(!answer_like(
            "📦 Your purchase of listing #1 **x** for 5 credits:",
            ID
        ));
        assert!(!answer_like(
            "Team #1 **Crew**: <@7001> deposited 5 credits. Wallet: 5.",
            ID
        ));
    }

    #[test]
    fn a_quick_answer_is_a_short_gap() {
        let b = Instant::now();
        let gap = longest_gap(&[(at(b, 0), Some(at(b, 200))), (at(b, 100), Some(at(b, 300)))]);
        assert_eq!(gap, Duration::from_millis(200));
    }

    #[test]
    fn an_outage_counts_from_the_last_answer_to_the_next() {
        let b = Instant::now();
        let gap = longest_gap(&[
            (at(b, 0), Some(at(b, 100))),
            (at(b, 1_000), None),
            (at(b, 2_000), Some(at(b, 9_000))),
            (at(b, 9_500), Some(at(b, 9_600))),
        ]);
        assert_eq!(gap, Duration::from_millis(8_000));
    }

    #[test]
    fn idle_time_without_waiting_members_is_not_a_gap() {
        let b = Instant::now();
        let gap = longest_gap(&[
            (at(b, 0), Some(at(b, 100))),
            (at(b, 60_000), Some(at(b, 60_500))),
        ]);
        assert_eq!(gap, Duration::from_millis(500));
    }

    #[test]
    fn an_unanswered_tail_counts_until_discord_gives_up() {
        let b = Instant::now();
        let gap = longest_gap(&[(at(b, 0), Some(at(b, 100))), (at(b, 1_000), None)]);
        assert_eq!(gap, Duration::from_millis(3_000));
    }
}
