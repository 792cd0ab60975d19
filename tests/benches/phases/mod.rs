//! The core benchmark's phases, each on a stack of its own.

pub mod cold;
pub mod drain;
pub mod messages;
pub mod partitions;

use crate::common::{GUILD, Stack};
use std::time::{Duration, Instant};

/// How long any phase may wait for Studio at most.
pub const LIMIT: Duration = Duration::from_secs(600);

/// Counts the guild's `MessagePosted` events as they become durable, over only the rows appended
/// since the last look (an index range): counting the whole log every few milliseconds would load
/// Postgres more than the writer does.
pub struct Durable {
    guild: u64,
    pub seen: i64,
    /// The guild sequence counted up to.
    pub after: i64,
}

impl Durable {
    pub fn new() -> Self {
        Self::of(GUILD)
    }

    /// Counts `guild`'s messages.
    pub fn of(guild: u64) -> Self {
        Self {
            guild,
            seen: 0,
            after: 0,
        }
    }

    /// Waits until at least `want` messages are durable; returns when they were seen.
    pub async fn wait(&mut self, stack: &Stack, want: i64) -> Instant {
        let started = Instant::now();
        loop {
            let (new, last): (i64, Option<i64>) = sqlx::query_as(
                "SELECT count(*) FILTER (WHERE event_type = 'MessagePosted'), max(guild_seq)
                 FROM event_log WHERE guild_id = $1 AND guild_seq > $2",
            )
            .bind(i64::try_from(self.guild).expect("a guild id"))
            .bind(self.after)
            .fetch_one(&stack.pool)
            .await
            .expect("count messages");
            self.seen += new;
            self.after = last.unwrap_or(self.after);
            if self.seen >= want {
                return Instant::now();
            }
            assert!(
                started.elapsed() < LIMIT,
                "only {} of {want} messages became durable",
                self.seen
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}
