//! What answers and auditors read of `accounts` and `postings`: balances, statements and the
//! guild's ledger page by page.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use studio_schema::{Account, Credits, GuildId};

/// One line of an account's statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub guild_seq: i64,
    pub amount: i64,
    pub balance_after: i64,
    pub event_type: String,
    pub memo: Option<String>,
    pub counterparts: String,
    pub at: DateTime<Utc>,
}

/// A balance and its latest entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub balance: Credits,
    pub entries: Vec<Entry>,
}

/// An account's balance (zero if it never moved).
///
/// # Errors
/// The database is unreachable.
pub async fn balance(pool: &PgPool, guild: GuildId, account: Account) -> Result<i64, sqlx::Error> {
    let balance = sqlx::query_scalar!(
        "SELECT balance FROM views.accounts WHERE guild_id = $1 AND account = $2",
        guild.0,
        account.to_string()
    )
    .fetch_optional(pool)
    .await?;
    Ok(balance.unwrap_or(0))
}

/// An account's balance and its latest `limit` entries, the latest first.
///
/// # Errors
/// The database is unreachable.
pub async fn statement(
    pool: &PgPool,
    guild: GuildId,
    account: Account,
    limit: i64,
) -> Result<Statement, sqlx::Error> {
    let balance = balance(pool, guild, account).await?;
    let entries = sqlx::query_as!(
        Entry,
        "SELECT guild_seq, amount, balance_after, event_type, memo, counterparts, at
         FROM views.postings WHERE guild_id = $1 AND account = $2
         ORDER BY guild_seq DESC LIMIT $3",
        guild.0,
        account.to_string(),
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(Statement {
        balance: Credits(balance),
        entries,
    })
}

/// One line of the guild's ledger: a posting of a money event to one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posting {
    pub guild_seq: i64,
    /// Its 1-based index among the event's postings.
    pub line: i32,
    pub account: String,
    pub amount: i64,
    pub balance_after: i64,
    pub event_type: String,
    pub memo: Option<String>,
    pub counterparts: String,
    pub at: DateTime<Utc>,
}

/// One page of the guild's ledger, the latest event first (its lines in order); and how many lines
/// there are in all.
///
/// # Errors
/// The database is unreachable.
pub async fn entries(
    pool: &PgPool,
    guild: GuildId,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Posting>, i64), sqlx::Error> {
    let rows = sqlx::query_as!(
        Posting,
        "SELECT guild_seq, line, account, amount, balance_after, event_type, memo, counterparts, at
         FROM views.postings WHERE guild_id = $1
         ORDER BY guild_seq DESC, line LIMIT $2 OFFSET $3",
        guild.0,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM views.postings WHERE guild_id = $1"#,
        guild.0
    )
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// What the views say about an account, for an auditor: its balance (`None` without a row) as of
/// the guild's checkpoint (0 when the views have not folded the guild yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewBalance {
    pub balance: Option<i64>,
    pub checkpoint: i64,
}

/// The live views' balance of `account`, or `None` when the views hold no `accounts` table.
///
/// # Errors
/// The database is unreachable.
pub async fn view_balance(
    pool: &PgPool,
    guild: GuildId,
    account: Account,
) -> Result<Option<ViewBalance>, sqlx::Error> {
    let exists =
        sqlx::query_scalar!(r#"SELECT to_regclass('views.accounts') IS NOT NULL AS "exists!""#)
            .fetch_one(pool)
            .await?;
    if !exists {
        return Ok(None);
    }
    // One statement, one snapshot: the balance and the checkpoint it is as of agree.
    let r = sqlx::query!(
        "SELECT (SELECT balance FROM views.accounts WHERE guild_id = $1 AND account = $2) AS balance,
                (SELECT last_seq FROM views.guild_checkpoints WHERE guild_id = $1) AS checkpoint",
        guild.0,
        account.to_string()
    )
    .fetch_one(pool)
    .await?;
    Ok(Some(ViewBalance {
        balance: r.balance,
        checkpoint: r.checkpoint.unwrap_or(0),
    }))
}
