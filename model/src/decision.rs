//! A guild's decision state: the [`Guild`] of every entity, at the log position it folds to, with
//! what only the command service's rules read (when members were first seen, the listings' clocks,
//! the last post of the chain head). Kept here, beside the entities, so a snapshot of it can be
//! checked against a fresh fold by any reader of the log ([`crate::snapshot`]).

use crate::Guild;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::Deref;
use studio_schema::{Event, GuildId, ListingId, UserId};

/// One guild's entities at `last_seq`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GuildState {
    pub guild: GuildId,
    pub last_seq: i64,
    entities: Guild,
    /// The last post of the chain head, for the command service's scheduler.
    pub heads: Published,
    /// When Studio first saw each member join or be there, where the log says.
    #[serde(with = "crate::sorted")]
    first_seen: HashMap<UserId, DateTime<Utc>>,
    /// When each listing went on sale or was renewed, and whether its time ran out.
    #[serde(with = "crate::sorted")]
    listing_clocks: HashMap<ListingId, ListingClock>,
}

/// The guild's last post of its head, as the log records it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    /// When it was posted; `None` before any post, or since the audit channel changed.
    pub at: Option<DateTime<Utc>>,
    /// The seq of the `ChainHeadPublished` event (0 before any).
    pub seq: i64,
}

impl Published {
    /// Folds the event at `seq`.
    pub fn apply(&mut self, seq: i64, event: &Event) {
        match event {
            Event::ChainHeadPublished { at, .. } => {
                self.at = Some(*at);
                self.seq = seq;
            }
            Event::GuildSettingsChanged { change, .. } if change.audit_channel.is_some() => {
                self.at = None;
            }
            _ => {}
        }
    }
}

/// A listing's time on the marketplace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
            heads: Published::default(),
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
