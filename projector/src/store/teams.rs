//! `teams` and `team_members`.

use super::{Tx, column, present};
use crate::fold::{Keys, MilestoneView, Rows, TeamRow};
use sqlx::Row;

pub(super) async fn load(tx: &mut Tx<'_>, keys: &Keys, rows: &mut Rows) -> Result<(), sqlx::Error> {
    if keys.teams.is_empty() {
        return Ok(());
    }
    let found = sqlx::query(
        "SELECT t.guild_id, t.team_id, name, description, open, owner, members, milestones::text,
                status, updated_seq
         FROM teams t
         JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, team_id)
           ON t.guild_id = k.guild_id AND t.team_id = k.team_id",
    )
    .bind(column(&keys.teams, |k| k.0))
    .bind(column(&keys.teams, |k| k.1))
    .fetch_all(&mut **tx)
    .await?;
    for r in found {
        let milestones: String = r.try_get("milestones")?;
        let milestones: Vec<MilestoneView> =
            serde_json::from_str(&milestones).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        rows.teams.insert(
            (r.try_get("guild_id")?, r.try_get("team_id")?),
            Some(TeamRow {
                name: r.try_get("name")?,
                description: r.try_get("description")?,
                open: r.try_get("open")?,
                owner: r.try_get("owner")?,
                members: r.try_get("members")?,
                milestones,
                status: r.try_get("status")?,
                updated_seq: r.try_get("updated_seq")?,
            }),
        );
    }
    Ok(())
}

pub(super) async fn write(tx: &mut Tx<'_>, rows: &Rows) -> Result<(), sqlx::Error> {
    let t = present(&rows.teams);
    if !t.is_empty() {
        let milestones = |r: &TeamRow| serde_json::to_string(&r.milestones).unwrap_or_default();
        sqlx::query(
            "INSERT INTO teams (guild_id, team_id, name, description, open, owner, members,
                                milestones, progress, status, updated_seq)
             SELECT g, t, n, d, o, ow, m, ms::jsonb, p, s, u
             FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::boolean[],
                         $6::bigint[], $7::bigint[], $8::text[], $9::bigint[], $10::text[],
                         $11::bigint[]) AS x(g, t, n, d, o, ow, m, ms, p, s, u)
             ON CONFLICT (guild_id, team_id) DO UPDATE SET
                 name = EXCLUDED.name, description = EXCLUDED.description, open = EXCLUDED.open,
                 owner = EXCLUDED.owner, members = EXCLUDED.members,
                 milestones = EXCLUDED.milestones, progress = EXCLUDED.progress,
                 status = EXCLUDED.status, updated_seq = EXCLUDED.updated_seq",
        )
        .bind(column(&t, |(k, _)| k.0))
        .bind(column(&t, |(k, _)| k.1))
        .bind(column(&t, |(_, r)| r.name.clone()))
        .bind(column(&t, |(_, r)| r.description.clone()))
        .bind(column(&t, |(_, r)| r.open))
        .bind(column(&t, |(_, r)| r.owner))
        .bind(column(&t, |(_, r)| r.members))
        .bind(column(&t, |(_, r)| milestones(r)))
        .bind(column(&t, |(_, r)| r.progress()))
        .bind(column(&t, |(_, r)| r.status.clone()))
        .bind(column(&t, |(_, r)| r.updated_seq))
        .execute(&mut **tx)
        .await?;
    }
    let (joined, left): (Vec<_>, Vec<_>) = rows.team_members.iter().partition(|(_, j)| **j);
    if !joined.is_empty() {
        sqlx::query(
            "INSERT INTO team_members (guild_id, team_id, user_id)
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[])
             ON CONFLICT DO NOTHING",
        )
        .bind(column(&joined, |(k, _)| k.0))
        .bind(column(&joined, |(k, _)| k.1))
        .bind(column(&joined, |(k, _)| k.2))
        .execute(&mut **tx)
        .await?;
    }
    if !left.is_empty() {
        sqlx::query(
            "DELETE FROM team_members m
             USING UNNEST($1::bigint[], $2::bigint[], $3::bigint[]) AS k(guild_id, team_id, user_id)
             WHERE m.guild_id = k.guild_id AND m.team_id = k.team_id AND m.user_id = k.user_id",
        )
        .bind(column(&left, |(k, _)| k.0))
        .bind(column(&left, |(k, _)| k.1))
        .bind(column(&left, |(k, _)| k.2))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
