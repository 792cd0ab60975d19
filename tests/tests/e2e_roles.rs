//! The roles Studio hands out, end to end: `/settings prodev-role` and `/settings rank-role` take
//! only a role Discord lets Studio give (below its highest role, not managed, not @everyone), from
//! an admin who could give it themselves (the owner, or Manage Roles with a higher role); switching
//! one back takes it from members, so it needs the same. Anything else is refused privately, naming
//! what is wrong, and changes nothing: the settings read the same and no member is given the role.

mod common;

use common::*;
use serde_json::{Value, json};
use studio_tests::{FakeMember, FakeRole};

/// Ada's permissions: Manage Server, not Manage Roles.
const MANAGE_SERVER: u64 = ADMIN_PERMISSIONS;
const ROLE_ADMIN: u64 = ADMIN_PERMISSIONS | MANAGE_ROLES;

/// The server's owner (the first member the local Discord lists).
fn owner() -> FakeMember {
    member(1010, "olga-owner", 900)
}

/// An Expert for 400 days: whoever the Pro-Dev role is, she gets it as soon as it is set.
fn expert() -> FakeMember {
    member(1011, "erin-expert", 400)
}

/// A moderator with Manage Server and Manage Roles.
fn moderator() -> FakeMember {
    member(1012, "mo-moderator", 700)
}

fn settings(stack: &Stack, who: &FakeMember, permissions: u64, sub: &str, options: Value) -> u64 {
    stack.slash(
        who,
        permissions,
        "settings",
        json!([{"name": sub, "type": 1, "options": options}]),
    )
}

fn prodev(stack: &Stack, who: &FakeMember, permissions: u64, role: u64) -> u64 {
    settings(
        stack,
        who,
        permissions,
        "prodev-role",
        json!([{"name": "role", "type": 8, "value": role.to_string()}]),
    )
}

fn rank_role(stack: &Stack, who: &FakeMember, permissions: u64, rank: &str, role: u64) -> u64 {
    settings(
        stack,
        who,
        permissions,
        "rank-role",
        json!([{"name": "rank", "type": 3, "value": rank},
               {"name": "role", "type": 8, "value": role.to_string()}]),
    )
}

/// The private answer to interaction `id`.
async fn answer(stack: &Stack, id: u64) -> String {
    let message = original(stack, id).await;
    assert!(message.ephemeral(), "the answer is private: {message:?}");
    message.text()
}

/// What `/settings show` says now.
async fn shown(stack: &Stack) -> String {
    let id = settings(stack, &expert(), MEMBER_PERMISSIONS, "show", json!([]));
    answer(stack, id).await
}

const NO_ROLES: &[&str] = &[
    "Pro-Dev role: none",
    "Rank roles: Learner none · Expert none · Master none",
];

/// Nothing changed: no settings event in the log, the settings read as before, the Expert holds no role.
async fn nothing_changed(stack: &Stack) {
    stack.effects_out().await;
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'GuildSettingsChanged'")
            .await,
        0,
        "a refused role is not in the log"
    );
    let show = shown(stack).await;
    for line in NO_ROLES {
        assert!(show.contains(line), "{line:?} not in {show}");
    }
    assert!(
        stack
            .discord
            .member_roles(GUILD, expert().user_id)
            .is_empty(),
        "the Expert was given {:?}",
        stack.discord.member_roles(GUILD, expert().user_id)
    );
}

/// A stack whose scheduler has made the expert an Expert.
async fn start(members: Vec<FakeMember>) -> (Stack, [Service; 3]) {
    let stack = Stack::start(members).await;
    let projector = stack.spawn("projector", &[], &[]);
    let command = stack.spawn("command-service", &[], &[("STUDIO_SCHEDULER_MS", "200")]);
    let gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;
    stack
        .eventually_i64(
            &format!(
                "SELECT count(*) FROM event_log WHERE event_type = 'RankReached'
                 AND payload->>'member' = '{}' AND payload->>'rank' = 'Expert'",
                expert().user_id
            ),
            1,
        )
        .await;
    (stack, [gateway, command, projector])
}

#[tokio::test]
async fn roles_studio_cannot_give_are_refused_even_to_the_owner() {
    let (stack, services) = start(vec![owner(), expert()]).await;
    let moderators = stack
        .discord
        .create_role(GUILD, FakeRole::new("Moderators").above_bot());
    let level = stack.discord.create_role(
        GUILD,
        FakeRole::new("Level with Studio").at(studio_tests::roles::BOT_ROLE_POSITION),
    );
    let boosters = stack
        .discord
        .create_role(GUILD, FakeRole::new("Server Booster").at(2).managed());
    let studio = stack.discord.bot_role(GUILD).expect("Studio's role");

    for (role, says) in [
        (
            moderators,
            format!("<@&{moderators}> is not below Studio's highest role"),
        ),
        (
            level,
            format!("<@&{level}> is not below Studio's highest role"),
        ),
        (
            boosters,
            format!("<@&{boosters}> is managed by an integration"),
        ),
        (studio, format!("<@&{studio}> is managed by an integration")),
        (GUILD, "@everyone is every member's role".to_owned()),
    ] {
        let text = answer(&stack, prodev(&stack, &owner(), MANAGE_SERVER, role)).await;
        assert!(
            text.starts_with("❌ ") && text.contains(&says),
            "{says:?} not in {text}"
        );
        let text = answer(
            &stack,
            rank_role(&stack, &owner(), MANAGE_SERVER, "Expert", role),
        )
        .await;
        assert!(text.contains(&says), "{says:?} not in {text}");
    }
    nothing_changed(&stack).await;
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn an_admin_who_could_not_give_a_role_cannot_have_studio_give_it() {
    let ada = admin();
    let (stack, services) = start(vec![owner(), expert(), ada.clone(), moderator()]).await;
    let helpers = stack
        .discord
        .create_role(GUILD, FakeRole::new("Helpers").at(3));
    let pro_dev = stack
        .discord
        .create_role(GUILD, FakeRole::new("Pro-Dev").at(5));
    let mods = stack
        .discord
        .create_role(GUILD, FakeRole::new("Mods").at(7));
    stack.discord.give_role(GUILD, ada.user_id, mods);
    stack.discord.give_role(GUILD, moderator().user_id, helpers);

    // Manage Server without Manage Roles, even holding a role above it.
    let text = answer(&stack, prodev(&stack, &ada, MANAGE_SERVER, pro_dev)).await;
    assert!(
        text.contains("needs the Manage Roles permission")
            && text.contains(&format!("<@&{pro_dev}>")),
        "{text}"
    );
    let text = answer(
        &stack,
        rank_role(&stack, &ada, MANAGE_SERVER, "Learner", helpers),
    )
    .await;
    assert!(text.contains("needs the Manage Roles permission"), "{text}");
    // Manage Roles, but the role is not below the admin's highest one (above it, or the same).
    for role in [pro_dev, helpers] {
        let text = answer(&stack, prodev(&stack, &moderator(), ROLE_ADMIN, role)).await;
        assert!(
            text.contains(&format!("<@&{role}> is not below your highest role")),
            "{text}"
        );
    }
    // Administrator stands for Manage Roles, not for the hierarchy.
    let text = answer(
        &stack,
        prodev(&stack, &moderator(), MANAGE_SERVER | 0x8, pro_dev),
    )
    .await;
    assert!(text.contains("is not below your highest role"), "{text}");

    // The moderators' own roles are untouched by Studio.
    stack.effects_out().await;
    assert_eq!(stack.discord.member_roles(GUILD, ada.user_id), vec![mods]);
    assert_eq!(
        stack.discord.member_roles(GUILD, moderator().user_id),
        vec![helpers]
    );
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'GuildSettingsChanged'")
            .await,
        0
    );
    let show = shown(&stack).await;
    for line in NO_ROLES {
        assert!(show.contains(line), "{line:?} not in {show}");
    }
    assert!(
        stack
            .discord
            .member_roles(GUILD, expert().user_id)
            .is_empty()
    );
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn an_admin_who_may_give_a_role_chooses_it_and_experts_get_it() {
    let mo = moderator();
    let ada = admin();
    let (stack, services) = start(vec![owner(), expert(), mo.clone(), ada.clone()]).await;
    let mods = stack
        .discord
        .create_role(GUILD, FakeRole::new("Mods").at(7));
    let pro_dev = stack
        .discord
        .create_role(GUILD, FakeRole::new("Pro-Dev").at(5));
    stack.discord.give_role(GUILD, mo.user_id, mods);

    // Discord cannot be asked: refused, and nothing changes; asked again, it can.
    stack.discord.inject_outage(&format!("/guilds/{GUILD}"), 2);
    let text = answer(&stack, prodev(&stack, &mo, ROLE_ADMIN, pro_dev)).await;
    assert!(text.contains("couldn't check that role"), "{text}");
    nothing_changed(&stack).await;

    let text = answer(&stack, prodev(&stack, &mo, ROLE_ADMIN, pro_dev)).await;
    assert!(text.contains(&format!("get <@&{pro_dev}>")), "{text}");
    let given = stack
        .discord
        .wait_for(PATIENCE, |d| {
            d.member_roles(GUILD, expert().user_id)
                .contains(&pro_dev)
                .then_some(())
        })
        .await;
    assert!(given.is_some(), "the Expert gets the Pro-Dev role");
    assert!(
        shown(&stack)
            .await
            .contains(&format!("Pro-Dev role: <@&{pro_dev}>"))
    );
    // The owner chooses a role for Experts without Manage Roles or any role of their own.
    let experts = stack
        .discord
        .create_role(GUILD, FakeRole::new("Experts").at(1));
    let text = answer(
        &stack,
        rank_role(&stack, &owner(), MANAGE_SERVER, "Expert", experts),
    )
    .await;
    assert!(text.contains(&format!("<@&{experts}>")), "{text}");
    let both = stack
        .discord
        .wait_for(PATIENCE, |d| {
            let mut held = d.member_roles(GUILD, expert().user_id);
            held.sort_unstable();
            let mut want = vec![pro_dev, experts];
            want.sort_unstable();
            (held == want).then_some(())
        })
        .await;
    assert!(
        both.is_some(),
        "{:?}",
        stack.discord.member_roles(GUILD, expert().user_id)
    );

    // Switching it back takes it from everyone: only an admin who could take it themselves may.
    let clear = |who: &FakeMember, permissions| {
        settings(&stack, who, permissions, "prodev-role", json!([]))
    };
    let text = answer(&stack, clear(&ada, MANAGE_SERVER)).await;
    assert!(
        text.contains(&format!(
            "you could not take <@&{pro_dev}> from members yourself"
        )),
        "{text}"
    );
    stack.effects_out().await;
    assert!(
        stack
            .discord
            .member_roles(GUILD, expert().user_id)
            .contains(&pro_dev),
        "the refused change took nothing"
    );
    let text = answer(&stack, clear(&mo, ROLE_ADMIN)).await;
    assert!(text.contains("no longer gives a Pro-Dev role"), "{text}");
    let taken = stack
        .discord
        .wait_for(PATIENCE, |d| {
            (d.member_roles(GUILD, expert().user_id) == [experts]).then_some(())
        })
        .await;
    assert!(taken.is_some(), "the Pro-Dev role is taken back");
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn a_roles_xp_rule_scales_its_members_messages_and_a_no_xp_role_earns_nothing() {
    let (owner, alice, bob) = (owner(), alice(), bob());
    let stack = Stack::start(vec![owner.clone(), alice.clone(), bob.clone()]).await;
    let [boosters, muted] =
        ["Boosters", "Muted"].map(|name| stack.discord.create_role(GUILD, FakeRole::new(name)));
    stack.discord.give_role(GUILD, alice.user_id, boosters);
    stack.discord.give_role(GUILD, bob.user_id, boosters);
    stack.discord.give_role(GUILD, bob.user_id, muted);
    let services = stack.services().await;

    let rule = |role: u64, percent: i64| {
        settings(
            &stack,
            &owner,
            MANAGE_SERVER,
            "xp-role",
            json!([{"name": "role", "type": 8, "value": role.to_string()},
                   {"name": "percent", "type": 4, "value": percent}]),
        )
    };
    let doubled = answer(&stack, rule(boosters, 200)).await;
    assert!(doubled.contains("200 % XP"), "{doubled}");
    let silenced = answer(&stack, rule(muted, 0)).await;
    assert!(silenced.contains("no XP"), "{silenced}");
    let refused = answer(&stack, rule(muted, 900)).await;
    assert!(refused.contains("from 0 to 500"), "{refused}");
    assert!(
        shown(&stack)
            .await
            .contains(&format!("<@&{boosters}> 200 % XP · <@&{muted}> no XP")),
        "{}",
        shown(&stack).await
    );

    // Alice (a booster) earns twice the 5 XP; Bob, a booster who is also muted, earns nothing.
    for who in [&alice, &bob] {
        let (_, d) =
            stack
                .discord
                .message_create(GUILD, CHANNEL, who, "a message long enough to count");
        stack.discord.dispatch("MESSAGE_CREATE", d);
    }
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'",
            2,
        )
        .await;
    stack.projected().await;
    let board = original(
        &stack,
        stack.slash(&bob, MEMBER_PERMISSIONS, "leaderboard", json!([])),
    )
    .await;
    let text = board.text();
    assert!(text.contains("**1.** <@1001> — 10 XP"), "{text}");
    assert!(!text.contains("<@1002>"), "bob earned nothing: {text}");
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn a_level_role_goes_to_members_at_that_level_now_and_to_those_who_reach_it() {
    let (owner, alice, bob) = (owner(), alice(), bob());
    let stack = Stack::start(vec![owner.clone(), alice.clone(), bob.clone()]).await;
    let regulars = stack.discord.create_role(GUILD, FakeRole::new("Regulars"));
    let services = stack.services().await;
    let give_xp = |to: u64, amount: i64| {
        stack.slash(
            &owner,
            MANAGE_SERVER,
            "xp",
            json!([{"name": "give", "type": 1, "options": [
                {"name": "member", "type": 6, "value": to.to_string()},
                {"name": "amount", "type": 4, "value": amount},
                {"name": "reason", "type": 3, "value": "jam"}]}]),
        )
    };
    let has_role = |who: u64| stack.discord.member_roles(GUILD, who).contains(&regulars);

    // Bob is level 2 already when the owner sets the role: he gets it at once.
    original(&stack, give_xp(bob.user_id, 300)).await;
    let set = settings(
        &stack,
        &owner,
        MANAGE_SERVER,
        "level-role",
        json!([{"name": "level", "type": 4, "value": 2},
               {"name": "role", "type": 8, "value": regulars.to_string()}]),
    );
    let said = answer(&stack, set).await;
    assert!(said.contains("level 2 and above get"), "{said}");
    stack
        .discord
        .wait_for(PATIENCE, |_| has_role(bob.user_id).then_some(()))
        .await
        .expect("bob, at level 2, gets the level role");
    assert!(!has_role(alice.user_id), "alice is level 1");
    assert!(
        shown(&stack)
            .await
            .contains(&format!("level 2 <@&{regulars}>"))
    );

    // Alice reaches level 2: she gets it then.
    original(&stack, give_xp(alice.user_id, 250)).await;
    stack
        .discord
        .wait_for(PATIENCE, |_| has_role(alice.user_id).then_some(()))
        .await
        .expect("alice gets the level role on reaching level 2");
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}
