//! A change to a guild's rules, as written in `GuildSettingsChanged`. Every field is optional: a
//! change names only what it changes, so the rules in force at any point are the defaults with
//! every earlier change applied in log order.

use serde::{Deserialize, Serialize};

/// The settings one `GuildSettingsChanged` changes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsChange {
    /// Whether Beginners may sell on the marketplace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beginners_may_sell: Option<bool>,
    /// The role members of the Expert rank and above get; `Some(0)` clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pro_dev_role: Option<i64>,
    /// XP a rewarded message earns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_xp: Option<i64>,
    /// Seconds between two rewarded messages of a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xp_cooldown_secs: Option<i64>,
    /// A channel whose messages earn no XP (`(channel, true)`), or earn XP again (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_xp_channel: Option<(i64, bool)>,
    /// Where level-ups are announced; `Some(0)`: in the channel where they happen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_up_channel: Option<i64>,
    /// Marketplace tax in percent for Beginner, Learner, Expert and Master sellers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_percent: Option<[i64; 4]>,
    /// Credits an easy, a medium and a hard daily quest pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quest_rewards: Option<[i64; 3]>,
    /// A role given to members who reach a rank (`Learner`, `Expert` or `Master`); role 0 clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank_role: Option<(String, i64)>,
    /// The reaction that gives reputation (a Unicode emoji, or a custom emoji's id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rep_reaction: Option<String>,
    /// Months in the guild for the Learner, Expert and Master ranks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank_months: Option<[i64; 3]>,
    /// Credits creating a team costs (to the treasury).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_fee: Option<i64>,
    /// Where the chain head is posted for auditors; `Some(0)` clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_channel: Option<i64>,
    /// A role whose members' messages earn `percent` % of the XP (`(role, percent)`): 0 earns
    /// none, 150 half as much again; 100 removes the role's rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xp_role: Option<(i64, i64)>,
    /// Days a listing stays on sale before it expires unless renewed; 0: listings never expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_days: Option<i64>,
    /// A role members get on reaching a level (`(level, role)`); role 0 clears the level's role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_role: Option<(i64, i64)>,
}
