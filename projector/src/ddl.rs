//! Creating the views inside a given schema: the live `views` or a replay's fresh copy. The tables
//! themselves are `studio_views`' (one module per view); views are rebuilt, never patched, so a
//! change of a table is deployed with `projector replay` (or by bumping [`LAYOUT_VERSION`], which
//! makes the projector rebuild older views on start).
//!
//! The statements that name a schema are built with `format!` and run unchecked: sqlx cannot check
//! a statement whose text is only known at run time.

use sqlx::{Postgres, Transaction};
pub use studio_views::{LAYOUT_VERSION, VIEW_TABLES};

/// Whether `schema` exists.
///
/// # Errors
/// The database is unreachable.
pub async fn exists(tx: &mut Transaction<'_, Postgres>, schema: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS "exists!""#,
        schema
    )
    .fetch_one(&mut **tx)
    .await
}

/// The layout version `schema`'s views were built with (`None` for views older than the record).
///
/// # Errors
/// The database is unreachable.
pub async fn layout(
    tx: &mut Transaction<'_, Postgres>,
    schema: &str,
) -> Result<Option<i32>, sqlx::Error> {
    let table = format!("{}.layout", quote(schema));
    let recorded = sqlx::query_scalar!("SELECT to_regclass($1)::text", &table)
        .fetch_one(&mut **tx)
        .await?;
    if recorded.is_none() {
        return Ok(None);
    }
    // Unchecked: the schema is only known at run time.
    sqlx::query_scalar(&format!("SELECT max(version) FROM {table}"))
        .fetch_one(&mut **tx)
        .await
}

/// Creates `schema` with empty views, readable by the command service's and the auditor's roles.
///
/// # Errors
/// The database refuses.
pub async fn create(tx: &mut Transaction<'_, Postgres>, schema: &str) -> Result<(), sqlx::Error> {
    create_with(tx, schema, &studio_views::ddl()).await
}

/// [`create`] without the secondary indexes, for a replay that fills the tables first and then
/// builds them with [`create_indexes`].
///
/// # Errors
/// The database refuses.
pub async fn create_tables(
    tx: &mut Transaction<'_, Postgres>,
    schema: &str,
) -> Result<(), sqlx::Error> {
    create_with(tx, schema, &studio_views::tables()).await
}

/// Builds the secondary indexes [`create_tables`] left out, in the schema each connection's
/// `search_path` names, spread over `conns` (one index at a time on each, side by side).
///
/// # Errors
/// The database refuses.
pub async fn create_indexes(conns: [&mut sqlx::PgConnection; 2]) -> Result<(), sqlx::Error> {
    let indexes = studio_views::indexes();
    let [first, second] = conns;
    let (a, b) = tokio::join!(
        build(first, indexes.iter().step_by(2)),
        build(second, indexes.iter().skip(1).step_by(2))
    );
    a.and(b)
}

async fn build(
    conn: &mut sqlx::PgConnection,
    indexes: impl Iterator<Item = &&'static str>,
) -> Result<(), sqlx::Error> {
    for index in indexes {
        // Unchecked: DDL.
        sqlx::raw_sql(index).execute(&mut *conn).await?;
    }
    Ok(())
}

async fn create_with(
    tx: &mut Transaction<'_, Postgres>,
    schema: &str,
    ddl: &str,
) -> Result<(), sqlx::Error> {
    let ident = quote(schema);
    // Unchecked: the schema is only known at run time, and the DDL is a script.
    sqlx::query(&format!("CREATE SCHEMA {ident}"))
        .execute(&mut **tx)
        .await?;
    sqlx::query(&format!("SET LOCAL search_path TO {ident}"))
        .execute(&mut **tx)
        .await?;
    sqlx::raw_sql(ddl).execute(&mut **tx).await?;
    studio_views::checkpoints::record_layout(tx).await?;
    grant_readers(tx, schema).await
}

/// The roles that read the views: the command service (answers) and auditors.
const READERS: &str = "studio_commands, studio_auditor";

/// Makes [`READERS`] able to read `schema`'s views.
///
/// # Errors
/// The database refuses.
pub async fn grant_readers(
    tx: &mut Transaction<'_, Postgres>,
    schema: &str,
) -> Result<(), sqlx::Error> {
    let ident = quote(schema);
    // Unchecked: the schema is only known at run time.
    sqlx::query(&format!("GRANT USAGE ON SCHEMA {ident} TO {READERS}"))
        .execute(&mut **tx)
        .await?;
    sqlx::query(&format!(
        "GRANT SELECT ON ALL TABLES IN SCHEMA {ident} TO {READERS}"
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
