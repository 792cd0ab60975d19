//! A commission: a client hires a developer, the price is held in escrow, then released, refunded
//! or split.

use crate::Entity;
use chrono::{DateTime, Utc};
use studio_schema::economy::Settlement;
use studio_schema::{Account, CommissionId, Credits, Event, UserId};

/// Where a commission stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CommissionStatus {
    Offered,
    Accepted,
    Funded,
    Delivered { auto_release_at: DateTime<Utc> },
    Disputed,
    Settled(Settlement),
}

impl CommissionStatus {
    /// The name the views store and members read.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Offered => "offered",
            Self::Accepted => "accepted",
            Self::Funded => "funded",
            Self::Delivered { .. } => "delivered",
            Self::Disputed => "disputed",
            Self::Settled(s) => settlement_name(s),
        }
    }

    /// The stage as members read it in a refusal: a settled commission is closed.
    #[must_use]
    pub fn stage(self) -> &'static str {
        match self {
            Self::Settled(_) => "closed",
            other => other.name(),
        }
    }

    /// The status a stored name means; a delivered commission needs its release time.
    #[must_use]
    pub fn parse(name: &str, auto_release_at: Option<DateTime<Utc>>) -> Option<Self> {
        const SETTLEMENTS: [Settlement; 7] = [
            Settlement::Released,
            Settlement::AutoReleased,
            Settlement::RefundedAfterDeadline,
            Settlement::Withdrawn,
            Settlement::ResolvedRelease,
            Settlement::ResolvedRefund,
            Settlement::ResolvedSplit,
        ];
        Some(match name {
            "offered" => Self::Offered,
            "accepted" => Self::Accepted,
            "funded" => Self::Funded,
            "delivered" => Self::Delivered {
                auto_release_at: auto_release_at?,
            },
            "disputed" => Self::Disputed,
            other => Self::Settled(
                SETTLEMENTS
                    .into_iter()
                    .find(|s| settlement_name(*s) == other)?,
            ),
        })
    }
}

/// The stored name of a settlement: its serde (snake case) name.
#[must_use]
pub fn settlement_name(settlement: Settlement) -> &'static str {
    match settlement {
        Settlement::Released => "released",
        Settlement::AutoReleased => "auto_released",
        Settlement::RefundedAfterDeadline => "refunded_after_deadline",
        Settlement::Withdrawn => "withdrawn",
        Settlement::ResolvedRelease => "resolved_release",
        Settlement::ResolvedRefund => "resolved_refund",
        Settlement::ResolvedSplit => "resolved_split",
    }
}

/// A commission between a client and a developer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Commission {
    pub client: UserId,
    pub developer: UserId,
    pub amount: Credits,
    /// The fee the client paid on top, once funded.
    pub fee: Credits,
    pub description: String,
    pub deadline: DateTime<Utc>,
    pub status: CommissionStatus,
    /// Paid to the developer so far (milestones and settlement).
    pub released: Credits,
}

impl Entity for Commission {
    type Key = CommissionId;

    fn keys(event: &Event, each: &mut dyn FnMut(CommissionId)) {
        match event {
            Event::CommissionOffered(e) => each(e.commission),
            Event::CommissionAccepted(e) => each(e.commission),
            Event::CommissionFunded(e) => each(e.commission),
            Event::MilestoneReleased(e) => each(e.commission),
            Event::CommissionDelivered(e) => each(e.commission),
            Event::CommissionDisputed(e) => each(e.commission),
            Event::CommissionSettled(e) => each(e.commission),
            Event::ActionUndone(u) => {
                if let Some(c) = u.commission_disputed {
                    each(c);
                }
            }
            _ => {}
        }
    }

    fn evolve(slot: &mut Option<Self>, _: CommissionId, event: &Event) {
        if let Event::CommissionOffered(o) = event {
            *slot = Some(Self {
                client: o.client,
                developer: o.developer,
                amount: o.amount,
                fee: Credits::ZERO,
                description: o.description.clone(),
                deadline: o.deadline,
                status: CommissionStatus::Offered,
                released: Credits::ZERO,
            });
            return;
        }
        let Some(c) = slot else {
            return;
        };
        match event {
            Event::CommissionAccepted(_) => c.status = CommissionStatus::Accepted,
            Event::CommissionFunded(f) => {
                c.amount = f.amount;
                c.fee = f.fee;
                c.status = CommissionStatus::Funded;
            }
            Event::MilestoneReleased(_) => c.released = paid_to(c.developer, event, c.released),
            Event::CommissionDelivered(d) => {
                c.status = CommissionStatus::Delivered {
                    auto_release_at: d.auto_release_at,
                };
            }
            Event::CommissionDisputed(_) => c.status = CommissionStatus::Disputed,
            Event::CommissionSettled(s) => {
                c.released = paid_to(c.developer, event, c.released);
                c.status = CommissionStatus::Settled(s.settlement);
            }
            // An admin's settlement undone: what it paid the developer is back in escrow.
            Event::ActionUndone(u) if u.commission_disputed.is_some() => {
                c.released = paid_to(c.developer, event, c.released);
                c.status = CommissionStatus::Disputed;
            }
            _ => {}
        }
    }
}

/// `so_far` plus what the event's postings pay `developer`.
fn paid_to(developer: UserId, event: &Event, so_far: Credits) -> Credits {
    let paid = event
        .postings()
        .iter()
        .filter(|p| p.account == Account::Member(developer) && p.amount.0 > 0)
        .fold(0, |sum: i64, p| sum.saturating_add(p.amount.0));
    Credits(so_far.0.saturating_add(paid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_status_reads_back_from_its_stored_name() {
        let at = Utc.timestamp_opt(1_700_000_000, 0).single().expect("valid");
        let mut all = vec![
            CommissionStatus::Offered,
            CommissionStatus::Accepted,
            CommissionStatus::Funded,
            CommissionStatus::Delivered {
                auto_release_at: at,
            },
            CommissionStatus::Disputed,
        ];
        all.extend(
            [
                Settlement::Released,
                Settlement::AutoReleased,
                Settlement::RefundedAfterDeadline,
                Settlement::Withdrawn,
                Settlement::ResolvedRelease,
                Settlement::ResolvedRefund,
                Settlement::ResolvedSplit,
            ]
            .map(CommissionStatus::Settled),
        );
        for status in all {
            let release = match status {
                CommissionStatus::Delivered { auto_release_at } => Some(auto_release_at),
                _ => None,
            };
            assert_eq!(
                CommissionStatus::parse(status.name(), release),
                Some(status)
            );
        }
        assert_eq!(CommissionStatus::parse("lost", None), None);
    }
}
