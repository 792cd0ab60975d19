//! Poison input never blocks a guild: text a member types that Studio cannot store (U+0000, which
//! Postgres cannot hold) is refused at the edge with a private answer naming the field, nothing is
//! decided, and the guild's next commands and messages are answered and applied at once.

mod common;

use common::*;
use serde_json::json;
use std::time::Duration;
use studio_tests::FakeMember;

fn pay(stack: &Stack, from: &FakeMember, to: u64, amount: i64, note: &str) -> u64 {
    stack.slash(
        from,
        MEMBER_PERMISSIONS,
        "pay",
        json!([{"name": "member", "type": 6, "value": to.to_string()},
               {"name": "amount", "type": 4, "value": amount},
               {"name": "note", "type": 3, "value": note}]),
    )
}

async fn balance(stack: &Stack, member: u64) -> i64 {
    stack
        .scalar(&format!(
            "SELECT coalesce((SELECT balance FROM views.accounts WHERE account = 'member:{member}'), 0)"
        ))
        .await
}

/// `/balance` as the member sees it.
async fn shown_balance(stack: &Stack, who: &FakeMember) -> String {
    original(
        stack,
        stack.slash(who, MEMBER_PERMISSIONS, "balance", json!([])),
    )
    .await
    .text()
}

/// Every answer Discord saw to interaction `id`: callbacks, edits of the original, followups.
fn answers(stack: &Stack, id: u64) -> (usize, usize, usize) {
    let d = &stack.discord;
    (
        d.callbacks()
            .iter()
            .filter(|c| c.interaction_id == id)
            .count(),
        d.original_edits()
            .iter()
            .filter(|m| m.interaction_id == Some(id))
            .count(),
        d.followups()
            .iter()
            .filter(|m| m.interaction_id == Some(id))
            .count(),
    )
}

/// The poisoned interaction got exactly one answer: private, at once (not deferred), naming the
/// note and the character, with /pay's usage.
async fn assert_refused_once(stack: &Stack, id: u64) {
    let callback = stack.answer(id).await;
    let text = callback.body["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        callback.body["type"], 4,
        "answered at once: {}",
        callback.body
    );
    assert_eq!(
        callback.body["data"]["flags"], 64,
        "privately: {}",
        callback.body
    );
    assert!(
        text.contains("The note contains a character Studio cannot store (U+0000)"),
        "names the field and the character: {text}"
    );
    assert!(
        text.contains("Usage: `/pay member amount [note]`"),
        "with the command's help: {text}"
    );
    assert_eq!(answers(stack, id), (1, 0, 0), "exactly one answer");
}

#[tokio::test]
async fn a_pay_note_with_nul_is_refused_privately_and_the_guild_keeps_answering() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;
    original(&stack, grant(&stack, &admin, 1001, 500)).await;
    stack
        .eventually_i64(
            "SELECT balance FROM views.accounts WHERE account = 'member:1001'",
            500,
        )
        .await;
    let log_before = stack.caused_events().await;

    // The poisoned /pay: refused at once, nothing decided.
    let poisoned = pay(&stack, &alice, 1002, 50, "for the sprites\u{0}");
    assert_refused_once(&stack, poisoned).await;
    let shown = shown_balance(&stack, &alice).await;
    assert!(shown.contains("500 credits"), "balance unchanged: {shown}");
    assert_eq!(balance(&stack, 1002).await, 0, "bob got nothing");
    assert_eq!(
        stack.caused_events().await,
        log_before,
        "nothing was written"
    );

    // Poison again, and at once a good /pay and a message: both answered and applied.
    let poisoned_again = pay(&stack, &alice, 1002, 70, "\u{0}");
    let paid = pay(&stack, &alice, 1002, 30, "for the sprites");
    stack.say(&bob, "thanks alice, the sprites look great");
    let paid = original(&stack, paid).await;
    assert!(
        paid.ephemeral() && paid.text().contains("Your balance: 470"),
        "the next /pay is applied: {}",
        paid.text()
    );
    assert_refused_once(&stack, poisoned_again).await;
    stack
        .eventually_i64("SELECT xp FROM views.members WHERE user_id = 1002", 5)
        .await;
    assert_eq!(
        balance(&stack, 1002).await,
        30,
        "bob got the good payment only"
    );
    let shown = shown_balance(&stack, &alice).await;
    assert!(shown.contains("470 credits"), "{shown}");

    // Still exactly one answer each, a moment later.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(answers(&stack, poisoned), (1, 0, 0));
    assert_eq!(answers(&stack, poisoned_again), (1, 0, 0));
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}
