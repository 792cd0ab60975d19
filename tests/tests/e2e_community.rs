//! The community end to end through the real binaries and the local Discord: reputation by
//! `/rep` and by ⭐ reactions, with its limits, and an admin's purge of an alt's points.

mod common;

use common::*;
use serde_json::{Value, json};
use studio_tests::{FakeMember, SentMessage};

async fn original(stack: &Stack, id: u64) -> SentMessage {
    stack
        .discord
        .wait_for(PATIENCE, |d| d.original_message(id))
        .await
        .unwrap_or_else(|| panic!("no visible answer to interaction {id}"))
}

fn rep(stack: &Stack, from: &FakeMember, to: u64) -> u64 {
    stack.slash(
        from,
        MEMBER_PERMISSIONS,
        "rep",
        json!([{"name": "member", "type": 6, "value": to.to_string()},
               {"name": "reason", "type": 3, "value": "fixed my shader @everyone"}]),
    )
}

fn star(stack: &Stack, added: bool, who: &FakeMember, message: u64, author: u64) {
    let mut d: Value = json!({
        "user_id": who.user_id.to_string(), "channel_id": CHANNEL.to_string(),
        "message_id": message.to_string(), "guild_id": GUILD.to_string(),
        "emoji": {"id": null, "name": "⭐"}, "burst": false, "type": 0,
    });
    if added {
        d["member"] = studio_tests::payloads::member(who, &[], None);
        d["message_author_id"] = json!(author.to_string());
        d["burst_colors"] = json!([]);
    }
    let kind = if added {
        "MESSAGE_REACTION_ADD"
    } else {
        "MESSAGE_REACTION_REMOVE"
    };
    stack.discord.dispatch(kind, d);
}

async fn reputation(stack: &Stack, user: u64) -> i64 {
    stack
        .scalar(&format!(
            "SELECT coalesce((SELECT reputation FROM views.members WHERE user_id = {user}), 0)"
        ))
        .await
}

#[tokio::test]
async fn reputation_by_command_and_reaction_respects_its_limits() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let carol = member(1004, "carol", 20);
    let stack = Stack::start(vec![
        alice.clone(),
        bob.clone(),
        admin.clone(),
        carol.clone(),
    ])
    .await;
    let services = stack.services().await;

    // /rep thanks publicly, pinging only the receiver.
    let given = stack.answer(rep(&stack, &bob, 1001)).await;
    let body = given.body.to_string();
    assert!(body.contains("+1 reputation (now 1)"), "{body}");
    assert_eq!(
        given.body["data"]["allowed_mentions"]["users"],
        json!(["1001"]),
        "{body}"
    );
    // Once a day per pair; never to oneself.
    let again = original(&stack, rep(&stack, &bob, 1001)).await;
    assert!(
        again.ephemeral() && again.text().contains("already gave"),
        "{}",
        again.text()
    );
    let own = original(&stack, rep(&stack, &alice, 1001)).await;
    assert!(
        own.ephemeral() && own.text().contains("yourself"),
        "{}",
        own.text()
    );

    // A ⭐ on alice's message gives her a point; removing it the same day takes it back.
    let message = stack.say(&alice, "here is how I fixed the shadow acne");
    star(&stack, true, &carol, message, 1001);
    stack
        .eventually_i64(
            "SELECT reputation FROM views.members WHERE user_id = 1001",
            2,
        )
        .await;
    star(&stack, false, &carol, message, 1001);
    stack
        .eventually_i64(
            "SELECT reputation FROM views.members WHERE user_id = 1001",
            1,
        )
        .await;
    // A star on one's own message gives nothing.
    star(&stack, true, &alice, message, 1001);

    // The profile shows it.
    let profile = original(
        &stack,
        stack.slash(
            &carol,
            MEMBER_PERMISSIONS,
            "profile",
            json!([{"name": "member", "type": 6, "value": "1001"}]),
        ),
    )
    .await;
    assert!(profile.text().contains("⭐ 1"), "{}", profile.text());

    // An admin removes everything bob gave (an alt, say); a member cannot.
    let purge = |who: &FakeMember, permissions| {
        stack.slash(
            who,
            permissions,
            "rep-purge",
            json!([{"name": "giver", "type": 6, "value": "1002"},
                   {"name": "reason", "type": 3, "value": "alt account"}]),
        )
    };
    let refused = original(&stack, purge(&carol, MEMBER_PERMISSIONS)).await;
    assert!(
        refused.text().contains("Manage Server"),
        "{}",
        refused.text()
    );
    let purged = original(&stack, purge(&admin, ADMIN_PERMISSIONS)).await;
    assert!(
        purged.text().contains("Removed the 1 reputation points"),
        "{}",
        purged.text()
    );
    stack
        .eventually_i64(
            "SELECT reputation FROM views.members WHERE user_id = 1001",
            0,
        )
        .await;
    assert_eq!(reputation(&stack, 1001).await, 0);
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'ReputationGiven'")
            .await,
        2,
        "the self-star and the repeated /rep wrote nothing"
    );

    // /help lists every command with an example, or one.
    let all = original(
        &stack,
        stack.slash(&carol, MEMBER_PERMISSIONS, "help", json!([])),
    )
    .await;
    assert!(all.ephemeral(), "help is private");
    for usage in [
        "/pay member amount [note]",
        "/rep member [reason]",
        "/shop [language]",
    ] {
        assert!(
            all.text().contains(usage),
            "{usage} missing from {}",
            all.text()
        );
    }
    let one = original(
        &stack,
        stack.slash(
            &carol,
            MEMBER_PERMISSIONS,
            "help",
            json!([{"name": "command", "type": 3, "value": "rep"}]),
        ),
    )
    .await;
    assert!(
        one.text().contains("/rep member:@alice") && !one.text().contains("/pay"),
        "{}",
        one.text()
    );

    let live = stack.views_digest().await;
    stack.replay().await;
    assert_eq!(
        stack.views_digest().await,
        live,
        "replay gives the same views"
    );
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn a_member_ranks_up_as_time_passes_and_keeps_the_pro_dev_role_across_leave_and_rejoin() {
    let admin = admin();
    // Six seconds short of the Expert rank (12 months of 30 days) when the test starts.
    let dave = FakeMember::new(
        1006,
        "dave",
        chrono::Utc::now() - chrono::Duration::days(360) + chrono::Duration::seconds(6),
    );
    let stack = Stack::start(vec![admin.clone(), dave.clone()]).await;
    let projector = stack.spawn("projector", &[], &[]);
    let command = stack.spawn("command-service", &[], &[("STUDIO_SCHEDULER_MS", "200")]);
    let gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;

    let set = stack.slash(
        &admin,
        ADMIN_PERMISSIONS,
        "settings",
        json!([{"name": "prodev-role", "type": 1, "options": [
            {"name": "role", "type": 8, "value": "555"}]}]),
    );
    assert!(original(&stack, set).await.text().contains("<@&555>"));
    // Learner at once (a rank reached before Studio saw the member is recorded on the first tick),
    // Expert when the time comes, with the Pro-Dev role and a DM.
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'RankReached'
             AND payload->>'member' = '1006' AND payload->>'rank' = 'Expert'",
            1,
        )
        .await;
    let has_role = |stack: &Stack| {
        let roles = stack.discord.member_roles(GUILD, 1006);
        roles.contains(&555)
    };
    stack
        .discord
        .wait_for(PATIENCE, |_| has_role(&stack).then_some(()))
        .await
        .expect("the Pro-Dev role is given at Expert");
    assert!(
        stack
            .discord
            .channel_messages()
            .iter()
            .any(|m| m.is_dm_to == Some(1006) && m.text().contains("**Expert** rank")),
        "the rank-up is announced"
    );

    // Leaving drops Discord's roles; coming back gives the role again (time away does not count,
    // and the rank is not announced twice).
    stack.discord.dispatch(
        "GUILD_MEMBER_REMOVE",
        stack.discord.member_remove(GUILD, 1006),
    );
    stack
        .discord
        .wait_for(PATIENCE, |_| (!has_role(&stack)).then_some(()))
        .await
        .expect("the role leaves with the member");
    let back = FakeMember::new(1006, "dave", chrono::Utc::now());
    stack
        .discord
        .dispatch("GUILD_MEMBER_ADD", stack.discord.member_add(GUILD, &back));
    stack
        .discord
        .wait_for(PATIENCE, |_| has_role(&stack).then_some(()))
        .await
        .expect("the role is given again on rejoin");
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'RankReached' AND payload->>'member' = '1006'")
            .await,
        2,
        "Learner and Expert, once each"
    );
    stack.assert_log_sound().await;
    drop((projector, command, gateway));
    stack.finish().await;
}

fn tournament(stack: &Stack, who: &FakeMember, permissions: u64, sub: &str, options: Value) -> u64 {
    stack.slash(
        who,
        permissions,
        "tournament",
        json!([{"name": sub, "type": 1, "options": options}]),
    )
}

#[tokio::test]
async fn a_tournament_pays_its_placings_from_its_pool() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let carol = member(1004, "carol", 20);
    let stack = Stack::start(vec![
        alice.clone(),
        bob.clone(),
        admin.clone(),
        carol.clone(),
    ])
    .await;
    let services = stack.services().await;

    let create = json!([{"name": "name", "type": 3, "value": "Winter jam"},
                        {"name": "prize", "type": 4, "value": 600},
                        {"name": "days", "type": 4, "value": 7}]);
    let refused = original(
        &stack,
        tournament(&stack, &bob, MEMBER_PERMISSIONS, "create", create.clone()),
    )
    .await;
    assert!(
        refused.text().contains("Manage Server"),
        "{}",
        refused.text()
    );
    let opened = original(
        &stack,
        tournament(&stack, &admin, ADMIN_PERMISSIONS, "create", create),
    )
    .await;
    assert!(
        !opened.ephemeral() && opened.text().contains("600 credits in prizes"),
        "{}",
        opened.text()
    );

    let id = json!([{"name": "id", "type": 4, "value": 1}]);
    for who in [&alice, &bob, &carol] {
        let entered = original(
            &stack,
            tournament(&stack, who, MEMBER_PERMISSIONS, "enter", id.clone()),
        )
        .await;
        assert!(
            entered.ephemeral() && entered.text().contains("You entered"),
            "{}",
            entered.text()
        );
    }
    let twice = original(
        &stack,
        tournament(&stack, &bob, MEMBER_PERMISSIONS, "enter", id),
    )
    .await;
    assert!(twice.text().contains("already entered"), "{}", twice.text());

    // Only entrants place; then first and second are paid, the unplaced third share goes back.
    let results = |first: u64, second: u64| {
        json!([{"name": "id", "type": 4, "value": 1},
               {"name": "first", "type": 6, "value": first.to_string()},
               {"name": "second", "type": 6, "value": second.to_string()}])
    };
    let stranger = original(
        &stack,
        tournament(
            &stack,
            &admin,
            ADMIN_PERMISSIONS,
            "results",
            results(1002, 1003),
        ),
    )
    .await;
    assert!(
        stranger.text().contains("entrants of the tournament"),
        "{}",
        stranger.text()
    );
    let paid = original(
        &stack,
        tournament(
            &stack,
            &admin,
            ADMIN_PERMISSIONS,
            "results",
            results(1002, 1001),
        ),
    )
    .await;
    assert!(
        paid.text().contains("🥇 <@1002> — 300 credits"),
        "{}",
        paid.text()
    );
    stack
        .eventually_i64(
            "SELECT count(*) FROM views.tournaments WHERE status = 'paid'",
            1,
        )
        .await;
    let balance = |member: u64| {
        format!(
            "SELECT coalesce((SELECT balance FROM views.accounts WHERE account = 'member:{member}'), 0)"
        )
    };
    assert_eq!(stack.scalar(&balance(1002)).await, 300);
    assert_eq!(stack.scalar(&balance(1001)).await, 180);
    assert_eq!(
        stack
            .scalar("SELECT balance FROM views.accounts WHERE account = 'mint'")
            .await,
        -480,
        "the third share went back to the mint"
    );
    assert!(
        stack
            .discord
            .channel_messages()
            .iter()
            .any(|m| m.is_dm_to == Some(1001) && m.text().contains("You won 180 credits"))
    );
    let list = original(
        &stack,
        tournament(&stack, &carol, MEMBER_PERMISSIONS, "list", json!([])),
    )
    .await;
    assert!(
        list.text().contains("Winter jam") && list.text().contains("<@1002> 300"),
        "{}",
        list.text()
    );

    let live = stack.views_digest().await;
    stack.replay().await;
    assert_eq!(
        stack.views_digest().await,
        live,
        "replay gives the same views"
    );
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}
