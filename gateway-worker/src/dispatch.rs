//! Reading just enough of a raw gateway frame to route it: its op, sequence and type, and for the
//! events Studio consumes, the ids that name the NATS subject and the deduplication key.

use serde::Deserialize;

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

/// A dispatch's routing facts.
#[derive(Debug, PartialEq, Eq)]
pub struct Routing {
    pub guild_id: Option<u64>,
    /// The Discord object's own id, for events that have one (messages, interactions).
    pub object_id: Option<u64>,
}

#[derive(Deserialize)]
struct Frame {
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
    let data = serde_json::from_str::<Frame>(json).ok().and_then(|f| f.d);
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
mod tests {
    use super::*;

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
