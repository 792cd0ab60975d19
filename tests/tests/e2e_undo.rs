//! Undo without deleting (issue 12): an admin's grant is undone from the Undo button on its own
//! answer — once, however often the click is delivered, and by nobody else — and the undo is in the
//! log, the ledger and `explain` beside the grant; an undo that would take a member below zero is
//! refused and changes nothing.

mod common;

use common::*;
use serde_json::json;
use studio_tests::FakeMember;

/// `who` (with `permissions`) clicks `custom_id` on `message`; the click's id and payload.
fn click_as(
    stack: &Stack,
    who: &FakeMember,
    permissions: u64,
    custom_id: &str,
    message: &studio_tests::SentMessage,
) -> (u64, serde_json::Value) {
    let (id, d) =
        stack
            .discord
            .button_click(GUILD, CHANNEL, who, permissions, custom_id, Some(message));
    stack.discord.dispatch("INTERACTION_CREATE", d.clone());
    (id, d)
}

/// The member's balance as `/balance` shows it to them.
async fn shown_balance(stack: &Stack, who: &FakeMember) -> i64 {
    let text = original(
        stack,
        stack.slash(who, MEMBER_PERMISSIONS, "balance", json!([])),
    )
    .await
    .text();
    text.split_once("Balance: **")
        .and_then(|(_, rest)| rest.split_once(' '))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("no balance in {text}"))
}

/// `projector audit explain <guild> <account>` as the auditor; what it printed.
async fn explain(stack: &Stack, account: &str) -> String {
    let out = tokio::process::Command::new(binary("projector"))
        .args(["audit", "explain", &GUILD.to_string(), account])
        .env("DATABASE_URL", &stack.database_url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run projector audit explain");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn an_admin_undoes_a_grant_from_its_answer_once_and_an_overdrawing_undo_is_refused() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let _services = stack.services().await;

    let granted = original(&stack, grant(&stack, &admin, alice.user_id, 500)).await;
    let undo = button(&granted, "Undo");
    assert_eq!(shown_balance(&stack, &alice).await, 500);
    let grant_seq = stack
        .scalar("SELECT max(guild_seq) FROM event_log WHERE event_type = 'CreditsGranted'")
        .await;

    // Another member cannot use the admin's button.
    let (by_bob, _) = click_as(&stack, &bob, MEMBER_PERMISSIONS, &undo, &granted);
    let refused = original(&stack, by_bob).await;
    assert!(refused.ephemeral(), "{}", refused.text());
    assert!(refused.text().contains("belongs to"), "{}", refused.text());
    assert_eq!(shown_balance(&stack, &alice).await, 500);

    // The admin's click undoes it: Alice's credits go back to the mint.
    let (click, d) = click_as(&stack, &admin, ADMIN_PERMISSIONS, &undo, &granted);
    let done = original(&stack, click).await;
    assert!(
        done.text()
            .contains(&format!("Undid #{grant_seq} (credits granted)")),
        "{}",
        done.text()
    );
    assert_eq!(
        shown_balance(&stack, &alice).await,
        0,
        "the grant is undone on /balance"
    );

    // The same click delivered again is answered by its first decision, and undoes nothing more.
    let answers = redeliver(&stack, click, &d).await;
    assert_eq!(answers.len(), 1, "one answer per click: {answers:?}");
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'ActionUndone'")
            .await,
        1
    );

    // A second click, after the first was decided, is refused: it was undone already.
    let (again, _) = click_as(&stack, &admin, ADMIN_PERMISSIONS, &undo, &granted);
    let twice = original(&stack, again).await;
    assert!(twice.text().contains("undone already"), "{}", twice.text());

    // Auditors see the grant and its undo side by side, each naming the other.
    let undo_seq = stack
        .scalar("SELECT max(guild_seq) FROM event_log WHERE event_type = 'ActionUndone'")
        .await;
    let statement = explain(&stack, &format!("member:{}", alice.user_id)).await;
    assert!(
        statement.contains(&format!("(undone by #{undo_seq})"))
            && statement.contains(&format!("(undoes #{grant_seq})"))
            && statement.contains("balance: 0 after 2 lines"),
        "{statement}"
    );

    // Alice is granted 300 and spends 200 of it: undoing that grant would overdraw her.
    original(&stack, grant(&stack, &admin, alice.user_id, 300)).await;
    let second = stack
        .scalar("SELECT max(guild_seq) FROM event_log WHERE event_type = 'CreditsGranted'")
        .await;
    original(
        &stack,
        stack.slash(
            &alice,
            MEMBER_PERMISSIONS,
            "pay",
            json!([{"name": "member", "type": 6, "value": bob.user_id.to_string()},
                   {"name": "amount", "type": 4, "value": 200}]),
        ),
    )
    .await;
    let overdraw = original(
        &stack,
        stack.slash(
            &admin,
            ADMIN_PERMISSIONS,
            "undo",
            json!([{"name": "position", "type": 4, "value": second},
                   {"name": "reason", "type": 3, "value": "wrong member"}]),
        ),
    )
    .await;
    assert!(overdraw.ephemeral());
    assert!(
        overdraw.text().contains("below zero"),
        "{}",
        overdraw.text()
    );
    assert_eq!(shown_balance(&stack, &alice).await, 100);
    assert_eq!(shown_balance(&stack, &bob).await, 200);

    stack.projected().await;
    stack.assert_log_sound().await;
    stack.assert_replay_gives_the_same_views().await;
}
