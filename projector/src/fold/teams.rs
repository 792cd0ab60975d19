//! `teams` and `team_members`: each team with its milestones and progress, and who is in it.
//! The wallet is the `team:<id>` account in `accounts`.

use super::{Keys, Rows};
use serde::{Deserialize, Serialize};
use studio_schema::Event;
use studio_schema::log::RecordedEvent;
use studio_schema::money::TeamId;
use studio_schema::teams::{Membership, MilestoneStep};

/// A milestone as the view lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneView {
    pub id: u32,
    pub title: String,
    pub reward: i64,
    pub done: bool,
}

/// A row of `teams`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamRow {
    pub name: String,
    pub description: String,
    pub open: bool,
    pub owner: i64,
    pub members: i64,
    pub milestones: Vec<MilestoneView>,
    /// `active` or `disbanded`.
    pub status: String,
    pub updated_seq: i64,
}

impl TeamRow {
    /// Percent of milestones done.
    #[must_use]
    pub fn progress(&self) -> i64 {
        let done = self.milestones.iter().filter(|m| m.done).count();
        i64::from(studio_schema::teams::progress(done, self.milestones.len()))
    }
}

fn team(event: &Event) -> Option<TeamId> {
    match event {
        Event::TeamCreated(e) => Some(e.team),
        Event::TeamMembershipChanged(e) => Some(e.team),
        Event::TeamOwnerChanged(e) => Some(e.team),
        Event::TeamWalletMoved(e) => Some(e.team),
        Event::TeamMilestoneChanged(e) => Some(e.team),
        Event::TeamDisbanded(e) => Some(e.team),
        _ => None,
    }
}

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    if let Some(t) = team(&e.event) {
        keys.teams.push((e.guild_id.0, t.0));
    }
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    let Some(id) = team(&e.event) else {
        return;
    };
    let (g, key) = (e.guild_id.0, (e.guild_id.0, id.0));
    if let Event::TeamCreated(c) = &e.event {
        rows.teams.insert(
            key,
            Some(TeamRow {
                name: c.name.clone(),
                description: c.description.clone(),
                open: c.open,
                owner: c.owner.0,
                members: 1,
                milestones: Vec::new(),
                status: "active".into(),
                updated_seq: e.guild_seq,
            }),
        );
        rows.team_members.insert((g, id.0, c.owner.0), true);
        return;
    }
    let Some(Some(row)) = rows.teams.get_mut(&key) else {
        return;
    };
    row.updated_seq = e.guild_seq;
    match &e.event {
        Event::TeamMembershipChanged(m) => match m.change {
            Membership::Joined => {
                row.members += 1;
                rows.team_members.insert((g, id.0, m.member.0), true);
            }
            Membership::Left | Membership::Kicked => {
                row.members -= 1;
                rows.team_members.insert((g, id.0, m.member.0), false);
            }
            _ => {}
        },
        Event::TeamOwnerChanged(o) => row.owner = o.to.0,
        Event::TeamMilestoneChanged(m) => match &m.step {
            MilestoneStep::Added { title, reward } => row.milestones.push(MilestoneView {
                id: m.milestone,
                title: title.clone(),
                reward: reward.0,
                done: false,
            }),
            MilestoneStep::Completed { .. } | MilestoneStep::Reopened => {
                let done = matches!(m.step, MilestoneStep::Completed { .. });
                if let Some(v) = row.milestones.iter_mut().find(|v| v.id == m.milestone) {
                    v.done = done;
                }
            }
        },
        Event::TeamDisbanded(_) => {
            "disbanded".clone_into(&mut row.status);
        }
        _ => {}
    }
}
