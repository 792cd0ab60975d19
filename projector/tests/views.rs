//! The economy views against real Postgres: a live tail one event per batch and a replay in one
//! batch build byte-identical views, and they hold what the log says.

mod common;

use common::{append, commission, feature, grant, pay, publish, purchase, refund, review};
use projector::{Config, ddl, replay, tail};
use sqlx::PgPool;
use std::sync::atomic::Ordering;
use std::time::Duration;
use studio_schema::config::Common;
use studio_schema::{ChannelId, Event, MessageId, UserId, Xp};

fn config(database_url: String, batch: i64) -> Config {
    Config {
        common: Common {
            database_url,
            nats_url: String::new(),
            nats_user: None,
            nats_prefix: String::new(),
            partitions: 1,
        },
        poll: Duration::from_millis(10),
        batch,
        replay_batch: 50_000,
        replay_flush_rows: 2_000_000,
        crash_mid_batch: false,
        metrics_addr: None,
        counters: std::sync::Arc::default(),
        web_addr: projector::web::Addr::Off,
        audit_token: None,
    }
}

/// A plain HTTP GET of `path` on `addr`: the whole response.
async fn get(addr: std::net::SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes())
        .await
        .expect("request");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .expect("response");
    response
}

/// Applies batches until the live views hold every event of the log.
async fn catch_up(pool: &PgPool, config: &Config) {
    catch_up_from(pool, config, &mut None).await;
}

/// [`catch_up`] by a tail that last stood at `known`.
async fn catch_up_from(pool: &PgPool, config: &Config, known: &mut tail::Known) {
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM event_log")
        .fetch_one(pool)
        .await
        .expect("count");
    for _ in 0..2_000 {
        tail::step(pool, config, known).await.expect("step");
        let folded: i64 = sqlx::query_scalar("SELECT events FROM views.checkpoint")
            .fetch_one(pool)
            .await
            .expect("checkpoint");
        if folded == total {
            return;
        }
        // A transaction in flight anywhere in the cluster holds the global read back a moment.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the views never caught up with the log");
}

/// An account's balance as the views hold it.
async fn balance(pool: &PgPool, guild: i64, account: &str) -> i64 {
    sqlx::query_scalar("SELECT balance FROM views.accounts WHERE guild_id = $1 AND account = $2")
        .bind(guild)
        .bind(account)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{account} of guild {guild} in the views: {e}"))
}

/// A member of guild 1's XP from messages, as the views hold it.
async fn message_xp(pool: &PgPool, user: i64) -> i64 {
    sqlx::query_scalar("SELECT message_xp FROM views.members WHERE guild_id = 1 AND user_id = $1")
        .bind(user)
        .fetch_one(pool)
        .await
        .expect("member")
}

/// A digest of every view table, in `ddl::VIEW_TABLES` order.
async fn digest(pool: &PgPool) -> String {
    let mut digest = String::new();
    for (table, order) in ddl::VIEW_TABLES {
        let d: Option<String> = sqlx::query_scalar(&format!(
            "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY {order}), '')) FROM views.{table} t"
        ))
        .fetch_one(pool)
        .await
        .expect("digest");
        digest.push_str(&format!("{table}={} ", d.unwrap_or_default()));
    }
    digest
}

fn message(member: i64, id: i64) -> Event {
    Event::MessagePosted {
        member: UserId(member),
        channel: ChannelId(9),
        message: MessageId(id),
        xp: Xp(7),
        posted_at: common::at(0),
    }
}

async fn scenario(pool: &PgPool) {
    let mut events = vec![
        grant(2, 1_000),
        grant(3, 1_000),
        message(2, 1),
        publish(1, 2, 1, 100),
        publish(2, 2, 1, 40),
        purchase(1, 1, 3, 2, 100),
        review(1, 3, 2, 4),
        refund(1, 3, 2, 100),
        publish(1, 2, 2, 120),
        purchase(1, 2, 3, 2, 120),
        purchase(2, 1, 4, 2, 40),
        feature(1, 2, 30),
        pay(3, 4, 25),
    ];
    events.extend(commission(1, 3, 4, 400, 20));
    append(pool, 1, events).await;
    append(pool, 2, vec![grant(2, 50), pay(2, 5, 50)]).await;
}

/// Every index of the live views, as its definition.
async fn indexes(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'views' ORDER BY indexname",
    )
    .fetch_all(pool)
    .await
    .expect("indexes")
}

#[tokio::test]
async fn a_tail_one_event_at_a_time_and_a_replay_build_the_same_economy_views() {
    common::with_scratch(|pool, url| async move {
        scenario(&pool).await;
        tail::ensure_views(&pool).await.expect("views");
        let one_by_one = config(url.clone(), 1);
        catch_up(&pool, &one_by_one).await;
        let live = digest(&pool).await;
        let indexed = indexes(&pool).await;

        replay::replay(&pool, &config(url.clone(), 5_000), false)
            .await
            .expect("replay");
        catch_up(&pool, &one_by_one).await;
        assert_eq!(digest(&pool).await, live);
        // Built after the fold, the rebuilt views have every index the live ones had (the
        // leaderboards and the market's pages read through them).
        assert_eq!(indexes(&pool).await, indexed);
        assert!(
            indexed.iter().any(|i| i.contains("members_by_xp")),
            "{indexed:?}"
        );

        // A rebuild that reads 2 events at a time and writes its rows whenever it holds 5 loads
        // back, batch after batch, what it wrote before: the same views.
        let small = Config {
            replay_batch: 2,
            replay_flush_rows: 5,
            ..config(url, 5_000)
        };
        replay::replay(&pool, &small, false).await.expect("replay");
        catch_up(&pool, &one_by_one).await;
        assert_eq!(digest(&pool).await, live);

        // What the views hold is what the log says.
        // Seller 2: +90 -90 (refund) +108 +36 -30 (feature).
        assert_eq!(
            balance(&pool, 1, "member:2").await,
            1_000 + 90 - 90 + 108 + 36 - 30
        );
        assert_eq!(balance(&pool, 1, "mint").await, -2_000);
        assert_eq!(balance(&pool, 1, "escrow:1").await, 0);
        assert_eq!(balance(&pool, 2, "member:5").await, 50);
        let audits = projector::audit::verify(&pool).await.expect("verify");
        for a in &audits {
            for (account, credits) in &a.balances {
                let found = balance(&pool, a.guild.0, &account.to_string()).await;
                assert_eq!(found, credits.0, "{account} in guild {}", a.guild);
            }
        }

        let (status, reviewed, version, seq): (String, bool, i64, i64) = sqlx::query_as(
            "SELECT status, reviewed, version, guild_seq FROM views.purchases
             WHERE guild_id = 1 AND listing_id = 1 AND buyer = 3",
        )
        .fetch_one(&pool)
        .await
        .expect("purchase");
        assert_eq!(
            (status.as_str(), reviewed, version, seq),
            ("active", true, 2, 10)
        );
        let (sales, refunds, rating_sum, rating_count, price, featured): (
            i64,
            i64,
            i64,
            i64,
            i64,
            Option<chrono::DateTime<chrono::Utc>>,
        ) = sqlx::query_as(
            "SELECT sales, refunds, rating_sum, rating_count, price, featured_until
             FROM views.listings WHERE guild_id = 1 AND listing_id = 1",
        )
        .fetch_one(&pool)
        .await
        .expect("listing");
        assert_eq!(
            (sales, refunds, rating_sum, rating_count, price),
            (1, 1, 4, 1, 120)
        );
        assert!(featured.is_some());
        let (line, balance_after, memo, counterparts): (i32, i64, Option<String>, String) =
            sqlx::query_as(
                "SELECT line, balance_after, memo, counterparts FROM views.postings
                 WHERE guild_id = 1 AND guild_seq = 6 AND account = 'member:3'",
            )
            .fetch_one(&pool)
            .await
            .expect("posting");
        assert_eq!(
            (line, balance_after, memo.as_deref(), counterparts.as_str()),
            (1, 900, Some("listing 1 v1"), "member:2 +90, treasury +10")
        );
        let (status, escrow, released, fee): (String, i64, i64, i64) = sqlx::query_as(
            "SELECT status, escrow, released, fee FROM views.commissions
             WHERE guild_id = 1 AND commission_id = 1",
        )
        .fetch_one(&pool)
        .await
        .expect("commission");
        assert_eq!(
            (status.as_str(), escrow, released, fee),
            ("auto_released", 0, 400, 20)
        );
        let (xp, message_xp): (i64, i64) = sqlx::query_as(
            "SELECT xp, message_xp FROM views.members WHERE guild_id = 1 AND user_id = 2",
        )
        .fetch_one(&pool)
        .await
        .expect("seller");
        // Three sales at 15 XP each, one of them refunded: the refund took its XP back.
        assert_eq!((xp, message_xp), (7 + 3 * 15 - 15, 7));
        let members: i64 =
            sqlx::query_scalar("SELECT count(*) FROM views.members WHERE guild_id = 2")
                .fetch_one(&pool)
                .await
                .expect("count");
        assert_eq!(members, 0, "payments alone make no member rows");
    })
    .await;
}

#[tokio::test]
async fn a_tail_whose_views_a_rebuild_swapped_in_folds_nothing_twice_and_forgets_the_rows_it_held()
{
    common::with_scratch(|pool, url| async move {
        scenario(&pool).await;
        tail::ensure_views(&pool).await.expect("views");
        let live = config(url.clone(), 1);
        // The tail remembers where its last batch left the views.
        let mut known = None;
        catch_up_from(&pool, &live, &mut known).await;
        assert!(known.is_some(), "the tail remembers its checkpoint");

        // The tail holds member 3 as it wrote them.
        append(&pool, 1, vec![message(3, 9)]).await;
        catch_up_from(&pool, &live, &mut known).await;

        // Three more messages of member 2 and one of member 3, then a rebuild folds them and
        // swaps its views in: the tail's checkpoint is now behind the views'.
        let mut more: Vec<Event> = (10..13).map(|id| message(2, id)).collect();
        more.push(message(3, 13));
        append(&pool, 1, more).await;
        replay::replay(&pool, &config(url, 5_000), false)
            .await
            .expect("replay");
        let rebuilt = digest(&pool).await;
        catch_up_from(&pool, &live, &mut known).await;
        assert_eq!(
            digest(&pool).await,
            rebuilt,
            "the tail folded the messages again"
        );
        assert_eq!(
            message_xp(&pool, 2).await,
            4 * 7,
            "four messages at 7 XP, each counted once"
        );

        // The rows the tail held from before the swap are not the views' any more: member 3's
        // next message is folded onto the rebuilt member, not onto the one the tail remembered.
        append(&pool, 1, vec![message(3, 14)]).await;
        catch_up_from(&pool, &live, &mut known).await;
        assert_eq!(
            message_xp(&pool, 3).await,
            3 * 7,
            "member 3's three messages at 7 XP"
        );
    })
    .await;
}

#[tokio::test]
async fn views_of_an_older_layout_are_rebuilt_when_the_projector_starts() {
    common::with_scratch(|pool, url| async move {
        append(&pool, 1, vec![grant(2, 10)]).await;
        let layout = tail::ensure_views(&pool).await.expect("views");
        assert_eq!(
            layout,
            Some(ddl::LAYOUT_VERSION),
            "new views have the current layout"
        );
        sqlx::query("UPDATE views.layout SET version = 1")
            .execute(&pool)
            .await
            .expect("age the views");
        sqlx::query("DROP TABLE views.accounts")
            .execute(&pool)
            .await
            .expect("age the views");
        let mut config = config(url, 100);
        let metrics = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port");
        config.metrics_addr = Some(metrics);
        // No NATS here: the run stops with an error right after the rebuild, which is all this
        // test needs.
        let stopped = tail::run(pool.clone(), config, std::future::pending()).await;
        assert!(
            matches!(stopped, Err(projector::Error::Nats(_))),
            "{stopped:?}"
        );
        // Operators watched the rebuild at /metrics: it folded the log's one event, and is over.
        let scrape = get(metrics, "/metrics").await;
        for line in [
            "studio_projector_rebuilding 0",
            "studio_projector_replay_events_replayed 1",
            "studio_projector_replay_events_to_replay 1",
        ] {
            assert!(scrape.lines().any(|l| l == line), "{line:?} in\n{scrape}");
        }
        let layout: i32 = sqlx::query_scalar("SELECT version FROM views.layout")
            .fetch_one(&pool)
            .await
            .expect("layout");
        assert_eq!(layout, ddl::LAYOUT_VERSION);
        assert_eq!(balance(&pool, 1, "member:2").await, 10);
    })
    .await;
}

#[tokio::test]
async fn a_replay_waits_for_an_event_an_older_transaction_in_flight_keeps_unreadable() {
    common::with_scratch(|pool, url| async move {
        append(&pool, 1, vec![grant(2, 10)]).await;
        // A transaction elsewhere holds an id and stays open: the grant committed after it began
        // is in the log, but no global reader may see it until that transaction ends.
        let mut held = pool.begin().await.expect("begin");
        sqlx::query("SELECT pg_current_xact_id()")
            .execute(&mut *held)
            .await
            .expect("an id");
        append(&pool, 1, vec![grant(2, 5)]).await;
        let config = config(url, 100);
        let counters = config.counters.clone();
        // It ends only once the rebuild folded what it could read and is looking for the rest.
        let ends = tokio::spawn(async move {
            while counters.replayed.load(Ordering::Relaxed) == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            held.commit().await.expect("commit");
        });
        let replayed = replay::replay(&pool, &config, false).await.expect("replay");
        ends.await.expect("the held transaction");
        assert_eq!(replayed.events, 2, "the rebuild folded both grants");
        // No live tail runs here: what the views show, the rebuild folded.
        assert_eq!(balance(&pool, 1, "member:2").await, 15);
    })
    .await;
}

#[tokio::test]
async fn a_replay_that_meets_an_event_it_cannot_read_stops_there_and_leaves_the_live_views() {
    common::with_scratch(|pool, url| async move {
        scenario(&pool).await;
        tail::ensure_views(&pool).await.expect("views");
        catch_up(&pool, &config(url.clone(), 1)).await;
        let live = digest(&pool).await;
        // An event no version of Studio wrote, then more events behind it: the reader has
        // batches after it in flight when it fails.
        sqlx::query(
            "INSERT INTO event_log (guild_id, guild_seq, event_id, event_type, schema_version,
                                    payload, causation_id, occurred_at)
             VALUES (7, 1, gen_random_uuid(), 'Nope', 1, '{\"type\": \"Nope\"}', 'forged', now())",
        )
        .execute(&pool)
        .await
        .expect("insert");
        append(&pool, 8, (1..=9).map(|id| message(2, id)).collect()).await;

        let small = Config {
            replay_batch: 2,
            ..config(url, 5_000)
        };
        let err = replay::replay(&pool, &small, false)
            .await
            .expect_err("a replay over an unreadable event fails");
        assert!(err.to_string().contains("Nope"), "{err}");
        assert_eq!(digest(&pool).await, live, "the live views are untouched");
    })
    .await;
}
