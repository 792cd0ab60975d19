//! `members`, `xp_weekly` and `xp_adjustments`.

use super::{Tx, column, present};
use crate::fold::{Adjustment, Keys, MemberRow, MemberView, Rows};
use chrono::NaiveDate;
use sqlx::Row;
use studio_model::member::Member;
use studio_model::tenure::Tenure;
use studio_schema::Xp;

pub(super) async fn load(tx: &mut Tx<'_>, keys: &Keys, rows: &mut Rows) -> Result<(), sqlx::Error> {
    if !keys.members.is_empty() {
        let found = sqlx::query(
            "SELECT m.guild_id, m.user_id, xp, message_xp, messages, bot, present,
                    tenure_completed_secs, stint_since, first_seen_at, last_seq, reputation,
                    seen, last_rewarded_at, rank
             FROM members m JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, user_id)
               ON m.guild_id = k.guild_id AND m.user_id = k.user_id",
        )
        .bind(column(&keys.members, |k| k.0))
        .bind(column(&keys.members, |k| k.1))
        .fetch_all(&mut **tx)
        .await?;
        for r in found {
            rows.members.insert(
                (r.try_get("guild_id")?, r.try_get("user_id")?),
                Some(MemberRow {
                    entity: Member {
                        xp: Xp(r.try_get("xp")?),
                        last_rewarded_at: r.try_get("last_rewarded_at")?,
                        bot: r.try_get("bot")?,
                        seen: r.try_get("seen")?,
                        present: r.try_get("present")?,
                        tenure: Tenure {
                            completed_secs: r.try_get("tenure_completed_secs")?,
                            since: r.try_get("stint_since")?,
                        },
                        reputation: r.try_get("reputation")?,
                        rank: r
                            .try_get::<Option<String>, _>("rank")?
                            .and_then(|rank| rank.parse().ok()),
                    },
                    view: MemberView {
                        message_xp: r.try_get("message_xp")?,
                        messages: r.try_get("messages")?,
                        first_seen_at: r.try_get("first_seen_at")?,
                        last_seq: r.try_get("last_seq")?,
                    },
                }),
            );
        }
    }
    if !keys.weekly.is_empty() {
        let found = sqlx::query(
            "SELECT w.guild_id, w.week_start, w.user_id, xp
             FROM xp_weekly w
             JOIN UNNEST($1::bigint[], $2::date[], $3::bigint[]) AS k(guild_id, week_start, user_id)
               ON w.guild_id = k.guild_id AND w.week_start = k.week_start AND w.user_id = k.user_id",
        )
        .bind(column(&keys.weekly, |k| k.0))
        .bind(column(&keys.weekly, |k| k.1))
        .bind(column(&keys.weekly, |k| k.2))
        .fetch_all(&mut **tx)
        .await?;
        for r in found {
            rows.weekly.insert(
                (
                    r.try_get("guild_id")?,
                    r.try_get::<NaiveDate, _>("week_start")?,
                    r.try_get("user_id")?,
                ),
                r.try_get("xp")?,
            );
        }
    }
    Ok(())
}

pub(super) async fn write(tx: &mut Tx<'_>, rows: &Rows) -> Result<(), sqlx::Error> {
    let m: Vec<(&(i64, i64), &MemberRow)> = present(&rows.members);
    if !m.is_empty() {
        sqlx::query(
            "INSERT INTO members (guild_id, user_id, xp, message_xp, messages, bot, present,
                                  tenure_completed_secs, stint_since, first_seen_at, last_seq,
                                  reputation, seen, last_rewarded_at, rank)
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],
                                  $5::bigint[], $6::boolean[], $7::boolean[], $8::bigint[],
                                  $9::timestamptz[], $10::timestamptz[], $11::bigint[],
                                  $12::bigint[], $13::boolean[], $14::timestamptz[], $15::text[])
             ON CONFLICT (guild_id, user_id) DO UPDATE SET
                 xp = EXCLUDED.xp, message_xp = EXCLUDED.message_xp, messages = EXCLUDED.messages,
                 bot = EXCLUDED.bot, present = EXCLUDED.present,
                 tenure_completed_secs = EXCLUDED.tenure_completed_secs,
                 stint_since = EXCLUDED.stint_since, first_seen_at = EXCLUDED.first_seen_at,
                 last_seq = EXCLUDED.last_seq, reputation = EXCLUDED.reputation,
                 seen = EXCLUDED.seen, last_rewarded_at = EXCLUDED.last_rewarded_at,
                 rank = EXCLUDED.rank",
        )
        .bind(column(&m, |(k, _)| k.0))
        .bind(column(&m, |(k, _)| k.1))
        .bind(column(&m, |(_, r)| r.entity.xp.0))
        .bind(column(&m, |(_, r)| r.view.message_xp))
        .bind(column(&m, |(_, r)| r.view.messages))
        .bind(column(&m, |(_, r)| r.entity.bot))
        .bind(column(&m, |(_, r)| r.entity.present))
        .bind(column(&m, |(_, r)| r.entity.tenure.completed_secs))
        .bind(column(&m, |(_, r)| r.entity.tenure.since))
        .bind(column(&m, |(_, r)| r.view.first_seen_at))
        .bind(column(&m, |(_, r)| r.view.last_seq))
        .bind(column(&m, |(_, r)| r.entity.reputation))
        .bind(column(&m, |(_, r)| r.entity.seen))
        .bind(column(&m, |(_, r)| r.entity.last_rewarded_at))
        .bind(column(&m, |(_, r)| {
            r.entity.rank.map(|rank| rank.to_string())
        }))
        .execute(&mut **tx)
        .await?;
    }

    if !rows.weekly.is_empty() {
        let w: Vec<_> = rows.weekly.iter().collect();
        sqlx::query(
            "INSERT INTO xp_weekly (guild_id, week_start, user_id, xp)
             SELECT * FROM UNNEST($1::bigint[], $2::date[], $3::bigint[], $4::bigint[])
             ON CONFLICT (guild_id, week_start, user_id) DO UPDATE SET xp = EXCLUDED.xp",
        )
        .bind(column(&w, |(k, _)| k.0))
        .bind(column(&w, |(k, _)| k.1))
        .bind(column(&w, |(k, _)| k.2))
        .bind(column(&w, |(_, xp)| **xp))
        .execute(&mut **tx)
        .await?;
    }

    if !rows.adjustments.is_empty() {
        let a: Vec<(&(i64, i64), &Adjustment)> = rows.adjustments.iter().collect();
        sqlx::query(
            "INSERT INTO xp_adjustments (guild_id, guild_seq, user_id, change, reason, by_user, at)
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],
                                  $5::text[], $6::bigint[], $7::timestamptz[])",
        )
        .bind(column(&a, |(k, _)| k.0))
        .bind(column(&a, |(k, _)| k.1))
        .bind(column(&a, |(_, r)| r.user_id))
        .bind(column(&a, |(_, r)| r.change))
        .bind(column(&a, |(_, r)| r.reason.clone()))
        .bind(column(&a, |(_, r)| r.by_user))
        .bind(column(&a, |(_, r)| r.at))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
