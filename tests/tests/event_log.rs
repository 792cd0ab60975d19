//! The event log's guarantees, against real Postgres: the fence, command ids, the global read that
//! never skips a late commit, append-only, and the read-only auditor role.

mod common;

use common::Stack;
use common::appends::{record, seen};
use studio_schema::GuildId;
use studio_schema::log::{self, AppendError, GlobalCursor};

#[tokio::test]
async fn a_stale_writer_is_fenced_and_writes_nothing() {
    let stack = Stack::start(vec![]).await;
    let g = GuildId(1);
    assert_eq!(
        log::append(&stack.pool, g, 0, &[seen(1), seen(2)], &[record("c1", 2)])
            .await
            .expect("first"),
        2
    );
    let stale = log::append(&stack.pool, g, 0, &[seen(3)], &[record("c2", 1)]).await;
    assert!(matches!(stale, Err(AppendError::Fence { .. })), "{stale:?}");
    let behind = log::append(&stack.pool, g, 1, &[seen(3)], &[record("c2", 2)]).await;
    assert!(
        matches!(behind, Err(AppendError::Fence { .. })),
        "{behind:?}"
    );
    assert_eq!(stack.scalar("SELECT count(*) FROM event_log").await, 2);
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM processed_commands")
            .await,
        1
    );
    stack.finish().await;
}

#[tokio::test]
async fn a_guild_whose_first_commands_wrote_no_events_keeps_appending() {
    let stack = Stack::start(vec![]).await;
    let g = GuildId(1);
    let head = log::append(&stack.pool, g, 0, &[], &[record("refused", 0)])
        .await
        .expect("an empty first batch");
    assert_eq!(head, 0);
    let head = log::append(&stack.pool, g, 0, &[seen(1)], &[record("next", 1)])
        .await
        .expect("the next batch appends at seq 1");
    assert_eq!(head, 1);
    let stale = log::append(&stack.pool, g, 0, &[seen(2)], &[record("late", 1)]).await;
    assert!(matches!(stale, Err(AppendError::Fence { .. })), "{stale:?}");
    stack.finish().await;
}

#[tokio::test]
async fn a_command_id_is_processed_once_and_its_outcome_kept() {
    let stack = Stack::start(vec![]).await;
    let g = GuildId(1);
    log::append(&stack.pool, g, 0, &[seen(1)], &[record("same", 1)])
        .await
        .expect("first");
    let again = log::append(&stack.pool, g, 1, &[seen(2)], &[record("same", 2)]).await;
    assert!(
        matches!(again, Err(AppendError::DuplicateCommand { .. })),
        "{again:?}"
    );
    assert_eq!(
        stack.scalar("SELECT count(*) FROM event_log").await,
        1,
        "nothing of the duplicate batch is written"
    );
    let outcomes = log::processed_outcomes(&stack.pool, &["same".into(), "other".into()])
        .await
        .expect("outcomes");
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes["same"].1, 1);
    stack.finish().await;
}

#[tokio::test]
async fn the_global_read_waits_for_a_late_commit_instead_of_skipping_it() {
    let stack = Stack::start(vec![]).await;
    // An earlier transaction takes its id first and commits last.
    let mut early = stack.pool.begin().await.expect("begin");
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut *early)
        .await
        .expect("xid");
    log::append(&stack.pool, GuildId(2), 0, &[seen(20)], &[])
        .await
        .expect("late starter commits first");

    let first = log::read_global(&stack.pool, GlobalCursor::default(), 100)
        .await
        .expect("read");
    assert!(
        first.is_empty(),
        "nothing may be read while an older transaction is in flight: {first:?}"
    );

    sqlx::query(
        "INSERT INTO event_log (guild_id, guild_seq, event_id, event_type, schema_version, payload, causation_id, occurred_at)
         VALUES (1, 1, gen_random_uuid(), 'MemberSeen', 1,
                 '{\"type\":\"MemberSeen\",\"member\":10,\"joined_at\":\"2026-01-01T00:00:00Z\",\"bot\":false}', 'x', now())",
    )
    .execute(&mut *early)
    .await
    .expect("insert");
    early.commit().await.expect("commit");

    // Other databases of the cluster may hold the horizon back for a moment: wait for it to pass.
    let mut all = Vec::new();
    for _ in 0..200 {
        all = log::read_global(&stack.pool, GlobalCursor::default(), 100)
            .await
            .expect("read");
        if all.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let guilds: Vec<i64> = all.iter().map(|(_, e)| e.guild_id.0).collect();
    assert_eq!(
        guilds,
        vec![1, 2],
        "both events, in commit order of their transactions"
    );
    let (cursor, _) = all[0];
    let rest = log::read_global(&stack.pool, cursor, 100)
        .await
        .expect("read");
    assert_eq!(
        rest.len(),
        1,
        "reading on from a cursor skips nothing and repeats nothing"
    );
    stack.finish().await;
}

#[tokio::test]
async fn the_log_is_append_only_and_the_auditor_only_reads() {
    let stack = Stack::start(vec![]).await;
    log::append(&stack.pool, GuildId(1), 0, &[seen(1)], &[])
        .await
        .expect("append");
    for statement in [
        "UPDATE event_log SET actor_id = 1",
        "DELETE FROM event_log",
        "TRUNCATE event_log",
    ] {
        let err = sqlx::query(statement).execute(&stack.pool).await;
        assert!(err.is_err(), "{statement} must fail even for the owner");
    }
    let mut conn = stack.pool.acquire().await.expect("conn");
    sqlx::query("SET ROLE studio_auditor")
        .execute(&mut *conn)
        .await
        .expect("become auditor");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM event_log")
        .fetch_one(&mut *conn)
        .await
        .expect("auditor reads the log");
    assert_eq!(n, 1);
    for statement in [
        "INSERT INTO event_log (guild_id, guild_seq, event_id, event_type, schema_version, payload, causation_id, occurred_at) VALUES (1, 2, gen_random_uuid(), 'X', 1, '{}', 'x', now())",
        "SELECT count(*) FROM processed_commands",
        "UPDATE guild_heads SET last_seq = 0",
    ] {
        assert!(
            sqlx::query(statement).execute(&mut *conn).await.is_err(),
            "auditor must not run: {statement}"
        );
    }
    sqlx::query("RESET ROLE")
        .execute(&mut *conn)
        .await
        .expect("reset");
    drop(conn);
    stack.finish().await;
}
