//! Reading and writing the views' rows, inside the caller's transaction, in the schema its
//! `search_path` names. One statement per table per batch, whatever the batch size.

use crate::fold::{self, MemberRow, Rows};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Postgres, Transaction};
use studio_schema::log::{self, GlobalCursor, ReadError};
use studio_schema::tenure::Tenure;

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
    let (member_keys, week_keys) = fold::keys(&events);
    let mut rows = load(tx, &member_keys, &week_keys).await?;
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

type MemberRecord = (
    i64,
    i64,
    i64,
    i64,
    i64,
    bool,
    bool,
    i64,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
    i64,
);

async fn load(
    tx: &mut Tx<'_>,
    members: &[(i64, i64)],
    weeks: &[(i64, NaiveDate, i64)],
) -> Result<Rows, sqlx::Error> {
    let mut rows = Rows::default();
    for key in members {
        rows.members.insert(*key, None);
    }
    let (guilds, users): (Vec<i64>, Vec<i64>) = members.iter().copied().unzip();
    let found: Vec<MemberRecord> = sqlx::query_as(
        "SELECT m.guild_id, m.user_id, xp, message_xp, messages, bot, present,
                tenure_completed_secs, stint_since, first_seen_at, last_seq
         FROM members m JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, user_id)
           ON m.guild_id = k.guild_id AND m.user_id = k.user_id",
    )
    .bind(&guilds)
    .bind(&users)
    .fetch_all(&mut **tx)
    .await?;
    for (
        g,
        u,
        xp,
        message_xp,
        messages,
        bot,
        present,
        completed_secs,
        since,
        first_seen_at,
        last_seq,
    ) in found
    {
        rows.members.insert(
            (g, u),
            Some(MemberRow {
                xp,
                message_xp,
                messages,
                bot,
                present,
                tenure: Tenure {
                    completed_secs,
                    since,
                },
                first_seen_at,
                last_seq,
            }),
        );
    }
    let guilds: Vec<i64> = weeks.iter().map(|k| k.0).collect();
    let days: Vec<NaiveDate> = weeks.iter().map(|k| k.1).collect();
    let users: Vec<i64> = weeks.iter().map(|k| k.2).collect();
    let found: Vec<(i64, NaiveDate, i64, i64)> = sqlx::query_as(
        "SELECT w.guild_id, w.week_start, w.user_id, xp
         FROM xp_weekly w JOIN UNNEST($1::bigint[], $2::date[], $3::bigint[]) AS k(guild_id, week_start, user_id)
           ON w.guild_id = k.guild_id AND w.week_start = k.week_start AND w.user_id = k.user_id",
    )
    .bind(&guilds)
    .bind(&days)
    .bind(&users)
    .fetch_all(&mut **tx)
    .await?;
    for (g, w, u, xp) in found {
        rows.weekly.insert((g, w, u), xp);
    }
    Ok(rows)
}

async fn write(tx: &mut Tx<'_>, rows: &Rows) -> Result<(), sqlx::Error> {
    let present: Vec<(&(i64, i64), &MemberRow)> = rows
        .members
        .iter()
        .filter_map(|(k, r)| r.as_ref().map(|r| (k, r)))
        .collect();
    let col = |f: fn(&MemberRow) -> i64| present.iter().map(|(_, r)| f(r)).collect::<Vec<i64>>();
    sqlx::query(
        "INSERT INTO members (guild_id, user_id, xp, message_xp, messages, bot, present,
                              tenure_completed_secs, stint_since, first_seen_at, last_seq)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[],
                              $6::boolean[], $7::boolean[], $8::bigint[], $9::timestamptz[],
                              $10::timestamptz[], $11::bigint[])
         ON CONFLICT (guild_id, user_id) DO UPDATE SET
             xp = EXCLUDED.xp, message_xp = EXCLUDED.message_xp, messages = EXCLUDED.messages,
             bot = EXCLUDED.bot, present = EXCLUDED.present,
             tenure_completed_secs = EXCLUDED.tenure_completed_secs,
             stint_since = EXCLUDED.stint_since, first_seen_at = EXCLUDED.first_seen_at,
             last_seq = EXCLUDED.last_seq",
    )
    .bind(present.iter().map(|(k, _)| k.0).collect::<Vec<i64>>())
    .bind(present.iter().map(|(k, _)| k.1).collect::<Vec<i64>>())
    .bind(col(|r| r.xp))
    .bind(col(|r| r.message_xp))
    .bind(col(|r| r.messages))
    .bind(present.iter().map(|(_, r)| r.bot).collect::<Vec<bool>>())
    .bind(
        present
            .iter()
            .map(|(_, r)| r.present)
            .collect::<Vec<bool>>(),
    )
    .bind(col(|r| r.tenure.completed_secs))
    .bind(
        present
            .iter()
            .map(|(_, r)| r.tenure.since)
            .collect::<Vec<Option<DateTime<Utc>>>>(),
    )
    .bind(
        present
            .iter()
            .map(|(_, r)| r.first_seen_at)
            .collect::<Vec<DateTime<Utc>>>(),
    )
    .bind(col(|r| r.last_seq))
    .execute(&mut **tx)
    .await?;

    sqlx::query(
        "INSERT INTO xp_weekly (guild_id, week_start, user_id, xp)
         SELECT * FROM UNNEST($1::bigint[], $2::date[], $3::bigint[], $4::bigint[])
         ON CONFLICT (guild_id, week_start, user_id) DO UPDATE SET xp = EXCLUDED.xp",
    )
    .bind(rows.weekly.keys().map(|k| k.0).collect::<Vec<i64>>())
    .bind(rows.weekly.keys().map(|k| k.1).collect::<Vec<NaiveDate>>())
    .bind(rows.weekly.keys().map(|k| k.2).collect::<Vec<i64>>())
    .bind(rows.weekly.values().copied().collect::<Vec<i64>>())
    .execute(&mut **tx)
    .await?;

    let adj = &rows.adjustments;
    sqlx::query(
        "INSERT INTO xp_adjustments (guild_id, guild_seq, user_id, change, reason, by_user, at)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[],
                              $6::bigint[], $7::timestamptz[])",
    )
    .bind(adj.keys().map(|k| k.0).collect::<Vec<i64>>())
    .bind(adj.keys().map(|k| k.1).collect::<Vec<i64>>())
    .bind(adj.values().map(|a| a.user_id).collect::<Vec<i64>>())
    .bind(adj.values().map(|a| a.change).collect::<Vec<i64>>())
    .bind(
        adj.values()
            .map(|a| a.reason.clone())
            .collect::<Vec<String>>(),
    )
    .bind(adj.values().map(|a| a.by_user).collect::<Vec<i64>>())
    .bind(adj.values().map(|a| a.at).collect::<Vec<DateTime<Utc>>>())
    .execute(&mut **tx)
    .await?;

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
