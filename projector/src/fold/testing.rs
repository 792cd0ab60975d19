//! Events for the fold's tests.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use studio_schema::economy::{
    CreditsAdjusted, CreditsTransferred, ListingDetails, ListingPublished, ListingPurchased,
    ListingReviewed, PurchaseRefunded,
};
use studio_schema::log::RecordedEvent;
use studio_schema::money::Postings;
use studio_schema::{Account, Credits, Event, GuildId, ListingId, UserId, Xp};

/// `secs` after the tests' epoch (a Wednesday).
pub fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
        .single()
        .expect("valid")
        + TimeDelta::seconds(secs)
}

/// `event` as guild 1's `seq`th, at the tests' epoch.
pub fn recorded(seq: i64, event: Event) -> RecordedEvent {
    RecordedEvent {
        position: seq,
        guild_id: GuildId(1),
        guild_seq: seq,
        event_id: uuid::Uuid::nil(),
        event,
        actor_id: None,
        causation_id: seq.to_string(),
        occurred_at: at(0),
        recorded_at: at(0),
    }
}

fn member(id: i64) -> Account {
    Account::Member(UserId(id))
}

/// The mint gives `member` `amount`.
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

/// `from` pays `to` `amount`, noted "thanks".
pub fn pay(from: i64, to: i64, amount: i64) -> Event {
    Event::CreditsTransferred(CreditsTransferred {
        from: UserId(from),
        to: UserId(to),
        amount: Credits(amount),
        note: Some("thanks".into()),
        postings: Postings::new()
            .mov(member(from), member(to), Credits(amount))
            .build(),
    })
}

fn published(id: i64, seller: i64, version: i64, title: String, price: i64) -> ListingPublished {
    ListingPublished {
        listing: ListingId(id),
        seller: UserId(seller),
        version,
        details: ListingDetails {
            title,
            description: "does things".into(),
            language: "rust".into(),
            price: Credits(price),
            code_sha256: studio_schema::content::sha256_hex(&format!("code {version}")),
        },
        published_at: None,
    }
}

/// Listing `id`'s first version, titled "listing {id}".
pub fn listing(id: i64, seller: i64, price: i64) -> Event {
    Event::ListingCreated(published(id, seller, 1, format!("listing {id}"), price))
}

/// Listing `id`'s `version`, titled "listing {id} v{version}".
pub fn edit(id: i64, seller: i64, version: i64, price: i64) -> Event {
    Event::ListingEdited(published(
        id,
        seller,
        version,
        format!("listing {id} v{version}"),
        price,
    ))
}

/// 10% of `price`.
fn tax(price: i64) -> i64 {
    price / 10
}

/// `buyer` buys listing `id` at `price`; the seller pays 10% tax and earns `xp`.
pub fn purchase(id: i64, buyer: i64, seller: i64, price: i64, xp: i64) -> Event {
    Event::ListingPurchased(ListingPurchased {
        listing: ListingId(id),
        version: 1,
        buyer: UserId(buyer),
        seller: UserId(seller),
        price: Credits(price),
        tax: Credits(tax(price)),
        tax_percent: 10,
        seller_rank: "Novice".into(),
        seller_xp: Xp(xp),
        postings: Postings::new()
            .mov(member(buyer), member(seller), Credits(price))
            .mov(member(seller), Account::Treasury, Credits(tax(price)))
            .build(),
    })
}

/// The seller and the treasury give `buyer` the `price` of listing `id` back.
pub fn refund(id: i64, buyer: i64, seller: i64, price: i64) -> Event {
    Event::PurchaseRefunded(PurchaseRefunded {
        listing: ListingId(id),
        buyer: UserId(buyer),
        seller: UserId(seller),
        by: UserId(seller),
        reason: "changed my mind".into(),
        postings: Postings::new()
            .mov(member(seller), member(buyer), Credits(price - tax(price)))
            .mov(Account::Treasury, member(buyer), Credits(tax(price)))
            .build(),
        seller_xp: Xp(0),
    })
}

/// `reviewer` gives listing `id` `stars` and earns `xp`.
pub fn review(id: i64, reviewer: i64, seller: i64, stars: i64, xp: i64) -> Event {
    Event::ListingReviewed(ListingReviewed {
        listing: ListingId(id),
        seller: UserId(seller),
        reviewer: UserId(reviewer),
        stars,
        text: format!("{stars} stars"),
        reviewer_xp: Xp(xp),
    })
}
