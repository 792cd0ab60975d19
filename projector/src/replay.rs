//! `projector replay`: rebuilds every view from the first event in a fresh schema beside the live
//! one, then swaps it in within one transaction, so readers never see a half-built view.
//!
//! Its own statements drop and rename schemas by name, built with `format!`: sqlx cannot check
//! them at compile time, so they run unchecked.

use crate::config::Config;
use crate::{Error, ddl, store};
use indicatif::{ProgressBar, ProgressStyle};
use sqlx::PgPool;
use std::time::Instant;
use studio_schema::log::{self, GlobalCursor};
use studio_schema::views::SCHEMA;
use tracing::info;

/// Where replays build.
const BUILD_SCHEMA: &str = "views_replay";
/// Events per transaction while rebuilding.
const REPLAY_BATCH: i64 = 5_000;

/// What a replay did.
#[derive(Clone, Copy, Debug)]
pub struct Replayed {
    pub events: u64,
    pub seconds: f64,
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
    let bar = if progress {
        ProgressBar::new(u64::try_from(total).unwrap_or(0))
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("replay {bar:40} {pos}/{len} events {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
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
        bar.inc(applied.events as u64);
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
        bar.inc(applied.events as u64);
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
    bar.finish();
    let seconds = started.elapsed().as_secs_f64();
    info!(events, seconds, "views rebuilt from the log and swapped in");
    Ok(Replayed { events, seconds })
}
