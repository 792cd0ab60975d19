//! A fixed-size latency histogram (100 µs buckets up to 5 s), lock-free, for the operator's log and
//! `/metrics`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const BUCKET_MICROS: u128 = 100;
const BUCKETS: usize = 50_000;

/// Counts of durations, in 100 µs buckets; longer ones land in the last bucket.
#[derive(Debug)]
pub struct Histogram {
    buckets: Box<[AtomicU64]>,
    /// Every sample's duration added up, in microseconds.
    sum_micros: AtomicU64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            buckets: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            sum_micros: AtomicU64::new(0),
        }
    }
}

impl Histogram {
    /// Records `n` samples of `d`.
    pub fn record_many(&self, d: Duration, n: usize) {
        let i = usize::try_from(d.as_micros() / BUCKET_MICROS)
            .map_or(BUCKETS - 1, |i| i.min(BUCKETS - 1));
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        self.buckets[i].fetch_add(n, Ordering::Relaxed);
        let micros = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros
            .fetch_add(micros.saturating_mul(n), Ordering::Relaxed);
    }

    /// Every sample's duration added up, in seconds.
    #[must_use]
    pub fn sum_seconds(&self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let micros = self.sum_micros.load(Ordering::Relaxed) as f64;
        micros / 1e6
    }

    /// How many samples took at most `d` (counted by bucket: within 100 µs).
    #[must_use]
    pub fn count_within(&self, d: Duration) -> u64 {
        let last =
            usize::try_from(d.as_micros() / BUCKET_MICROS).map_or(BUCKETS, |i| i.min(BUCKETS));
        self.buckets[..last]
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .sum()
    }

    /// How many samples were recorded.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.load(Ordering::Relaxed)).sum()
    }

    /// The `q` quantile in milliseconds (upper edge of its bucket); 0 without samples.
    #[must_use]
    pub fn quantile_ms(&self, q: f64) -> f64 {
        let total = self.count();
        if total == 0 {
            return 0.0;
        }
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let rank = ((total as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, b) in self.buckets.iter().enumerate() {
            seen += b.load(Ordering::Relaxed);
            if seen >= rank {
                #[allow(clippy::cast_precision_loss)]
                return (i + 1) as f64 * 0.1;
            }
        }
        #[allow(clippy::cast_precision_loss)]
        let max = BUCKETS as f64 * 0.1;
        max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_come_from_the_recorded_samples() {
        let h = Histogram::default();
        h.record_many(Duration::from_millis(2), 98);
        h.record_many(Duration::from_millis(40), 2);
        assert_eq!(h.count(), 100);
        assert!((h.quantile_ms(0.5) - 2.1).abs() < 1e-9);
        assert!((h.quantile_ms(0.99) - 40.1).abs() < 1e-9);
        assert!(Histogram::default().quantile_ms(0.99).abs() < 1e-9);
        assert!((h.sum_seconds() - (0.196 + 0.080)).abs() < 1e-9);
    }
}
