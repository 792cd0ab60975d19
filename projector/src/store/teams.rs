//! `teams` and `team_members`.

use super::{Tx, column, present};
use crate::fold::{Keys, MilestoneView, Rows, TeamRow};
use sqlx::Row;
use std::collections::BTreeSet;
use studio_model::team::{Milestone, Team};
use studio_schema::{Credits, UserId};

fn users(ids: Vec<i64>) -> BTreeSet<UserId> {
    ids.into_iter().map(UserId).collect()
}

fn ids(users: &BTreeSet<UserId>) -> Vec<i64> {
    users.iter().map(|u| u.0).collect()
}

pub(super) async fn load(tx: &mut Tx<'_>, keys: &Keys, rows: &mut Rows) -> Result<(), sqlx::Error> {
    if keys.teams.is_empty() {
        return Ok(());
    }
    let found = sqlx::query(
        "SELECT t.guild_id, t.team_id, name, description, open, owner, member_ids, invited,
                requested, milestones::text, status, updated_seq
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
        let status: String = r.try_get("status")?;
        rows.teams.insert(
            (r.try_get("guild_id")?, r.try_get("team_id")?),
            Some(TeamRow {
                entity: Team {
                    name: r.try_get("name")?,
                    description: r.try_get("description")?,
                    owner: UserId(r.try_get("owner")?),
                    open: r.try_get("open")?,
                    members: users(r.try_get("member_ids")?),
                    invited: users(r.try_get("invited")?),
                    requested: users(r.try_get("requested")?),
                    milestones: milestones
                        .into_iter()
                        .map(|m| {
                            (
                                m.id,
                                Milestone {
                                    title: m.title,
                                    reward: Credits(m.reward),
                                    done: m.done,
                                },
                            )
                        })
                        .collect(),
                    disbanded: status == "disbanded",
                },
                view: r.try_get("updated_seq")?,
            }),
        );
    }
    Ok(())
}

/// The milestones as the view lists them.
fn milestones(team: &Team) -> String {
    let list: Vec<MilestoneView> = team
        .milestones
        .iter()
        .map(|(id, m)| MilestoneView {
            id: *id,
            title: m.title.clone(),
            reward: m.reward.0,
            done: m.done,
        })
        .collect();
    serde_json::to_string(&list).unwrap_or_default()
}

pub(super) async fn write(tx: &mut Tx<'_>, rows: &Rows) -> Result<(), sqlx::Error> {
    let t = present(&rows.teams);
    if !t.is_empty() {
        sqlx::query(
            "INSERT INTO teams (guild_id, team_id, name, description, open, owner, members,
                                member_ids, invited, requested, milestones, progress, status,
                                updated_seq)
             SELECT g, t, n, d, o, ow, cardinality(m::bigint[]), m::bigint[], i::bigint[],
                    r::bigint[], ms::jsonb, p, s, u
             FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::boolean[],
                         $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[],
                         $11::bigint[], $12::text[], $13::bigint[])
                  AS x(g, t, n, d, o, ow, m, i, r, ms, p, s, u)
             ON CONFLICT (guild_id, team_id) DO UPDATE SET
                 name = EXCLUDED.name, description = EXCLUDED.description, open = EXCLUDED.open,
                 owner = EXCLUDED.owner, members = EXCLUDED.members,
                 member_ids = EXCLUDED.member_ids, invited = EXCLUDED.invited,
                 requested = EXCLUDED.requested, milestones = EXCLUDED.milestones,
                 progress = EXCLUDED.progress, status = EXCLUDED.status,
                 updated_seq = EXCLUDED.updated_seq",
        )
        .bind(column(&t, |(k, _)| k.0))
        .bind(column(&t, |(k, _)| k.1))
        .bind(column(&t, |(_, r)| r.entity.name.clone()))
        .bind(column(&t, |(_, r)| r.entity.description.clone()))
        .bind(column(&t, |(_, r)| r.entity.open))
        .bind(column(&t, |(_, r)| r.entity.owner.0))
        .bind(column(&t, |(_, r)| array(&ids(&r.entity.members))))
        .bind(column(&t, |(_, r)| array(&ids(&r.entity.invited))))
        .bind(column(&t, |(_, r)| array(&ids(&r.entity.requested))))
        .bind(column(&t, |(_, r)| milestones(&r.entity)))
        .bind(column(&t, |(_, r)| i64::from(r.entity.progress())))
        .bind(column(&t, |(_, r)| {
            if r.entity.disbanded {
                "disbanded"
            } else {
                "active"
            }
        }))
        .bind(column(&t, |(_, r)| r.view))
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

/// A set of ids as a Postgres array literal (`{1,2,3}`): UNNEST cannot take an array of arrays
/// of different lengths, so each row's ids travel as text.
pub(super) fn array(ids: &[i64]) -> String {
    let inner: Vec<String> = ids.iter().map(ToString::to_string).collect();
    format!("{{{}}}", inner.join(","))
}
