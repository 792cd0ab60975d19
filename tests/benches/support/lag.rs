//! Projection lag: how long after an event is committed the views show it, sampled from outside
//! the services. Every few milliseconds one statement reads the guild's head (`guild_heads`,
//! visible once committed) and the projector's checkpoint for it; each head seen is timed until a
//! checkpoint at or past it is seen. The figure is accurate to the sampling period.

use sqlx::PgPool;
use std::time::{Duration, Instant};
use studio_schema::GuildId;
use tokio::sync::watch;

/// How often the head and the checkpoint are read.
pub const EVERY: Duration = Duration::from_millis(2);

/// Samples `guild` until `stop` turns true; returns each committed head's lag.
pub async fn sample(
    pool: PgPool,
    guild: GuildId,
    mut stop: watch::Receiver<bool>,
) -> Vec<Duration> {
    let mut waiting: Vec<(i64, Instant)> = Vec::new();
    let mut lags = Vec::new();
    let mut last_head = 0;
    loop {
        if *stop.borrow() {
            return lags;
        }
        let row: Result<(Option<i64>, Option<i64>), _> = sqlx::query_as(
            "SELECT (SELECT last_seq FROM guild_heads WHERE guild_id = $1),
                    (SELECT last_seq FROM views.guild_checkpoints WHERE guild_id = $1)",
        )
        .bind(guild.0)
        .fetch_one(&pool)
        .await;
        let now = Instant::now();
        if let Ok((head, seen)) = row {
            let (head, seen) = (head.unwrap_or(0), seen.unwrap_or(0));
            if head > last_head {
                waiting.push((head, now));
                last_head = head;
            }
            waiting.retain(|(h, since)| {
                let shown = *h <= seen;
                if shown {
                    lags.push(now - *since);
                }
                !shown
            });
        }
        tokio::select! {
            _ = stop.changed() => {}
            () = tokio::time::sleep(EVERY) => {}
        }
    }
}
