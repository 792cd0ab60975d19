//! Reputation a member gave and that is still in force: the rules' memory of who thanked whom,
//! per giver. A member's received total is on [`crate::member::Member`].

use crate::Entity;
use chrono::NaiveDate;
use studio_schema::{Event, MessageId, UserId};

/// One reputation point still in force.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Grant {
    pub receiver: UserId,
    pub day: NaiveDate,
    pub message: Option<MessageId>,
}

/// The grants of one giver still in force.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Given(pub Vec<Grant>);

impl Given {
    /// The grants made on `day`.
    pub fn on(&self, day: NaiveDate) -> impl Iterator<Item = &Grant> {
        self.0.iter().filter(move |g| g.day == day)
    }
}

impl Entity for Given {
    type Key = UserId;

    fn keys(event: &Event, each: &mut dyn FnMut(UserId)) {
        match event {
            Event::ReputationGiven(e) => each(e.giver),
            Event::ReputationRevoked(e) => each(e.giver),
            _ => {}
        }
    }

    fn evolve(slot: &mut Option<Self>, _: UserId, event: &Event) {
        match event {
            Event::ReputationGiven(e) => slot.get_or_insert_with(Self::default).0.push(Grant {
                receiver: e.receiver,
                day: e.day,
                message: e.message,
            }),
            Event::ReputationRevoked(e) => {
                if let Some(given) = slot
                    && let Some(i) = given.0.iter().position(|g| {
                        g.receiver == e.receiver && g.day == e.day && g.message == e.message
                    })
                {
                    given.0.remove(i);
                }
            }
            _ => {}
        }
    }
}
