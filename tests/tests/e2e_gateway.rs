//! The gateway worker's Discord session, end to end: real binaries, real Postgres and NATS, the
//! local Discord (which, like Discord, replays on RESUME only what the resumed session missed).

mod common;

use common::*;
use serde_json::json;
use std::time::Instant;

#[tokio::test]
async fn a_gateway_worker_killed_right_after_ready_resumes_and_members_keep_their_xp() {
    let (alice, bob) = (alice(), bob());
    let stack = Stack::start(vec![alice.clone(), bob.clone()]).await;
    let projector = stack.spawn("projector", &[], &[]);
    let command = stack.spawn("command-service", &[], &[]);
    stack.wait_commands_registered().await;

    // Killed (SIGKILL) as soon as it acts on its first frames: it asks for the guild's members
    // (op 8) right after relaying READY and GUILD_CREATE, far inside the 200 ms position timer.
    let gateway = stack.spawn("gateway-worker", &[], &[]);
    let acted = stack
        .discord
        .wait_for(PATIENCE, |d| {
            (d.identify_count() >= 1
                && d.gateway_frames()
                    .iter()
                    .any(|f| f.get("op").and_then(serde_json::Value::as_u64) == Some(8)))
            .then(Instant::now)
        })
        .await
        .expect("the worker identified and requested the guild's members");
    gateway.kill().await;
    eprintln!(
        "gateway worker killed {:?} after it was seen acting on READY",
        acted.elapsed()
    );
    stack
        .discord
        .wait_for(PATIENCE, |d| (!d.connected()).then_some(()))
        .await
        .expect("the connection dropped");
    assert_eq!(
        stack.scalar("SELECT count(*) FROM gateway_sessions").await,
        1,
        "the session was saved on READY"
    );

    // Members keep talking while the worker is down; Discord keeps it for the session's resume.
    let now = chrono::Utc::now();
    stack.say_at(&alice, "pushing the new level editor build tonight", now);
    stack.say_at(
        &alice,
        "and the lighting pass is finally done",
        now + chrono::Duration::seconds(61),
    );
    stack.say_at(&bob, "playtesting it right after dinner", now);

    let gateway = stack.spawn("gateway-worker", &[], &[]);
    stack
        .discord
        .wait_for(PATIENCE, |d| (d.resume_count() >= 1).then_some(()))
        .await
        .expect("the restarted worker resumed the session saved on READY");
    assert_eq!(stack.discord.identify_count(), 1, "no second IDENTIFY");

    // What was said while the worker was down earned its XP.
    stack
        .eventually_i64("SELECT xp FROM views.members WHERE user_id = 1001", 10)
        .await;
    stack
        .eventually_i64("SELECT xp FROM views.members WHERE user_id = 1002", 5)
        .await;
    let profile = stack.slash(&alice, MEMBER_PERMISSIONS, "profile", json!([]));
    let text = original(&stack, profile).await.text();
    for expected in ["XP: 10", "Messages: 2"] {
        assert!(
            text.contains(expected),
            "profile lacks {expected:?}:\n{text}"
        );
    }
    stack.assert_log_sound().await;
    drop((gateway, command, projector));
    stack.finish().await;
}
