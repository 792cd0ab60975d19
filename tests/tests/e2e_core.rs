//! End to end through the real binaries: gateway-worker → JetStream → command-service → Postgres
//! → projector, with the local Discord playing Discord. Real Postgres, real NATS.

mod common;

use common::*;
use serde_json::json;
use std::time::Duration;

fn xp_give(member: u64, amount: i64, reason: &str) -> serde_json::Value {
    json!([{"name": "give", "type": 1, "options": [
        {"name": "member", "type": 6, "value": member.to_string()},
        {"name": "amount", "type": 4, "value": amount},
        {"name": "reason", "type": 3, "value": reason}]}])
}

#[tokio::test]
async fn members_earn_xp_level_up_and_see_it_in_profile_and_leaderboard() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;

    // GUILD_CREATE seeds the members with Discord's joined_at.
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MemberSeen'",
            3,
        )
        .await;
    // Members of a large guild arrive in chunks, seeded with their joined_at too.
    let carol = member(1004, "carol", 200);
    let chunk = json!({"guild_id": GUILD.to_string(), "chunk_index": 0, "chunk_count": 1,
        "members": [studio_tests::payloads::member(&carol, &[], None)]});
    stack.discord.dispatch("GUILD_MEMBERS_CHUNK", chunk);
    stack
        .eventually_i64(
            "SELECT count(*) FROM views.members WHERE user_id = 1004 AND present
             AND stint_since < now() - interval '199 days'",
            1,
        )
        .await;

    // A message earns 5 XP; one inside the cooldown counts as a message but earns nothing.
    let now = chrono::Utc::now();
    stack.say_at(&alice, "working on my shader graph today", now);
    stack.say_at(
        &alice,
        "and it finally compiles!",
        now + chrono::Duration::seconds(20),
    );
    stack.say_at(&bob, "ok", now); // too short for XP
    stack
        .eventually_i64("SELECT messages FROM views.members WHERE user_id = 1001", 2)
        .await;
    assert_eq!(
        stack
            .scalar("SELECT xp FROM views.members WHERE user_id = 1001")
            .await,
        5
    );
    assert_eq!(
        stack
            .scalar("SELECT xp FROM views.members WHERE user_id = 1002")
            .await,
        0
    );

    // Only members with Manage Server change XP, and the event names who and why.
    let refused = stack.slash(&bob, MEMBER_PERMISSIONS, "xp", xp_give(1002, 500, "me"));
    let refused = original(&stack, refused).await;
    assert!(refused.ephemeral(), "a refusal is private");
    assert!(
        refused.text().contains("Manage Server"),
        "{}",
        refused.text()
    );
    let given = stack.slash(
        &admin,
        ADMIN_PERMISSIONS,
        "xp",
        xp_give(1001, 240, "great demo"),
    );
    let given = original(&stack, given).await;
    assert!(given.text().contains("Gave 240 XP"), "{}", given.text());
    assert_eq!(
        stack
            .scalar(
                "SELECT count(*) FROM event_log WHERE event_type = 'XpGranted'
                     AND (payload->>'by')::bigint = 1003 AND payload->>'reason' = 'great demo'
                     AND actor_id = 1003"
            )
            .await,
        1
    );

    // Crossing 250 XP announces level 2 in the channel.
    stack.say_at(
        &alice,
        "shipping the demo build now",
        now + chrono::Duration::seconds(61),
    );
    let announced = stack
        .discord
        .wait_for(PATIENCE, |d| {
            d.channel_messages()
                .into_iter()
                .find(|m| m.channel_id == CHANNEL && m.content.contains("reached level 2"))
        })
        .await;
    assert!(announced.is_some(), "no level-up announcement");

    // /profile shows what the member did, read from the views after their own writes.
    let profile = stack.slash(&alice, MEMBER_PERMISSIONS, "profile", json!([]));
    let profile = original(&stack, profile).await;
    let text = profile.text();
    for expected in ["XP: 250", "Level: 2", "Messages: 3", "Rank: Expert"] {
        assert!(
            text.contains(expected),
            "profile lacks {expected:?}:\n{text}"
        );
    }
    let buttons = profile.buttons();
    assert_eq!(
        buttons.len(),
        4,
        "Stats, Portfolio, Rank Info, Edit profile: {buttons:?}"
    );

    // Rank Info updates the same message for its owner.
    let rank_button = buttons
        .iter()
        .find(|(l, _)| l.contains("Rank"))
        .expect("rank button")
        .1
        .clone();
    let update = stack.click(&alice, &rank_button, &profile).await;
    assert_eq!(update.body["type"], 7, "a tab click updates the view");
    let rank_text = update.body.to_string();
    assert!(
        rank_text.contains("Rank Info") && rank_text.contains("Master on"),
        "{rank_text}"
    );

    // Someone else's click on that view is refused privately and changes nothing.
    let foreign = stack.click(&bob, &rank_button, &profile).await;
    assert_eq!(foreign.body["type"], 4);
    assert_eq!(foreign.body["data"]["flags"], 64);
    assert!(
        foreign.body.to_string().contains("belongs to"),
        "{}",
        foreign.body
    );

    // The leaderboard ranks by XP, all time and this week.
    let board = stack.slash(&bob, MEMBER_PERMISSIONS, "leaderboard", json!([]));
    let board = original(&stack, board).await;
    let text = board.text();
    assert!(text.contains("1.** <@1001> — 250 XP"), "{text}");
    let week = board
        .buttons()
        .into_iter()
        .find(|(l, _)| l == "This week")
        .expect("week button")
        .1;
    let weekly = stack.click(&bob, &week, &board).await;
    assert!(
        weekly.body.to_string().contains("this week"),
        "{}",
        weekly.body
    );
    assert!(
        weekly.body.to_string().contains("<@1001> — 250 XP"),
        "{}",
        weekly.body
    );

    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn a_message_delivered_twice_earns_xp_once() {
    let alice = alice();
    let stack = Stack::start(vec![alice.clone()]).await;
    let services = stack.services().await;

    // Delivered twice by the gateway: a resume that replays it again.
    stack.say(&alice, "first message of the jam");
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'",
            1,
        )
        .await;
    stack.discord.resend_last_on_resume(1);
    stack.discord.reconnect();
    stack
        .discord
        .wait_for(PATIENCE, |d| (d.resume_count() >= 1).then_some(()))
        .await
        .expect("the gateway worker resumed");

    // Delivered twice by JetStream: the same dispatch under another message id, as a redelivery
    // after the deduplication window would be.
    let (id, d) =
        stack
            .discord
            .message_create(GUILD, CHANNEL, &alice, "second message, sent twice");
    let frame = json!({"t": "MESSAGE_CREATE", "s": 1, "op": 0, "d": d}).to_string();
    let js = async_nats::jetstream::new(stack.nats_as("gateway-worker").await);
    let subject = format!("{}.discord.gateway.0.MESSAGE_CREATE", stack.prefix);
    let mut last = 0;
    for copy in ["a", "b"] {
        let mut headers = async_nats::HeaderMap::new();
        headers.insert("Nats-Msg-Id", format!("{id}-{copy}").as_str());
        last = js
            .publish_with_headers(subject.clone(), headers, frame.clone().into())
            .await
            .expect("publish")
            .await
            .expect("ack")
            .sequence;
    }
    // Both copies are settled once the partition's committed position is past the second. (Not a
    // count of processed commands: the clock may decide alice's tenure rank meanwhile.)
    stack
        .eventually_i64(
            &format!(
                "SELECT count(*) FROM intake_positions WHERE partition = 0 AND stream_seq >= {last}"
            ),
            1,
        )
        .await;
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'")
            .await,
        2,
        "each message is posted once"
    );
    stack
        .eventually_i64("SELECT xp FROM views.members WHERE user_id = 1001", 5)
        .await;
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

/// A member's profile as they see it.
async fn profile_of(stack: &Stack, who: &studio_tests::FakeMember) -> String {
    let id = stack.slash(who, MEMBER_PERMISSIONS, "profile", json!([]));
    original(stack, id).await.text()
}

/// How many times Discord got an answer for interaction `id`.
fn answers(stack: &Stack, id: u64) -> usize {
    stack
        .discord
        .callbacks()
        .iter()
        .filter(|c| c.interaction_id == id)
        .count()
}

#[tokio::test]
async fn a_standby_takes_over_when_the_owner_is_killed_and_nothing_is_lost_or_answered_twice() {
    let alice = alice();
    let bob = bob();
    let admin = admin();
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let projector = stack.spawn("projector", &[], &[]);
    // An overlapping deploy: two command services, one owning the partition, one standing by.
    let first = stack.spawn("command-service", &[], &[]);
    let gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;
    let owned = stack
        .discord
        .wait_for(PATIENCE, |_| first.logged("partition owned").then_some(()))
        .await;
    assert!(owned.is_some(), "the first service owns the partition");
    let second = stack.spawn("command-service", &[], &[]);
    let standing = stack
        .discord
        .wait_for(PATIENCE, |_| second.logged("standing by").then_some(()))
        .await;
    assert!(standing.is_some(), "the second service stands by");
    let granted = grant(&stack, &admin, alice.user_id, 1_000);
    assert!(
        stack
            .answer(granted)
            .await
            .body
            .to_string()
            .contains("Granted")
    );

    // 30 messages 61 s apart (by their own timestamps) and ten payments; the owner dies in the middle.
    let start = chrono::Utc::now() - chrono::Duration::hours(2);
    let mut pays = Vec::new();
    let mut first = Some(first);
    for i in 0..30 {
        stack.say_at(
            &alice,
            &format!("devlog entry number {i}"),
            start + chrono::Duration::seconds(61 * i),
        );
        if i % 3 == 0 {
            pays.push(stack.slash(
                &alice,
                MEMBER_PERMISSIONS,
                "pay",
                json!([{"name": "member", "type": 6, "value": bob.user_id.to_string()},
                       {"name": "amount", "type": 4, "value": 10}]),
            ));
        }
        if i == 15
            && let Some(owner) = first.take()
        {
            owner.kill().await;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    let took_over = stack
        .discord
        .wait_for(PATIENCE, |_| second.logged("partition owned").then_some(()))
        .await;
    assert!(took_over.is_some(), "the standby took the partition over");
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'",
            30,
        )
        .await;
    stack.projected().await;

    // What alice sees: every message rewarded (30 × 5 XP), none twice.
    let profile = profile_of(&stack, &alice).await;
    assert!(profile.contains("150"), "150 XP on the profile: {profile}");
    // Every payment decided once, and its member told once: by its answer or, when the takeover made
    // it late, by DM; Discord never got a second answer (assert_log_sound checks that too).
    let paid = stack
        .scalar("SELECT count(*) FROM event_log WHERE event_type = 'CreditsTransferred'")
        .await;
    let told_late = dms_to(&stack, alice.user_id)
        .iter()
        .filter(|m| m.text().contains("in time"))
        .count();
    assert!(
        pays.iter().all(|id| answers(&stack, *id) <= 1),
        "no interaction answered twice"
    );
    let answered: usize = pays.iter().map(|id| answers(&stack, *id)).sum();
    assert_eq!(
        answered + told_late,
        pays.len(),
        "every payment's member was told exactly once ({answered} answers, {told_late} DMs)"
    );
    let balance = stack.slash(&bob, MEMBER_PERMISSIONS, "balance", json!([]));
    let balance = original(&stack, balance).await.text();
    assert!(
        balance.contains(&(paid * 10).to_string()),
        "bob's balance shows each of the {paid} decided payments once: {balance}"
    );
    stack.assert_log_sound().await;
    stack.assert_replay_gives_the_same_views().await;
    drop((projector, second, gateway));
    stack.finish().await;
}

#[tokio::test]
async fn an_answer_committed_before_a_crash_reaches_its_member_after_restart() {
    let alice = alice();
    let admin = admin();
    let stack = Stack::start(vec![alice.clone(), bob(), admin.clone()]).await;
    let projector = stack.spawn("projector", &[], &[]);
    let mut crashing = stack.spawn(
        "command-service",
        &[],
        &[("STUDIO_FAILPOINT", "crash-before-answer")],
    );
    let gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The grant is committed with its answer in the outbox, then the service dies before sending it.
    let granted = grant(&stack, &admin, alice.user_id, 250);
    assert!(
        crashing.exited(PATIENCE).await,
        "the failpoint crashed the command service"
    );
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM outbox WHERE kind = 'answer' AND done_at IS NULL")
            .await,
        1,
        "the answer waits in the outbox"
    );
    let command = stack.spawn("command-service", &[], &[]);
    // The restarted service sends it: in Discord's window, or by DM once that has passed.
    let told = stack
        .discord
        .wait_for(PATIENCE, |d| {
            let answered = d.callbacks().iter().any(|c| c.interaction_id == granted);
            let dm = dms_to(&stack, admin.user_id)
                .iter()
                .any(|m| m.text().contains("Granted 250"));
            (answered || dm).then_some(answered && dm)
        })
        .await;
    assert_eq!(told, Some(false), "the admin is told exactly once");
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'CreditsGranted'")
            .await,
        1,
        "the grant is applied once"
    );
    assert!(
        !command.logged("decided before"),
        "the restart read on from the committed position: nothing decided twice"
    );
    let balance = stack.slash(&alice, MEMBER_PERMISSIONS, "balance", json!([]));
    assert!(original(&stack, balance).await.text().contains("250"));
    stack.assert_log_sound().await;
    drop((projector, command, gateway));
    stack.finish().await;
}

#[tokio::test]
async fn crashes_between_append_and_ack_and_mid_projection_leave_no_double_effect() {
    let alice = alice();
    let stack = Stack::start(vec![alice.clone(), bob()]).await;
    let mut crashing_projector =
        stack.spawn("projector", &[], &[("STUDIO_FAILPOINT", "crash-mid-batch")]);
    let mut crashing = stack.spawn(
        "command-service",
        &[],
        &[("STUDIO_FAILPOINT", "crash-after-append")],
    );
    let gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;

    // The first batch (GUILD_CREATE's members) is appended, then the service dies before acking.
    assert!(
        crashing.exited(PATIENCE).await,
        "the failpoint should crash the command service"
    );
    assert!(
        crashing_projector.exited(PATIENCE).await,
        "the failpoint should crash the projector"
    );
    let appended = stack.scalar("SELECT count(*) FROM event_log").await;
    assert!(appended > 0, "the append committed before the crash");
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM views.guild_checkpoints")
            .await,
        0,
        "the crashed projector batch left nothing behind"
    );

    // After restart the unacknowledged dispatch is redelivered and recognised, not applied again.
    let command = stack.spawn("command-service", &[], &[]);
    let projector = stack.spawn("projector", &[], &[]);
    stack.say(&alice, "back after the crash, still coding");
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'",
            1,
        )
        .await;
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'MemberSeen'")
            .await,
        2,
        "the GUILD_CREATE committed before the crash seeded nobody twice"
    );
    assert!(
        stack
            .scalar("SELECT stream_seq FROM intake_positions")
            .await
            > 0,
        "its stream position was committed with its events"
    );
    assert!(
        !command.logged("decided before"),
        "the restarted service read on from the committed position, not from the crash's batch"
    );
    // The restarted projector catches up with the whole log (more may have come meanwhile: the
    // member list the gateway asks for after connecting).
    stack.projected().await;
    // Auditors read the views (and nothing they could change).
    let mut conn = stack.pool.acquire().await.expect("conn");
    sqlx::query("SET ROLE studio_auditor")
        .execute(&mut *conn)
        .await
        .expect("auditor");
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM views.members")
        .fetch_one(&mut *conn)
        .await
        .expect("the auditor reads the views");
    assert_eq!(seen, 2);
    assert!(
        sqlx::query("DELETE FROM views.members")
            .execute(&mut *conn)
            .await
            .is_err()
    );
    sqlx::query("RESET ROLE")
        .execute(&mut *conn)
        .await
        .expect("reset");
    drop(conn);
    stack.assert_replay_gives_the_same_views().await;
    stack.assert_log_sound().await;
    drop((command, projector, gateway));
    stack.finish().await;
}

#[tokio::test]
async fn a_stale_interaction_is_not_answered() {
    let alice = alice();
    let stack = Stack::start(vec![alice.clone()]).await;
    let services = stack.services().await;

    let (_, fresh) = stack.discord.slash_command(
        GUILD,
        CHANNEL,
        &alice,
        MEMBER_PERMISSIONS,
        "profile",
        json!([]),
    );
    let (stale, d) = stack
        .discord
        .stale_interaction(fresh, Duration::from_secs(5));
    stack.discord.dispatch("INTERACTION_CREATE", d);
    let after = stack.slash(&alice, MEMBER_PERMISSIONS, "profile", json!([]));
    stack.answer(after).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        stack
            .discord
            .callbacks()
            .iter()
            .all(|c| c.interaction_id != stale),
        "an interaction older than 3 s must not be answered"
    );
    let (_, command, _) = &services;
    assert!(
        command.logged("dropped unanswered"),
        "the stale interaction is counted in the log"
    );
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn a_restarted_gateway_worker_resumes_its_session_and_loses_nothing() {
    let (alice, bob) = (alice(), bob());
    let stack = Stack::start(vec![alice.clone(), bob.clone()]).await;
    let (gateway, command, projector) = stack.services().await;

    let now = chrono::Utc::now();
    let (_, d) = stack
        .discord
        .message_create_at(GUILD, CHANNEL, &alice, "before the restart", now);
    let seq = stack.discord.dispatch("MESSAGE_CREATE", d);
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'",
            1,
        )
        .await;
    stack
        .eventually_i64(
            &format!("SELECT least(sequence, {seq}) FROM gateway_sessions"),
            i64::try_from(seq).expect("seq"),
        )
        .await;

    // The worker dies without a goodbye; Discord keeps its session and what happens meanwhile.
    gateway.kill().await;
    stack
        .discord
        .wait_for(PATIENCE, |d| (!d.connected()).then_some(()))
        .await
        .expect("the connection dropped");
    stack.discord.dispatch(
        "GUILD_MEMBER_REMOVE",
        stack.discord.member_remove(GUILD, bob.user_id),
    );
    let (_, d) = stack.discord.message_create_at(
        GUILD,
        CHANNEL,
        &alice,
        "sent while the worker was down",
        now + chrono::Duration::seconds(90),
    );
    stack.discord.dispatch("MESSAGE_CREATE", d);
    let back = studio_tests::FakeMember {
        joined_at: chrono::Utc::now(),
        ..bob.clone()
    };
    stack
        .discord
        .dispatch("GUILD_MEMBER_ADD", stack.discord.member_add(GUILD, &back));

    let gateway = stack.spawn("gateway-worker", &[], &[]);
    stack
        .discord
        .wait_for(PATIENCE, |d| (d.resume_count() >= 1).then_some(()))
        .await
        .expect("the restarted worker resumed the stored session");
    assert_eq!(stack.discord.identify_count(), 1, "no second IDENTIFY");
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'",
            2,
        )
        .await;
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type IN ('MemberLeft', 'MemberJoined')",
            2,
        )
        .await;
    stack
        .eventually_i64("SELECT xp FROM views.members WHERE user_id = 1001", 10)
        .await;
    // Bob's time away does not count: his stint restarted at the rejoin.
    stack
        .eventually_i64(
            "SELECT count(*) FROM views.members WHERE user_id = 1002 AND present AND tenure_completed_secs > 0",
            1,
        )
        .await;
    stack.assert_log_sound().await;
    drop((gateway, command, projector));
    stack.finish().await;
}

#[tokio::test]
async fn two_command_services_split_the_partitions_and_one_takes_all_when_the_other_dies() {
    let alice = alice();
    let stack = Stack::start(vec![alice.clone(), bob()]).await;
    let two_partitions = [("STUDIO_PARTITIONS", "2")];
    let projector = stack.spawn("projector", &[], &two_partitions);
    let first = stack.spawn("command-service", &[], &two_partitions);
    let gateway = stack.spawn("gateway-worker", &[], &two_partitions);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;
    let second = stack.spawn("command-service", &[], &two_partitions);
    // The first held both; once the second is up it hands one over, and each holds one.
    let split = stack
        .discord
        .wait_for(PATIENCE, |_| {
            (first.logged("handed over") && second.logged("partition owned")).then_some(())
        })
        .await;
    assert!(split.is_some(), "the partitions are split between the two");

    let start = chrono::Utc::now() - chrono::Duration::hours(1);
    let at = |i: i64| start + chrono::Duration::seconds(61 * i);
    for i in 0..10 {
        stack.say_at(&alice, &format!("level editor progress {i}"), at(i));
    }
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'",
            10,
        )
        .await;
    first.kill().await;
    for i in 10..20 {
        stack.say_at(&alice, &format!("level editor progress {i}"), at(i));
    }
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'",
            20,
        )
        .await;
    stack.projected().await;
    let profile = profile_of(&stack, &alice).await;
    assert!(profile.contains("100"), "20 messages, 100 XP: {profile}");
    stack.assert_log_sound().await;
    drop((projector, second, gateway));
    stack.finish().await;
}
