//! Messages from gateway dispatch to durable `MessagePosted` events, with the projection lag sampled
//! meanwhile; then the interaction round trip at a steady 500 /s on the same stack.

use super::{Durable, LIMIT};
use crate::common::{GUILD, MEMBER_PERMISSIONS, Stack};
use crate::lag;
use crate::report::{self, Row};
use serde_json::json;
use std::time::{Duration, Instant};
use studio_schema::GuildId;
use studio_tests::FakeMember;

/// Interactions offered per second in the round-trip measure, and for how long.
const ROUND_TRIP_RATE: i64 = 500;
const ROUND_TRIP_FOR: Duration = Duration::from_secs(10);

pub async fn run(members: &[FakeMember], publish: f64) -> Vec<Row> {
    let messages = crate::arg("BENCH_MESSAGES", 20_000);
    let mut rows = Vec::new();
    let stack = Stack::start(members.to_vec()).await;
    let services = stack.services().await;
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MemberSeen'",
            i64::try_from(members.len()).unwrap_or(0),
        )
        .await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let sampler = lag::spawn(
        stack.database_url.clone(),
        GuildId::from_u64(GUILD),
        stopped,
    );
    let started = Instant::now();
    for i in 0..usize::try_from(messages).unwrap_or(0) {
        stack.say(
            &members[i % members.len()],
            "benchmarking the level editor today",
        );
    }
    let dispatched = started.elapsed();
    let durable = Durable::new().wait(&stack, messages).await - started;
    stack.projected().await;
    let _ = stop.send(true);
    let lag::Sampled { mut lags, mut gaps } = sampler.join().expect("lag sampler");
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
    let (p50, p99) = (
        report::quantile_ms(&mut lags, 0.5),
        report::quantile_ms(&mut lags, 0.99),
    );
    println!(
        "projection lag under that load: p50 {p50:.1} ms, p99 {p99:.1} ms over {} heads (sampled every {} ms; \
         the sampler's reads were p99 {:.1} ms, at most {:.1} ms apart)",
        lags.len(),
        lag::EVERY.as_millis(),
        report::quantile_ms(&mut gaps, 0.99),
        report::quantile_ms(&mut gaps, 1.0),
    );
    rows.push(Row::goal(
        "projection lag p99 (event committed → in views), under the message load",
        p99,
        "ms",
        false,
        50.0,
    ));
    let balance = Asked {
        what: "/balance".into(),
        command: "balance",
        options: json!([]),
    };
    rows.extend(round_trip(&stack, members, &balance).await);
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
    rows
}

/// How many interactions [`round_trip`] sends.
pub fn offered() -> u64 {
    let rate = crate::arg("BENCH_ROUND_TRIP_RATE", ROUND_TRIP_RATE).max(1);
    u64::try_from(rate).unwrap_or(1) * ROUND_TRIP_FOR.as_secs()
}

/// A slash command the round trip asks, and how the table names it.
pub struct Asked {
    pub what: String,
    pub command: &'static str,
    pub options: serde_json::Value,
}

/// `asked` from the members in turn at [`ROUND_TRIP_RATE`] for [`ROUND_TRIP_FOR`]: from the
/// INTERACTION_CREATE sent to the callback received, as the local Discord saw them. Every
/// interaction must get exactly one answer. What the steps before wrote is flushed first
/// ([`crate::log::settle`]): the answers are timed, not the kernel's write-back of an earlier load.
pub async fn round_trip(stack: &Stack, members: &[FakeMember], asked: &Asked) -> Vec<Row> {
    crate::log::settle(&stack.pool).await;
    let rate = crate::arg("BENCH_ROUND_TRIP_RATE", ROUND_TRIP_RATE).max(1);
    let total = offered();
    let every = Duration::from_secs(1) / u32::try_from(rate).unwrap_or(500);
    let mut sent = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    for i in 0..usize::try_from(total).unwrap_or(0) {
        tick.tick().await;
        let who = &members[i % members.len()];
        let at = Instant::now();
        let id = stack.slash(
            who,
            MEMBER_PERMISSIONS,
            asked.command,
            asked.options.clone(),
        );
        sent.push((id, at));
    }
    let started = Instant::now();
    let mut times = Vec::with_capacity(sent.len());
    let mut deferred = 0;
    for (id, at) in &sent {
        let callback = loop {
            if let Some(c) = stack.discord.answer_to(*id) {
                break c;
            }
            assert!(started.elapsed() < LIMIT, "interaction {id} never answered");
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        assert_eq!(
            callback.status, 204,
            "interaction {id} was not answered in time"
        );
        // A deferred answer ("Studio is thinking…") is the first callback: counted apart.
        if callback.body["type"] == 5 {
            deferred += 1;
        }
        times.push(callback.at.saturating_duration_since(*at));
    }
    let seconds = stack
        .discord
        .violations()
        .iter()
        .filter(|v| v.contains(crate::common::SECOND_ANSWER))
        .count();
    assert_eq!(seconds, 0, "an interaction was answered twice");
    let (p50, p99) = (
        report::quantile_ms(&mut times, 0.5),
        report::quantile_ms(&mut times, 0.99),
    );
    println!(
        "round trip: {total} {} at {rate}/s, each answered once ({deferred} deferred first): \
         p50 {p50:.1} ms, p99 {p99:.1} ms",
        asked.what
    );
    vec![
        Row::goal(
            &format!("interaction round trip p50 at 500 /s ({})", asked.what),
            p50,
            "ms",
            false,
            5.0,
        ),
        Row::goal(
            &format!("interaction round trip p99 at 500 /s ({})", asked.what),
            p99,
            "ms",
            false,
            15.0,
        ),
    ]
}
