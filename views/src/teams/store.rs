//! The projector's loads and writes of `teams` and `team_members`.

use super::{MilestoneView, TeamKey, TeamMemberKey, TeamRow};
use crate::row::{column, id_array, json};
use sqlx::PgConnection;
use sqlx::types::Json;
use std::collections::BTreeSet;
use studio_model::team::{Milestone, Team};
use studio_schema::{Credits, UserId};

fn users(ids: Vec<i64>) -> BTreeSet<UserId> {
    ids.into_iter().map(UserId).collect()
}

fn ids(users: &BTreeSet<UserId>) -> String {
    id_array(users.iter().map(|u| u.0))
}

/// The `teams` rows of `keys` that exist.
///
/// # Errors
/// The database is unreachable, or a row does not decode.
pub async fn load(
    conn: &mut PgConnection,
    keys: &[TeamKey],
) -> Result<Vec<(TeamKey, TeamRow)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (guilds, teams) = (column(keys, |k| k.0), column(keys, |k| k.1));
    let found = sqlx::query!(
        r#"SELECT t.guild_id, t.team_id, name, description, open, owner, member_ids, invited,
                  requested, milestones AS "milestones: Json<Vec<MilestoneView>>", status,
                  updated_seq
           FROM teams t
           JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, team_id)
             ON t.guild_id = k.guild_id AND t.team_id = k.team_id"#,
        &guilds,
        &teams
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(found
        .into_iter()
        .map(|r| {
            let milestones = r.milestones.0.into_iter().map(|m| {
                let milestone = Milestone {
                    title: m.title,
                    reward: Credits(m.reward),
                    done: m.done,
                };
                (m.id, milestone)
            });
            let row = TeamRow {
                entity: Team {
                    name: r.name,
                    description: r.description,
                    owner: UserId(r.owner),
                    open: r.open,
                    members: users(r.member_ids),
                    invited: users(r.invited),
                    requested: users(r.requested),
                    milestones: milestones.collect(),
                    disbanded: r.status == "disbanded",
                },
                view: r.updated_seq,
            };
            ((r.guild_id, r.team_id), row)
        })
        .collect())
}

/// The milestones as the view lists them.
fn milestones(team: &Team) -> Vec<MilestoneView> {
    team.milestones
        .iter()
        .map(|(id, m)| MilestoneView {
            id: *id,
            title: m.title.clone(),
            reward: m.reward.0,
            done: m.done,
        })
        .collect()
}

/// Inserts or replaces `teams` rows.
///
/// # Errors
/// The database is unreachable.
pub async fn write(
    conn: &mut PgConnection,
    rows: &[(&TeamKey, &TeamRow)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let listed = rows
        .iter()
        .map(|(_, r)| json(&milestones(&r.entity)))
        .collect::<Result<Vec<_>, _>>()?;
    sqlx::query!(
        "INSERT INTO teams (guild_id, team_id, name, description, open, owner, members,
                            member_ids, invited, requested, milestones, progress, status,
                            updated_seq)
         SELECT g, t, n, d, o, ow, cardinality(m::bigint[]), m::bigint[], i::bigint[],
                r::bigint[], ms, p, s, u
         FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::boolean[],
                     $6::bigint[], $7::text[], $8::text[], $9::text[], $10::jsonb[],
                     $11::bigint[], $12::text[], $13::bigint[])
              AS x(g, t, n, d, o, ow, m, i, r, ms, p, s, u)
         ON CONFLICT (guild_id, team_id) DO UPDATE SET
             name = EXCLUDED.name, description = EXCLUDED.description, open = EXCLUDED.open,
             owner = EXCLUDED.owner, members = EXCLUDED.members,
             member_ids = EXCLUDED.member_ids, invited = EXCLUDED.invited,
             requested = EXCLUDED.requested, milestones = EXCLUDED.milestones,
             progress = EXCLUDED.progress, status = EXCLUDED.status,
             updated_seq = EXCLUDED.updated_seq",
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1),
        &column(rows, |(_, r)| r.entity.name.clone()),
        &column(rows, |(_, r)| r.entity.description.clone()),
        &column(rows, |(_, r)| r.entity.open),
        &column(rows, |(_, r)| r.entity.owner.0),
        &column(rows, |(_, r)| ids(&r.entity.members)),
        &column(rows, |(_, r)| ids(&r.entity.invited)),
        &column(rows, |(_, r)| ids(&r.entity.requested)),
        &listed,
        &column(rows, |(_, r)| i64::from(r.entity.progress())),
        &column(rows, |(_, r)| {
            if r.entity.disbanded {
                "disbanded".to_owned()
            } else {
                "active".to_owned()
            }
        }),
        &column(rows, |(_, r)| r.view),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Adds `team_members` rows (those present already stay).
///
/// # Errors
/// The database is unreachable.
pub async fn join(conn: &mut PgConnection, keys: &[TeamMemberKey]) -> Result<(), sqlx::Error> {
    if keys.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO team_members (guild_id, team_id, user_id)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[])
         ON CONFLICT DO NOTHING",
        &column(keys, |k| k.0),
        &column(keys, |k| k.1),
        &column(keys, |k| k.2),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes `team_members` rows.
///
/// # Errors
/// The database is unreachable.
pub async fn leave(conn: &mut PgConnection, keys: &[TeamMemberKey]) -> Result<(), sqlx::Error> {
    if keys.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "DELETE FROM team_members m
         USING UNNEST($1::bigint[], $2::bigint[], $3::bigint[]) AS k(guild_id, team_id, user_id)
         WHERE m.guild_id = k.guild_id AND m.team_id = k.team_id AND m.user_id = k.user_id",
        &column(keys, |k| k.0),
        &column(keys, |k| k.1),
        &column(keys, |k| k.2),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
