//! The log's hash chain, recomputed independently of the database (which writes it with a trigger,
//! migration 0007): an event's hash is the SHA-256 of the previous event's hash (none for a guild's
//! first) followed by its canonical text. An auditor who recomputes the chain finds the first event
//! changed after it was written; one who compares the head with a head kept elsewhere (printed by an
//! earlier `audit verify`) finds even a rewrite whose hashes were recomputed. Pure: the caller reads
//! the log ([`crate::log::read_chain`]).

use crate::ids::GuildId;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// One event as the chain covers it: its fields as Postgres renders them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub position: i64,
    pub guild_seq: i64,
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: i32,
    /// The payload as Postgres renders its jsonb (`payload::text`).
    pub payload: String,
    pub actor_id: Option<i64>,
    pub causation_id: String,
    /// `occurred_at` in microseconds since the Unix epoch.
    pub occurred_micros: i64,
    /// The hash stored with the event.
    pub hash: Vec<u8>,
}

/// The hash `link` must carry after `prev` in `guild`'s chain.
#[must_use]
pub fn hash(guild: GuildId, prev: Option<&[u8]>, link: &Link) -> Vec<u8> {
    let actor = link.actor_id.map(|a| a.to_string()).unwrap_or_default();
    let text = format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}",
        guild.0,
        link.guild_seq,
        link.event_id,
        link.event_type,
        link.schema_version,
        link.payload,
        actor,
        link.causation_id,
        link.occurred_micros
    );
    let mut hasher = Sha256::new();
    hasher.update(prev.unwrap_or_default());
    hasher.update(text.as_bytes());
    hasher.finalize().to_vec()
}

/// A hash in lower-case hex.
#[must_use]
pub fn hex(hash: &[u8]) -> String {
    crate::hex::encode(hash)
}

/// Where a guild's chain breaks: the first event whose stored hash does not follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break {
    pub guild_seq: i64,
    pub position: i64,
}

/// A guild's chain, checked event by event in `guild_seq` order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    pub guild: GuildId,
    pub events: i64,
    /// The last event's seq and hash, as recomputed (what a head kept elsewhere must equal).
    pub head: Option<(i64, Vec<u8>)>,
    pub broken: Option<Break>,
    /// Heads kept elsewhere, `(seq, hash)`, to compare with the recomputed chain.
    pub expected: Vec<(i64, Vec<u8>)>,
    /// The seqs of those that did not match (or that the chain never reached).
    pub mismatched: Vec<i64>,
}

impl Chain {
    #[must_use]
    pub fn new(guild: GuildId) -> Self {
        Self {
            guild,
            events: 0,
            head: None,
            broken: None,
            expected: Vec::new(),
            mismatched: Vec::new(),
        }
    }

    /// Checks, while folding, that the recomputed hash at `seq` is `hash` (a head printed earlier).
    #[must_use]
    pub fn expecting(mut self, heads: Vec<(i64, Vec<u8>)>) -> Self {
        self.expected = heads;
        self
    }

    /// Once every event was folded: heads expected past the end did not match either.
    pub fn finish(&mut self) {
        let last = self.head.as_ref().map_or(0, |(seq, _)| *seq);
        self.mismatched.extend(
            self.expected
                .iter()
                .filter(|(seq, _)| *seq > last)
                .map(|(seq, _)| *seq),
        );
    }

    /// Whether the chain is whole and matches every head kept elsewhere.
    #[must_use]
    pub fn sound(&self) -> bool {
        self.broken.is_none() && self.mismatched.is_empty()
    }

    /// Folds the next event in.
    pub fn check(&mut self, link: &Link) {
        let expected = hash(
            self.guild,
            self.head.as_ref().map(|(_, h)| h.as_slice()),
            link,
        );
        let follows = self.head.as_ref().map_or(1, |(seq, _)| seq + 1) == link.guild_seq;
        if self.broken.is_none() && (expected != link.hash || !follows) {
            self.broken = Some(Break {
                guild_seq: link.guild_seq,
                position: link.position,
            });
        }
        self.events += 1;
        if self
            .expected
            .iter()
            .any(|(seq, hash)| *seq == link.guild_seq && *hash != expected)
        {
            self.mismatched.push(link.guild_seq);
        }
        self.head = Some((link.guild_seq, expected));
    }

    /// The recomputed hash at `seq`, once the chain was folded up to it.
    #[must_use]
    pub fn head_hex(&self) -> String {
        self.head
            .as_ref()
            .map_or_else(|| "-".to_owned(), |(_, h)| hex(h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(seq: i64, payload: &str, prev: Option<&[u8]>) -> Link {
        let mut l = Link {
            position: seq * 10,
            guild_seq: seq,
            event_id: Uuid::nil(),
            event_type: "XpGranted".into(),
            schema_version: 1,
            payload: payload.into(),
            actor_id: None,
            causation_id: format!("c{seq}"),
            occurred_micros: 1_700_000_000_000_000 + seq,
            hash: Vec::new(),
        };
        l.hash = hash(GuildId(1), prev, &l);
        l
    }

    #[test]
    fn a_changed_event_breaks_the_chain_where_it_was_changed() {
        let a = link(1, r#"{"xp": 5}"#, None);
        let b = link(2, r#"{"xp": 6}"#, Some(&a.hash));
        let c = link(3, r#"{"xp": 7}"#, Some(&b.hash));
        let mut sound = Chain::new(GuildId(1));
        for l in [&a, &b, &c] {
            sound.check(l);
        }
        assert_eq!(sound.broken, None);
        assert_eq!(sound.head, Some((3, c.hash.clone())));

        let mut forged = b.clone();
        forged.payload = r#"{"xp": 600}"#.into();
        let mut chain = Chain::new(GuildId(1));
        for l in [&a, &forged, &c] {
            chain.check(l);
        }
        assert_eq!(
            chain.broken,
            Some(Break {
                guild_seq: 2,
                position: 20
            })
        );
        assert_ne!(chain.head, sound.head, "the head moves with any change");
    }

    #[test]
    fn a_recomputed_rewrite_keeps_the_chain_whole_but_not_its_head() {
        let a = link(1, r#"{"xp": 5}"#, None);
        let b = link(2, r#"{"xp": 6}"#, Some(&a.hash));
        let forged = link(2, r#"{"xp": 600}"#, Some(&a.hash));
        let mut chain = Chain::new(GuildId(1)).expecting(vec![(2, b.hash.clone())]);
        chain.check(&a);
        chain.check(&forged);
        chain.finish();
        assert_eq!(chain.broken, None, "recomputed: whole");
        assert_eq!(chain.mismatched, vec![2], "but not the head kept elsewhere");
        assert!(!chain.sound());
    }
}
