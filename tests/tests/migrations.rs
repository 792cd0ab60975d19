//! Upgrading a database written before a migration: the log keeps proving everything it proved.

mod common;

use common::with_database;
use sqlx::PgPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgPoolOptions;
use std::borrow::Cow;
use studio_schema::content::{self, Kept, Sealer};
use studio_schema::{Event, MIGRATOR};

/// A fresh database with the migrations before `version` applied.
async fn database_before(version: i64) -> (PgPool, String, String) {
    let admin_url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let name = format!(
        "studio_test_{}",
        &uuid::Uuid::new_v4().simple().to_string()[..16]
    );
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&admin_url)
        .await
        .expect("connect");
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create database");
    admin.close().await;
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(&with_database(&admin_url, &name))
        .await
        .expect("connect to the new database");
    let mut before = Migrator::DEFAULT;
    before.migrations = Cow::Owned(
        MIGRATOR
            .iter()
            .filter(|m| m.version < version)
            .cloned()
            .collect(),
    );
    before.run(&pool).await.expect("earlier migrations");
    (pool, admin_url, name)
}

async fn drop_database(pool: PgPool, admin_url: &str, name: &str) {
    pool.close().await;
    if let Ok(admin) = PgPoolOptions::new()
        .max_connections(1)
        .connect(admin_url)
        .await
    {
        let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&admin)
            .await;
    }
}

#[tokio::test]
async fn code_written_into_the_log_before_moves_out_and_leaves_its_hash() {
    let (pool, admin_url, name) = database_before(5).await;
    let code = "fn secret() { /* ünïcode */ }";
    // A listing and a purchase as they were recorded before: the code in the event and in what the
    // buyer was told.
    sqlx::query(
        "INSERT INTO event_log (guild_id, guild_seq, event_id, event_type, schema_version, payload,
                                causation_id, occurred_at)
         VALUES (7, 1, gen_random_uuid(), 'ListingCreated', 1, $1, 'c1', now())",
    )
    .bind(serde_json::json!({
        "type": "ListingCreated", "listing": 1, "seller": 11, "version": 1,
        "details": {"title": "T", "description": "D", "language": "rust", "price": 5, "code": code}
    }))
    .execute(&pool)
    .await
    .expect("old event");
    sqlx::query(
        "INSERT INTO processed_commands (command_id, guild_id, outcome, last_seq)
         VALUES ('c2', 7, $1, 1)",
    )
    .bind(serde_json::json!({"outcome": "Purchased", "listing": 1, "code": code}))
    .execute(&pool)
    .await
    .expect("old outcome");

    MIGRATOR.run(&pool).await.expect("upgrade");

    let payload: serde_json::Value = sqlx::query_scalar("SELECT payload FROM event_log")
        .fetch_one(&pool)
        .await
        .expect("event");
    assert!(!payload.to_string().contains("secret()"), "{payload}");
    let Ok(Event::ListingCreated(published)) = Event::decode("ListingCreated", 1, payload.clone())
    else {
        panic!("the upgraded event decodes: {payload}");
    };
    assert_eq!(
        published.details.code_sha256,
        studio_schema::content::sha256_hex(code),
        "Postgres and Studio hash the same bytes"
    );
    // The command service seals the moved code at start; its buyers read it all along.
    let sealer = Sealer::new("the deployment's key");
    let (guild, listing) = (studio_schema::GuildId(7), studio_schema::ListingId(1));
    let kept = || content::read(&pool, &sealer, guild, listing, 1);
    assert_eq!(
        kept().await.expect("read"),
        Some(Kept::Body(code.to_owned()))
    );
    assert_eq!(content::seal_legacy(&pool, &sealer).await.expect("seal"), 1);
    assert_eq!(
        kept().await.expect("read"),
        Some(Kept::Body(code.to_owned()))
    );
    let in_the_clear: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM listing_content
         WHERE legacy_body IS NOT NULL OR position(convert_to('secret()', 'UTF8') IN sealed) > 0",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(in_the_clear, 0, "no code in the clear in the database");
    let outcome: String = sqlx::query_scalar("SELECT outcome::text FROM processed_commands")
        .fetch_one(&pool)
        .await
        .expect("outcome");
    assert!(!outcome.contains("secret()"), "{outcome}");
    // Events recorded before the chain existed are chained by the upgrade, as an auditor recomputes.
    let chain = projector::audit::verify_chain(&pool, studio_schema::GuildId(7), Vec::new())
        .await
        .expect("chain");
    assert!(chain.sound() && chain.events == 1, "{chain:?}");
    // The log is append-only again.
    assert!(
        sqlx::raw_sql("UPDATE event_log SET payload = '{}'")
            .execute(&pool)
            .await
            .is_err()
    );
    drop_database(pool, &admin_url, &name).await;
}
