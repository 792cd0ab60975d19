//! `accounts` and `postings`.

use super::{Tx, column, present};
use crate::fold::{AccountRow, Keys, PostingRow, Rows};
use sqlx::Row;
use studio_model::account::Balance;
use studio_schema::Credits;

pub(super) async fn load(tx: &mut Tx<'_>, keys: &Keys, rows: &mut Rows) -> Result<(), sqlx::Error> {
    if keys.accounts.is_empty() {
        return Ok(());
    }
    let found = sqlx::query(
        "SELECT a.guild_id, a.account, balance, last_seq
         FROM accounts a JOIN UNNEST($1::bigint[], $2::text[]) AS k(guild_id, account)
           ON a.guild_id = k.guild_id AND a.account = k.account",
    )
    .bind(column(&keys.accounts, |k| k.0))
    .bind(column(&keys.accounts, |k| k.1.clone()))
    .fetch_all(&mut **tx)
    .await?;
    for r in found {
        rows.accounts.insert(
            (r.try_get("guild_id")?, r.try_get("account")?),
            Some(AccountRow {
                entity: Balance(Credits(r.try_get("balance")?)),
                view: r.try_get("last_seq")?,
            }),
        );
    }
    Ok(())
}

pub(super) async fn write(tx: &mut Tx<'_>, rows: &Rows) -> Result<(), sqlx::Error> {
    let a = present(&rows.accounts);
    if !a.is_empty() {
        sqlx::query(
            "INSERT INTO accounts (guild_id, account, balance, last_seq)
             SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::bigint[], $4::bigint[])
             ON CONFLICT (guild_id, account) DO UPDATE SET
                 balance = EXCLUDED.balance, last_seq = EXCLUDED.last_seq",
        )
        .bind(column(&a, |(k, _)| k.0))
        .bind(column(&a, |(k, _)| k.1.clone()))
        .bind(column(&a, |(_, r)| r.entity.0.0))
        .bind(column(&a, |(_, r)| r.view))
        .execute(&mut **tx)
        .await?;
    }
    if !rows.postings.is_empty() {
        let p: Vec<(&(i64, i64, i32), &PostingRow)> = rows.postings.iter().collect();
        sqlx::query(
            "INSERT INTO postings (guild_id, guild_seq, line, account, amount, balance_after,
                                   event_type, memo, counterparts, at)
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::integer[], $4::text[],
                                  $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[],
                                  $10::timestamptz[])",
        )
        .bind(column(&p, |(k, _)| k.0))
        .bind(column(&p, |(k, _)| k.1))
        .bind(column(&p, |(k, _)| k.2))
        .bind(column(&p, |(_, r)| r.account.clone()))
        .bind(column(&p, |(_, r)| r.amount))
        .bind(column(&p, |(_, r)| r.balance_after))
        .bind(column(&p, |(_, r)| r.event_type.clone()))
        .bind(column(&p, |(_, r)| r.memo.clone()))
        .bind(column(&p, |(_, r)| r.counterparts.clone()))
        .bind(column(&p, |(_, r)| r.at))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
