//! The chain head posted in the audit channel by the scheduler: once the channel is set, recorded
//! as `ChainHeadPublished`, then again only when the log grew and the hour passed.

use super::testing::{Scenario, given, hours};
use super::*;
use crate::domain::due;
use studio_schema::settings::SettingsChange;
use studio_schema::{ChannelId, UserId};

const ADMIN: UserId = UserId(1);
const AUDIT: ChannelId = ChannelId(7);

fn settings(change: SettingsChange) -> Event {
    Event::GuildSettingsChanged { by: ADMIN, change }
}

fn audit_channel(channel: i64) -> Event {
    settings(SettingsChange {
        audit_channel: Some(channel),
        ..SettingsChange::default()
    })
}

fn some_change() -> Event {
    settings(SettingsChange {
        message_xp: Some(9),
        ..SettingsChange::default()
    })
}

/// The scheduler's due commands at `now`, each given the hash `"ab"` as if read from the log.
fn tick(s: &mut Scenario, now: DateTime<Utc>) -> Vec<Outcome> {
    due(s.state(), now, chrono::TimeDelta::days(1))
        .into_iter()
        .map(|(_, command)| match command {
            Command::PublishHead { seq, .. } => Command::PublishHead {
                seq,
                hash: Some("ab".into()),
            },
            other => other,
        })
        .map(|command| s.when_at(command, now).outcome())
        .collect()
}

#[test]
fn setting_the_audit_channel_posts_the_head_and_records_it() {
    let mut s = given(&[audit_channel(AUDIT.0)]);
    assert!(matches!(
        &tick(&mut s, hours(0))[..],
        [Outcome::HeadPublished { channel, head }] if *channel == AUDIT && head == "1:1:ab"
    ));
    assert_eq!(
        s.history().last(),
        Some(&Event::ChainHeadPublished {
            seq: 1,
            hash: "ab".into(),
            at: hours(0),
        })
    );
    assert!(tick(&mut s, hours(5)).is_empty(), "the log did not grow");
}

#[test]
fn a_growing_log_is_posted_again_after_the_hour() {
    let mut s = given(&[audit_channel(AUDIT.0)]);
    tick(&mut s, hours(0));
    s.given(&[some_change()]);
    assert!(tick(&mut s, hours(0)).is_empty(), "within the hour");
    assert!(matches!(
        &tick(&mut s, hours(1))[..],
        [Outcome::HeadPublished { head, .. }] if head == "1:3:ab"
    ));
}

#[test]
fn no_channel_no_hash_no_post() {
    let mut s = given(&[some_change()]);
    assert!(tick(&mut s, hours(0)).is_empty(), "no audit channel");
    let mut s = given(&[audit_channel(AUDIT.0), audit_channel(0)]);
    assert!(tick(&mut s, hours(0)).is_empty(), "the channel was cleared");
    given(&[audit_channel(AUDIT.0)])
        .when(Command::PublishHead { seq: 1, hash: None })
        .then(&[]);
}
