//! Discord snowflakes: `((unix_ms - 1420070400000) << 22) | counter`. The fake mints ids from
//! the current time (or a chosen time, for stale interactions) and reads creation times back
//! out of them, the way Discord dates an interaction by its id.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Discord's epoch, the first millisecond of 2015, in Unix milliseconds.
pub const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

const COUNTER_BITS: u32 = 22;
const COUNTER_MASK: u64 = (1 << COUNTER_BITS) - 1;

/// Mints unique snowflakes.
#[derive(Debug, Default)]
pub struct Snowflakes {
    counter: AtomicU64,
    /// How far this Discord's clock runs ahead of the machine's, in milliseconds (a test moves it
    /// on to play later days).
    ahead_ms: AtomicI64,
}

impl Snowflakes {
    /// This Discord's time now.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + TimeDelta::milliseconds(self.ahead_ms.load(Ordering::Relaxed))
    }

    /// Moves this Discord's clock on by `by`: what is created from now on is dated that much later.
    pub fn advance(&self, by: TimeDelta) {
        self.ahead_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }

    /// A snowflake for now.
    pub fn next(&self) -> u64 {
        self.at(self.now())
    }

    /// A snowflake whose timestamp is `at` (clamped to Discord's epoch).
    pub fn at(&self, at: DateTime<Utc>) -> u64 {
        let ms = u64::try_from(at.timestamp_millis()).unwrap_or(0);
        let since_epoch = ms.saturating_sub(DISCORD_EPOCH_MS);
        let counter = self.counter.fetch_add(1, Ordering::Relaxed) & COUNTER_MASK;
        (since_epoch << COUNTER_BITS) | counter
    }
}

/// When the snowflake `id` was created.
pub fn created_at(id: u64) -> DateTime<Utc> {
    let ms = (id >> COUNTER_BITS) + DISCORD_EPOCH_MS;
    i64::try_from(ms)
        .ok()
        .and_then(|ms| Utc.timestamp_millis_opt(ms).single())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn round_trips_the_timestamp_and_stays_unique() {
        let ids = Snowflakes::default();
        let at = Utc::now() - Duration::seconds(5);
        let a = ids.at(at);
        let b = ids.at(at);
        assert_ne!(a, b);
        assert_eq!(created_at(a).timestamp_millis(), at.timestamp_millis());
        assert!(ids.next() > a);
    }
}
