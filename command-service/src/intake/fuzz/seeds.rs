//! Valid dispatches of every kind the intake reads, and the fuzzed guild they act on.

use super::*;

// ---- valid dispatches -------------------------------------------------------------------------

pub(super) fn member(user: u64, joined: &str, permissions: Option<&str>) -> Value {
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
pub(super) fn interaction(n: u64, kind: u8, data: Value, user: u64, permissions: &str) -> Value {
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

pub(super) fn slash(n: u64, name: &str, options: Value, user: u64, permissions: &str) -> Value {
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

pub(super) fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

pub(super) fn opt(name: &str, kind: u8, value: Value) -> Value {
    json!({"name": name, "type": kind, "value": value})
}

pub(super) fn user_opt(name: &str, user: u64) -> Value {
    opt(name, 6, json!(user.to_string()))
}

pub(super) fn click(n: u64, custom_id: &str, user: u64) -> Value {
    interaction(
        n,
        3,
        json!({"custom_id": custom_id, "component_type": 2}),
        user,
        "0",
    )
}

pub(super) fn modal(n: u64, custom_id: &str, fields: &[(&str, &str)], user: u64) -> Value {
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

pub(super) fn message_create(n: u64, content: &str) -> Value {
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

pub(super) fn reaction(add: bool) -> Value {
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

pub(super) fn guild_create() -> Value {
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

pub(super) const ADMIN: &str = "32";

/// Commands that give the fuzzed guild something to act on: members, credits, listings, a team, a
/// commission, a tournament. Each must be accepted (checked by a test below).
pub(super) fn setup() -> Vec<(&'static str, Value)> {
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
pub(super) fn seeds() -> &'static [(&'static str, Value)] {
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
pub(super) fn guild() -> &'static (GuildState, Vec<String>) {
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
