//! The report tests' vocabulary: a clock, a cast of members, and a log built event by event with
//! each money event's postings made the way the command service makes them.

use super::LoggedEvent;
use chrono::{DateTime, NaiveDate, Utc};
use studio_schema::community::{QuestClaimed, ReputationGiven};
use studio_schema::economy::{
    CreditsAdjusted, CreditsTransferred, ListingPurchased, ListingReviewed, PurchaseRefunded,
};
use studio_schema::money::{Postings, TeamId};
use studio_schema::teams::{Membership, TeamCreated, TeamMembershipChanged};
use studio_schema::{Account, Credits, Event, ListingId, UserId, Xp};

pub const ADMIN: UserId = UserId(1);
pub const ALICE: UserId = UserId(11);
pub const BOB: UserId = UserId(12);
pub const CAROL: UserId = UserId(13);
pub const DAVE: UserId = UserId(14);
pub const ERIN: UserId = UserId(15);
pub const FRANK: UserId = UserId(16);
pub const GRACE: UserId = UserId(17);
pub const HEIDI: UserId = UserId(18);
pub const NEWBIE: UserId = UserId(99);

/// The clock's zero: Monday 2026-01-05 00:00 UTC, so `days(0..7)` is one report week.
const EPOCH_SECS: i64 = 1_767_571_200;

/// `n` minutes after the epoch.
pub fn minutes(n: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(EPOCH_SECS + n * 60, 0).expect("in chrono's range")
}

/// `n` hours after the epoch.
pub fn hours(n: i64) -> DateTime<Utc> {
    minutes(n * 60)
}

/// `n` days after the epoch (before it when negative).
pub fn days(n: i64) -> DateTime<Utc> {
    hours(n * 24)
}

/// A guild's log, numbered 1, 2, 3… as it is built.
#[derive(Clone, Debug, Default)]
pub struct Log(Vec<LoggedEvent>);

impl Log {
    pub fn new() -> Self {
        Self::default()
    }

    /// `event` happens next, at `at`.
    pub fn at(mut self, at: DateTime<Utc>, event: Event) -> Self {
        let seq = i64::try_from(self.0.len()).expect("small") + 1;
        self.0.push(LoggedEvent { seq, at, event });
        self
    }

    /// The `guild_seq` the next event will get.
    pub fn next_seq(&self) -> i64 {
        i64::try_from(self.0.len()).expect("small") + 1
    }

    pub fn events(self) -> Vec<LoggedEvent> {
        self.0
    }
}

fn member(id: UserId) -> Account {
    Account::Member(id)
}

pub fn seen(who: UserId, joined_at: DateTime<Utc>) -> Event {
    Event::MemberSeen {
        member: who,
        joined_at,
        bot: false,
        seen_at: None,
    }
}

pub fn joined(who: UserId, at: DateTime<Utc>) -> Event {
    Event::MemberJoined {
        member: who,
        at,
        bot: false,
    }
}

pub fn grant(by: UserId, to: UserId, amount: i64) -> Event {
    Event::CreditsGranted(CreditsAdjusted {
        member: to,
        amount: Credits(amount),
        reason: "jam prize".into(),
        by,
        postings: Postings::new()
            .mov(Account::Mint, member(to), Credits(amount))
            .build(),
    })
}

pub fn revoke(by: UserId, from: UserId, amount: i64) -> Event {
    Event::CreditsRevoked(CreditsAdjusted {
        member: from,
        amount: Credits(amount),
        reason: "abuse".into(),
        by,
        postings: Postings::new()
            .mov(member(from), Account::Treasury, Credits(amount))
            .build(),
    })
}

pub fn xp_grant(by: UserId, to: UserId, xp: i64) -> Event {
    Event::XpGranted {
        member: to,
        xp: Xp(xp),
        reason: "great demo".into(),
        by,
    }
}

pub fn pay(from: UserId, to: UserId, amount: i64) -> Event {
    Event::CreditsTransferred(CreditsTransferred {
        from,
        to,
        amount: Credits(amount),
        note: None,
        postings: Postings::new()
            .mov(member(from), member(to), Credits(amount))
            .build(),
    })
}

/// `buyer` buys `seller`'s `listing` at `price`, the seller paying `tax`.
pub fn buy(buyer: UserId, seller: UserId, listing: i64, price: i64, tax: i64) -> Event {
    Event::ListingPurchased(ListingPurchased {
        listing: ListingId(listing),
        version: 1,
        buyer,
        seller,
        price: Credits(price),
        tax: Credits(tax),
        tax_percent: 10,
        seller_rank: "learner".into(),
        seller_xp: Xp(100),
        postings: Postings::new()
            .mov(member(buyer), member(seller), Credits(price))
            .mov(member(seller), Account::Treasury, Credits(tax))
            .build(),
    })
}

/// The seller refunds `buyer`'s purchase of `listing`: the price back, the tax from the treasury.
pub fn refund(seller: UserId, buyer: UserId, listing: i64, price: i64, tax: i64) -> Event {
    Event::PurchaseRefunded(PurchaseRefunded {
        listing: ListingId(listing),
        buyer,
        seller,
        by: seller,
        reason: "changed my mind".into(),
        postings: Postings::new()
            .mov(member(seller), member(buyer), Credits(price - tax))
            .mov(Account::Treasury, member(buyer), Credits(tax))
            .build(),
        seller_xp: Xp(100),
    })
}

pub fn review(reviewer: UserId, seller: UserId, listing: i64, stars: i64) -> Event {
    Event::ListingReviewed(ListingReviewed {
        listing: ListingId(listing),
        seller,
        reviewer,
        stars,
        text: "works".into(),
        reviewer_xp: Xp(25),
    })
}

pub fn rep(giver: UserId, receiver: UserId, day: DateTime<Utc>) -> Event {
    Event::ReputationGiven(ReputationGiven {
        giver,
        receiver,
        day: day.date_naive(),
        message: None,
        reason: None,
    })
}

pub fn quest(who: UserId, reward: i64) -> Event {
    Event::QuestClaimed(QuestClaimed {
        member: who,
        day: NaiveDate::MIN,
        streak: 1,
        reward: Credits(reward),
        xp: Xp(50),
        postings: Postings::new()
            .mov(Account::Mint, member(who), Credits(reward))
            .build(),
    })
}

pub fn team_created(team: i64, owner: UserId, fee: i64) -> Event {
    Event::TeamCreated(TeamCreated {
        team: TeamId(team),
        name: format!("team {team}"),
        description: "a jam team".into(),
        open: true,
        owner,
        fee: Credits(fee),
        postings: Postings::new()
            .mov(member(owner), Account::Treasury, Credits(fee))
            .build(),
    })
}

pub fn team_joined(team: i64, who: UserId) -> Event {
    Event::TeamMembershipChanged(TeamMembershipChanged {
        team: TeamId(team),
        member: who,
        change: Membership::Joined,
        by: who,
    })
}

/// An ordinary busy guild over three weeks: twelve members who joined months ago chat, claim
/// quests, pay each other for help in varied amounts (never round a small ring), buy each other's
/// code and review it, thank each other with reputation (never trading it back and forth), and
/// an admin who pays nobody grants jam prizes. No flag should fire on it.
pub fn busy_guild() -> Log {
    let cast = [ALICE, BOB, CAROL, DAVE, ERIN, FRANK, GRACE, HEIDI];
    let mut log = Log::new().at(days(-200), seen(ADMIN, days(-400)));
    for (n, who) in (0_i64..).zip(cast) {
        log = log.at(days(-200), seen(who, days(-300 + n)));
    }
    for (n, who) in (0_i64..).zip(cast) {
        log = log.at(hours(n), grant(ADMIN, who, 500));
    }
    let mut listing = 0;
    for week in 0..3_i64 {
        for (n, who) in (0_i64..).zip(cast) {
            let day = days(week * 7 + n % 5);
            log = log.at(
                day + chrono::TimeDelta::hours(1),
                quest(who, 50 + 50 * (n % 3)),
            );
            // Help is paid forward along the cast, never back round a small ring.
            let next = cast[usize::try_from(n + 1).expect("small") % cast.len()];
            log = log.at(
                day + chrono::TimeDelta::hours(2),
                pay(who, next, 15 + 10 * n + 5 * week),
            );
        }
        // Two sellers sell to buyers who never sell back to them; buyers review.
        for (buyer, seller) in [(CAROL, ALICE), (DAVE, ALICE), (ERIN, BOB), (FRANK, BOB)] {
            listing += 1;
            let at = days(week * 7 + 3) + chrono::TimeDelta::minutes(listing);
            log = log
                .at(at, buy(buyer, seller, listing, 80, 8))
                .at(at, review(buyer, seller, listing, 5));
        }
        // Reputation flows to the helpful, a different receiver each week.
        let receiver = cast[usize::try_from(week).expect("small")];
        for giver in cast.iter().filter(|g| **g != receiver).take(4) {
            log = log.at(
                days(week * 7 + 4),
                rep(*giver, receiver, days(week * 7 + 4)),
            );
        }
        log = log.at(days(week * 7 + 5), team_created(week + 1, cast[5], 100));
        log = log.at(days(week * 7 + 6), revoke(ADMIN, cast[7], 10));
    }
    log
}
