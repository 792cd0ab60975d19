//! `commissions`.

use super::{Tx, column, present};
use crate::fold::{CommissionRow, CommissionView, Keys, Rows};
use sqlx::Row;
use studio_model::commission::{Commission, CommissionStatus};
use studio_schema::{Credits, UserId};

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
        let status: String = r.try_get("status")?;
        let status =
            CommissionStatus::parse(&status, r.try_get("auto_release_at")?).ok_or_else(|| {
                sqlx::Error::ColumnDecode {
                    index: "status".into(),
                    source: format!("unknown commission status {status:?}").into(),
                }
            })?;
        rows.commissions.insert(
            (r.try_get("guild_id")?, r.try_get("commission_id")?),
            Some(CommissionRow {
                entity: Commission {
                    client: UserId(r.try_get("client")?),
                    developer: UserId(r.try_get("developer")?),
                    amount: Credits(r.try_get("amount")?),
                    fee: Credits(r.try_get("fee")?),
                    description: r.try_get("description")?,
                    deadline: r.try_get("deadline")?,
                    status,
                    released: Credits(r.try_get("released")?),
                },
                view: CommissionView {
                    escrow: r.try_get("escrow")?,
                    updated_at: r.try_get("updated_at")?,
                },
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
    .bind(column(&c, |(_, r)| r.entity.client.0))
    .bind(column(&c, |(_, r)| r.entity.developer.0))
    .bind(column(&c, |(_, r)| r.entity.amount.0))
    .bind(column(&c, |(_, r)| r.entity.description.clone()))
    .bind(column(&c, |(_, r)| r.entity.deadline))
    .bind(column(&c, |(_, r)| r.entity.status.name()))
    .bind(column(&c, |(_, r)| r.view.escrow))
    .bind(column(&c, |(_, r)| r.entity.released.0))
    .bind(column(&c, |(_, r)| r.entity.fee.0))
    .bind(column(&c, |(_, r)| auto_release_at(r.entity.status)))
    .bind(column(&c, |(_, r)| r.view.updated_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// When a delivered commission releases itself.
fn auto_release_at(status: CommissionStatus) -> Option<chrono::DateTime<chrono::Utc>> {
    match status {
        CommissionStatus::Delivered { auto_release_at } => Some(auto_release_at),
        _ => None,
    }
}
