//! The live projector: applies new events to `views` as soon as an append notice arrives, and
//! polls slowly in case a notice is lost.

use crate::config::Config;
use crate::fold::Rows;
use crate::store::{self, Applied, ApplyError};
use crate::{Error, ddl};
use futures_util::{FutureExt, Stream, StreamExt};
use sqlx::PgPool;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;
use studio_schema::GuildId;
use studio_schema::notice::SeqNotice;
use studio_schema::subjects::Subjects;
use studio_schema::views::SCHEMA;
use studio_views::checkpoints::{self, Checkpoint};
use tracing::{debug, info, warn};

/// Creates the live views if they do not exist yet. Returns the layout version of the live views.
///
/// # Errors
/// The database refuses.
pub async fn ensure_views(pool: &PgPool) -> Result<Option<i32>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    store::lock(&mut tx).await?;
    if !ddl::exists(&mut tx, SCHEMA).await? {
        ddl::create(&mut tx, SCHEMA).await?;
        info!("views created");
    }
    let layout = ddl::layout(&mut tx, SCHEMA).await?;
    tx.commit().await?;
    Ok(layout)
}

/// Where the live views stood after the tail's last batch, and the rows the tail holds as that batch
/// left them (see [`store::apply_from`]); `None` when the tail must read where the views stand.
pub type Known = Option<(Checkpoint, Rows)>;

/// Applies one batch to the live views, from `known`: where the views stood after this tail's
/// last batch and the rows it wrote (read from the views when `None`, holding no rows). Returns
/// what it applied; `known` is where the views stand now and the rows it holds, or `None` after a
/// failure (read again next time).
///
/// # Errors
/// The log or the views are unavailable.
pub async fn step(pool: &PgPool, config: &Config, known: &mut Known) -> Result<Applied, Error> {
    loop {
        let mut tx = store::begin_live(pool).await?;
        let (from, mut held) = match known.take() {
            Some(known) => known,
            None => (checkpoints::read(&mut tx).await?, Rows::default()),
        };
        match store::apply_from(
            &mut tx,
            from,
            &mut held,
            config.batch,
            config.crash_mid_batch,
        )
        .await
        {
            // Another projector or a rebuild moved the views: roll back, read where they are.
            Err(ApplyError::Moved) => {}
            applied => {
                let applied = applied?;
                tx.commit().await?;
                *known = Some((applied.checkpoint, held));
                return Ok(applied);
            }
        }
    }
}

/// Tells the command services how far each guild's views now reach, so an answer waiting for them
/// goes at once; a lost notice only makes it read the checkpoint.
async fn tell_projected(client: &async_nats::Client, subjects: &Subjects, applied: &Applied) {
    for (guild, last_seq) in &applied.guilds {
        let notice = SeqNotice {
            guild_id: GuildId(*guild),
            last_seq: *last_seq,
        };
        if let Ok(body) = serde_json::to_vec(&notice)
            && let Err(err) = client
                .publish(subjects.projected_notice(), body.into())
                .await
        {
            warn!(error = %err, "projected notice not published");
        }
    }
}

/// Tails the log until `shutdown` completes.
///
/// # Errors
/// NATS is unreachable at start.
pub async fn run(
    pool: PgPool,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    if let Some(addr) = config.metrics_addr {
        // Served from the start, so a rebuild's progress can be watched.
        crate::metrics::serve(addr, pool.clone(), config.counters.clone())
            .await
            .map_err(|e| Error::Metrics(addr, e))?;
    }
    // The pages read the views as they are, a rebuild's old ones included, from their own pool.
    crate::web::serve(
        config.web_addr,
        &config.common.database_url,
        config.audit_token.clone(),
    )
    .await?;
    let layout = ensure_views(&pool).await?;
    if layout != Some(ddl::LAYOUT_VERSION) {
        // Views are rebuilt, never patched: views of an older layout lack tables this build writes.
        info!(
            ?layout,
            current = ddl::LAYOUT_VERSION,
            "views have an older layout; rebuilding them from the log"
        );
        crate::replay::replay(&pool, &config, false).await?;
    }
    let subjects = config.common.subjects();
    let client = config
        .common
        .connect_nats()
        .await
        .map_err(|e| Error::Nats(e.to_string()))?;
    let mut notices = Some(
        client
            .subscribe(subjects.appended_notice())
            .await
            .map_err(|e| Error::Nats(e.to_string()))?,
    );
    info!("projector tailing the log");
    tokio::pin!(shutdown);
    let mut known = None;
    loop {
        // The notices that came meanwhile are all answered by the step below, which reads
        // whatever is committed now; one that comes during it wakes the next.
        if let Some(queued) = notices.as_mut() {
            while let Some(Some(_)) = queued.next().now_or_never() {}
        }
        loop {
            match step(&pool, &config, &mut known).await {
                Ok(applied) if applied.events == 0 => break,
                Ok(applied) => {
                    let full = i64::try_from(applied.events).is_ok_and(|n| n >= config.batch);
                    config
                        .counters
                        .events_applied
                        .fetch_add(applied.events as u64, Ordering::Relaxed);
                    debug!(events = applied.events, "batch applied");
                    tell_projected(&client, &subjects, &applied).await;
                    if !full {
                        // Everything readable was read: what is committed next sends a notice.
                        break;
                    }
                }
                Err(err) => {
                    config
                        .counters
                        .batches_failed
                        .fetch_add(1, Ordering::Relaxed);
                    warn!(error = %err, "batch not applied; retrying");
                    break;
                }
            }
        }
        tokio::select! {
            () = &mut shutdown => break,
            () = wait(&mut notices, config.poll) => {}
        }
    }
    info!("projector stopped");
    Ok(())
}

/// Waits for the next append notice, at most `poll`. Notices that have ended (the NATS client gave
/// up) are dropped with a warning and the tail goes on polling, rather than stepping without pause.
async fn wait<S: Stream + Unpin>(notices: &mut Option<S>, poll: Duration) {
    let notice = async {
        match notices.as_mut() {
            Some(stream) => stream.next().await.is_some(),
            None => std::future::pending().await,
        }
    };
    let open = tokio::select! {
        open = notice => open,
        () = tokio::time::sleep(poll) => true,
    };
    if !open {
        warn!(?poll, "append notices ended; polling the log instead");
        *notices = None;
    }
}

#[cfg(test)]
mod tests {
    use super::wait;
    use futures_util::stream;
    use std::time::Duration;
    use tokio::time::Instant;

    const POLL: Duration = Duration::from_secs(5);

    #[tokio::test(start_paused = true)]
    async fn a_notice_wakes_the_tail_at_once() {
        let mut notices = Some(stream::iter([()]));
        let start = Instant::now();
        wait(&mut notices, POLL).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert!(notices.is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn ended_notices_leave_the_tail_polling_not_spinning() {
        let mut notices = Some(stream::empty::<()>());
        wait(&mut notices, POLL).await;
        assert!(notices.is_none(), "the ended notices are dropped");
        let start = Instant::now();
        for _ in 0..3 {
            wait(&mut notices, POLL).await;
        }
        assert_eq!(start.elapsed(), POLL * 3, "each wait lasts the whole poll");
    }
}
