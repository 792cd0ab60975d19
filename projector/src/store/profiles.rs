//! `profiles`.

use super::{Tx, column, present};
use crate::fold::{Keys, ProfileRow, Rows};
use sqlx::Row;
use studio_model::profile::Profile;

pub(super) async fn load(tx: &mut Tx<'_>, keys: &Keys, rows: &mut Rows) -> Result<(), sqlx::Error> {
    if keys.profiles.is_empty() {
        return Ok(());
    }
    let found = sqlx::query(
        "SELECT p.guild_id, p.user_id, role, years, skills, links, open_to_work, updated_seq
         FROM profiles p
         JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, user_id)
           ON p.guild_id = k.guild_id AND p.user_id = k.user_id",
    )
    .bind(column(&keys.profiles, |k| k.0))
    .bind(column(&keys.profiles, |k| k.1))
    .fetch_all(&mut **tx)
    .await?;
    for r in found {
        rows.profiles.insert(
            (r.try_get("guild_id")?, r.try_get("user_id")?),
            Some(ProfileRow {
                entity: Profile {
                    role: r.try_get("role")?,
                    years: r.try_get("years")?,
                    skills: r.try_get("skills")?,
                    links: r.try_get("links")?,
                    open_to_work: r.try_get("open_to_work")?,
                },
                view: r.try_get("updated_seq")?,
            }),
        );
    }
    Ok(())
}

pub(super) async fn write(tx: &mut Tx<'_>, rows: &Rows) -> Result<(), sqlx::Error> {
    let p = present(&rows.profiles);
    if p.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO profiles (guild_id, user_id, role, years, skills, links, open_to_work,
                               updated_seq)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[],
                              $6::text[], $7::boolean[], $8::bigint[])
         ON CONFLICT (guild_id, user_id) DO UPDATE SET
             role = EXCLUDED.role, years = EXCLUDED.years, skills = EXCLUDED.skills,
             links = EXCLUDED.links, open_to_work = EXCLUDED.open_to_work,
             updated_seq = EXCLUDED.updated_seq",
    )
    .bind(column(&p, |(k, _)| k.0))
    .bind(column(&p, |(k, _)| k.1))
    .bind(column(&p, |(_, r)| r.entity.role.clone()))
    .bind(column(&p, |(_, r)| r.entity.years))
    .bind(column(&p, |(_, r)| r.entity.skills.clone()))
    .bind(column(&p, |(_, r)| r.entity.links.clone()))
    .bind(column(&p, |(_, r)| r.entity.open_to_work))
    .bind(column(&p, |(_, r)| r.view))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
