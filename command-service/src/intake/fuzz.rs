//! The intake under fuzz: [`read`] over arbitrary bytes, arbitrary JSON, and structure-aware mutations
//! of valid dispatches (fields replaced by random values, strings, huge numbers and wrong types; random
//! custom ids, option trees and forms). Whatever comes in, nothing panics — reading, deciding the
//! command it becomes against a guild with members, money, listings, teams and a commission, rendering
//! the answer and its effects — and a value outside what the rules allow never becomes a change.
//!
//! `cargo test` runs each property for `PROPTEST_CASES` cases (proptest's 256 unless set);
//! `scripts/fuzz` runs them far longer.

use super::{Incoming, read};
use crate::discord::custom_id::{Action, Form};
use crate::domain::{
    Command, Commission, GuildState, Market, Resolution, TeamCmd, TournamentCmd, decide,
};
use crate::query::{Board, Query};
use crate::rules::{economy, tournament, xp};
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use proptest::sample::Index;
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

// ---- valid dispatches -------------------------------------------------------------------------

fn member(user: u64, joined: &str, permissions: Option<&str>) -> Value {
    let mut m = json!({
        "user": {"id": user.to_string(), "username": format!("user{user}"), "discriminator": "0",
                 "global_name": null, "avatar": null, "bot": false},
        "nick": null, "avatar": null, "roles": [], "joined_at": joined, "premium_since": null,
        "communication_disabled_until": null, "deaf": false, "mute": false, "pending": false,
        "flags": 0,
    });
    if let Some(p) = permissions {
        m["permissions"] = json!(p);
    }
    m
}

/// INTERACTION_CREATE's `d` of `kind` (2 command, 3 component, 5 modal) by `user`.
fn interaction(n: u64, kind: u8, data: Value, user: u64, permissions: &str) -> Value {
    json!({
        "id": snowflake(n), "application_id": "100", "type": kind, "token": format!("tok{n}"),
        "data": data, "guild_id": GUILD.to_string(), "channel_id": "300",
        "channel": {"id": "300", "type": 0, "guild_id": GUILD.to_string()},
        "member": member(user, "2020-01-01T00:00:00.000000+00:00", Some(permissions)),
        "app_permissions": "2248473465835073", "locale": "en-US", "guild_locale": "en-US",
        "version": 1, "context": 0, "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD.to_string()},
        "attachment_size_limit": 10_485_760,
    })
}

fn slash(n: u64, name: &str, options: Value, user: u64, permissions: &str) -> Value {
    let mut data = json!({"id": "1100", "name": name, "type": 1, "options": options});
    // Users named in the options, as Discord resolves them.
    let mut users = serde_json::Map::new();
    for id in [ACTOR, OTHER, THIRD] {
        users.insert(
            id.to_string(),
            json!({"id": id.to_string(), "username": format!("user{id}"), "discriminator": "0",
                   "global_name": null, "avatar": null, "bot": false}),
        );
    }
    data["resolved"] = json!({"users": users});
    interaction(n, 2, data, user, permissions)
}

fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

fn opt(name: &str, kind: u8, value: Value) -> Value {
    json!({"name": name, "type": kind, "value": value})
}

fn user_opt(name: &str, user: u64) -> Value {
    opt(name, 6, json!(user.to_string()))
}

fn click(n: u64, custom_id: &str, user: u64) -> Value {
    interaction(
        n,
        3,
        json!({"custom_id": custom_id, "component_type": 2}),
        user,
        "0",
    )
}

fn modal(n: u64, custom_id: &str, fields: &[(&str, &str)], user: u64) -> Value {
    let components: Vec<Value> = fields
        .iter()
        .zip(1u64..)
        .map(|(&(input, value), k)| {
            json!({"type": 18, "id": 2 * k - 1,
                   "component": {"type": 4, "id": 2 * k, "custom_id": input, "value": value}})
        })
        .collect();
    interaction(
        n,
        5,
        json!({"custom_id": custom_id, "components": components}),
        user,
        "0",
    )
}

fn message_create(n: u64, content: &str) -> Value {
    json!({
        "id": snowflake(n), "channel_id": "300", "guild_id": GUILD.to_string(),
        "author": {"id": OTHER.to_string(), "username": "bob", "discriminator": "0",
                   "global_name": null, "avatar": null, "bot": false},
        "member": {"roles": [], "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false,
                   "mute": false, "flags": 0, "pending": false, "premium_since": null,
                   "communication_disabled_until": null, "nick": null, "avatar": null},
        "content": content, "timestamp": "2026-03-01T12:00:00.000000+00:00",
        "edited_timestamp": null, "tts": false, "mention_everyone": false, "mentions": [],
        "mention_roles": [], "attachments": [], "embeds": [], "components": [], "pinned": false,
        "type": 0, "flags": 0,
    })
}

fn reaction(add: bool) -> Value {
    let mut d = json!({
        "user_id": ACTOR.to_string(), "channel_id": "300", "message_id": snowflake(7),
        "guild_id": GUILD.to_string(), "emoji": {"id": null, "name": "⭐"}, "burst": false,
        "type": 0,
    });
    if add {
        d["member"] = member(ACTOR, "2020-01-01T00:00:00.000000+00:00", None);
        d["message_author_id"] = json!(OTHER.to_string());
        d["burst_colors"] = json!([]);
    }
    d
}

fn guild_create() -> Value {
    json!({
        "id": GUILD.to_string(), "name": "Indie Devs", "owner_id": ACTOR.to_string(),
        "icon": null, "splash": null, "discovery_splash": null, "afk_channel_id": null,
        "afk_timeout": 300, "verification_level": 0, "default_message_notifications": 0,
        "explicit_content_filter": 0, "roles": [], "emojis": [], "features": [], "mfa_level": 0,
        "application_id": null, "system_channel_id": null, "system_channel_flags": 0,
        "rules_channel_id": null, "vanity_url_code": null, "description": null, "banner": null,
        "premium_tier": 0, "preferred_locale": "en-US", "public_updates_channel_id": null,
        "nsfw_level": 0, "premium_progress_bar_enabled": false, "stickers": [],
        "joined_at": "2020-01-01T00:00:00.000000+00:00", "large": false, "member_count": 3,
        "members": [
            member(ACTOR, "2020-01-01T00:00:00.000000+00:00", None),
            member(OTHER, "2024-01-01T00:00:00.000000+00:00", None),
            member(THIRD, "2025-06-01T00:00:00.000000+00:00", None),
        ],
        "channels": [], "threads": [], "presences": [], "voice_states": [],
        "stage_instances": [], "guild_scheduled_events": [], "unavailable": false,
    })
}

const ADMIN: &str = "32";

/// Commands that give the fuzzed guild something to act on: members, credits, listings, a team, a
/// commission, a tournament. Each must be accepted (checked by a test below).
fn setup() -> Vec<(&'static str, Value)> {
    let sell = |n, who| {
        modal(
            n,
            "f:sell",
            &[
                ("title", "Grid A*"),
                ("description", "Fast"),
                ("language", "Rust"),
                ("price", "50"),
                ("code", "fn main() {}"),
            ],
            who,
        )
    };
    let grant = |n, who| {
        slash(
            n,
            "credits",
            sub(
                "grant",
                json!([
                    user_opt("member", who),
                    opt("amount", 4, json!(5000)),
                    opt("reason", 3, json!("seed"))
                ]),
            ),
            ACTOR,
            ADMIN,
        )
    };
    vec![
        ("GUILD_CREATE", guild_create()),
        ("INTERACTION_CREATE", grant(1, ACTOR)),
        ("INTERACTION_CREATE", grant(2, OTHER)),
        ("INTERACTION_CREATE", sell(3, OTHER)),
        ("INTERACTION_CREATE", sell(4, ACTOR)),
        ("INTERACTION_CREATE", click(5, "buy:1:1:400", ACTOR)),
        (
            "INTERACTION_CREATE",
            modal(
                6,
                "f:team",
                &[("name", "Jam"), ("description", "A jam"), ("open", "yes")],
                ACTOR,
            ),
        ),
        (
            "INTERACTION_CREATE",
            slash(
                7,
                "commission",
                sub(
                    "offer",
                    json!([
                        user_opt("developer", OTHER),
                        opt("amount", 4, json!(100)),
                        opt("deadline_days", 4, json!(10)),
                        opt("description", 3, json!("a boss"))
                    ]),
                ),
                ACTOR,
                "0",
            ),
        ),
        (
            "INTERACTION_CREATE",
            slash(
                8,
                "tournament",
                sub(
                    "create",
                    json!([
                        opt("name", 3, json!("Cup")),
                        opt("prize", 4, json!(500)),
                        opt("days", 4, json!(3))
                    ]),
                ),
                ACTOR,
                ADMIN,
            ),
        ),
    ]
}

/// Valid dispatches of every kind the intake reads, to mutate.
fn seeds() -> &'static [(&'static str, Value)] {
    static SEEDS: OnceLock<Vec<(&'static str, Value)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let i = |d: Value| ("INTERACTION_CREATE", d);
        let mut seeds = setup();
        seeds.extend([
            (
                "MESSAGE_CREATE",
                message_create(20, "hello there, a devlog"),
            ),
            ("MESSAGE_REACTION_ADD", reaction(true)),
            ("MESSAGE_REACTION_REMOVE", reaction(false)),
            ("GUILD_MEMBER_ADD", {
                let mut m = member(THIRD, "2026-01-01T00:00:00.000000+00:00", None);
                m["guild_id"] = json!(GUILD.to_string());
                m
            }),
            (
                "GUILD_MEMBER_REMOVE",
                json!({"guild_id": GUILD.to_string(), "user": {"id": THIRD.to_string(),
                       "username": "carol", "discriminator": "0", "avatar": null}}),
            ),
            (
                "GUILD_MEMBERS_CHUNK",
                json!({"guild_id": GUILD.to_string(), "chunk_index": 0, "chunk_count": 1,
                       "members": [member(OTHER, "2024-01-01T00:00:00.000000+00:00", None)],
                       "not_found": [], "presences": []}),
            ),
            i(slash(
                21,
                "xp",
                sub(
                    "give",
                    json!([
                        user_opt("member", OTHER),
                        opt("amount", 4, json!(50)),
                        opt("reason", 3, json!("demo"))
                    ]),
                ),
                ACTOR,
                ADMIN,
            )),
            i(slash(
                22,
                "pay",
                json!([
                    user_opt("member", OTHER),
                    opt("amount", 4, json!(10)),
                    opt("note", 3, json!("thanks"))
                ]),
                ACTOR,
                "0",
            )),
            i(slash(
                23,
                "team",
                sub(
                    "pay",
                    json!([
                        opt("team", 4, json!(1)),
                        user_opt("member", OTHER),
                        opt("amount", 4, json!(5)),
                        opt("note", 3, json!("bonus"))
                    ]),
                ),
                ACTOR,
                "0",
            )),
            i(slash(
                24,
                "team",
                sub(
                    "deposit",
                    json!([opt("team", 4, json!(1)), opt("amount", 4, json!(50))]),
                ),
                ACTOR,
                "0",
            )),
            i(slash(
                25,
                "team",
                sub(
                    "milestone",
                    json!([
                        opt("team", 4, json!(1)),
                        opt("title", 3, json!("Alpha")),
                        opt("reward", 4, json!(5))
                    ]),
                ),
                ACTOR,
                "0",
            )),
            i(slash(
                26,
                "settings",
                sub(
                    "tax",
                    json!([
                        opt("beginner", 4, json!(15)),
                        opt("learner", 4, json!(10)),
                        opt("expert", 4, json!(5)),
                        opt("master", 4, json!(0))
                    ]),
                ),
                ACTOR,
                ADMIN,
            )),
            i(slash(
                27,
                "settings",
                sub(
                    "no-xp",
                    json!([
                        opt("channel", 7, json!("300")),
                        opt("without_xp", 5, json!(true))
                    ]),
                ),
                ACTOR,
                ADMIN,
            )),
            i(slash(
                28,
                "market",
                sub(
                    "feature",
                    json!([opt("listing", 4, json!(2)), opt("days", 4, json!(3))]),
                ),
                ACTOR,
                "0",
            )),
            i(slash(
                29,
                "commission",
                sub(
                    "resolve",
                    json!([
                        opt("id", 4, json!(1)),
                        opt("decision", 3, json!("split")),
                        opt("developer_percent", 4, json!(40))
                    ]),
                ),
                ACTOR,
                ADMIN,
            )),
            i(slash(
                30,
                "commission",
                sub(
                    "milestone",
                    json!([
                        opt("id", 4, json!(1)),
                        opt("amount", 4, json!(10)),
                        opt("note", 3, json!("part"))
                    ]),
                ),
                ACTOR,
                "0",
            )),
            i(slash(
                31,
                "rep",
                json!([user_opt("member", OTHER), opt("reason", 3, json!("helped"))]),
                ACTOR,
                "0",
            )),
            i(slash(
                32,
                "tournament",
                sub(
                    "results",
                    json!([
                        opt("id", 4, json!(1)),
                        user_opt("first", OTHER),
                        user_opt("second", THIRD)
                    ]),
                ),
                ACTOR,
                ADMIN,
            )),
            i(slash(
                33,
                "spotlight",
                json!([opt("text", 3, json!("my game"))]),
                ACTOR,
                "0",
            )),
            i(slash(
                34,
                "find",
                json!([
                    opt("role", 3, json!("Artist")),
                    opt("min_years", 4, json!(2))
                ]),
                ACTOR,
                "0",
            )),
            i(slash(
                35,
                "shop",
                json!([opt("language", 3, json!("Rust"))]),
                ACTOR,
                "0",
            )),
            i(slash(
                36,
                "profile",
                json!([user_opt("member", OTHER)]),
                ACTOR,
                "0",
            )),
            i(slash(37, "daily", json!([]), ACTOR, "0")),
            i(click(40, "sh:m:0:400:t:Rust", ACTOR)),
            i(click(41, "lb:week:3:400:n", ACTOR)),
            i(click(42, "rf:2:500:400", ACTOR)),
            i(click(43, "fd:1:2:0:400:p", ACTOR)),
            i(click(44, "tj:1:400", ACTOR)),
            i(click(45, "ct:500:400", ACTOR)),
            i(click(46, "dq:400", ACTOR)),
            i(modal(
                50,
                "f:review:1",
                &[("stars", "5"), ("text", "great")],
                ACTOR,
            )),
            i(modal(
                51,
                "f:profile",
                &[
                    ("role", "Artist"),
                    ("years", "3"),
                    ("skills", "pixels"),
                    ("links", "https://x"),
                    ("open", "yes"),
                ],
                ACTOR,
            )),
            i(modal(52, "f:contact:500", &[("text", "hi")], ACTOR)),
            i(modal(53, "f:dispute:1", &[("text", "broken")], ACTOR)),
        ]);
        seeds
    })
}

/// The fuzzed guild: [`setup`] decided and applied; and what it refused (nothing, tested below).
fn guild() -> &'static (GuildState, Vec<String>) {
    static GUILD_STATE: OnceLock<(GuildState, Vec<String>)> = OnceLock::new();
    GUILD_STATE.get_or_init(|| {
        let mut state = GuildState::new(GuildId::from_u64(GUILD));
        let mut refused = Vec::new();
        let mut seq = 0;
        for (event_type, d) in setup() {
            let payload = json!({"op": 0, "s": 1, "t": event_type, "d": d}).to_string();
            let command = match read(event_type, payload.as_bytes(), now()) {
                Ok(Incoming::Command { command, .. }) => command,
                other => {
                    refused.push(format!("{event_type}: {other:?}"));
                    continue;
                }
            };
            match decide(&state, &command, now()) {
                Ok((events, _)) => {
                    for event in &events {
                        seq += 1;
                        state.apply(seq, event);
                    }
                }
                Err(rejection) => refused.push(format!("{command:?}: {rejection}")),
            }
        }
        (state, refused)
    })
}

// ---- what must hold -----------------------------------------------------------------------------

/// Why `command` is outside what the rules allow whatever the guild's state, if it is.
fn out_of_range(command: &Command) -> Option<&'static str> {
    let credits = |n: i64| !(1..=economy::MAX_AMOUNT.0).contains(&n);
    let bad = match command {
        Command::Pay { amount, .. } | Command::AdjustCredits { amount, .. } => credits(*amount),
        Command::AdjustXp { amount, .. } => !(1..=xp::MAX_ADJUSTMENT).contains(amount),
        Command::Team(
            TeamCmd::Deposit { amount, .. }
            | TeamCmd::Pay { amount, .. }
            | TeamCmd::Spend { amount, .. },
        ) => credits(*amount),
        Command::Team(TeamCmd::AddMilestone { reward, .. }) => *reward != 0 && credits(*reward),
        Command::Tournament(TournamentCmd::Create { prize, days, .. }) => {
            !(tournament::MIN_PRIZE.0..=economy::MAX_AMOUNT.0).contains(prize)
                || !(1..=tournament::MAX_DAYS).contains(days)
        }
        Command::Market(Market::Feature { days, .. }) => {
            !(1..=economy::MAX_FEATURE_DAYS).contains(days)
        }
        Command::Market(Market::Buy { version, .. }) => *version <= 0,
        Command::Commission(Commission::Offer {
            amount,
            deadline_days,
            ..
        }) => credits(*amount) || !(1..=economy::MAX_DEADLINE_DAYS).contains(deadline_days),
        Command::Commission(Commission::Milestone { amount, .. }) => credits(*amount),
        Command::Commission(Commission::Resolve {
            resolution: Resolution::Split(p),
            ..
        }) => !(0..=100).contains(p),
        _ => false,
    };
    bad.then_some("a value outside the rules' range")
}

/// Whether every member id in an event is a Discord snowflake (1 to 2^63 - 1), never a forged 0 or an
/// id past i64 that wrapped to a negative one.
fn ids_in_range(value: &Value) -> bool {
    const MEMBERS: [&str; 14] = [
        "member",
        "by",
        "from",
        "to",
        "giver",
        "receiver",
        "seller",
        "buyer",
        "client",
        "developer",
        "owner",
        "actor",
        "reviewer",
        "author",
    ];
    match value {
        Value::Object(map) => map.iter().all(|(k, v)| {
            let id_ok = !MEMBERS.contains(&k.as_str()) || v.as_i64().is_none_or(|id| id > 0);
            id_ok && ids_in_range(v)
        }),
        Value::Array(list) => list.iter().all(ids_in_range),
        _ => true,
    }
}

fn check_query(query: &Query) -> Result<(), TestCaseError> {
    if let Query::Board { board, .. } = query {
        let page = match board {
            Board::Leaderboard { page, .. }
            | Board::Shop { page, .. }
            | Board::Teams { page, .. } => *page,
            Board::Find { page, role, .. } => {
                prop_assert!(usize::from(*role) < crate::rules::profile::ROLES.len());
                *page
            }
            Board::Profile { .. } => 0,
        };
        prop_assert!(page < 10_000, "page {page} of {query:?}");
    }
    Ok(())
}

/// Decides `command` against the fuzzed guild: it must not panic; a value out of range must be
/// refused; an accepted one must move credits in balanced postings, leave no member, team or escrow
/// below zero, and render an answer and effects inside Discord's limits.
fn check_command(command: &Command) -> Result<(), TestCaseError> {
    let (state, _) = guild();
    let decision = decide(state, command, now());
    if let Some(why) = out_of_range(command) {
        prop_assert!(
            decision.is_err(),
            "{why}, yet accepted: {command:?} → {decision:?}"
        );
    }
    let outcome = match decision {
        Err(rejection) => crate::domain::Outcome::Rejected(rejection),
        Ok((events, outcome)) => {
            for event in &events {
                let json = serde_json::to_value(event).unwrap_or_default();
                prop_assert!(
                    ids_in_range(&json),
                    "an id outside Discord's range in {json}"
                );
            }
            let mut after = state.clone();
            for (event, seq) in events.iter().zip(1_000_000..) {
                prop_assert!(
                    studio_schema::money::balanced(event.postings()),
                    "unbalanced postings in {event:?}"
                );
                after.apply(seq, event);
            }
            for account in events.iter().flat_map(|e| e.postings()).map(|p| &p.account) {
                if matches!(
                    account,
                    Account::Member(_) | Account::Team(_) | Account::Escrow(_) | Account::Prize(_)
                ) {
                    prop_assert!(
                        after.balance(*account).0 >= 0,
                        "{account:?} below zero after {command:?}"
                    );
                }
            }
            outcome
        }
    };
    let answer = crate::discord::outcome::answer(&outcome, Some("pay"));
    let content = answer
        .data
        .as_ref()
        .and_then(|d| d.content.as_deref())
        .unwrap_or_default();
    prop_assert!(content.chars().count() <= 2000);
    let _ = crate::outbox::for_outcome(GuildId::from_u64(GUILD), Some(300), &outcome);
    Ok(())
}

/// Reads a dispatch and checks what it became.
fn check(event_type: &str, payload: &[u8]) -> Result<(), TestCaseError> {
    match read(event_type, payload, now()) {
        Err(_) | Ok(Incoming::Ignore | Incoming::Unreadable { .. }) => Ok(()),
        Ok(Incoming::Refuse { reason, .. }) => {
            prop_assert!(!reason.is_empty());
            Ok(())
        }
        Ok(Incoming::Query { query, .. }) => check_query(&query),
        Ok(Incoming::Command { command, .. }) => check_command(&command),
    }
}

fn frame(event_type: &str, d: &Value) -> String {
    json!({"t": event_type, "s": 2, "op": 0, "d": d}).to_string()
}

// ---- random input -------------------------------------------------------------------------------

const EVENT_TYPES: [&str; 9] = [
    "MESSAGE_CREATE",
    "INTERACTION_CREATE",
    "GUILD_CREATE",
    "GUILD_MEMBER_ADD",
    "GUILD_MEMBER_REMOVE",
    "GUILD_MEMBERS_CHUNK",
    "MESSAGE_REACTION_ADD",
    "MESSAGE_REACTION_REMOVE",
    "TYPING_START",
];

/// Numbers spliced into the JSON text as they are: beyond i64 and u64, floats, exponents.
const RAW: [&str; 12] = [
    "1e400",
    "-1e400",
    "1e-400",
    "18446744073709551616",
    "18446744073709551615",
    "-9223372036854775809",
    "9223372036854775808",
    "123456789012345678901234567890",
    "1.5",
    "-0",
    "0.0",
    "5e2",
];

const EDGE_INTS: [i64; 18] = [
    0,
    1,
    -1,
    2,
    5,
    7,
    8,
    60,
    61,
    90,
    91,
    100,
    101,
    499,
    500,
    1_000_000,
    1_000_001,
    i64::MAX,
];

const STRINGS: [&str; 24] = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "9223372036854775808",
    "@everyone",
    "<@&1>",
    "\u{0}",
    "\u{FFFF}",
    "\u{202E}",
    "🎮",
    "Rust",
    "yes",
    "no",
    "split",
    "refund",
    "treasury",
    "2020-01-01T00:00:00.000000+00:00",
    "99999-01-01T00:00:00+00:00",
    "::::",
];

/// Names Studio's payloads use (option names, keys, command names), and a few it does not.
const NAMES: [&str; 60] = [
    "member",
    "amount",
    "reason",
    "note",
    "give",
    "remove",
    "grant",
    "revoke",
    "team",
    "join",
    "invite",
    "accept",
    "kick",
    "transfer",
    "disband",
    "deposit",
    "pay",
    "spend",
    "milestone",
    "complete",
    "title",
    "reward",
    "text",
    "create",
    "enter",
    "results",
    "cancel",
    "list",
    "name",
    "prize",
    "days",
    "from",
    "id",
    "first",
    "second",
    "show",
    "role",
    "xp",
    "per_message",
    "channel",
    "tax",
    "master",
    "team-fee",
    "emoji",
    "rank-role",
    "rank",
    "ranks",
    "feature",
    "listing",
    "resolve",
    "buyer",
    "decision",
    "offer",
    "developer",
    "description",
    "deadline_days",
    "developer_percent",
    "language",
    "min_years",
    "unknown",
];

const COMMANDS: [&str; 21] = [
    "xp",
    "pay",
    "credits",
    "team",
    "spotlight",
    "daily",
    "rep",
    "rep-purge",
    "settings",
    "tournament",
    "market",
    "commission",
    "profile",
    "leaderboard",
    "balance",
    "sell",
    "teams",
    "help",
    "find",
    "shop",
    "nope",
];

fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        3 => prop::sample::select(&STRINGS[..]).prop_map(str::to_owned),
        2 => "-?[0-9]{1,25}",
        1 => (1usize..6_000).prop_map(|n| "x".repeat(n)),
        2 => custom_id(),
    ]
}

fn int() -> impl Strategy<Value = i64> {
    prop_oneof![
        prop::sample::select(&EDGE_INTS[..]),
        prop::sample::select(&EDGE_INTS[..]).prop_map(|n| n.saturating_neg()),
        any::<i64>(),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        int().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        nasty_string().prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(&NAMES[..]), inner), 0..6).prop_map(
                |fields| Value::Object(
                    fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )
            ),
        ]
    })
}

/// A custom id: one of Studio's prefixes and parts that are almost, or not at all, what it writes.
fn custom_id() -> impl Strategy<Value = String> {
    let prefix = prop::sample::select(
        &[
            "sh", "buy", "ed", "dl", "rv", "dp", "rf", "pf", "fd", "tm", "tc", "tj", "dq", "ct",
            "cd", "p", "lb", "f", "",
        ][..],
    );
    let part = prop_oneof![
        prop::sample::select(
            &[
                "m",
                "y",
                "h",
                "c",
                "t",
                "p",
                "n",
                "b",
                "all",
                "week",
                "stats",
                "portfolio",
                "rank",
                "sell",
                "edit",
                "review",
                "dispute",
                "profile",
                "team",
                "contact",
                "Rust",
                "400",
                "500",
                "0",
                "-1",
                "1",
                "9999",
                "10000",
                "255",
                "256",
                "7",
                "8",
                "18446744073709551615",
                "18446744073709551616",
                "9223372036854775807",
                "9223372036854775808",
                "",
            ][..]
        )
        .prop_map(str::to_owned),
        "[0-9]{1,22}",
        any::<String>(),
    ];
    (prefix, prop::collection::vec(part, 0..7)).prop_map(|(prefix, parts)| {
        let mut id = prefix.to_owned();
        for p in parts {
            id.push(':');
            id.push_str(&p);
        }
        id
    })
}

/// One option of a slash command: a value of a type (right or wrong for its name), or a subcommand.
fn option_tree() -> impl Strategy<Value = Value> {
    let snowflake_text = prop_oneof![
        4 => prop::sample::select(&["400", "500", "600", "1", "18446744073709551615"][..])
            .prop_map(str::to_owned),
        4 => "[0-9]{1,21}",
        1 => nasty_string(),
    ];
    // Mostly of the type the option says, so the intake reads past the types into the values.
    let value = prop_oneof![
        3 => nasty_string().prop_map(|s| (3u8, Value::String(s))),
        3 => int().prop_map(|n| (4u8, Value::from(n))),
        1 => any::<bool>().prop_map(|b| (5u8, Value::Bool(b))),
        3 => snowflake_text.clone().prop_map(|s| (6u8, Value::String(s))),
        1 => snowflake_text.clone().prop_map(|s| (7u8, Value::String(s))),
        1 => snowflake_text.clone().prop_map(|s| (8u8, Value::String(s))),
        1 => snowflake_text.prop_map(|s| (9u8, Value::String(s))),
        1 => any::<f64>().prop_map(|f| (
            10u8,
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        )),
        1 => (0u8..=12, leaf()),
    ];
    let leaf_option = (prop::sample::select(&NAMES[..]), value)
        .prop_map(|(name, (kind, value))| json!({"name": name, "type": kind, "value": value}));
    leaf_option.prop_recursive(2, 24, 6, |inner| {
        (
            prop::sample::select(&NAMES[..]),
            1u8..=2,
            prop::collection::vec(inner, 0..6),
        )
            .prop_map(
                |(name, kind, options)| json!({"name": name, "type": kind, "options": options}),
            )
    })
}

/// How one option value (or form input) of a valid interaction is changed.
#[derive(Clone, Debug)]
struct Twist {
    /// Left as it was.
    keep: bool,
    /// Replaced by a value of another type.
    wrong: bool,
    /// The option is dropped, or repeated.
    drop: bool,
    repeat: bool,
    text: String,
    int: i64,
    flag: bool,
    float: f64,
    id: String,
    other: Value,
}

fn twist() -> impl Strategy<Value = Twist> {
    (
        (0u8..10, any::<bool>(), 0u8..40),
        nasty_string(),
        int(),
        any::<bool>(),
        any::<f64>(),
        prop_oneof![
            prop::sample::select(&["400", "500", "600", "1", "0", "18446744073709551615"][..])
                .prop_map(str::to_owned),
            "[0-9]{1,21}",
        ],
        leaf(),
    )
        .prop_map(
            |((dice, wrong, fate), text, int, flag, float, id, other)| Twist {
                keep: dice < 3,
                wrong: wrong && dice == 9,
                drop: fate == 0,
                repeat: fate == 1,
                text,
                int,
                flag,
                float,
                id,
                other,
            },
        )
}

/// Gives every option value and form input in `value` (the interaction's `data`) a twist of its own
/// type: a slash option keeps its type unless the twist is `wrong`, a text input gets text.
fn twist_values(value: &mut Value, twists: &[Twist], n: &mut usize) {
    let key = if value.get("options").is_some() {
        "options"
    } else {
        "components"
    };
    let Some(list) = value.get_mut(key).and_then(Value::as_array_mut) else {
        return;
    };
    let mut out = Vec::new();
    for mut item in std::mem::take(list) {
        let Some(t) = twists.get(*n % twists.len().max(1)).cloned() else {
            out.push(item);
            continue;
        };
        *n += 1;
        if let Some(inner) = item.get_mut("component") {
            twist_values(inner, twists, n);
        }
        let kind = item.get("type").and_then(Value::as_u64);
        let input = item.get("custom_id").is_some();
        if let Some(v) = item.get_mut("value")
            && !t.keep
        {
            *v = match (t.wrong, input, kind) {
                (true, ..) => t.other.clone(),
                (false, true, _) | (false, false, Some(3)) => Value::String(t.text.clone()),
                (false, false, Some(4)) => Value::from(t.int),
                (false, false, Some(5)) => Value::Bool(t.flag),
                (false, false, Some(10)) => {
                    serde_json::Number::from_f64(t.float).map_or(Value::Null, Value::Number)
                }
                (false, false, _) => Value::String(t.id.clone()),
            };
        }
        twist_values(&mut item, twists, n);
        if t.drop {
            continue;
        }
        if t.repeat {
            out.push(item.clone());
        }
        out.push(item);
    }
    *list = out;
}

/// A place in a JSON tree.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    At(usize),
}

/// Every node's path, and whether it is an object.
fn paths(value: &Value, here: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, bool)>) {
    out.push((here.clone(), value.is_object()));
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                here.push(Step::Key(k.clone()));
                paths(v, here, out);
                here.pop();
            }
        }
        Value::Array(list) => {
            for (i, v) in list.iter().enumerate() {
                here.push(Step::At(i));
                paths(v, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(k.as_str()),
        Step::At(i) => v.get_mut(*i),
    })
}

/// What is put in place of a field.
#[derive(Clone, Debug)]
enum Nasty {
    Json(Value),
    /// A number literal spliced into the text ([`RAW`]).
    Raw(usize),
}

fn nasty() -> impl Strategy<Value = Nasty> {
    prop_oneof![
        6 => json_value().prop_map(Nasty::Json),
        2 => option_tree().prop_map(Nasty::Json),
        2 => (0..RAW.len()).prop_map(Nasty::Raw),
    ]
}

fn marker(raw: usize) -> String {
    format!("@@raw{raw}@@")
}

/// One change to a valid dispatch.
#[derive(Clone, Debug)]
enum Mutation {
    Replace(Index, Nasty),
    Remove(Index),
    Insert(Index, &'static str, Nasty),
    /// An array's first element, `n` times.
    Repeat(Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        5 => (any::<Index>(), nasty()).prop_map(|(i, n)| Mutation::Replace(i, n)),
        2 => any::<Index>().prop_map(Mutation::Remove),
        2 => (any::<Index>(), prop::sample::select(&NAMES[..]), nasty())
            .prop_map(|(i, k, n)| Mutation::Insert(i, k, n)),
        1 => (any::<Index>(), 0usize..400).prop_map(|(i, n)| Mutation::Repeat(i, n)),
    ]
}

fn put(nasty: &Nasty) -> Value {
    match nasty {
        Nasty::Json(v) => v.clone(),
        Nasty::Raw(r) => Value::String(marker(*r)),
    }
}

fn mutate(mut value: Value, mutations: &[Mutation]) -> String {
    for m in mutations {
        let mut all = Vec::new();
        paths(&value, &mut Vec::new(), &mut all);
        match m {
            Mutation::Replace(i, nasty) => {
                if let Some(node) = at(&mut value, &all[i.index(all.len())].0) {
                    *node = put(nasty);
                }
            }
            Mutation::Remove(i) => {
                let path = &all[i.index(all.len())].0;
                if let Some((last, parent)) = path.split_last()
                    && let Some(node) = at(&mut value, parent)
                {
                    match (node, last) {
                        (Value::Object(map), Step::Key(k)) => {
                            map.remove(k);
                        }
                        (Value::Array(list), Step::At(i)) if *i < list.len() => {
                            list.remove(*i);
                        }
                        _ => {}
                    }
                }
            }
            Mutation::Insert(i, key, nasty) => {
                let objects: Vec<&Vec<Step>> = all
                    .iter()
                    .filter(|(_, object)| *object)
                    .map(|(path, _)| path)
                    .collect();
                if !objects.is_empty() {
                    let path = objects[i.index(objects.len())];
                    if let Some(Value::Object(map)) = at(&mut value, path) {
                        map.insert((*key).to_owned(), put(nasty));
                    }
                }
            }
            Mutation::Repeat(i, n) => {
                if let Some(Value::Array(list)) = at(&mut value, &all[i.index(all.len())].0)
                    && let Some(first) = list.first().cloned()
                {
                    list.extend(std::iter::repeat_n(first, *n));
                }
            }
        }
    }
    let mut text = value.to_string();
    for (r, raw) in RAW.iter().enumerate() {
        text = text.replace(&format!("\"{}\"", marker(r)), raw);
    }
    text
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
