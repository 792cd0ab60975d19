//! The message load spread over four guilds in four partitions, with one command service holding
//! them all, then with two command services sharing them (each partition has one owner at a time).

use super::{Durable, LIMIT};
use crate::common::{PATIENCE, Service, Stack};
use crate::report::Row;
use std::time::{Duration, Instant};
use studio_tests::{FakeGuild, FakeMember};

const PARTITIONS: u64 = 4;
/// Guild ids one apart from a multiple of four: guild `i` lands in partition `i`.
const FIRST_GUILD: u64 = 900_000_000_000_100_000;
const FIRST_CHANNEL: u64 = 900_000_000_000_200_000;

pub async fn run(members: &[FakeMember]) -> Vec<Row> {
    let messages = crate::arg("BENCH_MESSAGES", 20_000);
    let one = load(members, 1, messages).await;
    let two = load(members, 2, messages).await;
    vec![
        Row::studio(
            &format!("messages over {PARTITIONS} partitions, 1 command service ({messages})"),
            one,
            "msg/s",
        ),
        Row::studio(
            &format!("messages over {PARTITIONS} partitions, 2 command services ({messages})"),
            two,
            "msg/s",
        )
        // No loss of throughput, within the run-to-run noise of this machine (±5 %).
        .against("1 command service", one, Some(0.95)),
    ]
}

/// Messages per second until all `messages` (spread evenly over the guilds) are durable, with
/// `services` command services.
async fn load(members: &[FakeMember], services: usize, messages: i64) -> f64 {
    let guilds: Vec<FakeGuild> = (0..PARTITIONS)
        .map(|i| FakeGuild {
            id: FIRST_GUILD + i,
            name: format!("Jam {i}"),
            members: members.to_vec(),
            channels: vec![FIRST_CHANNEL + i],
        })
        .collect();
    let nats_url = std::env::var("NATS_URL").expect("NATS_URL");
    let stack = Stack::start_with_guilds(
        guilds,
        nats_url,
        studio_tests::nats_users::NatsUsers::from_env(),
    )
    .await;
    let partitions = PARTITIONS.to_string();
    let env = [("STUDIO_PARTITIONS", partitions.as_str())];
    let projector = stack.spawn("projector", &[], &env);
    // At info, so "partition owned" is logged.
    let command_env = [env[0], ("RUST_LOG", "info")];
    let commands: Vec<Service> = (0..services)
        .map(|_| stack.spawn("command-service", &[], &command_env))
        .collect();
    let gateway = stack.spawn("gateway-worker", &[], &env);
    assert!(
        stack.discord.wait_identified(PATIENCE).await,
        "the gateway worker never identified"
    );
    // Every command service holds its share before the load starts.
    let waited = Instant::now();
    while !commands.iter().all(|c| c.logged("partition owned")) {
        assert!(
            waited.elapsed() < PATIENCE,
            "a command service never owned a partition"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let everyone = i64::try_from(members.len() * PARTITIONS as usize).unwrap_or(0);
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MemberSeen'",
            everyone,
        )
        .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let per_guild = messages / PARTITIONS as i64;
    let started = Instant::now();
    for n in 0..per_guild {
        for i in 0..PARTITIONS {
            let who = &members[usize::try_from(n).unwrap_or(0) % members.len()];
            let (_, d) = stack.discord.message_create(
                FIRST_GUILD + i,
                FIRST_CHANNEL + i,
                who,
                "benchmarking the level editor today",
            );
            stack.discord.dispatch("MESSAGE_CREATE", d);
        }
    }
    for i in 0..PARTITIONS {
        Durable::of(FIRST_GUILD + i).wait(&stack, per_guild).await;
        assert!(started.elapsed() < LIMIT);
    }
    let took = started.elapsed();
    let rate = (per_guild * PARTITIONS as i64) as f64 / took.as_secs_f64();
    let stream = studio_schema::subjects::Subjects::new(&stack.prefix, 1).gateway_stream();
    let owners: Vec<usize> = commands
        .iter()
        .map(|c| c.log.lock().map(|l| held(&l, &stream)).unwrap_or(0))
        .collect();
    println!(
        "partitions: {} messages over {PARTITIONS} guilds with {services} command services (partitions owned: {owners:?}) \
         durable in {:.2} s → {rate:.0} messages/s",
        per_guild * PARTITIONS as i64,
        took.as_secs_f64()
    );
    stack.assert_log_sound().await;
    drop((gateway, commands, projector));
    stack.finish().await;
    rate
}

/// How many partitions of `stream` a command service's `log` shows it holding at the end: each
/// "partition owned" takes one, each "handed over" or "released" gives it back.
fn held(log: &[String], stream: &str) -> usize {
    let mut held = std::collections::HashSet::new();
    for line in log {
        let Some(partition) = line
            .find(stream)
            .and_then(|at| line[at..].split_whitespace().next())
        else {
            continue;
        };
        if line.contains("partition owned") {
            held.insert(partition);
        } else if line.contains("partition handed over") || line.contains("partition released") {
            held.remove(partition);
        }
    }
    held.len()
}
