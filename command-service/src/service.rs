//! Wiring: Postgres, JetStream, Discord REST, and the loop that feeds batches to the [`Writer`].

use crate::answer::{self, Answerer, Metrics};
use crate::config::Config;
use crate::domain::{Command, Commission};
use crate::intake::{self, Incoming, ReplyTo};
use crate::writer::{Pending, Writer};
use async_nats::jetstream::{self, AckKind, Message, consumer::pull, stream};
use chrono::Utc;
use futures_util::StreamExt;
use sqlx::postgres::PgPoolOptions;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use studio_schema::notice::SeqNotice;
use studio_schema::subjects::Subjects;
use studio_schema::{GuildId, MIGRATOR, UserId};
use tracing::{error, info, instrument, warn};
use twilight_model::id::Id;

/// Attempts to settle a batch before its messages are handed back to JetStream.
const SETTLE_ATTEMPTS: u32 = 4;
/// Messages taken from JetStream per batch at most.
const BATCH: usize = 512;

/// Why the service stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("postgres: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("nats: {0}")]
    Nats(String),
    #[error("discord: {0}")]
    Discord(String),
}

fn nats<E: std::fmt::Display>(e: E) -> Error {
    Error::Nats(e.to_string())
}

/// Creates (or checks) the gateway stream; the gateway worker does the same.
///
/// # Errors
/// JetStream is unreachable or refuses the stream.
pub async fn ensure_stream(
    js: &jetstream::Context,
    subjects: &Subjects,
) -> Result<stream::Stream, Error> {
    js.get_or_create_stream(subjects.gateway_stream_config())
        .await
        .map_err(nats)
}

/// Runs the command service until `shutdown` completes.
///
/// # Errors
/// A dependency is unreachable at start, or JetStream stops delivering.
pub async fn run(config: Config, shutdown: impl Future<Output = ()>) -> Result<(), Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .connect(&config.common.database_url)
        .await?;
    MIGRATOR.run(&pool).await?;
    let subjects = config.common.subjects();
    let client = async_nats::connect(&config.common.nats_url)
        .await
        .map_err(nats)?;
    let js = jetstream::new(client.clone());
    let stream = ensure_stream(&js, &subjects).await?;
    let filter = config.partition.map_or_else(
        || subjects.gateway_wildcard(),
        |p| subjects.gateway_partition_filter(p),
    );
    let consumer: jetstream::consumer::Consumer<pull::Config> = stream
        .get_or_create_consumer(
            &config.consumer,
            pull::Config {
                durable_name: Some(config.consumer.clone()),
                filter_subject: filter,
                ack_policy: jetstream::consumer::AckPolicy::Explicit,
                ack_wait: config.ack_wait,
                max_ack_pending: 20_000,
                ..Default::default()
            },
        )
        .await
        .map_err(nats)?;

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
    };
    let mut writer = Writer::new(pool, config.crash_after_append);
    let owned = |g: GuildId| {
        config
            .partition
            .is_none_or(|p| subjects.partition_of(Some(g.get())) == p)
    };
    match writer.load_known(owned).await {
        Ok(n) => info!(guilds = n, "guilds loaded from the log"),
        Err(err) => warn!(error = %err, "guilds not preloaded; each loads when first needed"),
    }
    let mut scheduler = tokio::time::interval(config.scheduler_every);
    scheduler.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut messages = consumer.messages().await.map_err(nats)?.ready_chunks(BATCH);
    info!(consumer = %config.consumer, stream = %subjects.gateway_stream(), "command service ready");

    tokio::pin!(shutdown);
    loop {
        let chunk = tokio::select! {
            () = &mut shutdown => break,
            _ = scheduler.tick() => {
                run_due(&mut writer, &answerer, &client, &subjects).await;
                continue;
            }
            chunk = messages.next() => match chunk {
                Some(chunk) => chunk,
                None => return Err(Error::Nats("JetStream stopped delivering".into())),
            },
        };
        let batch: Vec<Message> = chunk
            .into_iter()
            .filter_map(|m| {
                m.map_err(|e| warn!(error = %e, "JetStream delivery error"))
                    .ok()
            })
            .collect();
        handle_batch(
            &mut writer,
            &answerer,
            &client,
            &subjects,
            config.review_window,
            batch,
        )
        .await;
    }
    let m = &answerer.metrics;
    info!(
        answered = m.answered.load(Ordering::Relaxed),
        duplicates = m.duplicates.load(Ordering::Relaxed),
        stale_interactions = m.stale_interactions.load(Ordering::Relaxed),
        commands = m.decision_to_durable.count(),
        decision_to_durable_p50_ms = m.decision_to_durable.quantile_ms(0.50),
        decision_to_durable_p99_ms = m.decision_to_durable.quantile_ms(0.99),
        "command service stopped"
    );
    Ok(())
}

/// One guild's share of a batch, in arrival order.
#[derive(Default)]
struct GuildBatch {
    commands: Vec<(Pending, ReplyTo, Message)>,
    queries: Vec<(
        Box<twilight_model::application::interaction::Interaction>,
        Message,
    )>,
}

#[instrument(skip_all, fields(size = batch.len()))]
async fn handle_batch(
    writer: &mut Writer,
    answerer: &Answerer,
    client: &async_nats::Client,
    subjects: &Subjects,
    review_window: chrono::TimeDelta,
    batch: Vec<Message>,
) {
    let mut order: Vec<GuildId> = Vec::new();
    let mut guilds: HashMap<GuildId, GuildBatch> = HashMap::new();
    for message in batch {
        let event_type = message
            .subject
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .to_owned();
        let command_id = message
            .headers
            .as_ref()
            .and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID))
            .map(|v| v.as_str().to_owned());
        // When JetStream stored it: the gateway's receive time, decided once for the command.
        let received_at = message
            .info()
            .ok()
            .and_then(|i| i64::try_from(i.published.unix_timestamp_nanos()).ok())
            .map(chrono::DateTime::from_timestamp_nanos)
            .unwrap_or_else(Utc::now);
        let incoming = match intake::read(&event_type, &message.payload, received_at) {
            Ok(incoming) => incoming,
            Err(err) => {
                warn!(%event_type, error = %err, "malformed dispatch dropped");
                answer::ack(&message, AckKind::Term).await;
                continue;
            }
        };
        match incoming {
            Incoming::Ignore => answer::ack(&message, AckKind::Ack).await,
            Incoming::Unreadable { id, token, command } => {
                warn!(interaction = %id, "unreadable interaction refused");
                tokio::spawn(
                    answerer
                        .clone()
                        .refuse_unreadable(id, token, command, message),
                );
            }
            Incoming::Refuse {
                interaction,
                reason,
            } => {
                tokio::spawn(answerer.clone().refuse(interaction, reason, message));
            }
            Incoming::Query { guild, interaction } => entry(&mut order, &mut guilds, guild)
                .queries
                .push((interaction, message)),
            Incoming::Command {
                guild,
                own_id,
                mut command,
                reply,
            } => {
                if let Command::Commission(Commission::Deliver {
                    review_window: window,
                    ..
                }) = &mut command
                {
                    *window = review_window;
                }
                if let ReplyTo::Interaction(i) = &reply
                    && answer::is_stale(&answerer.metrics, i)
                {
                    answer::ack(&message, AckKind::Ack).await;
                    continue;
                }
                let Some(command_id) = own_id.or(command_id) else {
                    warn!(%event_type, "dispatch without Nats-Msg-Id dropped");
                    answer::ack(&message, AckKind::Term).await;
                    continue;
                };
                let actor = match &reply {
                    ReplyTo::Interaction(i) => i.author_id().map(|a| UserId::from_u64(a.get())),
                    _ => None,
                };
                let pending = Pending {
                    command_id,
                    actor,
                    command,
                };
                entry(&mut order, &mut guilds, guild)
                    .commands
                    .push((pending, reply, message));
            }
        }
    }

    for guild in order {
        let Some(mut batch) = guilds.remove(&guild) else {
            continue;
        };
        if !batch.commands.is_empty() {
            batch.commands = defer_late(
                answerer,
                std::mem::take(&mut batch.commands),
                answer::DEFER_AFTER,
            )
            .await;
            let started = std::time::Instant::now();
            match settle_retrying(writer, answerer, guild, &mut batch.commands).await {
                Ok(settled) => {
                    answerer
                        .metrics
                        .decision_to_durable
                        .record_many(started.elapsed(), settled.len());
                    for ((_, reply, message), settled) in batch.commands.into_iter().zip(settled) {
                        tokio::spawn(answerer.clone().settled(reply, settled, message));
                    }
                }
                Err(err) => {
                    error!(%guild, error = %err, "batch not settled; it will be redelivered");
                    for (_, reply, message) in &batch.commands {
                        // A deferred member would otherwise wait on "thinking…" for 15 minutes: the
                        // redelivery comes too late to be answered.
                        if let ReplyTo::Deferred(i) = reply {
                            answerer.unsure(i).await;
                        }
                        answer::ack(message, AckKind::Nak(Some(Duration::from_secs(1)))).await;
                    }
                }
            }
        }
        let head = match writer.head(guild).await {
            Ok(head) => head,
            Err(err) => {
                error!(%guild, error = %err, "guild unavailable");
                for (_, message) in &batch.queries {
                    answer::ack(message, AckKind::Nak(Some(Duration::from_secs(1)))).await;
                }
                continue;
            }
        };
        notify(client, subjects, guild, head).await;
        for (interaction, message) in batch.queries {
            tokio::spawn(answerer.clone().query(guild, head, interaction, message));
        }
    }
}

/// Defers the answer of every interaction older than `after` (close to Discord's 3-second window),
/// so the batch may take its time: those are answered by editing the deferred response.
async fn defer_late(
    answerer: &Answerer,
    commands: Vec<(Pending, ReplyTo, Message)>,
    after: Duration,
) -> Vec<(Pending, ReplyTo, Message)> {
    let deferrals = commands
        .into_iter()
        .map(|(pending, reply, message)| async move {
            match reply {
                ReplyTo::Interaction(i) if answer::age(&i) > after => {
                    if answerer.defer(&i).await {
                        (pending, ReplyTo::Deferred(i), message)
                    } else {
                        (pending, ReplyTo::Interaction(i), message)
                    }
                }
                other => (pending, other, message),
            }
        });
    futures_util::future::join_all(deferrals).await
}

/// Settles a guild's batch, retrying in place through short outages so the guild's commands keep
/// their order (a nak would let later dispatches overtake them).
/// Interactions still waiting are deferred before each pause, so the wait cannot make them late.
async fn settle_retrying(
    writer: &mut Writer,
    answerer: &Answerer,
    guild: GuildId,
    commands: &mut Vec<(Pending, ReplyTo, Message)>,
) -> Result<Vec<crate::writer::Settled>, crate::writer::WriteError> {
    let pending: Vec<Pending> = commands.iter().map(|(p, _, _)| p.clone()).collect();
    let mut delay = Duration::from_millis(100);
    let mut attempt = 1;
    loop {
        match writer.settle(guild, &pending, Utc::now()).await {
            Ok(settled) => return Ok(settled),
            Err(err) if attempt < SETTLE_ATTEMPTS => {
                warn!(%guild, attempt, error = %err, "batch not settled; retrying");
                *commands = defer_late(answerer, std::mem::take(commands), Duration::ZERO).await;
                tokio::time::sleep(delay).await;
                delay *= 3;
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

fn entry<'a>(
    order: &mut Vec<GuildId>,
    guilds: &'a mut HashMap<GuildId, GuildBatch>,
    guild: GuildId,
) -> &'a mut GuildBatch {
    if !guilds.contains_key(&guild) {
        order.push(guild);
    }
    guilds.entry(guild).or_default()
}

/// Decides what the clock has made due (escrows whose review window passed) in every guild this
/// writer holds. Each due command is keyed by what it acts on, so two replicas, a restart or a
/// repeated tick settle it once.
async fn run_due(
    writer: &mut Writer,
    answerer: &Answerer,
    client: &async_nats::Client,
    subjects: &Subjects,
) {
    let now = Utc::now();
    for (guild, due) in writer.due(now) {
        match writer.settle(guild, &due, now).await {
            Ok(settled) => {
                for settled in settled {
                    if let crate::writer::Settled::Decided(outcome) = settled {
                        tokio::spawn(answerer.clone().notify(outcome));
                    }
                }
                if let Ok(head) = writer.head(guild).await {
                    notify(client, subjects, guild, head).await;
                }
            }
            Err(err) => warn!(%guild, error = %err, "due commands not settled; next tick retries"),
        }
    }
}

/// Wakes the projector; a lost notice only delays it until its next poll.
async fn notify(client: &async_nats::Client, subjects: &Subjects, guild: GuildId, last_seq: i64) {
    let notice = SeqNotice {
        guild_id: guild,
        last_seq,
    };
    if let Ok(body) = serde_json::to_vec(&notice)
        && let Err(err) = client
            .publish(subjects.appended_notice(), body.into())
            .await
    {
        warn!(error = %err, "append notice not published");
    }
}
