//! A guild's decision state: the model's [`Guild`] of every entity, at the log position it folds
//! to. The entities and how events evolve them live in `studio-model`, shared with the projector.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::ops::Deref;
use studio_model::Guild;
use studio_schema::{Event, GuildId, ListingId, UserId};

/// One guild's entities at `last_seq`.
#[derive(Clone, Debug, PartialEq)]
pub struct GuildState {
    pub guild: GuildId,
    pub last_seq: i64,
    entities: Guild,
    /// The last post of the chain head, for the scheduler ([`crate::rules::heads`]).
    pub heads: crate::rules::heads::Published,
    /// When Studio first saw each member join or be there, where the log says
    /// ([`crate::rules::tenure::is_news`]).
    first_seen: HashMap<UserId, DateTime<Utc>>,
    /// When each listing went on sale or was renewed, and whether its time ran out
    /// ([`crate::rules::economy::listing_expires_at`]).
    listing_clocks: HashMap<ListingId, ListingClock>,
}

/// A listing's time on the marketplace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListingClock {
    pub since: DateTime<Utc>,
    pub expired: bool,
}

impl Deref for GuildState {
    type Target = Guild;

    fn deref(&self) -> &Guild {
        &self.entities
    }
}

impl GuildState {
    /// A guild with no events.
    #[must_use]
    pub fn new(guild: GuildId) -> Self {
        Self {
            guild,
            last_seq: 0,
            entities: Guild::default(),
            heads: crate::rules::heads::Published::default(),
            first_seen: HashMap::new(),
            listing_clocks: HashMap::new(),
        }
    }

    /// Whether the member has ever been seen joining or listed by Discord.
    #[must_use]
    pub fn knows(&self, id: UserId) -> bool {
        self.members.get(&id).is_some_and(|m| m.seen)
    }

    /// A listing's time on the marketplace (`None`: published before listings expired).
    #[must_use]
    pub fn listing_clock(&self, listing: ListingId) -> Option<ListingClock> {
        self.listing_clocks.get(&listing).copied()
    }

    /// Every listing's time on the marketplace.
    pub fn listing_clocks(&self) -> impl Iterator<Item = (&ListingId, &ListingClock)> {
        self.listing_clocks.iter()
    }

    /// When Studio first saw the member (`None`: before the log kept that moment, or never).
    #[must_use]
    pub fn first_seen(&self, id: UserId) -> Option<DateTime<Utc>> {
        self.first_seen.get(&id).copied()
    }

    /// Whether the member is in the guild now.
    #[must_use]
    pub fn is_present(&self, id: UserId) -> bool {
        self.members.get(&id).is_some_and(|m| m.present)
    }

    /// Folds one event into the state.
    pub fn evolve(&mut self, event: &Event) {
        self.entities.evolve(event);
        match event {
            Event::MemberJoined { member, at, .. } => {
                self.first_seen.entry(*member).or_insert(*at);
            }
            Event::ListingCreated(p) | Event::ListingEdited(p) => {
                if let Some(since) = p.published_at {
                    self.listing_clocks.insert(
                        p.listing,
                        ListingClock {
                            since,
                            expired: false,
                        },
                    );
                }
            }
            Event::ListingRenewed(r) => {
                self.listing_clocks.insert(
                    r.listing,
                    ListingClock {
                        since: r.at,
                        expired: false,
                    },
                );
            }
            Event::ListingExpired(e) => {
                if let Some(clock) = self.listing_clocks.get_mut(&e.listing) {
                    clock.expired = true;
                }
            }
            Event::MemberSeen {
                member,
                seen_at: Some(at),
                ..
            } => {
                self.first_seen.entry(*member).or_insert(*at);
            }
            _ => {}
        }
    }

    /// Folds an appended event and moves the head to its sequence.
    pub fn apply(&mut self, seq: i64, event: &Event) {
        self.evolve(event);
        self.heads.apply(seq, event);
        self.last_seq = seq;
    }
}
