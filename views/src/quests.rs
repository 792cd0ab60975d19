//! `quests`: each member's quest of the day, its progress and their claim streak (the model's
//! quest log); the projector's load and write of it. Answers read quests from the decider's state.

use crate::Row;
use crate::row::column;
use chrono::NaiveDate;
use sqlx::PgConnection;
use studio_model::quest::{Active, QuestLog, by_code};

pub const DDL: &str = include_str!("quests.sql");

/// `(guild, user)`: the key of a `quests` row.
pub type QuestKey = (i64, i64);

/// A row of `quests`: the model's quest log, and the seq of the last event that changed it.
pub type QuestRow = Row<QuestLog, i64>;

/// The `quests` rows of `keys` that exist.
///
/// # Errors
/// The database is unreachable.
pub async fn load(
    conn: &mut PgConnection,
    keys: &[QuestKey],
) -> Result<Vec<(QuestKey, QuestRow)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (guilds, users) = (column(keys, |k| k.0), column(keys, |k| k.1));
    let found = sqlx::query!(
        "SELECT q.guild_id, q.user_id, day, quest, progress, claimed, last_claim_day, streak,
                updated_seq
         FROM quests q
         JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, user_id)
           ON q.guild_id = k.guild_id AND q.user_id = k.user_id",
        &guilds,
        &users
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(found
        .into_iter()
        .map(|r| {
            let current = match (r.day, r.quest.as_deref().and_then(by_code)) {
                (Some(day), Some(quest)) => Some(Active {
                    day,
                    quest,
                    progress: r.progress.and_then(|p| u32::try_from(p).ok()).unwrap_or(0),
                    claimed: r.claimed.unwrap_or(false),
                }),
                _ => None,
            };
            let streak = r.streak.and_then(|s| u32::try_from(s).ok());
            let row = QuestRow {
                entity: QuestLog {
                    current,
                    last_claim: r.last_claim_day.zip(streak),
                },
                view: r.updated_seq,
            };
            ((r.guild_id, r.user_id), row)
        })
        .collect())
}

/// Inserts or replaces `quests` rows.
///
/// # Errors
/// The database is unreachable.
pub async fn write(
    conn: &mut PgConnection,
    rows: &[(&QuestKey, &QuestRow)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let current = |r: &QuestRow| r.entity.current.clone();
    sqlx::query!(
        "INSERT INTO quests (guild_id, user_id, day, quest, progress, claimed, last_claim_day,
                             streak, updated_seq)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::date[], $4::text[], $5::bigint[],
                              $6::boolean[], $7::date[], $8::bigint[], $9::bigint[])
         ON CONFLICT (guild_id, user_id) DO UPDATE SET
             day = EXCLUDED.day, quest = EXCLUDED.quest, progress = EXCLUDED.progress,
             claimed = EXCLUDED.claimed, last_claim_day = EXCLUDED.last_claim_day,
             streak = EXCLUDED.streak, updated_seq = EXCLUDED.updated_seq",
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1),
        &column(rows, |(_, r)| current(r).map(|a| a.day)) as &[Option<NaiveDate>],
        &column(rows, |(_, r)| current(r).map(|a| a.quest.code.to_owned())) as &[Option<String>],
        &column(rows, |(_, r)| current(r).map(|a| i64::from(a.progress))) as &[Option<i64>],
        &column(rows, |(_, r)| current(r).map(|a| a.claimed)) as &[Option<bool>],
        &column(rows, |(_, r)| r.entity.last_claim.map(|(d, _)| d)) as &[Option<NaiveDate>],
        &column(rows, |(_, r)| r
            .entity
            .last_claim
            .map(|(_, s)| i64::from(s))) as &[Option<i64>],
        &column(rows, |(_, r)| r.view),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
