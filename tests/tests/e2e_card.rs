//! The rank card (issue 13): `/profile` and `/rank` answer with a PNG card drawn from the member's
//! numbers, attached the way Discord takes files; credits only on one's own card; the other tabs
//! drop it.

mod common;

use common::*;
use serde_json::json;
use studio_card::Card;
use studio_tests::SentMessage;

/// The card attached to `message`, checked to be the embed's image.
fn card_of(message: &SentMessage) -> Vec<u8> {
    let [file] = message.attachments.as_slice() else {
        panic!("one attachment expected: {:?}", message.attachments);
    };
    assert_eq!(file.filename, "rank-card.png");
    let shown = message
        .embeds
        .first()
        .and_then(|e| e.image.as_ref())
        .map(|i| i.url.clone());
    assert_eq!(shown.as_deref(), Some("attachment://rank-card.png"));
    file.content.clone()
}

#[tokio::test]
async fn profile_and_rank_show_a_rank_card_with_the_members_numbers() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;

    // Alice: 600 XP (level 3: 500..750; first on the board), 250 credits, one reputation point,
    // 400 days in (Expert).
    let give = json!([{"name": "give", "type": 1, "options": [
        {"name": "member", "type": 6, "value": alice.user_id.to_string()},
        {"name": "amount", "type": 4, "value": 600},
        {"name": "reason", "type": 3, "value": "jam winner"}]}]);
    original(&stack, stack.slash(&admin, ADMIN_PERMISSIONS, "xp", give)).await;
    original(&stack, grant(&stack, &admin, alice.user_id, 250)).await;
    let rep = json!([{"name": "member", "type": 6, "value": alice.user_id.to_string()}]);
    original(&stack, stack.slash(&bob, MEMBER_PERMISSIONS, "rep", rep)).await;
    stack.projected().await;

    let expected = |credits| Card {
        name: "alice",
        level: 3,
        xp: 600,
        level_floor_xp: 500,
        next_level_xp: 750,
        rank: "Expert",
        reputation: 1,
        credits,
        leaderboard_position: Some(1),
    };

    // Her own /profile: the card, with her credits, private to her.
    let own = original(
        &stack,
        stack.slash(&alice, MEMBER_PERMISSIONS, "profile", json!([])),
    )
    .await;
    assert!(own.ephemeral());
    let png = card_of(&own);
    let decoded = tiny_png_size(&png);
    assert_eq!(decoded, (studio_card::WIDTH, studio_card::HEIGHT));
    assert_eq!(
        png,
        studio_card::render(&expected(Some(250))).expect("the expected card renders"),
        "the card shows alice's level, XP, rank, reputation and credits"
    );

    // Bob's /rank of Alice: the same numbers, without her credits.
    let theirs = original(
        &stack,
        stack.slash(
            &bob,
            MEMBER_PERMISSIONS,
            "rank",
            json!([{"name": "member", "type": 6, "value": alice.user_id.to_string()}]),
        ),
    )
    .await;
    assert_eq!(
        card_of(&theirs),
        studio_card::render(&expected(None)).expect("the expected card renders"),
        "another member's card shows no credits"
    );

    // Another tab drops the card; Stats draws it again.
    let portfolio = button(&own, "Portfolio");
    let (_, click) = stack.discord.button_click(
        GUILD,
        CHANNEL,
        &alice,
        MEMBER_PERMISSIONS,
        &portfolio,
        Some(&own),
    );
    stack.discord.dispatch("INTERACTION_CREATE", click);
    let shown = stack
        .discord
        .wait_for(PATIENCE, |d| {
            d.message(own.id).filter(|m| {
                m.embeds
                    .first()
                    .is_some_and(|e| e.title.as_deref() != Some("📊 Stats"))
            })
        })
        .await
        .expect("the Portfolio tab is shown");
    assert!(shown.attachments.is_empty(), "{:?}", shown.attachments);
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

/// The width and height a PNG's header gives.
fn tiny_png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let word = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    (word(16), word(20))
}

#[tokio::test]
async fn a_member_exports_their_own_data_and_an_admin_the_servers_xp() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;
    let give = json!([{"name": "give", "type": 1, "options": [
        {"name": "member", "type": 6, "value": alice.user_id.to_string()},
        {"name": "amount", "type": 4, "value": 300},
        {"name": "reason", "type": 3, "value": "jam"}]}]);
    original(&stack, stack.slash(&admin, ADMIN_PERMISSIONS, "xp", give)).await;
    original(&stack, grant(&stack, &admin, alice.user_id, 250)).await;
    let pay = json!([{"name": "member", "type": 6, "value": bob.user_id.to_string()},
                     {"name": "amount", "type": 4, "value": 40}]);
    original(&stack, stack.slash(&alice, MEMBER_PERMISSIONS, "pay", pay)).await;
    stack.projected().await;

    let export = |who: &studio_tests::FakeMember, permissions: u64, sub: &str| {
        stack.slash(
            who,
            permissions,
            "export",
            json!([{"name": sub, "type": 1, "options": []}]),
        )
    };
    // Alice's own data: a private JSON file with her numbers and every ledger entry.
    let mine = original(&stack, export(&alice, MEMBER_PERMISSIONS, "me")).await;
    assert!(mine.ephemeral());
    let [file] = mine.attachments.as_slice() else {
        panic!("one file: {:?}", mine.attachments);
    };
    assert_eq!(
        file.filename,
        format!("studio-export-{}.json", alice.user_id)
    );
    let data: serde_json::Value = serde_json::from_slice(&file.content).expect("JSON");
    assert_eq!(data["xp"]["total"], 300);
    assert_eq!(data["xp"]["level"], 2);
    assert_eq!(data["credits"], 210);
    assert_eq!(data["rank"], "Expert");
    let amounts: Vec<i64> = data["ledger"]
        .as_array()
        .expect("ledger")
        .iter()
        .filter_map(|e| e["amount"].as_i64())
        .collect();
    assert_eq!(amounts, vec![-40, 250], "every entry, latest first");

    // The server's XP: for admins only.
    let refused = original(&stack, export(&bob, MEMBER_PERMISSIONS, "guild")).await;
    assert!(refused.text().contains("Manage Server") && refused.attachments.is_empty());
    let all = original(&stack, export(&admin, ADMIN_PERMISSIONS, "guild")).await;
    let [csv] = all.attachments.as_slice() else {
        panic!("one file: {:?}", all.attachments);
    };
    let text = String::from_utf8_lossy(&csv.content);
    assert_eq!(text, format!("user_id,xp,level\n{},300,2\n", alice.user_id));
    drop(services);
    stack.finish().await;
}
