//! A member: XP, presence and tenure, reputation and the highest rank recorded.

use crate::Entity;
use crate::rank::Rank;
use crate::tenure::Tenure;
use chrono::{DateTime, Utc};
use studio_schema::{Event, UserId, Xp};

/// One member of a guild, as the rules and the views see them.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Member {
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

impl Entity for Member {
    type Key = UserId;

    fn keys(event: &Event, each: &mut dyn FnMut(UserId)) {
        if let Some(member) = event.member() {
            each(member);
        }
    }

    /// Any event about a member creates them; XP never goes below zero nor wraps.
    fn evolve(slot: &mut Option<Self>, _: UserId, event: &Event) {
        let m = slot.get_or_insert_with(Self::default);
        m.reputation = m.reputation.saturating_add(event.reputation_change());
        m.xp = add(m.xp, event.earned_xp().0);
        match event {
            Event::MemberJoined { at, bot, .. } => m.arrive(*at, *bot),
            Event::MemberSeen { joined_at, bot, .. } => m.arrive(*joined_at, *bot),
            Event::MemberLeft { at, .. } => {
                m.present = false;
                m.tenure.leave(*at);
            }
            Event::MessagePosted { xp, posted_at, .. } if xp.0 > 0 => {
                m.xp = add(m.xp, xp.0);
                m.last_rewarded_at = Some(*posted_at);
            }
            Event::XpGranted { xp, .. } => m.xp = add(m.xp, xp.0),
            Event::XpRevoked { xp, .. } => m.xp = Xp(m.xp.0.saturating_sub(xp.0).max(0)),
            Event::RankReached { rank, .. } => m.rank = rank.parse().ok().max(m.rank),
            _ => {}
        }
    }
}

impl Member {
    fn arrive(&mut self, at: DateTime<Utc>, bot: bool) {
        self.bot = bot;
        self.seen = true;
        self.present = true;
        self.tenure.join(at);
    }
}

fn add(xp: Xp, by: i64) -> Xp {
    Xp(xp.0.saturating_add(by).max(0))
}
