//! Snapshots of guild state (issue 14): a command service starts from its guild's latest snapshot
//! and decides exactly as the log says; a snapshot altered in the database is never started from,
//! and `projector audit verify` checks every snapshot against a fresh fold of the log.

mod common;

use common::*;
use serde_json::{Value, json};

/// Events after which the command service snapshots a guild, in these tests.
const EVERY: &str = "3";

/// What the member who paid was told.
async fn told(stack: &Stack, id: u64) -> String {
    original(stack, id).await.text()
}

fn command_service(stack: &Stack) -> Service {
    stack.spawn("command-service", &[], &[("STUDIO_SNAPSHOT_EVERY", EVERY)])
}

/// The three services, the command service snapshotting every [`EVERY`] events; bob holds 100
/// credits, paid 30 of them to alice, and a snapshot of the guild since is stored. Returns the
/// services and bob's `/pay` (its id and dispatch).
async fn started(stack: &Stack) -> ((Service, Service, Service), (u64, Value)) {
    let projector = stack.spawn("projector", &[], &[]);
    let command = command_service(stack);
    let gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;
    let (alice, bob) = (alice(), bob());
    stack.say(&alice, "shipping the save system today");
    original(stack, grant(stack, &admin(), bob.user_id, 100)).await;
    let (paid, d) = stack.discord.slash_command(
        GUILD,
        CHANNEL,
        &bob,
        MEMBER_PERMISSIONS,
        "pay",
        json!([{"name": "member", "type": 6, "value": alice.user_id.to_string()},
               {"name": "amount", "type": 4, "value": 30}]),
    );
    stack.discord.dispatch("INTERACTION_CREATE", d.clone());
    told(stack, paid).await;
    // Enough events after the payment for the next snapshot to cover it.
    for line in ["the inventory grid snaps now", "and it saves", "and loads"] {
        stack.say(&alice, line);
    }
    stack
        .eventually_i64(
            "SELECT count(*) FROM guild_snapshots WHERE last_seq >=
                 (SELECT max(guild_seq) FROM event_log WHERE event_type = 'CreditsTransferred')",
            1,
        )
        .await;
    ((gateway, command, projector), (paid, d))
}

/// Restarts the command service (SIGKILL, then a new one) and waits until it owns the partition.
async fn restart(stack: &Stack, old: Service) -> Service {
    old.kill().await;
    let new = command_service(stack);
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !new.logged("partition owned") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the new command service never owned the partition"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    new
}

#[tokio::test]
async fn a_restarted_command_service_starts_from_the_snapshot_and_decides_as_the_log_says() {
    let stack = Stack::start(vec![alice(), bob(), admin()]).await;
    let ((gateway, command, projector), first_pay) = started(&stack).await;
    let (alice, bob) = (alice(), bob());
    let command = restart(&stack, command).await;
    assert!(
        command.logged("guild state read from its snapshot"),
        "the new command service folded the whole log instead of reading the snapshot"
    );

    // Bob holds 70: more is refused, exactly that goes through; his first payment, delivered
    // again, is not carried out twice.
    let again = redeliver(&stack, first_pay.0, &first_pay.1).await;
    assert_eq!(again.len(), 1, "the redelivered /pay was answered again");
    let refused = pay(&stack, &bob, alice.user_id, 71);
    let refusal = told(&stack, refused).await;
    assert!(refusal.contains("You have 70 credits"), "{refusal}");
    told(&stack, pay(&stack, &bob, alice.user_id, 70)).await;
    stack.projected().await;
    assert_eq!(shown_balance(&stack, &bob).await, 0);
    assert_eq!(shown_balance(&stack, &alice).await, 100);

    let (sound, report) = audit(&stack, &["verify"]).await;
    assert!(sound, "{report}");
    assert!(
        report.contains("matches a fresh fold of the log"),
        "{report}"
    );
    stack.assert_log_sound().await;
    drop((gateway, command, projector));
    stack.finish().await;
}

/// Gives everyone 9 999 credits in the guild's latest snapshot, its hash left as it was. Returns
/// the snapshot's position.
async fn forge_latest_snapshot(stack: &Stack) -> i64 {
    let (seq, state): (i64, Vec<u8>) = sqlx::query_as(
        "SELECT last_seq, state FROM guild_snapshots ORDER BY last_seq DESC LIMIT 1",
    )
    .fetch_one(&stack.pool)
    .await
    .expect("a snapshot");
    let mut forged: Value = serde_json::from_slice(&state).expect("a snapshot is JSON");
    let balances = forged["entities"]["balances"]
        .as_array_mut()
        .expect("balances");
    assert!(!balances.is_empty());
    for entry in balances.iter_mut() {
        entry[1] = json!(9_999);
    }
    sqlx::query("UPDATE guild_snapshots SET state = $1 WHERE last_seq = $2")
        .bind(serde_json::to_vec(&forged).expect("json"))
        .bind(seq)
        .execute(&stack.pool)
        .await
        .expect("alter the snapshot");
    seq
}

#[tokio::test]
async fn a_snapshot_altered_in_the_database_is_found_by_the_audit_and_not_started_from() {
    let stack = Stack::start(vec![alice(), bob(), admin()]).await;
    let ((gateway, command, projector), _) = started(&stack).await;
    let (alice, bob) = (alice(), bob());
    command.kill().await;

    // Someone with the database's keys gives everyone 9 999 credits in the latest snapshot.
    forge_latest_snapshot(&stack).await;
    let (sound, report) = audit(&stack, &["verify"]).await;
    assert!(!sound, "{report}");
    assert!(report.contains("altered"), "{report}");

    // The command service does not start from it: bob still holds 70, not 9 999.
    let command = command_service(&stack);
    let refused = pay(&stack, &bob, alice.user_id, 500);
    let refusal = told(&stack, refused).await;
    assert!(refusal.contains("You have 70 credits"), "{refusal}");
    assert!(command.logged("snapshot not used"));
    stack.projected().await;
    assert_eq!(shown_balance(&stack, &bob).await, 70);

    // A careful forger recomputes the hash too: the command service cannot tell without folding
    // the log, and the audit, which folds it, names the snapshot. (The forged one above may be
    // gone: the new command service kept only its latest snapshots. Stopped, it writes no more.)
    command.kill().await;
    let seq = forge_latest_snapshot(&stack).await;
    sqlx::query("UPDATE guild_snapshots SET state_hash = sha256(state) WHERE last_seq = $1")
        .bind(seq)
        .execute(&stack.pool)
        .await
        .expect("recompute the hash");
    let (sound, report) = audit(&stack, &["verify"]).await;
    assert!(!sound, "{report}");
    assert!(
        report.contains("differs from a fresh fold of the log"),
        "{report}"
    );
    drop((gateway, projector));
    stack.finish().await;
}
