//! `commissions`: where each commission stands (the model's commission) and what its escrow holds;
//! the projector's load and write of it, and the commissions a member sees.

use crate::Row;
use crate::row::{column, unknown};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use studio_model::commission::{Commission, CommissionStatus};
use studio_schema::{Credits, GuildId, UserId};

pub const DDL: &str = include_str!("commissions.sql");

/// `(guild, commission)`: the key of a `commissions` row.
pub type CommissionKey = (i64, i64);

/// A row of `commissions`: the model's commission, and what only the views keep.
pub type CommissionRow = Row<Commission, CommissionView>;

/// What only the views keep of a commission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommissionView {
    /// The balance of the commission's escrow account.
    pub escrow: i64,
    /// When the last commission event happened.
    pub updated_at: DateTime<Utc>,
}

/// The `commissions` rows of `keys` that exist.
///
/// # Errors
/// The database is unreachable, or a row holds a status the model does not know.
pub async fn load(
    conn: &mut PgConnection,
    keys: &[CommissionKey],
) -> Result<Vec<(CommissionKey, CommissionRow)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (guilds, commissions) = (column(keys, |k| k.0), column(keys, |k| k.1));
    let found = sqlx::query!(
        "SELECT c.guild_id, c.commission_id, client, developer, amount, description, deadline,
                status, escrow, released, fee, auto_release_at, updated_at
         FROM commissions c
         JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(guild_id, commission_id)
           ON c.guild_id = k.guild_id AND c.commission_id = k.commission_id",
        &guilds,
        &commissions
    )
    .fetch_all(&mut *conn)
    .await?;
    found
        .into_iter()
        .map(|r| {
            let status = CommissionStatus::parse(&r.status, r.auto_release_at)
                .ok_or_else(|| unknown("status", "commission status", &r.status))?;
            let row = CommissionRow {
                entity: Commission {
                    client: UserId(r.client),
                    developer: UserId(r.developer),
                    amount: Credits(r.amount),
                    fee: Credits(r.fee),
                    description: r.description,
                    deadline: r.deadline,
                    status,
                    released: Credits(r.released),
                },
                view: CommissionView {
                    escrow: r.escrow,
                    updated_at: r.updated_at,
                },
            };
            Ok(((r.guild_id, r.commission_id), row))
        })
        .collect()
}

/// When a delivered commission releases itself.
fn auto_release_at(status: CommissionStatus) -> Option<DateTime<Utc>> {
    match status {
        CommissionStatus::Delivered { auto_release_at } => Some(auto_release_at),
        _ => None,
    }
}

/// Inserts or replaces `commissions` rows.
///
/// # Errors
/// The database is unreachable.
pub async fn write(
    conn: &mut PgConnection,
    rows: &[(&CommissionKey, &CommissionRow)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query!(
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
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1),
        &column(rows, |(_, r)| r.entity.client.0),
        &column(rows, |(_, r)| r.entity.developer.0),
        &column(rows, |(_, r)| r.entity.amount.0),
        &column(rows, |(_, r)| r.entity.description.clone()),
        &column(rows, |(_, r)| r.entity.deadline),
        &column(rows, |(_, r)| r.entity.status.name().to_owned()),
        &column(rows, |(_, r)| r.view.escrow),
        &column(rows, |(_, r)| r.entity.released.0),
        &column(rows, |(_, r)| r.entity.fee.0),
        &column(rows, |(_, r)| auto_release_at(r.entity.status)) as &[Option<DateTime<Utc>>],
        &column(rows, |(_, r)| r.view.updated_at),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A commission as its parties see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommissionSummary {
    pub commission_id: i64,
    pub client: i64,
    pub developer: i64,
    pub amount: i64,
    pub description: String,
    pub deadline: DateTime<Utc>,
    pub status: String,
    pub escrow: i64,
    pub released: i64,
    pub auto_release_at: Option<DateTime<Utc>>,
}

/// A member's latest `limit` commissions, as client or developer, the newest first.
///
/// # Errors
/// The database is unreachable.
pub async fn of_member(
    pool: &PgPool,
    guild: GuildId,
    member: UserId,
    limit: i64,
) -> Result<Vec<CommissionSummary>, sqlx::Error> {
    sqlx::query_as!(
        CommissionSummary,
        "SELECT commission_id, client, developer, amount, description, deadline, status, escrow,
                released, auto_release_at
         FROM views.commissions WHERE guild_id = $1 AND (client = $2 OR developer = $2)
         ORDER BY commission_id DESC LIMIT $3",
        guild.0,
        member.0,
        limit
    )
    .fetch_all(pool)
    .await
}
