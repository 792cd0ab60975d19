//! Rank-ups decided by the scheduler, at the moment the threshold was crossed, once; the Pro-Dev
//! role given from Expert and given again when a Pro-Dev rejoins.

use super::testing::{Scenario, days, given};
use super::*;
use crate::domain::due;
use crate::rules::tenure::Rank;
use studio_schema::{Account, RoleId, UserId};

const DEV: UserId = UserId(50);
const ADMIN: UserId = UserId(1);

/// Decides, at `now`, every command the scheduler finds due.
fn tick(s: &mut Scenario, now: DateTime<Utc>) -> Vec<Outcome> {
    due(s.state(), now, chrono::TimeDelta::days(1))
        .into_iter()
        .map(|(_, command)| s.when_at(command, now).outcome())
        .collect()
}

/// DEV, seen joining `days_ago_at_zero` days before the epoch.
fn seen(days_ago_at_zero: i64) -> Scenario {
    given(&[Event::MemberSeen {
        member: DEV,
        joined_at: days(-days_ago_at_zero),
        bot: false,
        seen_at: None,
    }])
}

fn reach(rank: Rank) -> Command {
    Command::ReachRank { member: DEV, rank }
}

#[test]
fn a_rank_is_reached_once_at_the_moment_the_threshold_was_crossed() {
    let mut s = seen(29);
    assert!(tick(&mut s, days(0)).is_empty(), "still a Beginner");
    let outcomes = tick(&mut s, days(3));
    assert!(
        matches!(&outcomes[..], [Outcome::RankUp { rank, roles, .. }] if rank == "Learner" && roles.is_empty())
    );
    // Reached: deciding it again records nothing.
    s.when_at(reach(Rank::Learner), days(3)).then(&[]);
    assert!(tick(&mut s, days(4)).is_empty(), "once");
    seen(29)
        .when_at(reach(Rank::Learner), days(3))
        .then(&[Event::RankReached {
            member: DEV,
            rank: "Learner".into(),
            at: days(1),
        }]);
}

#[test]
fn experts_get_the_pro_dev_role_and_get_it_again_when_they_rejoin() {
    let mut s = seen(359);
    let set = Command::ChangeSettings {
        actor: ADMIN,
        actor_can_manage_guild: true,
        change: Box::new(studio_schema::settings::SettingsChange {
            pro_dev_role: Some(777),
            ..Default::default()
        }),
        role_facts: super::testing::grantable(&[777]),
    };
    s.when(set).outcome();
    let outcomes = tick(&mut s, days(2));
    assert!(
        matches!(
            &outcomes[..],
            [Outcome::RankUp {
                roles,
                ..
            }] if roles == &[RoleId(777)]
        ),
        "{outcomes:?}"
    );
    s.given(&[Event::MemberLeft {
        member: DEV,
        at: days(3),
    }]);
    let rejoin = Command::RecordJoin(SeenMember {
        member: DEV,
        joined_at: days(10),
        bot: false,
    });
    let outcome = s.when_at(rejoin, days(10)).outcome();
    assert!(
        matches!(&outcome, Outcome::Rejoined { roles, .. } if roles == &[RoleId(777)]),
        "{outcome:?}"
    );
    assert!(
        tick(&mut s, days(11)).is_empty(),
        "time away does not re-announce"
    );
    let refused = Command::ChangeSettings {
        actor: DEV,
        actor_can_manage_guild: false,
        change: Box::new(studio_schema::settings::SettingsChange {
            pro_dev_role: Some(0),
            ..Default::default()
        }),
        role_facts: None,
    };
    s.when_at(refused, days(12))
        .then_rejected(Rejection::AdminOnly);
}

fn spotlight(at: DateTime<Utc>) -> Command {
    Command::Spotlight {
        member: DEV,
        text: "Our jam game is out".into(),
        at,
    }
}

fn grant(s: &mut Scenario, amount: i64) {
    s.when(Command::AdjustCredits {
        actor: ADMIN,
        actor_can_manage_guild: true,
        member: DEV,
        member_is_bot: false,
        amount,
        grant: true,
        reason: "budget".into(),
    })
    .outcome();
}

#[test]
fn the_spotlight_is_a_premium_feature_of_masters_once_a_week_paid_to_the_treasury() {
    let mut expert = seen(400);
    grant(&mut expert, 1000);
    expert
        .when(spotlight(days(0)))
        .then_rejected(Rejection::PremiumOnly {
            rank: "Master".into(),
        });
    let mut master = seen(1100);
    assert!(matches!(
        master.when(spotlight(days(0))).rejection(),
        Rejection::InsufficientCredits { .. }
    ));
    grant(&mut master, 1000);
    let outcome = master.when(spotlight(days(0))).outcome();
    assert!(matches!(outcome, Outcome::Spotlight { balance, .. } if balance.0 == 800));
    assert_eq!(master.balance(Account::Treasury), 200);
    assert!(matches!(
        master.when_at(spotlight(days(6)), days(6)).rejection(),
        Rejection::SpotlightCooldown { .. }
    ));
    assert!(
        master.when_at(spotlight(days(7)), days(7)).result().is_ok(),
        "a week later"
    );
}

#[test]
fn changing_the_pro_dev_role_or_a_rank_role_swaps_the_roles_members_hold() {
    let mut s = seen(400);
    tick(&mut s, days(0));
    let set = |pro_dev: Option<i64>, rank_role: Option<(&str, i64)>| Command::ChangeSettings {
        actor: ADMIN,
        actor_can_manage_guild: true,
        change: Box::new(studio_schema::settings::SettingsChange {
            pro_dev_role: pro_dev,
            rank_role: rank_role.map(|(r, id)| (r.to_owned(), id)),
            ..Default::default()
        }),
        role_facts: super::testing::grantable(&[777, 888, 5]),
    };
    let outcome = s.when_at(set(Some(777), None), days(1)).outcome();
    assert!(
        matches!(&outcome, Outcome::SettingChanged { roles, .. } if roles == &[(DEV, vec![RoleId(777)], vec![])]),
        "{outcome:?}"
    );
    let outcome = s
        .when_at(set(Some(888), Some(("Learner", 5))), days(2))
        .outcome();
    assert!(
        matches!(&outcome, Outcome::SettingChanged { roles, .. } if roles == &[(DEV, vec![RoleId(5), RoleId(888)], vec![RoleId(777)])]),
        "{outcome:?}"
    );
    assert!(matches!(
        s.when_at(set(None, Some(("Wizard", 5))), days(3))
            .rejection(),
        Rejection::BadSetting(_)
    ));
}

#[test]
fn a_rank_crossed_before_studio_first_saw_the_member_is_recorded_quietly() {
    // Listed by Discord at day 0 (Studio installed in an old server), 400 days in: Expert already.
    let mut s = super::testing::given(&[]);
    s.when_at(
        Command::SeeMembers(vec![crate::domain::SeenMember {
            member: DEV,
            joined_at: days(-400),
            bot: false,
        }]),
        days(0),
    )
    .outcome();
    let outcomes = tick(&mut s, days(0));
    assert!(
        matches!(&outcomes[..], [Outcome::RankUp { rank, quiet: true, .. }] if rank == "Expert"),
        "recorded, not announced: {outcomes:?}"
    );
    assert!(tick(&mut s, days(1)).is_empty(), "once");

    // A member Studio watched cross a rank is told.
    let mut s = super::testing::given(&[]);
    s.when_at(
        Command::SeeMembers(vec![crate::domain::SeenMember {
            member: DEV,
            joined_at: days(-29),
            bot: false,
        }]),
        days(0),
    )
    .outcome();
    let outcomes = tick(&mut s, days(2));
    assert!(
        matches!(&outcomes[..], [Outcome::RankUp { rank, quiet: false, .. }] if rank == "Learner"),
        "{outcomes:?}"
    );
}
