//! The command service's writer against real Postgres: a plan whose commit failed is never
//! decided on again. A plan decides on the guild's state itself (not a copy), so a failed commit
//! must leave the writer deciding on what the log holds, including what another writer appended
//! meanwhile.

mod common;

use chrono::Utc;
use command_service::domain::{Command, Outcome};
use command_service::writer::{GuildPlan, Pending, Settled, Writer};
use common::Stack;
use std::collections::HashMap;
use studio_schema::content::Sealer;
use studio_schema::{Credits, GuildId, UserId};

const GUILD: GuildId = GuildId(1);
const ADMIN: UserId = UserId(10);
const ALICE: UserId = UserId(11);
const BOB: UserId = UserId(12);

fn grant(id: &str, amount: i64) -> (GuildId, Vec<Pending>) {
    let command = Command::AdjustCredits {
        actor: ADMIN,
        actor_can_manage_guild: true,
        member: ALICE,
        member_is_bot: false,
        amount,
        grant: true,
        reason: "seed".into(),
    };
    pending(id, ADMIN, command)
}

fn pay(id: &str, amount: i64) -> (GuildId, Vec<Pending>) {
    let command = Command::Pay {
        from: ALICE,
        to: BOB,
        to_is_bot: false,
        amount,
        note: None,
    };
    pending(id, ALICE, command)
}

fn pending(id: &str, actor: UserId, command: Command) -> (GuildId, Vec<Pending>) {
    let pending = Pending {
        command_id: id.into(),
        actor: Some(actor),
        command,
    };
    (GUILD, vec![pending])
}

/// Decides `group` (after loading again what a failed commit lent) and appends it; the caller
/// commits or rolls back the transaction.
async fn decide(
    writer: &mut Writer,
    tx: &mut sqlx::PgConnection,
    group: (GuildId, Vec<Pending>),
) -> Vec<GuildPlan> {
    writer.restore().await.expect("restore");
    writer.load(GUILD).await.expect("load");
    let plans = writer.plan(&[group], &HashMap::new(), Utc::now());
    Writer::append(tx, &plans, &Sealer::new("test"))
        .await
        .expect("append");
    plans
}

async fn commit(stack: &Stack, writer: &mut Writer, group: (GuildId, Vec<Pending>)) -> Settled {
    let mut tx = stack.pool.begin().await.expect("begin");
    let plans = decide(writer, &mut tx, group).await;
    tx.commit().await.expect("commit");
    let settled = plans[0].settled[0].clone();
    writer.adopt(plans);
    settled
}

fn paid(settled: &Settled) -> Option<Credits> {
    match settled {
        Settled::Decided(Outcome::Paid { amount, .. }) => Some(*amount),
        _ => None,
    }
}

#[tokio::test]
async fn a_plan_whose_commit_failed_is_never_decided_on() {
    let stack = Stack::start(vec![]).await;
    let mut writer = Writer::new(stack.pool.clone(), 0);
    let granted = commit(&stack, &mut writer, grant("grant-1", 100)).await;
    assert!(
        matches!(granted, Settled::Decided(Outcome::CreditsAdjusted { .. })),
        "{granted:?}"
    );

    // Alice pays her 100, but the transaction is rolled back: the payment never happened.
    let mut tx = stack.pool.begin().await.expect("begin");
    let plans = decide(&mut writer, &mut tx, pay("pay-1", 100)).await;
    assert_eq!(paid(&plans[0].settled[0]), Some(Credits(100)));
    tx.rollback().await.expect("rollback");
    drop(plans);
    // Meanwhile another writer grants her 50 more.
    let mut other = Writer::new(stack.pool.clone(), 0);
    commit(&stack, &mut other, grant("grant-2", 50)).await;
    // The guild is held again, as the log has it: the clock's due work and the reads' heads see it.
    writer.restore().await.expect("restore");
    assert_eq!(writer.known_head(GUILD), log_head(&stack).await);

    // She still has the 100 and the 50: paying 150 goes through, decided once on the log's state.
    let settled = commit(&stack, &mut writer, pay("pay-2", 150)).await;
    assert_eq!(paid(&settled), Some(Credits(150)), "{settled:?}");
    let refused = commit(&stack, &mut writer, pay("pay-3", 1)).await;
    assert!(
        matches!(refused, Settled::Decided(Outcome::Rejected(_))),
        "alice has nothing left: {refused:?}"
    );
    assert_eq!(writer.known_head(GUILD), log_head(&stack).await);
    stack.finish().await;
}

async fn log_head(stack: &Stack) -> Option<i64> {
    Some(
        stack
            .scalar("SELECT max(guild_seq) FROM event_log WHERE guild_id = 1")
            .await,
    )
}
