//! The projector's loads and writes of `accounts` and `postings`.

use super::{AccountKey, AccountRow, PostingKey, PostingRow};
use crate::row::column;
use sqlx::PgConnection;
use studio_model::account::Balance;
use studio_schema::Credits;

/// The `accounts` rows of `keys` that exist.
///
/// # Errors
/// The database is unreachable.
pub async fn load_accounts(
    conn: &mut PgConnection,
    keys: &[AccountKey],
) -> Result<Vec<(AccountKey, AccountRow)>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (guilds, accounts) = (column(keys, |k| k.0), column(keys, |k| k.1.clone()));
    let found = sqlx::query!(
        "SELECT a.guild_id, a.account, balance, last_seq
         FROM accounts a JOIN UNNEST($1::bigint[], $2::text[]) AS k(guild_id, account)
           ON a.guild_id = k.guild_id AND a.account = k.account",
        &guilds,
        &accounts
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(found
        .into_iter()
        .map(|r| {
            let row = AccountRow {
                entity: Balance(Credits(r.balance)),
                view: r.last_seq,
            };
            ((r.guild_id, r.account), row)
        })
        .collect())
}

/// Inserts or replaces `accounts` rows.
///
/// # Errors
/// The database is unreachable.
pub async fn write_accounts(
    conn: &mut PgConnection,
    rows: &[(&AccountKey, &AccountRow)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO accounts (guild_id, account, balance, last_seq)
         SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::bigint[], $4::bigint[])
         ON CONFLICT (guild_id, account) DO UPDATE SET
             balance = EXCLUDED.balance, last_seq = EXCLUDED.last_seq",
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1.clone()),
        &column(rows, |(_, r)| r.entity.0.0),
        &column(rows, |(_, r)| r.view),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts new `postings` rows.
///
/// # Errors
/// The database is unreachable, or a line exists already.
pub async fn write_postings(
    conn: &mut PgConnection,
    rows: &[(&PostingKey, &PostingRow)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO postings (guild_id, guild_seq, line, account, amount, balance_after,
                               event_type, memo, counterparts, at)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::integer[], $4::text[],
                              $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[],
                              $10::timestamptz[])",
        &column(rows, |(k, _)| k.0),
        &column(rows, |(k, _)| k.1),
        &column(rows, |(k, _)| k.2),
        &column(rows, |(_, r)| r.account.clone()),
        &column(rows, |(_, r)| r.amount),
        &column(rows, |(_, r)| r.balance_after),
        &column(rows, |(_, r)| r.event_type.clone()),
        &column(rows, |(_, r)| r.memo.clone()) as &[Option<String>],
        &column(rows, |(_, r)| r.counterparts.clone()),
        &column(rows, |(_, r)| r.at),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
