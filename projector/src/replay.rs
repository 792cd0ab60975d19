//! `projector replay`: rebuilds every view from the first event in a fresh schema beside the live
//! one, then swaps it in within one transaction, so readers never see a half-built view.
//!
//! Its own statements drop and rename schemas by name, built with `format!`: sqlx cannot check
//! them at compile time, so they run unchecked.

use crate::config::Config;
use crate::metrics::Counters;
use crate::{Error, ddl, store};
use indicatif::{ProgressBar, ProgressStyle};
use sqlx::PgPool;
use std::sync::atomic::Ordering;
use std::time::Instant;
use studio_schema::log::{self, GlobalCursor};
use studio_schema::views::SCHEMA;
use tracing::info;

/// Where replays build.
const BUILD_SCHEMA: &str = "views_replay";
/// Events per transaction while rebuilding. A batch's cost is mostly its rows (each member, account
/// or listing it touches is loaded and written once per batch), not its events: on the benchmark's
/// log (1 000 000 events over 5 000 members) 5 000 gave 33 k events/s, 20 000 gave 58 k/s and
/// 50 000 gave 93 k/s (`scripts/bench core`).
const REPLAY_BATCH: i64 = 50_000;

/// What a replay did.
#[derive(Clone, Copy, Debug)]
pub struct Replayed {
    pub events: u64,
    pub seconds: f64,
}

/// A rebuild's progress, for whoever watches: a bar in the terminal (`projector replay`), gauges
/// at `/metrics` (the rebuild the tail runs after a layout change). The gauges say the rebuild
/// ended when this is dropped, however it ended.
struct Progress<'a> {
    bar: ProgressBar,
    counters: &'a Counters,
}

impl<'a> Progress<'a> {
    fn start(counters: &'a Counters, total: u64, shown: bool) -> Self {
        let bar = if shown {
            ProgressBar::new(total)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template("replay {bar:40} {pos}/{len} events {per_sec} eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        counters.replayed.store(0, Ordering::Relaxed);
        counters.to_replay.store(total, Ordering::Relaxed);
        counters.rebuilding.store(true, Ordering::Relaxed);
        Self { bar, counters }
    }

    /// `n` more events folded; events appended since the count was taken raise the total.
    fn add(&self, n: u64) {
        self.bar.inc(n);
        let done = self.counters.replayed.fetch_add(n, Ordering::Relaxed) + n;
        if done > self.counters.to_replay.load(Ordering::Relaxed) {
            self.counters.to_replay.store(done, Ordering::Relaxed);
            self.bar.set_length(done);
        }
    }
}

impl Drop for Progress<'_> {
    fn drop(&mut self) {
        self.counters.rebuilding.store(false, Ordering::Relaxed);
    }
}

/// Rebuilds the views from the first event and swaps them in.
///
/// # Errors
/// The log or the views are unavailable; the live views are untouched then.
pub async fn replay(pool: &PgPool, config: &Config, progress: bool) -> Result<Replayed, Error> {
    let started = Instant::now();
    crate::tail::ensure_views(pool).await?;
    let mut tx = pool.begin().await?;
    sqlx::query(&format!(
        "DROP SCHEMA IF EXISTS {} CASCADE",
        ddl::quote(BUILD_SCHEMA)
    ))
    .execute(&mut *tx)
    .await?;
    ddl::create(&mut tx, BUILD_SCHEMA).await?;
    tx.commit().await?;

    let total = log::count_after(pool, GlobalCursor::default()).await?;
    let progress = Progress::start(
        &config.counters,
        u64::try_from(total).unwrap_or(0),
        progress,
    );
    let mut events = 0u64;
    loop {
        let mut tx = pool.begin().await?;
        store::use_schema(&mut tx, BUILD_SCHEMA).await?;
        let applied = store::apply_next(&mut tx, REPLAY_BATCH, false).await?;
        tx.commit().await?;
        if applied.events == 0 {
            break;
        }
        events += applied.events as u64;
        progress.add(applied.events as u64);
    }

    // Catch up with what was appended meanwhile and swap, holding the projector lock so the live
    // tail pauses for the swap and continues on the new views from their checkpoint.
    let mut tx = pool.begin().await?;
    store::use_schema(&mut tx, BUILD_SCHEMA).await?;
    loop {
        let applied = store::apply_next(&mut tx, REPLAY_BATCH, config.crash_mid_batch).await?;
        if applied.events == 0 {
            break;
        }
        events += applied.events as u64;
        progress.add(applied.events as u64);
    }
    let old = "views_retired";
    sqlx::query(&format!(
        "DROP SCHEMA IF EXISTS {} CASCADE",
        ddl::quote(old)
    ))
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "ALTER SCHEMA {} RENAME TO {}",
        ddl::quote(SCHEMA),
        ddl::quote(old)
    ))
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "ALTER SCHEMA {} RENAME TO {}",
        ddl::quote(BUILD_SCHEMA),
        ddl::quote(SCHEMA)
    ))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // Dropped after the swap, outside the projector lock: a reader still on the old views delays
    // only this, never the live tail or new readers.
    sqlx::query(&format!("DROP SCHEMA {} CASCADE", ddl::quote(old)))
        .execute(pool)
        .await?;
    progress.bar.finish();
    let seconds = started.elapsed().as_secs_f64();
    info!(events, seconds, "views rebuilt from the log and swapped in");
    Ok(Replayed { events, seconds })
}
