//! The intake under fuzz: [`read`] over arbitrary bytes, arbitrary JSON, and structure-aware mutations
//! of valid dispatches (fields replaced by random values, strings, huge numbers and wrong types; random
//! custom ids, option trees and forms). Whatever comes in, nothing panics — reading, deciding the
//! command it becomes against a guild with members, money, listings, teams and a commission, rendering
//! the answer and its effects — and a value outside what the rules allow never becomes a change.
//!
//! `cargo test` runs each property for `PROPTEST_CASES` cases (proptest's 256 unless set);
//! `scripts/fuzz` runs them far longer.

mod checks;
mod inputs;
mod seeds;

use super::{Incoming, read};
use crate::discord::custom_id::{Action, Form};
use crate::domain::{
    Command, Commission, GuildState, Market, Resolution, TeamCmd, TournamentCmd, decide,
};
use crate::query::{Board, Query};
use crate::rules::{economy, tournament, xp};
use checks::*;
use chrono::{DateTime, Utc};
use inputs::*;
use proptest::prelude::*;
use proptest::sample::Index;
use seeds::*;
use serde_json::{Value, json};
use std::sync::OnceLock;
use studio_schema::{Account, GuildId};

const GUILD: u64 = 200;
/// The member who acts in the seeds (an admin when the permissions say so).
const ACTOR: u64 = 400;
const OTHER: u64 = 500;
const THIRD: u64 = 600;

/// Discord's epoch, in Unix milliseconds.
const DISCORD_EPOCH_MS: i64 = 1_420_070_400_000;

/// The fuzzed guild's clock: 2026-03-01 12:00 UTC.
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_772_366_400, 0).unwrap_or_default()
}

/// A snowflake made at `now()` (plus `n`), so interactions are as old as they would be.
fn snowflake(n: u64) -> String {
    let ms = u64::try_from(now().timestamp_millis() - DISCORD_EPOCH_MS).unwrap_or(0);
    ((ms << 22) + n).to_string()
}

fn config() -> ProptestConfig {
    // `ProptestConfig::default()` reads PROPTEST_CASES (scripts/fuzz sets it).
    ProptestConfig {
        max_shrink_iters: 4096,
        ..ProptestConfig::default()
    }
}

// ---- the properties -----------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Arbitrary bytes as any dispatch.
    #[test]
    fn fuzz_arbitrary_bytes(
        event_type in prop::sample::select(&EVENT_TYPES[..]),
        bytes in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        check(event_type, &bytes)?;
    }

    /// Arbitrary JSON as any dispatch's `d`.
    #[test]
    fn fuzz_arbitrary_json(
        event_type in prop::sample::select(&EVENT_TYPES[..]),
        d in json_value(),
    ) {
        check(event_type, frame(event_type, &d).as_bytes())?;
    }

    /// Valid dispatches of every kind with fields replaced, removed, added and repeated.
    #[test]
    fn fuzz_mutated_dispatches(
        seed in prop::sample::select(seeds()),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let (event_type, d) = seed;
        let text = mutate(json!({"t": event_type, "s": 2, "op": 0, "d": d}), &mutations);
        check(event_type, text.as_bytes())?;
    }

    /// Valid slash commands and forms with their option values and inputs replaced by random ones of
    /// their own type (huge, negative, zero, empty, hostile text) or of another, dropped or repeated.
    #[test]
    fn fuzz_option_values(
        seed in prop::sample::select(
            seeds()
                .iter()
                .filter(|(_, d)| matches!(d["type"].as_u64(), Some(2 | 5)))
                .cloned()
                .collect::<Vec<_>>()
        ),
        twists in prop::collection::vec(twist(), 1..8),
    ) {
        let (event_type, mut d) = seed;
        twist_values(&mut d["data"], &twists, &mut 0);
        check(event_type, frame(event_type, &d).as_bytes())?;
    }

    /// Slash commands with random option trees, from a member or an admin.
    #[test]
    fn fuzz_slash_option_trees(
        name in prop::sample::select(&COMMANDS[..]),
        options in prop::collection::vec(option_tree(), 0..6),
        permissions in prop::sample::select(&["0", "32", "8", "3072", "-1", "x"][..]),
        user in prop::sample::select(&[ACTOR, OTHER, 1, u64::MAX][..]),
    ) {
        let d = slash(60, name, Value::Array(options), user, permissions);
        check("INTERACTION_CREATE", frame("INTERACTION_CREATE", &d).as_bytes())?;
    }

    /// Random custom ids: a parsed one is one Studio could have written, and a click on any is safe.
    #[test]
    fn fuzz_custom_ids(id in prop_oneof![custom_id(), any::<String>()]) {
        if let Some(action) = Action::parse(&id) {
            prop_assert_eq!(Action::parse(&action.to_string()), Some(action.clone()));
            prop_assert!(action.owner().0 > 0, "owner of {}", id);
        }
        if let Some(form) = Form::parse(&id) {
            prop_assert_eq!(Form::parse(&form.to_string()), Some(form));
        }
        let d = click(61, &id, ACTOR);
        check("INTERACTION_CREATE", frame("INTERACTION_CREATE", &d).as_bytes())?;
    }

    /// Forms with random ids, fields and text.
    #[test]
    fn fuzz_forms(
        id in prop_oneof![custom_id().prop_map(|id| format!("f:{id}")), custom_id()],
        fields in prop::collection::vec(
            (prop::sample::select(
                &["title", "description", "language", "price", "code", "stars", "text", "role",
                  "years", "skills", "links", "open", "name", "other"][..]),
             nasty_string()),
            0..8,
        ),
    ) {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let d = modal(62, &id, &fields, ACTOR);
        check("INTERACTION_CREATE", frame("INTERACTION_CREATE", &d).as_bytes())?;
    }
}

#[test]
fn the_fuzzed_guild_is_built_from_accepted_commands() {
    let (state, refused) = guild();
    assert!(refused.is_empty(), "{refused:#?}");
    assert!(!state.commissions.is_empty());
}

#[test]
fn every_seed_is_understood() {
    for (event_type, d) in seeds() {
        let read = read(event_type, frame(event_type, d).as_bytes(), now());
        assert!(
            matches!(read, Ok(Incoming::Command { .. } | Incoming::Query { .. })),
            "{event_type} {d}: {read:?}"
        );
    }
}
