//! `projector audit` against real Postgres: an overdraft is found, a statement explains a balance
//! and is cross-checked against the views, and the auditor role can run both.

mod common;

use common::{append, grant, member, pay};
use projector::audit::{self, CrossCheck};
use studio_schema::audit::Violation;
use studio_schema::{Account, Credits, GuildId};

#[tokio::test]
async fn verify_reports_an_overdraft_and_explain_walks_the_balance() {
    common::with_scratch(|pool, url| async move {
        // Guild 7: 1 gets 100, pays 2 30; 2 then pays 3 50 it does not have.
        append(&pool, 7, vec![grant(1, 100), pay(1, 2, 30), pay(2, 3, 50)]).await;
        append(&pool, 3, vec![grant(4, 20), pay(4, 5, 20)]).await;

        let audits = audit::verify(&pool).await.expect("verify");
        assert_eq!(
            audits.iter().map(|a| a.guild).collect::<Vec<_>>(),
            vec![GuildId(3), GuildId(7)]
        );
        let (sound, overdrawn) = (&audits[0], &audits[1]);
        assert!(sound.violations.is_empty(), "{:?}", sound.violations);
        assert_eq!(
            overdrawn.violations,
            vec![Violation::Negative {
                guild: GuildId(7),
                seq: 3,
                account: member(2),
                balance: -20,
            }]
        );
        assert_eq!((overdrawn.total(), overdrawn.issued()), (0, Credits(100)));
        assert_eq!((overdrawn.money_events, overdrawn.postings), (3, 6));
        assert!(!audit::sound(&audits));
        let report = audit::render_audit(overdrawn);
        assert!(report.contains("member:2 went to -20"), "{report}");

        let statement = audit::explain(&pool, GuildId(7), member(2), None)
            .await
            .expect("explain");
        let lines: Vec<_> = statement
            .lines
            .iter()
            .map(|l| (l.seq, l.amount.0, l.balance.0, l.causation_id.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![(2, 30, 30, "cause-2"), (3, -50, -20, "cause-3")]
        );
        assert_eq!(
            statement.lines[1].counterparts,
            vec![(member(3), Credits(50))]
        );
        assert_eq!(statement.balance(), Credits(-20));

        // Without views there is nothing to cross-check; with them, the balances agree.
        assert_eq!(
            audit::view_balance(&pool, GuildId(7), member(2))
                .await
                .expect("views"),
            None
        );
        projector::tail::ensure_views(&pool).await.expect("views");
        let config = projector::Config {
            common: studio_schema::config::Common {
                database_url: url.clone(),
                nats_url: String::new(),
                nats_user: None,
                nats_prefix: String::new(),
                partitions: 1,
            },
            poll: std::time::Duration::from_millis(10),
            batch: 100,
            replay_batch: 50_000,
            replay_flush_rows: 2_000_000,
            crash_mid_batch: false,
            metrics_addr: None,
            counters: std::sync::Arc::default(),
            web_addr: projector::web::Addr::Off,
            audit_token: None,
        };
        let mut known = None;
        for _ in 0..500 {
            projector::tail::step(&pool, &config, &mut known)
                .await
                .expect("step");
            let view = audit::view_balance(&pool, GuildId(7), member(2))
                .await
                .expect("views")
                .expect("an accounts view");
            if view.checkpoint == 3 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let view = audit::view_balance(&pool, GuildId(7), member(2))
            .await
            .expect("views")
            .expect("an accounts view");
        assert_eq!(
            audit::cross_check(&statement, view),
            CrossCheck::Agrees {
                balance: -20,
                at_seq: 3
            }
        );
        sqlx::query(
            "UPDATE views.accounts SET balance = 5 WHERE guild_id = 7 AND account = 'member:2'",
        )
        .execute(&pool)
        .await
        .expect("tamper");
        let view = audit::view_balance(&pool, GuildId(7), member(2))
            .await
            .expect("views");
        assert!(
            audit::render_cross_check(view, &statement).starts_with("WARNING"),
            "{view:?}"
        );

        // The command: a violation fails `verify`; `explain` prints the statement.
        let bin = env!("CARGO_BIN_EXE_projector");
        let out = tokio::process::Command::new(bin)
            .args(["audit", "verify"])
            .env("DATABASE_URL", &url)
            .env_remove("NATS_URL")
            .output()
            .await
            .expect("run projector audit verify");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{stdout}");
        assert!(
            stdout.contains("guild 7 seq 3: member:2 went to -20"),
            "{stdout}"
        );
        let out = tokio::process::Command::new(bin)
            .args(["audit", "explain", "7", "2"])
            .env("DATABASE_URL", &url)
            .output()
            .await
            .expect("run projector audit explain");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}");
        assert!(stdout.contains("CreditsTransferred"), "{stdout}");
        assert!(stdout.contains("member:3 +50"), "{stdout}");
        assert!(stdout.contains("balance: -20"), "{stdout}");
        assert!(
            stdout.contains("WARNING: views.accounts says 5"),
            "{stdout}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_auditor_role_can_audit_and_nothing_it_runs_can_write() {
    common::with_scratch(|pool, url| async move {
        append(&pool, 1, vec![grant(1, 10)]).await;
        append(&pool, 2, vec![grant(1, 10)]).await;
        projector::tail::ensure_views(&pool).await.expect("views");
        let sep = if url.contains('?') { '&' } else { '?' };
        let auditor =
            projector::connect_read_only(&format!("{url}{sep}options=-c%20role%3Dstudio_auditor"))
                .await
                .expect("connect as the auditor");
        let role: String = sqlx::query_scalar("SELECT current_user::text")
            .fetch_one(&auditor)
            .await
            .expect("role");
        assert_eq!(role, "studio_auditor");
        let heads = sqlx::query("SELECT 1 FROM guild_heads")
            .fetch_all(&auditor)
            .await;
        assert!(heads.is_ok(), "the auditor lists guilds from guild_heads");
        let audits = audit::verify(&auditor)
            .await
            .expect("verify as the auditor");
        assert_eq!(audits.len(), 2);
        assert!(audit::sound(&audits));
        let view = audit::view_balance(&auditor, GuildId(1), Account::Treasury)
            .await
            .expect("the auditor reads the views");
        assert!(view.is_some());
        let write = sqlx::query("CREATE TABLE public.nope (id int)")
            .execute(&auditor)
            .await;
        assert!(write.is_err(), "a read-only audit connection wrote");
        auditor.close().await;
    })
    .await;
}
