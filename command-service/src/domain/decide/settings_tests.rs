//! Guild settings: admins only, within limits, in force from their place in the log on; a replay of
//! the earlier history gives the earlier results.

use super::testing::{given, grantable, secs};
use super::*;
use crate::domain::due;
use studio_schema::settings::SettingsChange;
use studio_schema::{ChannelId, MessageId, UserId};

const ADMIN: UserId = UserId(1);
const ALICE: UserId = UserId(10);

fn post(message: i64, channel: i64, at: DateTime<Utc>) -> Command {
    Command::PostMessage {
        author: SeenMember {
            member: ALICE,
            joined_at: secs(-1000),
            bot: false,
        },
        roles: Vec::new(),
        channel: ChannelId(channel),
        message: MessageId(message),
        content_chars: 20,
        posted_at: at,
    }
}

fn change(can: bool, change: SettingsChange) -> Command {
    Command::ChangeSettings {
        actor: ADMIN,
        actor_can_manage_guild: can,
        change: Box::new(change),
        role_facts: None,
    }
}

#[test]
fn an_xp_change_counts_from_its_place_in_the_log_and_replay_keeps_the_earlier_xp() {
    let mut s = given(&[]);
    s.when_at(post(1, 5, secs(0)), secs(0)).outcome();
    s.when_at(post(2, 5, secs(10)), secs(10)).outcome(); // inside the default 60 s
    assert_eq!(s.xp(ALICE), 5);
    let before = s.history().len();

    let more = SettingsChange {
        message_xp: Some(20),
        xp_cooldown_secs: Some(5),
        no_xp_channel: Some((6, true)),
        ..SettingsChange::default()
    };
    s.when_at(change(false, more.clone()), secs(11))
        .then_rejected(Rejection::AdminOnly);
    s.when_at(change(true, more), secs(11)).outcome();
    s.when_at(post(3, 5, secs(20)), secs(20)).outcome();
    s.when_at(post(4, 6, secs(40)), secs(40)).outcome(); // a channel without XP
    assert_eq!(s.xp(ALICE), 25, "5 before the change, then 20");

    // The whole log replays to the same XP; its prefix before the change to the earlier XP.
    assert_eq!(given(s.history()).state(), s.state());
    assert_eq!(given(&s.history()[..before]).xp(ALICE), 5);
}

#[test]
fn out_of_range_settings_are_refused_and_change_nothing() {
    let mut s = given(&[]);
    let bad = SettingsChange {
        tax_percent: Some([15, 10, 5, 90]),
        ..SettingsChange::default()
    };
    assert!(matches!(
        s.when(change(true, bad)).rejection(),
        Rejection::BadSetting(_)
    ));
    assert!(s.history().is_empty());
    let shown = s.when(Command::ShowSettings).outcome();
    assert!(
        matches!(shown, Outcome::Settings { ref lines } if lines.iter().any(|l| l.contains("Learner 10 %")))
    );
}

#[test]
fn new_rank_thresholds_bring_rank_ups_due_from_then_on() {
    let mut s = given(&[]);
    s.when(post(1, 5, secs(0))).outcome(); // alice is seen
    // Joined 1000 s before: a Beginner under the default thresholds, with nothing due.
    assert!(due(s.state(), secs(10), chrono::TimeDelta::days(1)).is_empty());
    let faster = SettingsChange {
        rank_months: Some([0, 1, 2]),
        ..SettingsChange::default()
    };
    s.when_at(change(true, faster), secs(11)).outcome();
    let due = due(s.state(), secs(12), chrono::TimeDelta::days(1));
    assert!(
        matches!(&due[..], [(_, Command::ReachRank { member: ALICE, rank })] if *rank == crate::rules::tenure::Rank::Learner),
        "{due:?}"
    );
    let backwards = SettingsChange {
        rank_months: Some([3, 2, 9]),
        ..SettingsChange::default()
    };
    assert!(matches!(
        s.when_at(change(true, backwards), secs(13)).rejection(),
        Rejection::BadSetting(_)
    ));
}

#[test]
fn a_role_studio_may_not_hand_out_or_take_is_refused_and_changes_nothing() {
    use crate::rules::roles::RoleRefusal;
    let mut s = given(&[]);
    s.when(post(1, 5, secs(0))).outcome(); // alice is seen
    let pro_dev = |role, facts| Command::ChangeSettings {
        actor: ADMIN,
        actor_can_manage_guild: true,
        change: Box::new(SettingsChange {
            pro_dev_role: Some(role),
            ..SettingsChange::default()
        }),
        role_facts: facts,
    };
    // Without Discord's facts: refused, whether a role is handed out or cleared.
    s.when(pro_dev(7, None))
        .then_rejected(Rejection::Role(RoleRefusal::Unchecked));
    // A role Discord does not list, or one above Studio's: the rule's refusal.
    s.when(pro_dev(7, grantable(&[8])))
        .then_rejected(Rejection::Role(RoleRefusal::Unknown));
    let mut above = grantable(&[7]);
    if let Some(g) = above.as_mut().and_then(|f| f.guild.as_mut()) {
        g.bot_roles.clear();
    }
    s.when(pro_dev(7, above))
        .then_rejected(Rejection::Role(RoleRefusal::AboveStudio(7)));
    assert!(
        s.history()
            .iter()
            .all(|e| !matches!(e, studio_schema::Event::GuildSettingsChanged { .. }))
    );
    // With the facts, it is made.
    assert!(matches!(
        s.when(pro_dev(7, grantable(&[7]))).outcome(),
        Outcome::SettingChanged { .. }
    ));
    // Taking it away again needs the same standing as giving it.
    let mut helper = grantable(&[7, 8]);
    if let Some(f) = helper.as_mut() {
        f.chooser.user = 2;
        f.chooser.manage_roles = false;
    }
    s.when(pro_dev(0, helper.clone()))
        .then_rejected(Rejection::Role(RoleRefusal::TakeNeedsManageRoles(7)));
    s.when(pro_dev(8, helper))
        .then_rejected(Rejection::Role(RoleRefusal::NeedsManageRoles(8)));
    s.when(pro_dev(0, None))
        .then_rejected(Rejection::Role(RoleRefusal::Unchecked));
    s.when(pro_dev(0, grantable(&[7]))).outcome();
}

#[test]
fn a_roles_xp_rule_scales_its_members_messages_and_no_xp_wins() {
    let mut s = given(&[]);
    let rule = |role: i64, percent: i64| {
        change(
            true,
            SettingsChange {
                xp_role: Some((role, percent)),
                ..SettingsChange::default()
            },
        )
    };
    s.when(rule(777, 0)).outcome();
    s.when(rule(888, 200)).outcome();
    let post_as = |message: i64, roles: &[i64], at: DateTime<Utc>| {
        let Command::PostMessage {
            author,
            channel,
            message,
            content_chars,
            posted_at,
            ..
        } = post(message, 5, at)
        else {
            unreachable!("post() builds a message");
        };
        Command::PostMessage {
            author,
            roles: roles.iter().map(|r| studio_schema::RoleId(*r)).collect(),
            channel,
            message,
            content_chars,
            posted_at,
        }
    };
    let earned = |s: &mut super::testing::Scenario, cmd: Command, at| {
        s.when_at(cmd, at)
            .events()
            .iter()
            .find_map(|e| match e {
                Event::MessagePosted { xp, .. } => Some(xp.0),
                _ => None,
            })
            .unwrap_or(-1)
    };
    assert_eq!(
        earned(&mut s, post_as(1, &[888], secs(0)), secs(0)),
        10,
        "double"
    );
    assert_eq!(
        earned(&mut s, post_as(2, &[888, 777], secs(120)), secs(120)),
        0,
        "no XP wins"
    );
    assert_eq!(
        earned(&mut s, post_as(3, &[], secs(240)), secs(240)),
        5,
        "no rule"
    );
    // 100 removes the rule.
    s.when(rule(888, 100)).outcome();
    assert_eq!(earned(&mut s, post_as(4, &[888], secs(360)), secs(360)), 5);
    assert!(matches!(
        s.when(rule(888, 501)).rejection(),
        Rejection::BadSetting(_)
    ));
}
