//! What operators scrape (issue 12): the command service's `/metrics` move with the commands it
//! decides, the projector's with the events it folds, the gateway worker's with its reconnects and
//! publishes, and each service's `/healthz` and `/readyz` answer.

mod common;

use common::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A plain HTTP GET of `path` on `addr`: the status line and the body.
async fn get(addr: &str, path: &str) -> (String, String) {
    // The server starts listening moments after the service: probe as an orchestrator would.
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut stream = loop {
        match tokio::net::TcpStream::connect(addr).await {
            Ok(stream) => break stream,
            Err(err) if tokio::time::Instant::now() > deadline => panic!("connect {addr}: {err}"),
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    };
    stream
        .write_all(format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .expect("request");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .expect("response");
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (
        head.lines().next().unwrap_or_default().to_owned(),
        body.to_owned(),
    )
}

/// The value of the sample `name` (with its labels) in a scrape, if it is there.
fn sample_of(scrape: &str, name: &str) -> Option<f64> {
    scrape
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

/// The value of the sample `name` (with its labels) in a scrape.
fn sample(scrape: &str, name: &str) -> f64 {
    sample_of(scrape, name).unwrap_or_else(|| panic!("no {name} in\n{scrape}"))
}

/// A free port on this host, for a service's `STUDIO_METRICS_ADDR`.
fn free() -> String {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .to_string()
}

/// Scrapes `addr` until `want` holds of the scrape; the last scrape.
async fn scrape_until(addr: &str, what: &str, want: impl Fn(&str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let (_, scrape) = get(addr, "/metrics").await;
        if want(&scrape) {
            return scrape;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what} never showed in\n{scrape}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Probes `/readyz` on `addr` until it answers 200 "ready", as an orchestrator would.
async fn ready(addr: &str, service: &str) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let (status, body) = get(addr, "/readyz").await;
        if status.contains(" 200 ") && body == "ready" {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{service} never ready: {status} {body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn metrics_move_with_the_commands_decided_and_health_answers() {
    let (alice, admin) = (alice(), admin());
    let stack = Stack::start(vec![alice.clone(), bob(), admin.clone()]).await;
    let (addr, projector_addr, gateway_addr) = (free(), free(), free());
    let _projector = stack.spawn(
        "projector",
        &[],
        &[("STUDIO_METRICS_ADDR", &projector_addr)],
    );
    let _command = stack.spawn("command-service", &[], &[("STUDIO_METRICS_ADDR", &addr)]);
    let _gateway = stack.spawn(
        "gateway-worker",
        &[],
        &[("STUDIO_METRICS_ADDR", &gateway_addr)],
    );
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;

    // Every service is alive and, with Postgres, NATS and Discord there, ready.
    for (service, at) in [
        ("command-service", &addr),
        ("projector", &projector_addr),
        ("gateway-worker", &gateway_addr),
    ] {
        let (status, body) = get(at, "/healthz").await;
        assert!(status.contains(" 200 "), "{service}: {status} {body}");
        ready(at, service).await;
    }

    let (_, before) = get(&addr, "/metrics").await;
    let granted = "studio_commands_decided_total{kind=\"adjust_credits\",outcome=\"accepted\"}";
    let refused = "studio_commands_decided_total{kind=\"adjust_credits\",outcome=\"refused\"}";
    let paid = "studio_commands_decided_total{kind=\"pay\",outcome=\"accepted\"}";
    let count = |scrape: &str, name: &str| sample_of(scrape, name).unwrap_or(0.0);
    original(&stack, grant(&stack, &admin, 1001, 100)).await;
    // A member may not grant credits: refused by a rule.
    original(
        &stack,
        grant_as(&stack, &alice, MEMBER_PERMISSIONS, 1002, 5),
    )
    .await;
    let pay = stack.slash(
        &alice,
        MEMBER_PERMISSIONS,
        "pay",
        json!([{"name": "member", "type": 6, "value": "1002"},
               {"name": "amount", "type": 4, "value": 10}]),
    );
    original(&stack, pay).await;
    let (_, after) = get(&addr, "/metrics").await;
    assert_eq!(
        count(&after, granted),
        count(&before, granted) + 1.0,
        "the grant is counted by its kind:\n{after}"
    );
    assert_eq!(
        count(&after, paid),
        count(&before, paid) + 1.0,
        "the payment is counted by its kind:\n{after}"
    );
    assert_eq!(
        count(&after, refused),
        count(&before, refused) + 1.0,
        "the refused grant is counted:\n{after}"
    );
    assert!(
        sample(&after, "studio_decision_to_durable_seconds_count")
            > sample(&before, "studio_decision_to_durable_seconds_count")
    );
    assert_eq!(sample(&after, "studio_partitions_held"), 1.0);
    assert_eq!(
        sample(&after, "studio_partition_owned{partition=\"0\"}"),
        1.0
    );
    assert_eq!(sample(&after, "studio_outbox_failed"), 0.0, "{after}");
    assert!(
        sample(&after, "studio_effects_sent_total") >= 3.0,
        "{after}"
    );

    // The projector folded those events, and its views trail the log by nothing once caught up.
    stack.projected().await;
    let (status, body) = get(&projector_addr, "/readyz").await;
    assert!(status.contains("200") && body == "ready", "{status} {body}");
    let (_, scrape) = get(&projector_addr, "/metrics").await;
    let events = stack.scalar("SELECT count(*) FROM event_log").await;
    assert!(
        sample(&scrape, "studio_projector_events_applied_total") >= events as f64,
        "{events} events folded:\n{scrape}"
    );
    assert_eq!(
        sample(&scrape, "studio_projection_lag_events"),
        0.0,
        "{scrape}"
    );
    stack.finish().await;
}

#[tokio::test]
async fn the_gateway_worker_s_metrics_count_its_reconnects_and_publishes() {
    let alice = alice();
    let stack = Stack::start(vec![alice.clone(), bob()]).await;
    let addr = free();
    let _gateway = stack.spawn("gateway-worker", &[], &[("STUDIO_METRICS_ADDR", &addr)]);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    ready(&addr, "gateway-worker").await;
    let new = "studio_gateway_sessions_total{kind=\"new\"}";
    let resumed = "studio_gateway_sessions_total{kind=\"resumed\"}";
    let requested = "studio_gateway_reconnects_total{kind=\"requested\"}";
    let invalidated = "studio_gateway_reconnects_total{kind=\"session_invalidated\"}";
    let failed = "studio_gateway_reconnects_total{kind=\"failed\"}";
    let (_, scrape) = get(&addr, "/metrics").await;
    assert_eq!(sample(&scrape, new), 1.0, "{scrape}");
    assert_eq!(sample(&scrape, requested), 0.0, "{scrape}");
    assert_eq!(
        sample(&scrape, "studio_gateway_shard_state{state=\"active\"}"),
        1.0
    );

    // What members say is received and published to JetStream.
    stack.say(&alice, "the build is green again");
    scrape_until(&addr, "the message published", |s| {
        sample(
            s,
            "studio_gateway_dispatches_published_total{event=\"MESSAGE_CREATE\"}",
        ) >= 1.0
    })
    .await;

    // Discord asks for a reconnect (op 7): one lost connection, then the session resumed.
    stack.discord.reconnect();
    stack
        .discord
        .wait_for(PATIENCE, |d| (d.resume_count() >= 1).then_some(()))
        .await
        .expect("the worker resumed");
    let scrape = scrape_until(&addr, "the resume", |s| sample(s, resumed) >= 1.0).await;
    assert_eq!(sample(&scrape, requested), 1.0, "{scrape}");
    assert_eq!(sample(&scrape, new), 1.0, "no new session: {scrape}");

    // Discord invalidates the session (op 9): the worker identifies anew.
    stack.discord.invalidate_session(false);
    let scrape = scrape_until(&addr, "the new session", |s| sample(s, new) >= 2.0).await;
    assert_eq!(sample(&scrape, invalidated), 1.0, "{scrape}");
    assert_eq!(sample(&scrape, requested), 1.0, "{scrape}");

    // The connection dies without a close frame: a failed connection, then resumed.
    stack.discord.drop_connection();
    let scrape = scrape_until(&addr, "the failed connection and its resume", |s| {
        sample(s, failed) >= 1.0 && sample(s, resumed) >= 2.0
    })
    .await;
    assert_eq!(sample(&scrape, failed), 1.0, "{scrape}");
    ready(&addr, "gateway-worker").await;
    stack.finish().await;
}
