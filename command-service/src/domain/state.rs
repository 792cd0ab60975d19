//! A guild's decision state, folded from its events by [`GuildState::evolve`].

use super::economy::Economy;
use super::profiles::Profiles;
use super::reputation::Reputation;
use super::tournament::Tournaments;
use crate::rules::settings::Settings;
use crate::rules::tenure::{Rank, Tenure};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use studio_schema::{Event, GuildId, UserId, Xp};

/// What the rules need to know about one member.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MemberState {
    pub xp: Xp,
    /// Timestamp of the last message that earned XP (the cooldown's anchor).
    pub last_rewarded_at: Option<DateTime<Utc>>,
    pub bot: bool,
    /// Whether a join (or Discord's member list) ever showed the member; other events about a
    /// member (an admin's grant) do not.
    pub seen: bool,
    pub present: bool,
    pub tenure: Tenure,
    /// Reputation points received and still in force.
    pub reputation: i64,
    /// The highest rank a `RankReached` recorded.
    pub rank: Option<Rank>,
}

/// One guild's state at `last_seq`.
#[derive(Clone, Debug, PartialEq)]
pub struct GuildState {
    pub guild: GuildId,
    pub last_seq: i64,
    pub members: HashMap<UserId, MemberState>,
    pub economy: Economy,
    pub reputation: Reputation,
    pub tournaments: Tournaments,
    pub profiles: Profiles,
    pub quests: super::quests::Quests,
    pub teams: super::teams::Teams,
    /// The guild's rules as its admins set them.
    pub settings: Settings,
}

impl GuildState {
    /// A guild with no events.
    #[must_use]
    pub fn new(guild: GuildId) -> Self {
        Self {
            guild,
            last_seq: 0,
            members: HashMap::new(),
            economy: Economy::default(),
            reputation: Reputation::default(),
            tournaments: Tournaments::default(),
            profiles: Profiles::default(),
            quests: super::quests::Quests::default(),
            teams: super::teams::Teams::default(),
            settings: Settings::default(),
        }
    }

    /// The member's state, or the state of a member never seen.
    #[must_use]
    pub fn member(&self, id: UserId) -> MemberState {
        self.members.get(&id).cloned().unwrap_or_default()
    }

    /// Whether the member has ever been seen joining or listed by Discord.
    #[must_use]
    pub fn knows(&self, id: UserId) -> bool {
        self.members.get(&id).is_some_and(|m| m.seen)
    }

    /// Whether the member is in the guild now.
    #[must_use]
    pub fn is_present(&self, id: UserId) -> bool {
        self.members.get(&id).is_some_and(|m| m.present)
    }

    /// Folds one event into the state.
    pub fn evolve(&mut self, event: &Event) {
        self.economy.evolve(event);
        self.reputation.evolve(event);
        self.tournaments.evolve(event);
        self.profiles.evolve(event);
        self.quests.evolve(event);
        self.teams.evolve(event);
        if let Event::GuildSettingsChanged { change, .. } = event {
            self.settings.apply(change);
        }
        let Some(member) = event.member() else {
            return;
        };
        let m = self.members.entry(member).or_default();
        m.reputation += event.reputation_change();
        match event {
            Event::MemberJoined { at, bot, .. } => {
                m.bot = *bot;
                m.seen = true;
                m.present = true;
                m.tenure.join(*at);
            }
            Event::MemberSeen { joined_at, bot, .. } => {
                m.bot = *bot;
                m.seen = true;
                m.present = true;
                m.tenure.join(*joined_at);
            }
            Event::MemberLeft { at, .. } => {
                m.present = false;
                m.tenure.leave(*at);
            }
            Event::MessagePosted { xp, posted_at, .. } => {
                if xp.0 > 0 {
                    m.xp.0 += xp.0;
                    m.last_rewarded_at = Some(*posted_at);
                }
            }
            Event::XpGranted { xp, .. } => m.xp.0 += xp.0,
            Event::XpRevoked { xp, .. } => m.xp.0 = (m.xp.0 - xp.0).max(0),
            Event::RankReached { rank, .. } => m.rank = rank.parse().ok().max(m.rank),
            other => m.xp.0 += other.earned_xp().0,
        }
    }

    /// Folds an appended event and moves the head to its sequence.
    pub fn apply(&mut self, seq: i64, event: &Event) {
        self.evolve(event);
        self.last_seq = seq;
    }
}
