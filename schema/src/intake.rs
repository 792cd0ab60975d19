//! Where each gateway partition's intake stands, and what it rejected.
//!
//! The command service applies a partition's dispatches in stream order and commits the last stream
//! sequence it applied in the same transaction as what they produced ([`advance`]), so a restart or a
//! takeover reads the partition from just after it: nothing skipped, nothing applied twice, no reordering.
//! Ownership of a partition is a session-level advisory lock ([`lease_key`]) that dies with its holder's
//! connection.

use sqlx::{PgConnection, PgPool};

/// A partition of one gateway stream.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Partition {
    pub stream: String,
    pub partition: i32,
}

impl std::fmt::Display for Partition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.stream, self.partition)
    }
}

/// The advisory-lock key of a partition's lease: stable across processes and versions (FNV-1a).
#[must_use]
pub fn lease_key(p: &Partition) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in p
        .stream
        .bytes()
        .chain([b'/'])
        .chain(p.partition.to_le_bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash.cast_signed()
}

/// Tries to take the partition's lease on `conn` (a connection held for as long as the lease).
///
/// # Errors
/// The database is unreachable.
pub async fn try_lease(conn: &mut PgConnection, p: &Partition) -> Result<bool, sqlx::Error> {
    let key = lease_key(p);
    let taken = sqlx::query_scalar!(r#"SELECT pg_try_advisory_lock($1) AS "taken!""#, key)
        .fetch_one(conn)
        .await?;
    Ok(taken)
}

/// The last stream sequence applied for the partition (0: none yet), creating its row.
///
/// # Errors
/// The database is unreachable.
pub async fn position(pool: &PgPool, p: &Partition) -> Result<u64, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO intake_positions (stream, partition, stream_seq) VALUES ($1, $2, 0)
         ON CONFLICT DO NOTHING",
        p.stream,
        p.partition
    )
    .execute(pool)
    .await?;
    let seq = sqlx::query_scalar!(
        "SELECT stream_seq FROM intake_positions WHERE stream = $1 AND partition = $2",
        p.stream,
        p.partition
    )
    .fetch_one(pool)
    .await?;
    Ok(seq.cast_unsigned())
}

/// Moves the partition's position from `from` to `to` inside the caller's transaction. `false` when it
/// was not at `from`: another command service applied the partition meanwhile, so this one lost it and
/// must roll back and commit nothing.
///
/// # Errors
/// The database is unreachable.
pub async fn advance(
    tx: &mut PgConnection,
    p: &Partition,
    from: u64,
    to: u64,
) -> Result<bool, sqlx::Error> {
    let moved = sqlx::query!(
        "UPDATE intake_positions SET stream_seq = $4, updated_at = now()
         WHERE stream = $1 AND partition = $2 AND stream_seq = $3",
        p.stream,
        p.partition,
        from.cast_signed(),
        to.cast_signed()
    )
    .execute(tx)
    .await?;
    Ok(moved.rows_affected() == 1)
}

/// Records a dispatch the intake moved past without applying it, inside the caller's transaction.
///
/// # Errors
/// The database is unreachable.
pub async fn reject(
    tx: &mut PgConnection,
    p: &Partition,
    stream_seq: u64,
    subject: Option<&str>,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO intake_rejected (stream, partition, stream_seq, subject, reason)
         VALUES ($1, $2, $3, $4, $5)",
        p.stream,
        p.partition,
        stream_seq.cast_signed(),
        subject,
        reason
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// A dispatch the intake rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub stream: String,
    pub partition: i32,
    pub stream_seq: i64,
    pub subject: Option<String>,
    pub reason: String,
}

/// Every rejected dispatch, oldest first (for operators and `projector audit`).
///
/// # Errors
/// The database is unreachable.
pub async fn rejected(pool: &PgPool) -> Result<Vec<Rejected>, sqlx::Error> {
    sqlx::query_as!(
        Rejected,
        "SELECT stream, partition, stream_seq, subject, reason FROM intake_rejected ORDER BY id"
    )
    .fetch_all(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lease_keys_differ_by_stream_and_partition_and_never_change() {
        let p = |s: &str, n| Partition {
            stream: s.into(),
            partition: n,
        };
        assert_ne!(lease_key(&p("A", 0)), lease_key(&p("A", 1)));
        assert_ne!(lease_key(&p("A", 0)), lease_key(&p("B", 0)));
        assert_eq!(
            lease_key(&p("DISCORD_GATEWAY", 0)),
            lease_key(&p("DISCORD_GATEWAY", 0))
        );
    }
}
