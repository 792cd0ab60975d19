//! Wiring: Postgres, JetStream, Discord REST, and one owner task per gateway partition
//! ([`crate::partition`]).

use crate::answer::{Answerer, Metrics};
use crate::config::Config;
use crate::partition::{self, Shared};
use async_nats::jetstream::{self, stream};
use secrecy::ExposeSecret;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use studio_schema::content::{self, Sealer};
use studio_schema::subjects::Subjects;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tracing::{info, warn};
use twilight_model::id::Id;

/// Why the service stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("postgres: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] studio_schema::migrate::Error),
    #[error("nats: {0}")]
    Nats(String),
    #[error("discord: {0}")]
    Discord(String),
    #[error("cannot serve metrics on STUDIO_METRICS_ADDR {0}: {1}")]
    Metrics(std::net::SocketAddr, std::io::Error),
}

fn nats<E: std::fmt::Display>(e: E) -> Error {
    Error::Nats(e.to_string())
}

/// Creates the gateway stream when it is missing (the gateway worker does the same), and shortens the
/// retention of a stream created with a longer one (streams of earlier versions kept 7 days): raw
/// dispatches, with their interaction tokens and modal contents, are kept only as long as this
/// service may need them ([`studio_schema::subjects::GATEWAY_RETENTION`]).
///
/// # Errors
/// JetStream is unreachable or refuses the stream.
pub async fn ensure_stream(
    js: &jetstream::Context,
    subjects: &Subjects,
) -> Result<stream::Stream, Error> {
    let wanted = subjects.gateway_stream_config();
    let mut stream = js
        .get_or_create_stream(wanted.clone())
        .await
        .map_err(nats)?;
    let current = stream.cached_info().config.clone();
    if current.max_age.is_zero() || current.max_age > wanted.max_age {
        info!(
            stream = %current.name,
            from_secs = current.max_age.as_secs(),
            to_secs = wanted.max_age.as_secs(),
            "shortening the gateway stream's retention"
        );
        js.update_stream(stream::Config {
            max_age: wanted.max_age,
            duplicate_window: current.duplicate_window.min(wanted.max_age),
            ..current
        })
        .await
        .map_err(nats)?;
        stream = js.get_stream(&wanted.name).await.map_err(nats)?;
    }
    Ok(stream)
}

/// Runs the command service until `shutdown` completes: every partition it can hold is applied in
/// order; the others are watched, to be taken over when their owner dies.
///
/// # Errors
/// A dependency is unreachable at start.
pub async fn run(config: Config, shutdown: impl Future<Output = ()>) -> Result<(), Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pool = studio_schema::config::pool_options()
        .max_connections(16)
        .connect(&config.common.database_url)
        .await?;
    studio_schema::migrate::ensure(&pool).await?;
    let sealer = Sealer::new(config.content_key.expose_secret());
    let sealed = content::seal_legacy(&pool, &sealer).await?;
    if sealed > 0 {
        info!(sealed, "sealed the code moved out of the event log");
    }
    let subjects = config.common.subjects();
    let client = config.common.connect_nats().await.map_err(nats)?;
    let js = jetstream::new(client.clone());
    let stream = ensure_stream(&js, &subjects).await?;

    let http = Arc::new(crate::discord::client::build(
        &config.discord_token,
        config.api_host.as_deref(),
    ));
    let application_id = match config.application_id {
        Some(id) => Id::new(id),
        None => {
            http.current_user_application()
                .await
                .map_err(|e| Error::Discord(e.to_string()))?
                .model()
                .await
                .map_err(|e| Error::Discord(e.to_string()))?
                .id
        }
    };
    let commands = crate::discord::commands::all();
    if let Err(err) = http
        .interaction(application_id)
        .set_global_commands(&commands)
        .await
    {
        warn!(error = %err, "could not register slash commands; continuing with what Discord has");
    } else {
        info!(count = commands.len(), "slash commands registered");
    }

    let answerer = Answerer {
        pool: pool.clone(),
        http,
        application_id,
        metrics: Arc::new(Metrics::default()),
        sealer,
        projected: crate::projected::Projected::default(),
    };
    let following = tokio::spawn(
        answerer
            .projected
            .clone()
            .follow(client.clone(), subjects.projected_notice()),
    );
    let partitions: Vec<u64> = match config.partition {
        Some(p) => vec![p],
        None => (0..subjects.partitions()).collect(),
    };
    let shared = Arc::new(Shared {
        pool,
        database_url: config.common.database_url.clone(),
        answerer: answerer.clone(),
        role_facts: crate::discord::role_facts::RoleFacts::new(answerer.http.clone()),
        uploads: crate::discord::uploads::Uploads::new(config.api_host.as_deref()),
        nats: client,
        stream,
        subjects: subjects.clone(),
        review_window: config.review_window,
        day: config.day,
        scheduler_every: config.scheduler_every,
        snapshot_every: config.snapshot_every,
        failpoint: config.failpoint,
        instance: uuid::Uuid::new_v4().simple().to_string(),
        held: AtomicUsize::new(0),
        leaving: AtomicUsize::new(0),
        partitions: u64::try_from(partitions.len()).unwrap_or(1),
        owned: partitions
            .iter()
            .map(|p| (*p, AtomicBool::new(false)))
            .collect(),
    });
    if let Some(addr) = config.metrics_addr {
        crate::metrics::serve(addr, shared.clone())
            .await
            .map_err(|e| Error::Metrics(addr, e))?;
    }
    let (stop, stopped) = watch::channel(false);
    let mut owners = JoinSet::new();
    owners.spawn(partition::keep_present(shared.clone(), stopped.clone()));
    for p in partitions {
        owners.spawn(partition::run(shared.clone(), p, stopped.clone()));
    }
    info!(stream = %subjects.gateway_stream(), partitions = shared.partitions, "command service ready");

    shutdown.await;
    let _ = stop.send(true);
    while owners.join_next().await.is_some() {}
    following.abort();
    let m = &answerer.metrics;
    info!(
        effects_sent = m.effects_sent.load(Ordering::Relaxed),
        effects_retried = m.effects_retried.load(Ordering::Relaxed),
        effects_failed = m.effects_failed.load(Ordering::Relaxed),
        duplicates = m.duplicates.load(Ordering::Relaxed),
        rejected = m.rejected.load(Ordering::Relaxed),
        stale_interactions = m.stale_interactions.load(Ordering::Relaxed),
        commands = m.decision_to_durable.count(),
        decision_to_durable_p50_ms = m.decision_to_durable.quantile_ms(0.50),
        decision_to_durable_p99_ms = m.decision_to_durable.quantile_ms(0.99),
        "command service stopped"
    );
    Ok(())
}
