//! Random input: values, strings, custom ids, option trees, and mutations of valid payloads.

use super::*;

// ---- random input -------------------------------------------------------------------------------

pub(super) const EVENT_TYPES: [&str; 9] = [
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
pub(super) const RAW: [&str; 12] = [
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

pub(super) const EDGE_INTS: [i64; 18] = [
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

pub(super) const STRINGS: [&str; 24] = [
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
pub(super) const NAMES: [&str; 60] = [
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

pub(super) const COMMANDS: [&str; 23] = [
    "xp",
    "undo",
    "pay",
    "credits",
    "team",
    "spotlight",
    "daily",
    "rep",
    "rep-purge",
    "settings",
    "tournament",
    "season",
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

pub(super) fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        3 => prop::sample::select(&STRINGS[..]).prop_map(str::to_owned),
        2 => "-?[0-9]{1,25}",
        1 => (1usize..6_000).prop_map(|n| "x".repeat(n)),
        2 => custom_id(),
    ]
}

pub(super) fn int() -> impl Strategy<Value = i64> {
    prop_oneof![
        prop::sample::select(&EDGE_INTS[..]),
        prop::sample::select(&EDGE_INTS[..]).prop_map(|n| n.saturating_neg()),
        any::<i64>(),
    ]
}

pub(super) fn leaf() -> impl Strategy<Value = Value> {
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

pub(super) fn json_value() -> impl Strategy<Value = Value> {
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
pub(super) fn custom_id() -> impl Strategy<Value = String> {
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
pub(super) fn option_tree() -> impl Strategy<Value = Value> {
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
pub(super) struct Twist {
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

pub(super) fn twist() -> impl Strategy<Value = Twist> {
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
pub(super) fn twist_values(value: &mut Value, twists: &[Twist], n: &mut usize) {
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
pub(super) enum Step {
    Key(String),
    At(usize),
}

/// Every node's path, and whether it is an object.
pub(super) fn paths(value: &Value, here: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, bool)>) {
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

pub(super) fn at<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(k.as_str()),
        Step::At(i) => v.get_mut(*i),
    })
}

/// What is put in place of a field.
#[derive(Clone, Debug)]
pub(super) enum Nasty {
    Json(Value),
    /// A number literal spliced into the text ([`RAW`]).
    Raw(usize),
}

pub(super) fn nasty() -> impl Strategy<Value = Nasty> {
    prop_oneof![
        6 => json_value().prop_map(Nasty::Json),
        2 => option_tree().prop_map(Nasty::Json),
        2 => (0..RAW.len()).prop_map(Nasty::Raw),
    ]
}

pub(super) fn marker(raw: usize) -> String {
    format!("@@raw{raw}@@")
}

/// One change to a valid dispatch.
#[derive(Clone, Debug)]
pub(super) enum Mutation {
    Replace(Index, Nasty),
    Remove(Index),
    Insert(Index, &'static str, Nasty),
    /// An array's first element, `n` times.
    Repeat(Index, usize),
}

pub(super) fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        5 => (any::<Index>(), nasty()).prop_map(|(i, n)| Mutation::Replace(i, n)),
        2 => any::<Index>().prop_map(Mutation::Remove),
        2 => (any::<Index>(), prop::sample::select(&NAMES[..]), nasty())
            .prop_map(|(i, k, n)| Mutation::Insert(i, k, n)),
        1 => (any::<Index>(), 0usize..400).prop_map(|(i, n)| Mutation::Repeat(i, n)),
    ]
}

pub(super) fn put(nasty: &Nasty) -> Value {
    match nasty {
        Nasty::Json(v) => v.clone(),
        Nasty::Raw(r) => Value::String(marker(*r)),
    }
}

pub(super) fn mutate(mut value: Value, mutations: &[Mutation]) -> String {
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
