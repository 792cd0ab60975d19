//! Bringing a database to this build's schema: the owner applies the migrations
//! ([`apply`], `projector migrate`); a service, whose role may not change the schema, only checks
//! that they were applied ([`ensure`]).

use crate::MIGRATOR;
use sqlx::PgPool;
use sqlx::migrate::MigrateError;

/// Each service's database role (created by the migrations), and the variable that gives its
/// password to `projector migrate`.
pub const SERVICE_ROLES: [(&str, &str, &str); 3] = [
    (
        "gateway-worker",
        "studio_gateway",
        "STUDIO_DB_GATEWAY_PASSWORD",
    ),
    (
        "command-service",
        "studio_commands",
        "STUDIO_DB_COMMAND_PASSWORD",
    ),
    (
        "projector",
        "studio_projector",
        "STUDIO_DB_PROJECTOR_PASSWORD",
    ),
];

/// Why the schema is not this build's.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Migrate(#[from] MigrateError),
    #[error(
        "the database lacks migrations this build needs ({0}) and this login may not apply them: \
         run `projector migrate` as the database's owner first"
    )]
    Behind(String),
    #[error("postgres: {0}")]
    Database(#[from] sqlx::Error),
}

/// Whether every migration of this build is applied, unchanged. `Err` names what is missing.
async fn applied(pool: &PgPool) -> Result<(), String> {
    // Unchecked: `_sqlx_migrations` is sqlx's own table, absent from the offline query data.
    let rows: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success")
            .fetch_all(pool)
            .await
            .map_err(|e| format!("no migrations readable: {e}"))?;
    let missing: Vec<String> = MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .filter(|m| {
            !rows
                .iter()
                .any(|(v, sum)| *v == m.version && *sum == m.checksum.as_ref())
        })
        .map(|m| m.version.to_string())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("missing {}", missing.join(", ")))
    }
}

/// At a service's start: nothing to do when every migration is applied; else applies them (which
/// only the owner may do, e.g. a superuser in development).
///
/// # Errors
/// Migrations are missing and cannot be applied with this login.
pub async fn ensure(pool: &PgPool) -> Result<(), Error> {
    let Err(missing) = applied(pool).await else {
        return Ok(());
    };
    MIGRATOR.run(pool).await.map_err(|err| match &err {
        MigrateError::Execute(sqlx::Error::Database(db))
            if db.code().as_deref() == Some("42501") =>
        {
            Error::Behind(missing)
        }
        _ => Error::Migrate(err),
    })
}

/// The owner's step: applies every migration, then sets the password of each service role given
/// in `passwords` (`(role, password)`), so the services can log in.
///
/// # Errors
/// A migration fails, or a role's password cannot be set.
pub async fn apply(pool: &PgPool, passwords: &[(&str, String)]) -> Result<(), Error> {
    MIGRATOR.run(pool).await?;
    for (role, password) in passwords {
        // Unchecked: ALTER ROLE takes no parameters; `format` quotes the name and the literal.
        let statement: String =
            sqlx::query_scalar("SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)")
                .bind(role)
                .bind(password)
                .fetch_one(pool)
                .await?;
        sqlx::raw_sql(&statement).execute(pool).await?;
    }
    Ok(())
}
