//! Teams as the rules see them: members, pending invites and requests, milestones, folded from
//! events. Wallet balances live with every other account in the economy.

use std::collections::{BTreeMap, BTreeSet};
use studio_schema::money::TeamId;
use studio_schema::teams::{Membership, MilestoneStep};
use studio_schema::{Credits, Event, UserId};

/// A milestone of a team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Milestone {
    pub title: String,
    pub reward: Credits,
    pub done: bool,
}

/// One team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Team {
    pub name: String,
    pub owner: UserId,
    pub open: bool,
    pub members: BTreeSet<UserId>,
    pub invited: BTreeSet<UserId>,
    pub requested: BTreeSet<UserId>,
    pub milestones: BTreeMap<u32, Milestone>,
    pub disbanded: bool,
}

/// Every team of the guild.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Teams {
    pub teams: BTreeMap<TeamId, Team>,
}

impl Teams {
    /// The id the next team gets.
    #[must_use]
    pub fn next_id(&self) -> TeamId {
        TeamId(self.teams.keys().next_back().map_or(1, |t| t.0 + 1))
    }

    /// A team that exists and is not disbanded.
    #[must_use]
    pub fn active(&self, team: TeamId) -> Option<&Team> {
        self.teams.get(&team).filter(|t| !t.disbanded)
    }

    /// Folds one event.
    pub fn evolve(&mut self, event: &Event) {
        match event {
            Event::TeamCreated(c) => {
                self.teams.insert(
                    c.team,
                    Team {
                        name: c.name.clone(),
                        owner: c.owner,
                        open: c.open,
                        members: BTreeSet::from([c.owner]),
                        invited: BTreeSet::new(),
                        requested: BTreeSet::new(),
                        milestones: BTreeMap::new(),
                        disbanded: false,
                    },
                );
            }
            Event::TeamMembershipChanged(m) => {
                let Some(t) = self.teams.get_mut(&m.team) else {
                    return;
                };
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
            Event::TeamOwnerChanged(o) => {
                if let Some(t) = self.teams.get_mut(&o.team) {
                    t.owner = o.to;
                }
            }
            Event::TeamMilestoneChanged(m) => {
                let Some(t) = self.teams.get_mut(&m.team) else {
                    return;
                };
                match &m.step {
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
                    MilestoneStep::Completed { .. } => {
                        if let Some(ms) = t.milestones.get_mut(&m.milestone) {
                            ms.done = true;
                        }
                    }
                    MilestoneStep::Reopened => {
                        if let Some(ms) = t.milestones.get_mut(&m.milestone) {
                            ms.done = false;
                        }
                    }
                }
            }
            Event::TeamDisbanded(d) => {
                if let Some(t) = self.teams.get_mut(&d.team) {
                    t.disbanded = true;
                }
            }
            _ => {}
        }
    }
}
