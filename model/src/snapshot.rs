//! A snapshot of a guild's decision state: its canonical bytes (JSON, every map in key order, so the
//! same state always gives the same bytes) and their SHA-256. The command service writes them beside
//! the log and starts from the latest instead of folding the whole log; `projector audit verify`
//! folds the log afresh to each snapshot's position and compares the hashes.

use crate::decision::GuildState;
use sha2::{Digest, Sha256};

/// The snapshots' format: bumped whenever [`GuildState`]'s shape changes, so snapshots of an older
/// shape are never read (the log is folded instead, and a new snapshot written).
pub const FORMAT: i32 = 1;

/// A state as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub hash: [u8; 32],
}

/// The canonical bytes of `state` and their hash.
///
/// # Errors
/// A value JSON cannot hold (none of the model's).
pub fn encode(state: &GuildState) -> Result<Encoded, serde_json::Error> {
    let bytes = serde_json::to_vec(state)?;
    Ok(Encoded {
        hash: hash(&bytes),
        bytes,
    })
}

/// The SHA-256 of a snapshot's bytes.
#[must_use]
pub fn hash(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The state a snapshot holds, if its bytes still match `hash`.
///
/// # Errors
/// The bytes do not match the hash, or are not a state of this [`FORMAT`].
pub fn decode(bytes: &[u8], expected: &[u8]) -> Result<GuildState, Unreadable> {
    if hash(bytes).as_slice() != expected {
        return Err(Unreadable::Hash);
    }
    serde_json::from_slice(bytes).map_err(Unreadable::Json)
}

/// Why a snapshot was not used.
#[derive(Debug)]
pub enum Unreadable {
    /// Its bytes changed since it was written.
    Hash,
    /// Not a state of this format.
    Json(serde_json::Error),
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Hash => f.write_str("its bytes do not match its hash"),
            Self::Json(e) => write!(f, "not a state of format {FORMAT}: {e}"),
        }
    }
}

impl std::error::Error for Unreadable {}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use studio_schema::economy::CreditsAdjusted;
    use studio_schema::money::Postings;
    use studio_schema::{Account, ChannelId, Credits, Event, GuildId, MessageId, UserId, Xp};

    fn state() -> GuildState {
        let at = Utc
            .with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
            .single()
            .expect("a time");
        let mut s = GuildState::new(GuildId(7));
        for m in [3, 1, 2] {
            s.apply(
                s.last_seq + 1,
                &Event::MemberSeen {
                    member: UserId(m),
                    joined_at: at,
                    bot: false,
                    seen_at: Some(at),
                },
            );
            s.apply(
                s.last_seq + 1,
                &Event::MessagePosted {
                    member: UserId(m),
                    channel: ChannelId(9),
                    message: MessageId(100 + m),
                    xp: Xp(5),
                    posted_at: at,
                },
            );
        }
        s.apply(
            s.last_seq + 1,
            &Event::CreditsGranted(CreditsAdjusted {
                member: UserId(2),
                amount: Credits(40),
                reason: "welcome".into(),
                by: UserId(1),
                postings: Postings::new()
                    .mov(Account::Mint, Account::Member(UserId(2)), Credits(40))
                    .build(),
            }),
        );
        s
    }

    #[test]
    fn a_snapshot_reads_back_as_the_same_state() {
        let s = state();
        let e = encode(&s).expect("encode");
        assert_eq!(decode(&e.bytes, &e.hash).expect("decode"), s);
    }

    #[test]
    fn the_same_state_gives_the_same_bytes_whatever_the_maps_order() {
        let a = encode(&state()).expect("encode");
        for _ in 0..20 {
            assert_eq!(encode(&state()).expect("encode"), a);
        }
    }

    #[test]
    fn changed_bytes_are_refused() {
        let e = encode(&state()).expect("encode");
        let mut bytes = e.bytes.clone();
        let at = bytes.iter().position(|b| *b == b'4').expect("a digit");
        bytes[at] = b'9';
        assert!(matches!(decode(&bytes, &e.hash), Err(Unreadable::Hash)));
    }
}
