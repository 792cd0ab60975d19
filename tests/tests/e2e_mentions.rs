//! Least privilege in what Studio says: every message it sends states whom it may ping, and member or
//! admin text echoed in it (an `/xp` reason, a `/pay` note, a `/rep` reason, a listing title, a team or
//! tournament name) never pings `@everyone`, `@here`, a role or a member the message does not mean.
//! The local Discord works out whom each message notifies from the content the request set and its
//! `allowed_mentions`, as Discord does.

mod common;

use common::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;
use studio_tests::Pings;

/// A role of the server that nobody asked Studio to ping.
const ROLE: u64 = 900_000_000_000_000_077;

/// Text a hostile admin or member types: everyone, here, a role and a bystander (bob).
fn hostile(what: &str) -> String {
    format!("{what} @everyone @here <@&{ROLE}> <@1002> <@!1002>")
}

fn xp_give(member: u64, amount: i64, reason: &str) -> Value {
    json!([{"name": "give", "type": 1, "options": [
        {"name": "member", "type": 6, "value": member.to_string()},
        {"name": "amount", "type": 4, "value": amount},
        {"name": "reason", "type": 3, "value": reason}]}])
}

fn only(users: &[u64]) -> Pings {
    Pings {
        everyone: false,
        users: users.to_vec(),
        roles: Vec::new(),
    }
}

/// The `allowed_mentions` a message-producing body carries: explicit, parsing nothing, no roles.
fn assert_explicit(what: &str, body: &Value) {
    let allowed = body
        .get("allowed_mentions")
        .unwrap_or_else(|| panic!("{what} has no allowed_mentions: {body}"));
    assert_eq!(
        allowed.get("parse"),
        Some(&json!([])),
        "{what} lets Discord parse mentions: {body}"
    );
    assert!(
        allowed
            .get("roles")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty),
        "{what} pings roles: {body}"
    );
}

#[tokio::test]
async fn public_messages_ping_exactly_whom_they_mean_whatever_the_text_says() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;

    // The issue: an admin's /xp reason, echoed in the public answer, pinged everyone. The answer
    // pings the member who got the XP, nobody else.
    let xp = stack.slash(
        &admin,
        ADMIN_PERMISSIONS,
        "xp",
        xp_give(1001, 245, &hostile("great demo")),
    );
    let answer = original(&stack, xp).await;
    assert!(!answer.ephemeral(), "the /xp answer is public");
    assert!(
        answer.text().contains("@everyone"),
        "the reason is shown as written: {}",
        answer.text()
    );
    assert_eq!(
        answer.pings,
        only(&[1001]),
        "the /xp answer pings the member only"
    );

    // The same answer late (deferred, then the "thinking…" response edited): the edit says whom it
    // pings too.
    let (_, fresh) = stack.discord.slash_command(
        GUILD,
        CHANNEL,
        &admin,
        ADMIN_PERMISSIONS,
        "xp",
        xp_give(1002, 5, &hostile("late")),
    );
    let (late, d) = stack
        .discord
        .stale_interaction(fresh, Duration::from_millis(1_700));
    stack.discord.dispatch("INTERACTION_CREATE", d);
    // The deferred "thinking…" response is visible before the edit that carries the answer: wait
    // for the edit itself.
    let edit = stack
        .discord
        .wait_for(PATIENCE, |d| {
            d.original_edits()
                .into_iter()
                .find(|m| m.interaction_id == Some(late))
        })
        .await
        .expect("the late /xp answer edits the deferred response");
    let late_answer = original(&stack, late).await;
    assert_explicit("the edit of the deferred /xp answer", &edit.body);
    assert!(
        late_answer.pings.users.iter().all(|u| *u == 1002)
            && !late_answer.pings.everyone
            && late_answer.pings.roles.is_empty(),
        "the late /xp answer pings bob at most: {:?}",
        late_answer.pings
    );

    // A message that levels alice up is announced in the channel, pinging her.
    stack.say(&alice, "hello everyone, a devlog today");
    let level_up = stack
        .discord
        .wait_for(PATIENCE, |d| {
            d.channel_messages()
                .into_iter()
                .find(|m| m.content.contains("reached level 2"))
        })
        .await
        .expect("a level-up announcement");
    assert_eq!(level_up.pings, only(&[1001]));

    // Credits, with a hostile reason; a /pay note reaches bob by DM.
    original(&stack, grant(&stack, &admin, 1001, 2000)).await;
    let pay = stack.slash(
        &alice,
        MEMBER_PERMISSIONS,
        "pay",
        json!([{"name": "member", "type": 6, "value": "1002"},
               {"name": "amount", "type": 4, "value": 10},
               {"name": "note", "type": 3, "value": hostile("for the art")}]),
    );
    original(&stack, pay).await;
    let note_dm = dms_to(&stack, 1002)
        .into_iter()
        .find(|m| m.text().contains("for the art"))
        .expect("bob is told of the payment by DM, with its note");
    assert!(note_dm.pings.nobody(), "{:?}", note_dm.pings);

    // /rep's reason is public: it pings the receiver only.
    let rep = stack.slash(
        &alice,
        MEMBER_PERMISSIONS,
        "rep",
        json!([{"name": "member", "type": 6, "value": "1002"},
               {"name": "reason", "type": 3, "value": hostile("fixed my shader")}]),
    );
    let thanks = original(&stack, rep).await;
    assert!(!thanks.ephemeral());
    assert_eq!(thanks.pings, only(&[1002]));

    // A listing's title, announced publicly, pings nobody.
    let title = format!("@everyone <@&{ROLE}> <@1002> grid");
    let listed = original(
        &stack,
        submit(
            &stack,
            &alice,
            "f:sell",
            &[
                ("title", &title),
                ("description", &hostile("fast")),
                ("language", "Rust"),
                ("price", "20"),
                ("code", "fn main() {}"),
            ],
        ),
    )
    .await;
    assert!(
        !listed.ephemeral() && listed.text().contains("is on the marketplace"),
        "{}",
        listed.text()
    );
    assert!(listed.pings.nobody(), "{:?}", listed.pings);

    // A tournament's name, announced publicly, pings nobody.
    let cup = stack.slash(
        &admin,
        ADMIN_PERMISSIONS,
        "tournament",
        json!([{"name": "create", "type": 1, "options": [
            {"name": "name", "type": 3, "value": format!("@everyone <@&{ROLE}> cup")},
            {"name": "prize", "type": 4, "value": 500},
            {"name": "days", "type": 4, "value": 3}]}]),
    );
    let announced = original(&stack, cup).await;
    assert!(announced.pings.nobody(), "{:?}", announced.pings);

    // A team's name reaches its owner by DM when bob asks to join.
    original(
        &stack,
        submit(
            &stack,
            &alice,
            "f:team",
            &[
                ("name", "@here crew"),
                ("description", &hostile("a jam team")),
                ("open", "no"),
            ],
        ),
    )
    .await;
    original(
        &stack,
        stack.slash(
            &bob,
            MEMBER_PERMISSIONS,
            "team",
            json!([{"name": "join", "type": 1, "options": [
                {"name": "team", "type": 4, "value": 1}]}]),
        ),
    )
    .await;

    // A commission's deal room welcomes its two parties, pinging them.
    let offer = stack.slash(
        &alice,
        MEMBER_PERMISSIONS,
        "commission",
        json!([{"name": "offer", "type": 1, "options": [
            {"name": "developer", "type": 6, "value": "1002"},
            {"name": "amount", "type": 4, "value": 100},
            {"name": "deadline_days", "type": 4, "value": 10},
            {"name": "description", "type": 3, "value": hostile("a boss fight")}]}]),
    );
    original(&stack, offer).await;
    let accept = stack.slash(
        &bob,
        MEMBER_PERMISSIONS,
        "commission",
        json!([{"name": "accept", "type": 1, "options": [
            {"name": "id", "type": 4, "value": 1}]}]),
    );
    original(&stack, accept).await;
    let welcome = stack
        .discord
        .wait_for(PATIENCE, |d| {
            d.channel_messages()
                .into_iter()
                .find(|m| m.text().contains("Only you two"))
        })
        .await
        .expect("a deal room with a welcome");
    assert_eq!(welcome.pings, only(&[1001, 1002]));
    stack.effects_out().await;

    // Every message Studio sent — answers public and private, updates, edits, DMs, announcements —
    // said whom it may ping, and nothing pinged everyone, a role, or someone it did not mean.
    let sent = stack.discord.sent_messages();
    assert!(sent.len() > 10, "{} messages", sent.len());
    for m in &sent {
        assert!(
            !m.pings.everyone && m.pings.roles.is_empty(),
            "message {} pinged everyone or a role: {:?}\n{}",
            m.id,
            m.pings,
            m.content
        );
    }
    for c in stack.discord.callbacks() {
        if matches!(c.body["type"].as_u64(), Some(4 | 7)) {
            assert_explicit(
                &format!("the answer to interaction {}", c.interaction_id),
                &c.body["data"],
            );
        }
    }
    for m in stack
        .discord
        .channel_messages()
        .into_iter()
        .chain(stack.discord.original_edits())
        .chain(stack.discord.followups())
    {
        assert_explicit(&format!("message {} ({:?})", m.id, m.content), &m.body);
    }
    let pinged: BTreeSet<u64> = sent.iter().flat_map(|m| m.pings.users.clone()).collect();
    assert!(
        pinged.is_subset(&BTreeSet::from([1001, 1002])),
        "pinged {pinged:?}"
    );
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}
