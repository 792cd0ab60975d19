//! Least privilege end to end (issue 11): purchased code reaches its buyer and nobody else — no
//! auditor, no view, no recorded outcome — while the ledger stays provable; code erased on request
//! leaves the log whole; and each service's database role is refused what it must not do.

mod common;

use common::*;
use serde_json::json;
use sqlx::{Connection, PgConnection};
use studio_tests::FakeMember;

const SECRET: &str = "SECRET-7f3a";

fn code() -> String {
    format!("// {SECRET}\nfn pathfind() {{}}")
}

fn sell_secret(stack: &Stack, seller: &FakeMember) -> u64 {
    submit(
        stack,
        seller,
        "f:sell",
        &[
            ("title", "Grid pathfinding"),
            ("description", "Drop-in"),
            ("language", "Rust"),
            ("price", "100"),
            ("code", &code()),
        ],
    )
}

async fn connect_as(stack: &Stack, role: &str) -> PgConnection {
    PgConnection::connect(&with_user(&stack.database_url, role))
        .await
        .unwrap_or_else(|e| panic!("log in as {role}: {e}"))
}

/// Whether `sql`, run as the connection's role, is refused for lack of privilege.
async fn refused(conn: &mut PgConnection, sql: &str) -> bool {
    match sqlx::raw_sql(sql).execute(&mut *conn).await {
        Err(sqlx::Error::Database(db)) => db.code().as_deref() == Some("42501"),
        _ => false,
    }
}

/// Every table and view of `public` and `views` the connection's role may read, and how many of
/// their rows mention [`SECRET`].
async fn readable_mentions(conn: &mut PgConnection) -> Vec<(String, i64)> {
    let relations: Vec<String> = sqlx::query_scalar(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname IN ('public', 'views') AND c.relkind IN ('r', 'v', 'm')
           AND has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')
         ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("list readable relations");
    let mut found = Vec::new();
    for relation in relations {
        let mentions: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {relation} r WHERE r::text LIKE '%{SECRET}%'"
        ))
        .fetch_one(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("read {relation}: {e}"));
        found.push((relation, mentions));
    }
    found
}

async fn audit_verify(stack: &Stack, login: &str) -> bool {
    tokio::process::Command::new(binary("projector"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", with_user(&stack.database_url, login))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .status()
        .await
        .expect("run projector audit verify")
        .success()
}

#[tokio::test]
async fn purchased_code_reaches_its_buyer_and_no_auditor_and_can_be_erased_on_request() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;
    original(&stack, grant(&stack, &admin, 1002, 300)).await;
    original(&stack, sell_secret(&stack, &alice)).await;
    stack.projected().await;

    // The buyer sees the code, in the answer and by DM; nobody else does.
    let shop = original(
        &stack,
        stack.slash(&bob, MEMBER_PERMISSIONS, "shop", json!([])),
    )
    .await;
    let bought = stack.click(&bob, &button(&shop, "Buy #1"), &shop).await;
    assert!(
        bought.body.to_string().contains(SECRET),
        "the buyer is shown the code: {}",
        bought.body
    );
    stack.projected().await;
    stack.effects_out().await;
    assert!(
        dms_to(&stack, 1002)
            .iter()
            .any(|m| m.body.to_string().contains(SECRET)),
        "the buyer gets the code by DM"
    );
    for other in [1001, 1003] {
        assert!(
            !dms_to(&stack, other)
                .iter()
                .any(|m| m.body.to_string().contains(SECRET)),
            "member {other} never sees the code"
        );
    }

    // The services log in as their own roles, none a superuser.
    let logins: Vec<(String, bool)> = sqlx::query_as(
        "SELECT DISTINCT a.usename::text, r.rolsuper FROM pg_stat_activity a
         JOIN pg_roles r ON r.rolname = a.usename
         WHERE a.datname = current_database() AND a.usename <> current_user",
    )
    .fetch_all(&stack.pool)
    .await
    .expect("sessions");
    for role in ["studio_commands", "studio_projector", "studio_gateway"] {
        assert!(
            logins.iter().any(|(u, su)| u == role && !su),
            "a service logs in as {role}: {logins:?}"
        );
    }

    // An auditor's login reads the log, the ledger and the views — and no code anywhere.
    let auditor = format!("audit_{}", &stack.database["studio_test_".len()..]);
    sqlx::raw_sql(&format!(
        "CREATE ROLE {auditor} LOGIN IN ROLE studio_auditor"
    ))
    .execute(&stack.pool)
    .await
    .expect("an auditor login");
    let mut audit = connect_as(&stack, &auditor).await;
    let readable = readable_mentions(&mut audit).await;
    for needed in ["public.event_log", "public.ledger", "views.listings"] {
        assert!(
            readable.iter().any(|(r, _)| r == needed),
            "auditors read {needed}: {readable:?}"
        );
    }
    assert!(
        readable.iter().all(|(_, mentions)| *mentions == 0),
        "no relation an auditor reads holds code: {readable:?}"
    );
    assert!(
        refused(&mut audit, "SELECT sealed FROM listing_content").await,
        "the code's own table is closed to auditors"
    );
    // The log still proves what was sold: the listing's event carries the code's hash.
    let hash: String = sqlx::query_scalar(
        "SELECT payload -> 'details' ->> 'code_sha256' FROM event_log
         WHERE event_type = 'ListingCreated'",
    )
    .fetch_one(&mut audit)
    .await
    .expect("the listing's event");
    assert_eq!(hash, studio_schema::content::sha256_hex(&code()));
    assert!(
        audit_verify(&stack, &auditor).await,
        "the auditor verifies every credit"
    );
    // Nor does anything the owner could back up hold it in the clear: the kept code is sealed
    // with a key the database never holds.
    let mut owner = PgConnection::connect(&stack.database_url)
        .await
        .expect("the owner");
    let everything = readable_mentions(&mut owner).await;
    assert!(
        everything.iter().all(|(_, mentions)| *mentions == 0),
        "a backup of the whole database holds no code: {everything:?}"
    );
    assert_eq!(
        stack
            .scalar(&format!(
                "SELECT count(*) FROM listing_content
                 WHERE position(convert_to('{SECRET}', 'UTF8') IN sealed) > 0 OR legacy_body IS NOT NULL"
            ))
            .await,
        0,
        "the code is sealed at rest"
    );
    // Nor do the command service's own records keep a copy.
    for (table, column) in [("processed_commands", "outcome"), ("outbox", "effect")] {
        assert_eq!(
            stack
                .scalar(&format!(
                    "SELECT count(*) FROM {table} WHERE {column}::text LIKE '%{SECRET}%'"
                ))
                .await,
            0,
            "{table} holds no code"
        );
    }

    // The seller asks for the code to be erased: buyers are told, and the log stays whole.
    let events_before = stack.caused_events().await;
    let erased = tokio::process::Command::new(binary("projector"))
        .args(["content", "forget", &GUILD.to_string(), "1"])
        .env(
            "DATABASE_URL",
            with_user(&stack.database_url, "studio_commands"),
        )
        .status()
        .await
        .expect("run content forget");
    assert!(erased.success(), "content forget ran");
    let history = original(
        &stack,
        stack.slash(&bob, MEMBER_PERMISSIONS, "shop", json!([])),
    )
    .await;
    let view = stack.click(&bob, "cd:1:1002", &history).await;
    let shown = view.body.to_string();
    assert!(
        shown.contains("erased") && !shown.contains(SECRET),
        "the buyer is told the code was erased: {shown}"
    );
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM listing_content WHERE sealed IS NOT NULL OR legacy_body IS NOT NULL")
            .await,
        0
    );
    assert_eq!(
        stack.caused_events().await,
        events_before,
        "erasing changes nothing in the log"
    );
    assert!(
        audit_verify(&stack, &auditor).await,
        "the ledger still verifies"
    );
    stack.assert_replay_gives_the_same_views().await;

    drop(audit);
    let _ = sqlx::raw_sql(&format!("DROP ROLE IF EXISTS {auditor}"))
        .execute(&stack.pool)
        .await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn each_service_role_is_refused_what_it_must_not_do() {
    let stack = Stack::start(vec![alice()]).await;
    // Something in each table, so that a refusal is not an empty success.
    sqlx::raw_sql(
        "INSERT INTO gateway_sessions VALUES (0, 'session', 1, 'wss://gateway.discord.gg');
         INSERT INTO listing_content (guild_id, listing_id, version, sha256, legacy_body)
         VALUES (1, 1, 1, repeat('0', 64), 'code');",
    )
    .execute(&stack.pool)
    .await
    .expect("seed");
    let append = "INSERT INTO event_log (guild_id, guild_seq, event_id, event_type, schema_version,
                  payload, causation_id, occurred_at)
                  VALUES (1, 1, gen_random_uuid(), 'XpGranted', 1, '{}', 'forged', now())";
    // The one way in for events: the database computes each hash.
    let append_through_the_log = "SELECT append_events(1, 1, 1, ARRAY[gen_random_uuid()],
                  ARRAY['XpGranted'], ARRAY['{}'::jsonb], ARRAY[NULL::bigint], ARRAY['forged'],
                  ARRAY[now()])";
    // A row with a hash of the writer's choosing, past the function.
    let append_with_its_own_hash = "INSERT INTO event_log (guild_id, guild_seq, event_id,
                  event_type, schema_version, payload, causation_id, occurred_at, hash)
                  VALUES (1, 1, gen_random_uuid(), 'XpGranted', 1, '{}', 'forged', now(), '\\x00')";

    let mut projector = connect_as(&stack, "studio_projector").await;
    for (what, sql) in [
        ("append to the log", append),
        ("append through the log's function", append_through_the_log),
        ("read the code", "SELECT sealed FROM listing_content"),
        (
            "read the bot's session",
            "SELECT resume_url FROM gateway_sessions",
        ),
        ("write the outbox", "DELETE FROM outbox"),
    ] {
        assert!(
            refused(&mut projector, sql).await,
            "the projector may not {what}"
        );
    }

    let mut gateway = connect_as(&stack, "studio_gateway").await;
    for (what, sql) in [
        ("read the ledger", "SELECT * FROM ledger"),
        ("read the log", "SELECT * FROM event_log"),
        ("append to the log", append),
        ("append through the log's function", append_through_the_log),
        ("read the code", "SELECT sealed FROM listing_content"),
    ] {
        assert!(
            refused(&mut gateway, sql).await,
            "the gateway may not {what}"
        );
    }

    let mut commands = connect_as(&stack, "studio_commands").await;
    for (what, sql) in [
        (
            "append a row of its own, hash and all",
            append_with_its_own_hash,
        ),
        ("append a row for the trigger to chain", append),
        ("rewrite the log", "UPDATE event_log SET payload = '{}'"),
        ("delete from the log", "DELETE FROM event_log"),
        ("truncate the log", "TRUNCATE event_log"),
        (
            "switch off the log's guard",
            "ALTER TABLE event_log DISABLE TRIGGER event_log_no_update_or_delete",
        ),
        (
            "point the gateway's RESUME elsewhere",
            "UPDATE gateway_sessions SET resume_url = 'wss://evil.example'",
        ),
        (
            "read the bot's session",
            "SELECT resume_url FROM gateway_sessions",
        ),
        ("create tables", "CREATE TABLE mine (x int)"),
    ] {
        assert!(
            refused(&mut commands, sql).await,
            "the command service may not {what}"
        );
    }
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM gateway_sessions WHERE resume_url = 'wss://gateway.discord.gg'")
            .await,
        1,
        "the session is untouched"
    );

    for role in ["studio_projector", "studio_gateway", "studio_commands"] {
        let mut conn = connect_as(&stack, role).await;
        let superuser: bool =
            sqlx::query_scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                .fetch_one(&mut conn)
                .await
                .expect("role");
        assert!(!superuser, "{role} is no superuser");
    }
    drop((projector, gateway, commands));
    stack.finish().await;
}
