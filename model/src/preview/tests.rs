//! Given a log, when an admin previews a change, then the preview says what it would do.

use super::*;
use chrono::TimeZone;
use studio_schema::community::{QuestAssigned, QuestClaimed};
use studio_schema::economy::ListingPurchased;
use studio_schema::{ChannelId, Credits, ListingId, MessageId, Xp};

const ALICE: UserId = UserId(1);
const BOB: UserId = UserId(2);

fn now() -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000, 0).single().expect("valid")
}

fn days_ago(n: i64) -> DateTime<Utc> {
    now() - TimeDelta::days(n)
}

fn joined(member: UserId, days: i64) -> (DateTime<Utc>, Event) {
    let at = days_ago(days);
    (
        at,
        Event::MemberJoined {
            member,
            at,
            bot: false,
        },
    )
}

fn sale(seller: UserId, price: i64, tax: i64, days: i64) -> (DateTime<Utc>, Event) {
    let event = Event::ListingPurchased(ListingPurchased {
        listing: ListingId(1),
        version: 1,
        buyer: UserId(99),
        seller,
        price: Credits(price),
        tax: Credits(tax),
        tax_percent: 0,
        seller_rank: "Learner".into(),
        seller_xp: Xp(100),
        postings: Vec::new(),
    });
    (days_ago(days), event)
}

fn message(member: UserId, xp: i64, at: DateTime<Utc>) -> (DateTime<Utc>, Event) {
    let event = Event::MessagePosted {
        member,
        channel: ChannelId(7),
        message: MessageId(at.timestamp()),
        xp: Xp(xp),
        posted_at: at,
    };
    (at, event)
}

fn run(log: &[(DateTime<Utc>, Event)], change: &SettingsChange) -> Preview {
    preview(log.iter().map(|(at, e)| (*at, e)), change, now())
}

#[test]
fn faster_ranks_name_who_gains_and_slower_ranks_who_loses() {
    // Given alice 100 days in the guild (a Learner) and bob 10 days (a Beginner)
    let log = [joined(ALICE, 100), joined(BOB, 10)];
    // When ranks need 0, 2 and 3 months
    let faster = run(
        &log,
        &SettingsChange {
            rank_months: Some([0, 2, 3]),
            ..SettingsChange::default()
        },
    );
    // Then alice would be a Master and bob a Learner
    assert_eq!(
        faster.ranks,
        [
            RankMove {
                member: ALICE,
                from: Rank::Learner,
                to: Rank::Master
            },
            RankMove {
                member: BOB,
                from: Rank::Beginner,
                to: Rank::Learner
            },
        ]
    );
    // And when Learner needs 6 months, alice loses her rank and bob keeps his
    let slower = run(
        &log,
        &SettingsChange {
            rank_months: Some([6, 12, 36]),
            ..SettingsChange::default()
        },
    );
    assert_eq!(
        slower.ranks,
        [RankMove {
            member: ALICE,
            from: Rank::Learner,
            to: Rank::Beginner
        }]
    );
}

#[test]
fn taxes_are_redecided_by_the_sellers_rank_at_the_sale_under_the_new_rules() {
    // Given alice (a Learner at her sales) sold twice in the last 30 days and once before
    let log = [
        joined(ALICE, 100),
        sale(ALICE, 200, 20, 40),
        sale(ALICE, 200, 20, 20),
        sale(ALICE, 100, 10, 5),
    ];
    // When the Learner tax goes to 25 % and Learner needs 2 months (still hers at the sales:
    // 80 and 95 days)
    let p = run(
        &log,
        &SettingsChange {
            tax_percent: Some([15, 25, 5, 0]),
            rank_months: Some([2, 12, 36]),
            ..SettingsChange::default()
        },
    );
    // Then the two recent sales would pay 50 + 25 instead of 20 + 10
    assert_eq!(
        p.tax,
        Compare {
            count: 2,
            actual: 30,
            new: 75
        }
    );
    assert_eq!(p.sellers, [(ALICE, p.tax)]);
    // And with Expert from 3 months, her rank differs between the sales: a Learner at 80 days
    // (10 % of 200), an Expert at 95 (5 % of 100)
    let p = run(
        &log,
        &SettingsChange {
            rank_months: Some([1, 3, 36]),
            ..SettingsChange::default()
        },
    );
    assert_eq!((p.tax.actual, p.tax.new), (30, 20 + 5));
}

#[test]
fn quest_rewards_keep_each_claims_difficulty_and_streak() {
    // Given bob claimed a hard quest on a two-day streak 3 days ago
    let day = days_ago(3).date_naive();
    let assigned = Event::QuestAssigned(QuestAssigned {
        member: BOB,
        day,
        roll: 3,
        quest: "help".into(),
        target: 1,
        difficulty: 2,
    });
    let claimed = Event::QuestClaimed(QuestClaimed {
        member: BOB,
        day,
        streak: 2,
        reward: Credits(165),
        xp: Xp(50),
        postings: Vec::new(),
    });
    let log = [(days_ago(3), assigned), (days_ago(3), claimed)];
    // When hard quests pay 300
    let p = run(
        &log,
        &SettingsChange {
            quest_rewards: Some([50, 100, 300]),
            ..SettingsChange::default()
        },
    );
    // Then the claim would have paid 330 (10 % streak bonus)
    assert_eq!(
        p.quests,
        Compare {
            count: 1,
            actual: 165,
            new: 330
        }
    );
}

#[test]
fn messages_are_redecided_under_the_new_xp_and_cooldown() {
    // Given alice's three rewarded messages two minutes apart, and one that earned nothing
    let t = days_ago(1);
    let log = [
        joined(ALICE, 100),
        message(ALICE, 5, t),
        message(ALICE, 5, t + TimeDelta::minutes(2)),
        message(ALICE, 5, t + TimeDelta::minutes(4)),
        message(ALICE, 0, t + TimeDelta::minutes(5)),
    ];
    // When a message earns 20 XP with a 3-minute cooldown
    let p = run(
        &log,
        &SettingsChange {
            message_xp: Some(20),
            xp_cooldown_secs: Some(180),
            ..SettingsChange::default()
        },
    );
    // Then the second falls inside the cooldown: 40 XP instead of 15
    assert_eq!(
        p.message_xp,
        Compare {
            count: 3,
            actual: 15,
            new: 40
        }
    );
    assert_eq!(p.unrewarded_messages, 1);
    let words = text(&p, &|m| format!("member {m}"));
    assert!(words.contains("15 → 40 XP (+25)"), "{words}");
}

#[test]
fn the_text_names_rank_moves_and_tax_tiers() {
    let log = [joined(ALICE, 100), sale(ALICE, 200, 20, 2)];
    let p = run(
        &log,
        &SettingsChange {
            rank_months: Some([0, 2, 3]),
            tax_percent: Some([15, 10, 5, 1]),
            ..SettingsChange::default()
        },
    );
    let words = text(&p, &|m| format!("member {m}"));
    assert!(
        words.contains("member 1 gains a rank: Learner → Master")
            && words.contains("Master 0 % → 1 %")
            && words.contains("(1 sales): 20 → 2 credits (-18)"),
        "{words}"
    );
}
