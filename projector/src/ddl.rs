//! The views' tables, created inside a given schema: the live `views` or a replay's fresh copy.
//! Views are rebuilt, never patched: a change here is deployed with `projector replay`.

use sqlx::{Postgres, Transaction};

/// Version of the layout below; `views.layout` records the one a schema was built with.
pub const LAYOUT_VERSION: i32 = 1;

const TABLES: &str = r"
CREATE TABLE members (
    guild_id               bigint      NOT NULL,
    user_id                bigint      NOT NULL,
    xp                     bigint      NOT NULL,
    message_xp             bigint      NOT NULL,
    messages               bigint      NOT NULL,
    bot                    boolean     NOT NULL,
    present                boolean     NOT NULL,
    tenure_completed_secs  bigint      NOT NULL,
    stint_since            timestamptz,
    first_seen_at          timestamptz NOT NULL,
    last_seq               bigint      NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
CREATE INDEX members_by_xp ON members (guild_id, xp DESC, user_id);

CREATE TABLE xp_weekly (
    guild_id    bigint NOT NULL,
    week_start  date   NOT NULL,
    user_id     bigint NOT NULL,
    xp          bigint NOT NULL,
    PRIMARY KEY (guild_id, week_start, user_id)
);
CREATE INDEX xp_weekly_by_xp ON xp_weekly (guild_id, week_start, xp DESC, user_id);

CREATE TABLE xp_adjustments (
    guild_id   bigint      NOT NULL,
    guild_seq  bigint      NOT NULL,
    user_id    bigint      NOT NULL,
    change     bigint      NOT NULL,
    reason     text        NOT NULL,
    by_user    bigint      NOT NULL,
    at         timestamptz NOT NULL,
    PRIMARY KEY (guild_id, guild_seq)
);

CREATE TABLE guild_checkpoints (
    guild_id  bigint PRIMARY KEY,
    last_seq  bigint NOT NULL
);

CREATE TABLE checkpoint (
    id        integer PRIMARY KEY CHECK (id = 1),
    tx_id     bigint  NOT NULL,
    position  bigint  NOT NULL,
    events    bigint  NOT NULL
);
INSERT INTO checkpoint VALUES (1, 0, 0, 0);

CREATE TABLE layout (version integer NOT NULL);
";

/// Every table of the views, in the order a digest reads them.
pub const VIEW_TABLES: [(&str, &str); 5] = [
    ("members", "guild_id, user_id"),
    ("xp_weekly", "guild_id, week_start, user_id"),
    ("xp_adjustments", "guild_id, guild_seq"),
    ("guild_checkpoints", "guild_id"),
    ("checkpoint", "id"),
];

/// Whether `schema` exists.
///
/// # Errors
/// The database is unreachable.
pub async fn exists(tx: &mut Transaction<'_, Postgres>, schema: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)")
        .bind(schema)
        .fetch_one(&mut **tx)
        .await
}

/// Creates `schema` with empty views, readable by the auditor role.
///
/// # Errors
/// The database refuses.
pub async fn create(tx: &mut Transaction<'_, Postgres>, schema: &str) -> Result<(), sqlx::Error> {
    let ident = quote(schema);
    sqlx::query(&format!("CREATE SCHEMA {ident}"))
        .execute(&mut **tx)
        .await?;
    sqlx::query(&format!("SET LOCAL search_path TO {ident}"))
        .execute(&mut **tx)
        .await?;
    sqlx::raw_sql(TABLES).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO layout VALUES ($1)")
        .bind(LAYOUT_VERSION)
        .execute(&mut **tx)
        .await?;
    grant_auditor(tx, schema).await
}

/// Makes the auditor able to read `schema`'s views.
///
/// # Errors
/// The database refuses.
pub async fn grant_auditor(
    tx: &mut Transaction<'_, Postgres>,
    schema: &str,
) -> Result<(), sqlx::Error> {
    let ident = quote(schema);
    sqlx::query(&format!("GRANT USAGE ON SCHEMA {ident} TO studio_auditor"))
        .execute(&mut **tx)
        .await?;
    sqlx::query(&format!(
        "GRANT SELECT ON ALL TABLES IN SCHEMA {ident} TO studio_auditor"
    ))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A schema name as a quoted SQL identifier.
#[must_use]
pub fn quote(schema: &str) -> String {
    format!("\"{}\"", schema.replace('"', "\"\""))
}
