//! `commissions`.

use super::{Tx, column, present};
use crate::fold::{CommissionRow, Keys, Rows};
use sqlx::Row;

pub(super) async fn load(tx: &mut Tx<'_>, keys: &Keys, rows: &mut Rows) -> Result<(), sqlx::Error> {
    if keys.commissions.is_empty() {
        return Ok(());
    }
    let found = sqlx::query(
        "SELECT c.guild_id, c.commission_id, client, developer, amount, description, deadline,
                status, escrow, released, fee, auto_release_at, updated_at
         FROM commissions c
         JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, commission_id)
           ON c.guild_id = k.guild_id AND c.commission_id = k.commission_id",
    )
    .bind(column(&keys.commissions, |k| k.0))
    .bind(column(&keys.commissions, |k| k.1))
    .fetch_all(&mut **tx)
    .await?;
    for r in found {
        rows.commissions.insert(
            (r.try_get("guild_id")?, r.try_get("commission_id")?),
            Some(CommissionRow {
                client: r.try_get("client")?,
                developer: r.try_get("developer")?,
                amount: r.try_get("amount")?,
                description: r.try_get("description")?,
                deadline: r.try_get("deadline")?,
                status: r.try_get("status")?,
                escrow: r.try_get("escrow")?,
                released: r.try_get("released")?,
                fee: r.try_get("fee")?,
                auto_release_at: r.try_get("auto_release_at")?,
                updated_at: r.try_get("updated_at")?,
            }),
        );
    }
    Ok(())
}

pub(super) async fn write(tx: &mut Tx<'_>, rows: &Rows) -> Result<(), sqlx::Error> {
    let c = present(&rows.commissions);
    if c.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO commissions (guild_id, commission_id, client, developer, amount, description,
                                  deadline, status, escrow, released, fee, auto_release_at,
                                  updated_at)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[],
                              $6::text[], $7::timestamptz[], $8::text[], $9::bigint[],
                              $10::bigint[], $11::bigint[], $12::timestamptz[], $13::timestamptz[])
         ON CONFLICT (guild_id, commission_id) DO UPDATE SET
             client = EXCLUDED.client, developer = EXCLUDED.developer, amount = EXCLUDED.amount,
             description = EXCLUDED.description, deadline = EXCLUDED.deadline,
             status = EXCLUDED.status, escrow = EXCLUDED.escrow, released = EXCLUDED.released,
             fee = EXCLUDED.fee, auto_release_at = EXCLUDED.auto_release_at,
             updated_at = EXCLUDED.updated_at",
    )
    .bind(column(&c, |(k, _)| k.0))
    .bind(column(&c, |(k, _)| k.1))
    .bind(column(&c, |(_, r)| r.client))
    .bind(column(&c, |(_, r)| r.developer))
    .bind(column(&c, |(_, r)| r.amount))
    .bind(column(&c, |(_, r)| r.description.clone()))
    .bind(column(&c, |(_, r)| r.deadline))
    .bind(column(&c, |(_, r)| r.status.clone()))
    .bind(column(&c, |(_, r)| r.escrow))
    .bind(column(&c, |(_, r)| r.released))
    .bind(column(&c, |(_, r)| r.fee))
    .bind(column(&c, |(_, r)| r.auto_release_at))
    .bind(column(&c, |(_, r)| r.updated_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
