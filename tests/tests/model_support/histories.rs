//! Random histories of raw events: what a log written by older rules, or an import, may hold. No
//! rule decided them, so they reach states the decider never reaches (a dispute after a refund,
//! a second join, results after a cancellation); both folds must still agree.

use super::Scratch;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use command_service::domain::GuildState;
use proptest::prelude::*;
use studio_schema::community::{
    ProfileUpdated, QuestAssigned, QuestClaimed, ReputationGiven, ReputationRevoked,
    TournamentCancelled, TournamentCreated, TournamentEntered, TournamentPaid,
};
use studio_schema::economy::{
    CommissionDelivered, CommissionDisputed, CommissionFunded, CommissionOffered,
    CommissionSettled, CommissionStep, CreditsAdjusted, DisputeRejected, ListingDetails,
    ListingPublished, ListingPurchased, ListingReviewed, MilestoneReleased, PurchaseDisputed,
    PurchaseRefunded, Settlement,
};
use studio_schema::money::{Postings, TeamId};
use studio_schema::settings::SettingsChange;
use studio_schema::teams::{Membership, MilestoneStep, TeamCreated, TeamMembershipChanged};
use studio_schema::{
    Account, ChannelId, CommissionId, Credits, Event, ListingId, MessageId, SeasonId, TournamentId,
    UserId, Xp,
};

/// A history and the projector's batch size for it.
#[derive(Clone, Debug)]
pub struct History {
    pub events: Vec<(u8, u8, u8, u16)>,
    pub batch: i64,
}

pub fn history() -> impl Strategy<Value = History> {
    (
        prop::collection::vec((0u8..35, any::<u8>(), any::<u8>(), any::<u16>()), 1..120),
        1i64..30,
    )
        .prop_map(|(events, batch)| History { events, batch })
}

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
        .single()
        .expect("a valid time")
        + TimeDelta::minutes(minutes)
}

fn user(n: u8) -> UserId {
    UserId(i64::from(n % 4) + 1)
}

/// The event a tuple stands for, at minute `i`.
#[allow(clippy::too_many_lines)]
fn event(i: i64, (kind, a, b, c): (u8, u8, u8, u16)) -> Event {
    let (m, o) = (user(a), user(b));
    let v = i64::from(c);
    let now = at(i * 30);
    let listing = ListingId(i64::from(b % 2) + 1);
    let commission = CommissionId(i64::from(b % 2) + 1);
    let team = TeamId(i64::from(b % 2) + 1);
    let tournament = TournamentId(i64::from(b % 2) + 1);
    let day = now.date_naive();
    match kind {
        0 => Event::MemberJoined {
            member: m,
            at: now,
            bot: false,
        },
        1 => Event::MemberLeft { member: m, at: now },
        2 => Event::MemberSeen {
            member: m,
            joined_at: now - TimeDelta::days(v % 500),
            bot: c % 9 == 0,
            seen_at: None,
        },
        3 => Event::MessagePosted {
            member: m,
            channel: ChannelId(9),
            message: MessageId(i),
            xp: Xp(v % 11),
            posted_at: now,
        },
        4 => Event::XpGranted {
            member: m,
            xp: Xp(v % 300),
            reason: "help".into(),
            by: UserId(1),
        },
        5 => Event::XpRevoked {
            member: m,
            xp: Xp(v % 600),
            reason: "spam".into(),
            by: UserId(1),
        },
        6 => Event::RankReached {
            member: m,
            rank: ["Learner", "Expert", "Master", "Wizard"][usize::from(b % 4)].into(),
            at: now,
        },
        7 => Event::CreditsGranted(CreditsAdjusted {
            member: m,
            amount: Credits(v % 500 + 1),
            reason: "grant".into(),
            by: UserId(1),
            postings: Postings::new()
                .mov(Account::Mint, Account::Member(m), Credits(v % 500 + 1))
                .build(),
        }),
        8 | 9 => {
            let p = ListingPublished {
                listing,
                seller: m,
                version: v % 3 + 1,
                details: ListingDetails {
                    title: format!("tool {c}"),
                    description: "a tool".into(),
                    language: "rust".into(),
                    price: Credits(v % 100 + 1),
                    code_sha256: studio_schema::content::sha256_hex(&format!("code {c}")),
                },
                published_at: None,
            };
            if kind == 8 {
                Event::ListingCreated(p)
            } else {
                Event::ListingEdited(p)
            }
        }
        10 => Event::ListingPurchased(ListingPurchased {
            listing,
            version: 1,
            buyer: m,
            seller: o,
            price: Credits(v % 100 + 1),
            tax: Credits(v % 10),
            tax_percent: 10,
            seller_rank: "Learner".into(),
            seller_xp: Xp(v % 30),
            postings: Vec::new(),
        }),
        11 => Event::ListingReviewed(ListingReviewed {
            listing,
            seller: o,
            reviewer: m,
            stars: v % 5 + 1,
            text: "ok".into(),
            reviewer_xp: Xp(5),
        }),
        12 => Event::PurchaseRefunded(PurchaseRefunded {
            listing,
            buyer: m,
            seller: o,
            by: o,
            reason: "sorry".into(),
            postings: Vec::new(),
            seller_xp: Xp(v % 40),
        }),
        13 => Event::PurchaseDisputed(PurchaseDisputed {
            listing,
            buyer: m,
            seller: o,
            reason: "broken".into(),
            postings: Vec::new(),
        }),
        14 => Event::DisputeRejected(DisputeRejected {
            listing,
            buyer: m,
            by: UserId(1),
            note: "works".into(),
            postings: Vec::new(),
        }),
        15 => Event::CommissionOffered(CommissionOffered {
            commission,
            client: m,
            developer: o,
            amount: Credits(v % 300 + 1),
            description: "a shader".into(),
            deadline: now + TimeDelta::days(3),
        }),
        16 => Event::CommissionAccepted(CommissionStep { commission, by: o }),
        17 => Event::CommissionFunded(CommissionFunded {
            commission,
            client: m,
            amount: Credits(v % 300 + 1),
            fee: Credits(v % 15),
            postings: Vec::new(),
        }),
        18 => Event::MilestoneReleased(MilestoneReleased {
            commission,
            amount: Credits(v % 50 + 1),
            note: "half".into(),
            postings: Postings::new()
                .mov(
                    Account::Escrow(commission),
                    Account::Member(o),
                    Credits(v % 50 + 1),
                )
                .build(),
        }),
        19 => Event::CommissionDelivered(CommissionDelivered {
            commission,
            developer: o,
            at: now,
            auto_release_at: now + TimeDelta::days(2),
        }),
        20 => Event::CommissionDisputed(CommissionDisputed {
            commission,
            by: m,
            reason: "late".into(),
        }),
        21 => Event::CommissionSettled(CommissionSettled {
            commission,
            settlement: [Settlement::Released, Settlement::ResolvedRefund][usize::from(b % 2)],
            by: None,
            developer_percent: None,
            at: now,
            postings: Vec::new(),
        }),
        22 => Event::TeamCreated(TeamCreated {
            team,
            name: format!("team {c}"),
            description: "games".into(),
            open: c % 2 == 0,
            owner: m,
            fee: Credits(0),
            postings: Vec::new(),
        }),
        23 => Event::TeamMembershipChanged(TeamMembershipChanged {
            team,
            member: m,
            change: [
                Membership::Invited,
                Membership::Requested,
                Membership::Joined,
                Membership::Declined,
                Membership::Left,
                Membership::Kicked,
            ][usize::from(c % 6)],
            by: o,
        }),
        24 => Event::TeamMilestoneChanged(studio_schema::teams::TeamMilestoneChanged {
            team,
            milestone: u32::from(b % 3) + 1,
            by: m,
            step: match c % 3 {
                0 => MilestoneStep::Added {
                    title: "alpha".into(),
                    reward: Credits(v % 20),
                },
                1 => MilestoneStep::Completed { paid: Vec::new() },
                _ => MilestoneStep::Reopened,
            },
            postings: Vec::new(),
        }),
        25 => Event::TournamentCreated(TournamentCreated {
            tournament,
            name: format!("jam {c}"),
            prize: Credits(v % 300 + 1),
            source: Account::Mint,
            ends_at: now + TimeDelta::days(2),
            by: UserId(1),
            postings: Vec::new(),
        }),
        26 => Event::TournamentEntered(TournamentEntered {
            tournament,
            member: m,
        }),
        27 => Event::TournamentPaid(TournamentPaid {
            tournament,
            placings: vec![(m, Credits(v % 100)), (o, Credits(v % 50))],
            returned: Credits(0),
            by: UserId(1),
            postings: Vec::new(),
        }),
        28 => Event::TournamentCancelled(TournamentCancelled {
            tournament,
            by: UserId(1),
            postings: Vec::new(),
        }),
        29 => Event::ProfileUpdated(ProfileUpdated {
            member: m,
            role: "Artist".into(),
            years: v % 30,
            skills: "blender".into(),
            links: String::new(),
            open_to_work: c % 2 == 0,
        }),
        30 => Event::QuestAssigned(QuestAssigned {
            member: m,
            day,
            roll: u64::from(c),
            quest: ["chat", "chatter", "review", "help", "gone"][usize::from(c % 5)].into(),
            target: 1,
            difficulty: 0,
        }),
        31 => Event::QuestClaimed(QuestClaimed {
            member: m,
            day,
            streak: u32::from(c % 7),
            reward: Credits(0),
            xp: Xp(v % 60),
            postings: Vec::new(),
        }),
        32 => {
            if c % 2 == 0 {
                Event::ReputationGiven(ReputationGiven {
                    giver: o,
                    receiver: m,
                    day,
                    message: Some(MessageId(v % 3)),
                    reason: None,
                })
            } else {
                Event::ReputationRevoked(ReputationRevoked {
                    giver: o,
                    receiver: m,
                    day,
                    message: Some(MessageId(v % 3)),
                    by: None,
                    reason: "purge".into(),
                })
            }
        }
        33 => Event::SeasonStarted {
            // Numbered by its place in the history, as the decider numbers seasons: each new.
            season: SeasonId(i + 1),
            name: format!("season {c}"),
            by: UserId(1),
            at: now,
        },
        _ => Event::GuildSettingsChanged {
            by: UserId(1),
            change: SettingsChange {
                message_xp: Some(v % 20),
                rank_role: Some(("Expert".into(), v % 3)),
                no_xp_channel: Some((9, c % 2 == 0)),
                ..SettingsChange::default()
            },
        },
    }
}

impl Scratch {
    /// Appends a raw history, then checks the decider, the views and a replay agree.
    pub async fn check_history(&self, history: &History) -> Result<(), String> {
        let mut state = GuildState::new(self.guild());
        for (i, tuple) in (0i64..).zip(history.events.iter().copied()) {
            let e = event(i, tuple);
            self.append(&mut state, &[e], at(i * 30))
                .await
                .map_err(|e| e.to_string())?;
        }
        self.agree(&state, history.batch).await
    }
}
