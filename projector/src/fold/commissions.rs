//! `commissions`: where each commission stands, and what its escrow holds and has paid out.

use super::{Keys, Rows, ledger};
use chrono::{DateTime, Utc};
use studio_schema::economy::Settlement;
use studio_schema::log::RecordedEvent;
use studio_schema::{Account, CommissionId, Event};

/// A row of `commissions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommissionRow {
    pub client: i64,
    pub developer: i64,
    pub amount: i64,
    pub description: String,
    pub deadline: DateTime<Utc>,
    /// `offered`, `accepted`, `funded`, `delivered`, `disputed`, or the settlement's name.
    pub status: String,
    /// The balance of the commission's escrow account.
    pub escrow: i64,
    /// Paid to the developer so far (milestones and settlement).
    pub released: i64,
    pub fee: i64,
    pub auto_release_at: Option<DateTime<Utc>>,
    /// When the last commission event happened.
    pub updated_at: DateTime<Utc>,
}

/// The stored status of a settled commission: the settlement's serde (snake case) name.
#[must_use]
pub fn status_name(settlement: Settlement) -> &'static str {
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

/// The commission an event is about.
fn commission(event: &Event) -> Option<CommissionId> {
    match event {
        Event::CommissionOffered(e) => Some(e.commission),
        Event::CommissionAccepted(e) => Some(e.commission),
        Event::CommissionFunded(e) => Some(e.commission),
        Event::MilestoneReleased(e) => Some(e.commission),
        Event::CommissionDelivered(e) => Some(e.commission),
        Event::CommissionDisputed(e) => Some(e.commission),
        Event::CommissionSettled(e) => Some(e.commission),
        _ => None,
    }
}

/// The commissions whose escrow the event's postings move.
fn escrows(event: &Event) -> impl Iterator<Item = CommissionId> + '_ {
    event.postings().iter().filter_map(|p| match p.account {
        Account::Escrow(id) => Some(id),
        _ => None,
    })
}

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    let g = e.guild_id.0;
    keys.commissions
        .extend(commission(&e.event).into_iter().map(|c| (g, c.0)));
    keys.commissions.extend(escrows(&e.event).map(|c| (g, c.0)));
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    let g = e.guild_id.0;
    if let Event::CommissionOffered(o) = &e.event {
        rows.commissions.insert(
            (g, o.commission.0),
            Some(CommissionRow {
                client: o.client.0,
                developer: o.developer.0,
                amount: o.amount.0,
                description: o.description.clone(),
                deadline: o.deadline,
                status: "offered".into(),
                escrow: ledger::balance(rows, g, Account::Escrow(o.commission)),
                released: 0,
                fee: 0,
                auto_release_at: None,
                updated_at: e.occurred_at,
            }),
        );
    }
    // Escrow is the account's balance, whichever event moved it.
    let moved: Vec<CommissionId> = escrows(&e.event).collect();
    for id in moved {
        let balance = ledger::balance(rows, g, Account::Escrow(id));
        if let Some(c) = row(rows, g, id) {
            c.escrow = balance;
        }
    }
    let Some(id) = commission(&e.event) else {
        return;
    };
    let Some(c) = row(rows, g, id) else {
        return;
    };
    c.updated_at = e.occurred_at;
    let status = match &e.event {
        Event::CommissionAccepted(_) => Some("accepted"),
        Event::CommissionFunded(f) => {
            c.amount = f.amount.0;
            c.fee = f.fee.0;
            Some("funded")
        }
        Event::CommissionDelivered(d) => {
            c.auto_release_at = Some(d.auto_release_at);
            Some("delivered")
        }
        Event::CommissionDisputed(_) => Some("disputed"),
        Event::CommissionSettled(s) => Some(status_name(s.settlement)),
        _ => None,
    };
    if let Some(status) = status {
        status.clone_into(&mut c.status);
    }
    if matches!(
        e.event,
        Event::MilestoneReleased(_) | Event::CommissionSettled(_)
    ) {
        let developer = Account::Member(studio_schema::UserId(c.developer));
        let paid: i64 = e
            .event
            .postings()
            .iter()
            .filter(|p| p.account == developer && p.amount.0 > 0)
            .map(|p| p.amount.0)
            .fold(0, i64::saturating_add);
        c.released = c.released.saturating_add(paid);
    }
}

fn row(rows: &mut Rows, g: i64, id: CommissionId) -> Option<&mut CommissionRow> {
    rows.commissions
        .get_mut(&(g, id.0))
        .and_then(Option::as_mut)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, grant, recorded};
    use super::super::{Rows, apply};
    use super::*;
    use studio_schema::economy::{
        CommissionDelivered, CommissionFunded, CommissionOffered, CommissionSettled,
        CommissionStep, MilestoneReleased,
    };
    use studio_schema::money::Postings;
    use studio_schema::{Credits, UserId};

    const C: CommissionId = CommissionId(3);
    const CLIENT: i64 = 20;
    const DEV: i64 = 30;

    fn member(id: i64) -> Account {
        Account::Member(UserId(id))
    }

    fn lifecycle(settlement: Settlement, settle: Postings) -> Vec<Event> {
        let escrow = Account::Escrow(C);
        vec![
            grant(CLIENT, 1_000),
            Event::CommissionOffered(CommissionOffered {
                commission: C,
                client: UserId(CLIENT),
                developer: UserId(DEV),
                amount: Credits(500),
                description: "a shader".into(),
                deadline: at(7 * 86_400),
            }),
            Event::CommissionAccepted(CommissionStep {
                commission: C,
                by: UserId(DEV),
            }),
            Event::CommissionFunded(CommissionFunded {
                commission: C,
                client: UserId(CLIENT),
                amount: Credits(500),
                fee: Credits(25),
                postings: Postings::new()
                    .mov(member(CLIENT), escrow, Credits(525))
                    .build(),
            }),
            Event::MilestoneReleased(MilestoneReleased {
                commission: C,
                amount: Credits(200),
                note: "first half".into(),
                postings: Postings::new()
                    .mov(escrow, member(DEV), Credits(200))
                    .build(),
            }),
            Event::CommissionDelivered(CommissionDelivered {
                commission: C,
                developer: UserId(DEV),
                at: at(86_400),
                auto_release_at: at(4 * 86_400),
            }),
            Event::CommissionSettled(CommissionSettled {
                commission: C,
                settlement,
                by: None,
                developer_percent: None,
                at: at(4 * 86_400),
                postings: settle.build(),
            }),
        ]
    }

    fn fold_until(events: Vec<Event>, n: usize) -> Rows {
        let mut rows = Rows::default();
        for (seq, e) in (1..).zip(events).take(n) {
            apply(&mut rows, &recorded(seq, e));
        }
        rows
    }

    fn row_of(rows: &Rows) -> CommissionRow {
        rows.commissions[&(1, C.0)].clone().expect("commission")
    }

    #[test]
    fn a_commission_s_status_escrow_and_releases_follow_its_events() {
        let escrow = Account::Escrow(C);
        let events = lifecycle(
            Settlement::AutoReleased,
            Postings::new().mov(escrow, member(DEV), Credits(300)).mov(
                escrow,
                Account::Treasury,
                Credits(25),
            ),
        );
        let expect = [
            (2, "offered", 0, 0),
            (3, "accepted", 0, 0),
            (4, "funded", 525, 0),
            (5, "funded", 325, 200),
            (6, "delivered", 325, 200),
            (7, "auto_released", 0, 500),
        ];
        for (n, status, escrow, released) in expect {
            let c = row_of(&fold_until(events.clone(), n));
            assert_eq!(
                (c.status.as_str(), c.escrow, c.released),
                (status, escrow, released),
                "after {n} events"
            );
        }
        let c = row_of(&fold_until(events, 7));
        assert_eq!(
            (c.amount, c.fee, c.auto_release_at),
            (500, 25, Some(at(4 * 86_400)))
        );
        assert_eq!(c.updated_at, at(0));
    }

    #[test]
    fn a_refund_releases_nothing_more_to_the_developer() {
        let escrow = Account::Escrow(C);
        let rows = fold_until(
            lifecycle(
                Settlement::ResolvedRefund,
                Postings::new().mov(escrow, member(CLIENT), Credits(325)),
            ),
            7,
        );
        let c = row_of(&rows);
        assert_eq!(
            (c.status.as_str(), c.escrow, c.released),
            ("resolved_refund", 0, 200)
        );
    }

    #[test]
    fn status_names_are_the_settlements_serde_names() {
        for s in [
            Settlement::Released,
            Settlement::AutoReleased,
            Settlement::RefundedAfterDeadline,
            Settlement::Withdrawn,
            Settlement::ResolvedRelease,
            Settlement::ResolvedRefund,
            Settlement::ResolvedSplit,
        ] {
            assert_eq!(
                serde_json::to_value(s).expect("encodes"),
                serde_json::json!(status_name(s))
            );
        }
    }
}
