//! [`FakeDiscord`]: starts both halves on 127.0.0.1, and is the handle tests hold to drive the
//! gateway (dispatch, reconnect, invalidate, drop) and to read what the bot did over REST.
//! Cloning shares one fake; it shuts down when the last clone is dropped.

use crate::{
    config::{FakeConfig, FakeMember},
    gateway,
    records::{Callback, InteractionInfo, MemberMessage, PeerEvent, RecordedRequest, SentMessage},
    rest,
    sessions::{Outgoing, envelope},
    state::Inner,
};
use serde_json::Value;
use std::{io, sync::Arc, time::Duration};
use tokio::{
    net::TcpListener,
    sync::{broadcast, watch},
};

/// Stops the servers and their connections when the last handle goes away.
struct Shutdown(watch::Sender<bool>);

impl Drop for Shutdown {
    fn drop(&mut self) {
        let _ = self.0.send(true);
    }
}

/// A local Discord: a gateway and a REST API that the real twilight clients talk to.
#[derive(Clone)]
pub struct FakeDiscord {
    /// `ws://127.0.0.1:PORT`, for `ConfigBuilder::proxy_url` (no trailing slash).
    pub gateway_url: String,
    /// `127.0.0.1:PORT`, for `ClientBuilder::proxy(api_host, true)`.
    pub api_host: String,
    pub(crate) inner: Arc<Inner>,
    _shutdown: Arc<Shutdown>,
}

impl FakeDiscord {
    /// Binds both ports and starts serving.
    pub async fn start(config: FakeConfig) -> io::Result<FakeDiscord> {
        let gateway_listener = TcpListener::bind(("127.0.0.1", config.gateway_port)).await?;
        let api_listener = TcpListener::bind(("127.0.0.1", config.api_port)).await?;
        let gateway_url = format!("ws://127.0.0.1:{}", gateway_listener.local_addr()?.port());
        let api_host = format!("127.0.0.1:{}", api_listener.local_addr()?.port());
        let inner = Arc::new(Inner::new(config, gateway_url.clone(), api_host.clone()));
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(gateway::serve(
            gateway_listener,
            Arc::clone(&inner),
            stopped.clone(),
        ));
        tokio::spawn(rest::serve(api_listener, Arc::clone(&inner), stopped));
        Ok(FakeDiscord {
            gateway_url,
            api_host,
            inner,
            _shutdown: Arc::new(Shutdown(stop)),
        })
    }

    pub fn config(&self) -> &FakeConfig {
        &self.inner.config
    }

    /// A live feed of what the fake observes (used by local-discord's narrator).
    pub fn subscribe(&self) -> broadcast::Receiver<PeerEvent> {
        self.inner.events.subscribe()
    }

    /// Polls `f` every 20 ms until it returns `Some` or `timeout` passes.
    pub async fn wait_for<T>(
        &self,
        timeout: Duration,
        f: impl Fn(&Self) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(found) = f(self) {
                return Some(found);
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    // ---- gateway -------------------------------------------------------------------------

    /// Whether, within `timeout`, a client has identified and its session is connected.
    pub async fn wait_identified(&self, timeout: Duration) -> bool {
        self.wait_for(timeout, |f| {
            (f.identify_count() >= 1 && f.connected()).then_some(())
        })
        .await
        .is_some()
    }

    /// IDENTIFYs accepted so far.
    pub fn identify_count(&self) -> usize {
        self.inner.gateway().identify_count
    }

    /// RESUMEs accepted so far.
    pub fn resume_count(&self) -> usize {
        self.inner.gateway().resume_count
    }

    /// Whether the current session has a live connection.
    pub fn connected(&self) -> bool {
        self.inner.gateway().connected()
    }

    /// Sends dispatch `event_type` with payload `d` to the current session and returns its
    /// sequence number. With no live connection it is buffered for the RESUME; with no session
    /// at all it is queued for after the next READY (and 0 is returned).
    /// INTERACTION_CREATE registers the interaction for the REST side first (created at its
    /// id's timestamp); GUILD_MEMBER_ADD/REMOVE update the member list.
    pub fn dispatch(&self, event_type: &str, d: Value) -> u64 {
        self.inner.dispatch(event_type, d)
    }

    /// Sends op 7 RECONNECT: twilight closes with 4000 and resumes.
    pub fn reconnect(&self) {
        let frame = envelope(None, None, 7, &Value::Null);
        self.inner.gateway().send_latest(Outgoing::Text(frame));
    }

    /// Sends op 9 INVALID_SESSION. Not resumable: the session is forgotten and the client
    /// must identify again (dispatches meanwhile wait for the new READY).
    pub fn invalidate_session(&self, resumable: bool) {
        let mut gateway = self.inner.gateway();
        gateway.send_latest(Outgoing::Text(envelope(
            None,
            None,
            9,
            &Value::Bool(resumable),
        )));
        if !resumable {
            gateway.drop_current_session();
        }
    }

    /// Kills the TCP connection without a close frame.
    pub fn drop_connection(&self) {
        self.inner.gateway().send_latest(Outgoing::Kill);
    }

    /// Closes the connection with a close frame of `code` (4004, 4014... are fatal in twilight).
    pub fn close_connection(&self, code: u16) {
        let reason = format!("closed by local Discord ({code})");
        self.inner
            .gateway()
            .send_latest(Outgoing::Close(code, reason));
    }

    /// Makes the next RESUME replay the last `n` dispatches again, even those the client had
    /// seen: a duplicate delivery across a resume.
    pub fn resend_last_on_resume(&self, n: usize) {
        self.inner.gateway().resend_on_resume = n;
    }

    /// Every frame clients sent to the gateway (IDENTIFY, heartbeats, RESUME...).
    pub fn gateway_frames(&self) -> Vec<Value> {
        self.inner.gateway().frames.clone()
    }

    /// A member attaches `content` as file `filename` to a command they are about to send:
    /// returns the attachment id, for an attachment option (type 11) of
    /// [`FakeDiscord::slash_command`], whose `data.resolved.attachments` then describes it.
    /// The bot fetches it from the URL given there, as from Discord's CDN.
    pub fn upload(&self, filename: &str, content: &[u8]) -> u64 {
        let id = self.next_id();
        self.inner.rest().uploads.insert(
            id,
            crate::records::SentAttachment {
                filename: filename.to_owned(),
                content: content.to_vec(),
            },
        );
        id
    }

    // ---- REST records --------------------------------------------------------------------

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.inner.rest().requests.clone()
    }

    pub fn callbacks(&self) -> Vec<Callback> {
        self.inner.rest().callbacks.clone()
    }

    /// The body of the latest callback `matches` accepts, if any: found where the callbacks are kept,
    /// without copying every one of them (a long run records thousands).
    pub fn last_callback_body(&self, matches: impl Fn(&Value) -> bool) -> Option<Value> {
        self.inner
            .rest()
            .callbacks
            .iter()
            .rev()
            .find(|c| matches(&c.body))
            .map(|c| c.body.clone())
    }

    /// The accepted callback (status 204) that answered interaction `id`, if any.
    pub fn answer_to(&self, interaction_id: u64) -> Option<Callback> {
        self.inner
            .rest()
            .callbacks
            .iter()
            .rev()
            .find(|c| c.interaction_id == interaction_id && c.status == 204)
            .cloned()
    }

    /// Messages posted with `POST /channels/{id}/messages` (guild channels and DMs).
    pub fn channel_messages(&self) -> Vec<SentMessage> {
        self.inner.rest().channel_messages.clone()
    }

    pub fn followups(&self) -> Vec<SentMessage> {
        self.inner.rest().followups.clone()
    }

    /// Each accepted `PATCH .../messages/@original`, as the message looked afterwards.
    pub fn original_edits(&self) -> Vec<SentMessage> {
        self.inner.rest().original_edits.clone()
    }

    /// Every message the bot created or edited, whatever the route (channel messages, DMs,
    /// interaction responses, followups, edits), each as the request left it, with whom it
    /// notified ([`crate::Pings`]).
    pub fn sent_messages(&self) -> Vec<SentMessage> {
        self.inner.rest().sent.clone()
    }

    /// Current state of the message an interaction shows: its response (type 4/5, edits
    /// applied), or for a component interaction answered by update, the clicked message.
    pub fn original_message(&self, interaction_id: u64) -> Option<SentMessage> {
        let rest = self.inner.rest();
        let info = rest.interactions.get(&interaction_id)?;
        let id = info.original_message_id.or(match info.acked {
            Some(6 | 7) => info.message_id,
            _ => None,
        })?;
        rest.messages.get(&id).cloned()
    }

    /// Current state of every message the bot made that `keep` accepts (deleted ones are gone),
    /// oldest first.
    pub fn messages_where(&self, keep: impl Fn(&SentMessage) -> bool) -> Vec<SentMessage> {
        let mut found: Vec<SentMessage> = self
            .inner
            .rest()
            .messages
            .values()
            .filter(|m| keep(m))
            .cloned()
            .collect();
        found.sort_by_key(|m| m.id);
        found
    }

    /// The latest messages members posted through [`FakeDiscord::dispatch`] (a bounded
    /// window), oldest first; the bot's own echoed messages are not among them.
    pub fn member_messages(&self) -> Vec<MemberMessage> {
        self.inner.rest().heard.iter().cloned().collect()
    }

    /// Current state of a message the bot made.
    pub fn message(&self, id: u64) -> Option<SentMessage> {
        self.inner.rest().messages.get(&id).cloned()
    }

    /// What the REST side knows about a dispatched interaction.
    pub fn interaction(&self, id: u64) -> Option<InteractionInfo> {
        self.inner.rest().interactions.get(&id).cloned()
    }

    /// Registered commands, global and per guild, as Discord stores them (with ids).
    pub fn registered_commands(&self) -> Vec<Value> {
        self.inner
            .rest()
            .commands
            .values()
            .flatten()
            .cloned()
            .collect()
    }

    pub fn member_roles(&self, guild: u64, user: u64) -> Vec<u64> {
        self.inner.rest().member_roles(guild, user)
    }

    /// Current members of a guild.
    pub fn members(&self, guild: u64) -> Vec<FakeMember> {
        self.inner
            .rest()
            .guilds
            .get(&guild)
            .map(|g| g.members.values().map(|m| m.member.clone()).collect())
            .unwrap_or_default()
    }

    /// Username of a user the fake knows (members, including those who left).
    pub fn username(&self, user_id: u64) -> Option<String> {
        self.inner
            .rest()
            .users
            .get(&user_id)
            .map(|u| u.username.clone())
    }

    /// Name of a guild channel, or `None` for DMs and unknown channels.
    pub fn channel_name(&self, channel_id: u64) -> Option<String> {
        let rest = self.inner.rest();
        let channel = rest.channels.get(&channel_id)?;
        channel.guild_id.map(|_| channel.name.clone())
    }

    /// The guild channel named `name`, if it exists: its id and the members its overwrites let in
    /// (allowing VIEW_CHANNEL), sorted.
    pub fn channel_by_name(&self, guild: u64, name: &str) -> Option<(u64, Vec<u64>)> {
        let rest = self.inner.rest();
        let channel = rest
            .channels
            .values()
            .find(|c| c.guild_id == Some(guild) && c.name == name)?;
        let mut members: Vec<u64> = channel
            .overwrites
            .iter()
            .filter(|o| o.get("type").and_then(Value::as_u64) == Some(1))
            .filter(|o| {
                o.get("allow")
                    .and_then(Value::as_str)
                    .and_then(|a| a.parse::<u64>().ok())
                    .is_some_and(|bits| bits & 0x400 != 0)
            })
            .filter_map(|o| o.get("id").and_then(Value::as_str)?.parse().ok())
            .collect();
        members.sort_unstable();
        Some((channel.id, members))
    }

    /// Every protocol or validation failure by the bot. Tests assert this is empty.
    pub fn violations(&self) -> Vec<String> {
        self.inner.violations()
    }

    /// Makes `POST /channels/{dm}/messages` to `user` fail with 403 / 50007.
    pub fn set_dms_closed(&self, user: u64, closed: bool) {
        let mut rest = self.inner.rest();
        if closed {
            rest.dms_closed.insert(user);
        } else {
            rest.dms_closed.remove(&user);
        }
    }

    /// Answers the next `count` requests whose path (without `/api/v10`) starts with
    /// `path_prefix` with 503, as Discord does in an outage.
    pub fn inject_outage(&self, path_prefix: &str, count: usize) {
        self.inner
            .rest()
            .outages
            .push((path_prefix.to_owned(), count));
    }

    /// Answers the next `count` requests whose path (without `/api/v10`) starts with
    /// `path_prefix` with 429 and rate-limit headers. Keep `count` small: twilight-http
    /// without a ratelimiter retries at once.
    pub fn inject_rate_limit(&self, path_prefix: &str, count: usize) {
        self.inner
            .rest()
            .rate_limits
            .push((path_prefix.to_owned(), count));
    }
}
