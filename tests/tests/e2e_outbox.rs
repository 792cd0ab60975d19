//! Side effects are data: what a committed outcome does on Discord is retried until done, and a
//! dispatch that can never be applied is recorded and passed, not retried forever.

mod common;

use common::*;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn a_dm_that_fails_for_now_is_sent_later_exactly_once() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;
    original(&stack, grant(&stack, &admin, alice.user_id, 100)).await;

    // Discord's DM endpoint is down for a while: the payment is answered at once, and bob's DM waits.
    stack.discord.inject_outage("/users/@me/channels", 4);
    let paid = stack.slash(
        &alice,
        MEMBER_PERMISSIONS,
        "pay",
        json!([{"name": "member", "type": 6, "value": bob.user_id.to_string()},
               {"name": "amount", "type": 4, "value": 30}]),
    );
    assert!(
        stack
            .answer(paid)
            .await
            .body
            .to_string()
            .contains("Paid 30")
    );
    let told = stack
        .discord
        .wait_for(PATIENCE, |_| {
            let dms: Vec<_> = dms_to(&stack, bob.user_id)
                .into_iter()
                .filter(|m| m.text().contains("paid you 30"))
                .collect();
            (!dms.is_empty()).then_some(dms.len())
        })
        .await;
    assert_eq!(told, Some(1), "bob is told once the outage passes");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        dms_to(&stack, bob.user_id)
            .iter()
            .filter(|m| m.text().contains("paid you 30"))
            .count(),
        1,
        "and only once"
    );
    stack.effects_out().await;
    assert_eq!(
        stack
            .scalar(
                "SELECT count(*) FROM outbox WHERE kind = 'dm'
                 AND (result IS DISTINCT FROM 'sent' OR effect IS NOT NULL)"
            )
            .await,
        0,
        "every DM is done as sent, its content erased"
    );
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn a_dispatch_that_cannot_be_read_is_recorded_and_the_guild_moves_on() {
    let alice = alice();
    let stack = Stack::start(vec![alice.clone()]).await;
    let services = stack.services().await;

    // Something that is not what Discord sends, straight into the stream.
    let js = async_nats::jetstream::new(stack.nats_as("gateway-worker").await);
    let mut headers = async_nats::HeaderMap::new();
    headers.insert("Nats-Msg-Id", "garbage-1");
    js.publish_with_headers(
        format!("{}.discord.gateway.0.MESSAGE_CREATE", stack.prefix),
        headers,
        "{\"d\": 5}".into(),
    )
    .await
    .expect("publish")
    .await
    .expect("ack");
    stack.say(&alice, "still here, still shipping");
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'",
            1,
        )
        .await;
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM intake_rejected WHERE reason LIKE 'undecodable MESSAGE_CREATE%'")
            .await,
        1,
        "the unreadable dispatch is recorded for operators"
    );
    stack.projected().await;
    let profile = stack.slash(&alice, MEMBER_PERMISSIONS, "profile", json!([]));
    let text = original(&stack, profile).await.text();
    assert!(text.contains("XP: 5"), "{text}");
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}
