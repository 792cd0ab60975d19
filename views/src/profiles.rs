//! `profiles`: what members say about themselves (the model's profile); the projector's load and
//! write of it, a member's saved profile, and `/find`'s search.

use crate::Row;
use crate::row::column;
use sqlx::{PgConnection, PgPool};
use studio_model::profile::Profile;
use studio_schema::{GuildId, UserId};

pub const DDL: &str = include_str!("profiles.sql");

/// `(guild, user)`: the key of a `profiles` row.
pub type ProfileKey = (i64, i64);

/// A row of `profiles`: the model's profile, and the seq it was saved at.
pub type ProfileRow = Row<Profile, i64>;

/// The `profiles` rows of `keys` that exist.
///
/// # Errors
/// The database is unreachable.
pub async fn load(
    conn: &mut PgConnection,
    keys: &[ProfileKey],
) -> Result<Vec<(ProfileKey, ProfileRow)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (guilds, users) = (column(keys, |k| k.0), column(keys, |k| k.1));
    let found = sqlx::query!(
        "SELECT p.guild_id, p.user_id, role, years, skills, links, open_to_work, updated_seq
         FROM profiles p
         JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, user_id)
           ON p.guild_id = k.guild_id AND p.user_id = k.user_id",
        &guilds,
        &users
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(found
        .into_iter()
        .map(|r| {
            let row = ProfileRow {
                entity: Profile {
                    role: r.role,
                    years: r.years,
                    skills: r.skills,
                    links: r.links,
                    open_to_work: r.open_to_work,
                },
                view: r.updated_seq,
            };
            ((r.guild_id, r.user_id), row)
        })
        .collect())
}

/// Inserts or replaces `profiles` rows.
///
/// # Errors
/// The database is unreachable.
pub async fn write(
    conn: &mut PgConnection,
    rows: &[(&ProfileKey, &ProfileRow)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO profiles (guild_id, user_id, role, years, skills, links, open_to_work,
                               updated_seq)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[],
                              $6::text[], $7::boolean[], $8::bigint[])
         ON CONFLICT (guild_id, user_id) DO UPDATE SET
             role = EXCLUDED.role, years = EXCLUDED.years, skills = EXCLUDED.skills,
             links = EXCLUDED.links, open_to_work = EXCLUDED.open_to_work,
             updated_seq = EXCLUDED.updated_seq",
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1),
        &column(rows, |(_, r)| r.entity.role.clone()),
        &column(rows, |(_, r)| r.entity.years),
        &column(rows, |(_, r)| r.entity.skills.clone()),
        &column(rows, |(_, r)| r.entity.links.clone()),
        &column(rows, |(_, r)| r.entity.open_to_work),
        &column(rows, |(_, r)| r.view),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A member's profile as saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileSummary {
    pub user_id: i64,
    pub role: String,
    pub years: i64,
    pub skills: String,
    pub links: String,
    pub open_to_work: bool,
}

/// A `/find` match, with what ranks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub user_id: i64,
    pub role: String,
    pub years: i64,
    pub skills: String,
    pub reputation: i64,
    pub xp: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
}

/// A member's profile, if they set one up.
///
/// # Errors
/// The database is unreachable.
pub async fn saved(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
) -> Result<Option<ProfileSummary>, sqlx::Error> {
    sqlx::query_as!(
        ProfileSummary,
        "SELECT user_id, role, years, skills, links, open_to_work
         FROM views.profiles WHERE guild_id = $1 AND user_id = $2",
        guild.0,
        user.0
    )
    .fetch_optional(pool)
    .await
}

/// Members present and open to work in `role` with at least `min_years`, most relevant first
/// (experience, then reputation, then rating, then XP), `limit` from `offset`; and how many match.
///
/// # Errors
/// The database is unreachable.
pub async fn find(
    pool: &PgPool,
    guild: GuildId,
    role: &str,
    min_years: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Match>, i64), sqlx::Error> {
    let rows = sqlx::query_as!(
        Match,
        r#"SELECT p.user_id, p.role, p.years, p.skills,
                  coalesce(m.reputation, 0) AS "reputation!", coalesce(m.xp, 0) AS "xp!",
                  coalesce(r.rating_sum, 0)::bigint AS "rating_sum!",
                  coalesce(r.rating_count, 0)::bigint AS "rating_count!"
           FROM views.profiles p
           LEFT JOIN views.members m ON m.guild_id = p.guild_id AND m.user_id = p.user_id
           LEFT JOIN (SELECT seller, sum(rating_sum) AS rating_sum,
                             sum(rating_count) AS rating_count
                      FROM views.listings WHERE guild_id = $1 GROUP BY seller) r
             ON r.seller = p.user_id
           WHERE p.guild_id = $1 AND p.role = $2 AND p.open_to_work AND p.years >= $3
             AND coalesce(m.present, true)
           ORDER BY p.years DESC, coalesce(m.reputation, 0) DESC,
                    (coalesce(r.rating_sum, 0)::float8 / greatest(coalesce(r.rating_count, 0), 1))
                        DESC,
                    coalesce(m.xp, 0) DESC, p.user_id
           LIMIT $4 OFFSET $5"#,
        guild.0,
        role,
        min_years,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM views.profiles p
           LEFT JOIN views.members m ON m.guild_id = p.guild_id AND m.user_id = p.user_id
           WHERE p.guild_id = $1 AND p.role = $2 AND p.open_to_work AND p.years >= $3
             AND coalesce(m.present, true)"#,
        guild.0,
        role,
        min_years
    )
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}
