//! `profiles`.

use super::{Tx, column};
use crate::fold::{ProfileRow, Rows};

pub(super) async fn write(tx: &mut Tx<'_>, rows: &Rows) -> Result<(), sqlx::Error> {
    if rows.profiles.is_empty() {
        return Ok(());
    }
    let p: Vec<(&(i64, i64), &ProfileRow)> = rows.profiles.iter().collect();
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
    .bind(column(&p, |(_, r)| r.role.clone()))
    .bind(column(&p, |(_, r)| r.years))
    .bind(column(&p, |(_, r)| r.skills.clone()))
    .bind(column(&p, |(_, r)| r.links.clone()))
    .bind(column(&p, |(_, r)| r.open_to_work))
    .bind(column(&p, |(_, r)| r.updated_seq))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
