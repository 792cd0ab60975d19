//! `projector replay`: rebuilds every view from the first event in a fresh schema beside the live
//! one, then swaps it in within one transaction, so readers never see a half-built view.
//!
//! Its own statements drop and rename schemas by name, built with `format!`: sqlx cannot check
//! them at compile time, so they run unchecked.

use crate::carry::Carried;
use crate::config::Config;
use crate::metrics::Counters;
use crate::{Error, ddl, store};
use indicatif::{ProgressBar, ProgressStyle};
use sqlx::Connection;
use sqlx::PgPool;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use studio_schema::log::{self, GlobalCursor, ReadError, RecordedEvent};
use studio_schema::views::SCHEMA;
use tokio::sync::mpsc;
use tracing::info;

/// Where replays build.
const BUILD_SCHEMA: &str = "views_replay";
/// How long a rebuild waits, at most, for events committed before it started that an older
/// transaction still in flight keeps unreadable, and how often it looks again meanwhile.
const SETTLE: Duration = Duration::from_secs(2);
const SETTLE_POLL: Duration = Duration::from_millis(10);
/// Batches read ahead of the fold, at most.
const READ_AHEAD: usize = 2;

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

/// Folds the log into the build schema: a task of its own reads the log ahead (decoding each
/// event) while the batch before is folded, and the fold is carried in memory across batches
/// ([`Carried`]). Then builds the schema's secondary indexes. Returns the events folded.
async fn fold_log(pool: &PgPool, config: &Config, progress: &Progress<'_>) -> Result<u64, Error> {
    // Its own connections, closed when done: they are pointed at the build schema.
    let mut conn = build_connection(pool).await?;
    let mut other = build_connection(pool).await?;
    let mut carried = Carried::start(&mut conn, config.replay_flush_rows).await?;
    let (batches, mut read) = mpsc::channel(READ_AHEAD);
    let reader = tokio::spawn(read_log(
        pool.clone(),
        carried.cursor(),
        config.replay_batch,
        batches,
    ));
    let mut events = 0u64;
    let mut spent = Spent::default();
    let mut since = Instant::now();
    while let Some(batch) = read.recv().await {
        spent.reading += since.elapsed();
        let (cursor, batch) = batch?;
        since = Instant::now();
        carried.prepare(&mut conn, &batch).await?;
        // Pure and CPU-bound: off the runtime's threads, so the reader keeps reading meanwhile.
        carried = tokio::task::spawn_blocking(move || {
            carried.fold(&batch, cursor);
            carried
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
        spent.folding += since.elapsed();
        since = Instant::now();
        if carried.full() {
            events += flush([&mut conn, &mut other], &mut carried, progress).await?;
        }
        spent.writing += since.elapsed();
        since = Instant::now();
    }
    reader.abort();
    since = Instant::now();
    events += flush([&mut conn, &mut other], &mut carried, progress).await?;
    spent.writing += since.elapsed();
    since = Instant::now();
    ddl::create_indexes([&mut conn, &mut other]).await?;
    info!(
        events,
        waiting_for_the_log_s = spent.reading.as_secs_f64(),
        folding_s = spent.folding.as_secs_f64(),
        writing_s = spent.writing.as_secs_f64(),
        indexing_s = since.elapsed().as_secs_f64(),
        "log folded into the rebuild"
    );
    Ok(events)
}

/// Where a rebuild's fold spent its time, for operators watching a slow one.
#[derive(Default)]
struct Spent {
    /// Waiting for the reader (the log read ahead and decoded).
    reading: Duration,
    /// Loading the rows a batch names that are not held, and folding it.
    folding: Duration,
    /// Writing the rows held.
    writing: Duration,
}

/// A connection of its own (not the pool's) whose unqualified names are the build schema's.
async fn build_connection(pool: &PgPool) -> Result<sqlx::PgConnection, Error> {
    let mut conn = pool.acquire().await?.detach();
    sqlx::query(&format!(
        "SET search_path TO {}, public",
        ddl::quote(BUILD_SCHEMA)
    ))
    .execute(&mut conn)
    .await?;
    Ok(conn)
}

/// Writes what `carried` holds, half on each connection, in a transaction on each; returns the
/// events it covers. The second commits first: had the first failed to commit, the replay fails
/// and its build schema is dropped by the next one.
async fn flush(
    [conn, other]: [&mut sqlx::PgConnection; 2],
    carried: &mut Carried,
    progress: &Progress<'_>,
) -> Result<u64, Error> {
    let mut tx = conn.begin().await?;
    store::lock(&mut tx).await?;
    let mut second = other.begin().await?;
    let n = carried.flush(&mut tx, &mut second).await? as u64;
    second.commit().await?;
    tx.commit().await?;
    progress.add(n);
    Ok(n)
}

/// A batch of the log, decoded, with the position after it.
type Batch = Result<(GlobalCursor, Vec<RecordedEvent>), Error>;

/// Reads the log from just after `after` in batches of `limit`, in commit order, into
/// `batches`, until it is read to its end (or reading fails: the error goes in last). Each batch is
/// decoded on a thread of its own while the next is fetched; batches still go out in order.
async fn read_log(pool: PgPool, mut after: GlobalCursor, limit: i64, batches: mpsc::Sender<Batch>) {
    let mut decoding: Option<tokio::task::JoinHandle<Batch>> = None;
    loop {
        let fetched = log::fetch_global(&pool, after, limit).await;
        if let Some(previous) = decoding.take() {
            let decoded = previous
                .await
                .unwrap_or_else(|e| Err(Error::Internal(e.to_string())));
            let failed = decoded.is_err();
            if batches.send(decoded).await.is_err() || failed {
                return;
            }
        }
        match fetched {
            Ok(rows) => {
                let Some(last) = rows.last() else {
                    return;
                };
                after = last.cursor();
                let cursor = after;
                decoding = Some(tokio::task::spawn_blocking(move || {
                    let events = rows
                        .into_iter()
                        .map(|row| row.decode().map(|(_, event)| event))
                        .collect::<Result<Vec<_>, ReadError>>()?;
                    Ok((cursor, events))
                }));
            }
            Err(err) => {
                let _ = batches.send(Err(err.into())).await;
                return;
            }
        }
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
    // Its secondary indexes are built once the log is folded (one sort each, not an insert per
    // row): by `fold_log`, before the catch-up and the swap.
    ddl::create_tables(&mut tx, BUILD_SCHEMA).await?;
    tx.commit().await?;

    let total = log::count_after(pool, GlobalCursor::default()).await?;
    let progress = Progress::start(
        &config.counters,
        u64::try_from(total).unwrap_or(0),
        progress,
    );
    let mut events = fold_log(pool, config, &progress).await?;

    // Catch up with what was appended meanwhile and swap, holding the projector lock so the live
    // tail pauses for the swap and continues on the new views from their checkpoint.
    let mut tx = pool.begin().await?;
    store::use_schema(&mut tx, BUILD_SCHEMA).await?;
    let settling = Instant::now();
    loop {
        let applied =
            store::apply_next(&mut tx, config.replay_batch, config.crash_mid_batch).await?;
        if applied.events == 0 {
            // Every event counted at the start was committed, but one stays unreadable while an
            // older transaction is in flight anywhere in the cluster: wait for it a moment (the
            // live tail folds whatever is still left after that).
            if events >= u64::try_from(total).unwrap_or(0) || settling.elapsed() > SETTLE {
                break;
            }
            tokio::time::sleep(SETTLE_POLL).await;
            continue;
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
