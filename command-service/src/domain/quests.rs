//! Each member's quest of the day and its progress, and their claim streaks, folded from events.

use crate::rules::quest::{self as rules, Goal};
use chrono::NaiveDate;
use std::collections::HashMap;
use studio_schema::{Event, UserId};

/// A member's current quest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Active {
    pub day: NaiveDate,
    pub quest: rules::Quest,
    pub progress: u32,
    pub claimed: bool,
}

/// Quests as the rules see them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quests {
    pub current: HashMap<UserId, Active>,
    /// The last day each member claimed, and the streak that day ended.
    pub streaks: HashMap<UserId, (NaiveDate, u32)>,
}

impl Quests {
    /// The member's quest for `day`, if they have one.
    #[must_use]
    pub fn on(&self, member: UserId, day: NaiveDate) -> Option<&Active> {
        self.current.get(&member).filter(|a| a.day == day)
    }

    /// The streak a claim on `day` makes.
    #[must_use]
    pub fn streak_on(&self, member: UserId, day: NaiveDate) -> u32 {
        match self.streaks.get(&member) {
            Some((last, streak)) if day.pred_opt() == Some(*last) => streak + 1,
            Some((last, streak)) if *last == day => *streak,
            _ => 1,
        }
    }

    fn advance(&mut self, member: UserId, goal: Goal, day: Option<NaiveDate>, by: i32) {
        if let Some(a) = self.current.get_mut(&member)
            && a.quest.goal == goal
            && !a.claimed
            && day.is_none_or(|d| d == a.day)
        {
            a.progress = a.progress.saturating_add_signed(by);
        }
    }

    /// Folds one event.
    pub fn evolve(&mut self, event: &Event) {
        match event {
            Event::QuestAssigned(q) => {
                if let Some(quest) = rules::by_code(&q.quest) {
                    self.current.insert(
                        q.member,
                        Active {
                            day: q.day,
                            quest,
                            progress: 0,
                            claimed: false,
                        },
                    );
                }
            }
            Event::QuestClaimed(q) => {
                if let Some(a) = self.current.get_mut(&q.member) {
                    a.claimed = true;
                }
                self.streaks.insert(q.member, (q.day, q.streak));
            }
            Event::MessagePosted {
                member, posted_at, ..
            } => self.advance(*member, Goal::Messages, Some(posted_at.date_naive()), 1),
            Event::ListingReviewed(r) => self.advance(r.reviewer, Goal::Review, None, 1),
            Event::ReputationGiven(r) => self.advance(r.receiver, Goal::Help, Some(r.day), 1),
            Event::ReputationRevoked(r) => self.advance(r.receiver, Goal::Help, Some(r.day), -1),
            _ => {}
        }
    }
}
