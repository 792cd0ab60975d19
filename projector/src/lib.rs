//! Studio's projector: folds the event log into the query views in Postgres (schema `views`),
//! applying each batch and its checkpoint in one transaction, and rebuilds them with `replay`.
//! [`audit`] proves the ledger from the log alone, for auditors, and [`report`] reads the economy
//! and its fraud flags out of it; [`web`] serves the views as read-only web pages. The views'
//! tables, row types and statements are `studio_views`'; the projector owns the pure [`fold`] and
//! when it runs ([`tail`], [`replay`], [`store`] for one batch).
//!
//! It must never write the log, and never patch a view by hand: a view is a pure fold of the log
//! ([`fold`]), so a replay from the first event gives byte-identical views.

pub mod audit;
pub mod carry;
pub mod config;
pub mod ddl;
pub mod export;
pub mod fold;
pub mod metrics;
pub mod replay;
pub mod report;
pub mod snapshots;
pub mod store;
pub mod tail;
pub mod web;

pub use config::Config;

use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;

/// Why the projector stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("postgres: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] studio_schema::migrate::Error),
    #[error(transparent)]
    Apply(#[from] store::ApplyError),
    #[error(transparent)]
    Read(#[from] studio_schema::log::ReadError),
    #[error("nats: {0}")]
    Nats(String),
    #[error("cannot serve metrics on STUDIO_METRICS_ADDR {0}: {1}")]
    Metrics(std::net::SocketAddr, std::io::Error),
    #[error("cannot serve the web pages on STUDIO_WEB_ADDR {0}: {1}")]
    Web(std::net::SocketAddr, std::io::Error),
    #[error("{0}")]
    Usage(String),
    #[error("a rebuild's fold stopped: {0}")]
    Internal(String),
}

/// Connects to Postgres and runs the log's migrations.
///
/// # Errors
/// Postgres is unreachable or a migration fails.
pub async fn connect(config: &Config) -> Result<PgPool, Error> {
    let pool = studio_schema::config::pool_options()
        .max_connections(4)
        .connect(&config.common.database_url)
        .await?;
    studio_schema::migrate::ensure(&pool).await?;
    Ok(pool)
}

/// Connects to Postgres for reading only (the auditor's commands): no migrations, and every
/// transaction read-only, so an audit cannot change what it audits.
///
/// # Errors
/// The URL is malformed or Postgres is unreachable.
pub async fn connect_read_only(database_url: &str) -> Result<PgPool, Error> {
    let options = database_url
        .parse::<PgConnectOptions>()?
        .options([("default_transaction_read_only", "on")]);
    Ok(studio_schema::config::pool_options()
        .max_connections(2)
        .connect_with(options)
        .await?)
}
