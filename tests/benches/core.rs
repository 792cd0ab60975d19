//! `scripts/bench`: the core through the real release binaries, against real Postgres and NATS, each
//! figure beside the raw primitive it rests on, measured first in the same run. Prints one table (and
//! writes it as JSON, see [`report`]); asserts correctness, nothing about speed.
//!
//! 0. The raw primitives: JetStream pipelined publish and pull consume, Postgres `COPY`, and a
//!    catch-up read of the event log (the replay's log, just before the replay).
//! 1. Messages per second from gateway dispatch (local Discord → gateway-worker → JetStream →
//!    command-service) to durable `MessagePosted` events, with the projection lag sampled meanwhile;
//!    then the interaction round trip at 500 /s on the same stack ([`phases::messages`]).
//! 2. The drain rate: dispatches already in the stream, the command service started cold
//!    ([`phases::drain`]).
//! 3. The same load over four guilds in four partitions, with one command service, then two
//!    ([`phases::partitions`]).
//! 4. `projector replay` over `BENCH_REPLAY_EVENTS` events of a guild of `BENCH_MEMBERS` members; then
//!    a command service's cold start on that log and its memory ([`phases::cold`]).

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/lag.rs"]
mod lag;
#[path = "support/log.rs"]
mod log;
#[path = "phases/mod.rs"]
mod phases;
#[path = "support/raw.rs"]
mod raw;
#[path = "support/report.rs"]
mod report;

use common::{Stack, member};
use report::Row;

/// Whether phase `name` runs: all of them unless `BENCH_ONLY` names some (comma-separated: `raw`,
/// `messages`, `drain`, `partitions`, `cold`), for looking at one while changing it.
fn runs(name: &str) -> bool {
    std::env::var("BENCH_ONLY").map_or(true, |only| only.split(',').any(|p| p.trim() == name))
}

pub fn arg(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let raw_messages = usize::try_from(arg("BENCH_RAW_MESSAGES", 200_000)).unwrap_or(200_000);
    let mut rows = Vec::new();

    // 0. The raw primitives, on a stack of their own.
    let (mut publish, mut consume) = (f64::NAN, f64::NAN);
    if runs("raw") {
        (publish, consume) = raw_primitives(raw_messages, &mut rows).await;
    }
    let members: Vec<_> = (0..200)
        .map(|i| member(10_000 + i, &format!("m{i}"), 90))
        .collect();
    if runs("messages") {
        rows.extend(phases::messages::run(&members, publish).await);
    }
    if runs("drain") {
        rows.extend(phases::drain::run(&members, consume).await);
    }
    if runs("partitions") {
        rows.extend(phases::partitions::run(&members).await);
    }
    if runs("cold") {
        rows.extend(phases::cold::run().await);
    }
    report::print(&rows);
}

/// JetStream's pipelined publish and pull consume, and Postgres COPY; returns publish and consume
/// rates, which later rows are compared with.
async fn raw_primitives(raw_messages: usize, rows: &mut Vec<Row>) -> (f64, f64) {
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
    (publish, consume)
}
