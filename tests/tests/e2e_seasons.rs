//! Seasons without wipes, end to end: an admin starts a season, the Season leaderboard ranks the XP
//! earned since while All time keeps everything, a member cannot start one, and a replay of the log
//! gives the same boards.

mod common;

use common::*;
use serde_json::{Value, json};

fn xp_give(member: u64, amount: i64) -> Value {
    json!([{"name": "give", "type": 1, "options": [
        {"name": "member", "type": 6, "value": member.to_string()},
        {"name": "amount", "type": 4, "value": amount},
        {"name": "reason", "type": 3, "value": "great demo"}]}])
}

fn season_start(name: &str) -> Value {
    json!([{"name": "start", "type": 1, "options": [
        {"name": "name", "type": 3, "value": name}]}])
}

/// The custom id of the button labelled `label` in an answer's body.
fn button_in(answer: &studio_tests::Callback, label: &str) -> String {
    answer.body["data"]["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .find(|b| b["label"] == label)
        .and_then(|b| b["custom_id"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no {label} button in {}", answer.body))
}

/// What an answer shows: its content and its embeds.
fn shown(answer: &studio_tests::Callback) -> String {
    answer.body["data"].to_string()
}

#[tokio::test]
async fn a_season_ranks_the_xp_earned_since_it_started_and_all_time_keeps_everything() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    // Ten more members, so the season's board has two pages.
    let others: Vec<_> = (0..10)
        .map(|n| member(1010 + n, &format!("dev{n}"), 30))
        .collect();
    let mut everyone = vec![alice.clone(), bob.clone(), admin.clone()];
    everyone.extend(others.iter().cloned());
    let stack = Stack::start(everyone).await;
    let services = stack.services().await;
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MemberSeen'",
            13,
        )
        .await;

    // Before any season: alice earns 300 XP, bob 5.
    let given = stack.slash(&admin, ADMIN_PERMISSIONS, "xp", xp_give(1001, 300));
    original(&stack, given).await;
    stack.say(&bob, "my first devlog is up");
    stack
        .eventually_i64("SELECT xp FROM views.members WHERE user_id = 1002", 5)
        .await;

    // A member cannot start a season: refused privately, and nothing is written.
    let refused = stack.slash(&bob, MEMBER_PERMISSIONS, "season", season_start("Mine"));
    let refused = original(&stack, refused).await;
    assert!(refused.ephemeral(), "a refusal is private");
    assert!(
        refused.text().contains("Manage Server"),
        "{}",
        refused.text()
    );
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'SeasonStarted'")
            .await,
        0
    );
    let show = stack.slash(
        &bob,
        MEMBER_PERMISSIONS,
        "season",
        json!([{"name": "show", "type": 1}]),
    );
    let none_yet = original(&stack, show).await;
    assert!(
        none_yet.text().contains("No season has started yet"),
        "{}",
        none_yet.text()
    );

    // An admin starts season 1, announced in the channel.
    let started = stack.slash(
        &admin,
        ADMIN_PERMISSIONS,
        "season",
        season_start("Spring Jam"),
    );
    let started = original(&stack, started).await;
    assert!(!started.ephemeral(), "a new season is announced");
    assert!(
        started
            .text()
            .contains("Season 1 **Spring Jam** starts now"),
        "{}",
        started.text()
    );
    assert_eq!(
        stack
            .scalar(
                "SELECT count(*) FROM event_log WHERE event_type = 'SeasonStarted'
                   AND (payload->>'season')::bigint = 1 AND payload->>'name' = 'Spring Jam'
                   AND (payload->>'by')::bigint = 1003"
            )
            .await,
        1
    );

    // In the season: bob earns 50 XP, ten others 5 each; alice nothing.
    let given = stack.slash(&admin, ADMIN_PERMISSIONS, "xp", xp_give(1002, 50));
    original(&stack, given).await;
    for other in &others {
        stack.say(other, "playtesting the new build tonight");
    }
    stack
        .eventually_i64(
            "SELECT count(*) FROM views.xp_seasonal WHERE season = 1 AND xp > 0",
            11,
        )
        .await;

    // All time keeps everything: alice first with 300, bob 55.
    let board = stack.slash(&bob, MEMBER_PERMISSIONS, "leaderboard", json!([]));
    let board = original(&stack, board).await;
    let text = board.text();
    assert!(text.contains("**1.** <@1001> — 300 XP"), "{text}");
    assert!(text.contains("**2.** <@1002> — 55 XP"), "{text}");

    // The season's board ranks what was earned since it started: bob first, alice not on it.
    let season = stack.click(&bob, &button(&board, "Season"), &board).await;
    let text = shown(&season);
    assert!(text.contains("season 1: Spring Jam"), "{text}");
    assert!(text.contains("**1.** <@1002> — 50 XP"), "{text}");
    assert!(
        !text.contains("<@1001>"),
        "alice earned nothing this season: {text}"
    );
    assert!(text.contains("Page 1 of 2"), "{text}");

    // Its paging works: the 11th is on page 2, and Previous goes back.
    let next = stack
        .click(&bob, &button_in(&season, "Next ▶"), &board)
        .await;
    let text = shown(&next);
    assert!(text.contains("**11.** <@1019> — 5 XP"), "{text}");
    assert!(text.contains("Page 2 of 2"), "{text}");
    let back = stack
        .click(&bob, &button_in(&next, "◀ Previous"), &board)
        .await;
    assert!(
        shown(&back).contains("**1.** <@1002> — 50 XP"),
        "{}",
        shown(&back)
    );

    // This month counts everything earned in the calendar month (all of it, here).
    let month = stack
        .click(&bob, &button(&board, "This month"), &board)
        .await;
    let text = shown(&month);
    assert!(text.contains("this month"), "{text}");
    assert!(text.contains("**1.** <@1001> — 300 XP"), "{text}");

    // The reputation board ranks the reputation members hold: alice thanked twice, bob once.
    let rep = |from: &studio_tests::FakeMember, to: u64| {
        stack.slash(
            from,
            MEMBER_PERMISSIONS,
            "rep",
            json!([{"name": "member", "type": 6, "value": to.to_string()}]),
        )
    };
    for id in [rep(&bob, 1001), rep(&admin, 1001), rep(&alice, 1002)] {
        original(&stack, id).await;
    }
    stack
        .eventually_i64(
            "SELECT coalesce(sum(reputation), 0)::bigint FROM views.members",
            3,
        )
        .await;
    let reputation = stack
        .click(&bob, &button(&board, "Reputation"), &board)
        .await;
    let text = shown(&reputation);
    assert!(text.contains("Leaderboard — reputation"), "{text}");
    assert!(
        text.contains("**1.** <@1001> — ⭐ 2") && text.contains("**2.** <@1002> — ⭐ 1"),
        "{text}"
    );

    // Anyone sees the season in force; a profile shows its season XP.
    let show = stack.slash(
        &alice,
        MEMBER_PERMISSIONS,
        "season",
        json!([{"name": "show", "type": 1}]),
    );
    let shown_season = original(&stack, show).await;
    assert!(
        shown_season
            .text()
            .contains("Season 1 **Spring Jam**, since"),
        "{}",
        shown_season.text()
    );
    let profile = stack.slash(&bob, MEMBER_PERMISSIONS, "profile", json!([]));
    let profile = original(&stack, profile).await;
    assert!(
        profile.text().contains("XP in season 1: 50"),
        "{}",
        profile.text()
    );

    // A second season starts from zero; the first keeps its board in the views.
    let second = stack.slash(&admin, ADMIN_PERMISSIONS, "season", season_start("Summer"));
    original(&stack, second).await;
    stack.say(&alice, "back from holidays with a new prototype");
    stack
        .eventually_i64(
            "SELECT xp FROM views.xp_seasonal WHERE season = 2 AND user_id = 1001",
            5,
        )
        .await;
    let board = stack.slash(&bob, MEMBER_PERMISSIONS, "leaderboard", json!([]));
    let board = original(&stack, board).await;
    let season = stack.click(&bob, &button(&board, "Season"), &board).await;
    let text = shown(&season);
    assert!(text.contains("season 2: Summer"), "{text}");
    assert!(text.contains("**1.** <@1001> — 5 XP"), "{text}");
    assert!(!text.contains("<@1002>"), "{text}");
    assert_eq!(
        stack
            .scalar("SELECT xp FROM views.xp_seasonal WHERE season = 1 AND user_id = 1002")
            .await,
        50
    );
    assert_eq!(
        stack
            .scalar("SELECT xp FROM views.members WHERE user_id = 1001")
            .await,
        305,
        "nothing was reset"
    );

    stack.assert_log_sound().await;
    stack.assert_replay_gives_the_same_views().await;
    drop(services);
    stack.finish().await;
}
