//! A guild's tunable rules: the defaults, the limits an admin may set them within, and how a
//! `GuildSettingsChanged` applies. The rules in force at any point are the defaults with every
//! earlier change applied in log order, so a replay decides nothing again.

use super::tenure::{Rank, Thresholds};
use super::{economy, xp};
use chrono::TimeDelta;
use std::collections::BTreeSet;
use studio_schema::settings::SettingsChange;
use studio_schema::{ChannelId, Credits, Xp};

/// Credits an easy, a medium and a hard daily quest pay by default.
pub const QUEST_REWARDS: [i64; 3] = [50, 100, 150];
/// What creating a team costs by default (to the treasury).
pub const TEAM_FEE: Credits = Credits(100);

/// The limits an admin may set each rule within.
pub const MAX_MESSAGE_XP: i64 = 1_000;
pub const MAX_COOLDOWN_SECS: i64 = 86_400;
pub const MAX_TAX_PERCENT: i64 = 50;
pub const MAX_QUEST_REWARD: i64 = 10_000;
pub const MAX_TEAM_FEE: i64 = 100_000;
pub const MAX_NO_XP_CHANNELS: usize = 50;
/// The most months a rank may need (50 years).
pub const MAX_RANK_MONTHS: i64 = 600;

/// The rules one guild plays by now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Whether members below the selling rank may sell.
    pub beginners_may_sell: bool,
    /// The role of the Expert rank and above (the Pro-Dev channels), if the guild set one.
    pub pro_dev_role: Option<i64>,
    pub message_xp: Xp,
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
    pub rank_roles: [Option<i64>; 3],
    /// The reaction that gives reputation, as `reputation::reaction_key` writes it.
    pub rep_reaction: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            beginners_may_sell: false,
            pro_dev_role: None,
            message_xp: xp::MESSAGE_XP,
            xp_cooldown: xp::MESSAGE_COOLDOWN,
            no_xp_channels: BTreeSet::new(),
            level_up_channel: None,
            tax_percent: economy::TAX_PERCENT,
            quest_rewards: QUEST_REWARDS,
            team_fee: TEAM_FEE,
            ranks: Thresholds::default(),
            rank_roles: [None; 3],
            rep_reaction: super::reputation::REACTION.to_owned(),
        }
    }
}

/// Why a change cannot be made, for the admin who asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OutOfRange(pub String);

impl Settings {
    /// The rank `time_in_guild` earns here.
    #[must_use]
    pub fn rank(&self, time_in_guild: TimeDelta) -> Rank {
        super::tenure::rank(time_in_guild, &self.ranks)
    }

    /// The marketplace tax a seller of `rank` pays, in percent.
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
    pub fn roles_for(&self, rank: Option<Rank>) -> Vec<i64> {
        let Some(rank) = rank else {
            return Vec::new();
        };
        let mut roles: Vec<i64> = [Rank::Learner, Rank::Expert, Rank::Master]
            .into_iter()
            .zip(self.rank_roles)
            .filter(|(r, _)| *r <= rank)
            .filter_map(|(_, role)| role)
            .collect();
        if rank >= super::tenure::PRO_DEV_RANK
            && let Some(role) = self.pro_dev_role
        {
            roles.push(role);
        }
        roles.sort_unstable();
        roles.dedup();
        roles
    }

    /// Whether a channel's messages earn XP.
    #[must_use]
    pub fn earns_xp(&self, channel: ChannelId) -> bool {
        !self.no_xp_channels.contains(&channel)
    }

    /// Checks a change against the limits, before it is written.
    ///
    /// # Errors
    /// A value is out of its range, or the change changes nothing.
    pub fn check(&self, change: &SettingsChange) -> Result<(), OutOfRange> {
        let within = |v: i64, max: i64, what: &str| {
            if (0..=max).contains(&v) {
                Ok(())
            } else {
                Err(OutOfRange(format!("{what} must be from 0 to {max}.")))
            }
        };
        if change == &SettingsChange::default() {
            return Err(OutOfRange("Name at least one setting to change.".into()));
        }
        if let Some(v) = change.message_xp {
            within(v, MAX_MESSAGE_XP, "XP per message")?;
        }
        if let Some(v) = change.xp_cooldown_secs {
            within(v, MAX_COOLDOWN_SECS, "The XP cooldown (seconds)")?;
        }
        if let Some(taxes) = change.tax_percent {
            for t in taxes {
                within(t, MAX_TAX_PERCENT, "A tax rate (percent)")?;
            }
        }
        if let Some(rewards) = change.quest_rewards {
            for r in rewards {
                within(r, MAX_QUEST_REWARD, "A quest reward")?;
            }
        }
        if let Some(v) = change.team_fee {
            within(v, MAX_TEAM_FEE, "The team fee")?;
        }
        if let Some(r) = &change.rep_reaction
            && (r.trim().is_empty() || r.chars().count() > super::reputation::REACTION_CHARS)
        {
            return Err(OutOfRange(
                "Give one emoji for the reputation reaction.".into(),
            ));
        }
        if let Some((rank, _)) = &change.rank_role
            && rank_index(rank).is_none()
        {
            return Err(OutOfRange(
                "A rank role is for Learner, Expert or Master.".into(),
            ));
        }
        if let Some(months) = change.rank_months {
            for m in months {
                within(m, MAX_RANK_MONTHS, "Months for a rank")?;
            }
            if !Thresholds(months).rising() {
                return Err(OutOfRange(
                    "Each rank must need more months than the one below it.".into(),
                ));
            }
        }
        if let Some((_, true)) = change.no_xp_channel
            && self.no_xp_channels.len() >= MAX_NO_XP_CHANNELS
        {
            return Err(OutOfRange(format!(
                "At most {MAX_NO_XP_CHANNELS} channels can be without XP."
            )));
        }
        Ok(())
    }

    /// Applies a change from the log.
    pub fn apply(&mut self, change: &SettingsChange) {
        let c = change;
        if let Some(v) = c.beginners_may_sell {
            self.beginners_may_sell = v;
        }
        if let Some(r) = c.pro_dev_role {
            self.pro_dev_role = (r != 0).then_some(r);
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
            self.rep_reaction = super::reputation::reaction_key(r);
        }
        if let Some((rank, role)) = &c.rank_role
            && let Some(i) = rank_index(rank)
        {
            self.rank_roles[i] = (*role != 0).then_some(*role);
        }
    }

    /// The settings in force, one line each, for `/settings show`.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        let channels = if self.no_xp_channels.is_empty() {
            "none".to_owned()
        } else {
            self.no_xp_channels
                .iter()
                .map(|c| format!("<#{c}>"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let [b, l, e, m] = self.tax_percent;
        let [easy, medium, hard] = self.quest_rewards;
        vec![
            format!(
                "XP per message: {} (at most once every {} s)",
                self.message_xp.0,
                self.xp_cooldown.num_seconds()
            ),
            format!("Channels without XP: {channels}"),
            format!(
                "Level-ups announced in: {}",
                self.level_up_channel.map_or_else(
                    || "the channel where they happen".into(),
                    |c| format!("<#{c}>")
                )
            ),
            format!("Marketplace tax: Beginner {b} %, Learner {l} %, Expert {e} %, Master {m} %"),
            format!(
                "Beginners may sell: {}",
                if self.beginners_may_sell { "yes" } else { "no" }
            ),
            format!(
                "Pro-Dev role: {}",
                self.pro_dev_role
                    .map_or_else(|| "none".into(), |r| format!("<@&{r}>"))
            ),
            format!("Daily quest rewards: easy {easy}, medium {medium}, hard {hard} credits"),
            format!("Team creation fee: {} credits", self.team_fee.0),
            format!("Reaction that gives reputation: {}", self.rep_reaction),
            format!("Ranks: {}", self.ranks.describe()),
            format!(
                "Rank roles: {}",
                [Rank::Learner, Rank::Expert, Rank::Master]
                    .iter()
                    .zip(self.rank_roles)
                    .map(|(r, role)| format!(
                        "{r} {}",
                        role.map_or_else(|| "none".to_owned(), |id| format!("<@&{id}>"))
                    ))
                    .collect::<Vec<_>>()
                    .join(" · ")
            ),
        ]
    }
}

/// The index of a rank that can have a role (Learner 0, Expert 1, Master 2).
fn rank_index(rank: &str) -> Option<usize> {
    match rank.parse::<Rank>().ok()? {
        Rank::Beginner => None,
        Rank::Learner => Some(0),
        Rank::Expert => Some(1),
        Rank::Master => Some(2),
    }
}

/// What a change does, in words, for the admin's receipt.
#[must_use]
pub fn describe(change: &SettingsChange) -> String {
    let mut said = Vec::new();
    if let Some(v) = change.beginners_may_sell {
        said.push(if v {
            "Beginners may now sell on the marketplace.".to_owned()
        } else {
            format!(
                "Selling on the marketplace needs the {} rank again.",
                economy::SELLING_RANK
            )
        });
    }
    if let Some(r) = change.pro_dev_role {
        said.push(if r == 0 {
            "Studio no longer gives a Pro-Dev role.".to_owned()
        } else {
            format!(
                "Members of the {} rank and above get <@&{r}>.",
                super::tenure::PRO_DEV_RANK
            )
        });
    }
    if let Some(v) = change.message_xp {
        said.push(format!("A message now earns {v} XP."));
    }
    if let Some(v) = change.xp_cooldown_secs {
        said.push(format!("Messages earn XP at most once every {v} s."));
    }
    if let Some((c, off)) = change.no_xp_channel {
        said.push(if off {
            format!("Messages in <#{c}> earn no XP from now on.")
        } else {
            format!("Messages in <#{c}> earn XP again.")
        });
    }
    if let Some(c) = change.level_up_channel {
        said.push(if c == 0 {
            "Level-ups are announced where they happen.".to_owned()
        } else {
            format!("Level-ups are announced in <#{c}>.")
        });
    }
    if let Some([b, l, e, m]) = change.tax_percent {
        said.push(format!(
            "Marketplace tax: Beginner {b} %, Learner {l} %, Expert {e} %, Master {m} %."
        ));
    }
    if let Some([easy, medium, hard]) = change.quest_rewards {
        said.push(format!(
            "Daily quests pay {easy} / {medium} / {hard} credits (easy / medium / hard)."
        ));
    }
    if let Some(f) = change.team_fee {
        said.push(format!("Creating a team costs {f} credits."));
    }
    if let Some(r) = &change.rep_reaction {
        said.push(format!(
            "A {} reaction on a helpful message now gives its author +1 reputation.",
            r.trim()
        ));
    }
    if let Some((rank, role)) = &change.rank_role {
        said.push(if *role == 0 {
            format!("Members reaching {rank} no longer get a role.")
        } else {
            format!("Members of the {rank} rank and above get <@&{role}>.")
        });
    }
    if let Some(m) = change.rank_months {
        said.push(format!(
            "Ranks now need: {} (the scheduler applies them from now on).",
            Thresholds(m).describe()
        ));
    }
    said.join("\n")
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
    fn values_out_of_range_and_empty_changes_are_refused() {
        let s = Settings::default();
        for bad in [
            SettingsChange::default(),
            SettingsChange {
                message_xp: Some(-1),
                ..SettingsChange::default()
            },
            SettingsChange {
                tax_percent: Some([15, 10, 5, 80]),
                ..SettingsChange::default()
            },
            SettingsChange {
                team_fee: Some(100_001),
                ..SettingsChange::default()
            },
        ] {
            assert!(s.check(&bad).is_err(), "{bad:?}");
        }
    }
}
