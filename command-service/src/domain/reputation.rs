//! Who gave whom reputation, folded from events: the active grants of each giver.

use chrono::NaiveDate;
use std::collections::HashMap;
use studio_schema::{Event, MessageId, UserId};

/// One reputation point still in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub receiver: UserId,
    pub day: NaiveDate,
    pub message: Option<MessageId>,
}

/// The active grants of every giver.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reputation {
    pub given: HashMap<UserId, Vec<Grant>>,
}

impl Reputation {
    /// The active grants `giver` made on `day`.
    pub fn given_on(&self, giver: UserId, day: NaiveDate) -> impl Iterator<Item = &Grant> {
        self.given
            .get(&giver)
            .into_iter()
            .flatten()
            .filter(move |g| g.day == day)
    }

    /// Folds one event.
    pub fn evolve(&mut self, event: &Event) {
        match event {
            Event::ReputationGiven(e) => self.given.entry(e.giver).or_default().push(Grant {
                receiver: e.receiver,
                day: e.day,
                message: e.message,
            }),
            Event::ReputationRevoked(e) => {
                if let Some(grants) = self.given.get_mut(&e.giver)
                    && let Some(i) = grants.iter().position(|g| {
                        g.receiver == e.receiver && g.day == e.day && g.message == e.message
                    })
                {
                    grants.remove(i);
                }
            }
            _ => {}
        }
    }
}
