//! Team milestones: the owner adds them with a reward per member, completes them (every member is
//! paid from the wallet, or nothing happens if it cannot cover them all), and reopens them (rewards
//! paid stay paid). Progress is the share of milestones done.

use super::super::Decision;
use super::super::credits::{cover, credits, text};
use super::{done, owned};
use crate::domain::outcome::TeamStep;
use crate::domain::{GuildState, Rejection};
use crate::rules::team as rules;
use studio_model::team::{Milestone, Team, progress};
use studio_schema::money::{Postings, TeamId};
use studio_schema::teams::{MilestoneStep, TeamMilestoneChanged};
use studio_schema::{Account, Credits, Event, Posting, UserId};

fn changed(
    team: TeamId,
    milestone: u32,
    by: UserId,
    step: MilestoneStep,
    postings: Vec<Posting>,
) -> Event {
    Event::TeamMilestoneChanged(TeamMilestoneChanged {
        team,
        milestone,
        by,
        step,
        postings,
    })
}

fn find(t: &Team, milestone: u32) -> Result<&Milestone, Rejection> {
    t.milestones
        .get(&milestone)
        .ok_or(Rejection::NoSuchMilestone(milestone))
}

/// The team's progress once `milestone` is done (or not).
fn progress_with(t: &Team, milestone: u32, done_now: bool) -> u8 {
    let done = t
        .milestones
        .iter()
        .filter(|(id, m)| if **id == milestone { done_now } else { m.done })
        .count();
    progress(done, t.milestones.len())
}

pub(super) fn add(
    state: &GuildState,
    actor: UserId,
    id: TeamId,
    title: &str,
    reward: i64,
) -> Decision {
    let t = owned(state, id, actor)?;
    if t.milestones.len() >= rules::MAX_MILESTONES {
        return Err(Rejection::TooManyMilestones {
            max: rules::MAX_MILESTONES,
        });
    }
    let title = text(title, "The milestone", rules::MILESTONE_CHARS)?;
    let reward = if reward == 0 {
        Credits::ZERO
    } else {
        credits(reward)?
    };
    let milestone = t.milestones.keys().next_back().map_or(1, |m| m + 1);
    let step = MilestoneStep::Added {
        title: title.clone(),
        reward,
    };
    let e = changed(id, milestone, actor, step, Vec::new());
    done(
        state,
        id,
        vec![e],
        TeamStep::MilestoneAdded {
            milestone,
            title,
            reward,
        },
    )
}

pub(super) fn complete(state: &GuildState, actor: UserId, id: TeamId, milestone: u32) -> Decision {
    let t = owned(state, id, actor)?;
    let m = find(t, milestone)?;
    if m.done {
        return Err(Rejection::MilestoneAlready(milestone, "done".into()));
    }
    let wallet = Account::Team(id);
    let paid: Vec<(UserId, Credits)> = if m.reward == Credits::ZERO {
        Vec::new()
    } else {
        t.members.iter().map(|u| (*u, m.reward)).collect()
    };
    cover(state, wallet, Credits(paid.iter().map(|(_, c)| c.0).sum()))?;
    let postings = paid
        .iter()
        .fold(Postings::new(), |p, (u, c)| {
            p.mov(wallet, Account::Member(*u), *c)
        })
        .build();
    let e = changed(
        id,
        milestone,
        actor,
        MilestoneStep::Completed { paid: paid.clone() },
        postings,
    );
    let step = TeamStep::MilestoneCompleted {
        milestone,
        title: m.title.clone(),
        paid,
        progress: progress_with(t, milestone, true),
    };
    done(state, id, vec![e], step)
}

pub(super) fn reopen(state: &GuildState, actor: UserId, id: TeamId, milestone: u32) -> Decision {
    let t = owned(state, id, actor)?;
    let m = find(t, milestone)?;
    if !m.done {
        return Err(Rejection::MilestoneAlready(milestone, "open".into()));
    }
    let e = changed(id, milestone, actor, MilestoneStep::Reopened, Vec::new());
    let step = TeamStep::MilestoneReopened {
        milestone,
        title: m.title.clone(),
        progress: progress_with(t, milestone, false),
    };
    done(state, id, vec![e], step)
}
