//! A team: its members, pending invites and requests, and milestones. The wallet is the team's
//! account, a [`crate::account::Balance`] like every other.

use crate::Entity;
use std::collections::{BTreeMap, BTreeSet};
use studio_schema::money::TeamId;
use studio_schema::teams::{Membership, MilestoneStep};
use studio_schema::{Credits, Event, UserId};

/// A milestone of a team.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Milestone {
    pub title: String,
    /// What each member gets when it is completed.
    pub reward: Credits,
    pub done: bool,
}

/// One team.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Team {
    pub name: String,
    pub description: String,
    pub owner: UserId,
    /// Anyone may join an open team.
    pub open: bool,
    pub members: BTreeSet<UserId>,
    pub invited: BTreeSet<UserId>,
    pub requested: BTreeSet<UserId>,
    pub milestones: BTreeMap<u32, Milestone>,
    pub disbanded: bool,
}

impl Team {
    /// Percent of milestones done.
    #[must_use]
    pub fn progress(&self) -> u8 {
        let done = self.milestones.values().filter(|m| m.done).count();
        progress(done, self.milestones.len())
    }
}

/// A team's progress in percent: the share of its milestones done (0 with no milestones).
#[must_use]
pub fn progress(done: usize, total: usize) -> u8 {
    if total == 0 {
        return 0;
    }
    u8::try_from(done.min(total) * 100 / total).unwrap_or(100)
}

impl Entity for Team {
    type Key = TeamId;

    fn keys(event: &Event, each: &mut dyn FnMut(TeamId)) {
        match event {
            Event::TeamCreated(e) => each(e.team),
            Event::TeamMembershipChanged(e) => each(e.team),
            Event::TeamOwnerChanged(e) => each(e.team),
            Event::TeamWalletMoved(e) => each(e.team),
            Event::TeamMilestoneChanged(e) => each(e.team),
            Event::TeamDisbanded(e) => each(e.team),
            _ => {}
        }
    }

    fn evolve(slot: &mut Option<Self>, _: TeamId, event: &Event) {
        if let Event::TeamCreated(c) = event {
            *slot = Some(Self {
                name: c.name.clone(),
                description: c.description.clone(),
                owner: c.owner,
                open: c.open,
                members: BTreeSet::from([c.owner]),
                invited: BTreeSet::new(),
                requested: BTreeSet::new(),
                milestones: BTreeMap::new(),
                disbanded: false,
            });
            return;
        }
        let Some(t) = slot else {
            return;
        };
        match event {
            Event::TeamMembershipChanged(m) => {
                t.invited.remove(&m.member);
                t.requested.remove(&m.member);
                match m.change {
                    Membership::Invited => {
                        t.invited.insert(m.member);
                    }
                    Membership::Requested => {
                        t.requested.insert(m.member);
                    }
                    Membership::Joined => {
                        t.members.insert(m.member);
                    }
                    Membership::Declined => {}
                    Membership::Left | Membership::Kicked => {
                        t.members.remove(&m.member);
                    }
                }
            }
            Event::TeamOwnerChanged(o) => t.owner = o.to,
            Event::TeamMilestoneChanged(m) => match &m.step {
                MilestoneStep::Added { title, reward } => {
                    t.milestones.insert(
                        m.milestone,
                        Milestone {
                            title: title.clone(),
                            reward: *reward,
                            done: false,
                        },
                    );
                }
                MilestoneStep::Completed { .. } | MilestoneStep::Reopened => {
                    if let Some(ms) = t.milestones.get_mut(&m.milestone) {
                        ms.done = matches!(m.step, MilestoneStep::Completed { .. });
                    }
                }
            },
            Event::TeamDisbanded(_) => t.disbanded = true,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use studio_schema::teams::{TeamCreated, TeamMembershipChanged};

    #[test]
    fn a_second_join_counts_the_member_once() {
        let team = TeamId(1);
        let mut slot: Option<Team> = None;
        let joined = Event::TeamMembershipChanged(TeamMembershipChanged {
            team,
            member: UserId(2),
            change: Membership::Joined,
            by: UserId(2),
        });
        for e in [
            Event::TeamCreated(TeamCreated {
                team,
                name: "jam".into(),
                description: String::new(),
                open: true,
                owner: UserId(1),
                fee: Credits(0),
                postings: Vec::new(),
            }),
            joined.clone(),
            joined,
        ] {
            crate::evolve_one(&mut slot, team, &e);
        }
        let members = slot.map(|t| t.members.len());
        assert_eq!(members, Some(2));
    }

    #[test]
    fn progress_is_the_share_of_milestones_done() {
        assert_eq!(super::progress(0, 0), 0);
        assert_eq!(super::progress(1, 3), 33);
        assert_eq!(super::progress(2, 2), 100);
    }
}
