//! Teams: creation with a fee to the treasury, membership by open join, invite or accepted
//! request, the owner's powers, the shared wallet, milestones with member rewards, and disbanding
//! with the wallet shared out (see `rules::team::share_out`).

mod milestones;

use super::Decision;
use super::credits::{cover, credits, text};
use crate::domain::command::TeamCmd;
use crate::domain::outcome::TeamStep;
use crate::domain::{GuildState, Outcome, Rejection};
use crate::rules::{economy, profile, team as rules};
use studio_model::team::Team;
use studio_schema::money::{Postings, TeamId};
use studio_schema::teams::{
    Membership, TeamCreated, TeamDisbanded, TeamMembershipChanged, TeamOwnerChanged,
    TeamWalletMoved, WalletMove,
};
use studio_schema::{Account, Credits, Event, UserId};

fn mention(u: UserId) -> String {
    format!("<@{u}>")
}

fn team(state: &GuildState, id: TeamId) -> Result<&Team, Rejection> {
    state.active_team(id).ok_or(Rejection::NoSuchTeam(id.0))
}

fn owned(state: &GuildState, id: TeamId, actor: UserId) -> Result<&Team, Rejection> {
    let t = team(state, id)?;
    if t.owner != actor {
        return Err(Rejection::TeamOwnerOnly);
    }
    Ok(t)
}

/// The outcome after `events`, with the members as they will be.
fn done(state: &GuildState, id: TeamId, events: Vec<Event>, step: TeamStep) -> Decision {
    let mut team = state.teams.get(&id).cloned();
    for e in &events {
        studio_model::evolve_one(&mut team, id, e);
    }
    let (name, members) = team
        .as_ref()
        .map(|t| (t.name.clone(), t.members.iter().copied().collect()))
        .unwrap_or_default();
    Ok((
        events,
        Outcome::Team {
            team: id,
            name,
            step,
            members,
        },
    ))
}

fn in_team(t: &Team, member: UserId) -> Result<(), Rejection> {
    if t.members.contains(&member) {
        Ok(())
    } else {
        Err(Rejection::NotInTeam {
            member: mention(member),
        })
    }
}

fn membership(team: TeamId, member: UserId, change: Membership, by: UserId) -> Event {
    Event::TeamMembershipChanged(TeamMembershipChanged {
        team,
        member,
        change,
        by,
    })
}

#[allow(clippy::too_many_lines)]
pub(super) fn decide(state: &GuildState, command: &TeamCmd) -> Decision {
    match command {
        TeamCmd::Create {
            owner,
            name,
            description,
            open,
        } => {
            let name = text(name, "The team name", rules::NAME_CHARS)?;
            let description = text(description, "The description", rules::DESCRIPTION_CHARS)?;
            let open = profile::yes(open).ok_or(Rejection::BadOpen)?;
            let fee = state.settings.team_fee;
            cover(state, Account::Member(*owner), fee)?;
            let id = state.next_team();
            let postings = Postings::new()
                .mov(Account::Member(*owner), Account::Treasury, fee)
                .build();
            let event = Event::TeamCreated(TeamCreated {
                team: id,
                name,
                description,
                open,
                owner: *owner,
                fee,
                postings,
            });
            done(
                state,
                id,
                vec![event],
                TeamStep::Created { owner: *owner, fee },
            )
        }
        TeamCmd::Join { member, team: id } => {
            let t = team(state, *id)?;
            if t.members.contains(member) {
                return Err(Rejection::AlreadyInTeam {
                    member: mention(*member),
                });
            }
            if t.open || t.invited.contains(member) {
                if t.members.len() >= rules::MAX_MEMBERS {
                    return Err(Rejection::TeamFull {
                        max: rules::MAX_MEMBERS,
                    });
                }
                let e = membership(*id, *member, Membership::Joined, *member);
                return done(state, *id, vec![e], TeamStep::Joined { member: *member });
            }
            if t.requested.contains(member) {
                return Err(Rejection::AlreadyRequested);
            }
            let e = membership(*id, *member, Membership::Requested, *member);
            let step = TeamStep::Requested {
                member: *member,
                owner: t.owner,
            };
            done(state, *id, vec![e], step)
        }
        TeamCmd::Invite {
            actor,
            team: id,
            member,
        } => {
            let t = owned(state, *id, *actor)?;
            if t.members.contains(member) {
                return Err(Rejection::AlreadyInTeam {
                    member: mention(*member),
                });
            }
            let e = membership(*id, *member, Membership::Invited, *actor);
            done(state, *id, vec![e], TeamStep::Invited { member: *member })
        }
        TeamCmd::Answer {
            actor,
            team: id,
            member,
            accept,
        } => {
            let t = owned(state, *id, *actor)?;
            if !t.requested.contains(member) {
                return Err(Rejection::NoRequest {
                    member: mention(*member),
                });
            }
            if *accept && t.members.len() >= rules::MAX_MEMBERS {
                return Err(Rejection::TeamFull {
                    max: rules::MAX_MEMBERS,
                });
            }
            let (change, step) = if *accept {
                (Membership::Joined, TeamStep::Joined { member: *member })
            } else {
                (Membership::Declined, TeamStep::Declined { member: *member })
            };
            done(
                state,
                *id,
                vec![membership(*id, *member, change, *actor)],
                step,
            )
        }
        TeamCmd::Leave { member, team: id } => {
            let t = team(state, *id)?;
            in_team(t, *member)?;
            if t.owner == *member {
                return Err(Rejection::OwnerCannotLeave);
            }
            let e = membership(*id, *member, Membership::Left, *member);
            done(state, *id, vec![e], TeamStep::Left { member: *member })
        }
        TeamCmd::Kick {
            actor,
            team: id,
            member,
        } => {
            let t = owned(state, *id, *actor)?;
            if member == actor {
                return Err(Rejection::OwnerCannotLeave);
            }
            in_team(t, *member)?;
            let e = membership(*id, *member, Membership::Kicked, *actor);
            done(state, *id, vec![e], TeamStep::Kicked { member: *member })
        }
        TeamCmd::Transfer {
            actor,
            team: id,
            to,
        } => {
            let t = owned(state, *id, *actor)?;
            if !t.members.contains(to) || to == actor {
                return Err(Rejection::NotInTeam {
                    member: mention(*to),
                });
            }
            let e = Event::TeamOwnerChanged(TeamOwnerChanged {
                team: *id,
                from: *actor,
                to: *to,
            });
            let step = TeamStep::Transferred {
                from: *actor,
                to: *to,
            };
            done(state, *id, vec![e], step)
        }
        TeamCmd::Disband { actor, team: id } => {
            let t = owned(state, *id, *actor)?;
            let wallet = Account::Team(*id);
            let members: Vec<UserId> = t.members.iter().copied().collect();
            let returned = rules::share_out(state.balance(wallet), t.owner, &members);
            let postings = returned
                .iter()
                .fold(Postings::new(), |p, (m, c)| {
                    p.mov(wallet, Account::Member(*m), *c)
                })
                .build();
            let e = Event::TeamDisbanded(TeamDisbanded {
                team: *id,
                by: *actor,
                returned: returned.clone(),
                postings,
            });
            done(state, *id, vec![e], TeamStep::Disbanded { returned })
        }
        TeamCmd::Deposit {
            member,
            team: id,
            amount,
        } => {
            let t = team(state, *id)?;
            let amount = credits(*amount)?;
            in_team(t, *member)?;
            cover(state, Account::Member(*member), amount)?;
            let wallet = Account::Team(*id);
            let e = wallet_move(
                *id,
                *member,
                WalletMove::Deposit,
                None,
                amount,
                "deposit",
                Account::Member(*member),
                wallet,
            );
            let step = TeamStep::Deposited {
                member: *member,
                amount,
                wallet: Credits(state.balance(wallet).0 + amount.0),
            };
            done(state, *id, vec![e], step)
        }
        TeamCmd::Pay {
            actor,
            team: id,
            member,
            amount,
            memo,
        } => {
            let t = owned(state, *id, *actor)?;
            let amount = credits(*amount)?;
            in_team(t, *member)?;
            let memo = text(memo, "The note", economy::NOTE_CHARS)?;
            let wallet = Account::Team(*id);
            cover(state, wallet, amount)?;
            let e = wallet_move(
                *id,
                *actor,
                WalletMove::Pay,
                Some(*member),
                amount,
                &memo,
                wallet,
                Account::Member(*member),
            );
            let step = TeamStep::Paid {
                member: *member,
                amount,
                wallet: Credits(state.balance(wallet).0 - amount.0),
            };
            done(state, *id, vec![e], step)
        }
        TeamCmd::Spend {
            actor,
            team: id,
            amount,
            memo,
        } => {
            owned(state, *id, *actor)?;
            let amount = credits(*amount)?;
            let memo = text(memo, "The note", economy::NOTE_CHARS)?;
            let wallet = Account::Team(*id);
            cover(state, wallet, amount)?;
            let e = wallet_move(
                *id,
                *actor,
                WalletMove::Spend,
                None,
                amount,
                &memo,
                wallet,
                Account::Treasury,
            );
            let step = TeamStep::Spent {
                amount,
                wallet: Credits(state.balance(wallet).0 - amount.0),
            };
            done(state, *id, vec![e], step)
        }
        TeamCmd::AddMilestone {
            actor,
            team: id,
            title,
            reward,
        } => milestones::add(state, *actor, *id, title, *reward),
        TeamCmd::CompleteMilestone {
            actor,
            team: id,
            milestone,
        } => milestones::complete(state, *actor, *id, *milestone),
        TeamCmd::ReopenMilestone {
            actor,
            team: id,
            milestone,
        } => milestones::reopen(state, *actor, *id, *milestone),
    }
}

#[allow(clippy::too_many_arguments)]
fn wallet_move(
    team: TeamId,
    by: UserId,
    kind: WalletMove,
    member: Option<UserId>,
    amount: Credits,
    memo: &str,
    from: Account,
    to: Account,
) -> Event {
    Event::TeamWalletMoved(TeamWalletMoved {
        team,
        by,
        kind,
        member,
        amount,
        memo: memo.to_owned(),
        postings: Postings::new().mov(from, to, amount).build(),
    })
}
