//! What operators scrape (issue 12): the command service's `/metrics` move with the commands it
//! decides, the projector's with the events it folds, and `/healthz` and `/readyz` answer.

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

/// The value of the sample `name` (with its labels) in a scrape.
fn sample(scrape: &str, name: &str) -> f64 {
    scrape
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in\n{scrape}"))
}

#[tokio::test]
async fn metrics_move_with_the_commands_decided_and_health_answers() {
    let (alice, admin) = (alice(), admin());
    let stack = Stack::start(vec![alice.clone(), bob(), admin.clone()]).await;
    let free = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .to_string()
    };
    let (addr, projector_addr) = (free(), free());
    let _projector = stack.spawn(
        "projector",
        &[],
        &[("STUDIO_METRICS_ADDR", &projector_addr)],
    );
    let _command = stack.spawn("command-service", &[], &[("STUDIO_METRICS_ADDR", &addr)]);
    let _gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;

    let (status, body) = get(&addr, "/healthz").await;
    assert!(status.contains("200"), "{status} {body}");
    let (status, body) = get(&addr, "/readyz").await;
    assert!(status.contains("200") && body == "ready", "{status} {body}");

    let (_, before) = get(&addr, "/metrics").await;
    let accepted = "studio_commands_decided_total{outcome=\"accepted\"}";
    let refused = "studio_commands_decided_total{outcome=\"refused\"}";
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
    assert!(
        sample(&after, accepted) >= sample(&before, accepted) + 2.0,
        "the grant and the payment are counted:\n{after}"
    );
    assert!(
        sample(&after, refused) >= sample(&before, refused) + 1.0,
        "the refused grant is counted:\n{after}"
    );
    assert!(
        sample(&after, "studio_decision_to_durable_seconds_count")
            > sample(&before, "studio_decision_to_durable_seconds_count")
    );
    assert_eq!(sample(&after, "studio_partitions_held"), 1.0);
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
