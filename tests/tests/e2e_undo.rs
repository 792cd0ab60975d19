//! Undo without deleting (issue 12): an admin's grant is undone from the Undo button on its own
//! answer — once, however often the click is delivered, and by nobody else — and the undo is in the
//! log, the ledger and `explain` beside the grant; an undo that would take a member below zero is
//! refused and changes nothing. An operator undoes from the command line (`projector undo`) with the
//! same rules, once however many ask at the same time, and the log names the operator's login.

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
    let services = stack.services().await;

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
    drop(services);
    stack.finish().await;
}

/// Runs `projector args…` as a login granted `group` (created for this test's database); its exit
/// code and output.
async fn as_login_in(stack: &Stack, group: &str, args: &[&std::ffi::OsStr]) -> (i32, String) {
    let role = format!(
        "{}_{}",
        &group[7..10],
        &stack.database["studio_test_".len()..]
    );
    let _ = sqlx::raw_sql(&format!("CREATE ROLE {role} LOGIN IN ROLE {group}"))
        .execute(&stack.pool)
        .await;
    let out = tokio::process::Command::new(binary("projector"))
        .args(args)
        .args(["--wait", "20"])
        .env("DATABASE_URL", with_user(&stack.database_url, &role))
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run projector");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// Runs `projector undo GUILD position --reason …` as a login granted `group`.
async fn cli_undo(stack: &Stack, group: &str, position: i64, reason: &str) -> (i32, String) {
    let (guild, position) = (GUILD.to_string(), position.to_string());
    let args = ["undo", &guild, &position, "--reason", reason].map(std::ffi::OsStr::new);
    as_login_in(stack, group, &args).await
}

#[tokio::test]
async fn an_operator_undoes_from_the_command_line_once_and_by_the_same_rules() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;

    original(&stack, grant(&stack, &admin, alice.user_id, 500)).await;
    let grant_seq = stack
        .scalar("SELECT max(guild_seq) FROM event_log WHERE event_type = 'CreditsGranted'")
        .await;

    // An auditor may read, not ask.
    let (code, out) = cli_undo(&stack, "studio_auditor", grant_seq, "not mine to undo").await;
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("studio_operator"), "{out}");
    assert_eq!(shown_balance(&stack, &alice).await, 500);

    // Two operators' requests for the same undo at once: one undoes it, the other is told it was
    // undone already, and the credits move once.
    let (first, second) = tokio::join!(
        cli_undo(&stack, "studio_operator", grant_seq, "wrong member"),
        cli_undo(&stack, "studio_operator", grant_seq, "wrong member"),
    );
    let mut results = [first, second];
    results.sort_by_key(|(code, _)| *code);
    let [(done_code, done), (again_code, again)] = results;
    assert_eq!(done_code, 0, "{done}");
    assert!(
        done.contains(&format!("Undid #{grant_seq} (credits granted)")),
        "{done}"
    );
    assert_eq!(again_code, 1, "{again}");
    assert!(again.contains("undone already"), "{again}");
    assert_eq!(
        shown_balance(&stack, &alice).await,
        0,
        "the grant is undone on /balance"
    );
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'ActionUndone'")
            .await,
        1
    );

    // The log names the operator's login, and the undo's causation is the operator's request,
    // which auditors can read with its answer.
    let operator = format!("ope_{}", &stack.database["studio_test_".len()..]);
    let named = stack
        .scalar(&format!(
            "SELECT count(*) FROM event_log e JOIN operator_requests r
               ON e.causation_id = 'operator:' || r.id
             WHERE e.event_type = 'ActionUndone' AND e.payload->>'operator' = '{operator}'
               AND r.operator = '{operator}' AND r.accepted"
        ))
        .await;
    assert_eq!(named, 1, "the undo names {operator} and its request");
    let statement = explain(&stack, &format!("member:{}", alice.user_id)).await;
    assert!(
        statement.contains(&format!("(undoes #{grant_seq})")) && statement.contains("operator:"),
        "{statement}"
    );

    // An undo that would overdraw is refused from the command line too, and changes nothing.
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
    let (code, out) = cli_undo(&stack, "studio_operator", second, "wrong member").await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("below zero"), "{out}");
    assert_eq!(shown_balance(&stack, &alice).await, 100);
    assert_eq!(shown_balance(&stack, &bob).await, 200);

    // The guild kept answering, and the views are what the log says.
    stack.projected().await;
    stack.assert_log_sound().await;
    stack.assert_replay_gives_the_same_views().await;
    for group in ["aud", "ope"] {
        let role = format!("{group}_{}", &stack.database["studio_test_".len()..]);
        let _ = sqlx::raw_sql(&format!("DROP ROLE IF EXISTS {role}"))
            .execute(&stack.pool)
            .await;
    }
    drop(services);
    stack.finish().await;
}

/// Runs `projector import GUILD --format F FILE` (holding `body`) as an operator's login.
async fn cli_import(stack: &Stack, format: &str, body: &str) -> (i32, String) {
    let file = std::env::temp_dir().join(format!("{}-{format}.import", stack.database));
    std::fs::write(&file, body).expect("write the import file");
    let guild = GUILD.to_string();
    let args = ["import", &guild, "--format", format].map(std::ffi::OsStr::new);
    let args: Vec<&std::ffi::OsStr> = args.into_iter().chain([file.as_os_str()]).collect();
    let ran = as_login_in(stack, "studio_operator", &args).await;
    let _ = std::fs::remove_file(&file);
    ran
}

/// The leaderboard as `who` sees it.
async fn leaderboard(stack: &Stack, who: &FakeMember) -> String {
    original(
        stack,
        stack.slash(who, MEMBER_PERMISSIONS, "leaderboard", json!([])),
    )
    .await
    .text()
}

/// MEE6's leaderboard, ids as strings: alice 1200 XP (level 5), bob 300.
fn mee6_board(alice: &FakeMember, bob: &FakeMember) -> String {
    format!(
        r#"{{"page": 0, "players": [
            {{"id": "{}", "username": "alice", "xp": 1200, "level": 5, "message_count": 90}},
            {{"id": "{}", "username": "bob", "xp": 300, "level": 2, "message_count": 20}}]}}"#,
        alice.user_id, bob.user_id
    )
}

#[tokio::test]
async fn an_operator_imports_mee6_levels_as_one_action_and_undoes_it_whole() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;

    let mee6 = mee6_board(&alice, &bob);
    let (code, out) = cli_import(&stack, "mee6", &mee6).await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Imported 2 members from MEE6 leaderboard"),
        "{out}"
    );
    stack.projected().await;
    let text = leaderboard(&stack, &bob).await;
    assert!(
        text.contains("**1.** <@1001> — 1200 XP (level 5)")
            && text.contains("**2.** <@1002> — 300 XP"),
        "{text}"
    );
    // The log says where they came from, as one action.
    let (first, named) = (
        stack
            .scalar("SELECT min(guild_seq) FROM event_log WHERE event_type = 'XpGranted'")
            .await,
        stack
            .scalar(
                "SELECT count(DISTINCT causation_id) FROM event_log WHERE event_type = 'XpGranted'
                 AND payload->>'reason' LIKE 'imported from MEE6 leaderboard%'",
            )
            .await,
    );
    assert_eq!(named, 1, "one action, naming its source");

    // Undone whole: both members' imported XP goes.
    let (code, out) = cli_undo(&stack, "studio_operator", first, "wrong server's board").await;
    assert_eq!(code, 0, "{out}");
    stack.projected().await;
    let text = leaderboard(&stack, &bob).await;
    assert!(text.contains("Nobody has earned XP yet"), "{text}");

    // A CSV with credits: they land on /balance, from the mint.
    let csv = format!("member_id,xp,credits\n{},10,75\n", alice.user_id);
    let (code, out) = cli_import(&stack, "csv", &csv).await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(shown_balance(&stack, &alice).await, 75);
    stack.projected().await;
    stack.assert_log_sound().await;
    stack.assert_replay_gives_the_same_views().await;
    let role = format!("ope_{}", &stack.database["studio_test_".len()..]);
    let _ = sqlx::raw_sql(&format!("DROP ROLE IF EXISTS {role}"))
        .execute(&stack.pool)
        .await;
    drop(services);
    stack.finish().await;
}

/// `/import format file` by `who`, the file uploaded to the local Discord first.
fn import_in_discord(
    stack: &Stack,
    who: &FakeMember,
    permissions: u64,
    format: &str,
    name: &str,
    content: &str,
) -> u64 {
    let file = stack.discord.upload(name, content.as_bytes());
    stack.slash(
        who,
        permissions,
        "import",
        json!([{"name": "format", "type": 3, "value": format},
               {"name": "file", "type": 11, "value": file.to_string()}]),
    )
}

#[tokio::test]
async fn an_admin_imports_an_uploaded_mee6_file_in_discord_and_undoes_it_whole() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;
    let mee6 = mee6_board(&alice, &bob);
    let xp_events = "SELECT count(*) FROM event_log WHERE event_type = 'XpGranted'";

    // A member is refused, privately, and nothing is written.
    let refused = original(
        &stack,
        import_in_discord(
            &stack,
            &bob,
            MEMBER_PERMISSIONS,
            "mee6",
            "levels.json",
            &mee6,
        ),
    )
    .await;
    assert!(
        refused.ephemeral() && refused.text().contains("Manage Server"),
        "{}",
        refused.text()
    );
    // A file that is not MEE6's format is refused, saying why.
    let wrong = original(
        &stack,
        import_in_discord(
            &stack,
            &admin,
            ADMIN_PERMISSIONS,
            "mee6",
            "x.json",
            "id,xp\n1,2",
        ),
    )
    .await;
    assert!(
        wrong.ephemeral() && wrong.text().contains("could not import x.json"),
        "{}",
        wrong.text()
    );
    assert_eq!(stack.scalar(xp_events).await, 0);

    // The admin's upload: one action naming the file and the admin.
    let imported = original(
        &stack,
        import_in_discord(
            &stack,
            &admin,
            ADMIN_PERMISSIONS,
            "mee6",
            "levels.json",
            &mee6,
        ),
    )
    .await;
    assert!(
        imported
            .text()
            .contains("Imported 2 members from MEE6 leaderboard levels.json"),
        "{}",
        imported.text()
    );
    stack.projected().await;
    let text = leaderboard(&stack, &bob).await;
    assert!(
        text.contains("**1.** <@1001> — 1200 XP (level 5)")
            && text.contains("**2.** <@1002> — 300 XP"),
        "{text}"
    );
    let first = stack
        .scalar("SELECT min(guild_seq) FROM event_log WHERE event_type = 'XpGranted'")
        .await;
    assert_eq!(
        stack
            .scalar(&format!(
                "SELECT count(DISTINCT causation_id) FROM event_log WHERE event_type = 'XpGranted'
                 AND payload->>'by' = '{}'
                 AND payload->>'reason' LIKE 'imported from MEE6 leaderboard levels.json (sha256 %), uploaded by admin {}'",
                admin.user_id, admin.user_id
            ))
            .await,
        1,
        "one action, by the admin, naming the file"
    );

    // Undone whole from Discord.
    let undo = stack.slash(
        &admin,
        ADMIN_PERMISSIONS,
        "undo",
        json!([{"name": "position", "type": 4, "value": first},
               {"name": "reason", "type": 3, "value": "wrong server's board"}]),
    );
    original(&stack, undo).await;
    stack.projected().await;
    assert!(
        leaderboard(&stack, &bob)
            .await
            .contains("Nobody has earned XP yet")
    );

    // A CSV with credits, delivered twice (a redelivery past the deduplication window): it is
    // imported and answered once, and alice's /balance shows the credits once.
    let file = stack.discord.upload(
        "credits.csv",
        format!("member_id,xp,credits\n{},10,75\n", alice.user_id).as_bytes(),
    );
    let (id, d) = stack.discord.slash_command(
        GUILD,
        CHANNEL,
        &admin,
        ADMIN_PERMISSIONS,
        "import",
        json!([{"name": "format", "type": 3, "value": "csv"},
               {"name": "file", "type": 11, "value": file.to_string()}]),
    );
    stack.discord.dispatch("INTERACTION_CREATE", d.clone());
    assert!(
        original(&stack, id)
            .await
            .text()
            .contains("Imported 1 member from CSV credits.csv")
    );
    let answers = redeliver(&stack, id, &d).await;
    assert_eq!(
        answers.len(),
        1,
        "one answer to the import, however often it arrives"
    );
    assert_eq!(shown_balance(&stack, &alice).await, 75);

    stack.assert_log_sound().await;
    stack.assert_replay_gives_the_same_views().await;
    assert_eq!(stack.discord.violations(), Vec::<String>::new());
    drop(services);
    stack.finish().await;
}
