//! What auditors get (issue 12): a tamper-evident log — a history rewritten by the database's
//! superuser is caught at the exact event, and a rewrite whose hashes were recomputed no longer
//! matches a head kept elsewhere — and the ledger as of any moment.

mod common;

use common::*;
use serde_json::json;

/// Runs `projector audit verify` with `args`; its success and what it printed.
async fn verify(stack: &Stack, args: &[&str]) -> (bool, String) {
    audit(stack, &[&["verify"], args].concat()).await
}

/// The `<guild>:<seq>:<hex>` head `verify` printed.
fn head(report: &str) -> String {
    report
        .lines()
        .find_map(|l| l.trim().strip_prefix("chain head"))
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|| panic!("no chain head in {report}"))
}

/// What a superuser with the owner's powers does: switch the guard off, run `sql`, switch it on.
async fn as_superuser(stack: &Stack, sql: &str) {
    sqlx::raw_sql(&format!(
        "ALTER TABLE event_log DISABLE TRIGGER event_log_no_update_or_delete;
         {sql}
         ALTER TABLE event_log ENABLE TRIGGER event_log_no_update_or_delete;"
    ))
    .execute(&stack.pool)
    .await
    .expect("rewrite");
}

/// What a careful forger runs after rewriting an event: every hash recomputed, so the chain is
/// whole again.
const RECOMPUTE_EVERY_HASH: &str = "DO $$
     DECLARE e record; prev bytea;
     BEGIN
         FOR e IN SELECT * FROM event_log ORDER BY guild_seq LOOP
             prev := event_chain_hash(prev, e.guild_id, e.guild_seq, e.event_id, e.event_type,
                 e.schema_version, e.payload, e.actor_id, e.causation_id, e.occurred_at);
             UPDATE event_log SET hash = prev WHERE position = e.position;
         END LOOP;
     END $$;";

/// Alice is granted 100 and pays bob 30; then bob is granted 50.
async fn history() -> Stack {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;
    original(&stack, grant(&stack, &admin, 1001, 100)).await;
    original(
        &stack,
        stack.slash(
            &alice,
            MEMBER_PERMISSIONS,
            "pay",
            json!([{"name": "member", "type": 6, "value": "1002"},
                   {"name": "amount", "type": 4, "value": 30}]),
        ),
    )
    .await;
    original(&stack, grant(&stack, &admin, 1002, 50)).await;
    stack.projected().await;
    drop(services);
    stack
}

#[tokio::test]
async fn a_rewritten_history_is_caught_at_the_event_and_by_the_head_kept_elsewhere() {
    let stack = history().await;

    let (sound, report) = verify(&stack, &[]).await;
    assert!(sound, "an untouched log verifies: {report}");
    assert!(report.contains("whole"), "{report}");
    let kept = head(&report);
    assert!(
        verify(&stack, &["--head", &kept]).await.0,
        "the head just printed matches"
    );

    // The superuser changes the amount of the first grant (its postings still balance).
    let seq = stack
        .scalar("SELECT min(guild_seq) FROM event_log WHERE event_type = 'CreditsGranted'")
        .await;
    as_superuser(
        &stack,
        &format!(
            "UPDATE event_log SET payload = jsonb_set(payload, '{{amount}}', '1000')
             WHERE guild_seq = {seq};"
        ),
    )
    .await;
    let (sound, report) = verify(&stack, &[]).await;
    assert!(!sound, "a rewritten event fails the audit: {report}");
    assert!(
        report.contains(&format!("BROKEN at guild_seq {seq} ")),
        "the audit names the rewritten event: {report}"
    );

    // A careful forger recomputes every hash after it: the chain is whole again, but its head is
    // not the one kept before.
    as_superuser(&stack, RECOMPUTE_EVERY_HASH).await;
    let (sound, report) = verify(&stack, &[]).await;
    assert!(sound && report.contains("whole"), "recomputed: {report}");
    assert_ne!(head(&report), kept, "the head moved");
    let (sound, report) = verify(&stack, &["--head", &kept]).await;
    assert!(!sound, "the head kept elsewhere catches it: {report}");
    assert!(report.contains("MISMATCH"), "{report}");
    stack.finish().await;
}

#[tokio::test]
async fn the_head_studio_posts_in_the_audit_channel_catches_a_recomputed_rewrite() {
    let (alice, admin) = (alice(), admin());
    let stack = Stack::start(vec![alice.clone(), bob(), admin.clone()]).await;
    let projector = stack.spawn("projector", &[], &[]);
    let command = stack.spawn("command-service", &[], &[("STUDIO_SCHEDULER_MS", "200")]);
    let gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;
    original(&stack, grant(&stack, &admin, 1001, 100)).await;

    // The admin names the audit channel; Studio posts its head there.
    let set = original(
        &stack,
        stack.slash(
            &admin,
            ADMIN_PERMISSIONS,
            "settings",
            json!([{"name": "audit-channel", "type": 1, "options": [
                {"name": "channel", "type": 7, "value": ANNOUNCEMENTS.to_string()}]}]),
        ),
    )
    .await;
    assert!(
        set.text().contains(&format!("<#{ANNOUNCEMENTS}>")),
        "{}",
        set.text()
    );
    let shown = original(
        &stack,
        stack.slash(
            &admin,
            ADMIN_PERMISSIONS,
            "settings",
            json!([{"name": "show", "type": 1}]),
        ),
    )
    .await;
    assert!(
        shown
            .text()
            .contains(&format!("Chain head posted in: <#{ANNOUNCEMENTS}>")),
        "{}",
        shown.text()
    );
    let post = stack
        .discord
        .wait_for(PATIENCE, |d| {
            d.channel_messages()
                .into_iter()
                .find(|m| m.channel_id == ANNOUNCEMENTS && m.content.contains("Chain head"))
        })
        .await
        .expect("the chain head is posted in the audit channel");
    let posted = post
        .content
        .split('`')
        .nth(1)
        .expect("the head between backticks")
        .to_owned();
    assert!(posted.starts_with(&format!("{GUILD}:")), "{posted}");
    let (sound, report) = verify(&stack, &["--head", &posted]).await;
    assert!(sound, "the posted head matches the log: {report}");

    // More activity; the head is not posted again within the hour.
    original(
        &stack,
        stack.slash(
            &alice,
            MEMBER_PERMISSIONS,
            "pay",
            json!([{"name": "member", "type": 6, "value": "1002"},
                   {"name": "amount", "type": 4, "value": 30}]),
        ),
    )
    .await;
    stack.projected().await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let heads = stack
        .discord
        .channel_messages()
        .into_iter()
        .filter(|m| m.content.contains("Chain head"))
        .count();
    assert_eq!(heads, 1, "one post until the hour passes");
    drop((gateway, command, projector));

    // A superuser rewrites the grant and recomputes every hash: the chain is whole again, but the
    // head Studio posted outside the database no longer matches.
    as_superuser(
        &stack,
        "UPDATE event_log SET payload = jsonb_set(payload, '{amount}', '1000')
         WHERE event_type = 'CreditsGranted';",
    )
    .await;
    as_superuser(&stack, RECOMPUTE_EVERY_HASH).await;
    let (sound, report) = verify(&stack, &[]).await;
    assert!(sound && report.contains("whole"), "recomputed: {report}");
    let (sound, report) = verify(&stack, &["--head", &posted]).await;
    assert!(!sound, "the posted head catches the rewrite: {report}");
    assert!(report.contains("MISMATCH"), "{report}");
    stack.finish().await;
}

#[tokio::test]
async fn balances_as_of_a_moment_agree_with_explain_and_sql_cut_there() {
    let stack = history().await;
    let paid = stack
        .scalar("SELECT guild_seq FROM event_log WHERE event_type = 'CreditsTransferred'")
        .await;
    let guild = studio_schema::GuildId::from_u64(GUILD);
    let bob = studio_schema::Account::Member(studio_schema::UserId::from_u64(1002));

    // As of the payment: bob holds the 30 he was paid, not the grant that came after.
    let then = projector::audit::balances_at(&stack.pool, guild, paid)
        .await
        .expect("balances");
    assert_eq!(then.balances.get(&bob).map(|c| c.0), Some(30));
    let explained = projector::audit::explain(&stack.pool, guild, bob, Some(paid))
        .await
        .expect("explain");
    assert_eq!(explained.lines.last().map(|l| l.balance.0), Some(30));
    let now = projector::audit::balances_at(&stack.pool, guild, i64::MAX)
        .await
        .expect("balances");
    assert_eq!(now.balances.get(&bob).map(|c| c.0), Some(80));

    // The auditor's SQL agrees, and a time names the last event at or before it.
    let sql: i64 = sqlx::query_scalar(&format!(
        "SELECT balance FROM ledger_balances_at({}, {paid}) WHERE account = 'member:1002'",
        GUILD as i64
    ))
    .fetch_one(&stack.pool)
    .await
    .expect("ledger_balances_at");
    assert_eq!(sql, 30);
    let at: String = sqlx::query_scalar(&format!(
        "SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')
         FROM event_log WHERE guild_seq = {paid}"
    ))
    .fetch_one(&stack.pool)
    .await
    .expect("time");
    assert_eq!(
        projector::audit::resolve_at(&stack.pool, guild, &at)
            .await
            .expect("resolve"),
        paid
    );

    // And so does the command line.
    let (ok, report) = audit(&stack, &["balances", &GUILD.to_string(), "--at", &at]).await;
    assert!(ok, "{report}");
    assert!(
        report
            .lines()
            .any(|l| l.trim_start().starts_with("member:1002") && l.trim_end().ends_with(" 30")),
        "{report}"
    );
    let (ok, report) = audit(
        &stack,
        &[
            "explain",
            &GUILD.to_string(),
            "1002",
            "--at",
            &paid.to_string(),
        ],
    )
    .await;
    assert!(
        ok && report.contains(&format!("as of guild_seq {paid}")),
        "{report}"
    );
    stack.finish().await;
}

#[tokio::test]
async fn an_export_verifies_offline_and_fails_when_one_byte_changes() {
    let stack = history().await;
    let dir = std::env::temp_dir().join(format!("studio-export-{}", stack.database));
    std::fs::create_dir_all(&dir).expect("folder");
    let file = dir.join("log.jsonl");
    let path = file.to_string_lossy().into_owned();
    let (ok, _) = audit(&stack, &["export", &GUILD.to_string(), "--out", &path]).await;
    assert!(ok, "exported");
    let exported = std::fs::read_to_string(&file).expect("read export");
    let (sound, report) = verify(&stack, &[]).await;
    assert!(sound, "{report}");
    let head = head(&report);
    let trailer: serde_json::Value = exported
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .expect("a trailer line");
    assert_eq!(
        format!(
            "{}:{}:{}",
            trailer["trailer"]["guild_id"],
            trailer["trailer"]["head_seq"],
            trailer["trailer"]["head"].as_str().unwrap_or_default()
        ),
        head,
        "the trailer states the head `verify` printed"
    );

    // Offline: the database is not consulted (a URL that reaches nothing).
    let offline = |file: String| async move {
        let out = tokio::process::Command::new(binary("projector"))
            .args(["audit", "verify", "--export", &file])
            .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
            .output()
            .await
            .expect("verify the export");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (ok, report) = offline(path.clone()).await;
    assert!(
        ok && report.contains("whole"),
        "the export verifies offline: {report}"
    );
    let (ok, report) = tokio::process::Command::new(binary("projector"))
        .args(["audit", "verify", "--export", &path, "--head", &head])
        .output()
        .await
        .map(|o| {
            (
                o.status.success(),
                String::from_utf8_lossy(&o.stdout).into_owned(),
            )
        })
        .expect("verify with head");
    assert!(ok, "and matches the head kept: {report}");

    // One byte changed in the first grant's amount: the export no longer verifies.
    let granted = exported
        .lines()
        .position(|l| l.contains("CreditsGranted"))
        .expect("a grant");
    let forged: Vec<String> = exported
        .lines()
        .enumerate()
        .map(|(n, l)| {
            if n == granted {
                l.replacen(": 100", ": 900", 1)
            } else {
                l.to_owned()
            }
        })
        .collect();
    assert_ne!(forged.join("\n"), exported.trim_end(), "one byte changed");
    let forged_file = dir.join("forged.jsonl");
    std::fs::write(&forged_file, forged.join("\n") + "\n").expect("write");
    let (ok, report) = offline(forged_file.to_string_lossy().into_owned()).await;
    assert!(!ok && report.contains("BROKEN at guild_seq"), "{report}");

    // A copy cut short (its trailer lost) does not verify either.
    let cut: Vec<&str> = exported
        .lines()
        .filter(|l| !l.contains("trailer"))
        .collect();
    let cut_file = dir.join("cut.jsonl");
    std::fs::write(&cut_file, cut.join("\n") + "\n").expect("write");
    let (ok, report) = offline(cut_file.to_string_lossy().into_owned()).await;
    assert!(!ok && report.contains("cut short"), "{report}");

    // The ledger as CSV, for spreadsheets, ends with the chain head.
    let (ok, csv) = audit(&stack, &["export", &GUILD.to_string(), "--csv"]).await;
    assert!(ok, "{csv}");
    assert!(
        csv.starts_with("guild_seq,occurred_at,event_type,account,amount"),
        "{csv}"
    );
    assert!(csv.contains(",CreditsTransferred,member:1002,30,"), "{csv}");
    assert!(
        csv.trim_end()
            .ends_with(&head[head.rfind(':').unwrap_or(0)..]),
        "{csv}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    stack.finish().await;
}
