//! Previewing a rule change: what a proposed [`SettingsChange`] would change now, computed by
//! folding the guild's log into shadow state — never by guessing from totals.
//!
//! The preview compares the rules in force (the log's settings) with the same rules plus the
//! change: whose rank would move now, and how the last [`WINDOW`]'s sales taxes, quest rewards and
//! message XP would have come out had the new rules been in force, each event re-decided on the
//! state the log had folded to just before it. It writes nothing; the command service answers it
//! to admins and the projector's CLI prints it to operators (both with [`text`]).

mod text;

pub use text::text;

use crate::Guild;
use crate::quest::reward;
use crate::rank::Rank;
use crate::settings::{Settings, percent_of};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use studio_schema::settings::SettingsChange;
use studio_schema::{Event, UserId};

/// How far back activity is re-decided.
pub const WINDOW: TimeDelta = TimeDelta::days(30);
/// How many sellers the preview names (those whose tax would move most).
pub const TOP_SELLERS: usize = 5;

/// What some events paid (or earned) and what they would under the new rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Compare {
    /// How many events.
    pub count: u64,
    pub actual: i64,
    pub new: i64,
}

impl Compare {
    fn add(&mut self, actual: i64, new: i64) {
        self.count += 1;
        self.actual = self.actual.saturating_add(actual);
        self.new = self.new.saturating_add(new);
    }

    /// New minus actual.
    #[must_use]
    pub fn delta(&self) -> i64 {
        self.new.saturating_sub(self.actual)
    }
}

/// A member whose rank would change now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RankMove {
    pub member: UserId,
    pub from: Rank,
    pub to: Rank,
}

/// What a change would do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Preview {
    pub now: DateTime<Utc>,
    /// Activity from here on is re-decided.
    pub since: DateTime<Utc>,
    /// The rules in force, and with the change.
    pub before: Settings,
    pub after: Settings,
    /// Present members (not bots) whose rank would change now, by member id.
    pub ranks: Vec<RankMove>,
    /// Marketplace sales' tax.
    pub tax: Compare,
    /// The sellers whose tax would move most (at most [`TOP_SELLERS`]).
    pub sellers: Vec<(UserId, Compare)>,
    /// Daily quest claims' rewards.
    pub quests: Compare,
    /// Rewarded messages' XP (`count`: messages that earned XP then).
    pub message_xp: Compare,
    /// Messages that earned nothing then: counted as earning nothing under the new rules too, as
    /// the log does not keep why (too short, or inside the cooldown).
    pub unrewarded_messages: u64,
}

/// Previews `change` over `events`, each with when it happened, in log order.
#[must_use]
pub fn preview<'a, I>(events: I, change: &SettingsChange, now: DateTime<Utc>) -> Preview
where
    I: IntoIterator<Item = (DateTime<Utc>, &'a Event)> + Clone,
{
    let mut before = Settings::default();
    for (_, event) in events.clone() {
        before.evolve(event);
    }
    let mut after = before.clone();
    after.apply(change);
    let since = now - WINDOW;

    let mut shadow = Guild::default();
    let mut anchors: HashMap<UserId, DateTime<Utc>> = HashMap::new();
    let mut p = Preview {
        now,
        since,
        before,
        after,
        ranks: Vec::new(),
        tax: Compare::default(),
        sellers: Vec::new(),
        quests: Compare::default(),
        message_xp: Compare::default(),
        unrewarded_messages: 0,
    };
    let mut sellers: BTreeMap<UserId, Compare> = BTreeMap::new();
    for (at, event) in events {
        let recent = at >= since && at <= now;
        match event {
            Event::ListingPurchased(sale) if recent => {
                let tenure = shadow.member(sale.seller).tenure.time_in_guild(at);
                let rank = p.after.rank(tenure);
                let new = percent_of(sale.price, p.after.tax_percent(rank)).0;
                p.tax.add(sale.tax.0, new);
                sellers.entry(sale.seller).or_default().add(sale.tax.0, new);
            }
            Event::QuestClaimed(claim) if recent => {
                let new = shadow
                    .quest_on(claim.member, claim.day)
                    .map_or(claim.reward, |a| {
                        let base = p.after.quest_rewards[usize::from(a.quest.difficulty).min(2)];
                        reward(base, claim.streak)
                    });
                p.quests.add(claim.reward.0, new.0);
            }
            Event::MessagePosted {
                member,
                channel,
                xp,
                posted_at,
                ..
            } => {
                if xp.0 <= 0 {
                    p.unrewarded_messages += u64::from(recent);
                } else {
                    let cooling = anchors
                        .get(member)
                        .is_some_and(|last| *posted_at - *last < p.after.xp_cooldown);
                    let new = if cooling || !p.after.earns_xp(*channel) {
                        0
                    } else {
                        anchors.insert(*member, *posted_at);
                        p.after.message_xp.0
                    };
                    if recent {
                        p.message_xp.add(xp.0, new);
                    }
                }
            }
            _ => {}
        }
        shadow.evolve(event);
    }

    let mut ranks: Vec<RankMove> = shadow
        .members
        .iter()
        .filter(|(_, m)| m.present && !m.bot)
        .filter_map(|(id, m)| {
            let time = m.tenure.time_in_guild(now);
            let (from, to) = (p.before.rank(time), p.after.rank(time));
            (from != to).then_some(RankMove {
                member: *id,
                from,
                to,
            })
        })
        .collect();
    ranks.sort_by_key(|r| r.member);
    p.ranks = ranks;

    let mut sellers: Vec<(UserId, Compare)> = sellers.into_iter().collect();
    sellers.sort_by_key(|(id, c)| (std::cmp::Reverse(c.delta().abs()), *id));
    sellers.truncate(TOP_SELLERS);
    p.sellers = sellers;
    p
}

#[cfg(test)]
mod tests;
