//! `members`, `xp_weekly`, `xp_monthly`, `xp_seasonal` and `xp_adjustments`: membership, tenure
//! and XP, all time and by week, month and season.

use super::{Adjustment, Keys, MemberView, Rows, evolve};
use chrono::{DateTime, Utc};
use studio_model::Entity;
use studio_model::calendar::{month_start, week_start};
use studio_model::member::Member;
use studio_schema::Event;
use studio_schema::log::RecordedEvent;

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    Member::keys(&e.event, &mut |user| {
        let (guild, user) = (e.guild_id.0, user.0);
        keys.members.push((guild, user));
        if let Some((at, _)) = xp_change(e) {
            keys.weekly.push((guild, week_start(at), user));
            keys.monthly.push((guild, month_start(at), user));
            // The season the XP counts toward is the one in force at the event's place in the log.
            keys.seasons.push(guild);
        }
    });
}

/// When an event's XP counts (for the week and the month it falls in), and the change.
fn xp_change(e: &RecordedEvent) -> Option<(DateTime<Utc>, i64)> {
    match &e.event {
        Event::MessagePosted { xp, posted_at, .. } if xp.0 > 0 => Some((*posted_at, xp.0)),
        Event::XpGranted { xp, .. } => Some((e.occurred_at, xp.0)),
        Event::XpRevoked { xp, .. } => Some((e.occurred_at, -xp.0)),
        Event::ListingPurchased(_) | Event::ListingReviewed(_) | Event::QuestClaimed(_)
            if e.event.earned_xp().0 > 0 =>
        {
            Some((e.occurred_at, e.event.earned_xp().0))
        }
        // A refund takes the sale's XP back, from the week, month and season it happens in.
        Event::PurchaseRefunded(_) if e.event.earned_xp().0 < 0 => {
            Some((e.occurred_at, e.event.earned_xp().0))
        }
        _ => None,
    }
}

/// Adds `change` to the tally at `key`.
fn add<K: Ord>(tallies: &mut std::collections::BTreeMap<K, i64>, key: K, change: i64) {
    let tally = tallies.entry(key).or_insert(0);
    *tally = tally.saturating_add(change);
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    Member::keys(&e.event, &mut |user| {
        let (guild, user_id) = (e.guild_id.0, user.0);
        if let Some((at, change)) = xp_change(e) {
            add(&mut rows.weekly, (guild, week_start(at), user_id), change);
            add(&mut rows.monthly, (guild, month_start(at), user_id), change);
            if let Some(Some(season)) = rows.seasons.get(&guild) {
                let season = season.season.number.0;
                add(&mut rows.seasonal, (guild, season, user_id), change);
            }
        }
        let slot = rows.members.entry((guild, user_id)).or_insert(None);
        let Some(row) = evolve(slot, user, &e.event, || MemberView {
            message_xp: 0,
            messages: 0,
            first_seen_at: e.occurred_at,
            last_seq: e.guild_seq,
        }) else {
            return;
        };
        let view = &mut row.view;
        view.last_seq = e.guild_seq;
        match &e.event {
            Event::MemberJoined { at, .. } => view.first_seen_at = view.first_seen_at.min(*at),
            Event::MemberSeen { joined_at, .. } => {
                view.first_seen_at = view.first_seen_at.min(*joined_at);
            }
            Event::MessagePosted { xp, .. } => {
                view.messages += 1;
                view.message_xp = view.message_xp.saturating_add(xp.0);
            }
            Event::XpGranted { xp, reason, by, .. } => {
                rows.adjustments.insert(
                    (guild, e.guild_seq),
                    adjustment(user_id, xp.0, reason, by.0, e.occurred_at),
                );
            }
            Event::XpRevoked { xp, reason, by, .. } => {
                rows.adjustments.insert(
                    (guild, e.guild_seq),
                    adjustment(user_id, -xp.0, reason, by.0, e.occurred_at),
                );
            }
            _ => {}
        }
    });
}

fn adjustment(
    user_id: i64,
    change: i64,
    reason: &str,
    by_user: i64,
    at: DateTime<Utc>,
) -> Adjustment {
    Adjustment {
        user_id,
        change,
        reason: reason.to_owned(),
        by_user,
        at,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, listing, purchase, recorded, review};
    use super::super::{Rows, apply};
    use studio_model::calendar::week_start;
    use studio_schema::{ChannelId, Event, MessageId, UserId, Xp};

    #[test]
    fn messages_count_and_only_rewarded_ones_add_xp_to_the_week() {
        let post = |seq, xp| {
            recorded(
                seq,
                Event::MessagePosted {
                    member: UserId(7),
                    channel: ChannelId(2),
                    message: MessageId(seq),
                    xp: Xp(xp),
                    posted_at: at(0),
                },
            )
        };
        let mut rows = Rows::default();
        for e in [post(1, 5), post(2, 0), post(3, 5)] {
            apply(&mut rows, &e);
        }
        let row = rows.members[&(1, 7)].clone().expect("row");
        assert_eq!(
            (row.view.messages, row.entity.xp.0, row.view.last_seq),
            (3, 10, 3)
        );
        assert_eq!(rows.weekly[&(1, week_start(at(0)), 7)], 10);
        assert_eq!(rows.guilds[&1], 3);
    }

    #[test]
    fn a_sale_gives_the_seller_xp_and_a_review_the_reviewer_but_money_alone_touches_no_member() {
        let mut rows = Rows::default();
        for e in [
            recorded(1, listing(1, 10, 100)),
            recorded(2, purchase(1, 20, 10, 100, 25)),
            recorded(3, review(1, 20, 10, 4, 5)),
        ] {
            apply(&mut rows, &e);
        }
        assert_eq!(rows.members.len(), 2, "{:?}", rows.members.keys());
        let seller = rows.members[&(1, 10)].clone().expect("seller");
        let reviewer = rows.members[&(1, 20)].clone().expect("reviewer");
        assert_eq!(
            (
                seller.entity.xp.0,
                seller.view.message_xp,
                seller.view.last_seq
            ),
            (25, 0, 2)
        );
        assert_eq!((reviewer.entity.xp.0, reviewer.view.message_xp), (5, 0));
        let week = week_start(at(0));
        assert_eq!(rows.weekly[&(1, week, 10)], 25);
        assert_eq!(rows.weekly[&(1, week, 20)], 5);
    }
}
