//! Applying a batch to the views, inside the caller's transaction, in the schema its `search_path`
//! names: load the rows the batch reads that the caller does not hold, fold it ([`crate::fold`]), write
//! the rows back and move the checkpoint. The statements are `studio_views`' (one per table per batch,
//! whatever the batch size); this module only orchestrates them.

use crate::fold::{self, Keys, Rows};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use std::collections::BTreeMap;
use studio_schema::log::{self, ReadError};
use studio_schema::views::SCHEMA;
use studio_views::checkpoints::{self, Checkpoint};
use studio_views::{
    commissions, ledger, market, members, profiles, quests, seasons, settings, teams, tournaments,
};

/// The advisory lock every projector write holds.
pub const PROJECTOR_LOCK: i64 = 0x5354_5544_494f_0001;

/// The most rows the live tail holds between batches ([`apply_from`]); past it, it lets go of
/// those it held and keeps the last batch's.
pub const HELD_ROWS: usize = 100_000;

/// Why a batch could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("views unavailable: {0}")]
    Database(#[from] sqlx::Error),
    /// The views' checkpoint is not where the batch started from: another projector applied a
    /// batch, or a rebuild swapped the views in.
    #[error("the views' checkpoint moved")]
    Moved,
}

/// What a batch applied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub events: usize,
    /// (guild, last seq) of every guild the batch touched.
    pub guilds: Vec<(i64, i64)>,
    /// Where the views stand after it.
    pub checkpoint: Checkpoint,
}

/// Waits for the projector lock, held until the transaction ends. One projector writes at a time
/// (live tail, replay, swap); the lock assigns no transaction id, so it does not hold back the
/// log's global read horizon.
///
/// # Errors
/// The database is unreachable.
pub async fn lock(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", PROJECTOR_LOCK)
        .execute(conn)
        .await?;
    Ok(())
}

/// Points the transaction at `schema`'s views.
///
/// # Errors
/// The database refuses.
pub async fn use_schema(
    tx: &mut Transaction<'_, Postgres>,
    schema: &str,
) -> Result<(), sqlx::Error> {
    // Unchecked: the schema is only known at run time.
    sqlx::query(&format!(
        "SET LOCAL search_path TO {}, public",
        crate::ddl::quote(schema)
    ))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Begins a transaction of the live tail, in one round trip: it writes `views`, holds the projector
/// lock, and commits without waiting for its WAL to reach the disk.
///
/// Not waiting is safe for views and only for them: they are derived from the log, which the
/// command service commits with the full flush. A crash of Postgres can lose the last few
/// commits of the tail (at most three `wal_writer_delay`s), each whole, its checkpoint with its
/// rows, so the views come back consistent at an earlier checkpoint and the tail folds the same
/// events again into the same rows. Under load the tail then no longer queues behind the
/// command service's flushes.
///
/// # Errors
/// The database is unreachable or refuses.
pub async fn begin_live(pool: &PgPool) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    // One simple query; every name in it is a constant.
    pool.begin_with(format!(
        "BEGIN; SET LOCAL search_path TO {}, public; SET LOCAL synchronous_commit TO off; \
         SELECT pg_advisory_xact_lock({PROJECTOR_LOCK})",
        crate::ddl::quote(SCHEMA)
    ))
    .await
}

/// Applies the next `limit` events after the views' checkpoint, and moves the checkpoint, in `tx`.
/// `crash_mid_batch` aborts the process after writing rows and before the commit (recovery tests).
///
/// # Errors
/// The log or the views are unavailable.
pub async fn apply_next(
    tx: &mut Transaction<'_, Postgres>,
    limit: i64,
    crash_mid_batch: bool,
) -> Result<Applied, ApplyError> {
    lock(tx).await?;
    let from = checkpoints::read(tx).await?;
    apply_from(tx, from, &mut Rows::default(), limit, crash_mid_batch).await
}

/// [`apply_next`] in a transaction that holds the projector lock already ([`begin_live`]), from
/// `from`: the checkpoint the caller read, or the one its last batch moved the views to. Fails with
/// [`ApplyError::Moved`] if the views are no longer there (the caller rolls back and reads it).
///
/// `held` are rows the views hold at `from`, as the caller's batches before wrote them (or none):
/// the batch loads only the rows it reads that are not held, and leaves the rows it wrote held,
/// at most [`HELD_ROWS`]. They are the views' own only while the views stay at `from`; the caller
/// drops them whenever this fails or it reads the checkpoint afresh.
///
/// # Errors
/// The log or the views are unavailable, or the checkpoint moved.
pub async fn apply_from(
    tx: &mut Transaction<'_, Postgres>,
    from: Checkpoint,
    held: &mut Rows,
    limit: i64,
    crash_mid_batch: bool,
) -> Result<Applied, ApplyError> {
    let batch = log::read_global(&mut **tx, from.cursor, limit).await?;
    let Some((last, _)) = batch.last() else {
        return Ok(Applied {
            checkpoint: from,
            ..Applied::default()
        });
    };
    let cursor = *last;
    let events: Vec<_> = batch.into_iter().map(|(_, e)| e).collect();
    let keys = fold::keys(&events);
    let missing = held.missing(&keys);
    let mut rows = held.take(&keys);
    rows.take_in(&mut load(tx, &missing).await?);
    for e in &events {
        fold::apply(&mut rows, e);
    }
    write(tx, &rows).await?;
    if crash_mid_batch {
        tracing::warn!("failpoint: crashing in the middle of a batch, before its commit");
        std::process::abort();
    }
    let to = Checkpoint {
        cursor,
        events: from.events + i64::try_from(events.len()).unwrap_or(0),
    };
    let guilds: Vec<(i64, i64)> = std::mem::take(&mut rows.guilds).into_iter().collect();
    if !checkpoints::advance(tx, from, to, &guilds).await? {
        return Err(ApplyError::Moved);
    }
    if held.count() + rows.count() > HELD_ROWS {
        *held = Rows::default();
    }
    held.take_in(&mut rows);
    Ok(Applied {
        events: events.len(),
        guilds,
        checkpoint: to,
    })
}

/// The rows `keys` name, `None` for those the views do not hold yet (a test reads the views'
/// entities back through it, to compare them with the decider's).
pub async fn load(conn: &mut PgConnection, keys: &Keys) -> Result<Rows, sqlx::Error> {
    let mut rows = Rows::absent(keys);
    found(&mut rows.members, members::load(conn, &keys.members).await?);
    rows.weekly
        .extend(members::load_weekly(conn, &keys.weekly).await?);
    rows.monthly
        .extend(members::load_monthly(conn, &keys.monthly).await?);
    found(
        &mut rows.seasons,
        seasons::load_current(conn, &keys.seasons).await?,
    );
    found(
        &mut rows.accounts,
        ledger::load_accounts(conn, &keys.accounts).await?,
    );
    found(
        &mut rows.listings,
        market::load_listings(conn, &keys.listings).await?,
    );
    found(
        &mut rows.purchases,
        market::load_purchases(conn, &keys.purchases).await?,
    );
    found(
        &mut rows.reviews,
        market::load_reviews(conn, &keys.reviews).await?,
    );
    found(
        &mut rows.commissions,
        commissions::load(conn, &keys.commissions).await?,
    );
    found(
        &mut rows.tournaments,
        tournaments::load(conn, &keys.tournaments).await?,
    );
    found(&mut rows.teams, teams::load(conn, &keys.teams).await?);
    found(
        &mut rows.profiles,
        profiles::load(conn, &keys.profiles).await?,
    );
    found(&mut rows.quests, quests::load(conn, &keys.quests).await?);
    found(
        &mut rows.settings,
        settings::load(conn, &keys.settings).await?,
    );
    Ok(rows)
}

/// Records the rows a load found.
fn found<K: Ord, V>(slots: &mut BTreeMap<K, Option<V>>, rows: Vec<(K, V)>) {
    for (key, row) in rows {
        slots.insert(key, Some(row));
    }
}

/// Writes `rows` back to the views of the transaction's schema (the guilds' checkpoints are moved
/// with the global one, [`checkpoints::advance`]).
pub(crate) async fn write(conn: &mut PgConnection, rows: &Rows) -> Result<(), sqlx::Error> {
    members::write(
        conn,
        &present(&rows.members),
        &all(&rows.weekly),
        &all(&rows.monthly),
    )
    .await?;
    seasons::write(conn, &all(&rows.started)).await?;
    seasons::add_xp(conn, &all(&rows.seasonal)).await?;
    members::write_adjustments(conn, &all(&rows.adjustments)).await?;
    ledger::write_accounts(conn, &present(&rows.accounts)).await?;
    ledger::write_postings(conn, &all(&rows.postings)).await?;
    market::write_listings(conn, &present(&rows.listings)).await?;
    market::write_versions(conn, &all(&rows.versions)).await?;
    market::write_purchases(conn, &present(&rows.purchases)).await?;
    market::write_reviews(conn, &present(&rows.reviews)).await?;
    commissions::write(conn, &present(&rows.commissions)).await?;
    tournaments::write(conn, &present(&rows.tournaments)).await?;
    profiles::write(conn, &present(&rows.profiles)).await?;
    quests::write(conn, &present(&rows.quests)).await?;
    settings::write(conn, &present(&rows.settings)).await?;
    teams::write(conn, &present(&rows.teams)).await?;
    let (joined, left): (Vec<_>, Vec<_>) = rows.team_members.iter().partition(|(_, j)| **j);
    teams::join(
        conn,
        &joined.into_iter().map(|(k, _)| *k).collect::<Vec<_>>(),
    )
    .await?;
    teams::leave(conn, &left.into_iter().map(|(k, _)| *k).collect::<Vec<_>>()).await?;
    Ok(())
}

/// The rows of `map` that exist, with their keys.
fn present<K, V>(map: &BTreeMap<K, Option<V>>) -> Vec<(&K, &V)> {
    map.iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
        .collect()
}

/// Every row of `map`, with its key.
fn all<K, V>(map: &BTreeMap<K, V>) -> Vec<(&K, &V)> {
    map.iter().collect()
}
