//! The drain rate: messages already in the stream (the gateway worker published them while no
//! command service ran), then one command service started cold, timed from its start until every
//! message is durable.

use super::{Durable, LIMIT};
use crate::common::Stack;
use crate::report::Row;
use std::time::{Duration, Instant};
use studio_schema::subjects::Subjects;
use studio_tests::FakeMember;

pub async fn run(members: &[FakeMember], consume: f64) -> Vec<Row> {
    let messages = crate::arg("BENCH_MESSAGES", 20_000);
    let stack = Stack::start(members.to_vec()).await;
    let gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(
        stack.discord.wait_identified(crate::common::PATIENCE).await,
        "the gateway worker never identified"
    );
    for i in 0..usize::try_from(messages).unwrap_or(0) {
        stack.say(
            &members[i % members.len()],
            "benchmarking the level editor today",
        );
    }
    // Every message in the stream (besides GUILD_CREATE and the member chunks).
    let nats = stack.nats_as("command-service").await;
    let js = async_nats::jetstream::new(nats);
    let name = Subjects::new(&stack.prefix, 1).gateway_stream();
    let waited = Instant::now();
    loop {
        let mut stream = js.get_stream(&name).await.expect("the gateway stream");
        let info = stream.info().await.expect("stream info");
        if i64::try_from(info.state.messages).unwrap_or(0) >= messages {
            break;
        }
        assert!(
            waited.elapsed() < LIMIT,
            "the gateway never published them all"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let started = Instant::now();
    let command = stack.spawn("command-service", &[], &[]);
    let done = Durable::new().wait(&stack, messages).await - started;
    let rate = messages as f64 / done.as_secs_f64();
    println!(
        "drain: {messages} messages already in the stream, durable {:.2} s after a cold command service started → {rate:.0} messages/s",
        done.as_secs_f64()
    );
    stack.assert_log_sound().await;
    drop((gateway, command));
    stack.finish().await;
    vec![
        Row::studio(
            &format!("drain: messages in the stream, command service cold ({messages})"),
            rate,
            "msg/s",
        )
        .against("JetStream consume", consume, Some(0.5)),
    ]
}
