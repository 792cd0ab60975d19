//! Rank-ups decided by the scheduler, at the moment the threshold was crossed, once; the Pro-Dev
//! role given from Expert and given again when a Pro-Dev rejoins.

use super::*;
use crate::domain::due;
use crate::rules::tenure::Rank;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use studio_schema::{GuildId, RoleId, UserId};

const DEV: UserId = UserId(50);
const ADMIN: UserId = UserId(1);

fn t(days: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("valid")
        + TimeDelta::days(days)
}

fn apply(state: &mut GuildState, events: &[Event]) {
    for e in events {
        let seq = state.last_seq + 1;
        state.apply(seq, e);
    }
}

fn tick(state: &mut GuildState, now: DateTime<Utc>) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for (_, command) in due(state, now) {
        let (events, outcome) = decide(state, &command, now).expect("due commands decide");
        apply(state, &events);
        outcomes.push(outcome);
    }
    outcomes
}

fn seen(days_ago_at_zero: i64) -> GuildState {
    let mut s = GuildState::new(GuildId(1));
    apply(
        &mut s,
        &[Event::MemberSeen {
            member: DEV,
            joined_at: t(-days_ago_at_zero),
            bot: false,
        }],
    );
    s
}

#[test]
fn a_rank_is_reached_once_at_the_moment_the_threshold_was_crossed() {
    let mut s = seen(29);
    assert!(tick(&mut s, t(0)).is_empty(), "still a Beginner");
    let outcomes = tick(&mut s, t(3));
    assert!(
        matches!(&outcomes[..], [Outcome::RankUp { rank, roles, .. }] if rank == "Learner" && roles.is_empty())
    );
    match s.member(DEV).rank {
        Some(Rank::Learner) => {}
        other => panic!("{other:?}"),
    }
    assert!(tick(&mut s, t(4)).is_empty(), "once");
    let (events, _) = decide(
        &seen(29),
        &Command::ReachRank {
            member: DEV,
            rank: Rank::Learner,
        },
        t(3),
    )
    .expect("decides");
    assert!(
        matches!(&events[..], [Event::RankReached { at, .. }] if *at == t(1)),
        "{events:?}"
    );
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
    };
    let (events, _) = decide(&s, &set, t(0)).expect("admin");
    apply(&mut s, &events);
    let outcomes = tick(&mut s, t(2));
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
    apply(
        &mut s,
        &[Event::MemberLeft {
            member: DEV,
            at: t(3),
        }],
    );
    let rejoin = Command::RecordJoin(crate::domain::SeenMember {
        member: DEV,
        joined_at: t(10),
        bot: false,
    });
    let (events, outcome) = decide(&s, &rejoin, t(10)).expect("rejoin");
    apply(&mut s, &events);
    assert!(
        matches!(&outcome, Outcome::Rejoined { roles, .. } if roles == &[RoleId(777)]),
        "{outcome:?}"
    );
    assert!(
        tick(&mut s, t(11)).is_empty(),
        "time away does not re-announce"
    );
    let refused = Command::ChangeSettings {
        actor: DEV,
        actor_can_manage_guild: false,
        change: Box::new(studio_schema::settings::SettingsChange {
            pro_dev_role: Some(0),
            ..Default::default()
        }),
    };
    assert_eq!(
        decide(&s, &refused, t(12)).map(|_| ()),
        Err(Rejection::AdminOnly)
    );
}

fn spotlight(at: DateTime<Utc>) -> Command {
    Command::Spotlight {
        member: DEV,
        text: "Our jam game is out".into(),
        at,
    }
}

fn grant(state: &mut GuildState, amount: i64) {
    let (events, _) = decide(
        state,
        &Command::AdjustCredits {
            actor: ADMIN,
            actor_can_manage_guild: true,
            member: DEV,
            member_is_bot: false,
            amount,
            grant: true,
            reason: "budget".into(),
        },
        t(0),
    )
    .expect("granted");
    apply(state, &events);
}

#[test]
fn the_spotlight_is_a_premium_feature_of_masters_once_a_week_paid_to_the_treasury() {
    let mut expert = seen(400);
    grant(&mut expert, 1000);
    assert_eq!(
        decide(&expert, &spotlight(t(0)), t(0)).map(|_| ()),
        Err(Rejection::PremiumOnly {
            rank: "Master".into()
        })
    );
    let mut master = seen(1100);
    assert!(matches!(
        decide(&master, &spotlight(t(0)), t(0)),
        Err(Rejection::InsufficientCredits { .. })
    ));
    grant(&mut master, 1000);
    let (events, outcome) = decide(&master, &spotlight(t(0)), t(0)).expect("a Master buys one");
    apply(&mut master, &events);
    assert!(matches!(outcome, Outcome::Spotlight { balance, .. } if balance.0 == 800));
    assert_eq!(master.balance(studio_schema::Account::Treasury).0, 200);
    assert!(matches!(
        decide(&master, &spotlight(t(6)), t(6)),
        Err(Rejection::SpotlightCooldown { .. })
    ));
    assert!(
        decide(&master, &spotlight(t(7)), t(7)).is_ok(),
        "a week later"
    );
}

#[test]
fn changing_the_pro_dev_role_or_a_rank_role_swaps_the_roles_members_hold() {
    let mut s = seen(400);
    tick(&mut s, t(0));
    let set = |pro_dev: Option<i64>, rank_role: Option<(&str, i64)>| Command::ChangeSettings {
        actor: ADMIN,
        actor_can_manage_guild: true,
        change: Box::new(studio_schema::settings::SettingsChange {
            pro_dev_role: pro_dev,
            rank_role: rank_role.map(|(r, id)| (r.to_owned(), id)),
            ..Default::default()
        }),
    };
    let (events, outcome) = decide(&s, &set(Some(777), None), t(1)).expect("admin");
    apply(&mut s, &events);
    assert!(
        matches!(&outcome, Outcome::SettingChanged { roles, .. } if roles == &[(DEV, vec![RoleId(777)], vec![])]),
        "{outcome:?}"
    );
    let (events, outcome) = decide(&s, &set(Some(888), Some(("Learner", 5))), t(2)).expect("admin");
    apply(&mut s, &events);
    assert!(
        matches!(&outcome, Outcome::SettingChanged { roles, .. } if roles == &[(DEV, vec![RoleId(5), RoleId(888)], vec![RoleId(777)])]),
        "{outcome:?}"
    );
    assert!(matches!(
        decide(&s, &set(None, Some(("Wizard", 5))), t(3)),
        Err(Rejection::BadSetting(_))
    ));
}
