//! The decider tests' shared vocabulary: one clock, and given events, when a command, then the
//! events it decides or its rejection.
//!
//! ```ignore
//! given(&[joined(BOB)])
//!     .when(adjust_bob(50, true, "demo"))
//!     .then(&[Event::XpGranted { member: BOB, xp: Xp(50), reason: "demo".into(), by: ADMIN }]);
//!
//! let mut s = given(&[]); // a scenario goes on: what is accepted is folded in
//! s.when(daily(hours(0), 0)).outcome();
//! s.when_at(claim(hours(1)), hours(1)).then_rejected(Rejection::QuestNotDone { progress: 0, target: 5 });
//! ```

use super::{Decision, decide};
use crate::domain::{Command, GuildState, Outcome, Rejection};
use chrono::{DateTime, Utc};
use std::borrow::Borrow;
use studio_schema::audit::Audit;
use studio_schema::log::RecordedEvent;
use studio_schema::{Account, Event, GuildId, UserId};

/// The guild every scenario happens in.
pub const GUILD: GuildId = GuildId(1);

/// The clock's zero, 2026-01-01 00:00 UTC: a midnight, so `hours(0..24)` is one UTC day.
const EPOCH_SECS: i64 = 1_767_225_600;

/// `n` seconds after the epoch (before it when negative).
pub fn secs(n: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(EPOCH_SECS + n, 0).expect("in chrono's range")
}

/// `n` hours after the epoch.
pub fn hours(n: i64) -> DateTime<Utc> {
    secs(n * 3600)
}

/// `n` days after the epoch.
pub fn days(n: i64) -> DateTime<Utc> {
    hours(n * 24)
}

/// A guild's log so far, its state folded from it, and the time commands are decided at.
#[derive(Clone, Debug)]
pub struct Scenario {
    history: Vec<Event>,
    state: GuildState,
    now: DateTime<Utc>,
}

/// A guild whose log holds `events`; commands are decided at `secs(0)` until told otherwise.
pub fn given(events: &[Event]) -> Scenario {
    let mut scenario = Scenario {
        history: Vec::new(),
        state: GuildState::new(GUILD),
        now: secs(0),
    };
    scenario.given(events);
    scenario
}

impl Scenario {
    /// Appends `events` to the log as they are, without deciding anything.
    pub fn given(&mut self, events: &[Event]) -> &mut Self {
        for event in events {
            self.history.push(event.clone());
            let seq = i64::try_from(self.history.len()).expect("a short log");
            self.state.apply(seq, event);
        }
        self
    }

    /// Decides the next commands at `now`.
    pub fn at(&mut self, now: DateTime<Utc>) -> &mut Self {
        self.now = now;
        self
    }

    /// Decides `command` at the scenario's time.
    pub fn when(&mut self, command: impl Borrow<Command>) -> When<'_> {
        let now = self.now;
        self.when_at(command, now)
    }

    /// Decides `command` at `now`, once; the scenario's time stays as it was.
    pub fn when_at(&mut self, command: impl Borrow<Command>, now: DateTime<Utc>) -> When<'_> {
        let decision = decide(&self.state, command.borrow(), now);
        When {
            scenario: self,
            decision,
        }
    }

    /// The state folded from the log.
    pub fn state(&self) -> &GuildState {
        &self.state
    }

    /// Every event so far, given or decided.
    pub fn history(&self) -> &[Event] {
        &self.history
    }

    /// The credits ledger of the log, checked event by event.
    pub fn audit(&self) -> Audit {
        let mut audit = Audit::new(GUILD);
        for (seq, event) in (1..).zip(&self.history) {
            audit.check(&RecordedEvent {
                position: seq,
                guild_id: GUILD,
                guild_seq: seq,
                event_id: uuid::Uuid::nil(),
                event: event.clone(),
                actor_id: None,
                causation_id: String::new(),
                occurred_at: secs(0),
                recorded_at: secs(0),
            });
        }
        audit
    }

    /// An account's balance: the sum of the log's postings to it.
    pub fn balance(&self, account: Account) -> i64 {
        self.audit().balances.get(&account).map_or(0, |c| c.0)
    }

    /// A member's XP as the decider counts it: the total an admin's grant of one more would make,
    /// less that one (decided, never folded in).
    pub fn xp(&self, member: UserId) -> i64 {
        let one_more = Command::AdjustXp {
            actor: UserId(1),
            actor_can_manage_guild: true,
            member,
            member_is_bot: false,
            amount: 1,
            give: true,
            reason: "probe".into(),
        };
        match decide(&self.state, &one_more, self.now) {
            Ok((_, Outcome::XpAdjusted { total, .. })) => total.0 - 1,
            other => panic!("no XP total for {member}: {other:?}"),
        }
    }
}

/// A command decided against a scenario, waiting for what is expected of it. An accepted
/// command's events are folded into the scenario by whichever of these reads it.
#[must_use = "say what is expected: .then(..), .then_rejected(..), .outcome(), …"]
pub struct When<'a> {
    scenario: &'a mut Scenario,
    decision: Decision,
}

impl When<'_> {
    /// Asserts the command decided exactly `expected`; returns what its member is told.
    #[track_caller]
    pub fn then(self, expected: &[Event]) -> Outcome {
        let (events, outcome) = self.accepted();
        assert_eq!(events, expected, "the events decided");
        outcome
    }

    /// Asserts the command was refused with `expected` (and so decided nothing).
    #[track_caller]
    pub fn then_rejected(self, expected: Rejection) {
        assert_eq!(self.rejection(), expected, "the rejection");
    }

    /// What the accepted command's member is told.
    #[track_caller]
    pub fn outcome(self) -> Outcome {
        self.accepted().1
    }

    /// The events the accepted command decided.
    #[track_caller]
    pub fn events(self) -> Vec<Event> {
        self.accepted().0
    }

    /// Why the command was refused.
    #[track_caller]
    pub fn rejection(self) -> Rejection {
        match self.decision {
            Ok((events, outcome)) => panic!("accepted ({outcome:?}), deciding {events:?}"),
            Err(rejection) => rejection,
        }
    }

    /// The outcome, or the rejection, for commands that may go either way.
    pub fn result(self) -> Result<Outcome, Rejection> {
        let scenario = self.scenario;
        self.decision.map(|(events, outcome)| {
            scenario.given(&events);
            outcome
        })
    }

    #[track_caller]
    fn accepted(self) -> (Vec<Event>, Outcome) {
        match self.decision {
            Ok((events, outcome)) => {
                self.scenario.given(&events);
                (events, outcome)
            }
            Err(rejection) => panic!("refused: {rejection:?}"),
        }
    }
}

/// Discord's facts for a change of roles: each of `roles` below Studio's own role, the change made
/// by the guild's owner (who may give and take any of them).
pub fn grantable(roles: &[i64]) -> Option<Box<crate::rules::roles::RoleFacts>> {
    use crate::rules::roles::{Chooser, GuildRole, GuildRoles, RoleFacts};
    const STUDIO_ROLE: i64 = 9_999;
    Some(Box::new(RoleFacts {
        chooser: Chooser {
            user: 1,
            roles: Vec::new(),
            manage_roles: true,
            administrator: false,
        },
        guild: Some(GuildRoles {
            guild: GUILD.0,
            owner: 1,
            roles: roles
                .iter()
                .map(|id| GuildRole {
                    id: *id,
                    position: 1,
                    managed: false,
                })
                .chain([GuildRole {
                    id: STUDIO_ROLE,
                    position: 2,
                    managed: true,
                }])
                .collect(),
            bot_roles: vec![STUDIO_ROLE],
        }),
    }))
}
