//! `decide(state, command, now)`: the rules applied to one command.

use super::{Command, GuildState, Outcome, Rejection, SeenMember};
use crate::rules::{roles, tenure, xp};
use chrono::{DateTime, Utc};
use studio_schema::{Event, RoleId, Xp};

mod commission;
mod credits;
mod import;
mod market;
mod quest;
mod recruitment;
mod reputation;
mod season;
mod team;
mod tournament;
mod undo;

pub use market::published_code;

/// What deciding one command gives: its events and what its member is told, or a refusal.
pub type Decision = Result<(Vec<Event>, Outcome), Rejection>;

/// Longest reason an admin may give for an XP change.
pub const MAX_REASON_CHARS: usize = 200;

/// The events `command` produces against `state` at `now`, and what its member is told.
///
/// # Errors
/// A [`Rejection`] when a rule refuses the command; nothing may be written then.
pub fn decide(
    state: &GuildState,
    command: &Command,
    // The decision time: written into the events of rules that read the clock (ranks at the time of
    // a sale, deadlines), so a replay never reads it again.
    now: DateTime<Utc>,
) -> Decision {
    match command {
        Command::Pay {
            from,
            to,
            to_is_bot,
            amount,
            note,
        } => credits::pay(state, *from, *to, *to_is_bot, *amount, note.as_deref()),
        Command::AdjustCredits {
            actor,
            actor_can_manage_guild,
            member,
            member_is_bot,
            amount,
            grant,
            reason,
        } => credits::adjust(
            state,
            *actor,
            *actor_can_manage_guild,
            *member,
            *member_is_bot,
            *amount,
            *grant,
            reason,
        ),
        Command::Market(market) => market::decide(state, market, now),
        Command::GiveRep {
            giver,
            receiver,
            receiver_is_bot,
            at,
            message,
            reason,
        } => reputation::give(
            state,
            *giver,
            *receiver,
            *receiver_is_bot,
            *at,
            *message,
            reason.as_deref(),
        ),
        Command::React {
            added,
            giver,
            author,
            message,
            emoji,
            at,
        } => match (emoji == &state.settings.rep_reaction, added, author) {
            (false, ..) | (true, true, None) => Ok((Vec::new(), Outcome::Recorded)),
            (true, true, Some(author)) => {
                reputation::give(state, *giver, *author, false, *at, Some(*message), None)
            }
            (true, false, _) => reputation::take_back(state, *giver, *message, *at),
        },
        Command::PurgeRep {
            actor,
            actor_can_manage_guild,
            giver,
            reason,
        } => reputation::purge(state, *actor, *actor_can_manage_guild, *giver, reason),
        Command::Tournament(t) => tournament::decide(state, t, now),
        Command::Undo(u) => undo::undo(state, u),
        Command::Import(i) => import::decide(state, i),
        Command::SetProfile {
            member,
            role,
            years,
            skills,
            links,
            open,
        } => recruitment::set(
            *member,
            &recruitment::Form {
                role,
                years,
                skills,
                links,
                open,
            },
        ),
        Command::Contact {
            from,
            to,
            message,
            at,
        } => recruitment::contact(state, *from, *to, message, *at),
        Command::ReachRank { member, rank } => {
            let m = state.member(*member);
            let current = state.settings.rank(m.tenure.time_in_guild(now));
            let at = tenure::reached_at(&m.tenure, *rank, &state.settings.ranks);
            match at {
                Some(at) if current >= *rank && m.rank < Some(*rank) && !m.bot => Ok((
                    vec![Event::RankReached {
                        member: *member,
                        rank: rank.to_string(),
                        at,
                    }],
                    Outcome::RankUp {
                        guild: state.guild,
                        member: *member,
                        rank: rank.to_string(),
                        roles: state.settings.roles_for(Some(*rank)),
                        announce_in: state.settings.level_up_channel,
                        quiet: !tenure::is_news(at, state.first_seen(*member)),
                    },
                )),
                _ => Ok((Vec::new(), Outcome::Recorded)),
            }
        }
        Command::PublishHead { seq, hash } => Ok(publish_head(state, *seq, hash.as_deref(), now)),
        Command::ChangeSettings {
            actor,
            actor_can_manage_guild,
            change,
            role_facts,
        } => {
            if !actor_can_manage_guild {
                return Err(Rejection::AdminOnly);
            }
            crate::rules::settings::check(&state.settings, change)
                .map_err(|e| Rejection::BadSetting(e.0))?;
            // Every role the change hands out, and every role it takes away, checked against
            // Discord's facts; without them, nothing is handed out or taken.
            let facts = role_facts.as_deref();
            for named in crate::rules::settings::handed_out(change) {
                roles::may_hand_out(named, facts).map_err(Rejection::Role)?;
            }
            let mut after = state.settings.clone();
            after.apply(change);
            let every = |s: &crate::rules::settings::Settings| {
                s.member_roles(Some(tenure::Rank::Master), i64::MAX)
            };
            let kept = every(&after);
            for taken in every(&state.settings)
                .into_iter()
                .filter(|r| !kept.contains(r))
            {
                roles::may_take_away(taken.0, facts).map_err(Rejection::Role)?;
            }
            // Members holding rank roles get the new ones and lose the old (Discord's member-role
            // API); members who are away get theirs when they rejoin.
            let mut roles: Vec<(studio_schema::UserId, Vec<RoleId>, Vec<RoleId>)> = state
                .members
                .iter()
                .filter(|(_, m)| m.present && !m.bot)
                .filter_map(|(id, m)| {
                    let level = xp::level(m.xp);
                    let (old, new) = (
                        state.settings.member_roles(m.rank, level),
                        after.member_roles(m.rank, level),
                    );
                    let give: Vec<RoleId> =
                        new.iter().filter(|r| !old.contains(r)).copied().collect();
                    let take: Vec<RoleId> =
                        old.iter().filter(|r| !new.contains(r)).copied().collect();
                    (!give.is_empty() || !take.is_empty()).then_some((*id, give, take))
                })
                .collect();
            roles.sort_unstable();
            Ok((
                vec![Event::GuildSettingsChanged {
                    by: *actor,
                    change: (**change).clone(),
                }],
                Outcome::SettingChanged {
                    what: crate::rules::settings::describe(change),
                    roles,
                },
            ))
        }
        Command::Team(t) => team::decide(state, t),
        Command::Spotlight { member, text, at } => {
            recruitment::spotlight(state, *member, text, *at)
        }
        Command::Daily { member, at, roll } => quest::daily(state, *member, *at, *roll),
        Command::ClaimQuest { member, at } => quest::claim(state, *member, *at),
        Command::ShowSettings => Ok((
            Vec::new(),
            Outcome::Settings {
                lines: crate::rules::settings::lines(&state.settings),
            },
        )),
        Command::Commission(commission) => commission::decide(state, commission, now),
        Command::PostMessage {
            author,
            roles,
            channel,
            message,
            content_chars,
            posted_at,
        } => {
            let mut events = seen_if_new(state, author, now);
            let before = state.member(author.member);
            let percent = state.settings.xp_percent(roles);
            let rule = (
                xp::for_roles(state.settings.message_xp, percent),
                state.settings.xp_cooldown,
            );
            let earned = if state.settings.earns_xp(*channel) {
                xp::message_xp(
                    rule,
                    *content_chars,
                    author.bot,
                    *posted_at,
                    before.last_rewarded_at,
                )
            } else {
                Xp(0)
            };
            events.push(Event::MessagePosted {
                member: author.member,
                channel: *channel,
                message: *message,
                xp: earned,
                posted_at: *posted_at,
            });
            let outcome = if earned.0 > 0 {
                let (old, new) = (xp::level(before.xp), xp::level(Xp(before.xp.0 + earned.0)));
                Outcome::MessageRewarded {
                    member: author.member,
                    xp: earned,
                    level_up: (new > old).then_some(new),
                    announce_in: state.settings.level_up_channel,
                    level_roles: new_level_roles(&state.settings, old, new),
                }
            } else {
                Outcome::Recorded
            };
            Ok((events, outcome))
        }
        Command::RecordJoin(who) => {
            if state.is_present(who.member) {
                return Ok((Vec::new(), Outcome::Recorded));
            }
            let events = vec![Event::MemberJoined {
                member: who.member,
                at: who.joined_at,
                bot: who.bot,
            }];
            // Discord drops a member's roles when they leave: coming back, they get again the
            // roles of the rank they reached (time away does not count).
            let m = state.member(who.member);
            let roles = state.settings.member_roles(m.rank, xp::level(m.xp));
            let outcome = if roles.is_empty() {
                Outcome::Recorded
            } else {
                Outcome::Rejoined {
                    guild: state.guild,
                    member: who.member,
                    roles,
                }
            };
            Ok((events, outcome))
        }
        Command::RecordLeave { member, at } => {
            let events = if state.is_present(*member) {
                vec![Event::MemberLeft {
                    member: *member,
                    at: *at,
                }]
            } else {
                Vec::new()
            };
            Ok((events, Outcome::Recorded))
        }
        Command::SeeMembers(members) => {
            let events = members
                .iter()
                .flat_map(|m| seen_if_new(state, m, now))
                .collect();
            Ok((events, Outcome::Recorded))
        }
        Command::AdjustXp {
            actor,
            actor_can_manage_guild,
            member,
            member_is_bot,
            amount,
            give,
            reason,
        } => {
            if !actor_can_manage_guild {
                return Err(Rejection::NeedsManageGuild);
            }
            if !(1..=xp::MAX_ADJUSTMENT).contains(amount) {
                return Err(Rejection::BadAmount {
                    max: xp::MAX_ADJUSTMENT,
                });
            }
            let reason = reason.trim();
            if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
                return Err(Rejection::BadReason {
                    max: MAX_REASON_CHARS,
                });
            }
            if *member_is_bot || state.members.get(member).is_some_and(|m| m.bot) {
                return Err(Rejection::TargetIsBot);
            }
            let current = state.member(*member).xp;
            let (event, change, total) = if *give {
                let total = Xp(current.0 + amount);
                let event = Event::XpGranted {
                    member: *member,
                    xp: Xp(*amount),
                    reason: reason.to_owned(),
                    by: *actor,
                };
                (event, *amount, total)
            } else {
                let removed = (*amount).min(current.0);
                if removed == 0 {
                    return Err(Rejection::NothingToRemove {
                        member: format!("<@{member}>"),
                    });
                }
                let event = Event::XpRevoked {
                    member: *member,
                    xp: Xp(removed),
                    reason: reason.to_owned(),
                    by: *actor,
                };
                (event, -removed, Xp(current.0 - removed))
            };
            Ok((
                vec![event],
                Outcome::XpAdjusted {
                    member: *member,
                    change,
                    total,
                    level: xp::level(total),
                    level_up: (xp::level(total) > xp::level(current)).then(|| xp::level(total)),
                    level_roles: new_level_roles(
                        &state.settings,
                        xp::level(current),
                        xp::level(total),
                    ),
                    reason: reason.to_owned(),
                },
            ))
        }
        Command::StartSeason {
            actor,
            actor_can_manage_guild,
            name,
        } => season::start(state, *actor, *actor_can_manage_guild, name, now),
        Command::ShowSeason => Ok((
            Vec::new(),
            Outcome::Season {
                season: state.season.clone(),
            },
        )),
    }
}

/// The level roles a member moving from level `old` to `new` gets (none when the level fell).
fn new_level_roles(settings: &crate::rules::settings::Settings, old: i64, new: i64) -> Vec<RoleId> {
    let had = settings.level_roles_up_to(old);
    settings
        .level_roles_up_to(new)
        .into_iter()
        .filter(|r| !had.contains(r))
        .collect()
}

/// A `MemberSeen` for a member the guild has never seen, or a `MemberJoined` for one Discord shows
/// in the guild again while Studio thought them away (a join it did not receive).
fn seen_if_new(state: &GuildState, who: &SeenMember, now: DateTime<Utc>) -> Vec<Event> {
    if !state.knows(who.member) {
        vec![Event::MemberSeen {
            member: who.member,
            joined_at: who.joined_at,
            bot: who.bot,
            seen_at: Some(now),
        }]
    } else if !state.is_present(who.member) {
        vec![Event::MemberJoined {
            member: who.member,
            at: who.joined_at,
            bot: who.bot,
        }]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod economy_tests;
#[cfg(test)]
mod heads_tests;
#[cfg(test)]
mod quest_tests;
#[cfg(test)]
mod rank_tests;
#[cfg(test)]
mod recruitment_tests;
#[cfg(test)]
mod reputation_tests;
#[cfg(test)]
mod season_tests;
#[cfg(test)]
mod settings_tests;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tournament_tests;
#[cfg(test)]
mod undo_tests;

/// The head at `seq`, posted in the audit channel if the guild still has one and its hash was read.
fn publish_head(
    state: &GuildState,
    seq: i64,
    hash: Option<&str>,
    now: DateTime<Utc>,
) -> (Vec<Event>, Outcome) {
    match (state.settings.audit_channel, hash) {
        (Some(channel), Some(hash)) if seq > state.heads.seq => (
            vec![Event::ChainHeadPublished {
                seq,
                hash: hash.to_owned(),
                at: now,
            }],
            Outcome::HeadPublished {
                channel,
                head: format!("{}:{seq}:{hash}", state.guild),
            },
        ),
        _ => (Vec::new(), Outcome::Recorded),
    }
}
