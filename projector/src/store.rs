//! Reading and writing the views' rows, inside the caller's transaction, in the schema its
//! `search_path` names. One statement per table per batch, whatever the batch size.

mod commissions;
mod ledger;
mod market;
mod members;
mod profiles;
mod quests;
mod settings;
mod teams;
mod tournaments;

use crate::fold::{self, Keys, Rows};
use sqlx::{Postgres, Transaction};
use studio_schema::log::{self, GlobalCursor, ReadError};

type Tx<'a> = Transaction<'a, Postgres>;

/// The advisory lock every projector write holds.
pub const PROJECTOR_LOCK: i64 = 0x5354_5544_494f_0001;

/// Why a batch could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("views unavailable: {0}")]
    Database(#[from] sqlx::Error),
}

/// What a batch applied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub events: usize,
    /// (guild, last seq) of every guild the batch touched.
    pub guilds: Vec<(i64, i64)>,
}

/// Points the transaction at `schema`'s views.
///
/// # Errors
/// The database refuses.
pub async fn use_schema(tx: &mut Tx<'_>, schema: &str) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "SET LOCAL search_path TO {}, public",
        crate::ddl::quote(schema)
    ))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Applies the next `limit` events after the views' checkpoint, and moves the checkpoint, in `tx`.
/// `crash_mid_batch` aborts the process after writing rows and before the commit (recovery tests).
///
/// # Errors
/// The log or the views are unavailable.
pub async fn apply_next(
    tx: &mut Tx<'_>,
    limit: i64,
    crash_mid_batch: bool,
) -> Result<Applied, ApplyError> {
    // One projector writes at a time (live tail, replay, swap); the lock assigns no transaction id,
    // so it does not hold back the log's global read horizon.
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(PROJECTOR_LOCK)
        .execute(&mut **tx)
        .await?;
    let (tx_id, position, count): (i64, i64, i64) =
        sqlx::query_as("SELECT tx_id, position, events FROM checkpoint WHERE id = 1")
            .fetch_one(&mut **tx)
            .await?;
    let batch = log::read_global(&mut **tx, GlobalCursor { tx_id, position }, limit).await?;
    let Some((last, _)) = batch.last() else {
        return Ok(Applied::default());
    };
    let last = *last;
    let events: Vec<_> = batch.into_iter().map(|(_, e)| e).collect();
    let keys = fold::keys(&events);
    let mut rows = load(tx, &keys).await?;
    for e in &events {
        fold::apply(&mut rows, e);
    }
    write(tx, &rows).await?;
    if crash_mid_batch {
        tracing::warn!("failpoint: crashing in the middle of a batch, before its commit");
        std::process::abort();
    }
    let applied = i64::try_from(events.len()).unwrap_or(0);
    sqlx::query("UPDATE checkpoint SET tx_id = $1, position = $2, events = $3 WHERE id = 1")
        .bind(last.tx_id)
        .bind(last.position)
        .bind(count + applied)
        .execute(&mut **tx)
        .await?;
    Ok(Applied {
        events: events.len(),
        guilds: rows.guilds.into_iter().collect(),
    })
}

/// The rows `keys` name, `None` for those the views do not hold yet.
pub async fn load(tx: &mut Tx<'_>, keys: &Keys) -> Result<Rows, sqlx::Error> {
    let mut rows = Rows::absent(keys);
    members::load(tx, keys, &mut rows).await?;
    ledger::load(tx, keys, &mut rows).await?;
    market::load(tx, keys, &mut rows).await?;
    commissions::load(tx, keys, &mut rows).await?;
    tournaments::load(tx, keys, &mut rows).await?;
    teams::load(tx, keys, &mut rows).await?;
    profiles::load(tx, keys, &mut rows).await?;
    quests::load(tx, keys, &mut rows).await?;
    settings::load(tx, keys, &mut rows).await?;
    Ok(rows)
}

async fn write(tx: &mut Tx<'_>, rows: &Rows) -> Result<(), sqlx::Error> {
    members::write(tx, rows).await?;
    ledger::write(tx, rows).await?;
    market::write(tx, rows).await?;
    commissions::write(tx, rows).await?;
    tournaments::write(tx, rows).await?;
    profiles::write(tx, rows).await?;
    quests::write(tx, rows).await?;
    settings::write(tx, rows).await?;
    teams::write(tx, rows).await?;
    sqlx::query(
        "INSERT INTO guild_checkpoints (guild_id, last_seq)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[])
         ON CONFLICT (guild_id) DO UPDATE SET last_seq = EXCLUDED.last_seq",
    )
    .bind(rows.guilds.keys().copied().collect::<Vec<i64>>())
    .bind(rows.guilds.values().copied().collect::<Vec<i64>>())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The rows of `map` that exist, with their keys.
fn present<K, V>(map: &std::collections::BTreeMap<K, Option<V>>) -> Vec<(&K, &V)> {
    map.iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
        .collect()
}

/// One column of `items`, for an `UNNEST` bind.
fn column<T, U>(items: &[T], f: impl Fn(&T) -> U) -> Vec<U> {
    items.iter().map(f).collect()
}
