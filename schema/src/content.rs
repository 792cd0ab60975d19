//! Content only its buyers may see (a listing version's code), kept once, outside the event log.
//!
//! The log proves what was sold by the content's SHA-256 (`ListingDetails::code_sha256`) and finds it
//! by its key, `(guild, listing, version)`. The table is the command service's alone: no auditor, view
//! or other service may read it, so an audit login or a copy of the log never holds code. Forgetting
//! content on request erases the body and keeps the hash: the log stays whole and still proves what
//! each buyer paid for.

use crate::ids::{GuildId, ListingId};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use std::fmt::Write;

/// The hex SHA-256 of `body`'s UTF-8 bytes: what the log records of content (Postgres computes the
/// same with `encode(sha256(convert_to(body, 'UTF8')), 'hex')`).
#[must_use]
pub fn sha256_hex(body: &str) -> String {
    Sha256::digest(body.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// A listing version's code, to store with the event that publishes it.
#[derive(Clone, PartialEq, Eq)]
pub struct Content {
    pub guild: GuildId,
    pub listing: ListingId,
    pub version: i64,
    pub body: String,
}

impl std::fmt::Debug for Content {
    // Code is secret: logs name it by key and hash only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Content")
            .field("guild", &self.guild)
            .field("listing", &self.listing)
            .field("version", &self.version)
            .field("sha256", &sha256_hex(&self.body))
            .finish()
    }
}

/// What is kept of a listing version's code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kept {
    Body(String),
    /// Erased on request at this time; only its hash remains.
    Forgotten(DateTime<Utc>),
}

/// Stores `contents` in the caller's transaction (the one appending their events). Storing a version
/// again (a redelivered command) keeps the first.
///
/// # Errors
/// The database is unreachable.
pub async fn store(tx: &mut PgConnection, contents: &[Content]) -> Result<(), sqlx::Error> {
    if contents.is_empty() {
        return Ok(());
    }
    let guilds: Vec<i64> = contents.iter().map(|c| c.guild.0).collect();
    let listings: Vec<i64> = contents.iter().map(|c| c.listing.0).collect();
    let versions: Vec<i64> = contents.iter().map(|c| c.version).collect();
    let hashes: Vec<String> = contents.iter().map(|c| sha256_hex(&c.body)).collect();
    let bodies: Vec<String> = contents.iter().map(|c| c.body.clone()).collect();
    sqlx::query!(
        "INSERT INTO listing_content (guild_id, listing_id, version, sha256, body)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[])
         ON CONFLICT DO NOTHING",
        &guilds,
        &listings,
        &versions,
        &hashes,
        &bodies
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// The code of a listing version, if it was ever stored.
///
/// # Errors
/// The database is unreachable.
pub async fn read(
    pool: &PgPool,
    guild: GuildId,
    listing: ListingId,
    version: i64,
) -> Result<Option<Kept>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT body, forgotten_at FROM listing_content
         WHERE guild_id = $1 AND listing_id = $2 AND version = $3",
        guild.0,
        listing.0,
        version
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| match (r.body, r.forgotten_at) {
        (Some(body), _) => Kept::Body(body),
        (None, at) => Kept::Forgotten(at.unwrap_or_default()),
    }))
}

/// Erases the code of every version of a listing (a seller's or an operator's request), keeping the
/// hashes. Returns how many versions were erased now.
///
/// # Errors
/// The database is unreachable.
pub async fn forget(pool: &PgPool, guild: GuildId, listing: ListingId) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE listing_content SET body = NULL, forgotten_at = now()
         WHERE guild_id = $1 AND listing_id = $2 AND body IS NOT NULL",
        guild.0,
        listing.0
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_sha256_in_lower_hex() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
