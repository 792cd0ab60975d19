//! Commission escrow: offer → accept → fund → milestones → deliver → release, or dispute → resolve;
//! a missed deadline lets the client cancel for a full refund; an unanswered delivery releases itself.

use super::Decision;
use super::credits::{cover, credits, text};
use crate::domain::command::{Commission as Cmd, Resolution};
use crate::domain::outcome::Step;
use crate::domain::{GuildState, Outcome, Rejection};
use crate::rules::economy as rules;
use chrono::{DateTime, Utc};
use studio_model::commission::{Commission, CommissionStatus};
use studio_schema::economy::{
    CommissionDelivered, CommissionDisputed, CommissionFunded, CommissionOffered,
    CommissionSettled, CommissionStep, MilestoneReleased, Settlement,
};
use studio_schema::money::Postings;
use studio_schema::{Account, CommissionId, Credits, Event, UserId};

pub(super) fn decide(state: &GuildState, command: &Cmd, now: DateTime<Utc>) -> Decision {
    match command {
        Cmd::Offer {
            client,
            developer,
            developer_is_bot,
            amount,
            description,
            deadline_days,
            deadline_day,
        } => {
            let amount = credits(*amount)?;
            if client == developer {
                return Err(Rejection::SelfCommission);
            }
            if *developer_is_bot || state.members.get(developer).is_some_and(|m| m.bot) {
                return Err(Rejection::BotAccount);
            }
            if !(1..=rules::MAX_DEADLINE_DAYS).contains(deadline_days) {
                return Err(Rejection::BadDeadline {
                    max: rules::MAX_DEADLINE_DAYS,
                });
            }
            let description = text(description, "The description", rules::DESCRIPTION_CHARS)?;
            let commission = state.next_commission();
            let deadline = i32::try_from(*deadline_days)
                .ok()
                .and_then(|days| deadline_day.checked_mul(days))
                .and_then(|d| now.checked_add_signed(d))
                .ok_or(Rejection::BadDeadline {
                    max: rules::MAX_DEADLINE_DAYS,
                })?;
            let step = Step::Offered {
                amount,
                deadline,
                description: description.clone(),
            };
            let event = Event::CommissionOffered(CommissionOffered {
                commission,
                client: *client,
                developer: *developer,
                amount,
                description,
                deadline,
            });
            let c = Commission {
                client: *client,
                developer: *developer,
                amount,
                fee: Credits::ZERO,
                description: String::new(),
                deadline,
                status: CommissionStatus::Offered,
                released: Credits::ZERO,
            };
            Ok((vec![event], news(commission, &c, step)))
        }
        Cmd::Accept {
            developer,
            commission,
        } => {
            let c = party(state, *commission, *developer, Party::Developer)?;
            expect(
                *commission,
                c,
                matches!(c.status, CommissionStatus::Offered),
            )?;
            let event = Event::CommissionAccepted(CommissionStep {
                commission: *commission,
                by: *developer,
            });
            Ok((vec![event], news(*commission, c, Step::Accepted)))
        }
        Cmd::Fund { client, commission } => {
            let c = party(state, *commission, *client, Party::Client)?;
            expect(
                *commission,
                c,
                matches!(c.status, CommissionStatus::Accepted),
            )?;
            let fee = rules::escrow_fee(c.amount);
            let total = Credits(c.amount.0 + fee.0);
            let wallet = Account::Member(*client);
            cover(state, wallet, total)?;
            let event = Event::CommissionFunded(CommissionFunded {
                commission: *commission,
                client: *client,
                amount: c.amount,
                fee,
                postings: Postings::new()
                    .mov(wallet, Account::Escrow(*commission), total)
                    .build(),
            });
            let step = Step::Funded {
                amount: c.amount,
                fee,
            };
            Ok((vec![event], news(*commission, c, step)))
        }
        Cmd::Milestone {
            client,
            commission,
            amount,
            note,
        } => {
            let c = party(state, *commission, *client, Party::Client)?;
            expect(*commission, c, is_funded(c))?;
            window_open(c, now)?;
            let amount = credits(*amount)?;
            let max = Credits(left(state, *commission, c).0 - 1);
            if amount > max {
                return Err(Rejection::BadMilestone { max });
            }
            let note = text(note, "The note", rules::NOTE_CHARS)?;
            let event = Event::MilestoneReleased(MilestoneReleased {
                commission: *commission,
                amount,
                note,
                postings: Postings::new()
                    .mov(
                        Account::Escrow(*commission),
                        Account::Member(c.developer),
                        amount,
                    )
                    .build(),
            });
            Ok((
                vec![event],
                news(*commission, c, Step::Milestone { amount }),
            ))
        }
        Cmd::Deliver {
            developer,
            commission,
            review_window,
        } => {
            let c = party(state, *commission, *developer, Party::Developer)?;
            expect(*commission, c, c.status == CommissionStatus::Funded)?;
            let auto_release_at = now + *review_window;
            let event = Event::CommissionDelivered(CommissionDelivered {
                commission: *commission,
                developer: *developer,
                at: now,
                auto_release_at,
            });
            Ok((
                vec![event],
                news(*commission, c, Step::Delivered { auto_release_at }),
            ))
        }
        Cmd::Release { client, commission } => {
            let c = party(state, *commission, *client, Party::Client)?;
            expect(*commission, c, is_funded(c))?;
            Ok(settle(
                state,
                *commission,
                c,
                Settlement::Released,
                Some(*client),
                100,
                now,
            ))
        }
        Cmd::AutoRelease { commission } => {
            let c = find(state, *commission)?;
            match c.status {
                CommissionStatus::Delivered { auto_release_at } if auto_release_at <= now => {
                    Ok(settle(
                        state,
                        *commission,
                        c,
                        Settlement::AutoReleased,
                        None,
                        100,
                        auto_release_at,
                    ))
                }
                _ => Err(wrong_step(*commission, c)),
            }
        }
        Cmd::DeadlineRefund { commission } => {
            let c = find(state, *commission)?;
            match c.status {
                CommissionStatus::Funded if c.deadline <= now => Ok(settle(
                    state,
                    *commission,
                    c,
                    Settlement::RefundedAfterDeadline,
                    None,
                    0,
                    c.deadline,
                )),
                _ => Err(wrong_step(*commission, c)),
            }
        }
        Cmd::Cancel { actor, commission } => {
            let c = find(state, *commission)?;
            if *actor != c.client && *actor != c.developer {
                return Err(not_yours(*commission, "the client or the developer"));
            }
            match c.status {
                CommissionStatus::Offered | CommissionStatus::Accepted => Ok(settle(
                    state,
                    *commission,
                    c,
                    Settlement::Withdrawn,
                    Some(*actor),
                    0,
                    now,
                )),
                CommissionStatus::Funded if *actor == c.client => {
                    if now <= c.deadline {
                        return Err(Rejection::DeadlineNotPassed {
                            deadline: c.deadline,
                        });
                    }
                    Ok(settle(
                        state,
                        *commission,
                        c,
                        Settlement::RefundedAfterDeadline,
                        Some(*actor),
                        0,
                        now,
                    ))
                }
                _ => Err(wrong_step(*commission, c)),
            }
        }
        Cmd::Dispute {
            actor,
            commission,
            reason,
        } => {
            let c = find(state, *commission)?;
            if *actor != c.client && *actor != c.developer {
                return Err(not_yours(*commission, "the client or the developer"));
            }
            expect(*commission, c, is_funded(c))?;
            window_open(c, now)?;
            let reason = text(reason, "The reason", rules::NOTE_CHARS)?;
            let event = Event::CommissionDisputed(CommissionDisputed {
                commission: *commission,
                by: *actor,
                reason,
            });
            Ok((
                vec![event],
                news(*commission, c, Step::Disputed { by: *actor }),
            ))
        }
        Cmd::Resolve {
            actor,
            actor_can_manage_guild,
            commission,
            resolution,
        } => {
            if !actor_can_manage_guild {
                return Err(Rejection::AdminOnly);
            }
            let c = find(state, *commission)?;
            expect(*commission, c, c.status == CommissionStatus::Disputed)?;
            let (settlement, percent) = match *resolution {
                Resolution::Release => (Settlement::ResolvedRelease, 100),
                Resolution::Refund => (Settlement::ResolvedRefund, 0),
                Resolution::Split(p) if (0..=100).contains(&p) => (Settlement::ResolvedSplit, p),
                Resolution::Split(_) => return Err(Rejection::BadSplit),
            };
            Ok(settle(
                state,
                *commission,
                c,
                settlement,
                Some(*actor),
                percent,
                now,
            ))
        }
    }
}

#[derive(Clone, Copy)]
enum Party {
    Client,
    Developer,
}

fn find(state: &GuildState, id: CommissionId) -> Result<&Commission, Rejection> {
    state
        .commissions
        .get(&id)
        .ok_or(Rejection::NoSuchCommission(id))
}

fn not_yours(commission: CommissionId, who: &str) -> Rejection {
    Rejection::NotYourCommission {
        commission,
        who: who.to_owned(),
    }
}

fn party(
    state: &GuildState,
    id: CommissionId,
    actor: UserId,
    who: Party,
) -> Result<&Commission, Rejection> {
    let c = find(state, id)?;
    match who {
        Party::Client if c.client != actor => Err(not_yours(id, "the client")),
        Party::Developer if c.developer != actor => Err(not_yours(id, "the developer")),
        _ => Ok(c),
    }
}

fn wrong_step(commission: CommissionId, c: &Commission) -> Rejection {
    Rejection::WrongStep {
        commission,
        status: c.status.stage().to_owned(),
    }
}

fn expect(commission: CommissionId, c: &Commission, ok: bool) -> Result<(), Rejection> {
    if ok {
        Ok(())
    } else {
        Err(wrong_step(commission, c))
    }
}

fn is_funded(c: &Commission) -> bool {
    matches!(
        c.status,
        CommissionStatus::Funded | CommissionStatus::Delivered { .. }
    )
}

/// Refuses a milestone or a dispute once a delivery's review window has closed: the escrow belongs
/// to the developer then, whether or not the scheduler has released it yet.
fn window_open(c: &Commission, now: DateTime<Utc>) -> Result<(), Rejection> {
    match c.status {
        CommissionStatus::Delivered { auto_release_at } if auto_release_at <= now => {
            Err(Rejection::ReviewWindowClosed {
                at: auto_release_at,
            })
        }
        _ => Ok(()),
    }
}

/// What is left in escrow for the developer (the escrow less the fee).
fn left(state: &GuildState, id: CommissionId, c: &Commission) -> Credits {
    Credits(state.balance(Account::Escrow(id)).0 - c.fee.0)
}

fn news(commission: CommissionId, c: &Commission, step: Step) -> Outcome {
    Outcome::Commission {
        commission,
        client: c.client,
        developer: c.developer,
        step,
    }
}

/// Empties the escrow: `developer_percent` of what is left to the developer, the rest to the
/// client; the fee to the treasury, or back to the client on a full refund.
fn settle(
    state: &GuildState,
    id: CommissionId,
    c: &Commission,
    settlement: Settlement,
    by: Option<UserId>,
    developer_percent: i64,
    at: DateTime<Utc>,
) -> (Vec<Event>, Outcome) {
    let escrow = Account::Escrow(id);
    let left = left(state, id, c);
    let to_developer = rules::percent_of(left, developer_percent);
    let full_refund = matches!(
        settlement,
        Settlement::RefundedAfterDeadline | Settlement::ResolvedRefund | Settlement::Withdrawn
    );
    let fee = if full_refund { Credits::ZERO } else { c.fee };
    let to_client = Credits(state.balance(escrow).0 - to_developer.0 - fee.0);
    let postings = Postings::new()
        .mov(escrow, Account::Member(c.developer), to_developer)
        .mov(escrow, Account::Member(c.client), to_client)
        .mov(escrow, Account::Treasury, fee)
        .build();
    let event = Event::CommissionSettled(CommissionSettled {
        commission: id,
        settlement,
        by,
        developer_percent: matches!(settlement, Settlement::ResolvedSplit)
            .then_some(developer_percent),
        at,
        postings,
    });
    let step = Step::Settled {
        settlement,
        to_developer,
        to_client,
        fee,
    };
    (vec![event], news(id, c, step))
}
