//! `commissions`: where each commission stands (the model's commission), and what its escrow
//! holds.

use super::{CommissionView, Keys, Rows, evolve, ledger};
use studio_model::Entity;
use studio_model::commission::Commission;
use studio_schema::log::RecordedEvent;
use studio_schema::{Account, CommissionId, Event};

/// The commissions whose escrow the event's postings move.
fn escrows(event: &Event) -> impl Iterator<Item = CommissionId> + '_ {
    event.postings().iter().filter_map(|p| match p.account {
        Account::Escrow(id) => Some(id),
        _ => None,
    })
}

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    let g = e.guild_id.0;
    Commission::keys(&e.event, &mut |c| keys.commissions.push((g, c.0)));
    keys.commissions.extend(escrows(&e.event).map(|c| (g, c.0)));
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    let g = e.guild_id.0;
    Commission::keys(&e.event, &mut |id| {
        let slot = rows.commissions.entry((g, id.0)).or_insert(None);
        let new_view = || CommissionView {
            escrow: 0,
            updated_at: e.occurred_at,
        };
        if let Some(c) = evolve(slot, id, &e.event, new_view) {
            c.view.updated_at = e.occurred_at;
        }
    });
    // Escrow is the account's balance, whichever event moved it.
    let moved: Vec<CommissionId> = escrows(&e.event).collect();
    for id in moved {
        let balance = ledger::balance(rows, g, Account::Escrow(id));
        if let Some(Some(c)) = rows.commissions.get_mut(&(g, id.0)) {
            c.view.escrow = balance;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, grant, recorded};
    use super::super::{CommissionRow, Rows, apply};
    use super::*;
    use studio_schema::economy::{
        CommissionDelivered, CommissionFunded, CommissionOffered, CommissionSettled,
        CommissionStep, MilestoneReleased, Settlement,
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
                (c.entity.status.name(), c.view.escrow, c.entity.released.0),
                (status, escrow, released),
                "after {n} events"
            );
        }
        let c = row_of(&fold_until(events, 7));
        assert_eq!(
            (c.entity.amount.0, c.entity.fee.0, c.entity.status),
            (
                500,
                25,
                studio_model::commission::CommissionStatus::Settled(Settlement::AutoReleased)
            )
        );
        assert_eq!(c.view.updated_at, at(0));
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
            (c.entity.status.name(), c.view.escrow, c.entity.released.0),
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
                serde_json::json!(studio_model::commission::settlement_name(s))
            );
        }
    }
}
