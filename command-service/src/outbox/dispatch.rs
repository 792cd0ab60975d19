//! The dispatcher of one partition's outbox, run by the instance that holds the partition.
//!
//! Effects committed by this instance arrive at once ([`Dispatcher::push`]) and are sent without a
//! database read: answers concurrently (Discord's 3-second window), every other effect in commit order
//! (a room is opened before members are let in). A sweeper takes what is left — effects whose claim
//! lapsed after a crash or a takeover, and transient failures due for another try — oldest first.
//! Done effects are marked in batches. A permanent failure is recorded and counted, never retried.

use super::Effect;
use super::send::Failure;
use crate::answer::Answerer;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use studio_schema::intake::Partition;
use studio_schema::outbox;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tracing::{info, warn};

/// How long the committing instance holds its effects before a sweeper may take them.
pub const CLAIM: Duration = Duration::from_secs(30);
/// Effects a sweep takes at most.
const SWEEP_BATCH: usize = 256;
const SWEEP_BATCH_ROWS: i64 = SWEEP_BATCH as i64;
/// How often the sweeper looks for effects left behind.
const SWEEP_EVERY: Duration = Duration::from_millis(500);
/// How long done effects stay in the outbox for operators, and how often older ones are deleted.
const KEEP_DONE: Duration = Duration::from_secs(7 * 24 * 3600);
const PRUNE_EVERY: Duration = Duration::from_secs(600);
/// Attempts of an effect that keeps failing for now before it is recorded as failed.
const MAX_ATTEMPTS: i32 = 12;

/// An effect with its outbox row.
#[derive(Debug)]
pub struct Job {
    pub id: i64,
    pub effect: Effect,
    /// Attempts so far (claims by a sweeper count).
    pub attempts: i32,
}

/// Sends one partition's effects; dropping it stops every task at once (a lost lease).
pub struct Dispatcher {
    jobs: mpsc::UnboundedSender<Job>,
    /// Effects handed over and not yet settled.
    in_flight: Arc<AtomicUsize>,
    _tasks: JoinSet<()>,
}

impl Dispatcher {
    /// Starts sending the partition's effects, beginning with any left pending by an earlier owner.
    #[must_use]
    pub fn start(answerer: Answerer, partition: Partition) -> Self {
        let (jobs, incoming) = mpsc::unbounded_channel();
        let (ordered_tx, ordered_rx) = mpsc::unbounded_channel();
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        let in_flight = Arc::new(AtomicUsize::new(0));
        let sending = Sending {
            answerer,
            done: done_tx,
            in_flight: in_flight.clone(),
        };
        let mut tasks = JoinSet::new();
        tasks.spawn(route(sending.clone(), incoming, ordered_tx));
        tasks.spawn(in_order(sending.clone(), ordered_rx));
        tasks.spawn(mark_done(sending.answerer.clone(), done_rx));
        tasks.spawn(sweep(sending, partition, jobs.clone()));
        Self {
            jobs,
            in_flight,
            _tasks: tasks,
        }
    }

    /// Hands over effects just committed.
    pub fn push(&self, job: Job) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        // The receiver lives as long as `self`; a closed channel means the tasks stopped, and the
        // sweeper of the partition's next owner sends the effect.
        let _ = self.jobs.send(job);
    }

    /// Waits (at most `limit`) for the effects handed over to be settled, before a graceful stop.
    pub async fn drain(&self, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        while self.in_flight.load(Ordering::Relaxed) > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// What the sending tasks share.
#[derive(Clone)]
struct Sending {
    answerer: Answerer,
    done: mpsc::UnboundedSender<Finished>,
    in_flight: Arc<AtomicUsize>,
}

type Finished = (i64, String);

async fn route(
    sending: Sending,
    mut incoming: mpsc::UnboundedReceiver<Job>,
    ordered: mpsc::UnboundedSender<Job>,
) {
    while let Some(job) = incoming.recv().await {
        if job.effect.is_answer() {
            let sending = sending.clone();
            tokio::spawn(async move {
                let result = sending
                    .answerer
                    .send(job.id, &job.effect, job.attempts > 0)
                    .await;
                settle(&sending, &job, result).await;
            });
        } else if ordered.send(job).is_err() {
            return;
        }
    }
}

async fn in_order(sending: Sending, mut jobs: mpsc::UnboundedReceiver<Job>) {
    let answerer = &sending.answerer;
    while let Some(job) = jobs.recv().await {
        let mut result = answerer.send(job.id, &job.effect, job.attempts > 0).await;
        // A short outage is ridden out in place, so the guild's effects keep their order.
        let mut pause = Duration::from_millis(100);
        for _ in 0..2 {
            if !matches!(result, Err(Failure::Transient(_))) {
                break;
            }
            tokio::time::sleep(pause).await;
            pause *= 4;
            result = answerer.send(job.id, &job.effect, job.attempts > 0).await;
        }
        settle(&sending, &job, result).await;
    }
}

/// Settles a job, and counts it out of what is in flight.
async fn settle(sending: &Sending, job: &Job, result: super::send::Done) {
    settle_job(&sending.answerer, job, result, &sending.done).await;
    // Saturating: a sweeper's jobs were never counted in.
    let _ = sending
        .in_flight
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
}

/// Records how a job ended: done, failed for good, or due again after a backoff.
async fn settle_job(
    answerer: &Answerer,
    job: &Job,
    result: super::send::Done,
    done: &mpsc::UnboundedSender<Finished>,
) {
    let finished = match result {
        Ok(how) => {
            answerer
                .metrics
                .effects_sent
                .fetch_add(1, Ordering::Relaxed);
            how
        }
        Err(Failure::Permanent(why)) => failed(answerer, job, format!("failed: {why}")),
        Err(Failure::Transient(why)) if job.attempts >= MAX_ATTEMPTS => failed(
            answerer,
            job,
            format!("failed after {} attempts: {why}", job.attempts),
        ),
        Err(Failure::Transient(why)) => {
            let backoff =
                Duration::from_millis(250) * 2u32.pow(job.attempts.clamp(0, 10).cast_unsigned());
            answerer
                .metrics
                .effects_retried
                .fetch_add(1, Ordering::Relaxed);
            warn!(effect = job.effect.kind(), id = job.id, error = %why, ?backoff,
                  "side effect failed for now; will retry");
            if let Err(err) = outbox::retry_later(
                &answerer.pool,
                job.id,
                backoff.min(Duration::from_secs(300)),
                &why,
            )
            .await
            {
                // The claim lapses by itself; the sweeper retries then.
                warn!(error = %err, "retry not recorded");
            }
            return;
        }
    };
    let _ = done.send((job.id, finished));
}

/// Counts and logs an effect that failed for good; returns what is recorded for it.
fn failed(answerer: &Answerer, job: &Job, result: String) -> String {
    let n = answerer
        .metrics
        .effects_failed
        .fetch_add(1, Ordering::Relaxed)
        + 1;
    warn!(effect = job.effect.kind(), id = job.id, %result, effects_failed_total = n,
          "side effect failed for good; recorded");
    result
}

async fn mark_done(answerer: Answerer, mut done: mpsc::UnboundedReceiver<Finished>) {
    let mut batch: Vec<Finished> = Vec::new();
    while done.recv_many(&mut batch, 512).await > 0 {
        let (ids, results): (Vec<i64>, Vec<String>) = batch.drain(..).unzip();
        let mut pause = Duration::from_millis(50);
        while let Err(err) = outbox::done(&answerer.pool, &ids, &results).await {
            // Not marked yet: a sweeper could send these again, so keep trying.
            warn!(error = %err, "sent effects not marked done; retrying");
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(5));
        }
    }
}

async fn sweep(sending: Sending, partition: Partition, jobs: mpsc::UnboundedSender<Job>) {
    let answerer = &sending.answerer;
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_prune: Option<tokio::time::Instant> = None;
    let mut backlog = false;
    loop {
        // A full sweep means more is waiting (a takeover's backlog): go on at once.
        if !backlog {
            tick.tick().await;
        }
        if last_prune.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            last_prune = Some(tokio::time::Instant::now());
            match outbox::prune(&answerer.pool, &partition, KEEP_DONE).await {
                Ok(0) => {}
                Ok(n) => info!(%partition, pruned = n, "effects done over a week ago deleted"),
                Err(err) => warn!(%partition, error = %err, "outbox not pruned"),
            }
        }
        let due = match outbox::claim_due(&answerer.pool, &partition, SWEEP_BATCH_ROWS, CLAIM).await
        {
            Ok(due) => due,
            Err(err) => {
                warn!(%partition, error = %err, "outbox unreadable; next sweep retries");
                backlog = false;
                continue;
            }
        };
        backlog = due.len() >= SWEEP_BATCH;
        if !due.is_empty() {
            info!(%partition, count = due.len(), "sending effects left pending");
        }
        for row in due {
            let effect = row
                .effect
                .and_then(|e| serde_json::from_value::<Effect>(e).ok());
            let Some(effect) = effect else {
                let _ =
                    outbox::done(&answerer.pool, &[row.id], &["failed: unreadable".into()]).await;
                continue;
            };
            let job = Job {
                id: row.id,
                effect,
                attempts: row.attempts,
            };
            if jobs.send(job).is_err() {
                return;
            }
        }
    }
}
