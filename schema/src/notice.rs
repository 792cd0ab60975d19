//! The small core-NATS notices that wake readers of the log at once instead of polling.

use crate::ids::GuildId;
use serde::{Deserialize, Serialize};

/// "Guild `guild_id` now has events up to `last_seq`" (after an append), or "views of the guild
/// are projected up to `last_seq`" (after a projector batch).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeqNotice {
    pub guild_id: GuildId,
    pub last_seq: i64,
}
