//! Starting a guild from its latest snapshot instead of its whole log, and taking a new snapshot as
//! the log grows ([`crate::writer::Writer`] decides when). A snapshot that cannot be used (its bytes
//! changed, an older format, another log) is passed over with a warning: the log is folded instead,
//! which is always right, only slower.

use crate::domain::GuildState;
use sqlx::PgPool;
use studio_model::snapshot::{self, FORMAT};
use studio_schema::GuildId;
use studio_schema::snapshots;
use tracing::{info, warn};

/// The guild's state from its latest usable snapshot, if it has one.
pub async fn load(pool: &PgPool, guild: GuildId) -> Option<GuildState> {
    let row = match snapshots::latest(pool, guild, FORMAT).await {
        Ok(row) => row?,
        Err(err) => {
            warn!(%guild, error = %err, "snapshots unreadable; folding the whole log");
            return None;
        }
    };
    // Decoding a large guild takes a while: off the runtime's threads.
    let seq = row.last_seq;
    let decoded =
        tokio::task::spawn_blocking(move || snapshot::decode(&row.state, &row.state_hash)).await;
    let Ok(decoded) = decoded else {
        warn!(%guild, seq, "snapshot not decoded; folding the whole log");
        return None;
    };
    match decoded {
        Ok(state) if state.guild == guild && state.last_seq == seq => {
            info!(%guild, seq, "guild state read from its snapshot");
            Some(state)
        }
        Ok(state) => {
            warn!(%guild, seq, holds = %state.guild, at = state.last_seq,
                  "snapshot holds another guild or position; folding the whole log");
            None
        }
        Err(err) => {
            warn!(%guild, seq, error = %err, "snapshot not used; folding the whole log");
            None
        }
    }
}

/// Stores a snapshot of `state` in the background: encoding a large guild takes a while, and a
/// snapshot that fails is only taken again later.
pub fn take(pool: PgPool, state: GuildState) {
    tokio::spawn(async move {
        let (guild, seq) = (state.guild, state.last_seq);
        let encoded = match tokio::task::spawn_blocking(move || snapshot::encode(&state)).await {
            Ok(Ok(encoded)) => encoded,
            Ok(Err(err)) => {
                warn!(%guild, seq, error = %err, "snapshot not encoded");
                return;
            }
            Err(err) => {
                warn!(%guild, seq, error = %err, "snapshot not encoded");
                return;
            }
        };
        match snapshots::store(&pool, guild, seq, FORMAT, &encoded.bytes, &encoded.hash).await {
            Ok(true) => info!(%guild, seq, bytes = encoded.bytes.len(), "guild state snapshotted"),
            Ok(false) => {}
            Err(err) => warn!(%guild, seq, error = %err, "snapshot not stored; taken again later"),
        }
    });
}
