//! Content only its buyers may see (a listing version's code), kept once, outside the event log.
//!
//! The log proves what was sold by the content's SHA-256 (`ListingDetails::code_sha256`) and finds it
//! by its key, `(guild, listing, version)`. The table is the command service's alone: no auditor, view
//! or other service may read it. Each body is sealed (ChaCha20-Poly1305, bound to its key) with a key
//! the database never holds (`STUDIO_CONTENT_KEY`), so a backup or a copy of the table alone holds no
//! code either. Forgetting content on request erases the sealed body and keeps the hash: the log stays
//! whole and still proves what each buyer paid for.

use crate::ids::{GuildId, ListingId};
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

/// Bytes of the nonce that starts every sealed body.
const NONCE_LEN: usize = 12;

/// The hex SHA-256 of `body`'s UTF-8 bytes: what the log records of content (Postgres computes the
/// same with `encode(sha256(convert_to(body, 'UTF8')), 'hex')`).
#[must_use]
pub fn sha256_hex(body: &str) -> String {
    crate::hex::encode(&Sha256::digest(body.as_bytes()))
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

/// Seals and opens bodies with the key derived from `STUDIO_CONTENT_KEY`.
#[derive(Clone)]
pub struct Sealer {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(…)")
    }
}

impl Sealer {
    /// A sealer whose key is the SHA-256 of `secret` (any long random string).
    #[must_use]
    pub fn new(secret: &str) -> Self {
        let key = Sha256::digest(secret.as_bytes());
        Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&key)),
        }
    }

    /// What binds a sealed body to its row: a body moved to another listing does not open.
    fn bound_to(guild: GuildId, listing: ListingId, version: i64) -> String {
        format!("studio-content:{}:{}:{version}", guild.0, listing.0)
    }

    /// `body` sealed for its key: a fresh nonce, then the ciphertext.
    #[must_use]
    pub fn seal(&self, guild: GuildId, listing: ListingId, version: i64, body: &str) -> Vec<u8> {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = Self::bound_to(guild, listing, version);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: body.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            // ChaCha20-Poly1305 refuses only messages over 256 GiB; code is capped far below
            // (`rules::economy::CODE_CHARS`), so this never yields the empty default.
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        out
    }

    /// The body sealed in `sealed` for this key, or `None` if it does not open (another key, or
    /// tampered with).
    #[must_use]
    pub fn open(
        &self,
        guild: GuildId,
        listing: ListingId,
        version: i64,
        sealed: &[u8],
    ) -> Option<String> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let aad = Self::bound_to(guild, listing, version);
        let body = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .ok()?;
        String::from_utf8(body).ok()
    }
}

/// What is kept of a listing version's code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kept {
    Body(String),
    /// Erased on request at this time; only its hash remains.
    Forgotten(DateTime<Utc>),
    /// Sealed with another key than this service's `STUDIO_CONTENT_KEY`.
    Unreadable,
}

/// Contents sealed, as the columns of `listing_content` (one array each, for `UNNEST`).
pub(crate) struct Columns {
    pub guilds: Vec<i64>,
    pub listings: Vec<i64>,
    pub versions: Vec<i64>,
    pub hashes: Vec<String>,
    pub sealed: Vec<Vec<u8>>,
}

impl Columns {
    pub(crate) fn sealed(sealer: &Sealer, contents: &[Content]) -> Self {
        Self {
            guilds: contents.iter().map(|c| c.guild.0).collect(),
            listings: contents.iter().map(|c| c.listing.0).collect(),
            versions: contents.iter().map(|c| c.version).collect(),
            hashes: contents.iter().map(|c| sha256_hex(&c.body)).collect(),
            sealed: contents
                .iter()
                .map(|c| sealer.seal(c.guild, c.listing, c.version, &c.body))
                .collect(),
        }
    }
}

/// Stores `contents`, sealed, in the caller's transaction (the one appending their events). Storing
/// a version again (a redelivered command) keeps the first.
///
/// # Errors
/// The database is unreachable.
pub async fn store(
    tx: &mut PgConnection,
    sealer: &Sealer,
    contents: &[Content],
) -> Result<(), sqlx::Error> {
    if contents.is_empty() {
        return Ok(());
    }
    let Columns {
        guilds,
        listings,
        versions,
        hashes,
        sealed,
    } = Columns::sealed(sealer, contents);
    sqlx::query!(
        "INSERT INTO listing_content (guild_id, listing_id, version, sha256, sealed)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bytea[])
         ON CONFLICT DO NOTHING",
        &guilds,
        &listings,
        &versions,
        &hashes,
        &sealed
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
    sealer: &Sealer,
    guild: GuildId,
    listing: ListingId,
    version: i64,
) -> Result<Option<Kept>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT sealed, legacy_body, forgotten_at FROM listing_content
         WHERE guild_id = $1 AND listing_id = $2 AND version = $3",
        guild.0,
        listing.0,
        version
    )
    .fetch_optional(pool)
    .await?;
    Ok(
        row.map(|r| match (r.sealed, r.legacy_body, r.forgotten_at) {
            (Some(sealed), _, _) => sealer
                .open(guild, listing, version, &sealed)
                .map_or(Kept::Unreadable, Kept::Body),
            (None, Some(body), _) => Kept::Body(body),
            (None, None, at) => Kept::Forgotten(at.unwrap_or_default()),
        }),
    )
}

/// Seals the code moved out of the log by migration 0005 (kept in the clear until a command service
/// with a key starts). Returns how many versions it sealed.
///
/// # Errors
/// The database is unreachable.
pub async fn seal_legacy(pool: &PgPool, sealer: &Sealer) -> Result<u64, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT guild_id, listing_id, version, legacy_body AS "body!" FROM listing_content
           WHERE legacy_body IS NOT NULL"#
    )
    .fetch_all(pool)
    .await?;
    let mut sealed = 0;
    for r in rows {
        let (guild, listing) = (GuildId(r.guild_id), ListingId(r.listing_id));
        let done = sqlx::query!(
            "UPDATE listing_content SET sealed = $4, legacy_body = NULL
             WHERE guild_id = $1 AND listing_id = $2 AND version = $3 AND legacy_body IS NOT NULL",
            r.guild_id,
            r.listing_id,
            r.version,
            sealer.seal(guild, listing, r.version, &r.body)
        )
        .execute(pool)
        .await?;
        sealed += done.rows_affected();
    }
    Ok(sealed)
}

/// Erases the code of every version of a listing (a seller's or an operator's request), keeping the
/// hashes. Returns how many versions were erased now.
///
/// # Errors
/// The database is unreachable.
pub async fn forget(pool: &PgPool, guild: GuildId, listing: ListingId) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE listing_content SET sealed = NULL, legacy_body = NULL, forgotten_at = now()
         WHERE guild_id = $1 AND listing_id = $2 AND forgotten_at IS NULL",
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

    #[test]
    fn a_sealed_body_opens_only_with_its_key_and_in_its_row() {
        let (g, l) = (GuildId(1), ListingId(2));
        let sealer = Sealer::new("a long random secret");
        let sealed = sealer.seal(g, l, 3, "fn main() {}");
        assert!(
            !String::from_utf8_lossy(&sealed).contains("fn main"),
            "sealed, not encoded"
        );
        assert_eq!(
            sealer.open(g, l, 3, &sealed).as_deref(),
            Some("fn main() {}")
        );
        assert_eq!(Sealer::new("another secret").open(g, l, 3, &sealed), None);
        assert_eq!(sealer.open(g, l, 4, &sealed), None, "bound to its version");
        assert_eq!(
            sealer.open(g, ListingId(9), 3, &sealed),
            None,
            "and listing"
        );
        let mut tampered = sealed.clone();
        if let Some(last) = tampered.last_mut() {
            *last ^= 1;
        }
        assert_eq!(sealer.open(g, l, 3, &tampered), None);
        assert_ne!(
            sealer.seal(g, l, 3, "fn main() {}"),
            sealed,
            "a fresh nonce each time"
        );
    }
}
