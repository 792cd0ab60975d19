//! Projection lag: how long after an event is committed the views show it, sampled from outside
//! the services. Every few milliseconds one statement reads the guild's head (`guild_heads`,
//! visible once committed) and the projector's checkpoint for it; each head seen is timed until a
//! checkpoint at or past it is seen. The figure is accurate to the time between reads, which the
//! sampler also reports: it runs on a thread and a connection of its own, so the load generator
//! sharing the bench's runtime does not space its reads out.

use sqlx::{Connection, PgConnection};
use std::time::{Duration, Instant};
use studio_schema::GuildId;
use tokio::sync::watch;

/// How often the head and the checkpoint are read.
pub const EVERY: Duration = Duration::from_millis(2);

/// Starts sampling `guild` of the database at `url` on a thread of its own, until `stop` turns
/// true; the handle gives what it saw.
pub fn spawn(
    url: String,
    guild: GuildId,
    stop: watch::Receiver<bool>,
) -> std::thread::JoinHandle<Sampled> {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("the sampler's runtime");
        runtime.block_on(async move {
            let conn = PgConnection::connect(&url)
                .await
                .expect("the sampler's connection");
            sample(conn, guild, stop).await
        })
    })
}

/// What the sampler saw.
#[derive(Debug, Default)]
pub struct Sampled {
    /// Each committed head's lag.
    pub lags: Vec<Duration>,
    /// The time between one read's answer and the next's: a lag is only as accurate as these.
    pub gaps: Vec<Duration>,
}

/// Samples `guild` over `conn` until `stop` turns true.
async fn sample(
    mut conn: PgConnection,
    guild: GuildId,
    mut stop: watch::Receiver<bool>,
) -> Sampled {
    let mut waiting: Vec<(i64, Instant)> = Vec::new();
    let mut sampled = Sampled::default();
    let mut last_head = 0;
    let mut last_read: Option<Instant> = None;
    loop {
        if *stop.borrow() {
            return sampled;
        }
        let row: Result<(Option<i64>, Option<i64>), _> = sqlx::query_as(
            "SELECT (SELECT last_seq FROM guild_heads WHERE guild_id = $1),
                    (SELECT last_seq FROM views.guild_checkpoints WHERE guild_id = $1)",
        )
        .bind(guild.0)
        .fetch_one(&mut conn)
        .await;
        let now = Instant::now();
        if let Some(last) = last_read.replace(now) {
            sampled.gaps.push(now - last);
        }
        if let Ok((head, seen)) = row {
            let (head, seen) = (head.unwrap_or(0), seen.unwrap_or(0));
            if head > last_head {
                waiting.push((head, now));
                last_head = head;
            }
            waiting.retain(|(h, since)| {
                let shown = *h <= seen;
                if shown {
                    sampled.lags.push(now - *since);
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
