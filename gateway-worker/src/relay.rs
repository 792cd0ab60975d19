//! The shard loop: read frames, publish the wanted dispatches with pipelined acks, and record the
//! session sequence only once every dispatch up to it is acknowledged by JetStream. A new session
//! is saved as soon as its READY is read.

use crate::config::Config;
use crate::connection::{Seen, Tracker};
use crate::dispatch::{self, Frame};
use crate::metrics::Counters;
use crate::saver::Saver;
use async_nats::jetstream::{self, context::PublishErrorKind, message::PublishMessage};
use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::FuturesOrdered;
use secrecy::ExposeSecret;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use studio_schema::sessions::{self, StoredSession};
use studio_schema::subjects::Subjects;
use tracing::{debug, error, info, warn};
use twilight_gateway::{CloseFrame, ConfigBuilder, Intents, Message, Session, Shard, ShardId};
use twilight_model::gateway::payload::outgoing::RequestGuildMembers;
use twilight_model::id::{Id, marker::GuildMarker};

/// Publishes awaiting their JetStream ack at most.
const MAX_IN_FLIGHT: usize = 1024;
/// How long a stopping worker waits for its last position to be saved.
const LAST_SAVE: Duration = Duration::from_secs(5);

/// Why the worker stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("postgres: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] studio_schema::migrate::Error),
    #[error("nats: {0}")]
    Nats(String),
    #[error("discord closed the gateway for good: {0}")]
    Fatal(String),
    #[error("cannot serve metrics on STUDIO_METRICS_ADDR {0}: {1}")]
    Metrics(std::net::SocketAddr, std::io::Error),
}

/// The intents Studio's features need: guilds and members (tenure), messages and their content
/// (XP), reactions (reputation).
#[must_use]
pub fn intents() -> Intents {
    Intents::GUILDS
        | Intents::GUILD_MEMBERS
        | Intents::GUILD_MESSAGES
        | Intents::MESSAGE_CONTENT
        | Intents::GUILD_MESSAGE_REACTIONS
}

/// Runs the shard until `shutdown` completes, then closes it resumably and records the session.
///
/// # Errors
/// A dependency is unreachable at start, or Discord closes the gateway fatally.
pub async fn run(config: Config, shutdown: impl Future<Output = ()>) -> Result<(), Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pool = studio_schema::config::pool_options()
        .max_connections(2)
        .connect(&config.common.database_url)
        .await?;
    studio_schema::migrate::ensure(&pool).await?;
    let subjects = config.common.subjects();
    let client = config
        .common
        .connect_nats()
        .await
        .map_err(|e| Error::Nats(e.to_string()))?;
    let counters = Arc::new(Counters::default());
    if let Some(addr) = config.metrics_addr {
        crate::metrics::serve(addr, counters.clone(), client.clone())
            .await
            .map_err(|e| Error::Metrics(addr, e))?;
    }
    let js = jetstream::new(client);
    js.get_or_create_stream(subjects.gateway_stream_config())
        .await
        .map_err(|e| Error::Nats(e.to_string()))?;

    let stored = sessions::load(&pool, config.shard).await?;
    let mut builder = ConfigBuilder::new(config.token.expose_secret().to_owned(), intents());
    if let Some(url) = &config.gateway_url {
        builder = builder.proxy_url(url.clone());
    }
    let mut current = stored.clone();
    if let Some(s) = stored {
        info!(session = %s.session_id, seq = s.sequence, "resuming the stored Discord session");
        builder = builder.session(Session::new(s.sequence, s.session_id));
        // A local gateway (DISCORD_GATEWAY_URL) takes every connection; otherwise only Discord's
        // own hosts receive the RESUME, which carries the token.
        if config.gateway_url.is_some() || crate::resume::trusted(&s.resume_url) {
            builder = builder.resume_url(s.resume_url);
        } else {
            warn!(url = %s.resume_url, "stored resume URL is not Discord's; resuming through the default gateway");
        }
    }
    let mut shard = Shard::with_config(
        ShardId::new(config.shard, config.shard_count),
        builder.build(),
    );
    let mut relay = Relay {
        js,
        subjects,
        in_flight: FuturesOrdered::new(),
        saver: Saver::start(pool, config.shard),
        counters,
        tracker: Tracker::default(),
    };

    tokio::pin!(shutdown);
    let result = loop {
        tokio::select! {
            () = &mut shutdown => break Ok(()),
            Some(done) = relay.in_flight.next(), if !relay.in_flight.is_empty() => {
                relay.published(&mut current, done);
            }
            frame = shard.next(), if relay.in_flight.len() < MAX_IN_FLIGHT => match frame {
                Some(Ok(Message::Text(json))) => {
                    relay.seen(Seen::frame(&json), shard.state());
                    if let Some(guild) = relay.frame(json, &mut current).await {
                        // GUILD_CREATE lists only some members of a large guild: ask for all of
                        // them, so every member's joined_at seeds their tenure.
                        shard.command(&RequestGuildMembers::builder(guild).query("", None));
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    relay.seen(Some(Seen::Closed(frame.as_ref().map(|f| f.code))), shard.state());
                    debug!(?frame, "gateway closed; twilight reconnects");
                }
                Some(Err(err)) => {
                    relay.seen(None, shard.state());
                    warn!(error = %err, "gateway receive error; twilight reconnects");
                }
                None => {
                    relay.seen(None, shard.state());
                    break Err(Error::Fatal("the shard stopped (bad token or intents?)".into()));
                }
            },
        }
    };
    shard.close(CloseFrame::RESUME);
    while let Some(done) = relay.in_flight.next().await {
        relay.published(&mut current, done);
    }
    if let Some(session) = &current {
        relay.saver.flush(session, LAST_SAVE).await;
    }
    info!("gateway worker stopped; session kept for resume");
    result
}

struct Relay {
    js: jetstream::Context,
    subjects: Subjects,
    /// Each dispatch in order, resolving to its (session, sequence) once safely published.
    in_flight: FuturesOrdered<BoxFuture<'static, (String, u64)>>,
    /// Writes the session's position from a task of its own.
    saver: Saver,
    /// What `/metrics` shows, and the connection as the shard's messages tell it.
    counters: Arc<Counters>,
    tracker: Tracker,
}

impl Relay {
    /// Counts what a message the shard yielded says about its connection, and its state after it.
    fn seen(&mut self, seen: Option<Seen>, state: twilight_gateway::ShardState) {
        if let Some(seen) = seen {
            self.counters.count(self.tracker.see(seen));
        }
        self.counters.set_state(state);
    }

    /// Relays one frame. Returns the guild whose member list should be requested, after its
    /// GUILD_CREATE.
    async fn frame(
        &mut self,
        json: String,
        current: &mut Option<StoredSession>,
    ) -> Option<Id<GuildMarker>> {
        let frame = dispatch::read(&json);
        if !matches!(frame, Frame::Unreadable | Frame::NotDispatch) {
            self.counters.received.fetch_add(1, Ordering::Relaxed);
        }
        let (seq, event_type, routing) = match frame {
            Frame::Unreadable => {
                warn!("unreadable gateway frame skipped");
                return None;
            }
            Frame::NotDispatch => return None,
            Frame::Ready {
                seq,
                session_id,
                resume_url,
            } => {
                // READY is not published, so its own seq is handled once read, and nothing of
                // the new session precedes it. Saved before the next frame: a worker killed
                // right after connecting still resumes instead of identifying anew.
                let session = StoredSession {
                    session_id,
                    sequence: seq,
                    resume_url,
                };
                self.save_now(&session).await;
                info!(session = %session.session_id, seq, "gateway session ready and saved");
                *current = Some(session);
                return None;
            }
            Frame::Unpublished { seq, bad_ready } => {
                if bad_ready {
                    warn!("READY without a session id");
                }
                let session = current.as_ref().map(|s| s.session_id.clone())?;
                self.in_flight
                    .push_back(Box::pin(async move { (session, seq) }));
                return None;
            }
            Frame::Publish {
                seq,
                event_type,
                routing,
            } => (seq, event_type, routing),
        };
        let session = current.as_ref().map(|s| s.session_id.clone())?;
        let request_members = (event_type == "GUILD_CREATE")
            .then_some(routing.guild_id)
            .flatten()
            .and_then(Id::new_checked);
        let subject = self.subjects.gateway_subject(routing.guild_id, event_type);
        let id = dispatch::message_id(&routing, &session, seq);
        let payload = Bytes::from(json);
        let js = self.js.clone();
        let counters = self.counters.clone();
        let first = js
            .send_publish(subject.clone(), publish(&id, &payload))
            .await;
        self.in_flight.push_back(Box::pin(async move {
            let mut attempt = match first {
                Ok(ack) => ack.await.map(|_| true).map_err(|e| e.to_string()),
                Err(e) if e.kind() == PublishErrorKind::MaxPayloadExceeded => {
                    // Retrying cannot help; holding it would stall the shard and its session.
                    error!(%subject, error = %e, "dispatch larger than NATS max_payload dropped");
                    Ok(false)
                }
                Err(e) => Err(e.to_string()),
            };
            let mut delay = Duration::from_millis(100);
            while let Err(err) = attempt {
                counters.publish_failures.fetch_add(1, Ordering::Relaxed);
                warn!(%subject, error = %err, "publish not acknowledged; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
                attempt = match js
                    .send_publish(subject.clone(), publish(&id, &payload))
                    .await
                {
                    Ok(ack) => ack.await.map(|_| true).map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
            }
            if matches!(attempt, Ok(true)) {
                counters.published(event_type);
            } else {
                counters.dropped.fetch_add(1, Ordering::Relaxed);
            }
            (session, seq)
        }));
        self.counters
            .in_flight
            .store(self.in_flight.len(), Ordering::Relaxed);
        request_members
    }

    /// Moves the recorded position once a dispatch is safely published; dispatches of a session
    /// Discord has since replaced do not move the new session's position.
    fn published(&mut self, current: &mut Option<StoredSession>, (session, seq): (String, u64)) {
        self.counters
            .in_flight
            .store(self.in_flight.len(), Ordering::Relaxed);
        if let Some(s) = current.as_mut()
            && s.session_id == session
        {
            s.sequence = s.sequence.max(seq);
            self.saver.want(s);
        }
    }

    /// Saves a new session now: a new session must not be lost.
    async fn save_now(&mut self, session: &StoredSession) {
        self.saver.save_now(session).await;
    }
}

fn publish(id: &str, payload: &Bytes) -> PublishMessage {
    PublishMessage::build()
        .message_id(id)
        .payload(payload.clone())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ready_is_never_published() {
        // The READY save claims READY's own seq without waiting for a JetStream ack.
        assert!(!crate::dispatch::PUBLISHED.contains(&"READY"));
    }
}
