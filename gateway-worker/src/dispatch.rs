//! Reading just enough of a raw gateway frame to route it: its op, sequence and type, and for the
//! events Studio consumes, the ids that name the NATS subject and the deduplication key.
//!
//! Everything here reads what the gateway sent, whatever it is: nothing panics ([`read`] is
//! fuzzed over arbitrary bytes and mutated frames in `fuzz.rs`).

use serde::Deserialize;
use twilight_model::gateway::event::GatewayEventDeserializer;

/// The dispatches Studio's command service consumes; everything else is not published.
pub const PUBLISHED: [&str; 8] = [
    "MESSAGE_CREATE",
    "INTERACTION_CREATE",
    "GUILD_CREATE",
    "GUILD_MEMBER_ADD",
    "GUILD_MEMBER_REMOVE",
    "GUILD_MEMBERS_CHUNK",
    "MESSAGE_REACTION_ADD",
    "MESSAGE_REACTION_REMOVE",
];

/// What the worker does with one gateway frame.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// Not even a gateway payload's header (op, sequence, type): skipped, with a warning.
    Unreadable,
    /// Not a dispatch (a heartbeat ack, a hello, a reconnect…), or one without a sequence or type.
    NotDispatch,
    /// READY: the new session to record.
    Ready {
        seq: u64,
        session_id: String,
        resume_url: String,
    },
    /// A dispatch Studio does not consume (or a READY without its session, `bad_ready`): its
    /// sequence only moves the session's position.
    Unpublished { seq: u64, bad_ready: bool },
    /// A dispatch Studio consumes: published as `event_type` (one of [`PUBLISHED`]), routed by
    /// `routing`.
    Publish {
        seq: u64,
        event_type: &'static str,
        routing: Routing,
    },
}

#[derive(Deserialize)]
struct Ready {
    d: ReadyData,
}

#[derive(Deserialize)]
struct ReadyData {
    session_id: String,
    resume_gateway_url: String,
}

/// Reads one raw gateway frame.
#[must_use]
pub fn read(json: &str) -> Frame {
    let Some(header) = GatewayEventDeserializer::from_json(json) else {
        return Frame::Unreadable;
    };
    let (Some(seq), Some(event_type)) = (header.sequence(), header.event_type()) else {
        return Frame::NotDispatch;
    };
    if header.op() != 0 {
        return Frame::NotDispatch;
    }
    if event_type == "READY" {
        return match serde_json::from_str::<Ready>(json) {
            Ok(ready) => Frame::Ready {
                seq,
                session_id: ready.d.session_id,
                resume_url: ready.d.resume_gateway_url,
            },
            Err(_) => Frame::Unpublished {
                seq,
                bad_ready: true,
            },
        };
    }
    match PUBLISHED.iter().find(|t| **t == event_type) {
        Some(event_type) => Frame::Publish {
            seq,
            event_type,
            routing: routing(event_type, json),
        },
        None => Frame::Unpublished {
            seq,
            bad_ready: false,
        },
    }
}

/// A dispatch's routing facts.
#[derive(Debug, PartialEq, Eq)]
pub struct Routing {
    pub guild_id: Option<u64>,
    /// The Discord object's own id, for events that have one (messages, interactions).
    pub object_id: Option<u64>,
}

#[derive(Deserialize)]
struct Raw {
    d: Option<Data>,
}

#[derive(Deserialize)]
struct Data {
    id: Option<String>,
    guild_id: Option<String>,
}

/// Reads the routing facts of a dispatch of `event_type`. A malformed frame routes to partition 0
/// with a session-based id, so it is still published (and refused downstream, not lost here).
#[must_use]
pub fn routing(event_type: &str, json: &str) -> Routing {
    let data = serde_json::from_str::<Raw>(json).ok().and_then(|f| f.d);
    let parse = |s: Option<&String>| s.and_then(|s| s.parse::<u64>().ok());
    let has_own_id = matches!(event_type, "MESSAGE_CREATE" | "INTERACTION_CREATE");
    match data {
        None => Routing {
            guild_id: None,
            object_id: None,
        },
        Some(d) => Routing {
            guild_id: if event_type == "GUILD_CREATE" {
                parse(d.id.as_ref())
            } else {
                parse(d.guild_id.as_ref())
            },
            object_id: if has_own_id {
                parse(d.id.as_ref())
            } else {
                None
            },
        },
    }
}

/// The `Nats-Msg-Id`: the Discord object's id, else `<session>:<seq>`, so a resumed session that
/// sends an event again does not enqueue it twice.
#[must_use]
pub fn message_id(routing: &Routing, session: &str, seq: u64) -> String {
    match routing.object_id {
        Some(id) => id.to_string(),
        None => format!("{session}:{seq}"),
    }
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_into_what_the_worker_does() {
        let ready =
            r#"{"t":"READY","s":1,"op":0,"d":{"session_id":"abc","resume_gateway_url":"wss://r"}}"#;
        assert_eq!(
            read(ready),
            Frame::Ready {
                seq: 1,
                session_id: "abc".into(),
                resume_url: "wss://r".into()
            }
        );
        assert_eq!(
            read(r#"{"t":"READY","s":1,"op":0,"d":{}}"#),
            Frame::Unpublished {
                seq: 1,
                bad_ready: true
            }
        );
        assert_eq!(
            read(r#"{"t":"TYPING_START","s":4,"op":0,"d":{}}"#),
            Frame::Unpublished {
                seq: 4,
                bad_ready: false
            }
        );
        assert_eq!(
            read(r#"{"t":null,"s":null,"op":11,"d":null}"#),
            Frame::NotDispatch
        );
        assert_eq!(read("garbage"), Frame::Unreadable);
        assert_eq!(
            read(r#"{"t":"MESSAGE_CREATE","s":5,"op":0,"d":{"id":"700","guild_id":"200"}}"#),
            Frame::Publish {
                seq: 5,
                event_type: "MESSAGE_CREATE",
                routing: Routing {
                    guild_id: Some(200),
                    object_id: Some(700)
                }
            }
        );
    }

    #[test]
    fn messages_are_keyed_by_their_own_id_and_routed_by_guild() {
        let json = r#"{"t":"MESSAGE_CREATE","s":5,"op":0,"d":{"id":"700","guild_id":"200","content":"hi"}}"#;
        let r = routing("MESSAGE_CREATE", json);
        assert_eq!(
            r,
            Routing {
                guild_id: Some(200),
                object_id: Some(700)
            }
        );
        assert_eq!(message_id(&r, "sess", 5), "700");
    }

    #[test]
    fn other_events_are_keyed_by_session_and_sequence() {
        let json =
            r#"{"t":"GUILD_MEMBER_ADD","s":9,"op":0,"d":{"guild_id":"200","user":{"id":"5"}}}"#;
        let r = routing("GUILD_MEMBER_ADD", json);
        assert_eq!(r.guild_id, Some(200));
        assert_eq!(message_id(&r, "sess", 9), "sess:9");
        let create = r#"{"t":"GUILD_CREATE","s":2,"op":0,"d":{"id":"200"}}"#;
        assert_eq!(routing("GUILD_CREATE", create).guild_id, Some(200));
        assert_eq!(routing("GUILD_CREATE", create).object_id, None);
    }

    #[test]
    fn a_malformed_frame_still_routes() {
        let r = routing("MESSAGE_CREATE", "not json");
        assert_eq!(message_id(&r, "s", 3), "s:3");
    }
}
