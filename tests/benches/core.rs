//! `scripts/bench`: throughput of the core through the real release binaries, against real Postgres
//! and NATS, each figure beside the raw primitive it rests on, measured first in the same run.
//! Prints one table (and writes it as JSON, see [`support::report`]); asserts correctness, nothing
//! about speed.
//!
//! 0. The raw primitives: JetStream pipelined publish and pull consume, Postgres `COPY`, and a
//!    catch-up read of the event log (the replay's log, just before the replay).
//! 1. Messages per second from gateway dispatch (local Discord → gateway-worker → JetStream →
//!    command-service) to durable `MessagePosted` events in Postgres.
//! 2. `projector replay` over `BENCH_REPLAY_EVENTS` events.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/raw.rs"]
mod raw;
#[path = "support/report.rs"]
mod report;

use report::Row;

use chrono::Utc;
use common::{Stack, member};
use std::time::{Duration, Instant};
use studio_schema::log::{self, NewEvent};
use studio_schema::{ChannelId, Event, GuildId, MessageId, UserId, Xp};

fn arg(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let messages = arg("BENCH_MESSAGES", 20_000);
    let replay_events = arg("BENCH_REPLAY_EVENTS", 100_000);
    let raw_messages = usize::try_from(arg("BENCH_RAW_MESSAGES", 200_000)).unwrap_or(200_000);
    let mut rows = Vec::new();

    // 0. The raw primitives, on a stack of their own.
    let stack = Stack::start(vec![]).await;
    let subjects = studio_schema::subjects::Subjects::new(&format!("{}raw", stack.prefix), 1);
    let (publish, consume) = raw::jetstream(
        stack.nats_as("gateway-worker").await,
        stack.nats_as("command-service").await,
        &subjects,
        raw_messages,
    )
    .await;
    let copy = raw::copy(&stack.pool, raw_messages).await;
    rows.push(Row::raw(
        "raw: JetStream publish, pipelined",
        publish,
        "msg/s",
    ));
    rows.push(Row::raw("raw: JetStream pull consume", consume, "msg/s"));
    rows.push(Row::raw(
        "raw: Postgres COPY (event-log rows)",
        copy,
        "rows/s",
    ));
    stack.finish().await;
    let members: Vec<_> = (0..200)
        .map(|i| member(10_000 + i, &format!("m{i}"), 90))
        .collect();

    // 1. Dispatch → durable events.
    let stack = Stack::start(members.clone()).await;
    let services = stack.services().await;
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MemberSeen'",
            200,
        )
        .await;
    let started = Instant::now();
    let members_n = members.len();
    for i in 0..usize::try_from(messages).unwrap_or(0) {
        stack.say(
            &members[i % members_n],
            "benchmarking the level editor today",
        );
    }
    let dispatched = started.elapsed();
    loop {
        let n = stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'")
            .await;
        if n >= messages {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "only {n} of {messages} messages arrived"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let durable = started.elapsed();
    rows.push(
        Row::goal(
            &format!("messages → durable XP events ({messages})"),
            messages as f64 / durable.as_secs_f64(),
            "msg/s",
            true,
            50_000.0,
        )
        .against("JetStream publish", publish, Some(0.4)),
    );
    let transactions = stack
        .scalar("SELECT count(DISTINCT tx_id::text) FROM event_log")
        .await;
    println!(
        "messages: {messages} dispatched in {:.2} s, all durable after {:.2} s → {:.0} messages/s \
         ({transactions} append transactions, {:.1} events per commit)",
        dispatched.as_secs_f64(),
        durable.as_secs_f64(),
        messages as f64 / durable.as_secs_f64(),
        (messages + 200) as f64 / transactions.max(1) as f64
    );
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;

    // 2. Replay of a long log.
    let stack = Stack::start(vec![]).await;
    let guild = GuildId(42);
    let at = Utc::now();
    let mut seq = 0;
    let mut next_message = 1;
    while seq < replay_events {
        let batch: Vec<NewEvent> = (0..1000.min(replay_events - seq))
            .map(|i| {
                next_message += 1;
                NewEvent {
                    event: Event::MessagePosted {
                        member: UserId(1 + (seq + i) % 5000),
                        channel: ChannelId(7),
                        message: MessageId(next_message),
                        xp: Xp(if (seq + i) % 3 == 0 { 5 } else { 0 }),
                        posted_at: at,
                    },
                    actor_id: None,
                    causation_id: next_message.to_string(),
                    occurred_at: at,
                }
            })
            .collect();
        seq = log::append(&stack.pool, guild, seq, &batch, &[])
            .await
            .expect("append");
    }
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
            &format!("projector replay ({replay_events} events)"),
            replay_events as f64 / took.as_secs_f64(),
            "events/s",
        )
        .against("catch-up read", read, Some(0.8)),
    );
    println!(
        "replay: {replay_events} events rebuilt and swapped in {:.2} s → {:.0} events/s",
        took.as_secs_f64(),
        replay_events as f64 / took.as_secs_f64()
    );
    stack.finish().await;
    report::print(&rows);
}
