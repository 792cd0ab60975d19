//! Gateway sessions: sequence numbers, the buffer of sent dispatches that a RESUME replays,
//! and which WebSocket connection is live. All sends go through the connection's channel while
//! the gateway lock is held, so a replay and a concurrent `dispatch` can never interleave.

use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use tokio::sync::mpsc::UnboundedSender;

/// Dispatches kept per session for RESUME; older ones are dropped (a resume from before
/// them is refused with op 9, as Discord does when a session is too old).
const BUFFER_MAX: usize = 5_000;
/// Dispatches queued while no session exists, delivered after the next READY.
const PENDING_MAX: usize = 5_000;

/// What a connection task is told to do.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Text(String),
    /// Send a close frame with this code, then end.
    Close(u16, String),
    /// End without a close frame.
    Kill,
}

/// A gateway frame in twilight's header order: `t`, `s`, `op`, then `d`.
pub(crate) fn envelope(t: Option<&str>, s: Option<u64>, op: u8, d: &Value) -> String {
    let t = t.map_or_else(
        || "null".to_owned(),
        |t| Value::String(t.to_owned()).to_string(),
    );
    let s = s.map_or_else(|| "null".to_owned(), |s| s.to_string());
    format!(r#"{{"t":{t},"s":{s},"op":{op},"d":{d}}}"#)
}

struct Session {
    seq: u64,
    buffer: VecDeque<(u64, String)>,
    live: Option<u64>,
}

impl Session {
    fn push(&mut self, t: &str, d: &Value) -> (u64, String) {
        self.seq += 1;
        let frame = envelope(Some(t), Some(self.seq), 0, d);
        if self.buffer.len() >= BUFFER_MAX {
            self.buffer.pop_front();
        }
        self.buffer.push_back((self.seq, frame.clone()));
        (self.seq, frame)
    }
}

/// Why a RESUME was refused.
#[derive(Debug)]
pub(crate) enum ResumeRefused {
    UnknownSession,
    TooOld,
    SeqFromTheFuture,
}

#[derive(Default)]
pub(crate) struct GatewayState {
    sessions: HashMap<String, Session>,
    current: Option<String>,
    pending: VecDeque<(String, Value)>,
    conns: HashMap<u64, UnboundedSender<Outgoing>>,
    latest_conn: Option<u64>,
    next_conn: u64,
    next_session: u64,
    pub resend_on_resume: usize,
    pub frames: Vec<Value>,
    pub identify_count: usize,
    pub resume_count: usize,
}

impl GatewayState {
    pub fn register_conn(&mut self, tx: UnboundedSender<Outgoing>) -> u64 {
        self.next_conn += 1;
        self.conns.insert(self.next_conn, tx);
        self.latest_conn = Some(self.next_conn);
        self.next_conn
    }

    pub fn unregister_conn(&mut self, conn: u64) {
        self.conns.remove(&conn);
        if self.latest_conn == Some(conn) {
            self.latest_conn = None;
        }
        for session in self.sessions.values_mut() {
            if session.live == Some(conn) {
                session.live = None;
            }
        }
    }

    fn send(&self, conn: u64, out: Outgoing) {
        if let Some(tx) = self.conns.get(&conn) {
            // A closed channel means the connection is ending; the frame stays buffered.
            let _ = tx.send(out);
        }
    }

    /// Sends to the newest connection, if any.
    pub fn send_latest(&self, out: Outgoing) -> bool {
        match self.latest_conn {
            Some(conn) => {
                self.send(conn, out);
                true
            }
            None => false,
        }
    }

    /// Whether a READY or RESUMED session has a live connection.
    pub fn connected(&self) -> bool {
        self.current
            .as_ref()
            .and_then(|id| self.sessions.get(id))
            .and_then(|s| s.live)
            .is_some_and(|conn| self.conns.contains_key(&conn))
    }

    pub fn dispatch(&mut self, t: &str, d: Value) -> u64 {
        let Some(session) = self
            .current
            .as_ref()
            .and_then(|id| self.sessions.get_mut(id))
        else {
            if self.pending.len() >= PENDING_MAX {
                self.pending.pop_front();
            }
            self.pending.push_back((t.to_owned(), d));
            return 0;
        };
        let (seq, frame) = session.push(t, &d);
        if let Some(conn) = session.live {
            self.send(conn, Outgoing::Text(frame));
        }
        seq
    }

    /// Starts a session on `conn`: READY (with `session_id` filled in), the GUILD_CREATEs,
    /// then whatever was dispatched while no session existed.
    pub fn identify(&mut self, conn: u64, mut ready: Value, guild_creates: Vec<Value>) -> String {
        self.next_session += 1;
        let id = format!("fake-session-{}", self.next_session);
        if let Value::Object(map) = &mut ready {
            map.insert("session_id".to_owned(), Value::String(id.clone()));
        }
        let mut session = Session {
            seq: 1,
            buffer: VecDeque::new(),
            live: Some(conn),
        };
        let mut frames = vec![envelope(Some("READY"), Some(1), 0, &ready)];
        for guild in guild_creates {
            frames.push(session.push("GUILD_CREATE", &guild).1);
        }
        for (t, d) in std::mem::take(&mut self.pending) {
            frames.push(session.push(&t, &d).1);
        }
        for frame in frames {
            self.send(conn, Outgoing::Text(frame));
        }
        self.sessions.insert(id.clone(), session);
        self.current = Some(id.clone());
        self.identify_count += 1;
        id
    }

    /// Resumes `session_id` on `conn`: replays dispatches after `seq` (plus any forced
    /// resends), then RESUMED. Returns how many dispatches were replayed.
    pub fn resume(
        &mut self,
        conn: u64,
        session_id: &str,
        seq: u64,
    ) -> Result<usize, ResumeRefused> {
        let resend = std::mem::take(&mut self.resend_on_resume);
        let session = self
            .sessions
            .get_mut(session_id)
            .ok_or(ResumeRefused::UnknownSession)?;
        if seq > session.seq {
            return Err(ResumeRefused::SeqFromTheFuture);
        }
        let oldest_kept = session.buffer.front().map_or(session.seq + 1, |(s, _)| *s);
        if seq + 1 < oldest_kept {
            return Err(ResumeRefused::TooOld);
        }
        let from = session.buffer.len().saturating_sub(resend);
        let replay: Vec<String> = session
            .buffer
            .iter()
            .enumerate()
            .filter(|(i, (s, _))| *s > seq || *i >= from)
            .map(|(_, (_, frame))| frame.clone())
            .collect();
        session.seq += 1;
        let resumed = envelope(
            Some("RESUMED"),
            Some(session.seq),
            0,
            &Value::Object(Default::default()),
        );
        session.live = Some(conn);
        let replayed = replay.len();
        for frame in replay {
            self.send(conn, Outgoing::Text(frame));
        }
        self.send(conn, Outgoing::Text(resumed));
        self.current = Some(session_id.to_owned());
        self.resume_count += 1;
        Ok(replayed)
    }

    /// Forgets the current session (after INVALID_SESSION false).
    pub fn drop_current_session(&mut self) {
        if let Some(id) = self.current.take() {
            self.sessions.remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tokio::sync::mpsc;

    fn texts(rx: &mut mpsc::UnboundedReceiver<Outgoing>) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(Outgoing::Text(t)) = rx.try_recv() {
            out.push(t);
        }
        out
    }

    #[test]
    fn envelope_puts_the_header_first() {
        assert_eq!(
            envelope(Some("X"), Some(3), 0, &json!({"t": 1})),
            r#"{"t":"X","s":3,"op":0,"d":{"t":1}}"#
        );
        assert_eq!(
            envelope(None, None, 11, &Value::Null),
            r#"{"t":null,"s":null,"op":11,"d":null}"#
        );
    }

    #[test]
    fn resume_replays_what_the_client_missed_then_resumed() {
        let mut gw = GatewayState::default();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let conn = gw.register_conn(tx);
        assert_eq!(gw.dispatch("EARLY", json!({})), 0);
        let session = gw.identify(conn, json!({}), vec![json!({"id": "1"})]);
        assert_eq!(texts(&mut rx).len(), 3);
        gw.unregister_conn(conn);
        assert_eq!(gw.dispatch("MESSAGE_CREATE", json!({"n": 1})), 4);
        assert_eq!(gw.dispatch("MESSAGE_CREATE", json!({"n": 2})), 5);
        let (tx, mut rx) = mpsc::unbounded_channel();
        let conn = gw.register_conn(tx);
        gw.resend_on_resume = 3;
        assert_eq!(gw.resume(conn, &session, 4).ok(), Some(3));
        let frames = texts(&mut rx);
        assert!(frames[0].contains(r#""s":3"#));
        assert!(frames[2].contains(r#""s":5"#));
        assert!(frames[3].starts_with(r#"{"t":"RESUMED","s":6"#));
        assert!(matches!(
            gw.resume(conn, "nope", 1),
            Err(ResumeRefused::UnknownSession)
        ));
    }
}
