//! A long log of one guild: `projector replay` over it, then a command service's cold start on it
//! (from the process's start to the first message decided and durable) and its memory afterwards,
//! with every member of the guild in its state.

use super::Durable;
use super::messages::{Asked, offered, round_trip};
use crate::common::{GUILD, PATIENCE, Stack, member};
use crate::raw;
use crate::report::Row;
use serde_json::json;
use std::time::{Duration, Instant};
use studio_schema::GuildId;

pub async fn run() -> Vec<Row> {
    let events = crate::arg("BENCH_REPLAY_EVENTS", 100_000);
    let members = crate::arg("BENCH_MEMBERS", 100_000).min(events);
    let mut rows = Vec::new();
    let stack = Stack::start(vec![]).await;
    crate::log::fill(&stack.pool, GuildId::from_u64(GUILD), members, events).await;
    crate::log::settle(&stack.pool).await;
    let read = raw::catch_up_read(&stack.pool).await;
    rows.push(Row::raw(
        "raw: catch-up read of the event log",
        read,
        "events/s",
    ));
    let started = Instant::now();
    stack.replay().await;
    let took = started.elapsed();
    rows.push(
        Row::studio(
            &format!("projector replay ({events} events)"),
            events as f64 / took.as_secs_f64(),
            "events/s",
        )
        .against("catch-up read", read, Some(0.8)),
    );
    println!(
        "replay: {events} events ({members} members) rebuilt and swapped in {:.2} s → {:.0} events/s",
        took.as_secs_f64(),
        events as f64 / took.as_secs_f64()
    );

    // Cold starts: the message waits in the stream for the command service to own the guild. The
    // first start folds the whole log (and snapshots it); the second starts from the snapshot.
    let gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(
        stack.discord.wait_identified(PATIENCE).await,
        "the gateway worker never identified"
    );
    let mut durable = Durable::new();
    durable.after = events;
    let (first, command) = first_decision(&stack, &mut durable, "first words").await;
    println!(
        "cold start without a snapshot: first message durable {:.2} s after the command service started on {events} events",
        first.as_secs_f64()
    );
    rows.push(Row::studio(
        &format!("cold start, no snapshot yet ({events} events)"),
        first.as_secs_f64(),
        "s",
    ));
    let waited = Instant::now();
    while stack.scalar("SELECT count(*) FROM guild_snapshots").await == 0 {
        assert!(waited.elapsed() < super::LIMIT, "no snapshot was taken");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let bytes = stack
        .scalar("SELECT max(length(state))::bigint FROM guild_snapshots")
        .await;
    command.kill().await;
    let (first, command) =
        first_decision(&stack, &mut durable, "first words after a restart").await;
    println!(
        "cold start from the snapshot ({:.1} MB): first message durable {:.2} s after the command service started",
        bytes as f64 / 1e6,
        first.as_secs_f64()
    );
    rows.push(Row::goal(
        &format!("cold start to first decision ({events} events, snapshot)"),
        first.as_secs_f64(),
        "s",
        false,
        2.0,
    ));
    // Settled: what the allocator keeps once loading is over (its threads' caches included).
    tokio::time::sleep(Duration::from_secs(1)).await;
    let loaded = command.rss_bytes().unwrap_or(0) as f64 / 1_048_576.0;
    // A decided command in this guild (not a read: a read decides nothing): `/pay` a credit the
    // members do not have is refused, and the refusal is recorded and answered like any decision.
    let payers: Vec<_> = (2..members.clamp(2, 201) + 1)
        .map(|i| member(u64::try_from(i).unwrap_or(2), &format!("m{i}"), 90))
        .collect();
    let pay = Asked {
        what: format!("/pay refused, {members} members"),
        command: "pay",
        options: json!([{"name": "member", "type": 6, "value": "1"},
                        {"name": "amount", "type": 4, "value": 1}]),
    };
    let before = stack
        .scalar("SELECT count(*) FROM processed_commands")
        .await;
    rows.extend(round_trip(&stack, &payers, &pay).await);
    let decided = stack
        .scalar("SELECT count(*) FROM processed_commands")
        .await
        - before;
    assert!(
        decided >= i64::try_from(offered()).unwrap_or(i64::MAX),
        "only {decided} of the {} /pay were decided",
        offered()
    );
    // And after serving for a while; the goal is held to the higher of the two.
    let serving = command.rss_bytes().unwrap_or(0) as f64 / 1_048_576.0;
    let rss = loaded.max(serving);
    println!(
        "memory: command service {loaded:.0} MB RSS 1 s after starting with {members} members in its \
         guild, {serving:.0} MB after answering the /pay round trips"
    );
    rows.push(Row::goal(
        &format!("command-service memory, {members} members in one guild"),
        rss,
        "MB RSS",
        false,
        300.0,
    ));
    drop((gateway, command));
    stack.finish().await;
    rows
}

/// Starts a command service and says one message at once: how long until it is durable.
async fn first_decision(
    stack: &Stack,
    durable: &mut Durable,
    words: &str,
) -> (Duration, crate::common::Service) {
    let started = Instant::now();
    let command = stack.spawn("command-service", &[], &[]);
    stack.say(&member(1, "m1", 90), words);
    let want = durable.seen + 1;
    let first = durable.wait(stack, want).await - started;
    (first, command)
}
