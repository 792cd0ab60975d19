//! A tamper-evident log (issue 12): a history rewritten by the database's superuser is caught at the
//! exact event, and a rewrite whose hashes were recomputed no longer matches a head kept elsewhere.

mod common;

use common::*;
use serde_json::json;

/// Runs `projector audit verify` with `args`; its success and what it printed.
async fn verify(stack: &Stack, args: &[&str]) -> (bool, String) {
    let out = tokio::process::Command::new(binary("projector"))
        .args(["audit", "verify"])
        .args(args)
        .env("DATABASE_URL", &stack.database_url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run projector audit verify");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
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

#[tokio::test]
async fn a_rewritten_history_is_caught_at_the_event_and_by_the_head_kept_elsewhere() {
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
    as_superuser(
        &stack,
        "DO $$
         DECLARE e record; prev bytea;
         BEGIN
             FOR e IN SELECT * FROM event_log ORDER BY guild_seq LOOP
                 prev := event_chain_hash(prev, e.guild_id, e.guild_seq, e.event_id, e.event_type,
                     e.schema_version, e.payload, e.actor_id, e.causation_id, e.occurred_at);
                 UPDATE event_log SET hash = prev WHERE position = e.position;
             END LOOP;
         END $$;",
    )
    .await;
    let (sound, report) = verify(&stack, &[]).await;
    assert!(sound && report.contains("whole"), "recomputed: {report}");
    assert_ne!(head(&report), kept, "the head moved");
    let (sound, report) = verify(&stack, &["--head", &kept]).await;
    assert!(!sound, "the head kept elsewhere catches it: {report}");
    assert!(report.contains("MISMATCH"), "{report}");
    stack.finish().await;
}
