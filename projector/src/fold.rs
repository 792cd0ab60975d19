//! The views as a pure fold of events: rows in, events applied, rows out. No I/O.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;
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

/// The rows a batch touches, keyed as in their tables.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rows {
    /// (guild, user) → row; `None` for a member the views do not hold yet.
    pub members: BTreeMap<(i64, i64), Option<MemberRow>>,
    /// (guild, week, user) → XP earned that week.
    pub weekly: BTreeMap<(i64, NaiveDate, i64), i64>,
    /// (guild, seq) → adjustment (new rows only).
    pub adjustments: BTreeMap<(i64, i64), Adjustment>,
    /// guild → last seq folded.
    pub guilds: BTreeMap<i64, i64>,
}

/// `(guild, user)`: the key of a `members` row.
pub type MemberKey = (i64, i64);
/// `(guild, week, user)`: the key of an `xp_weekly` row.
pub type WeekKey = (i64, NaiveDate, i64);

/// The keys whose current rows a batch needs before folding.
#[must_use]
pub fn keys(events: &[RecordedEvent]) -> (Vec<MemberKey>, Vec<WeekKey>) {
    let mut members = Vec::new();
    let mut weekly = Vec::new();
    for e in events {
        let user = e.event.member().0;
        members.push((e.guild_id.0, user));
        if let Some((week, _)) = weekly_xp(e) {
            weekly.push((e.guild_id.0, week, user));
        }
    }
    members.sort_unstable();
    members.dedup();
    weekly.sort_unstable();
    weekly.dedup();
    (members, weekly)
}

/// The week an event's XP counts toward, and the change.
fn weekly_xp(e: &RecordedEvent) -> Option<(NaiveDate, i64)> {
    match &e.event {
        Event::MessagePosted { xp, posted_at, .. } if xp.0 > 0 => {
            Some((views::week_start(*posted_at), xp.0))
        }
        Event::XpGranted { xp, .. } => Some((views::week_start(e.occurred_at), xp.0)),
        Event::XpRevoked { xp, .. } => Some((views::week_start(e.occurred_at), -xp.0)),
        _ => None,
    }
}

/// Folds one event into the rows.
pub fn apply(rows: &mut Rows, e: &RecordedEvent) {
    let guild = e.guild_id.0;
    let user = e.event.member().0;
    rows.guilds.insert(guild, e.guild_seq);
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
    });
    row.last_seq = e.guild_seq;
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
    use super::*;
    use chrono::TimeZone;
    use studio_schema::{ChannelId, GuildId, MessageId, UserId, Xp};

    fn recorded(seq: i64, event: Event) -> RecordedEvent {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
            .single()
            .expect("valid");
        RecordedEvent {
            position: seq,
            guild_id: GuildId(1),
            guild_seq: seq,
            event_id: uuid::Uuid::nil(),
            event,
            actor_id: None,
            causation_id: seq.to_string(),
            occurred_at: at,
            recorded_at: at,
        }
    }

    #[test]
    fn messages_count_and_only_rewarded_ones_add_xp_to_the_week() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
            .single()
            .expect("valid");
        let post = |seq, xp| {
            recorded(
                seq,
                Event::MessagePosted {
                    member: UserId(7),
                    channel: ChannelId(2),
                    message: MessageId(seq),
                    xp: Xp(xp),
                    posted_at: at,
                },
            )
        };
        let mut rows = Rows::default();
        for e in [post(1, 5), post(2, 0), post(3, 5)] {
            apply(&mut rows, &e);
        }
        let row = rows.members[&(1, 7)].clone().expect("row");
        assert_eq!((row.messages, row.xp, row.last_seq), (3, 10, 3));
        assert_eq!(rows.weekly[&(1, views::week_start(at), 7)], 10);
        assert_eq!(rows.guilds[&1], 3);
    }
}
