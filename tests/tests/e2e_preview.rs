//! Previewing a rule change (issue 12) end to end: an admin previews new rank thresholds and new
//! taxes privately — nothing is written — then makes each change, and what the preview said is
//! what the change does: the ranks it named move in `/profile`, and the next sale pays the tax it
//! showed. `projector preview`, run by an auditor, prints the same numbers.

mod common;

use common::*;
use serde_json::{Value, json};
use studio_tests::FakeMember;

/// Six months in the server: a Learner by default.
fn carol() -> FakeMember {
    member(1004, "carol", 200)
}
/// Ten days in: a Beginner by default.
fn newbie() -> FakeMember {
    member(2001, "newbie", 10)
}

const EPHEMERAL: u64 = 64;

fn settings(stack: &Stack, admin: &FakeMember, sub: &str, options: Value) -> u64 {
    stack.slash(
        admin,
        ADMIN_PERMISSIONS,
        "settings",
        json!([{"name": sub, "type": 1, "options": options}]),
    )
}

fn int(name: &str, n: i64) -> Value {
    json!({"name": name, "type": 4, "value": n})
}

fn with_preview(mut options: Value) -> Value {
    if let Some(list) = options.as_array_mut() {
        list.push(json!({"name": "preview", "type": 5, "value": true}));
    }
    options
}

/// The rank `/profile` shows for `who`.
async fn rank_shown(stack: &Stack, asker: &FakeMember, who: u64) -> String {
    let profile = original(
        stack,
        stack.slash(
            asker,
            MEMBER_PERMISSIONS,
            "profile",
            json!([{"name": "member", "type": 6, "value": who.to_string()}]),
        ),
    )
    .await;
    profile
        .text()
        .lines()
        .find_map(|l| l.strip_prefix("Rank: "))
        .unwrap_or_else(|| panic!("a rank in {}", profile.text()))
        .to_owned()
}

/// The line of `text` that starts with `prefix`.
fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in {text}"))
}

/// Runs `projector preview GUILD args…` as an auditor's login; its exit code and output.
async fn cli_preview(stack: &Stack, args: &[&str]) -> (i32, String) {
    let role = format!("prev_{}", &stack.database["studio_test_".len()..]);
    let _ = sqlx::raw_sql(&format!("CREATE ROLE {role} LOGIN IN ROLE studio_auditor"))
        .execute(&stack.pool)
        .await;
    let out = tokio::process::Command::new(binary("projector"))
        .args(["preview", &GUILD.to_string()])
        .args(args)
        .env("DATABASE_URL", with_user(&stack.database_url, &role))
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run projector preview");
    let _ = sqlx::raw_sql(&format!("DROP ROLE IF EXISTS {role}"))
        .execute(&stack.pool)
        .await;
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// What members and admins caused so far (a tick of the clock may rank alice meanwhile).
async fn log_length(stack: &Stack) -> i64 {
    stack.caused_events().await
}

#[tokio::test]
async fn a_preview_writes_nothing_and_matches_what_the_change_then_does() {
    // alice 400 days in the server (an Expert), bob 40 (a Learner), carol 200 (a Learner),
    // newbie 10 (a Beginner), the admin 800 (an Expert).
    let (alice, bob, carol, newbie, admin) = (alice(), bob(), carol(), newbie(), admin());
    let stack = Stack::start(vec![
        alice.clone(),
        bob.clone(),
        carol.clone(),
        newbie.clone(),
        admin.clone(),
    ])
    .await;
    let services = stack.services().await;

    // Two sales this month: bob's at 10 % (Learner), alice's at 5 % (Expert).
    original(&stack, grant(&stack, &admin, carol.user_id, 1_000)).await;
    let saves = sell(&stack, &bob, "Save system", 100).await;
    let tiles = sell(&stack, &alice, "Tilemap importer", 100).await;
    buy(&stack, &carol, saves).await;
    buy(&stack, &carol, tiles).await;
    assert_eq!(
        stack
            .scalar("SELECT sum((payload->>'tax')::bigint)::bigint FROM event_log WHERE event_type = 'ListingPurchased'")
            .await,
        15
    );

    // The admin previews ranks at 0, 14 and 30 months: privately, and the log does not grow.
    let ranks = json!([int("learner", 0), int("expert", 14), int("master", 30)]);
    let before = log_length(&stack).await;
    let preview = original(
        &stack,
        settings(&stack, &admin, "ranks", with_preview(ranks.clone())),
    )
    .await;
    let said = preview.text();
    assert_ne!(preview.flags & EPHEMERAL, 0, "a preview is private");
    assert!(said.contains("Preview"), "{said}");
    assert!(
        said.contains(&format!(
            "<@{}> loses a rank: Expert → Learner",
            alice.user_id
        )) && said.contains(&format!(
            "<@{}> gains a rank: Beginner → Learner",
            newbie.user_id
        )),
        "{said}"
    );
    for unmoved in [bob.user_id, carol.user_id, admin.user_id] {
        assert!(!said.contains(&format!("<@{unmoved}> gains")), "{said}");
        assert!(!said.contains(&format!("<@{unmoved}> loses")), "{said}");
    }
    assert_eq!(log_length(&stack).await, before, "a preview writes nothing");

    // The change then does exactly that.
    let changed = original(&stack, settings(&stack, &admin, "ranks", ranks)).await;
    assert!(changed.text().contains("Expert 14+"), "{}", changed.text());
    assert_eq!(rank_shown(&stack, &bob, alice.user_id).await, "Learner");
    assert_eq!(rank_shown(&stack, &bob, newbie.user_id).await, "Learner");
    assert_eq!(rank_shown(&stack, &bob, admin.user_id).await, "Expert");

    // A tax preview: this month's two sales re-decided under the new tiers — alice is a Learner
    // now, so both would have paid 12 % — and the tax a sale pays from now on.
    let tax = json!([
        int("beginner", 20),
        int("learner", 12),
        int("expert", 8),
        int("master", 0)
    ]);
    let before = log_length(&stack).await;
    let preview = original(
        &stack,
        settings(&stack, &admin, "tax", with_preview(tax.clone())),
    )
    .await;
    let said = preview.text();
    assert_ne!(preview.flags & EPHEMERAL, 0, "a preview is private");
    let sales = line(&said, "Marketplace tax, last 30 days");
    assert_eq!(
        sales,
        "Marketplace tax, last 30 days (2 sales): 15 → 24 credits (+9)"
    );
    assert!(
        said.contains("Tax on a sale from now on: Beginner 15 % → 20 % · Learner 10 % → 12 %"),
        "{said}"
    );
    assert_eq!(log_length(&stack).await, before, "a preview writes nothing");

    // The operator's preview of the same change prints the same numbers, and exits 0.
    let (code, printed) = cli_preview(&stack, &["--tax", "20,12,8,0"]).await;
    assert_eq!(code, 0, "{printed}");
    assert_eq!(line(&printed, "Marketplace tax, last 30 days"), sales);
    assert!(
        printed.contains("Learner 10 % → 12 %")
            && printed.contains("No member's rank would change."),
        "{printed}"
    );
    let (code, printed) = cli_preview(&stack, &["--ranks", "0,1,2"]).await;
    assert_eq!(code, 0, "{printed}");
    assert!(
        printed.contains(&format!(
            "member {} gains a rank: Learner → Master",
            alice.user_id
        )),
        "{printed}"
    );

    // The change, then alice's next sale pays the 12 % of a Learner the preview showed.
    original(&stack, settings(&stack, &admin, "tax", tax)).await;
    let shaders = sell(&stack, &alice, "Shader pack", 100).await;
    buy(&stack, &carol, shaders).await;
    stack
        .eventually_i64(
            "SELECT (payload->>'tax')::bigint FROM event_log WHERE event_type = 'ListingPurchased' ORDER BY guild_seq DESC LIMIT 1",
            12,
        )
        .await;

    drop(services);
    stack.finish().await;
}
