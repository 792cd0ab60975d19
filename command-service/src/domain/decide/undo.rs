//! Undoing an admin action: the compensating events, or why not ([`crate::rules::undo`]).

use super::Decision;
use crate::domain::command::{Found, Undo, UndoTarget};
use crate::domain::{GuildState, Outcome, Rejection};
use crate::rules::undo::{self, Kind, UndoRefusal};
use studio_model::commission::CommissionStatus;
use studio_model::purchase::PurchaseStatus;
use studio_model::settings::Settings;
use studio_model::tournament::TournamentStatus;
use studio_schema::community::ReputationGiven;
use studio_schema::undo::{ActionUndone, Redispute};
use studio_schema::{Credits, Event, Posting, Xp};

fn refuse(why: UndoRefusal) -> Decision {
    Err(Rejection::Undo(why))
}

pub(super) fn undo(state: &GuildState, cmd: &Undo) -> Decision {
    if !cmd.actor_can_manage_guild {
        return Err(Rejection::AdminOnly);
    }
    let reason = cmd.reason.trim();
    if reason.is_empty() || reason.chars().count() > undo::REASON_CHARS {
        return Err(Rejection::BadReason {
            max: undo::REASON_CHARS,
        });
    }
    let Some(found) = &cmd.found else {
        return refuse(UndoRefusal::LogUnreadable);
    };
    let Some((original, acted_at, first)) = found.events.first() else {
        return refuse(match cmd.target {
            UndoTarget::Position(p) => UndoRefusal::NoSuchPosition(p),
            UndoTarget::Button(_) => UndoRefusal::NoSuchAction,
        });
    };
    let original = *original;
    let Some(kind) = Kind::of(first) else {
        return refuse(UndoRefusal::NotUndoable {
            position: original,
            event: first.event_type().to_owned(),
        });
    };
    if state.undone.contains(&original) {
        return refuse(UndoRefusal::AlreadyUndone { original });
    }
    if matches!(cmd.target, UndoTarget::Button(_)) && undo::button_expired(*acted_at, cmd.at) {
        return refuse(UndoRefusal::ButtonExpired { original });
    }
    let memo = undo::memo(original, reason);
    let events = found.events.iter().map(|(_, _, e)| e);
    let mut postings: Vec<Posting> = events
        .clone()
        .flat_map(|e| undo::mirrored(e.postings()))
        .collect();
    postings.retain(|p| p.amount != Credits::ZERO);
    let mut reopens = None;
    let mut redisputes = None;
    let mut commission_disputed = None;
    let mut after: Vec<Event> = Vec::new();
    for event in events {
        match event {
            Event::XpGranted { member, xp, .. } => {
                let has = state.member(*member).xp;
                if has.0 < xp.0 {
                    return refuse(UndoRefusal::XpBelowZero {
                        original,
                        member: member.get(),
                        xp: has.0,
                        needed: xp.0,
                    });
                }
                after.push(Event::XpRevoked {
                    member: *member,
                    xp: *xp,
                    reason: memo.clone(),
                    by: cmd.actor,
                });
            }
            Event::XpRevoked { member, xp, .. } => after.push(Event::XpGranted {
                member: *member,
                xp: Xp(xp.0),
                reason: memo.clone(),
                by: cmd.actor,
            }),
            Event::ReputationRevoked(r) if r.by.is_some() => {
                after.push(Event::ReputationGiven(ReputationGiven {
                    giver: r.giver,
                    receiver: r.receiver,
                    day: r.day,
                    message: r.message,
                    reason: Some(memo.clone()),
                }));
            }
            Event::GuildSettingsChanged { change, .. } => {
                if crate::rules::settings::touches_roles(change) {
                    return refuse(UndoRefusal::RoleSetting { original });
                }
                after.push(Event::GuildSettingsChanged {
                    by: cmd.actor,
                    change: settings_back(state, found, change, original)?,
                });
            }
            Event::TournamentPaid(p) => {
                let paid = state
                    .tournaments
                    .get(&p.tournament)
                    .is_some_and(|t| matches!(t.status, TournamentStatus::Paid(_)));
                if !paid {
                    return refuse(UndoRefusal::TournamentNotPaid {
                        tournament: p.tournament.0,
                    });
                }
                reopens = Some(p.tournament);
            }
            Event::PurchaseRefunded(r) if r.by != r.seller => {
                still(
                    state,
                    original,
                    r.listing,
                    r.buyer,
                    PurchaseStatus::Refunded,
                )?;
                redisputes = Some(Redispute {
                    listing: r.listing,
                    buyer: r.buyer,
                    seller_xp: r.seller_xp,
                });
                if r.seller_xp.0 > 0 {
                    after.push(Event::XpGranted {
                        member: r.seller,
                        xp: r.seller_xp,
                        reason: memo.clone(),
                        by: cmd.actor,
                    });
                }
            }
            Event::CommissionSettled(s) if s.by.is_some() => {
                let c = state.commissions.get(&s.commission);
                if c.is_some_and(|c| s.by == Some(c.client) || s.by == Some(c.developer)) {
                    return refuse(UndoRefusal::OwnSettlement { original });
                }
                if !c.is_some_and(|c| c.status == CommissionStatus::Settled(s.settlement)) {
                    return refuse(UndoRefusal::CommissionMovedOn {
                        original,
                        commission: s.commission.0,
                    });
                }
                commission_disputed = Some(s.commission);
            }
            Event::DisputeRejected(d) => {
                still(state, original, d.listing, d.buyer, PurchaseStatus::Active)?;
                redisputes = Some(Redispute {
                    listing: d.listing,
                    buyer: d.buyer,
                    seller_xp: Xp(0),
                });
            }
            // Money only (the mirrored lines above), or a fact an undo leaves standing (a rank
            // reached stays reached).
            _ => {}
        }
    }
    overdraw(state, &postings, original)?;
    let mut out = vec![Event::ActionUndone(ActionUndone {
        original,
        action: kind.name().to_owned(),
        by: cmd.actor,
        operator: cmd.operator.clone(),
        reason: reason.to_owned(),
        postings,
        reopens,
        redisputes,
        commission_disputed,
    })];
    out.extend(after);
    Ok((
        out,
        Outcome::Undone {
            original,
            action: kind.name().to_owned(),
            reason: reason.to_owned(),
        },
    ))
}

/// The change that sets back what `change` (at `original`) set, refused when a later change set
/// any of the same rules since: undoing it would quietly undo that one too.
fn settings_back(
    state: &GuildState,
    found: &Found,
    change: &studio_schema::settings::SettingsChange,
    original: i64,
) -> Result<studio_schema::settings::SettingsChange, Rejection> {
    let mut before = Settings::default();
    for earlier in &found.settings_before {
        before.apply(earlier);
    }
    let mut after = before.clone();
    after.apply(change);
    if state.settings.restoring(change) != after.restoring(change) {
        return Err(Rejection::Undo(UndoRefusal::Superseded { original }));
    }
    Ok(before.restoring(change))
}

/// Refuses a dispute decision's undo once its purchase moved on from what the decision left.
fn still(
    state: &GuildState,
    original: i64,
    listing: studio_schema::ListingId,
    buyer: studio_schema::UserId,
    left: PurchaseStatus,
) -> Result<(), Rejection> {
    if state
        .purchases
        .get(&(listing, buyer))
        .is_some_and(|p| p.status == left)
    {
        Ok(())
    } else {
        Err(Rejection::Undo(UndoRefusal::DisputeMovedOn {
            original,
            listing: listing.0,
        }))
    }
}

/// Refuses lines that would take an account that must stay at or above zero below it.
fn overdraw(state: &GuildState, postings: &[Posting], original: i64) -> Result<(), Rejection> {
    for p in postings {
        if !p.account.must_stay_non_negative() {
            continue;
        }
        let balance = state.balance(p.account);
        let change: i64 = postings
            .iter()
            .filter(|q| q.account == p.account)
            .map(|q| q.amount.0)
            .sum();
        if balance.0.saturating_add(change) < 0 {
            return Err(Rejection::Undo(UndoRefusal::WouldOverdraw {
                original,
                account: match p.account {
                    studio_schema::Account::Member(m) => format!("<@{m}>"),
                    other => other.to_string(),
                },
                balance,
                needed: Credits(-change),
            }));
        }
    }
    Ok(())
}
