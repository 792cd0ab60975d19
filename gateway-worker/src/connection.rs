//! What the shard's messages say about its connection to Discord, for operators: each session it
//! starts or resumes, and each connection it loses (counted once, whatever Discord and twilight
//! send around it). Pure: the relay feeds it what the shard yields.

use twilight_model::gateway::event::GatewayEventDeserializer;

/// Gateway opcodes the tracker reads.
const RECONNECT: u8 = 7;
const INVALID_SESSION: u8 = 9;
const HELLO: u8 = 10;
/// The close code twilight reports for a connection that failed without a close frame.
const ABNORMAL: u16 = 1006;

/// What the shard yielded, as far as its connection goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// A text frame, with its opcode and dispatch type.
    Frame { op: u8, event_type: Option<Kind> },
    /// The connection closed with this code (twilight's 1006 when it failed without one).
    Closed(Option<u16>),
}

/// The dispatch types that matter to the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ready,
    Resumed,
    Other,
}

impl Seen {
    /// Reads a text frame's header; `None` when it has none (it says nothing of the connection).
    #[must_use]
    pub fn frame(json: &str) -> Option<Self> {
        let header = GatewayEventDeserializer::from_json(json)?;
        Some(Self::Frame {
            op: header.op(),
            event_type: header.event_type().map(|t| match t {
                "READY" => Kind::Ready,
                "RESUMED" => Kind::Resumed,
                _ => Kind::Other,
            }),
        })
    }
}

/// How the shard got its session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Session {
    /// READY: a new session (an IDENTIFY).
    New,
    /// RESUMED: the session went on where it was.
    Resumed,
}

/// Why a connection was lost (the shard then reconnects).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lost {
    /// Discord asked the shard to reconnect (op 7).
    Requested,
    /// Discord invalidated the session (op 9).
    SessionInvalidated,
    /// Discord closed the connection with a close frame.
    Closed,
    /// The connection failed: no close frame, or it was gone when the next one began.
    Failed,
}

/// What one message meant, to be counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counted {
    pub session: Option<Session>,
    pub lost: Option<Lost>,
}

/// Follows the shard's connection from what it yields.
#[derive(Debug, Default)]
pub struct Tracker {
    /// A connection is up (its HELLO was seen) and its loss not yet counted.
    live: bool,
}

impl Tracker {
    /// Takes in one message the shard yielded.
    pub fn see(&mut self, seen: Seen) -> Counted {
        let mut counted = Counted::default();
        match seen {
            Seen::Frame { op: HELLO, .. } => {
                // A new connection while the last was never seen lost: it went silently.
                if self.live {
                    counted.lost = Some(Lost::Failed);
                }
                self.live = true;
            }
            Seen::Frame {
                op: 0,
                event_type: Some(Kind::Ready),
            } => counted.session = Some(Session::New),
            Seen::Frame {
                op: 0,
                event_type: Some(Kind::Resumed),
            } => counted.session = Some(Session::Resumed),
            Seen::Frame { op: RECONNECT, .. } => counted.lost = self.lose(Lost::Requested),
            Seen::Frame {
                op: INVALID_SESSION,
                ..
            } => counted.lost = self.lose(Lost::SessionInvalidated),
            Seen::Closed(Some(ABNORMAL)) => counted.lost = self.lose(Lost::Failed),
            Seen::Closed(_) => counted.lost = self.lose(Lost::Closed),
            Seen::Frame { .. } => {}
        }
        counted
    }

    /// The live connection is lost: counted once (a close after op 7 is the same loss).
    fn lose(&mut self, why: Lost) -> Option<Lost> {
        std::mem::replace(&mut self.live, false).then_some(why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO_FRAME: &str = r#"{"op":10,"d":{"heartbeat_interval":41250},"s":null,"t":null}"#;
    const READY_FRAME: &str = r#"{"op":0,"s":1,"t":"READY","d":{"session_id":"a"}}"#;
    const RESUMED_FRAME: &str = r#"{"op":0,"s":9,"t":"RESUMED","d":{}}"#;

    fn frame(json: &str) -> Seen {
        Seen::frame(json).expect("a gateway frame")
    }

    fn feed(seen: &[Seen]) -> Vec<Counted> {
        let mut tracker = Tracker::default();
        seen.iter()
            .map(|s| tracker.see(*s))
            .filter(|c| *c != Counted::default())
            .collect()
    }

    fn session(s: Session) -> Counted {
        Counted {
            session: Some(s),
            lost: None,
        }
    }

    fn lost(l: Lost) -> Counted {
        Counted {
            session: None,
            lost: Some(l),
        }
    }

    #[test]
    fn a_reconnect_discord_asks_for_is_one_loss_then_a_resume() {
        let counted = feed(&[
            frame(HELLO_FRAME),
            frame(READY_FRAME),
            frame(r#"{"op":7,"d":null,"s":null,"t":null}"#),
            // The close that follows op 7 is the same lost connection.
            Seen::Closed(Some(4000)),
            frame(HELLO_FRAME),
            frame(RESUMED_FRAME),
        ]);
        assert_eq!(
            counted,
            vec![
                session(Session::New),
                lost(Lost::Requested),
                session(Session::Resumed)
            ]
        );
    }

    #[test]
    fn an_invalidated_session_is_a_loss_then_a_new_session() {
        let counted = feed(&[
            frame(HELLO_FRAME),
            frame(READY_FRAME),
            frame(r#"{"op":9,"d":false,"s":null,"t":null}"#),
            frame(HELLO_FRAME),
            frame(READY_FRAME),
        ]);
        assert_eq!(
            counted,
            vec![
                session(Session::New),
                lost(Lost::SessionInvalidated),
                session(Session::New)
            ]
        );
    }

    #[test]
    fn closes_failures_and_silent_drops_are_each_one_loss() {
        let counted = feed(&[
            frame(HELLO_FRAME),
            Seen::Closed(Some(4009)),
            Seen::Closed(None), // the same connection: not another loss
            frame(HELLO_FRAME),
            Seen::Closed(Some(1006)),
            frame(HELLO_FRAME),
            frame(HELLO_FRAME), // gone without a word before this one began
        ]);
        assert_eq!(
            counted,
            vec![lost(Lost::Closed), lost(Lost::Failed), lost(Lost::Failed)]
        );
    }

    #[test]
    fn dispatches_and_heartbeats_say_nothing() {
        assert_eq!(
            feed(&[
                frame(HELLO_FRAME),
                frame(r#"{"op":0,"s":2,"t":"MESSAGE_CREATE","d":{}}"#),
                frame(r#"{"op":11,"s":null,"t":null,"d":null}"#),
            ]),
            vec![]
        );
        assert_eq!(Seen::frame("garbage"), None);
    }
}
