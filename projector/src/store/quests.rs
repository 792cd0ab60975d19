//! `quests`.

use super::{Tx, column, present};
use crate::fold::{Keys, QuestRow, Rows};
use chrono::NaiveDate;
use sqlx::Row;
use studio_model::quest::{Active, QuestLog, by_code};

pub(super) async fn load(tx: &mut Tx<'_>, keys: &Keys, rows: &mut Rows) -> Result<(), sqlx::Error> {
    if keys.quests.is_empty() {
        return Ok(());
    }
    let found = sqlx::query(
        "SELECT q.guild_id, q.user_id, day, quest, progress, claimed, last_claim_day, streak,
                updated_seq
         FROM quests q
         JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, user_id)
           ON q.guild_id = k.guild_id AND q.user_id = k.user_id",
    )
    .bind(column(&keys.quests, |k| k.0))
    .bind(column(&keys.quests, |k| k.1))
    .fetch_all(&mut **tx)
    .await?;
    for r in found {
        let day: Option<NaiveDate> = r.try_get("day")?;
        let quest: Option<String> = r.try_get("quest")?;
        let progress: Option<i64> = r.try_get("progress")?;
        let claimed: Option<bool> = r.try_get("claimed")?;
        let current = match (day, quest.as_deref().and_then(by_code)) {
            (Some(day), Some(quest)) => Some(Active {
                day,
                quest,
                progress: progress.and_then(|p| u32::try_from(p).ok()).unwrap_or(0),
                claimed: claimed.unwrap_or(false),
            }),
            _ => None,
        };
        let last_day: Option<NaiveDate> = r.try_get("last_claim_day")?;
        let streak: Option<i64> = r.try_get("streak")?;
        let last_claim = last_day.zip(streak.and_then(|s| u32::try_from(s).ok()));
        rows.quests.insert(
            (r.try_get("guild_id")?, r.try_get("user_id")?),
            Some(QuestRow {
                entity: QuestLog {
                    current,
                    last_claim,
                },
                view: r.try_get("updated_seq")?,
            }),
        );
    }
    Ok(())
}

pub(super) async fn write(tx: &mut Tx<'_>, rows: &Rows) -> Result<(), sqlx::Error> {
    let q = present(&rows.quests);
    if q.is_empty() {
        return Ok(());
    }
    let current = |r: &QuestRow| r.entity.current.clone();
    sqlx::query(
        "INSERT INTO quests (guild_id, user_id, day, quest, progress, claimed, last_claim_day,
                             streak, updated_seq)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::date[], $4::text[], $5::bigint[],
                              $6::boolean[], $7::date[], $8::bigint[], $9::bigint[])
         ON CONFLICT (guild_id, user_id) DO UPDATE SET
             day = EXCLUDED.day, quest = EXCLUDED.quest, progress = EXCLUDED.progress,
             claimed = EXCLUDED.claimed, last_claim_day = EXCLUDED.last_claim_day,
             streak = EXCLUDED.streak, updated_seq = EXCLUDED.updated_seq",
    )
    .bind(column(&q, |(k, _)| k.0))
    .bind(column(&q, |(k, _)| k.1))
    .bind(column(&q, |(_, r)| current(r).map(|a| a.day)))
    .bind(column(&q, |(_, r)| {
        current(r).map(|a| a.quest.code.to_owned())
    }))
    .bind(column(&q, |(_, r)| {
        current(r).map(|a| i64::from(a.progress))
    }))
    .bind(column(&q, |(_, r)| current(r).map(|a| a.claimed)))
    .bind(column(&q, |(_, r)| r.entity.last_claim.map(|(d, _)| d)))
    .bind(column(&q, |(_, r)| {
        r.entity.last_claim.map(|(_, s)| i64::from(s))
    }))
    .bind(column(&q, |(_, r)| r.view))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
