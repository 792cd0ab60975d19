//! A guild's tunable rules as the command service decides them: the limits an admin may set each
//! within, and how settings read to members. The settings themselves, their defaults and how a
//! `GuildSettingsChanged` applies are the model's (`studio_model::settings`).

use super::economy;
use super::tenure::{Rank, Thresholds};
use studio_model::settings::rank_role_index;
pub use studio_model::settings::{QUEST_REWARDS, Settings, TEAM_FEE};
use studio_schema::settings::SettingsChange;

/// The limits an admin may set each rule within.
pub const MAX_MESSAGE_XP: i64 = 1_000;
pub const MAX_COOLDOWN_SECS: i64 = 86_400;
pub const MAX_TAX_PERCENT: i64 = 50;
pub const MAX_QUEST_REWARD: i64 = 10_000;
pub const MAX_TEAM_FEE: i64 = 100_000;
pub const MAX_NO_XP_CHANNELS: usize = 50;
/// The most a role may multiply message XP by, in percent, and how many roles may have a rule.
pub const MAX_XP_PERCENT: i64 = 500;
pub const MAX_XP_ROLES: usize = 25;
/// The levels that may have a role, and how many may.
pub const MAX_ROLE_LEVEL: i64 = 1_000;
pub const MAX_LEVEL_ROLES: usize = 25;
/// The most days a listing may stay on sale before it must be renewed.
pub const MAX_LISTING_DAYS: i64 = 365;
/// The most months a rank may need (50 years).
pub const MAX_RANK_MONTHS: i64 = 600;

/// Why a change cannot be made, for the admin who asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OutOfRange(pub String);

/// Checks a change against the limits, before it is written.
///
/// # Errors
/// A value is out of its range, or the change changes nothing.
pub fn check(settings: &Settings, change: &SettingsChange) -> Result<(), OutOfRange> {
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
    if let Some(v) = change.listing_days {
        within(v, MAX_LISTING_DAYS, "Days a listing stays on sale")?;
    }
    if let Some(r) = &change.rep_reaction
        && (r.trim().is_empty() || r.chars().count() > super::reputation::REACTION_CHARS)
    {
        return Err(OutOfRange(
            "Give one emoji for the reputation reaction.".into(),
        ));
    }
    if let Some((rank, _)) = &change.rank_role
        && rank_role_index(rank).is_none()
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
    if let Some((role, percent)) = change.xp_role {
        within(percent, MAX_XP_PERCENT, "A role's XP (percent)")?;
        if role == 0 {
            return Err(OutOfRange("Name the role.".into()));
        }
        let new = !settings.xp_roles.contains_key(&studio_schema::RoleId(role));
        if new && percent != 100 && settings.xp_roles.len() >= MAX_XP_ROLES {
            return Err(OutOfRange(format!(
                "At most {MAX_XP_ROLES} roles can have an XP rule."
            )));
        }
    }
    if let Some((level, role)) = change.level_role {
        if !(2..=MAX_ROLE_LEVEL).contains(&level) {
            return Err(OutOfRange(format!(
                "A level role is for a level from 2 to {MAX_ROLE_LEVEL}."
            )));
        }
        let new = !settings.level_roles.contains_key(&level);
        if new && role != 0 && settings.level_roles.len() >= MAX_LEVEL_ROLES {
            return Err(OutOfRange(format!(
                "At most {MAX_LEVEL_ROLES} levels can have a role."
            )));
        }
    }
    if let Some((_, true)) = change.no_xp_channel
        && settings.no_xp_channels.len() >= MAX_NO_XP_CHANNELS
    {
        return Err(OutOfRange(format!(
            "At most {MAX_NO_XP_CHANNELS} channels can be without XP."
        )));
    }
    Ok(())
}

/// Whether `change` sets or clears a role Studio hands out: then Discord's facts about the guild's
/// roles are gathered before it is decided.
#[must_use]
pub fn touches_roles(change: &SettingsChange) -> bool {
    change.pro_dev_role.is_some() || change.rank_role.is_some() || change.level_role.is_some()
}

/// The roles `change` has Studio hand out (a role it clears is not one): each must pass
/// [`super::roles::may_hand_out`] before the change is made.
#[must_use]
pub fn handed_out(change: &SettingsChange) -> Vec<i64> {
    change
        .pro_dev_role
        .into_iter()
        .chain(change.rank_role.as_ref().map(|(_, role)| *role))
        .chain(change.level_role.map(|(_, role)| role))
        .filter(|role| *role != 0)
        .collect()
}

/// The settings in force, one line each, for `/settings show`.
#[must_use]
pub fn lines(settings: &Settings) -> Vec<String> {
    let channels = if settings.no_xp_channels.is_empty() {
        "none".to_owned()
    } else {
        settings
            .no_xp_channels
            .iter()
            .map(|c| format!("<#{c}>"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let [b, l, e, m] = settings.tax_percent;
    let [easy, medium, hard] = settings.quest_rewards;
    vec![
        format!(
            "XP per message: {} (at most once every {} s)",
            settings.message_xp.0,
            settings.xp_cooldown.num_seconds()
        ),
        format!("Channels without XP: {channels}"),
        format!(
            "XP by role: {}",
            if settings.xp_roles.is_empty() {
                "every role earns the same".to_owned()
            } else {
                settings
                    .xp_roles
                    .iter()
                    .map(|(role, percent)| format!("<@&{role}> {}", xp_rule(*percent)))
                    .collect::<Vec<_>>()
                    .join(" · ")
            }
        ),
        format!(
            "Level-ups announced in: {}",
            settings.level_up_channel.map_or_else(
                || "the channel where they happen".into(),
                |c| format!("<#{c}>")
            )
        ),
        format!(
            "Chain head posted in: {}",
            settings
                .audit_channel
                .map_or_else(|| "nowhere".into(), |c| format!("<#{c}>"))
        ),
        format!("Marketplace tax: Beginner {b} %, Learner {l} %, Expert {e} %, Master {m} %"),
        format!(
            "Beginners may sell: {}",
            if settings.beginners_may_sell {
                "yes"
            } else {
                "no"
            }
        ),
        format!(
            "Pro-Dev role: {}",
            settings
                .pro_dev_role
                .map_or_else(|| "none".into(), |r| format!("<@&{r}>"))
        ),
        format!("Daily quest rewards: easy {easy}, medium {medium}, hard {hard} credits"),
        format!("Team creation fee: {} credits", settings.team_fee.0),
        format!(
            "Listings stay on sale: {}",
            match settings.listing_days {
                0 => "until delisted".to_owned(),
                days => format!("{days} days, unless renewed"),
            }
        ),
        format!("Reaction that gives reputation: {}", settings.rep_reaction),
        format!("Ranks: {}", settings.ranks.describe()),
        format!(
            "Rank roles: {}",
            [Rank::Learner, Rank::Expert, Rank::Master]
                .iter()
                .zip(settings.rank_roles)
                .map(|(r, role)| format!(
                    "{r} {}",
                    role.map_or_else(|| "none".to_owned(), |id| format!("<@&{id}>"))
                ))
                .collect::<Vec<_>>()
                .join(" · ")
        ),
        format!(
            "Level roles: {}",
            if settings.level_roles.is_empty() {
                "none".to_owned()
            } else {
                settings
                    .level_roles
                    .iter()
                    .map(|(level, role)| format!("level {level} <@&{role}>"))
                    .collect::<Vec<_>>()
                    .join(" · ")
            }
        ),
    ]
}

/// A role's XP rule in words: "no XP", "150 % XP".
fn xp_rule(percent: i64) -> String {
    if percent == 0 {
        "no XP".to_owned()
    } else {
        format!("{percent} % XP")
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
    if let Some((level, role)) = change.level_role {
        said.push(if role == 0 {
            format!("Reaching level {level} no longer gives a role.")
        } else {
            format!("Members of level {level} and above get <@&{role}>.")
        });
    }
    if let Some((role, percent)) = change.xp_role {
        said.push(match percent {
            100 => format!("Messages of <@&{role}> earn XP like everyone's again."),
            _ => format!("Messages of <@&{role}> earn {}.", xp_rule(percent)),
        });
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
    if let Some(c) = change.audit_channel {
        said.push(if c == 0 {
            "The chain head is no longer posted.".to_owned()
        } else {
            format!(
                "The log's chain head is posted in <#{c}> (soon, then hourly while the log grows)."
            )
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
    if let Some(days) = change.listing_days {
        said.push(match days {
            0 => "Listings stay on sale until delisted.".to_owned(),
            days => format!(
                "Listings stay on sale {days} days from when they were published or renewed."
            ),
        });
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
            assert!(check(&s, &bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_roles_a_change_hands_out_are_the_ones_it_names_not_the_ones_it_clears() {
        let pro_dev = |r| SettingsChange {
            pro_dev_role: Some(r),
            ..SettingsChange::default()
        };
        let rank = |r| SettingsChange {
            rank_role: Some(("Expert".into(), r)),
            ..SettingsChange::default()
        };
        assert_eq!(handed_out(&pro_dev(7)), vec![7]);
        assert_eq!(handed_out(&rank(8)), vec![8]);
        assert!(handed_out(&pro_dev(0)).is_empty());
        assert!(handed_out(&rank(0)).is_empty());
        assert!(handed_out(&SettingsChange::default()).is_empty());
    }
}
