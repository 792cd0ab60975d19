//! Tournaments: an admin opens one with a pool from the treasury or the mint, members enter until
//! it ends, an admin records the placings and the pool is paid out as postings.

use super::Decision;
use super::credits::text;
use crate::domain::command::TournamentCmd;
use crate::domain::outcome::TournamentStep;
use crate::domain::{GuildState, Outcome, Rejection};
use crate::rules::{economy, tournament as rules};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::BTreeSet;
use studio_schema::community::{
    TournamentCancelled, TournamentCreated, TournamentEntered, TournamentPaid,
};
use studio_schema::money::Postings;
use studio_schema::{Account, Credits, Event, TournamentId};

pub(super) fn decide(state: &GuildState, command: &TournamentCmd, now: DateTime<Utc>) -> Decision {
    match command {
        TournamentCmd::Create {
            actor,
            actor_can_manage_guild,
            name,
            prize,
            from_treasury,
            days,
        } => {
            if !actor_can_manage_guild {
                return Err(Rejection::AdminOnly);
            }
            let prize = Some(Credits(*prize))
                .filter(|p| (rules::MIN_PRIZE..=economy::MAX_AMOUNT).contains(p))
                .ok_or(Rejection::BadPrize {
                    min: rules::MIN_PRIZE.0,
                    max: economy::MAX_AMOUNT.0,
                })?;
            if !(1..=rules::MAX_DAYS).contains(days) {
                return Err(Rejection::BadDays {
                    max: rules::MAX_DAYS,
                });
            }
            let name = text(name, "The name", rules::NAME_CHARS)?;
            let source = if *from_treasury {
                let balance = state.balance(Account::Treasury);
                if balance < prize {
                    return Err(Rejection::TreasuryShort {
                        balance,
                        needed: prize,
                    });
                }
                Account::Treasury
            } else {
                Account::Mint
            };
            let tournament = state.next_tournament();
            let ends_at = now + TimeDelta::days(*days);
            Ok((
                vec![Event::TournamentCreated(TournamentCreated {
                    tournament,
                    name: name.clone(),
                    prize,
                    source,
                    ends_at,
                    by: *actor,
                    postings: Postings::new()
                        .mov(source, Account::Prize(tournament), prize)
                        .build(),
                })],
                Outcome::Tournament {
                    tournament,
                    name,
                    step: TournamentStep::Created { prize, ends_at },
                },
            ))
        }
        TournamentCmd::Enter { member, tournament } => {
            let t = open(state, *tournament)?;
            if now >= t.ends_at {
                return Err(Rejection::TournamentClosed(*tournament));
            }
            if t.entrants.contains(member) {
                return Err(Rejection::AlreadyEntered(*tournament));
            }
            Ok((
                vec![Event::TournamentEntered(TournamentEntered {
                    tournament: *tournament,
                    member: *member,
                })],
                Outcome::Tournament {
                    tournament: *tournament,
                    name: t.name.clone(),
                    step: TournamentStep::Entered {
                        member: *member,
                        entrants: t.entrants.len() + 1,
                    },
                },
            ))
        }
        TournamentCmd::Results {
            actor,
            actor_can_manage_guild,
            tournament,
            placings,
        } => {
            if !actor_can_manage_guild {
                return Err(Rejection::AdminOnly);
            }
            let t = open(state, *tournament)?;
            let distinct: BTreeSet<_> = placings.iter().collect();
            if placings.is_empty()
                || placings.len() > rules::SHARES.len()
                || distinct.len() != placings.len()
                || !placings.iter().all(|p| t.entrants.contains(p))
            {
                return Err(Rejection::BadPlacings);
            }
            let pool = Account::Prize(*tournament);
            let won: Vec<_> = placings
                .iter()
                .copied()
                .zip(rules::prizes(t.prize, placings.len()))
                .collect();
            let paid: i64 = won.iter().map(|(_, c)| c.0).sum();
            let returned = Credits(t.prize.0 - paid);
            let postings = won
                .iter()
                .fold(Postings::new(), |p, (member, amount)| {
                    p.mov(pool, Account::Member(*member), *amount)
                })
                .mov(pool, t.source, returned)
                .build();
            Ok((
                vec![Event::TournamentPaid(TournamentPaid {
                    tournament: *tournament,
                    placings: won.clone(),
                    returned,
                    by: *actor,
                    postings,
                })],
                Outcome::Tournament {
                    tournament: *tournament,
                    name: t.name.clone(),
                    step: TournamentStep::Paid { placings: won },
                },
            ))
        }
        TournamentCmd::Cancel {
            actor,
            actor_can_manage_guild,
            tournament,
        } => {
            if !actor_can_manage_guild {
                return Err(Rejection::AdminOnly);
            }
            let t = open(state, *tournament)?;
            Ok((
                vec![Event::TournamentCancelled(TournamentCancelled {
                    tournament: *tournament,
                    by: *actor,
                    postings: Postings::new()
                        .mov(Account::Prize(*tournament), t.source, t.prize)
                        .build(),
                })],
                Outcome::Tournament {
                    tournament: *tournament,
                    name: t.name.clone(),
                    step: TournamentStep::Cancelled { returned: t.prize },
                },
            ))
        }
    }
}

fn open(
    state: &GuildState,
    id: TournamentId,
) -> Result<&studio_model::tournament::Tournament, Rejection> {
    state
        .tournaments
        .get(&id)
        .filter(|t| t.is_open())
        .ok_or(Rejection::NoSuchTournament(id))
}
