//! `members`, `xp_weekly` and `xp_adjustments`: membership, tenure and XP.

use super::{Keys, Rows};
use chrono::{DateTime, NaiveDate, Utc};
use studio_schema::log::RecordedEvent;
use studio_schema::tenure::Tenure;
use studio_schema::{Event, views};

/// A row of `members`.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberRow {
    pub xp: i64,
    pub message_xp: i64,
    pub messages: i64,
    pub bot: bool,
    pub present: bool,
    pub tenure: Tenure,
    pub first_seen_at: DateTime<Utc>,
    pub last_seq: i64,
    /// Reputation points received and still in force.
    pub reputation: i64,
}

/// A row of `xp_adjustments`: an admin's change of a member's XP.
#[derive(Clone, Debug, PartialEq)]
pub struct Adjustment {
    pub user_id: i64,
    pub change: i64,
    pub reason: String,
    pub by_user: i64,
    pub at: DateTime<Utc>,
}

pub(super) fn keys(e: &RecordedEvent, keys: &mut Keys) {
    let Some(user) = e.event.member() else {
        return;
    };
    keys.members.push((e.guild_id.0, user.0));
    if let Some((week, _)) = weekly_xp(e) {
        keys.weekly.push((e.guild_id.0, week, user.0));
    }
}

/// The week an event's XP counts toward, and the change.
fn weekly_xp(e: &RecordedEvent) -> Option<(NaiveDate, i64)> {
    match &e.event {
        Event::MessagePosted { xp, posted_at, .. } if xp.0 > 0 => {
            Some((views::week_start(*posted_at), xp.0))
        }
        Event::XpGranted { xp, .. } => Some((views::week_start(e.occurred_at), xp.0)),
        Event::XpRevoked { xp, .. } => Some((views::week_start(e.occurred_at), -xp.0)),
        Event::ListingPurchased(_) | Event::ListingReviewed(_) | Event::QuestClaimed(_)
            if e.event.earned_xp().0 > 0 =>
        {
            Some((views::week_start(e.occurred_at), e.event.earned_xp().0))
        }
        _ => None,
    }
}

pub(super) fn apply(rows: &mut Rows, e: &RecordedEvent) {
    let Some(user) = e.event.member() else {
        return;
    };
    let (guild, user) = (e.guild_id.0, user.0);
    if let Some((week, change)) = weekly_xp(e) {
        *rows.weekly.entry((guild, week, user)).or_insert(0) += change;
    }
    let slot = rows.members.entry((guild, user)).or_insert(None);
    let row = slot.get_or_insert_with(|| MemberRow {
        xp: 0,
        message_xp: 0,
        messages: 0,
        bot: false,
        present: false,
        tenure: Tenure::default(),
        first_seen_at: e.occurred_at,
        last_seq: e.guild_seq,
        reputation: 0,
    });
    row.last_seq = e.guild_seq;
    row.reputation += e.event.reputation_change();
    row.xp = row.xp.saturating_add(e.event.earned_xp().0);
    match &e.event {
        Event::MemberJoined { at, bot, .. } => {
            row.bot = *bot;
            row.present = true;
            row.tenure.join(*at);
            row.first_seen_at = row.first_seen_at.min(*at);
        }
        Event::MemberSeen { joined_at, bot, .. } => {
            row.bot = *bot;
            row.present = true;
            row.tenure.join(*joined_at);
            row.first_seen_at = row.first_seen_at.min(*joined_at);
        }
        Event::MemberLeft { at, .. } => {
            row.present = false;
            row.tenure.leave(*at);
        }
        Event::MessagePosted { xp, .. } => {
            row.messages += 1;
            row.xp += xp.0;
            row.message_xp += xp.0;
        }
        Event::XpGranted { xp, reason, by, .. } => {
            row.xp += xp.0;
            rows.adjustments.insert(
                (guild, e.guild_seq),
                adjustment(user, xp.0, reason, by.0, e.occurred_at),
            );
        }
        Event::XpRevoked { xp, reason, by, .. } => {
            row.xp = (row.xp - xp.0).max(0);
            rows.adjustments.insert(
                (guild, e.guild_seq),
                adjustment(user, -xp.0, reason, by.0, e.occurred_at),
            );
        }
        // A sale or a review: its XP is the earned XP added above.
        _ => {}
    }
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
    use studio_schema::{ChannelId, Event, MessageId, UserId, Xp, views};

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
        assert_eq!((row.messages, row.xp, row.last_seq), (3, 10, 3));
        assert_eq!(rows.weekly[&(1, views::week_start(at(0)), 7)], 10);
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
        assert_eq!((seller.xp, seller.message_xp, seller.last_seq), (25, 0, 2));
        assert_eq!((reviewer.xp, reviewer.message_xp), (5, 0));
        let week = views::week_start(at(0));
        assert_eq!(rows.weekly[&(1, week, 10)], 25);
        assert_eq!(rows.weekly[&(1, week, 20)], 5);
    }
}
