//! What a writer appends, built by hand for the tests that drive the log directly.

use chrono::Utc;
use studio_schema::log::{CommandRecord, NewEvent};
use studio_schema::{Event, UserId};

/// Member `member` seen in the guild, now.
pub fn seen(member: i64) -> NewEvent {
    NewEvent {
        event: Event::MemberSeen {
            member: UserId(member),
            joined_at: Utc::now(),
            bot: false,
            seen_at: None,
        },
        actor_id: None,
        causation_id: format!("cause-{member}"),
        occurred_at: Utc::now(),
    }
}

/// Command `id` recorded, its guild at `last_seq` after it.
pub fn record(id: &str, last_seq: i64) -> CommandRecord {
    CommandRecord {
        command_id: id.into(),
        outcome: serde_json::json!({"outcome": "Recorded"}),
        last_seq,
    }
}
