//! The economy end to end through the real binaries and the local Discord: credits, the
//! marketplace from /sell to refund, races that must not double-spend, duplicate deliveries,
//! hostile input, and commission escrow with its scheduler. Every scenario ends with the ledger
//! audit (from the log alone) and the views digest equal after a replay.

mod common;

use common::*;
use serde_json::{Value, json};
use std::time::Duration;
use studio_tests::{FakeMember, SentMessage};

fn sell(stack: &Stack, seller: &FakeMember, title: &str, price: &str) -> u64 {
    submit(
        stack,
        seller,
        "f:sell",
        &[
            ("title", title),
            ("description", "Drop-in and documented"),
            ("language", "Rust"),
            ("price", price),
            ("code", &format!("// {title}\nfn main() {{}}")),
        ],
    )
}

async fn balance(stack: &Stack, member: u64) -> i64 {
    stack
        .scalar(&format!(
            "SELECT coalesce((SELECT balance FROM views.accounts WHERE account = 'member:{member}'), 0)"
        ))
        .await
}

/// The message a callback showed (the response body's data, as the member sees it).
fn shown(callback: &studio_tests::Callback) -> String {
    callback.body.to_string()
}

/// Views equal after a replay, and the ledger sound.
async fn assert_sound_and_replayable(stack: &Stack, allowing: &[&str]) {
    stack.assert_replay_gives_the_same_views().await;
    stack.assert_log_sound_allowing(allowing).await;
}

#[tokio::test]
async fn a_sale_goes_from_sell_to_review_and_refund_with_tax_and_private_delivery() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;

    // An admin issues credits from the mint; a member cannot.
    let refused = original(
        &stack,
        grant_as(&stack, &bob, MEMBER_PERMISSIONS, 1002, 500),
    )
    .await;
    assert!(
        refused.ephemeral() && refused.text().contains("Manage Server"),
        "{}",
        refused.text()
    );
    let granted = original(&stack, grant(&stack, &admin, 1002, 500)).await;
    assert!(
        granted.text().contains("Granted 500 credits"),
        "{}",
        granted.text()
    );
    assert!(
        dms_to(&stack, 1002)
            .iter()
            .any(|m| m.text().contains("granted you 500"))
    );

    // /pay moves credits and tells the recipient; /balance shows it privately.
    let paid = original(&stack, pay(&stack, &bob, 1003, json!(50))).await;
    assert!(
        paid.ephemeral() && paid.text().contains("Your balance: 450"),
        "{}",
        paid.text()
    );
    let shown_balance = original(
        &stack,
        stack.slash(&bob, MEMBER_PERMISSIONS, "balance", json!([])),
    )
    .await;
    assert!(shown_balance.ephemeral());
    assert!(
        shown_balance.text().contains("450 credits"),
        "{}",
        shown_balance.text()
    );

    // /sell opens the form; submitting it lists the code (alice is an Expert: 5 % tax).
    let form = stack.slash(&alice, MEMBER_PERMISSIONS, "sell", json!([]));
    let form = stack.answer(form).await;
    assert_eq!(form.body["type"], 9, "a modal: {}", form.body);
    let listed = original(&stack, sell(&stack, &alice, "Grid A* pathfinding", "200")).await;
    assert!(listed.text().contains("Listing #1"), "{}", listed.text());

    // Bob browses the marketplace privately and buys with the Buy button.
    let shop = original(
        &stack,
        stack.slash(&bob, MEMBER_PERMISSIONS, "shop", json!([])),
    )
    .await;
    assert!(shop.ephemeral(), "the shop view is private");
    assert!(
        shop.text().contains("Grid A* pathfinding"),
        "{}",
        shop.text()
    );
    let bought = stack.click(&bob, &button(&shop, "Buy #1"), &shop).await;
    let receipt = shown(&bought);
    assert!(receipt.contains("You bought listing #1"), "{receipt}");
    assert!(
        receipt.contains("fn main()"),
        "the code is delivered: {receipt}"
    );
    assert_eq!(bought.body["data"]["flags"], 64, "delivered privately");
    stack
        .eventually_i64("SELECT sales FROM views.listings WHERE listing_id = 1", 1)
        .await;
    assert_eq!(balance(&stack, 1002).await, 250);
    assert_eq!(
        balance(&stack, 1001).await,
        190,
        "price less the Expert's 5 % tax"
    );
    assert_eq!(
        stack
            .scalar("SELECT balance FROM views.accounts WHERE account = 'treasury'")
            .await,
        10
    );
    assert!(
        dms_to(&stack, 1002)
            .iter()
            .any(|m| m.body.to_string().contains("fn main()"))
    );
    assert!(
        dms_to(&stack, 1001)
            .iter()
            .any(|m| m.text().contains("bought your listing #1"))
    );
    assert!(
        !dms_to(&stack, 1003)
            .iter()
            .any(|m| m.body.to_string().contains("fn main()")),
        "nobody else gets the code"
    );
    assert_eq!(
        stack
            .scalar("SELECT xp FROM views.members WHERE user_id = 1001")
            .await,
        100,
        "a sale earns the seller 100 XP"
    );

    // The seller edits the listing: a new version for new buyers; bob keeps the one he bought.
    let edited = original(
        &stack,
        submit(
            &stack,
            &alice,
            "f:edit:1",
            &[
                ("title", "Grid A* pathfinding"),
                ("description", "Now with diagonal moves"),
                ("language", "Rust"),
                ("price", "250"),
                ("code", "fn astar_v2() {}"),
            ],
        ),
    )
    .await;
    assert!(edited.text().contains("version 2"), "{}", edited.text());
    stack
        .eventually_i64("SELECT version FROM views.listings WHERE listing_id = 1", 2)
        .await;
    let mine = stack.click(&bob, "cd:1:1002", &shop).await;
    assert!(
        shown(&mine).contains("fn main()") && !shown(&mine).contains("astar_v2"),
        "{}",
        shown(&mine)
    );

    // Buying twice is refused; the seller cannot buy their own listing.
    let again = stack.click(&bob, &button(&shop, "Buy #1"), &shop).await;
    assert!(
        shown(&again).contains("already own listing #1"),
        "{}",
        shown(&again)
    );

    // History → Review opens a form; the review rates the listing and earns 25 XP.
    let history = stack.click(&bob, &button(&shop, "History"), &shop).await;
    let history = stack
        .discord
        .wait_for(PATIENCE, |d| {
            d.message(history.interaction_id)
                .or_else(|| d.original_message(history.interaction_id))
        })
        .await;
    let history = history.unwrap_or_else(|| shop.clone());
    let review_id = button(&history, "Review #1");
    let form = stack.click(&bob, &review_id, &history).await;
    assert_eq!(form.body["type"], 9, "{}", form.body);
    let reviewed = original(
        &stack,
        submit(
            &stack,
            &bob,
            "f:review:1",
            &[("stars", "4"), ("text", "Saved me a week")],
        ),
    )
    .await;
    assert!(reviewed.text().contains("4★ review"), "{}", reviewed.text());
    stack
        .eventually_i64(
            "SELECT rating_sum FROM views.listings WHERE listing_id = 1",
            4,
        )
        .await;
    assert_eq!(
        stack
            .scalar("SELECT xp FROM views.members WHERE user_id = 1002")
            .await,
        25
    );
    // The seller's portfolio shows the review received.
    let profile = original(
        &stack,
        stack.slash(
            &bob,
            MEMBER_PERMISSIONS,
            "profile",
            json!([{"name": "member", "type": 6, "value": "1001"}]),
        ),
    )
    .await;
    let portfolio = stack
        .click(&bob, &button(&profile, "Portfolio"), &profile)
        .await;
    assert!(
        shown(&portfolio).contains("★★★★ **Grid A* pathfinding** — <@1002>: Saved me a week"),
        "{}",
        shown(&portfolio)
    );

    // The seller's portfolio shows the listing, the sale and the rating.
    let profile = original(
        &stack,
        stack.slash(
            &bob,
            MEMBER_PERMISSIONS,
            "profile",
            json!([{"name": "member", "type": 6, "value": "1001"}]),
        ),
    )
    .await;
    let portfolio = stack
        .click(&bob, &button(&profile, "Portfolio"), &profile)
        .await;
    assert!(
        shown(&portfolio).contains("1 active listings · 1 sales · ★ 4.0 from 1 reviews"),
        "{}",
        shown(&portfolio)
    );

    // Bob disputes the purchase; an admin sees it among the open disputes and rejects it.
    let form = stack
        .click(&bob, &button(&history, "Dispute #1"), &history)
        .await;
    assert_eq!(form.body["type"], 9, "{}", form.body);
    let disputed = original(
        &stack,
        submit(
            &stack,
            &bob,
            "f:dispute:1",
            &[("text", "Does not handle diagonals")],
        ),
    )
    .await;
    assert!(
        disputed.text().contains("dispute of listing #1 is open"),
        "{}",
        disputed.text()
    );
    assert!(
        dms_to(&stack, 1001)
            .iter()
            .any(|m| m.text().contains("disputed their purchase"))
    );
    stack
        .eventually_i64(
            "SELECT count(*) FROM views.purchases WHERE status = 'disputed'",
            1,
        )
        .await;
    let market = |who: &FakeMember, permissions, sub: &str, options: Value| {
        stack.slash(
            who,
            permissions,
            "market",
            json!([{"name": sub, "type": 1, "options": options}]),
        )
    };
    let hidden = original(
        &stack,
        market(&bob, MEMBER_PERMISSIONS, "disputes", json!([])),
    )
    .await;
    assert!(hidden.text().contains("Manage Server"), "{}", hidden.text());
    let open = original(
        &stack,
        market(&admin, ADMIN_PERMISSIONS, "disputes", json!([])),
    )
    .await;
    assert!(
        open.ephemeral() && open.text().contains("Grid A* pathfinding"),
        "{}",
        open.text()
    );
    let resolve = json!([{"name": "listing", "type": 4, "value": 1},
                         {"name": "buyer", "type": 6, "value": "1002"},
                         {"name": "decision", "type": 3, "value": "reject"},
                         {"name": "note", "type": 3, "value": "works as described"}]);
    let rejected = original(
        &stack,
        market(&admin, ADMIN_PERMISSIONS, "resolve", resolve),
    )
    .await;
    assert!(
        rejected.text().contains("the sale stands"),
        "{}",
        rejected.text()
    );
    stack
        .eventually_i64(
            "SELECT count(*) FROM views.purchases WHERE status = 'active'",
            1,
        )
        .await;

    // The seller refunds from their history; the buyer's code access is revoked.
    let seller_shop = original(
        &stack,
        stack.slash(&alice, MEMBER_PERMISSIONS, "shop", json!([])),
    )
    .await;
    let sales = stack
        .click(&alice, &button(&seller_shop, "History"), &seller_shop)
        .await;
    let refund_id = sales.body["data"]["components"]
        .to_string()
        .split('"')
        .find(|s| s.starts_with("rf:1:1002:"))
        .map(str::to_owned)
        .expect("a refund button for bob's purchase");
    let refunded = stack.click(&alice, &refund_id, &seller_shop).await;
    assert!(
        shown(&refunded).contains("Refunded 200 credits"),
        "{}",
        shown(&refunded)
    );
    stack
        .eventually_i64(
            "SELECT count(*) FROM views.purchases WHERE status = 'refunded'",
            1,
        )
        .await;
    assert_eq!(balance(&stack, 1002).await, 450);
    assert_eq!(balance(&stack, 1001).await, 0);
    let code = stack.click(&bob, &format!("cd:1:{}", 1002), &history).await;
    assert!(
        shown(&code).contains("do not own listing #1"),
        "{}",
        shown(&code)
    );

    assert_sound_and_replayable(&stack, &[]).await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn a_disputed_sale_s_proceeds_are_held_so_the_refund_an_admin_decides_is_paid() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;
    original(&stack, grant(&stack, &admin, 1002, 500)).await;
    original(&stack, sell(&stack, &alice, "Shader pack", "200")).await;
    let shop = original(
        &stack,
        stack.slash(&bob, MEMBER_PERMISSIONS, "shop", json!([])),
    )
    .await;
    stack.click(&bob, &button(&shop, "Buy #1"), &shop).await;
    // Alice is an Expert: 5 % tax, 190 credits and the sale's 100 XP.
    stack
        .eventually_i64(
            "SELECT balance FROM views.accounts WHERE account = 'member:1001'",
            190,
        )
        .await;
    let xp = "SELECT xp FROM views.members WHERE user_id = 1001";
    let xp_after_sale = stack.scalar(xp).await;

    // Bob disputes; the proceeds are held, and Alice cannot pay them away.
    let disputed = original(
        &stack,
        submit(&stack, &bob, "f:dispute:1", &[("text", "Does not compile")]),
    )
    .await;
    assert!(
        disputed.text().contains("dispute of listing #1 is open"),
        "{}",
        disputed.text()
    );
    let spent = original(&stack, pay(&stack, &alice, 1003, json!(190))).await;
    assert!(
        spent.ephemeral() && spent.text().contains("You have 0 credits; that needs 190"),
        "{}",
        spent.text()
    );
    assert_eq!(balance(&stack, 1003).await, 0, "nothing reached the admin");

    // An admin refunds: the buyer is paid in full from the hold, and the sale's XP goes back.
    let resolve = json!([{"name": "resolve", "type": 1, "options": [
        {"name": "listing", "type": 4, "value": 1},
        {"name": "buyer", "type": 6, "value": "1002"},
        {"name": "decision", "type": 3, "value": "refund"},
        {"name": "note", "type": 3, "value": "does not compile"}]}]);
    let refunded = original(
        &stack,
        stack.slash(&admin, ADMIN_PERMISSIONS, "market", resolve),
    )
    .await;
    assert!(
        refunded.text().contains("Refunded 200 credits to <@1002>"),
        "{}",
        refunded.text()
    );
    stack
        .eventually_i64(
            "SELECT count(*) FROM views.purchases WHERE status = 'refunded'",
            1,
        )
        .await;
    assert_eq!(balance(&stack, 1002).await, 500);
    assert_eq!(balance(&stack, 1001).await, 0);
    assert_eq!(stack.scalar(xp).await, xp_after_sale - 100);
    let shown_balance = original(
        &stack,
        stack.slash(&bob, MEMBER_PERMISSIONS, "balance", json!([])),
    )
    .await;
    assert!(
        shown_balance.text().contains("500 credits"),
        "{}",
        shown_balance.text()
    );

    assert_sound_and_replayable(&stack, &[]).await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn racing_buys_and_payments_with_two_writers_never_double_spend() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let carol = member(1004, "carol", 5);
    let stack = Stack::start(vec![
        alice.clone(),
        bob.clone(),
        admin.clone(),
        carol.clone(),
    ])
    .await;
    let projector = stack.spawn("projector", &[], &[]);
    // Two command services (an overlapping deploy): one owns the partition and decides every
    // command in order, the other stands by; nothing is answered twice.
    let one = stack.spawn("command-service", &[], &[]);
    let two = stack.spawn("command-service", &[], &[]);
    let gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;

    original(&stack, grant(&stack, &admin, 1004, 100)).await;
    original(&stack, grant(&stack, &admin, 1002, 100)).await;
    for i in 0..8 {
        original(
            &stack,
            sell(&stack, &alice, &format!("Shader pack {i}"), "100"),
        )
        .await;
    }
    stack
        .eventually_i64("SELECT count(*) FROM views.listings", 8)
        .await;

    // Carol has credits for one listing and clicks Buy on all eight at once.
    let shop = original(
        &stack,
        stack.slash(&carol, MEMBER_PERMISSIONS, "shop", json!([])),
    )
    .await;
    let buys: Vec<u64> = (1..=8)
        .map(|l| {
            let (id, d) = stack.discord.button_click(
                GUILD,
                CHANNEL,
                &carol,
                MEMBER_PERMISSIONS,
                &format!("buy:{l}:1:1004"),
                Some(&shop),
            );
            stack.discord.dispatch("INTERACTION_CREATE", d);
            id
        })
        .collect();
    // Bob pays 30 five times at once with 100: three go through.
    let pays: Vec<u64> = (0..5).map(|_| pay(&stack, &bob, 1003, json!(30))).collect();
    for id in buys.iter().chain(&pays) {
        stack.answer(*id).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'ListingPurchased'")
            .await,
        1,
        "exactly one purchase"
    );
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'CreditsTransferred'")
            .await,
        3,
        "three payments fit in 100 credits"
    );
    stack
        .eventually_i64("SELECT count(*) FROM views.purchases", 1)
        .await;
    assert_eq!(balance(&stack, 1004).await, 0);
    assert_eq!(balance(&stack, 1002).await, 10);
    let answers: Vec<String> = buys
        .iter()
        .filter_map(|id| {
            stack
                .discord
                .callbacks()
                .into_iter()
                .find(|c| c.interaction_id == *id && c.status == 204)
        })
        .map(|c| c.body.to_string())
        .collect();
    assert_eq!(
        answers.iter().filter(|a| a.contains("You bought")).count(),
        1,
        "{answers:#?}"
    );
    assert_eq!(
        answers
            .iter()
            .filter(|a| a.contains("You have 0 credits"))
            .count(),
        7,
        "{answers:#?}"
    );

    assert_sound_and_replayable(&stack, &[]).await;
    drop((projector, one, two, gateway));
    stack.finish().await;
}

#[tokio::test]
async fn the_same_buy_delivered_twice_buys_once_and_answers_the_same() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;
    original(&stack, grant(&stack, &admin, 1002, 300)).await;
    original(&stack, sell(&stack, &alice, "Save system", "120")).await;
    let shop = original(
        &stack,
        stack.slash(&bob, MEMBER_PERMISSIONS, "shop", json!([])),
    )
    .await;

    // One click, delivered by the gateway, then again by JetStream (as a redelivery past the
    // deduplication window would be).
    let (id, d) = stack.discord.button_click(
        GUILD,
        CHANNEL,
        &bob,
        MEMBER_PERMISSIONS,
        &button(&shop, "Buy #1"),
        Some(&shop),
    );
    stack.discord.dispatch("INTERACTION_CREATE", d.clone());
    stack.answer(id).await;
    let answers = redeliver(&stack, id, &d).await;
    assert_eq!(
        answers.len(),
        1,
        "the duplicate is applied once and not answered again"
    );
    assert!(
        answers[0]
            .body
            .to_string()
            .contains("You bought listing #1")
    );
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'ListingPurchased'")
            .await,
        1
    );
    stack
        .eventually_i64("SELECT count(*) FROM views.purchases", 1)
        .await;
    assert_eq!(balance(&stack, 1002).await, 180);
    assert_sound_and_replayable(&stack, &[]).await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn forged_and_hostile_input_gets_a_private_error_and_changes_nothing() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;
    original(&stack, grant(&stack, &admin, 1002, 100)).await;
    original(&stack, sell(&stack, &alice, "Dialogue engine", "80")).await;
    stack
        .eventually_i64("SELECT count(*) FROM views.listings", 1)
        .await;
    let before = stack.caused_events().await;

    let private_error = |m: &SentMessage, needle: &str| {
        assert!(m.ephemeral(), "errors are private: {}", m.text());
        assert!(
            m.text().contains(needle),
            "expected {needle:?} in {}",
            m.text()
        );
    };
    // Amounts that are negative, zero, huge or not a number (a forged payload skips Discord's checks).
    for amount in [json!(-5), json!(0), json!(9_000_000_000_i64), json!("lots")] {
        let m = original(&stack, pay(&stack, &bob, 1001, amount.clone())).await;
        assert!(
            m.text().contains("Usage: `/pay member amount [note]`"),
            "bad input answers with the command's help: {}",
            m.text()
        );
        private_error(
            &m,
            if amount.is_string() {
                "could not read"
            } else {
                "whole number of credits"
            },
        );
    }
    // A price that is not a number, negative or zero; a title over the limit.
    for (price, title, needle) in [
        ("abc", "Ok", "price"),
        ("-5", "Ok", "price"),
        ("0", "Ok", "price"),
        ("10", &"x".repeat(101)[..], "title"),
    ] {
        let m = original(&stack, sell(&stack, &alice, title, price)).await;
        private_error(&m, needle);
    }
    // A beginner cannot sell.
    let newbie = member(1005, "newbie", 2);
    stack
        .discord
        .dispatch("GUILD_MEMBER_ADD", stack.discord.member_add(GUILD, &newbie));
    let m = original(&stack, sell(&stack, &newbie, "Mine", "10")).await;
    private_error(&m, "Learner rank");

    // A Buy button from bob's view clicked by alice, and a forged id naming alice as the owner.
    let shop = original(
        &stack,
        stack.slash(&bob, MEMBER_PERMISSIONS, "shop", json!([])),
    )
    .await;
    let stolen = stack.click(&alice, &button(&shop, "Buy #1"), &shop).await;
    assert!(
        shown(&stolen).contains("This view belongs to"),
        "{}",
        shown(&stolen)
    );
    let forged = stack.click(&alice, "buy:1:1:1001", &shop).await;
    assert!(
        shown(&forged).contains("This view belongs to"),
        "{}",
        shown(&forged)
    );
    // Someone else's delist and refund, and buttons that are not Studio's.
    let delist = stack.click(&bob, "dl:1:1002", &shop).await;
    assert!(
        shown(&delist).contains("Only the seller"),
        "{}",
        shown(&delist)
    );
    for junk in ["buy:1:100", "buy:-1:1:1002", "rf:1:x:1002", "sh:z:0:1002:t"] {
        let c = stack.click(&bob, junk, &shop).await;
        assert!(
            shown(&c).contains("not one of Studio's"),
            "{junk}: {}",
            shown(&c)
        );
    }

    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = stack.caused_events().await;
    assert_eq!(after, before + 1, "only the newbie's join was written");
    assert_eq!(balance(&stack, 1002).await, 100);

    // An admin lets Beginners sell; then the newbie can.
    let beginners = |who: &FakeMember, permissions| {
        stack.slash(
            who,
            permissions,
            "settings",
            json!([{"name": "beginners-sell", "type": 1, "options": [
                {"name": "allowed", "type": 5, "value": true}]}]),
        )
    };
    private_error(
        &original(&stack, beginners(&bob, MEMBER_PERMISSIONS)).await,
        "Manage Server",
    );
    original(&stack, beginners(&admin, ADMIN_PERMISSIONS)).await;
    let listed = original(&stack, sell(&stack, &newbie, "Mine", "10")).await;
    assert!(listed.text().contains("Listing #2"), "{}", listed.text());
    assert_sound_and_replayable(&stack, &[]).await;
    drop(services);
    stack.finish().await;
}

fn commission(stack: &Stack, who: &FakeMember, sub: &str, options: Value) -> u64 {
    stack.slash(
        who,
        MEMBER_PERMISSIONS,
        "commission",
        json!([{"name": sub, "type": 1, "options": options}]),
    )
}

fn id_option(id: i64) -> Value {
    json!([{"name": "id", "type": 4, "value": id}])
}

/// `client` offers `developer` commission #1 (1 000 credits, due in a day), who accepts it, and
/// `client` funds it: 1 150 credits held in escrow, fee included.
async fn fund_a_commission_due_in_a_day(
    stack: &Stack,
    client: &FakeMember,
    developer: &FakeMember,
) {
    let offer = commission(
        stack,
        client,
        "offer",
        json!([{"name": "developer", "type": 6, "value": developer.user_id.to_string()},
               {"name": "amount", "type": 4, "value": 1000},
               {"name": "deadline_days", "type": 4, "value": 1},
               {"name": "description", "type": 3, "value": "A level editor"}]),
    );
    original(stack, offer).await;
    original(stack, commission(stack, developer, "accept", id_option(1))).await;
    original(stack, commission(stack, client, "fund", id_option(1))).await;
}

#[tokio::test]
async fn a_commission_whose_deadline_passes_without_delivery_refunds_the_client_by_itself() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    // A deadline "day" lasts 3 s here; two command services, so the refund is decided once
    // whichever holds the guild.
    let env = [("STUDIO_DAY_SECS", "3"), ("STUDIO_SCHEDULER_MS", "200")];
    let _projector = stack.spawn("projector", &[], &[]);
    let _first = stack.spawn("command-service", &[], &env);
    let _second = stack.spawn("command-service", &[], &env);
    let _gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;
    original(&stack, grant(&stack, &admin, bob.user_id, 2000)).await;

    fund_a_commission_due_in_a_day(&stack, &bob, &alice).await;
    assert_eq!(
        shown_balance(&stack, &bob).await,
        850,
        "1000 + 150 fee held"
    );

    // Nothing is delivered: at the deadline the escrow goes back to the client, fee included.
    stack
        .eventually_i64(
            "SELECT count(*) FROM views.commissions WHERE status = 'refunded_after_deadline'",
            1,
        )
        .await;
    assert_eq!(shown_balance(&stack, &bob).await, 2000);
    assert_eq!(shown_balance(&stack, &alice).await, 0);
    for member in [alice.user_id, bob.user_id] {
        assert!(
            told_by_dm(&stack, member, "refunded after the missed deadline").await,
            "member {member} is told by DM"
        );
    }

    // A delivery after the refund is refused, and the credits moved once.
    let late = original(&stack, commission(&stack, &alice, "deliver", id_option(1))).await;
    assert!(late.ephemeral(), "{}", late.text());
    assert_eq!(shown_balance(&stack, &alice).await, 0);
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'CommissionSettled'")
            .await,
        1,
        "refunded once, however many ticks and instances saw it due"
    );
    stack.projected().await;
    stack.assert_log_sound().await;
    drop((_projector, _first, _second, _gateway));
    stack.finish().await;
}

/// A command whose commit fails for good (here on purpose, `STUDIO_FAILPOINT=poison-marked`) takes the
/// guild's state with the failed plan; the clock must load it again by itself, or the guild's deadlines
/// would wait for the next member to speak. Nothing but the clock acts after the failure.
#[tokio::test]
async fn a_deadline_still_refunds_by_itself_after_a_command_that_could_not_be_recorded() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let env = [
        ("STUDIO_DAY_SECS", "3"),
        ("STUDIO_SCHEDULER_MS", "200"),
        ("STUDIO_FAILPOINT", "poison-marked"),
    ];
    let _projector = stack.spawn("projector", &[], &[]);
    let _command = stack.spawn("command-service", &[], &env);
    let _gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;
    original(&stack, grant(&stack, &admin, bob.user_id, 2000)).await;
    fund_a_commission_due_in_a_day(&stack, &bob, &alice).await;

    // Bob's /pay cannot be recorded: he is told so, privately, and nothing moves.
    let pay = stack.slash(
        &bob,
        MEMBER_PERMISSIONS,
        "pay",
        json!([{"name": "member", "type": 6, "value": alice.user_id.to_string()},
               {"name": "amount", "type": 4, "value": 10},
               {"name": "note", "type": 3, "value": "tip failpoint:poison"}]),
    );
    let refused = original(&stack, pay).await;
    assert!(refused.ephemeral(), "{}", refused.text());
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'CreditsTransferred'")
            .await,
        0,
        "the /pay was not recorded"
    );

    // Then nobody says anything: the deadline passes and the escrow goes back to Bob by itself.
    stack
        .eventually_i64(
            "SELECT count(*) FROM views.commissions WHERE status = 'refunded_after_deadline'",
            1,
        )
        .await;
    assert!(
        told_by_dm(&stack, bob.user_id, "refunded after the missed deadline").await,
        "Bob is told by DM"
    );
    assert_eq!(shown_balance(&stack, &bob).await, 2000);
    assert_eq!(shown_balance(&stack, &alice).await, 0);
    stack.projected().await;
    stack.assert_log_sound().await;
    drop((_projector, _command, _gateway));
    stack.finish().await;
}

#[tokio::test]
async fn commission_escrow_releases_itself_after_delivery_and_an_admin_splits_a_dispute() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let projector = stack.spawn("projector", &[], &[]);
    let command = stack.spawn(
        "command-service",
        &[],
        &[
            ("STUDIO_REVIEW_WINDOW_SECS", "2"),
            ("STUDIO_SCHEDULER_MS", "200"),
        ],
    );
    let gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;
    original(&stack, grant(&stack, &admin, 1002, 2000)).await;

    // Bob (client) offers Alice (developer) 1000 for a boss fight.
    let offer = commission(
        &stack,
        &bob,
        "offer",
        json!([{"name": "developer", "type": 6, "value": "1001"},
               {"name": "amount", "type": 4, "value": 1000},
               {"name": "deadline_days", "type": 4, "value": 10},
               {"name": "description", "type": 3, "value": "A boss fight with three phases"}]),
    );
    assert!(
        original(&stack, offer)
            .await
            .text()
            .contains("Commission #1")
    );
    assert!(
        dms_to(&stack, 1001)
            .iter()
            .any(|m| m.text().contains("Commission #1: offered"))
    );
    let early = original(&stack, commission(&stack, &bob, "fund", id_option(1))).await;
    assert!(
        early.text().contains("is offered"),
        "funding waits for acceptance: {}",
        early.text()
    );
    original(&stack, commission(&stack, &alice, "accept", id_option(1))).await;
    // Accepting opens a private room for the deal.
    let welcome = stack
        .discord
        .wait_for(PATIENCE, |d| {
            d.channel_messages()
                .into_iter()
                .find(|m| m.text().contains("Only you two"))
        })
        .await
        .expect("a deal room with a welcome");
    assert_eq!(
        stack.discord.channel_name(welcome.channel_id).as_deref(),
        Some("commission-1")
    );
    let funded = original(&stack, commission(&stack, &bob, "fund", id_option(1))).await;
    assert!(
        funded.text().contains("150-credit escrow fee"),
        "{}",
        funded.text()
    );
    stack
        .eventually_i64(
            "SELECT escrow FROM views.commissions WHERE commission_id = 1",
            1150,
        )
        .await;
    let listed = original(&stack, commission(&stack, &bob, "list", json!([]))).await;
    assert!(
        listed.ephemeral() && listed.text().contains("#1 — 1000 credits — funded"),
        "{}",
        listed.text()
    );
    let milestone = commission(
        &stack,
        &bob,
        "milestone",
        json!([{"name": "id", "type": 4, "value": 1}, {"name": "amount", "type": 4, "value": 300},
               {"name": "note", "type": 3, "value": "phase one"}]),
    );
    original(&stack, milestone).await;
    let stranger = original(&stack, commission(&stack, &admin, "release", id_option(1))).await;
    assert!(
        stranger.text().contains("Only the client"),
        "{}",
        stranger.text()
    );
    original(&stack, commission(&stack, &alice, "deliver", id_option(1))).await;

    // Nobody releases or disputes: the scheduler releases it after the review window.
    stack
        .eventually_i64(
            "SELECT count(*) FROM views.commissions WHERE status = 'auto_released'",
            1,
        )
        .await;
    assert_eq!(balance(&stack, 1001).await, 1000);
    assert_eq!(balance(&stack, 1002).await, 850);
    assert_eq!(
        stack
            .scalar("SELECT balance FROM views.accounts WHERE account = 'treasury'")
            .await,
        150
    );
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'CommissionSettled'")
            .await,
        1,
        "released once, however many ticks saw it due"
    );
    assert!(
        dms_to(&stack, 1001)
            .iter()
            .any(|m| m.text().contains("released automatically"))
    );

    // A second deal ends in a dispute that an admin splits 40 / 60.
    let offer = commission(
        &stack,
        &bob,
        "offer",
        json!([{"name": "developer", "type": 6, "value": "1001"},
               {"name": "amount", "type": 4, "value": 500},
               {"name": "deadline_days", "type": 4, "value": 5},
               {"name": "description", "type": 3, "value": "Sound effects"}]),
    );
    original(&stack, offer).await;
    original(&stack, commission(&stack, &alice, "accept", id_option(2))).await;
    original(&stack, commission(&stack, &bob, "fund", id_option(2))).await;
    let dispute = json!([{"name": "id", "type": 4, "value": 2},
                         {"name": "reason", "type": 3, "value": "half of them are missing"}]);
    original(&stack, commission(&stack, &bob, "dispute", dispute)).await;
    let resolve = |who: &FakeMember, permissions| {
        stack.slash(
            who,
            permissions,
            "commission",
            json!([{"name": "resolve", "type": 1, "options": [
                {"name": "id", "type": 4, "value": 2},
                {"name": "decision", "type": 3, "value": "split"},
                {"name": "developer_percent", "type": 4, "value": 40}]}]),
        )
    };
    let refused = original(&stack, resolve(&bob, MEMBER_PERMISSIONS)).await;
    assert!(
        refused.text().contains("Manage Server"),
        "{}",
        refused.text()
    );
    let split = original(&stack, resolve(&admin, ADMIN_PERMISSIONS)).await;
    assert!(
        split
            .text()
            .contains("200 credits to the developer, 300 to the client, 75 fee"),
        "{}",
        split.text()
    );
    stack
        .eventually_i64(
            "SELECT count(*) FROM views.commissions WHERE status = 'resolved_split'",
            1,
        )
        .await;
    assert_eq!(balance(&stack, 1001).await, 1200);
    assert_eq!(balance(&stack, 1002).await, 850 - 575 + 300);
    assert_sound_and_replayable(&stack, &[]).await;
    drop((projector, command, gateway));
    stack.finish().await;
}

#[tokio::test]
async fn a_payment_that_arrives_late_is_deferred_then_answered() {
    let (bob, admin) = (bob(), admin());
    let stack = Stack::start(vec![bob.clone(), admin.clone()]).await;
    let services = stack.services().await;
    original(&stack, grant(&stack, &admin, 1002, 100)).await;

    // A /pay already 1.6 s old when Studio sees it (a backlog, a slow gateway): too close to
    // Discord's 3 s window to decide and answer directly, so it is deferred first.
    let (_, d) = stack.discord.slash_command(
        GUILD,
        CHANNEL,
        &bob,
        MEMBER_PERMISSIONS,
        "pay",
        json!([{"name": "member", "type": 6, "value": "1003"},
               {"name": "amount", "type": 4, "value": 40}]),
    );
    let (id, d) = stack
        .discord
        .stale_interaction(d, Duration::from_millis(1_600));
    stack.discord.dispatch("INTERACTION_CREATE", d);
    let deferred = stack.answer(id).await;
    assert_eq!(deferred.body["type"], 5, "{}", deferred.body);
    let answered = stack
        .discord
        .wait_for(PATIENCE, |d| {
            d.original_message(id)
                .filter(|m| m.text().contains("Paid 40 credits"))
        })
        .await
        .expect("the deferred answer is edited with the outcome");
    assert!(answered.ephemeral());
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'CreditsTransferred'",
            1,
        )
        .await;
    assert_sound_and_replayable(&stack, &[]).await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn a_listing_expires_after_its_days_on_sale_and_its_seller_renews_it_from_the_shop() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    // A "day" lasts 5 s here, and listings stay on sale one day.
    let env = [("STUDIO_DAY_SECS", "5"), ("STUDIO_SCHEDULER_MS", "200")];
    let _projector = stack.spawn("projector", &[], &[]);
    let _command = stack.spawn("command-service", &[], &env);
    let _gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;
    let days = stack.slash(
        &admin,
        ADMIN_PERMISSIONS,
        "settings",
        json!([{"name": "listing-days", "type": 1, "options": [
            {"name": "days", "type": 4, "value": 1}]}]),
    );
    let said = original(&stack, days).await.text();
    assert!(said.contains("stay on sale 1 days"), "{said}");
    original(&stack, grant(&stack, &admin, bob.user_id, 500)).await;
    let listing = common::sell(&stack, &alice, "Expiring shader", 100).await;

    // Its day passes: it goes off sale, and its seller is told by DM.
    assert!(
        told_by_dm(&stack, alice.user_id, "reached the end of its time on sale").await,
        "the seller is told"
    );
    let shop = original(
        &stack,
        stack.slash(&bob, MEMBER_PERMISSIONS, "shop", json!([])),
    )
    .await;
    assert!(
        !shop.text().contains("Expiring shader"),
        "an expired listing is not on the marketplace: {}",
        shop.text()
    );

    // The seller renews it from My Listings, and it sells again.
    let mine = original(
        &stack,
        stack.slash(&alice, MEMBER_PERMISSIONS, "shop", json!([])),
    )
    .await;
    let tab = stack
        .click(&alice, &button(&mine, "My Listings"), &mine)
        .await;
    let shown = stack
        .discord
        .message(mine.id)
        .expect("the shop message is there");
    assert_eq!(tab.status, 204, "{}", tab.body);
    let renewed = stack
        .click(
            &alice,
            &button(&shown, &format!("Renew #{listing}")),
            &shown,
        )
        .await;
    assert!(
        renewed.body.to_string().contains("is on sale until"),
        "{}",
        renewed.body
    );
    common::buy(&stack, &bob, listing).await;
    assert_eq!(shown_balance(&stack, &bob).await, 400);
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'ListingRenewed'")
            .await,
        1
    );
    stack.projected().await;
    stack.assert_log_sound().await;
    drop((_projector, _command, _gateway));
    stack.finish().await;
}
