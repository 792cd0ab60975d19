//! An import of levels from another bot, by an operator (`projector import`) or an admin who
//! uploads the file (`/import`): each member's XP, and credits when the file had them, given as
//! ordinary grants by the importer that name where they came from. One command, so one action in
//! the log: `/undo` (or `projector undo`) takes it back whole.

use super::Decision;
use super::credits::credits;
use crate::domain::{GuildState, Import, ImportFile, Outcome, Rejection};
use crate::rules::xp;
use std::collections::HashSet;
use studio_schema::economy::CreditsAdjusted;
use studio_schema::money::Postings;
use studio_schema::operator::ImportRow;
use studio_schema::{Account, Event, UserId, Xp};

/// The most members one import holds.
pub const MAX_ROWS: usize = 10_000;

/// Decides an import: an admin's (or operator's), of a file read without fault.
pub(super) fn decide(state: &GuildState, import: &Import) -> Decision {
    if !import.by_can_manage_guild {
        return Err(Rejection::AdminOnly);
    }
    match &import.file {
        ImportFile::Read(read) => grant(state, import.by, &read.source, &read.rows),
        ImportFile::Upload(upload) => match &upload.read {
            Some(Ok(read)) => {
                let source = format!("{}, uploaded by admin {}", read.source, import.by);
                grant(state, import.by, &source, &read.rows)
            }
            Some(Err(why)) => Err(Rejection::BadSetting(format!(
                "Studio could not import {}: {why}.",
                upload.filename
            ))),
            None => Err(Rejection::BadSetting(format!(
                "Studio could not fetch {} from Discord; please try again.",
                upload.filename
            ))),
        },
    }
}

fn grant(state: &GuildState, by: UserId, source: &str, rows: &[ImportRow]) -> Decision {
    let bad = |why: String| Err(Rejection::BadSetting(why));
    if rows.is_empty() || rows.len() > MAX_ROWS {
        return bad(format!("An import holds 1 to {MAX_ROWS} members."));
    }
    let mut seen = HashSet::new();
    let mut events = Vec::new();
    let (mut total_xp, mut total_credits) = (0_i64, 0_i64);
    let reason = format!("imported from {source}");
    for row in rows {
        let member = UserId(row.member);
        if row.member <= 0 || !seen.insert(member) {
            return bad(format!(
                "Member {} is not a member id, or is listed twice.",
                row.member
            ));
        }
        if !(0..=xp::MAX_ADJUSTMENT).contains(&row.xp) || row.credits < 0 {
            return bad(format!(
                "Member {member}: XP from 0 to {}, credits 0 or more.",
                xp::MAX_ADJUSTMENT
            ));
        }
        if state.members.get(&member).is_some_and(|m| m.bot) {
            continue;
        }
        if row.xp > 0 {
            total_xp += row.xp;
            events.push(Event::XpGranted {
                member,
                xp: Xp(row.xp),
                reason: reason.clone(),
                by,
            });
        }
        if row.credits > 0 {
            let amount = credits(row.credits)?;
            total_credits += amount.0;
            events.push(Event::CreditsGranted(CreditsAdjusted {
                member,
                amount,
                reason: reason.clone(),
                by,
                postings: Postings::new()
                    .mov(Account::Mint, Account::Member(member), amount)
                    .build(),
            }));
        }
    }
    if events.is_empty() {
        return bad("The import gives nobody anything.".to_owned());
    }
    Ok((
        events,
        Outcome::Imported {
            source: source.to_owned(),
            members: seen.len(),
            xp: total_xp,
            credits: total_credits,
        },
    ))
}
