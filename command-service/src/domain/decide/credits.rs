//! `/pay` and `/credits grant|revoke`.

use super::Decision;
use crate::domain::{GuildState, Outcome, Rejection};
use crate::rules::economy::{self, NOTE_CHARS};
use studio_schema::economy::{CreditsAdjusted, CreditsTransferred};
use studio_schema::money::Postings;
use studio_schema::{Account, Credits, Event, UserId};

/// The credits `amount` names, or why not.
pub(super) fn credits(amount: i64) -> Result<Credits, Rejection> {
    economy::amount(amount).ok_or(Rejection::BadCredits {
        max: economy::MAX_AMOUNT.0,
    })
}

/// Refuses unless `account` holds at least `needed`.
pub(super) fn cover(
    state: &GuildState,
    account: Account,
    needed: Credits,
) -> Result<(), Rejection> {
    let balance = state.balance(account);
    if balance < needed {
        return Err(Rejection::InsufficientCredits { balance, needed });
    }
    Ok(())
}

/// Trimmed text of 1 to `max` characters, or a rejection naming `field`.
pub(super) fn text(raw: &str, field: &str, max: usize) -> Result<String, Rejection> {
    economy::text(raw, max).ok_or_else(|| Rejection::BadText {
        field: field.to_owned(),
        max,
    })
}

fn is_bot(state: &GuildState, member: UserId, said_bot: bool) -> bool {
    said_bot || state.members.get(&member).is_some_and(|m| m.bot)
}

pub(super) fn pay(
    state: &GuildState,
    from: UserId,
    to: UserId,
    to_is_bot: bool,
    amount: i64,
    note: Option<&str>,
) -> Decision {
    let amount = credits(amount)?;
    if from == to {
        return Err(Rejection::SelfPayment);
    }
    if is_bot(state, to, to_is_bot) {
        return Err(Rejection::BotAccount);
    }
    let note = match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Some(text(n, "The note", NOTE_CHARS)?),
        None => None,
    };
    let payer = Account::Member(from);
    cover(state, payer, amount)?;
    let postings = Postings::new()
        .mov(payer, Account::Member(to), amount)
        .build();
    let balance = Credits(state.balance(payer).0 - amount.0);
    Ok((
        vec![Event::CreditsTransferred(CreditsTransferred {
            from,
            to,
            amount,
            note: note.clone(),
            postings,
        })],
        Outcome::Paid {
            from,
            to,
            amount,
            balance,
            note,
        },
    ))
}

#[allow(clippy::too_many_arguments)]
pub(super) fn adjust(
    state: &GuildState,
    actor: UserId,
    can_manage: bool,
    member: UserId,
    member_is_bot: bool,
    amount: i64,
    grant: bool,
    reason: &str,
) -> Decision {
    if !can_manage {
        return Err(Rejection::AdminOnly);
    }
    let amount = credits(amount)?;
    let reason = text(reason, "The reason", crate::domain::MAX_REASON_CHARS)?;
    if is_bot(state, member, member_is_bot) {
        return Err(Rejection::BotAccount);
    }
    let wallet = Account::Member(member);
    let balance = state.balance(wallet);
    let (postings, change) = if grant {
        (Postings::new().mov(Account::Mint, wallet, amount), amount.0)
    } else {
        if balance < amount {
            return Err(Rejection::NotEnoughToRevoke {
                member: format!("<@{member}>"),
                balance,
            });
        }
        (
            Postings::new().mov(wallet, Account::Treasury, amount),
            -amount.0,
        )
    };
    let payload = CreditsAdjusted {
        member,
        amount,
        reason: reason.clone(),
        by: actor,
        postings: postings.build(),
    };
    let event = if grant {
        Event::CreditsGranted(payload)
    } else {
        Event::CreditsRevoked(payload)
    };
    Ok((
        vec![event],
        Outcome::CreditsAdjusted {
            member,
            change,
            balance: Credits(balance.0 + change),
            reason,
        },
    ))
}
