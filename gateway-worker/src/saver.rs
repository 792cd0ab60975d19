//! Writes the shard's session position to Postgres from a task of its own, so a slow write never
//! holds the shard's frames (a position write used to stop the relay for as long as Postgres took,
//! every [`SAVE_EVERY`], and every dispatch behind it waited).
//!
//! One task writes, so saves never overtake each other: the latest position asked for is the one
//! written, at most every [`SAVE_EVERY`]; a new session is written at once and waited for.

use sqlx::PgPool;
use std::time::Duration;
use studio_schema::sessions::{self, StoredSession};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tracing::warn;

/// How often the session position is written while events flow.
const SAVE_EVERY: Duration = Duration::from_millis(200);

/// What the writer is asked to save: the session, numbered by each ask.
#[derive(Clone, Default)]
struct Wanted {
    asked: u64,
    session: Option<StoredSession>,
}

pub(crate) struct Saver {
    wanted: watch::Sender<Wanted>,
    /// The last ask written.
    saved: watch::Receiver<u64>,
    /// Wakes the writer out of its pause for a save that must not wait.
    urgent: std::sync::Arc<Notify>,
    writer: JoinHandle<()>,
}

impl Drop for Saver {
    fn drop(&mut self) {
        self.writer.abort();
    }
}

impl Saver {
    pub(crate) fn start(pool: PgPool, shard: u32) -> Self {
        let (wanted, asks) = watch::channel(Wanted::default());
        let (written, saved) = watch::channel(0);
        let urgent = std::sync::Arc::new(Notify::new());
        let writer = tokio::spawn(write(pool, shard, asks, written, urgent.clone()));
        Self {
            wanted,
            saved,
            urgent,
            writer,
        }
    }

    /// Asks for `session` to be saved, within [`SAVE_EVERY`]; a later ask replaces it.
    pub(crate) fn want(&self, session: &StoredSession) -> u64 {
        let mut asked = 0;
        self.wanted.send_modify(|w| {
            w.asked += 1;
            asked = w.asked;
            match w.session.as_mut() {
                Some(s) if s.session_id == session.session_id => s.sequence = session.sequence,
                _ => w.session = Some(session.clone()),
            }
        });
        asked
    }

    /// Saves `session` now and waits until it is written: a new session must not be lost, so
    /// nothing more is relayed before it is.
    pub(crate) async fn save_now(&mut self, session: &StoredSession) {
        let asked = self.want(session);
        self.urgent.notify_one();
        let _ = self.saved.wait_for(|w| *w >= asked).await;
    }

    /// Writes `session` at once and waits (at most `limit`: Postgres may be away) for it to be
    /// written, before the worker stops.
    pub(crate) async fn flush(&mut self, session: &StoredSession, limit: Duration) {
        let asked = self.want(session);
        self.urgent.notify_one();
        if tokio::time::timeout(limit, self.saved.wait_for(|w| *w >= asked))
            .await
            .is_err()
        {
            warn!("the last session position was not saved before stopping");
        }
    }
}

async fn write(
    pool: PgPool,
    shard: u32,
    mut asks: watch::Receiver<Wanted>,
    written: watch::Sender<u64>,
    urgent: std::sync::Arc<Notify>,
) {
    let mut retry = Duration::from_millis(100);
    while asks.changed().await.is_ok() {
        let wanted = asks.borrow_and_update().clone();
        let Some(session) = wanted.session else {
            continue;
        };
        match sessions::save(&pool, shard, &session).await {
            Ok(()) => {
                retry = Duration::from_millis(100);
                let _ = written.send(wanted.asked);
                tokio::select! {
                    () = tokio::time::sleep(SAVE_EVERY) => {}
                    () = urgent.notified() => {}
                }
            }
            Err(err) => {
                warn!(error = %err, "session position not saved; retrying");
                // Asked again, so the next turn writes the latest ask.
                asks.mark_changed();
                tokio::select! {
                    () = tokio::time::sleep(retry) => {}
                    () = urgent.notified() => {}
                }
                retry = (retry * 2).min(Duration::from_secs(5));
            }
        }
    }
}
