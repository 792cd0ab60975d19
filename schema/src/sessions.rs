//! Where each gateway shard's Discord session stands, kept in Postgres so a restarted gateway
//! worker resumes the session instead of identifying again (and no event is lost or published twice).

use sqlx::PgPool;

/// A resumable Discord gateway session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSession {
    pub session_id: String,
    /// The last sequence whose dispatch is safely published.
    pub sequence: u64,
    pub resume_url: String,
}

/// The stored session of `shard`, if any.
///
/// # Errors
/// The database is unreachable.
pub async fn load(pool: &PgPool, shard: u32) -> Result<Option<StoredSession>, sqlx::Error> {
    let shard = i32::try_from(shard).unwrap_or(i32::MAX);
    let row = sqlx::query!(
        "SELECT session_id, sequence, resume_url FROM gateway_sessions WHERE shard_id = $1",
        shard
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| StoredSession {
        session_id: r.session_id,
        sequence: u64::try_from(r.sequence).unwrap_or(0),
        resume_url: r.resume_url,
    }))
}

/// Records where `shard`'s session stands.
///
/// # Errors
/// The database is unreachable.
pub async fn save(pool: &PgPool, shard: u32, session: &StoredSession) -> Result<(), sqlx::Error> {
    let shard = i32::try_from(shard).unwrap_or(i32::MAX);
    let sequence = i64::try_from(session.sequence).unwrap_or(i64::MAX);
    sqlx::query!(
        "INSERT INTO gateway_sessions (shard_id, session_id, sequence, resume_url)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (shard_id) DO UPDATE
         SET session_id = EXCLUDED.session_id, sequence = EXCLUDED.sequence,
             resume_url = EXCLUDED.resume_url, updated_at = now()",
        shard,
        session.session_id,
        sequence,
        session.resume_url
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets `shard`'s session (Discord invalidated it).
///
/// # Errors
/// The database is unreachable.
pub async fn forget(pool: &PgPool, shard: u32) -> Result<(), sqlx::Error> {
    let shard = i32::try_from(shard).unwrap_or(i32::MAX);
    sqlx::query!("DELETE FROM gateway_sessions WHERE shard_id = $1", shard)
        .execute(pool)
        .await?;
    Ok(())
}
