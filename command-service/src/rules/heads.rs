//! When Studio posts a guild's chain head (`<guild>:<seq>:<hex>`, what `projector audit verify
//! --head` takes) to the guild's audit channel, outside the database: as soon as an admin sets the
//! channel, then at most once every [`HEAD_EVERY`] and only when the log grew since the last post,
//! or at once after [`HEAD_AFTER_EVENTS`] events. Pure: the scheduler passes the clock in.
//!
//! The post is recorded as a `ChainHeadPublished` event appended after the head it names, so that
//! event itself is never covered by a head already posted; the next post covers it.

use chrono::{DateTime, TimeDelta, Utc};
use studio_schema::ChannelId;

/// The least time between two posts of a growing log's head.
pub const HEAD_EVERY: TimeDelta = TimeDelta::hours(1);
/// Events after which the head is posted without waiting for [`HEAD_EVERY`].
pub const HEAD_AFTER_EVENTS: i64 = 1_000;

pub use studio_model::decision::Published;

/// Whether the head at `last_seq` is due in `channel` at `now`, after `published`.
#[must_use]
pub fn due(
    channel: Option<ChannelId>,
    published: &Published,
    last_seq: i64,
    now: DateTime<Utc>,
) -> bool {
    if channel.is_none() || last_seq <= published.seq {
        return false;
    }
    match published.at {
        None => true,
        Some(at) => now - at >= HEAD_EVERY || last_seq - published.seq >= HEAD_AFTER_EVENTS,
    }
}

/// The message that posts `head` (`<guild>:<seq>:<hex>`) for auditors.
#[must_use]
pub fn message(head: &str) -> String {
    format!(
        "🔗 Chain head `{head}`\nKeep it: `projector audit verify --head {head}` fails if the log \
         up to here is ever rewritten."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use studio_schema::Event;
    use studio_schema::settings::SettingsChange;

    fn t(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap() + TimeDelta::minutes(minutes)
    }

    const CHANNEL: Option<ChannelId> = Some(ChannelId(7));

    fn posted(seq: i64, at: i64) -> Published {
        let mut p = Published::default();
        p.apply(
            seq,
            &Event::ChainHeadPublished {
                seq: seq - 1,
                hash: "ab".into(),
                at: t(at),
            },
        );
        p
    }

    #[test]
    fn nothing_is_posted_without_an_audit_channel() {
        assert!(!due(None, &Published::default(), 10, t(0)));
    }

    #[test]
    fn the_first_head_is_posted_at_once() {
        assert!(due(CHANNEL, &Published::default(), 1, t(0)));
    }

    #[test]
    fn a_log_that_did_not_grow_is_not_posted_again() {
        assert!(!due(CHANNEL, &posted(5, 0), 5, t(600)));
    }

    #[test]
    fn a_growing_log_is_posted_at_most_once_an_hour() {
        let p = posted(5, 0);
        assert!(!due(CHANNEL, &p, 6, t(59)));
        assert!(due(CHANNEL, &p, 6, t(60)));
    }

    #[test]
    fn many_events_are_posted_without_waiting_for_the_hour() {
        let p = posted(5, 0);
        assert!(!due(CHANNEL, &p, 5 + HEAD_AFTER_EVENTS - 1, t(1)));
        assert!(due(CHANNEL, &p, 5 + HEAD_AFTER_EVENTS, t(1)));
    }

    #[test]
    fn a_new_audit_channel_gets_the_head_at_once() {
        let mut p = posted(5, 0);
        p.apply(
            6,
            &Event::GuildSettingsChanged {
                by: studio_schema::UserId(1),
                change: SettingsChange {
                    audit_channel: Some(8),
                    ..SettingsChange::default()
                },
            },
        );
        assert!(due(Some(ChannelId(8)), &p, 6, t(1)));
    }
}
