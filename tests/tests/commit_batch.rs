//! A partition's batch is committed by one statement (`commit_batch`), all or nothing: its guilds'
//! events behind their fences, their commands, the partition's position, its rejected dispatches and
//! its effects. Against real Postgres.

mod common;

use common::Stack;
use common::appends::{record, seen};
use std::time::Duration;
use studio_schema::GuildId;
use studio_schema::commit::{self, Batch, CommitError, GuildAppend, Reject};
use studio_schema::content::Sealer;
use studio_schema::intake::{self, Partition};
use studio_schema::log;
use studio_schema::outbox::NewEffect;

const A: GuildId = GuildId(1);
const B: GuildId = GuildId(2);

fn answer(guild: GuildId, n: i64) -> NewEffect {
    NewEffect {
        guild_id: guild.0,
        kind: "answer",
        effect: serde_json::json!({ "n": n }),
    }
}

fn partition() -> Partition {
    Partition {
        stream: "DISCORD_GATEWAY_commit".into(),
        partition: 0,
    }
}

/// What a failed batch must have left as it was.
async fn written(stack: &Stack) -> [i64; 5] {
    [
        stack.scalar("SELECT count(*) FROM event_log").await,
        stack
            .scalar("SELECT count(*) FROM processed_commands")
            .await,
        stack.scalar("SELECT count(*) FROM outbox").await,
        stack.scalar("SELECT count(*) FROM intake_rejected").await,
        stack
            .scalar("SELECT coalesce(sum(stream_seq), 0)::bigint FROM intake_positions")
            .await,
    ]
}

#[tokio::test]
async fn a_batch_commits_every_guild_and_its_effects_or_nothing() {
    let stack = Stack::start(vec![]).await;
    let p = partition();
    assert_eq!(intake::position(&stack.pool, &p).await.expect("row"), 0);
    let sealer = Sealer::new("test");
    let mut conn = stack.pool.acquire().await.expect("conn");

    // Two guilds, a rejected dispatch and three effects, in one statement.
    let (a_events, b_events) = ([seen(1), seen(2)], [seen(3)]);
    let (a_cmds, b_cmds) = ([record("a1", 2)], [record("b1", 1)]);
    let guilds = [
        GuildAppend {
            guild: A,
            expected: 0,
            events: &a_events,
            commands: &a_cmds,
            contents: &[],
        },
        GuildAppend {
            guild: B,
            expected: 0,
            events: &b_events,
            commands: &b_cmds,
            contents: &[],
        },
    ];
    let rejects = [Reject {
        seq: 3,
        subject: "discord.gateway.x",
        reason: "undecodable",
    }];
    let effects = [answer(A, 1), answer(B, 2), answer(A, 3)];
    let batch = Batch {
        partition: &p,
        from: 0,
        to: 4,
        guilds: &guilds,
        rejects: &rejects,
        effects: &effects,
        claim: Duration::from_secs(30),
    };
    let ids = commit::commit(&mut conn, &batch, &sealer)
        .await
        .expect("committed");
    assert_eq!(ids.len(), 3);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let order: Vec<i64> =
        sqlx::query_scalar("SELECT (effect->>'n')::bigint FROM outbox ORDER BY id")
            .fetch_all(&stack.pool)
            .await
            .expect("outbox");
    assert_eq!(
        order,
        [1, 2, 3],
        "the effects are queued in the order given"
    );
    assert_eq!(written(&stack).await, [3, 2, 3, 1, 4]);
    for (guild, head) in [(A, 2), (B, 1)] {
        let events = log::read_guild(&stack.pool, guild, 0, 100)
            .await
            .expect("read");
        let seqs: Vec<i64> = events.iter().map(|e| e.guild_seq).collect();
        assert_eq!(seqs, (1..=head).collect::<Vec<_>>(), "guild {guild}");
    }
    stack.assert_log_sound().await;

    // Guild B is fenced (its head moved on): nothing of the batch is written, guild A's part neither.
    let before = written(&stack).await;
    let (a_next, b_stale) = ([seen(4)], [seen(5)]);
    let (a_cmd, b_cmd) = ([record("a2", 3)], [record("b2", 1)]);
    let fenced = [
        GuildAppend {
            guild: A,
            expected: 2,
            events: &a_next,
            commands: &a_cmd,
            contents: &[],
        },
        GuildAppend {
            guild: B,
            expected: 0,
            events: &b_stale,
            commands: &b_cmd,
            contents: &[],
        },
    ];
    let stale = Batch {
        from: 4,
        to: 5,
        guilds: &fenced,
        rejects: &[],
        ..batch
    };
    let result = commit::commit(&mut conn, &stale, &sealer).await;
    assert!(
        matches!(result, Err(CommitError::Fence(g)) if g == B),
        "{result:?}"
    );
    assert_eq!(written(&stack).await, before);
    // The same when B's part holds a command and no event: only its head can tell it is stale.
    let commands_only = [
        fenced[0],
        GuildAppend {
            events: &[],
            ..fenced[1]
        },
    ];
    let result = commit::commit(
        &mut conn,
        &Batch {
            guilds: &commands_only,
            ..stale
        },
        &sealer,
    )
    .await;
    assert!(
        matches!(result, Err(CommitError::Fence(g)) if g == B),
        "{result:?}"
    );
    assert_eq!(written(&stack).await, before);

    // The partition moved on without this instance: nothing is written.
    let lost = Batch {
        from: 3,
        to: 5,
        guilds: &fenced[..1],
        ..stale
    };
    let result = commit::commit(&mut conn, &lost, &sealer).await;
    assert!(matches!(result, Err(CommitError::Lost)), "{result:?}");
    assert_eq!(written(&stack).await, before);

    // A command recorded before: nothing is written.
    let again = [record("a1", 3)];
    let duplicate = [GuildAppend {
        commands: &again,
        ..fenced[0]
    }];
    let result = commit::commit(
        &mut conn,
        &Batch {
            guilds: &duplicate,
            ..stale
        },
        &sealer,
    )
    .await;
    assert!(matches!(result, Err(CommitError::Duplicate)), "{result:?}");
    assert_eq!(written(&stack).await, before);

    // The right batch still goes through after all that.
    commit::commit(
        &mut conn,
        &Batch {
            guilds: &fenced[..1],
            ..stale
        },
        &sealer,
    )
    .await
    .expect("committed");
    assert_eq!(written(&stack).await, [4, 3, 6, 1, 5]);
    drop(conn);
    stack.assert_log_sound().await;
    stack.finish().await;
}
