//! Who is open to work, and who contacted whom on which day, folded from events.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use studio_schema::{Event, UserId};

/// Profiles as the recruitment rules see them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profiles {
    /// Members with a profile, and whether they are open to work (and to contact).
    pub open_to_work: HashMap<UserId, bool>,
    /// Contacts each member sent: to whom, on which day.
    pub contacts: HashMap<UserId, Vec<(UserId, NaiveDate)>>,
    /// When each member last bought a spotlight.
    pub spotlights: HashMap<UserId, DateTime<Utc>>,
}

impl Profiles {
    /// Contacts `from` sent on `day`.
    pub fn sent_on(&self, from: UserId, day: NaiveDate) -> impl Iterator<Item = UserId> + '_ {
        self.contacts
            .get(&from)
            .into_iter()
            .flatten()
            .filter(move |(_, d)| *d == day)
            .map(|(to, _)| *to)
    }

    /// Folds one event.
    pub fn evolve(&mut self, event: &Event) {
        match event {
            Event::ProfileUpdated(p) => {
                self.open_to_work.insert(p.member, p.open_to_work);
            }
            Event::SpotlightBought(b) => {
                self.spotlights.insert(b.member, b.at);
            }
            Event::MemberContacted(c) => {
                let sent = self.contacts.entry(c.from).or_default();
                // Only today's contacts matter to the rules: drop older days as a new one starts.
                sent.retain(|(_, d)| *d >= c.day);
                sent.push((c.to, c.day));
            }
            _ => {}
        }
    }
}
