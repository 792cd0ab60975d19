//! A guild's rules as its admins set them: the defaults, and how a `GuildSettingsChanged` applies.
//! The rules in force at any point are the defaults with every earlier change applied in log
//! order, so a replay decides nothing again. The limits an admin may set them within are a
//! decision, and live with the command service's rules.

use crate::rank::{self, PRO_DEV_RANK, Rank, Thresholds};
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use studio_schema::settings::SettingsChange;
use studio_schema::{ChannelId, Credits, Event, RoleId, Xp};

/// XP a rewarded message earns by default.
pub const MESSAGE_XP: Xp = Xp(5);
/// Time between two rewarded messages of a member, by default.
pub const MESSAGE_COOLDOWN: TimeDelta = TimeDelta::seconds(60);
/// Marketplace tax in percent by the seller's rank (Beginner to Master), by default.
pub const TAX_PERCENT: [i64; 4] = [15, 10, 5, 0];
/// Credits an easy, a medium and a hard daily quest pay by default.
pub const QUEST_REWARDS: [i64; 3] = [50, 100, 150];
/// What creating a team costs by default (to the treasury).
pub const TEAM_FEE: Credits = Credits(100);
/// Days a listing stays on sale before it expires unless renewed, by default.
pub const LISTING_DAYS: i64 = 30;
/// The reaction that gives reputation by default.
pub const REACTION: &str = "⭐";

/// The rules one guild plays by now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Whether members below the selling rank may sell.
    pub beginners_may_sell: bool,
    /// The role of the Expert rank and above (the Pro-Dev channels), if the guild set one.
    pub pro_dev_role: Option<RoleId>,
    pub message_xp: Xp,
    #[serde(with = "seconds")]
    pub xp_cooldown: TimeDelta,
    /// Channels whose messages earn no XP.
    pub no_xp_channels: BTreeSet<ChannelId>,
    /// Where level-ups are announced; `None`: where they happen.
    pub level_up_channel: Option<ChannelId>,
    /// Marketplace tax in percent, by the seller's rank (Beginner to Master).
    pub tax_percent: [i64; 4],
    pub quest_rewards: [i64; 3],
    pub team_fee: Credits,
    /// Months in the guild each rank needs.
    pub ranks: Thresholds,
    /// Roles given at Learner, Expert and Master.
    pub rank_roles: [Option<RoleId>; 3],
    /// The reaction that gives reputation, as [`reaction_key`] writes it.
    pub rep_reaction: String,
    /// Where the chain head is posted for auditors, if the guild set a channel.
    #[serde(default)]
    pub audit_channel: Option<ChannelId>,
    /// The percent of a message's XP members of a role earn (0: none), for the roles that have
    /// a rule ([`Settings::xp_percent`]).
    #[serde(default)]
    pub xp_roles: BTreeMap<RoleId, i64>,
    /// The role members get on reaching each level that has one.
    #[serde(default)]
    pub level_roles: BTreeMap<i64, RoleId>,
    /// Days a listing stays on sale unless renewed (0: forever).
    #[serde(default = "listing_days")]
    pub listing_days: i64,
}

fn listing_days() -> i64 {
    LISTING_DAYS
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            beginners_may_sell: false,
            pro_dev_role: None,
            message_xp: MESSAGE_XP,
            xp_cooldown: MESSAGE_COOLDOWN,
            no_xp_channels: BTreeSet::new(),
            level_up_channel: None,
            tax_percent: TAX_PERCENT,
            quest_rewards: QUEST_REWARDS,
            team_fee: TEAM_FEE,
            ranks: Thresholds::default(),
            rank_roles: [None; 3],
            rep_reaction: REACTION.to_owned(),
            audit_channel: None,
            xp_roles: BTreeMap::new(),
            level_roles: BTreeMap::new(),
            listing_days: LISTING_DAYS,
        }
    }
}

impl Settings {
    /// The rank `time_in_guild` earns here.
    #[must_use]
    pub fn rank(&self, time_in_guild: TimeDelta) -> Rank {
        rank::rank(time_in_guild, &self.ranks)
    }

    /// The marketplace tax a seller of `rank` pays, in percent: the tax tier.
    #[must_use]
    pub fn tax_percent(&self, rank: Rank) -> i64 {
        let i = match rank {
            Rank::Beginner => 0,
            Rank::Learner => 1,
            Rank::Expert => 2,
            Rank::Master => 3,
        };
        self.tax_percent[i]
    }

    /// The Discord roles a member who reached `rank` holds: the role of every rank up to theirs,
    /// and the Pro-Dev role from its rank on.
    #[must_use]
    pub fn roles_for(&self, rank: Option<Rank>) -> Vec<RoleId> {
        let Some(rank) = rank else {
            return Vec::new();
        };
        let mut roles: Vec<RoleId> = [Rank::Learner, Rank::Expert, Rank::Master]
            .into_iter()
            .zip(self.rank_roles)
            .filter(|(r, _)| *r <= rank)
            .filter_map(|(_, role)| role)
            .collect();
        if rank >= PRO_DEV_RANK
            && let Some(role) = self.pro_dev_role
        {
            roles.push(role);
        }
        roles.sort_unstable();
        roles.dedup();
        roles
    }

    /// The roles of the levels up to `level`.
    #[must_use]
    pub fn level_roles_up_to(&self, level: i64) -> Vec<RoleId> {
        self.level_roles
            .range(..=level)
            .map(|(_, role)| *role)
            .collect()
    }

    /// Every role Studio hands a member of `rank` at `level`: their rank's roles and their levels'.
    #[must_use]
    pub fn member_roles(&self, rank: Option<Rank>, level: i64) -> Vec<RoleId> {
        let mut roles = self.roles_for(rank);
        roles.extend(self.level_roles_up_to(level));
        roles.sort_unstable();
        roles.dedup();
        roles
    }

    /// The percent of a message's XP a member holding `roles` earns: none if any of their roles
    /// earns none, else the highest rule among their roles, else 100.
    #[must_use]
    pub fn xp_percent(&self, roles: &[RoleId]) -> i64 {
        let rules: Vec<i64> = roles
            .iter()
            .filter_map(|r| self.xp_roles.get(r).copied())
            .collect();
        if rules.contains(&0) {
            0
        } else {
            rules.into_iter().max().unwrap_or(100)
        }
    }

    /// Whether a channel's messages earn XP.
    #[must_use]
    pub fn earns_xp(&self, channel: ChannelId) -> bool {
        !self.no_xp_channels.contains(&channel)
    }

    /// Folds one event: a settings change applies, anything else changes nothing.
    pub fn evolve(&mut self, event: &Event) {
        if let Event::GuildSettingsChanged { change, .. } = event {
            self.apply(change);
        }
    }

    /// Applies a change from the log.
    pub fn apply(&mut self, change: &SettingsChange) {
        let c = change;
        if let Some(v) = c.beginners_may_sell {
            self.beginners_may_sell = v;
        }
        if let Some(r) = c.pro_dev_role {
            self.pro_dev_role = (r != 0).then_some(RoleId(r));
        }
        if let Some(v) = c.message_xp {
            self.message_xp = Xp(v);
        }
        if let Some(v) = c.xp_cooldown_secs {
            self.xp_cooldown = TimeDelta::seconds(v);
        }
        if let Some((channel, off)) = c.no_xp_channel {
            if off {
                self.no_xp_channels.insert(ChannelId(channel));
            } else {
                self.no_xp_channels.remove(&ChannelId(channel));
            }
        }
        if let Some(ch) = c.level_up_channel {
            self.level_up_channel = (ch != 0).then_some(ChannelId(ch));
        }
        if let Some(ch) = c.audit_channel {
            self.audit_channel = (ch != 0).then_some(ChannelId(ch));
        }
        if let Some(t) = c.tax_percent {
            self.tax_percent = t;
        }
        if let Some(r) = c.quest_rewards {
            self.quest_rewards = r;
        }
        if let Some(f) = c.team_fee {
            self.team_fee = Credits(f);
        }
        if let Some(m) = c.rank_months {
            self.ranks = Thresholds(m);
        }
        if let Some(r) = &c.rep_reaction {
            self.rep_reaction = reaction_key(r);
        }
        if let Some((rank, role)) = &c.rank_role
            && let Some(i) = rank_role_index(rank)
        {
            self.rank_roles[i] = (*role != 0).then_some(RoleId(*role));
        }
        if let Some(days) = c.listing_days {
            self.listing_days = days;
        }
        if let Some((level, role)) = c.level_role {
            if role == 0 {
                self.level_roles.remove(&level);
            } else {
                self.level_roles.insert(level, RoleId(role));
            }
        }
        if let Some((role, percent)) = c.xp_role {
            if percent == 100 {
                self.xp_roles.remove(&RoleId(role));
            } else {
                self.xp_roles.insert(RoleId(role), percent);
            }
        }
    }
}

impl Settings {
    /// The change that sets back every setting `change` touches to what it is in `self`: what
    /// undoing `change` appends, when `self` is the rules in force just before it.
    #[must_use]
    pub fn restoring(&self, change: &SettingsChange) -> SettingsChange {
        let role = |r: Option<RoleId>| r.map_or(0, |r| r.0);
        SettingsChange {
            beginners_may_sell: change.beginners_may_sell.map(|_| self.beginners_may_sell),
            pro_dev_role: change.pro_dev_role.map(|_| role(self.pro_dev_role)),
            message_xp: change.message_xp.map(|_| self.message_xp.0),
            xp_cooldown_secs: change
                .xp_cooldown_secs
                .map(|_| self.xp_cooldown.num_seconds()),
            no_xp_channel: change
                .no_xp_channel
                .map(|(c, _)| (c, !self.earns_xp(ChannelId(c)))),
            level_up_channel: change
                .level_up_channel
                .map(|_| self.level_up_channel.map_or(0, |c| c.0)),
            tax_percent: change.tax_percent.map(|_| self.tax_percent),
            quest_rewards: change.quest_rewards.map(|_| self.quest_rewards),
            rank_role: change.rank_role.as_ref().map(|(rank, _)| {
                let now = rank_role_index(rank).and_then(|i| self.rank_roles[i]);
                (rank.clone(), role(now))
            }),
            rep_reaction: change
                .rep_reaction
                .as_ref()
                .map(|_| self.rep_reaction.clone()),
            rank_months: change.rank_months.map(|_| self.ranks.0),
            team_fee: change.team_fee.map(|_| self.team_fee.0),
            audit_channel: change
                .audit_channel
                .map(|_| self.audit_channel.map_or(0, |c| c.0)),
            listing_days: change.listing_days.map(|_| self.listing_days),
            level_role: change
                .level_role
                .map(|(level, _)| (level, self.level_roles.get(&level).map_or(0, |r| r.0))),
            xp_role: change.xp_role.map(|(role, _)| {
                (
                    role,
                    self.xp_roles.get(&RoleId(role)).copied().unwrap_or(100),
                )
            }),
        }
    }
}

/// `percent` of `amount`, rounded down (the payer keeps the fraction).
#[must_use]
pub fn percent_of(amount: Credits, percent: i64) -> Credits {
    Credits(amount.0 * percent / 100)
}

/// The index of a rank that can have a role (Learner 0, Expert 1, Master 2), from its name.
#[must_use]
pub fn rank_role_index(rank: &str) -> Option<usize> {
    match rank.parse::<Rank>().ok()? {
        Rank::Beginner => None,
        Rank::Learner => Some(0),
        Rank::Expert => Some(1),
        Rank::Master => Some(2),
    }
}

/// How a reaction is compared: a custom emoji (`<:name:id>` or `<a:name:id>`) by its id, a Unicode
/// emoji as itself.
#[must_use]
pub fn reaction_key(raw: &str) -> String {
    let raw = raw.trim();
    raw.strip_prefix('<')
        .and_then(|r| r.strip_suffix('>'))
        .and_then(|r| r.rsplit(':').next())
        .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()))
        .map_or_else(|| raw.to_owned(), str::to_owned)
}

/// A time span stored as whole seconds.
mod seconds {
    use chrono::TimeDelta;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &TimeDelta, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(d.num_seconds())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TimeDelta, D::Error> {
        i64::deserialize(d).map(TimeDelta::seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_apply_in_order_and_only_what_they_name() {
        let mut s = Settings::default();
        s.apply(&SettingsChange {
            message_xp: Some(20),
            no_xp_channel: Some((7, true)),
            ..SettingsChange::default()
        });
        s.apply(&SettingsChange {
            xp_cooldown_secs: Some(10),
            ..SettingsChange::default()
        });
        assert_eq!(s.message_xp, Xp(20));
        assert_eq!(s.xp_cooldown, TimeDelta::seconds(10));
        assert!(!s.earns_xp(ChannelId(7)));
        assert_eq!(s.tax_percent(Rank::Learner), 10, "untouched");
        s.apply(&SettingsChange {
            no_xp_channel: Some((7, false)),
            ..SettingsChange::default()
        });
        assert!(s.earns_xp(ChannelId(7)));
    }

    #[test]
    fn custom_emoji_compare_by_id() {
        assert_eq!(reaction_key("<:thanks:123>"), "123");
        assert_eq!(reaction_key(" ⭐ "), "⭐");
    }

    #[test]
    fn restoring_a_change_sets_back_only_what_it_touched() {
        let mut before = Settings::default();
        before.apply(&SettingsChange {
            pro_dev_role: Some(55),
            ..SettingsChange::default()
        });
        let change = SettingsChange {
            message_xp: Some(20),
            no_xp_channel: Some((7, true)),
            pro_dev_role: Some(0),
            rank_role: Some(("Expert".into(), 9)),
            ..SettingsChange::default()
        };
        let mut after = before.clone();
        after.apply(&change);
        after.apply(&before.restoring(&change));
        assert_eq!(after, before);
        assert_eq!(before.restoring(&change).tax_percent, None, "untouched");
    }
}
