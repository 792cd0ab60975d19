//! The auditors' economy report (issue 12) end to end: a guild whose members run every scheme the
//! fraud flags know — credits sent round a ring, a fresh account filled by five others, two
//! sellers buying, praising and refunding each other's code, reputation traded back and forth, an
//! admin granting themself and a member they pay — trips each flag on exactly those events, and an
//! ordinary busy guild trips none. `projector audit report` runs as an auditor's login, and its
//! numbers agree with the ledger's.

mod common;

use common::*;
use serde_json::{Value, json};
use studio_tests::FakeMember;

fn carol() -> FakeMember {
    member(1004, "carol", 200)
}
fn dave() -> FakeMember {
    member(1005, "dave", 150)
}
fn erin() -> FakeMember {
    member(1006, "erin", 120)
}
fn frank() -> FakeMember {
    member(1007, "frank", 90)
}
fn grace() -> FakeMember {
    member(1008, "grace", 60)
}
fn heidi() -> FakeMember {
    member(1009, "heidi", 45)
}
/// Joined yesterday.
fn newbie() -> FakeMember {
    member(2001, "newbie", 1)
}

/// A login in `studio_auditor` for this test's database, and its URL.
async fn auditor(stack: &Stack) -> (String, String) {
    let role = format!("audit_{}", &stack.database["studio_test_".len()..]);
    sqlx::raw_sql(&format!("CREATE ROLE {role} LOGIN IN ROLE studio_auditor"))
        .execute(&stack.pool)
        .await
        .expect("an auditor login");
    let url = with_user(&stack.database_url, &role);
    (role, url)
}

async fn drop_role(stack: &Stack, role: &str) {
    let _ = sqlx::raw_sql(&format!("DROP ROLE IF EXISTS {role}"))
        .execute(&stack.pool)
        .await;
}

/// Runs `projector audit report GUILD args…` as the auditor; its exit code and what it printed.
async fn report(url: &str, args: &[&str]) -> (i32, String) {
    let out = tokio::process::Command::new(binary("projector"))
        .args(["audit", "report", &GUILD.to_string()])
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run projector audit report");
    assert!(
        out.status.code().is_some(),
        "the report was killed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn rep(stack: &Stack, from: &FakeMember, to: u64) -> u64 {
    stack.slash(
        from,
        MEMBER_PERMISSIONS,
        "rep",
        json!([{"name": "member", "type": 6, "value": to.to_string()},
               {"name": "reason", "type": 3, "value": "helped with my build"}]),
    )
}

/// `buyer` buys `listing` from the shop, then reviews it with `stars`.
async fn buy_and_review(stack: &Stack, buyer: &FakeMember, listing: i64, stars: u8) {
    buy(stack, buyer, listing).await;
    let reviewed = original(
        stack,
        submit(
            stack,
            buyer,
            &format!("f:review:{listing}"),
            &[("stars", &stars.to_string()), ("text", "Does what it says")],
        ),
    )
    .await;
    assert!(reviewed.text().contains("review"), "{}", reviewed.text());
}

/// `seller` refunds `buyer`'s purchase of `listing` from their shop.
async fn refund(stack: &Stack, seller: &FakeMember, listing: i64, buyer: u64) {
    let shop = original(
        stack,
        stack.slash(seller, MEMBER_PERMISSIONS, "shop", json!([])),
    )
    .await;
    let refunded = stack
        .click(
            seller,
            &format!("rf:{listing}:{buyer}:{}", seller.user_id),
            &shop,
        )
        .await;
    assert!(
        refunded.body.to_string().contains("Refunded"),
        "{}",
        refunded.body
    );
}

/// The `guild_seq`s of the events `sql` (a WHERE clause on `event_log`) selects, ascending.
async fn seqs(stack: &Stack, sql: &str) -> Vec<i64> {
    sqlx::query_scalar(&format!(
        "SELECT guild_seq FROM event_log WHERE {sql} ORDER BY guild_seq"
    ))
    .fetch_all(&stack.pool)
    .await
    .expect(sql)
}

/// The flags of `rule` in the JSON report, as (members, seqs).
fn flags_of(report: &Value, rule: &str) -> Vec<(Vec<u64>, Vec<i64>)> {
    let ids = |v: &Value| -> Vec<i64> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_i64)
            .collect()
    };
    report["flags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            let members = ids(&f["members"])
                .into_iter()
                .map(i64::cast_unsigned)
                .collect();
            (members, ids(&f["seqs"]))
        })
        .collect()
}

#[tokio::test]
async fn each_fraud_flag_fires_on_the_scheme_built_to_trip_it_citing_its_events() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let (carol, dave, erin, frank, grace, newbie) =
        (carol(), dave(), erin(), frank(), grace(), newbie());
    let stack = Stack::start(vec![
        alice.clone(),
        bob.clone(),
        admin.clone(),
        carol.clone(),
        dave.clone(),
        erin.clone(),
        frank.clone(),
        grace.clone(),
        newbie.clone(),
    ])
    .await;
    let services = stack.services().await;
    for (who, amount) in [(1001, 1000), (1002, 1000), (1004, 1000)] {
        original(&stack, grant(&stack, &admin, who, amount)).await;
    }
    for who in [1005, 1006, 1007, 1008] {
        original(&stack, grant(&stack, &admin, who, 100)).await;
    }

    // 1. Credits round a ring: alice → bob → carol → alice, comparable amounts, minutes apart.
    for (from, to, amount) in [(&alice, 1002, 300), (&bob, 1004, 290), (&carol, 1001, 310)] {
        original(&stack, pay(&stack, from, to, amount)).await;
    }
    // 2. A member who joined yesterday is paid by five others.
    for from in [&carol, &dave, &erin, &frank, &grace] {
        original(&stack, pay(&stack, from, 2001, 20)).await;
    }
    // 3. Alice and Bob buy each other's code, praise it with 5★, and refund each other.
    let alice_listing = sell(&stack, &alice, "Grid A* pathfinding", 100).await;
    let bob_listing = sell(&stack, &bob, "Save system", 100).await;
    buy_and_review(&stack, &bob, alice_listing, 5).await;
    buy_and_review(&stack, &alice, bob_listing, 5).await;
    refund(&stack, &alice, alice_listing, 1002).await;
    refund(&stack, &bob, bob_listing, 1001).await;
    // 4. Alice and Bob trade reputation, day after day.
    for day in 0..3 {
        if day > 0 {
            stack.discord.advance_clock(chrono::TimeDelta::days(1));
        }
        for (from, to) in [(&alice, 1002), (&bob, 1001)] {
            let thanked = stack.answer(rep(&stack, from, to)).await;
            assert!(
                thanked.body.to_string().contains("+1 reputation"),
                "{}",
                thanked.body
            );
        }
    }
    // 5. The admin grants themself, and a member they pay.
    original(&stack, grant(&stack, &admin, 1003, 500)).await;
    original(&stack, pay(&stack, &admin, 1005, 50)).await;
    original(&stack, grant(&stack, &admin, 1005, 200)).await;
    stack.projected().await;
    drop(services);

    let (role, url) = auditor(&stack).await;
    let dir = std::env::temp_dir().join(format!("studio-report-{}", stack.database));
    std::fs::create_dir_all(&dir).expect("folder");
    let chart = dir.join("economy.svg");
    let (code, out) = report(&url, &["--json", "--svg", &chart.to_string_lossy()]).await;
    assert_eq!(code, 1, "a flag fired: the report exits 1\n{out}");
    let json: Value = serde_json::from_str(&out).expect("the report as JSON");

    let ring = seqs(
        &stack,
        "event_type = 'CreditsTransferred' AND (payload->>'amount')::bigint IN (290, 300, 310)",
    )
    .await;
    assert_eq!(ring.len(), 3);
    assert_eq!(
        flags_of(&json, "transfer-ring"),
        vec![(vec![1001, 1002, 1004], ring.clone())],
        "{out}"
    );

    let fresh = seqs(
        &stack,
        "event_type = 'CreditsTransferred' AND payload->>'to' = '2001'",
    )
    .await;
    let fresh_flags = flags_of(&json, "fresh-account-funded");
    assert_eq!(fresh_flags.len(), 1, "{out}");
    assert_eq!(fresh_flags[0].0[0], 2001, "the fresh account first");
    assert_eq!(fresh_flags[0].1, fresh);

    let traded = seqs(
        &stack,
        "event_type IN ('ListingPurchased', 'PurchaseRefunded')",
    )
    .await;
    assert_eq!(traded.len(), 4);
    assert_eq!(
        flags_of(&json, "refund-ring"),
        vec![(vec![1001, 1002], traded)],
        "{out}"
    );
    let reviews = seqs(&stack, "event_type = 'ListingReviewed'").await;
    assert_eq!(
        flags_of(&json, "review-ring"),
        vec![(vec![1001, 1002], reviews)],
        "{out}"
    );
    let points = seqs(&stack, "event_type = 'ReputationGiven'").await;
    assert_eq!(points.len(), 6);
    assert_eq!(
        flags_of(&json, "reputation-swap"),
        vec![(vec![1001, 1002], points)],
        "{out}"
    );

    let circle = flags_of(&json, "admin-circle-grant");
    let own = seqs(
        &stack,
        "event_type = 'CreditsGranted' AND payload->>'member' = '1003'",
    )
    .await;
    let dave_grants_and_pay = seqs(
        &stack,
        "(event_type = 'CreditsGranted' AND payload->>'member' = '1005')
         OR (event_type = 'CreditsTransferred' AND payload->>'from' = '1003')",
    )
    .await;
    assert_eq!(
        circle,
        vec![(vec![1003, 1005], dave_grants_and_pay), (vec![1003], own)],
        "the grants to the member the admin paid (with the payment), then to themself: {out}"
    );
    assert_eq!(
        json["flags"].as_array().map(Vec::len),
        Some(7),
        "nothing else fired: {out}"
    );

    // The terminal report says the same, citing the ring's events.
    let (code, text) = report(&url, &[]).await;
    eprintln!("{text}");
    assert_eq!(code, 1, "{text}");
    let cited = ring
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    assert!(
        text.contains("FLAG transfer-ring")
            && text.contains(&format!("events: guild_seq {cited}\n")),
        "{text}"
    );
    assert!(text.contains("Fraud flags: 7"), "{text}");

    // A period that ends before the schemes began trips nothing, and exits 0.
    let (code, early) = report(&url, &["--to", &(ring[0] - 1).to_string()]).await;
    assert_eq!(code, 0, "{early}");
    assert!(early.contains("Fraud flags: none"), "{early}");
    // And an argument that is no moment is refused as a usage error.
    let (code, _) = report(&url, &["--from", "last tuesday"]).await;
    assert_eq!(code, 2);

    assert!(
        std::fs::read_to_string(&chart).is_ok_and(|svg| roxmltree::Document::parse(&svg).is_ok())
    );
    let _ = std::fs::remove_dir_all(&dir);
    drop_role(&stack, &role).await;
    stack.finish().await;
}

#[tokio::test]
async fn an_ordinary_busy_guild_trips_no_flag_and_its_numbers_agree_with_the_ledger() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let cast = [
        alice.clone(),
        bob.clone(),
        carol(),
        dave(),
        erin(),
        frank(),
        grace(),
        heidi(),
    ];
    let mut members = cast.to_vec();
    members.push(admin.clone());
    let stack = Stack::start(members).await;
    let services = stack.services().await;

    // Everyone chats and is granted a jam prize; two sellers list code.
    for (n, who) in cast.iter().enumerate() {
        stack.say(who, &format!("devlog: shipped build {n} of my jam game"));
        original(&stack, grant(&stack, &admin, who.user_id, 300)).await;
    }
    let tiles = sell(&stack, &alice, "Tilemap importer", 120).await;
    let saves = sell(&stack, &bob, "Save system", 80).await;
    for (buyer, listing, stars) in [
        (&cast[2], tiles, 5),
        (&cast[3], tiles, 4),
        (&cast[4], tiles, 5),
        (&cast[5], saves, 3),
        (&cast[6], saves, 4),
    ] {
        buy_and_review(&stack, buyer, listing, stars).await;
    }
    // Help is paid forward along the cast in amounts of every size: never back round a small ring.
    for (n, amount) in [25, 40, 15, 60, 35, 50, 20, 45].into_iter().enumerate() {
        let to = cast[(n + 1) % cast.len()].user_id;
        original(&stack, pay(&stack, &cast[n], to, amount)).await;
    }
    for (from, to) in [(2, 1001), (3, 1001), (4, 1001), (5, 1002)] {
        stack.answer(rep(&stack, &cast[from], to)).await;
    }
    original(
        &stack,
        stack.slash(
            &alice,
            MEMBER_PERMISSIONS,
            "market",
            json!([{"name": "feature", "type": 1, "options": [
                {"name": "listing", "type": 4, "value": tiles},
                {"name": "days", "type": 4, "value": 1}]}]),
        ),
    )
    .await;

    // Then more of the same.
    for who in &cast {
        stack.say(who, "back from the weekend, polishing the menus");
    }
    original(&stack, grant(&stack, &admin, 1009, 100)).await;
    buy_and_review(&stack, &cast[7], saves, 5).await;
    buy_and_review(&stack, &cast[3], saves, 4).await;
    for (from, to, amount) in [(0, 1004, 30), (1, 1006, 55), (6, 1005, 12)] {
        original(&stack, pay(&stack, &cast[from], to, amount)).await;
    }
    for (from, to) in [(0, 1004), (7, 1002)] {
        stack.answer(rep(&stack, &cast[from], to)).await;
    }
    stack.projected().await;
    drop(services);

    let (role, url) = auditor(&stack).await;
    let dir = std::env::temp_dir().join(format!("studio-report-{}", stack.database));
    std::fs::create_dir_all(&dir).expect("folder");
    let chart = dir.join("economy.svg");
    let (code, out) = report(&url, &["--json", "--svg", &chart.to_string_lossy()]).await;
    assert_eq!(code, 0, "no flag: the report exits 0\n{out}");
    let json: Value = serde_json::from_str(&out).expect("the report as JSON");
    assert_eq!(json["flags"], json!([]), "{out}");

    // The report's money is the ledger's.
    let supply = -stack
        .scalar(
            "SELECT coalesce(sum(balance), 0)::bigint FROM ledger_balances
             WHERE account IN ('mint', 'treasury')",
        )
        .await;
    assert_eq!(json["money"]["supply_end"], json!(supply), "{out}");
    let granted = stack
        .scalar(
            "SELECT sum((payload->>'amount')::bigint)::bigint FROM event_log
             WHERE event_type = 'CreditsGranted'",
        )
        .await;
    assert_eq!(json["money"]["faucets"]["admin_grants"], json!(granted));
    let taxes = stack
        .scalar(
            "SELECT sum((payload->>'tax')::bigint)::bigint FROM event_log
             WHERE event_type = 'ListingPurchased'",
        )
        .await;
    assert_eq!(json["money"]["sinks"]["market_taxes"], json!(taxes));
    assert_eq!(json["money"]["sinks"]["featured_listings"], json!(50));
    let members: i64 = stack
        .scalar("SELECT sum(balance)::bigint FROM ledger_balances WHERE account LIKE 'member:%'")
        .await;
    assert_eq!(json["concentration"]["total"], json!(members));
    assert_eq!(json["concentration"]["holders"], json!(cast.len()));

    // The chart is an SVG holding the weekly series the report printed.
    let weeks: Vec<(String, i64)> = json["money"]["weeks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|w| {
            (
                w["start"].as_str().unwrap_or_default().to_owned(),
                w["supply"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    // The log's times are the command service's clock, so this guild's play is one real week (or
    // two, across a Monday midnight); weeks over longer histories are the unit tests'.
    assert!(!weeks.is_empty(), "{out}");
    assert_eq!(weeks.last().map(|w| w.1), Some(supply));
    let svg = std::fs::read_to_string(&chart).expect("the chart was written");
    let doc = roxmltree::Document::parse(&svg).expect("the chart is well-formed XML");
    let root = doc.root_element();
    assert_eq!(
        (root.tag_name().name(), root.tag_name().namespace()),
        ("svg", Some("http://www.w3.org/2000/svg"))
    );
    let charted: Vec<(String, i64)> = root
        .children()
        .filter(|n| n.attribute("class") == Some("week"))
        .map(|n| {
            (
                n.attribute("data-week").unwrap_or_default().to_owned(),
                n.attribute("data-supply")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(charted, weeks, "one group per week, with its supply");

    // The terminal report, as an auditor reads it.
    let (code, text) = report(&url, &[]).await;
    eprintln!("{text}");
    assert_eq!(code, 0, "{text}");
    for part in [
        "Money supply",
        "marketplace taxes",
        "featured listings",
        "Velocity",
        "Gini",
        "Fraud flags: none",
    ] {
        assert!(text.contains(part), "{part:?} in {text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    drop_role(&stack, &role).await;
    stack.finish().await;
}
