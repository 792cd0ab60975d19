//! Profiles and contacts: a profile is checked field by field; a contact goes only to a member
//! open to work, once per pair per day and a few per day.

use super::Decision;
use super::credits::text;
use crate::domain::{GuildState, Outcome, Rejection};
use crate::rules::profile as rules;
use chrono::{DateTime, Utc};
use studio_schema::community::{MemberContacted, ProfileUpdated};
use studio_schema::{Event, UserId};

pub(super) struct Form<'a> {
    pub role: &'a str,
    pub years: &'a str,
    pub skills: &'a str,
    pub links: &'a str,
    pub open: &'a str,
}

pub(super) fn set(member: UserId, form: &Form<'_>) -> Decision {
    let role = rules::role(form.role).ok_or_else(|| Rejection::BadRole {
        roles: rules::ROLES.join(", "),
    })?;
    let years = rules::years(form.years).ok_or(Rejection::BadYears {
        max: rules::MAX_YEARS,
    })?;
    let skills = text(form.skills, "The skills", rules::SKILLS_CHARS)?;
    let links = match form.links.trim() {
        "" | "-" => String::new(),
        l => text(l, "The links", rules::LINKS_CHARS)?,
    };
    let open_to_work = rules::yes(form.open).ok_or(Rejection::BadYesNo)?;
    Ok((
        vec![Event::ProfileUpdated(ProfileUpdated {
            member,
            role: role.to_owned(),
            years,
            skills,
            links,
            open_to_work,
        })],
        Outcome::ProfileSaved {
            role: role.to_owned(),
            open_to_work,
        },
    ))
}

pub(super) fn contact(
    state: &GuildState,
    from: UserId,
    to: UserId,
    message: &str,
    at: DateTime<Utc>,
) -> Decision {
    if from == to {
        return Err(Rejection::SelfContact);
    }
    if !state.open_to_work(to) {
        return Err(Rejection::NotOpenToWork {
            member: format!("<@{to}>"),
        });
    }
    let day = at.date_naive();
    if state.contacted_on(from, day).any(|t| t == to) {
        return Err(Rejection::ContactedToday {
            member: format!("<@{to}>"),
        });
    }
    if state.contacted_on(from, day).count() >= rules::CONTACTS_PER_DAY {
        return Err(Rejection::ContactCap {
            cap: rules::CONTACTS_PER_DAY,
        });
    }
    let message = text(message, "The message", rules::MESSAGE_CHARS)?;
    Ok((
        vec![Event::MemberContacted(MemberContacted { from, to, day })],
        Outcome::Contacted { from, to, message },
    ))
}

/// A spotlight: Master rank only, once a week, paid to the treasury.
pub(super) fn spotlight(
    state: &GuildState,
    member: UserId,
    raw: &str,
    at: DateTime<Utc>,
) -> Decision {
    use crate::rules::premium;
    use studio_schema::community::SpotlightBought;
    use studio_schema::money::Postings;
    use studio_schema::{Account, Credits};
    let rank = state
        .settings
        .rank(state.member(member).tenure.time_in_guild(at));
    if rank < premium::PREMIUM_RANK {
        return Err(Rejection::PremiumOnly {
            rank: premium::PREMIUM_RANK.to_string(),
        });
    }
    if let Some(last) = state.last_spotlight(member)
        && at < last + premium::SPOTLIGHT_EVERY
    {
        return Err(Rejection::SpotlightCooldown {
            next: (last + premium::SPOTLIGHT_EVERY)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string(),
        });
    }
    let text = text(raw, "The showcase", premium::SPOTLIGHT_CHARS)?;
    let wallet = Account::Member(member);
    super::credits::cover(state, wallet, premium::SPOTLIGHT_COST)?;
    let cost = premium::SPOTLIGHT_COST;
    Ok((
        vec![Event::SpotlightBought(SpotlightBought {
            member,
            text: text.clone(),
            cost,
            at,
            postings: Postings::new().mov(wallet, Account::Treasury, cost).build(),
        })],
        Outcome::Spotlight {
            member,
            text,
            cost,
            balance: Credits(state.balance(wallet).0 - cost.0),
        },
    ))
}
