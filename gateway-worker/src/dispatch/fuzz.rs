//! The gateway worker's reading of frames under fuzz: [`read`] over arbitrary bytes, over frames
//! with random text spliced in, and over valid frames with fields replaced by random values. Nothing
//! panics, and whatever is published goes to a well-formed subject of a known event type with a
//! deduplication key of its own.
//!
//! `cargo test` runs each property for `PROPTEST_CASES` cases (proptest's 256 unless set);
//! `scripts/fuzz` runs them far longer.

use super::{Frame, PUBLISHED, message_id, read, routing};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};
use studio_schema::subjects::Subjects;

fn config() -> ProptestConfig {
    // `ProptestConfig::default()` reads PROPTEST_CASES (scripts/fuzz sets it).
    ProptestConfig::default()
}

/// Valid frames of the kinds the gateway sends.
fn seeds() -> Vec<Value> {
    let user = json!({"id": "500", "username": "bob", "discriminator": "0", "avatar": null});
    vec![
        json!({"t": "READY", "s": 1, "op": 0, "d": {"v": 10, "session_id": "abc",
               "resume_gateway_url": "wss://resume", "user": user, "guilds": [],
               "application": {"id": "100", "flags": 0}}}),
        json!({"t": "MESSAGE_CREATE", "s": 2, "op": 0, "d": {"id": "700", "guild_id": "200",
               "channel_id": "300", "author": user, "content": "hi \"t\":\"READY\""}}),
        json!({"t": "INTERACTION_CREATE", "s": 3, "op": 0, "d": {"id": "800", "guild_id": "200",
               "type": 2, "token": "tok", "data": {"name": "pay"}}}),
        json!({"t": "GUILD_CREATE", "s": 4, "op": 0, "d": {"id": "200", "members": []}}),
        json!({"t": "GUILD_MEMBER_ADD", "s": 5, "op": 0, "d": {"guild_id": "200", "user": user}}),
        json!({"t": "MESSAGE_REACTION_ADD", "s": 6, "op": 0,
               "d": {"guild_id": "200", "user_id": "500", "message_id": "700"}}),
        json!({"t": "TYPING_START", "s": 7, "op": 0, "d": {"guild_id": "200"}}),
        json!({"t": null, "s": null, "op": 11, "d": null}),
        json!({"t": null, "s": null, "op": 10, "d": {"heartbeat_interval": 41250}}),
    ]
}

fn nasty() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        prop::sample::select(
            &[
                "",
                "0",
                "-1",
                "18446744073709551615",
                "18446744073709551616",
                "READY",
                "MESSAGE_CREATE",
                "INTERACTION_CREATE",
                "GUILD_CREATE",
                "a.b",
                "*",
                ">",
                " ",
                "\"t\":\"GUILD_CREATE\"",
                "\u{0}",
            ][..]
        )
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(&["t", "s", "op", "d", "id", "guild_id", "x"][..]),
                    inner
                ),
                0..4
            )
            .prop_map(|f| Value::Object(f.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

/// Replaces the value of `key` wherever it is found (at most one, the `which`th) with `with`.
fn replace(value: &mut Value, which: &mut usize, key: &str, with: &Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == key {
                    if *which == 0 {
                        *v = with.clone();
                    }
                    *which = which.wrapping_sub(1);
                }
                replace(v, which, key, with);
            }
        }
        Value::Array(list) => {
            for v in list {
                replace(v, which, key, with);
            }
        }
        _ => {}
    }
}

/// What must hold of any frame read.
fn check(json: &str) -> Result<(), TestCaseError> {
    let frame = read(json);
    for event_type in PUBLISHED.iter().chain(["READY", "", "?"].iter()) {
        let _ = routing(event_type, json);
    }
    if let Frame::Publish {
        seq,
        event_type,
        routing,
    } = frame
    {
        prop_assert!(PUBLISHED.contains(&event_type));
        for partitions in [1, 3, 16] {
            let subject =
                Subjects::new("", partitions).gateway_subject(routing.guild_id, event_type);
            let tokens: Vec<&str> = subject.split('.').collect();
            prop_assert_eq!(tokens.len(), 4, "{}", subject);
            prop_assert!(
                tokens
                    .iter()
                    .all(|t| !t.is_empty()
                        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')),
                "{}",
                subject
            );
            let partition: u64 = tokens[2]
                .parse()
                .map_err(|_| TestCaseError::fail("partition"))?;
            prop_assert!(partition < partitions);
        }
        let id = message_id(&routing, "session", seq);
        prop_assert!(!id.is_empty() && !id.contains(char::is_whitespace));
        if let Some(object) = routing.object_id {
            prop_assert_eq!(id, object.to_string());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// Arbitrary bytes (as the text the shard hands over).
    #[test]
    fn fuzz_gateway_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check(&String::from_utf8_lossy(&bytes))?;
    }

    /// Valid frames with random text spliced in at a random place, or cut short.
    #[test]
    fn fuzz_gateway_spliced_frames(
        seed in prop::sample::select(seeds()),
        at in any::<Index>(),
        cut in any::<bool>(),
        text in prop_oneof![
            any::<String>(),
            prop::sample::select(&[r#""t":"#, r#""op":"#, r#""s":"#, "}", "{", ",", "\"", "1e400",
                                   "18446744073709551616", r#""t":"GUILD_CREATE","#][..])
                .prop_map(str::to_owned),
        ],
    ) {
        let json = seed.to_string();
        let mut cut_at = at.index(json.len() + 1);
        while !json.is_char_boundary(cut_at) {
            cut_at -= 1;
        }
        let (head, tail) = json.split_at(cut_at);
        let spliced = if cut { format!("{head}{text}") } else { format!("{head}{text}{tail}") };
        check(&spliced)?;
    }

    /// Valid frames with a field's value replaced by a random one.
    #[test]
    fn fuzz_gateway_mutated_frames(
        seed in prop::sample::select(seeds()),
        mutations in prop::collection::vec(
            (prop::sample::select(&["t", "s", "op", "d", "id", "guild_id", "session_id",
                                    "resume_gateway_url"][..]),
             0usize..3,
             nasty()),
            1..4,
        ),
    ) {
        let mut frame = seed;
        for (key, which, with) in &mutations {
            let mut which = *which;
            replace(&mut frame, &mut which, key, with);
        }
        check(&frame.to_string())?;
    }
}
