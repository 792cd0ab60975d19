//! A scratch database per test, and economy events to append to it.

#![allow(dead_code)]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use futures_util::FutureExt;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;
use studio_schema::economy::{
    CommissionDelivered, CommissionFunded, CommissionOffered, CommissionSettled, CommissionStep,
    CreditsAdjusted, CreditsTransferred, ListingDetails, ListingFeatured, ListingPublished,
    ListingPurchased, ListingReviewed, MilestoneReleased, PurchaseRefunded, Settlement,
};
use studio_schema::log::{self, NewEvent};
use studio_schema::money::Postings;
use studio_schema::{Account, CommissionId, Credits, Event, GuildId, ListingId, UserId, Xp};

/// The server tests create their databases on: `DATABASE_URL`, else the local trust-auth one.
fn admin_url() -> String {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

/// Runs `body` against a fresh, migrated database and drops it afterwards, even if `body` panics.
pub async fn with_scratch<F, Fut>(body: F)
where
    F: FnOnce(PgPool, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let admin_url = admin_url();
    let database = format!(
        "projector_test_{}",
        &uuid::Uuid::new_v4().simple().to_string()[..16]
    );
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&admin_url)
        .await
        .expect("connect to DATABASE_URL (or postgres://postgres@127.0.0.1:5432)");
    sqlx::query(&format!("CREATE DATABASE {database}"))
        .execute(&admin)
        .await
        .expect("create scratch database");
    let url = with_database(&admin_url, &database);
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect(&url)
        .await
        .expect("connect to scratch database");
    studio_schema::MIGRATOR
        .run(&pool)
        .await
        .expect("migrations");
    let outcome = AssertUnwindSafe(body(pool.clone(), url))
        .catch_unwind()
        .await;
    let _ = tokio::time::timeout(Duration::from_secs(5), pool.close()).await;
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        .execute(&admin)
        .await;
    admin.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// `secs` after the tests' epoch.
pub fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
        .single()
        .expect("valid")
        + TimeDelta::seconds(secs)
}

/// Appends `events` to `guild` after its head, one an hour apart from the epoch, each caused by
/// `cause-<seq>`.
pub async fn append(pool: &PgPool, guild: i64, events: Vec<Event>) {
    let guild = GuildId(guild);
    let head = log::guild_head(pool, guild).await.expect("head");
    let new: Vec<NewEvent> = (head + 1..)
        .zip(events)
        .map(|(seq, event)| NewEvent {
            event,
            actor_id: None,
            causation_id: format!("cause-{seq}"),
            occurred_at: at(seq * 3_600),
        })
        .collect();
    log::append(pool, guild, head, &new, &[])
        .await
        .expect("append");
}

pub fn member(id: i64) -> Account {
    Account::Member(UserId(id))
}

pub fn grant(to: i64, amount: i64) -> Event {
    Event::CreditsGranted(CreditsAdjusted {
        member: UserId(to),
        amount: Credits(amount),
        reason: "welcome".into(),
        by: UserId(1),
        postings: Postings::new()
            .mov(Account::Mint, member(to), Credits(amount))
            .build(),
    })
}

/// A payment, whether or not `from` can afford it (the log takes what it is given).
pub fn pay(from: i64, to: i64, amount: i64) -> Event {
    Event::CreditsTransferred(CreditsTransferred {
        from: UserId(from),
        to: UserId(to),
        amount: Credits(amount),
        note: Some(format!("{from} pays {to}")),
        postings: Postings::new()
            .mov(member(from), member(to), Credits(amount))
            .build(),
    })
}

pub fn publish(id: i64, seller: i64, version: i64, price: i64) -> Event {
    let published = ListingPublished {
        listing: ListingId(id),
        seller: UserId(seller),
        version,
        details: ListingDetails {
            title: format!("listing {id} v{version}"),
            description: "a tool".into(),
            language: "rust".into(),
            price: Credits(price),
            code_sha256: studio_schema::content::sha256_hex(&format!(
                "https://example.invalid/{id}/{version}"
            )),
        },
        published_at: None,
    };
    if version == 1 {
        Event::ListingCreated(published)
    } else {
        Event::ListingEdited(published)
    }
}

pub fn purchase(id: i64, version: i64, buyer: i64, seller: i64, price: i64) -> Event {
    let tax = price / 10;
    Event::ListingPurchased(ListingPurchased {
        listing: ListingId(id),
        version,
        buyer: UserId(buyer),
        seller: UserId(seller),
        price: Credits(price),
        tax: Credits(tax),
        tax_percent: 10,
        seller_rank: "Novice".into(),
        seller_xp: Xp(15),
        postings: Postings::new()
            .mov(member(buyer), member(seller), Credits(price))
            .mov(member(seller), Account::Treasury, Credits(tax))
            .build(),
    })
}

pub fn refund(id: i64, buyer: i64, seller: i64, price: i64) -> Event {
    let tax = price / 10;
    Event::PurchaseRefunded(PurchaseRefunded {
        listing: ListingId(id),
        buyer: UserId(buyer),
        seller: UserId(seller),
        by: UserId(seller),
        reason: "did not work".into(),
        postings: Postings::new()
            .mov(member(seller), member(buyer), Credits(price - tax))
            .mov(Account::Treasury, member(buyer), Credits(tax))
            .build(),
        seller_xp: Xp(15),
    })
}

pub fn review(id: i64, reviewer: i64, seller: i64, stars: i64) -> Event {
    Event::ListingReviewed(ListingReviewed {
        listing: ListingId(id),
        seller: UserId(seller),
        reviewer: UserId(reviewer),
        stars,
        text: "nice".into(),
        reviewer_xp: Xp(5),
    })
}

pub fn feature(id: i64, seller: i64, cost: i64) -> Event {
    Event::ListingFeatured(ListingFeatured {
        listing: ListingId(id),
        seller: UserId(seller),
        cost: Credits(cost),
        until: at(7 * 86_400),
        postings: Postings::new()
            .mov(member(seller), Account::Treasury, Credits(cost))
            .build(),
    })
}

/// A commission from offer to an automatic release, with a milestone on the way.
pub fn commission(id: i64, client: i64, developer: i64, amount: i64, fee: i64) -> Vec<Event> {
    let c = CommissionId(id);
    let escrow = Account::Escrow(c);
    let milestone = amount / 4;
    vec![
        Event::CommissionOffered(CommissionOffered {
            commission: c,
            client: UserId(client),
            developer: UserId(developer),
            amount: Credits(amount),
            description: format!("commission {id}"),
            deadline: at(14 * 86_400),
        }),
        Event::CommissionAccepted(CommissionStep {
            commission: c,
            by: UserId(developer),
        }),
        Event::CommissionFunded(CommissionFunded {
            commission: c,
            client: UserId(client),
            amount: Credits(amount),
            fee: Credits(fee),
            postings: Postings::new()
                .mov(member(client), escrow, Credits(amount + fee))
                .build(),
        }),
        Event::MilestoneReleased(MilestoneReleased {
            commission: c,
            amount: Credits(milestone),
            note: "first part".into(),
            postings: Postings::new()
                .mov(escrow, member(developer), Credits(milestone))
                .build(),
        }),
        Event::CommissionDelivered(CommissionDelivered {
            commission: c,
            developer: UserId(developer),
            at: at(86_400),
            auto_release_at: at(4 * 86_400),
        }),
        Event::CommissionSettled(CommissionSettled {
            commission: c,
            settlement: Settlement::AutoReleased,
            by: None,
            developer_percent: None,
            at: at(4 * 86_400),
            postings: Postings::new()
                .mov(escrow, member(developer), Credits(amount - milestone))
                .mov(escrow, Account::Treasury, Credits(fee))
                .build(),
        }),
    ]
}
