//! `xid8`, the writing transaction's id, read as Postgres sends it: eight bytes, no casts.
//!
//! Selecting `tx_id::text::bigint` made the server print and parse every row's id as text; a global
//! reader reads a million of them in a replay.

use sqlx::error::BoxDynError;
use sqlx::postgres::{PgTypeInfo, PgValueFormat, PgValueRef};
use sqlx::{Decode, Postgres, Type};

/// A transaction id (`xid8`) as a non-negative `i64` (select it as `tx_id AS "tx_id: Xid8"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Xid8(pub i64);

impl Type<Postgres> for Xid8 {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_name("xid8")
    }
}

impl Decode<'_, Postgres> for Xid8 {
    fn decode(value: PgValueRef<'_>) -> Result<Self, BoxDynError> {
        let id = match value.format() {
            PgValueFormat::Binary => {
                let bytes: [u8; 8] = value.as_bytes()?.try_into()?;
                u64::from_be_bytes(bytes)
            }
            PgValueFormat::Text => value.as_str()?.parse()?,
        };
        Ok(Self(i64::try_from(id)?))
    }
}

#[cfg(test)]
mod tests {
    use super::Xid8;
    use sqlx::PgPool;

    #[sqlx::test(migrations = false)]
    async fn ids_read_as_the_server_prints_them(pool: PgPool) -> sqlx::Result<()> {
        for printed in ["0", "3", "4294967296", "9223372036854775807"] {
            let read: Xid8 = sqlx::query_scalar(&format!("SELECT '{printed}'::xid8"))
                .fetch_one(&pool)
                .await?;
            assert_eq!(read.0.to_string(), printed);
        }
        let too_big = sqlx::query_scalar::<_, Xid8>("SELECT '9223372036854775808'::xid8")
            .fetch_one(&pool)
            .await;
        assert!(
            too_big.is_err(),
            "an id past i64 is an error, not a wrapped number"
        );
        Ok(())
    }
}
