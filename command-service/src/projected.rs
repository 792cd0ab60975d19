//! How far the projector's views reach, guild by guild, as its notices say: an answer that shows
//! views waits for them to include the guild's latest events ([`crate::views::wait_for`]) and is
//! woken by the projector's notice instead of polling the checkpoint.
//!
//! The notices are a shortcut, never the truth: a position learnt here is one the projector
//! committed (it publishes after its commit, and views only move forward), and a lost notice only
//! sends the waiter back to reading the checkpoint.

use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use studio_schema::GuildId;
use studio_schema::notice::SeqNotice;
use tokio::sync::Notify;
use tracing::warn;

/// The views' position per guild, as far as this instance has heard.
#[derive(Clone, Debug, Default)]
pub struct Projected {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    seqs: Mutex<HashMap<GuildId, i64>>,
    moved: Notify,
}

impl Projected {
    /// The position the views of `guild` are known to have reached (0: nothing heard).
    #[must_use]
    pub fn of(&self, guild: GuildId) -> i64 {
        self.seqs().get(&guild).copied().unwrap_or(0)
    }

    /// Records that the views of `guild` reached `seq` (a notice, or a checkpoint read), and wakes
    /// the waiters.
    pub fn reached(&self, guild: GuildId, seq: i64) {
        let moved = {
            let mut seqs = self.seqs();
            let known = seqs.entry(guild).or_insert(0);
            let moved = seq > *known;
            *known = (*known).max(seq);
            moved
        };
        if moved {
            self.inner.moved.notify_waiters();
        }
    }

    /// Completes when any guild's views move on (or at once if one moved since `notified` was made).
    pub fn moved(&self) -> tokio::sync::futures::Notified<'_> {
        self.inner.moved.notified()
    }

    fn seqs(&self) -> std::sync::MutexGuard<'_, HashMap<GuildId, i64>> {
        // Positions only grow, so a map a panicking thread left behind is still right.
        self.inner
            .seqs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Follows the projector's notices on `subject` for as long as the instance runs.
    pub async fn follow(self, client: async_nats::Client, subject: String) {
        let mut notices = match client.subscribe(subject).await {
            Ok(s) => s,
            Err(err) => {
                warn!(error = %err, "projector notices not followed; answers poll the views");
                return;
            }
        };
        while let Some(message) = notices.next().await {
            if let Ok(notice) = serde_json::from_slice::<SeqNotice>(&message.payload) {
                self.reached(notice.guild_id, notice.last_seq);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_position_only_moves_forward() {
        let p = Projected::default();
        let g = GuildId(7);
        p.reached(g, 10);
        p.reached(g, 4);
        assert_eq!(p.of(g), 10);
        assert_eq!(p.of(GuildId(8)), 0);
    }

    #[tokio::test]
    async fn a_waiter_is_woken_when_the_views_move() {
        let p = Projected::default();
        let mover = p.clone();
        let moving = tokio::spawn(async move {
            for seq in 1.. {
                mover.reached(GuildId(1), seq);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        });
        let woke = tokio::time::timeout(Duration::from_secs(5), p.moved()).await;
        moving.abort();
        assert!(woke.is_ok(), "the waiter was not woken");
    }

    #[tokio::test]
    async fn a_waiter_sleeps_while_the_views_stay() {
        let p = Projected::default();
        p.reached(GuildId(1), 3);
        let woke = tokio::time::timeout(Duration::from_millis(50), p.moved()).await;
        assert!(woke.is_err(), "woken though nothing moved");
    }
}
