//! One gateway partition, owned by one command service at a time.
//!
//! Ownership is a lease: a Postgres advisory lock held on a dedicated connection, so it dies with its
//! holder (a crash, a lost network). Other instances wait as hot standbys and take over within a
//! second or two. The owner reads the partition from JetStream with an ordered consumer starting just
//! after the position committed in Postgres, and commits each batch's events, processed commands,
//! outbox and new position in one transaction ([`batch`]). The position row is also a fence: an owner
//! that lost its lease without noticing fails to commit, and never answers what it did not commit.

mod batch;
mod operator;

use crate::answer::Answerer;
use crate::outbox::dispatch::Dispatcher;
use crate::writer::Writer;
use async_nats::jetstream::{self, consumer::DeliverPolicy, consumer::pull::OrderedConfig};
use futures_util::StreamExt;
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use studio_schema::GuildId;
use studio_schema::intake::{self, Partition};
use studio_schema::outbox;
use studio_schema::subjects::Subjects;
use tokio::sync::{mpsc, watch};
use tracing::{error, info, warn};

/// How often a standby tries for a lease, and an owner checks it still holds it.
const LEASE_EVERY: Duration = Duration::from_millis(500);
/// How often an owner moves its position past other partitions' dispatches ([`batch::Worker::catch_up`]):
/// well within the stream's retention, so a quiet partition's position is never older than it.
const CATCH_UP_EVERY: Duration = Duration::from_secs(10);
/// How often an owner looks for operators' requests for its guilds (`projector undo` waits for them).
const ASKED_EVERY: Duration = Duration::from_secs(1);
/// Dispatches taken from JetStream per batch at most.
const BATCH: usize = 512;
/// Dispatches read from JetStream ahead of the batch being applied, at most.
const READ_AHEAD: usize = 4 * BATCH;

/// What every partition of an instance shares.
pub struct Shared {
    pub pool: PgPool,
    pub database_url: String,
    pub answerer: Answerer,
    /// Discord's facts about a guild's roles, for a settings command that names one.
    pub role_facts: crate::discord::role_facts::RoleFacts,
    /// Fetches the files members attach to a command (`/import`).
    pub uploads: crate::discord::uploads::Uploads,
    pub nats: async_nats::Client,
    pub stream: jetstream::stream::Stream,
    pub subjects: Subjects,
    pub review_window: chrono::TimeDelta,
    /// How long a day of a deadline or a listing's time lasts ([`crate::config::Config::day`]).
    pub day: chrono::TimeDelta,
    pub scheduler_every: Duration,
    /// Events after which a guild's state is snapshotted again (0: never).
    pub snapshot_every: i64,
    pub failpoint: crate::config::Failpoint,
    /// This instance's name on its Postgres connections, for counting live instances.
    pub instance: String,
    /// How many partitions this instance holds now, and how many of them it is handing over.
    pub held: AtomicUsize,
    pub leaving: AtomicUsize,
    /// How many partitions there are.
    pub partitions: u64,
    /// Each partition this instance may hold, and whether it holds it now.
    pub owned: Vec<(u64, AtomicBool)>,
}

impl Shared {
    fn set_owned(&self, partition: u64, owned: bool) {
        if let Some((_, flag)) = self.owned.iter().find(|(p, _)| *p == partition) {
            flag.store(owned, Ordering::Relaxed);
        }
    }

    fn application_name(&self) -> String {
        format!(
            "studio-intake {} {}",
            self.subjects.gateway_stream(),
            self.instance
        )
    }

    async fn connect(&self) -> Result<PgConnection, sqlx::Error> {
        let options: sqlx::postgres::PgConnectOptions = self.database_url.parse()?;
        options
            .application_name(&self.application_name())
            .connect()
            .await
    }

    /// This instance's fair share of the partitions among the instances alive now (each keeps a
    /// connection named for its instance open: [`keep_present`]).
    async fn share(&self) -> usize {
        let prefix = format!("studio-intake {} %", self.subjects.gateway_stream());
        let live: i64 = sqlx::query_scalar!(
            r#"SELECT count(DISTINCT application_name) AS "n!" FROM pg_stat_activity
               WHERE application_name LIKE $1"#,
            prefix
        )
        .fetch_one(&self.pool)
        .await
        .unwrap_or(1);
        let live = u64::try_from(live.max(1)).unwrap_or(1);
        usize::try_from(self.partitions.div_ceil(live)).unwrap_or(usize::MAX)
    }

    /// Whether this instance may take one more partition, so several instances split them.
    async fn may_take_more(&self) -> bool {
        self.held.load(Ordering::Relaxed) < self.share().await
    }

    /// Whether one of this instance's partitions should go to an instance that started since (it holds
    /// more than its share); reserves the hand-over so only one partition leaves at a time.
    async fn hand_over_one(&self) -> bool {
        let share = self.share().await;
        self.leaving
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |leaving| {
                (self.held.load(Ordering::SeqCst).saturating_sub(leaving) > share)
                    .then_some(leaving + 1)
            })
            .is_ok()
    }
}

/// Keeps a connection named for this instance open while it runs, so the others count it in when
/// they split the partitions.
pub async fn keep_present(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut conn: Option<PgConnection> = None;
    loop {
        let alive = match conn.as_mut() {
            Some(c) => c.ping().await.is_ok(),
            None => false,
        };
        if !alive {
            conn = shared.connect().await.ok();
        }
        tokio::select! {
            _ = stop.changed() => if *stop.borrow() { return },
            () = tokio::time::sleep(LEASE_EVERY) => {}
        }
    }
}

/// Holds partition `number` whenever it can, until `stop` turns true.
pub async fn run(shared: Arc<Shared>, number: u64, mut stop: watch::Receiver<bool>) {
    let partition = Partition {
        stream: shared.subjects.gateway_stream(),
        partition: i32::try_from(number).unwrap_or(i32::MAX),
    };
    loop {
        let Some(lease) = acquire(&shared, &partition, &mut stop).await else {
            return;
        };
        shared.held.fetch_add(1, Ordering::SeqCst);
        shared.set_owned(number, true);
        let ended = own(&shared, &partition, lease, &mut stop).await;
        shared.set_owned(number, false);
        shared.held.fetch_sub(1, Ordering::SeqCst);
        match ended {
            Ok(()) => return,
            Err(Lost::HandedOver) => {
                shared.leaving.fetch_sub(1, Ordering::SeqCst);
                info!(%partition, "partition handed over to share the load; standing by");
            }
            Err(why) => {
                warn!(%partition, %why, "partition given up; standing by to take it again");
                tokio::time::sleep(LEASE_EVERY).await;
            }
        }
    }
}

/// Waits for the partition's lease. `None` when asked to stop.
async fn acquire(
    shared: &Shared,
    partition: &Partition,
    stop: &mut watch::Receiver<bool>,
) -> Option<PgConnection> {
    let mut told = false;
    let mut conn: Option<PgConnection> = None;
    loop {
        if *stop.borrow() {
            return None;
        }
        if shared.may_take_more().await {
            if conn.is_none() {
                conn = match shared.connect().await {
                    Ok(c) => Some(c),
                    Err(err) => {
                        warn!(%partition, error = %err, "postgres unreachable; lease not asked");
                        None
                    }
                };
            }
            if let Some(c) = conn.as_mut() {
                match intake::try_lease(c, partition).await {
                    Ok(true) => return conn,
                    Ok(false) => {
                        if !told {
                            info!(%partition, "partition held by another instance; standing by");
                            told = true;
                        }
                    }
                    Err(err) => {
                        warn!(%partition, error = %err, "lease not asked");
                        conn = None;
                    }
                }
            }
        }
        tokio::select! {
            _ = stop.changed() => {}
            () = tokio::time::sleep(LEASE_EVERY) => {}
        }
    }
}

/// Why an owner gave its partition up.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Lost {
    #[error("the lease connection died")]
    Lease,
    #[error("another instance moved the partition's position: it took the partition over")]
    Fenced,
    #[error("postgres: {0}")]
    Database(#[from] sqlx::Error),
    #[error("jetstream: {0}")]
    Stream(String),
    #[error("handed over to an instance that started since")]
    HandedOver,
}

/// Applies the partition while the lease holds. `Ok` when asked to stop.
async fn own(
    shared: &Shared,
    partition: &Partition,
    mut lease: PgConnection,
    stop: &mut watch::Receiver<bool>,
) -> Result<(), Lost> {
    let position = intake::position(&shared.pool, partition).await?;
    let released = outbox::release_claims(&shared.pool, partition).await?;
    let mut writer = Writer::new(shared.pool.clone(), shared.snapshot_every);
    let number = u64::try_from(partition.partition).unwrap_or(0);
    let owned = |g: GuildId| shared.subjects.partition_of(Some(g.get())) == number;
    match writer.load_known(owned).await {
        Ok(n) => info!(%partition, guilds = n, "guilds loaded from the log"),
        Err(err) => {
            warn!(%partition, error = %err, "guilds not preloaded; each loads when first needed")
        }
    }
    let mut worker = batch::Worker {
        shared,
        partition,
        writer,
        position,
        dispatcher: Dispatcher::start(shared.answerer.clone(), partition.clone()),
    };
    worker.check_retention().await;
    info!(%partition, position = worker.position, released,
          "partition owned: reading from just after its position");

    let mut messages = read_ahead(consumer(shared, partition, worker.position).await?);
    let mut lease_check = tokio::time::interval(LEASE_EVERY);
    let filter = shared.subjects.gateway_partition_filter(number);
    // Not at once: check_retention just looked, and the first batch and the scheduler's first look
    // go first, as they did before.
    let mut catch_up =
        tokio::time::interval_at(tokio::time::Instant::now() + CATCH_UP_EVERY, CATCH_UP_EVERY);
    catch_up.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut scheduler = tokio::time::interval(shared.scheduler_every);
    scheduler.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut asked = tokio::time::interval(ASKED_EVERY);
    asked.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.changed() => if *stop.borrow() { break },
            _ = lease_check.tick() => {
                if lease.ping().await.is_err() {
                    return Err(Lost::Lease);
                }
                if shared.hand_over_one().await {
                    worker.dispatcher.drain(Duration::from_secs(3)).await;
                    return Err(Lost::HandedOver);
                }
            }
            _ = scheduler.tick() => worker.run_due().await?,
            _ = asked.tick() => worker.run_asked().await?,
            _ = catch_up.tick() => worker.catch_up(&filter).await?,
            next = messages.queue.recv() => match next {
                Some(Ok(first)) => {
                    let mut chunk = vec![first];
                    // Whatever else is already here joins the batch (group commit); an error waits
                    // for the next turn, after the dispatches before it.
                    while chunk.len() < BATCH {
                        match messages.queue.try_recv() {
                            Ok(Ok(m)) => chunk.push(m),
                            Ok(Err(err)) => {
                                messages.ended = Some(err);
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    worker.apply(chunk).await?;
                    if let Some(err) = messages.ended.take() {
                        warn!(%partition, error = %err, "JetStream delivery error; reading again from the position");
                        messages = read_ahead(consumer(shared, partition, worker.position).await?);
                    }
                }
                Some(Err(err)) => {
                    warn!(%partition, error = %err, "JetStream delivery error; reading again from the position");
                    messages = read_ahead(consumer(shared, partition, worker.position).await?);
                }
                None => {
                    messages = read_ahead(consumer(shared, partition, worker.position).await?);
                }
            },
        }
    }
    // Answers and effects already committed go out before the lease is let go, within reason; what
    // is left, the next owner's sweeper sends.
    worker.dispatcher.drain(Duration::from_secs(3)).await;
    info!(%partition, position = worker.position, "partition released");
    drop(lease);
    Ok(())
}

/// Dispatches read ahead of the batches, in stream order.
struct ReadAhead {
    queue: mpsc::Receiver<Result<batch::Taken, String>>,
    /// An error taken from the queue while a batch was gathered, handled after that batch.
    ended: Option<String>,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Reads `messages` into a bounded queue from a task of its own, so JetStream keeps delivering (the
/// consumer asks for more only while it is read) and the intake reads each dispatch while a batch is
/// decided and committed. The queue
/// ends with the consumer's error, if any, after every dispatch before it; one reader, one queue, so
/// the order is the stream's.
fn read_ahead(mut messages: jetstream::consumer::pull::Ordered) -> ReadAhead {
    let (tx, queue) = mpsc::channel(READ_AHEAD);
    let reader = tokio::spawn(async move {
        while let Some(next) = messages.next().await {
            let failed = next.is_err();
            let taken = next
                .map(|m| batch::Taken::read(&m))
                .map_err(|e| e.to_string());
            if tx.send(taken).await.is_err() || failed {
                return;
            }
        }
    });
    ReadAhead {
        queue,
        ended: None,
        reader,
    }
}

/// An ordered consumer of the partition's subjects from just after `position`: stream order, no acks,
/// no redelivery; Postgres holds the position.
async fn consumer(
    shared: &Shared,
    partition: &Partition,
    position: u64,
) -> Result<jetstream::consumer::pull::Ordered, Lost> {
    let number = u64::try_from(partition.partition).unwrap_or(0);
    let config = OrderedConfig {
        filter_subject: shared.subjects.gateway_partition_filter(number),
        deliver_policy: if position == 0 {
            DeliverPolicy::All
        } else {
            DeliverPolicy::ByStartSequence {
                start_sequence: position + 1,
            }
        },
        ..Default::default()
    };
    let consumer = shared
        .stream
        .create_consumer(config)
        .await
        .map_err(|e| Lost::Stream(e.to_string()))?;
    consumer.messages().await.map_err(|e| {
        error!(error = %e, "ordered consumer not started");
        Lost::Stream(e.to_string())
    })
}
