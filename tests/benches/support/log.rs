//! A long synthetic log written straight into `event_log` (not timed): the input of the replay,
//! cold-start and memory rows.

use chrono::Utc;
use sqlx::PgPool;
use studio_schema::log::{self, NewEvent};
use studio_schema::{ChannelId, Event, GuildId, MessageId, UserId, Xp};

/// Events appended per transaction.
const CHUNK: i64 = 1_000;

/// Appends `events` events to `guild`: first one `MemberSeen` for each of `members` members (ids
/// from 1), then `MessagePosted` round-robin over them, a third of them worth XP. Returns the head.
pub async fn fill(pool: &PgPool, guild: GuildId, members: i64, events: i64) -> i64 {
    let at = Utc::now();
    let mut seq = 0;
    while seq < events {
        let batch: Vec<NewEvent> = (seq..(seq + CHUNK).min(events))
            .map(|n| NewEvent {
                event: if n < members {
                    Event::MemberSeen {
                        member: UserId(1 + n),
                        joined_at: at,
                        bot: false,
                        seen_at: Some(at),
                    }
                } else {
                    Event::MessagePosted {
                        member: UserId(1 + n % members),
                        channel: ChannelId(7),
                        message: MessageId(1_000_000 + n),
                        xp: Xp(if n % 3 == 0 { 5 } else { 0 }),
                        posted_at: at,
                    }
                },
                actor_id: None,
                causation_id: format!("bench:{n}"),
                occurred_at: at,
            })
            .collect();
        seq = log::append(pool, guild, seq, &batch, &[])
            .await
            .expect("append");
    }
    seq
}

/// Writes out what the steps before left dirty (a checkpoint, then the kernel's own sync), so that the
/// kernel does not flush it in the middle of a timed step: a flush of ~370 MB a fill left behind
/// once stalled every commit of the round trip after it for ~400 ms (the p99 of 5 000 answers). A
/// login that may not checkpoint only skips the first half. Called after the fill and before every
/// round trip.
pub async fn settle(pool: &PgPool) {
    if let Err(err) = sqlx::query("CHECKPOINT").execute(pool).await {
        println!("(no checkpoint before the timed step: {err})");
    }
    let synced = tokio::task::spawn_blocking(|| std::process::Command::new("sync").status()).await;
    if !matches!(synced, Ok(Ok(status)) if status.success()) {
        println!("(no sync before the timed step)");
    }
}
