//! What a member says about themselves (`/profile setup`), whom they contacted through `/find`,
//! and when they last bought a spotlight.

use crate::Entity;
use chrono::{DateTime, NaiveDate, Utc};
use studio_schema::{Event, UserId};

/// A member's profile, as last saved.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    /// Primary role: Programmer, Artist, 3D Modeler, …
    pub role: String,
    pub years: i64,
    pub skills: String,
    pub links: String,
    /// Listed by `/find` and open to Contact.
    pub open_to_work: bool,
}

impl Entity for Profile {
    type Key = UserId;

    fn keys(event: &Event, each: &mut dyn FnMut(UserId)) {
        if let Event::ProfileUpdated(p) = event {
            each(p.member);
        }
    }

    fn evolve(slot: &mut Option<Self>, _: UserId, event: &Event) {
        if let Event::ProfileUpdated(p) = event {
            *slot = Some(Self {
                role: p.role.clone(),
                years: p.years,
                skills: p.skills.clone(),
                links: p.links.clone(),
                open_to_work: p.open_to_work,
            });
        }
    }
}

/// What the recruitment rules remember of a member's outreach: contacts of their latest day, and
/// their last spotlight. The rules' memory only; no view shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Outreach {
    /// Contacts sent, with their day; only the latest day's are kept.
    pub contacts: Vec<(UserId, NaiveDate)>,
    pub last_spotlight: Option<DateTime<Utc>>,
}

impl Outreach {
    /// Members contacted on `day`.
    pub fn sent_on(&self, day: NaiveDate) -> impl Iterator<Item = UserId> + '_ {
        self.contacts
            .iter()
            .filter(move |(_, d)| *d == day)
            .map(|(to, _)| *to)
    }
}

impl Entity for Outreach {
    type Key = UserId;

    fn keys(event: &Event, each: &mut dyn FnMut(UserId)) {
        match event {
            Event::MemberContacted(c) => each(c.from),
            Event::SpotlightBought(b) => each(b.member),
            _ => {}
        }
    }

    fn evolve(slot: &mut Option<Self>, _: UserId, event: &Event) {
        let o = slot.get_or_insert_with(Self::default);
        match event {
            Event::MemberContacted(c) => {
                o.contacts.retain(|(_, d)| *d >= c.day);
                o.contacts.push((c.to, c.day));
            }
            Event::SpotlightBought(b) => o.last_spotlight = Some(b.at),
            _ => {}
        }
    }
}
