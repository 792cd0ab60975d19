//! The projector's loads and writes of `members`, `xp_weekly`, `xp_monthly` and `xp_adjustments`.

use super::{Adjustment, AdjustmentKey, MemberKey, MemberRow, MemberView, MonthKey, WeekKey};
use crate::row::column;
use sqlx::PgConnection;
use studio_model::member::Member;
use studio_model::tenure::Tenure;
use studio_schema::Xp;

/// The `members` rows of `keys` that exist.
///
/// # Errors
/// The database is unreachable.
pub async fn load(
    conn: &mut PgConnection,
    keys: &[MemberKey],
) -> Result<Vec<(MemberKey, MemberRow)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (guilds, users) = (column(keys, |k| k.0), column(keys, |k| k.1));
    let found = sqlx::query!(
        "SELECT m.guild_id, m.user_id, xp, message_xp, messages, bot, present,
                tenure_completed_secs, stint_since, first_seen_at, last_seq, reputation,
                seen, last_rewarded_at, rank
         FROM members m JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, user_id)
           ON m.guild_id = k.guild_id AND m.user_id = k.user_id",
        &guilds,
        &users
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(found
        .into_iter()
        .map(|r| {
            let row = MemberRow {
                entity: Member {
                    xp: Xp(r.xp),
                    last_rewarded_at: r.last_rewarded_at,
                    bot: r.bot,
                    seen: r.seen,
                    present: r.present,
                    tenure: Tenure {
                        completed_secs: r.tenure_completed_secs,
                        since: r.stint_since,
                    },
                    reputation: r.reputation,
                    rank: r.rank.and_then(|rank| rank.parse().ok()),
                },
                view: MemberView {
                    message_xp: r.message_xp,
                    messages: r.messages,
                    first_seen_at: r.first_seen_at,
                    last_seq: r.last_seq,
                },
            };
            ((r.guild_id, r.user_id), row)
        })
        .collect())
}

/// The `xp_weekly` rows of `keys` that exist: each week's XP.
///
/// # Errors
/// The database is unreachable.
pub async fn load_weekly(
    conn: &mut PgConnection,
    keys: &[WeekKey],
) -> Result<Vec<(WeekKey, i64)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (guilds, weeks, users) = (
        column(keys, |k| k.0),
        column(keys, |k| k.1),
        column(keys, |k| k.2),
    );
    let found = sqlx::query!(
        "SELECT w.guild_id, w.week_start, w.user_id, xp
         FROM xp_weekly w
         JOIN UNNEST($1::bigint[], $2::date[], $3::bigint[]) AS k(guild_id, week_start, user_id)
           ON w.guild_id = k.guild_id AND w.week_start = k.week_start AND w.user_id = k.user_id",
        &guilds,
        &weeks,
        &users
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(found
        .into_iter()
        .map(|r| ((r.guild_id, r.week_start, r.user_id), r.xp))
        .collect())
}

/// The `xp_monthly` rows of `keys` that exist: each month's XP.
///
/// # Errors
/// The database is unreachable.
pub async fn load_monthly(
    conn: &mut PgConnection,
    keys: &[MonthKey],
) -> Result<Vec<(MonthKey, i64)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (guilds, months, users) = (
        column(keys, |k| k.0),
        column(keys, |k| k.1),
        column(keys, |k| k.2),
    );
    let found = sqlx::query!(
        "SELECT m.guild_id, m.month_start, m.user_id, xp
         FROM xp_monthly m
         JOIN UNNEST($1::bigint[], $2::date[], $3::bigint[]) AS k(guild_id, month_start, user_id)
           ON m.guild_id = k.guild_id AND m.month_start = k.month_start AND m.user_id = k.user_id",
        &guilds,
        &months,
        &users
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(found
        .into_iter()
        .map(|r| ((r.guild_id, r.month_start, r.user_id), r.xp))
        .collect())
}

/// Inserts or replaces `members`, `xp_weekly` and `xp_monthly` rows, in one statement: a batch of
/// messages changes all three, and the live tail's lag is made of its round trips.
///
/// # Errors
/// The database is unreachable.
pub async fn write(
    conn: &mut PgConnection,
    rows: &[(&MemberKey, &MemberRow)],
    weekly: &[(&WeekKey, &i64)],
    monthly: &[(&MonthKey, &i64)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() && weekly.is_empty() && monthly.is_empty() {
        return Ok(());
    }
    // Every data-modifying WITH runs whether or not the final SELECT reads it.
    sqlx::query!(
        "WITH written_members AS (
             INSERT INTO members (guild_id, user_id, xp, message_xp, messages, bot, present,
                                  tenure_completed_secs, stint_since, first_seen_at, last_seq,
                                  reputation, seen, last_rewarded_at, rank)
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],
                                  $5::bigint[], $6::boolean[], $7::boolean[], $8::bigint[],
                                  $9::timestamptz[], $10::timestamptz[], $11::bigint[],
                                  $12::bigint[], $13::boolean[], $14::timestamptz[], $15::text[])
             ON CONFLICT (guild_id, user_id) DO UPDATE SET
                 xp = EXCLUDED.xp, message_xp = EXCLUDED.message_xp,
                 messages = EXCLUDED.messages, bot = EXCLUDED.bot, present = EXCLUDED.present,
                 tenure_completed_secs = EXCLUDED.tenure_completed_secs,
                 stint_since = EXCLUDED.stint_since, first_seen_at = EXCLUDED.first_seen_at,
                 last_seq = EXCLUDED.last_seq, reputation = EXCLUDED.reputation,
                 seen = EXCLUDED.seen, last_rewarded_at = EXCLUDED.last_rewarded_at,
                 rank = EXCLUDED.rank
         ), written_weeks AS (
             INSERT INTO xp_weekly (guild_id, week_start, user_id, xp)
             SELECT * FROM UNNEST($16::bigint[], $17::date[], $18::bigint[], $19::bigint[])
             ON CONFLICT (guild_id, week_start, user_id) DO UPDATE SET xp = EXCLUDED.xp
         ), written_months AS (
             INSERT INTO xp_monthly (guild_id, month_start, user_id, xp)
             SELECT * FROM UNNEST($20::bigint[], $21::date[], $22::bigint[], $23::bigint[])
             ON CONFLICT (guild_id, month_start, user_id) DO UPDATE SET xp = EXCLUDED.xp
         )
         SELECT 1 AS written",
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1),
        &column(rows, |(_, r)| r.entity.xp.0),
        &column(rows, |(_, r)| r.view.message_xp),
        &column(rows, |(_, r)| r.view.messages),
        &column(rows, |(_, r)| r.entity.bot),
        &column(rows, |(_, r)| r.entity.present),
        &column(rows, |(_, r)| r.entity.tenure.completed_secs),
        &column(rows, |(_, r)| r.entity.tenure.since) as &[Option<chrono::DateTime<chrono::Utc>>],
        &column(rows, |(_, r)| r.view.first_seen_at),
        &column(rows, |(_, r)| r.view.last_seq),
        &column(rows, |(_, r)| r.entity.reputation),
        &column(rows, |(_, r)| r.entity.seen),
        &column(rows, |(_, r)| r.entity.last_rewarded_at)
            as &[Option<chrono::DateTime<chrono::Utc>>],
        &column(rows, |(_, r)| r.entity.rank.map(|rank| rank.to_string())) as &[Option<String>],
        &column(weekly, |(k, _)| k.0),
        &column(weekly, |(k, _)| k.1),
        &column(weekly, |(k, _)| k.2),
        &column(weekly, |(_, xp)| **xp),
        &column(monthly, |(k, _)| k.0),
        &column(monthly, |(k, _)| k.1),
        &column(monthly, |(k, _)| k.2),
        &column(monthly, |(_, xp)| **xp),
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts new `xp_adjustments` rows.
///
/// # Errors
/// The database is unreachable, or a row exists already.
pub async fn write_adjustments(
    conn: &mut PgConnection,
    rows: &[(&AdjustmentKey, &Adjustment)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO xp_adjustments (guild_id, guild_seq, user_id, change, reason, by_user, at)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],
                              $5::text[], $6::bigint[], $7::timestamptz[])",
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1),
        &column(rows, |(_, r)| r.user_id),
        &column(rows, |(_, r)| r.change),
        &column(rows, |(_, r)| r.reason.clone()),
        &column(rows, |(_, r)| r.by_user),
        &column(rows, |(_, r)| r.at),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
