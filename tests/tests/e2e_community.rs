//! The community end to end through the real binaries and the local Discord: reputation by
//! `/rep` and by ⭐ reactions, with its limits, and an admin's purge of an alt's points.

mod common;

use common::*;
use serde_json::{Value, json};
use studio_tests::{FakeMember, FakeRole};

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
    react(
        stack,
        added,
        who,
        message,
        author,
        json!({"id": null, "name": "⭐"}),
    );
}

fn react(stack: &Stack, added: bool, who: &FakeMember, message: u64, author: u64, emoji: Value) {
    let mut d: Value = json!({
        "user_id": who.user_id.to_string(), "channel_id": CHANNEL.to_string(),
        "message_id": message.to_string(), "guild_id": GUILD.to_string(),
        "emoji": emoji, "burst": false, "type": 0,
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

    // The server chooses its own reaction (a custom emoji here): from then on it gives reputation
    // and ⭐ does not.
    let chosen = original(
        &stack,
        stack.slash(
            &admin,
            ADMIN_PERMISSIONS,
            "settings",
            json!([{"name": "rep-reaction", "type": 1, "options": [
                {"name": "emoji", "type": 3, "value": "<:thanks:777000>"}]}]),
        ),
    )
    .await;
    assert!(chosen.text().contains("reaction"), "{}", chosen.text());
    let tip = stack.say(&alice, "use a signed distance field for the outline");
    star(&stack, true, &carol, tip, 1001);
    react(
        &stack,
        true,
        &admin,
        tip,
        1001,
        json!({"id": "777000", "name": "thanks"}),
    );
    stack
        .eventually_i64(
            "SELECT reputation FROM views.members WHERE user_id = 1001",
            1,
        )
        .await;
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'ReputationGiven'")
            .await,
        3,
        "only the chosen reaction gave a point"
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

    stack.assert_replay_gives_the_same_views().await;
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
    // Eight seconds short of the Learner rank (one month): a Beginner who ranks up as the test runs.
    let started = chrono::Utc::now();
    let erin = FakeMember::new(
        1007,
        "erin",
        started - chrono::Duration::days(30) + chrono::Duration::seconds(8),
    );
    // The admin is the server's owner: they may have Studio give any role below Studio's own.
    let stack = Stack::start(vec![admin.clone(), dave.clone(), erin.clone()]).await;
    let [pro_dev, learners, new_pro_dev] = ["Pro-Dev", "Learners", "Pro-Dev 2"]
        .map(|name| stack.discord.create_role(GUILD, FakeRole::new(name)));
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
            {"name": "role", "type": 8, "value": pro_dev.to_string()}]}]),
    );
    assert!(
        original(&stack, set)
            .await
            .text()
            .contains(&format!("<@&{pro_dev}>"))
    );
    let announce = stack.slash(
        &admin,
        ADMIN_PERMISSIONS,
        "settings",
        json!([{"name": "level-up-channel", "type": 1, "options": [
            {"name": "channel", "type": 7, "value": ANNOUNCEMENTS.to_string()}]}]),
    );
    stack.answer(announce).await;
    let beginner = original(
        &stack,
        stack.slash(
            &admin,
            MEMBER_PERMISSIONS,
            "profile",
            json!([{"name": "member", "type": 6, "value": "1007"}]),
        ),
    )
    .await;
    assert!(beginner.text().contains("Beginner"), "{}", beginner.text());
    stack
        .eventually_i64(
            &format!(
                "SELECT count(*) FROM event_log WHERE event_type = 'RankReached'
                 AND payload->>'member' = '1007' AND payload->>'rank' = 'Learner'
                 AND (payload->>'at')::timestamptz > '{}'",
                started.to_rfc3339()
            ),
            1,
        )
        .await;
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
        roles.contains(&pro_dev)
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
        "the rank-up is told to the member"
    );
    assert!(
        stack
            .discord
            .wait_for(PATIENCE, |d| d
                .channel_messages()
                .into_iter()
                .find(|m| m.channel_id == ANNOUNCEMENTS
                    && m.text().contains("reached the **Expert** rank")))
            .await
            .is_some(),
        "the rank-up is announced in the server's announcement channel"
    );
    // Ranks crossed before Studio first saw a member (the admin's Expert, 800 days in; dave's
    // Learner) are recorded but are not news: no DM, no announcement.
    assert_eq!(
        stack
            .scalar(&format!(
                "SELECT count(*) FROM event_log WHERE event_type = 'RankReached'
                 AND payload->>'member' = '{}' AND payload->>'rank' = 'Expert'",
                admin.user_id
            ))
            .await,
        1
    );
    let told = stack.discord.channel_messages();
    assert!(
        !told.iter().any(|m| {
            (m.is_dm_to == Some(admin.user_id) && m.text().contains("rank"))
                || m.text().contains("**Learner** rank") && m.text().contains("1006")
                || (m.is_dm_to == Some(1006) && m.text().contains("**Learner** rank"))
                || m.text().contains(&format!("<@{}> reached", admin.user_id))
        }),
        "first-sight ranks are not announced: {:?}",
        told.iter().map(|m| m.text()).collect::<Vec<_>>()
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

    // A role for Learners goes to both; a new Pro-Dev role replaces the old one on the Expert.
    let settings_cmd = |sub: &str, options: Value| {
        stack.slash(
            &admin,
            ADMIN_PERMISSIONS,
            "settings",
            json!([{"name": sub, "type": 1, "options": options}]),
        )
    };
    stack
        .answer(settings_cmd(
            "rank-role",
            json!([{"name": "rank", "type": 3, "value": "Learner"},
                   {"name": "role", "type": 8, "value": learners.to_string()}]),
        ))
        .await;
    stack
        .answer(settings_cmd(
            "prodev-role",
            json!([{"name": "role", "type": 8, "value": new_pro_dev.to_string()}]),
        ))
        .await;
    let roles_now = |d: &studio_tests::FakeDiscord| {
        let (mut dave, mut erin) = (d.member_roles(GUILD, 1006), d.member_roles(GUILD, 1007));
        dave.sort_unstable();
        erin.sort_unstable();
        let mut want = vec![learners, new_pro_dev];
        want.sort_unstable();
        (dave == want && erin == [learners]).then_some(())
    };
    assert!(
        stack.discord.wait_for(PATIENCE, roles_now).await.is_some(),
        "dave {:?}, erin {:?}",
        stack.discord.member_roles(GUILD, 1006),
        stack.discord.member_roles(GUILD, 1007)
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

    stack.assert_replay_gives_the_same_views().await;
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

fn profile_form(role: &str, years: &str, open: &str) -> [(&'static str, String); 5] {
    [
        ("role", role.to_owned()),
        ("years", years.to_owned()),
        ("skills", format!("{role} things, {years} years of them")),
        ("links", "https://example.itch.io".to_owned()),
        ("open", open.to_owned()),
    ]
}

fn save_profile(stack: &Stack, who: &FakeMember, role: &str, years: &str, open: &str) -> u64 {
    let fields = profile_form(role, years, open);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    submit(stack, who, "f:profile", &fields)
}

fn find(stack: &Stack, who: &FakeMember, role: &str, min_years: i64) -> u64 {
    stack.slash(
        who,
        MEMBER_PERMISSIONS,
        "find",
        json!([{"name": "role", "type": 3, "value": role},
               {"name": "min_years", "type": 4, "value": min_years}]),
    )
}

async fn contact(stack: &Stack, from: &FakeMember, to: u64, text: &str) -> String {
    let id = submit(stack, from, &format!("f:contact:{to}"), &[("text", text)]);
    original(stack, id).await.text()
}

#[tokio::test]
async fn find_lists_open_members_by_experience_and_contact_respects_opt_out_and_limits() {
    let (alice, bob, dave) = (alice(), bob(), member(1005, "dave", 20));
    let carol = member(1004, "carol", 20);
    let artists: Vec<FakeMember> = (0..5)
        .map(|n| member(1010 + n, &format!("artist{n}"), 10))
        .collect();
    let builder = member(1006, "erin", 20);
    let mut everyone = vec![
        alice.clone(),
        bob.clone(),
        carol.clone(),
        dave.clone(),
        builder.clone(),
    ];
    everyone.extend(artists.iter().cloned());
    let stack = Stack::start(everyone).await;
    let services = stack.services().await;

    // Profile setup: /profile → ✏️ Edit profile opens the form, only on one's own profile.
    let own = original(
        &stack,
        stack.slash(&alice, MEMBER_PERMISSIONS, "profile", json!([])),
    )
    .await;
    let form = stack
        .click(&alice, &button(&own, "Edit profile"), &own)
        .await;
    assert_eq!(form.body["type"], 9, "a modal: {}", form.body);
    assert_eq!(form.body["data"]["custom_id"], "f:profile", "{}", form.body);
    // The primary role is picked from a menu, Builder among the roles.
    let role = &form.body["data"]["components"][0]["component"];
    assert_eq!(role["type"], 3, "a select menu: {role}");
    assert!(
        role["options"]
            .as_array()
            .is_some_and(|o| o.iter().any(|o| o["value"] == "Builder")),
        "{role}"
    );
    let theirs = original(
        &stack,
        stack.slash(
            &dave,
            MEMBER_PERMISSIONS,
            "profile",
            json!([{"name": "member", "type": 6, "value": "1001"}]),
        ),
    )
    .await;
    assert!(
        theirs.buttons().iter().all(|(l, _)| !l.contains("Edit")),
        "{:?}",
        theirs.buttons()
    );
    // Credits show on one's own (private) Stats only.
    assert!(
        own.ephemeral() && own.text().contains("Credits (only you see this)"),
        "{}",
        own.text()
    );
    assert!(!theirs.text().contains("Credits"), "{}", theirs.text());

    // Bad answers are refused privately and save nothing.
    let bad = original(
        &stack,
        save_profile(&stack, &alice, "Artist", "seven", "yes"),
    )
    .await;
    assert!(
        bad.ephemeral()
            && bad.text().contains("Years of experience")
            && bad.text().contains("/profile"),
        "{}",
        bad.text()
    );
    let bad = original(&stack, save_profile(&stack, &alice, "Wizard", "3", "yes")).await;
    assert!(bad.text().contains("Programmer"), "{}", bad.text());

    // Seven artists open to work, one not; bob is the most experienced.
    let saved = original(&stack, save_profile(&stack, &alice, "artist", "5", "yes")).await;
    assert!(saved.text().contains("Profile saved"), "{}", saved.text());
    save_profile(&stack, &bob, "Artist", "12", "yes");
    save_profile(&stack, &carol, "Artist", "20", "no");
    for (n, a) in (1..).zip(&artists) {
        save_profile(&stack, a, "Artist", &n.to_string(), "yes");
    }
    original(
        &stack,
        save_profile(&stack, &builder, "Builder", "3", "yes"),
    )
    .await;
    stack
        .eventually_i64("SELECT count(*) FROM views.profiles", 9)
        .await;
    // The seed's own example, `/find builder 2`: a card with name, level, reputation, role and id.
    let builders = original(&stack, find(&stack, &alice, "Builder", 2)).await;
    let text = builders.text();
    assert!(
        text.contains("Builders with 2+ years")
            && text.contains("Builder · 3 years")
            && text.contains("<@1006> · level 1 · ⭐ 0 reputation")
            && text.contains("ID 1006"),
        "{text}"
    );
    let portfolio = stack.click(&alice, &button(&own, "Portfolio"), &own).await;
    assert!(
        portfolio
            .body
            .to_string()
            .contains("Artist · 5 years · open to work"),
        "{}",
        portfolio.body
    );

    // /find with min_years 2: six matches over two pages, most experienced first, carol absent.
    let page = original(&stack, find(&stack, &dave, "Artist", 2)).await;
    let text = page.text();
    assert!(page.ephemeral(), "{text}");
    assert!(text.contains("Page 1 of 2 · 6 members"), "{text}");
    let bob_at = text.find("<@1002>").expect("bob listed");
    let alice_at = text.find("<@1001>").expect("alice listed");
    assert!(bob_at < alice_at, "bob (12 years) before alice (5): {text}");
    assert!(
        !text.contains("<@1004>"),
        "carol is not open to work: {text}"
    );
    assert!(
        !text.contains("<@1010>"),
        "one year is under the minimum: {text}"
    );
    let next = stack.click(&dave, &button(&page, "Next"), &page).await;
    let second = next.body.to_string();
    assert!(second.contains("Page 2 of 2"), "{second}");
    assert!(
        second.contains("<@1011>"),
        "the least experienced match: {second}"
    );
    assert!(!second.contains("<@1002>"), "{second}");

    // Contact: the button opens a form; the message reaches bob by DM.
    let opened = stack
        .click(&dave, &button(&page, "Contact #1"), &page)
        .await;
    assert_eq!(opened.body["type"], 9, "{}", opened.body);
    assert_eq!(opened.body["data"]["custom_id"], "f:contact:1002");
    let sent = contact(&stack, &dave, 1002, "Want to make a jam game?").await;
    assert!(sent.contains("sent to <@1002>"), "{sent}");
    assert!(
        told_by_dm(&stack, 1002, "Want to make a jam game?").await,
        "bob got the message by DM"
    );

    // Refused: a member who opted out (even through a forged form), twice the same day, oneself,
    // and more than three a day.
    let opted_out = contact(&stack, &dave, 1004, "hello?").await;
    assert!(opted_out.contains("not open to work"), "{opted_out}");
    let twice = contact(&stack, &dave, 1002, "again").await;
    assert!(twice.contains("already"), "{twice}");
    let own = contact(&stack, &alice, 1001, "me").await;
    assert!(own.contains("yourself"), "{own}");
    for to in [1001, 1011] {
        let ok = contact(&stack, &dave, to, "hi").await;
        assert!(ok.contains("sent"), "{ok}");
    }
    let capped = contact(&stack, &dave, 1012, "hi").await;
    assert!(capped.contains("3"), "{capped}");
    assert!(
        dms_to(&stack, 1004).is_empty() && dms_to(&stack, 1012).is_empty(),
        "nothing reached the refused members"
    );
    assert_eq!(
        stack
            .scalar("SELECT count(*) FROM event_log WHERE event_type = 'MemberContacted'")
            .await,
        3
    );

    // Opting out takes alice off /find (7 stay open: six artists and the builder).
    save_profile(&stack, &alice, "Artist", "5", "no");
    stack
        .eventually_i64("SELECT count(*) FROM views.profiles WHERE open_to_work", 7)
        .await;
    let after = original(&stack, find(&stack, &dave, "Artist", 2)).await;
    assert!(!after.text().contains("<@1001>"), "{}", after.text());

    stack.assert_replay_gives_the_same_views().await;
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

fn settings(stack: &Stack, who: &FakeMember, permissions: u64, sub: &str, options: Value) -> u64 {
    stack.slash(
        who,
        permissions,
        "settings",
        json!([{"name": sub, "type": 1, "options": options}]),
    )
}

async fn xp(stack: &Stack, user: u64) -> i64 {
    stack
        .scalar(&format!(
            "SELECT coalesce((SELECT xp FROM views.members WHERE user_id = {user}), 0)"
        ))
        .await
}

#[tokio::test]
async fn a_settings_change_alters_xp_from_its_place_in_the_log_and_replay_keeps_the_earlier_xp() {
    let (alice, admin) = (alice(), admin());
    let stack = Stack::start(vec![alice.clone(), admin.clone()]).await;
    let services = stack.services().await;
    let t0 = chrono::Utc::now() - chrono::TimeDelta::seconds(100);
    let at = |s| t0 + chrono::TimeDelta::seconds(s);

    // The defaults: 5 XP, at most once a minute.
    stack.say_at(&alice, "a first message about shaders", at(0));
    stack.say_at(&alice, "a second one, too soon", at(10));
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'",
            2,
        )
        .await;
    stack
        .eventually_i64("SELECT xp FROM views.members WHERE user_id = 1001", 5)
        .await;

    // Only admins change the rules; out-of-range values are refused with the help.
    let refused = original(
        &stack,
        settings(
            &stack,
            &alice,
            MEMBER_PERMISSIONS,
            "xp",
            json!([{"name": "per_message", "type": 4, "value": 100}]),
        ),
    )
    .await;
    assert!(
        refused.text().contains("Manage Server"),
        "{}",
        refused.text()
    );
    let bad = original(
        &stack,
        settings(
            &stack,
            &admin,
            ADMIN_PERMISSIONS,
            "xp",
            json!([{"name": "per_message", "type": 4, "value": -3}]),
        ),
    )
    .await;
    assert!(
        bad.ephemeral() && bad.text().contains("from 0 to") && bad.text().contains("/settings"),
        "{}",
        bad.text()
    );
    let changed = original(
        &stack,
        settings(
            &stack,
            &admin,
            ADMIN_PERMISSIONS,
            "xp",
            json!([{"name": "per_message", "type": 4, "value": 100},
                   {"name": "cooldown_seconds", "type": 4, "value": 0}]),
        ),
    )
    .await;
    assert!(
        changed.text().contains("earns 100 XP"),
        "{}",
        changed.text()
    );
    let channel = json!([{"name": "channel", "type": 7, "value": ANNOUNCEMENTS.to_string()}]);
    stack
        .answer(settings(
            &stack,
            &admin,
            ADMIN_PERMISSIONS,
            "level-up-channel",
            channel.clone(),
        ))
        .await;
    let mut no_xp = channel;
    no_xp
        .as_array_mut()
        .expect("options")
        .push(json!({"name": "without_xp", "type": 5, "value": true}));
    stack
        .answer(settings(&stack, &admin, ADMIN_PERMISSIONS, "no-xp", no_xp))
        .await;

    // From here on: 100 XP a message with no cooldown; none in the announcements channel; the
    // level-up is announced there.
    for s in 20..23 {
        stack.say_at(&alice, "progress on the level editor", at(s));
    }
    stack.say_in(ANNOUNCEMENTS, &alice, "chatting where XP is off", at(30));
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'",
            6,
        )
        .await;
    stack
        .eventually_i64("SELECT xp FROM views.members WHERE user_id = 1001", 305)
        .await;
    let announced = stack
        .discord
        .wait_for(PATIENCE, |d| {
            d.channel_messages()
                .into_iter()
                .find(|m| m.content.contains("reached level 2"))
        })
        .await
        .expect("level-up announced");
    assert_eq!(announced.channel_id, ANNOUNCEMENTS);

    // Faster ranks: alice's 400 days make her a Master now, as her Rank Info says with its tax.
    let months = |r: &str, n: i64| json!({"name": r, "type": 4, "value": n});
    let ranks = original(
        &stack,
        settings(
            &stack,
            &admin,
            ADMIN_PERMISSIONS,
            "ranks",
            json!([
                months("learner", 0),
                months("expert", 1),
                months("master", 2)
            ]),
        ),
    )
    .await;
    assert!(ranks.text().contains("Master 2+"), "{}", ranks.text());
    let rising = original(
        &stack,
        settings(
            &stack,
            &admin,
            ADMIN_PERMISSIONS,
            "ranks",
            json!([
                months("learner", 5),
                months("expert", 5),
                months("master", 9)
            ]),
        ),
    )
    .await;
    assert!(rising.text().contains("more months"), "{}", rising.text());
    let profile = original(
        &stack,
        stack.slash(&alice, MEMBER_PERMISSIONS, "profile", json!([])),
    )
    .await;
    let rank_info = stack
        .click(&alice, &button(&profile, "Rank Info"), &profile)
        .await;
    let rank_info = rank_info.body.to_string();
    assert!(
        rank_info.contains("Master")
            && rank_info.contains("0 % on each sale")
            && rank_info.contains("Master 2+"),
        "{rank_info}"
    );

    let shown = original(
        &stack,
        settings(&stack, &admin, ADMIN_PERMISSIONS, "show", json!([])),
    )
    .await;
    assert!(
        shown.text().contains("XP per message: 100"),
        "{}",
        shown.text()
    );

    // The log keeps what each message earned when it was decided: a replay gives the same views,
    // and the history before the change still sums to the earlier 5 XP.
    stack.assert_replay_gives_the_same_views().await;
    assert_eq!(xp(&stack, 1001).await, 305);
    let before_change = stack
        .scalar(
            "SELECT coalesce(sum((payload->'xp')::bigint), 0)::bigint FROM event_log
             WHERE event_type = 'MessagePosted' AND position <
               (SELECT min(position) FROM event_log WHERE event_type = 'GuildSettingsChanged')",
        )
        .await;
    assert_eq!(before_change, 5);
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

/// Does whatever today's quest asks of alice (the quest is random, written in the log).
async fn do_the_quest(stack: &Stack, alice: &FakeMember, bob: &FakeMember, day: i64) {
    let (quest, target): (String, i64) = sqlx::query_as(
        "SELECT payload->>'quest', (payload->>'target')::bigint FROM event_log
         WHERE event_type = 'QuestAssigned' ORDER BY position DESC LIMIT 1",
    )
    .fetch_one(&stack.pool)
    .await
    .expect("a quest was assigned");
    eprintln!("day {day}: the quest is {quest} ({target})");
    match quest.as_str() {
        "chat" | "chatter" => {
            for n in 0..target {
                stack.say(alice, &format!("devlog day {day}, note {n}"));
            }
        }
        "help" => {
            let thanked = stack.answer(rep(stack, bob, 1001)).await;
            assert!(
                thanked.body.to_string().contains("+1 reputation"),
                "{}",
                thanked.body
            );
        }
        "review" => {
            let title = format!("Day {day} dialogue system");
            let listed = original(
                stack,
                submit(
                    stack,
                    bob,
                    "f:sell",
                    &[
                        ("title", &title),
                        ("description", "Branching dialogue"),
                        ("language", "Rust"),
                        ("price", "10"),
                        ("code", "fn talk() {}"),
                    ],
                ),
            )
            .await;
            let id: String = listed
                .text()
                .split("Listing #")
                .nth(1)
                .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                .expect("listing number")
                .to_owned();
            // The shop shows what the views hold; under load they may take longer than an
            // answer waits for them (this test is about the quest, not read-your-writes).
            stack
                .eventually_i64(
                    &format!("SELECT count(*) FROM views.listings WHERE listing_id = {id}"),
                    1,
                )
                .await;
            let shop = original(
                stack,
                stack.slash(alice, MEMBER_PERMISSIONS, "shop", json!([])),
            )
            .await;
            let bought = stack
                .click(alice, &button(&shop, &format!("Buy #{id}")), &shop)
                .await;
            assert!(
                bought.body.to_string().contains("You bought"),
                "{}",
                bought.body
            );
            let reviewed = original(
                stack,
                submit(
                    stack,
                    alice,
                    &format!("f:review:{id}"),
                    &[("stars", "5"), ("text", "Great")],
                ),
            )
            .await;
            assert!(reviewed.text().contains("review"), "{}", reviewed.text());
        }
        other => panic!("unknown quest {other}"),
    }
}

/// Alice runs /daily, completes the quest, claims it; returns the claim's text.
async fn play_a_day(stack: &Stack, alice: &FakeMember, bob: &FakeMember, day: i64) -> String {
    let board = original(
        stack,
        stack.slash(alice, MEMBER_PERMISSIONS, "daily", json!([])),
    )
    .await;
    assert!(board.ephemeral(), "the quest board is private");
    let early = stack.click(alice, &button(&board, "Claim"), &board).await;
    assert!(
        early.body.to_string().contains("not done yet"),
        "a quest not done is not paid: {}",
        early.body
    );
    do_the_quest(stack, alice, bob, day).await;
    let mut claimed = String::new();
    for _ in 0..100 {
        let again = original(
            stack,
            stack.slash(alice, MEMBER_PERMISSIONS, "daily", json!([])),
        )
        .await;
        if again.text().contains("Done!") {
            let answer = stack.click(alice, &button(&again, "Claim"), &again).await;
            claimed = answer.body.to_string();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        claimed.contains("Quest claimed"),
        "claimed on day {day}: {claimed}"
    );
    claimed
}

#[tokio::test]
async fn a_daily_quest_streak_across_days_raises_the_reward_and_a_missed_day_resets_it() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;
    // Credits for a review quest's purchases.
    stack.answer(grant(&stack, &admin, 1001, 500)).await;

    let mut streaks = Vec::new();
    for day in [0, 1, 2, 4] {
        if day > 0 {
            let gap = if day == 4 { 2 } else { 1 };
            stack.discord.advance_clock(chrono::TimeDelta::days(gap));
        }
        let claimed = play_a_day(&stack, &alice, &bob, day).await;
        let again = original(
            &stack,
            stack.slash(&alice, MEMBER_PERMISSIONS, "daily", json!([])),
        )
        .await;
        assert!(
            again.text().contains("Claimed."),
            "once a day: {}",
            again.text()
        );
        streaks.push(claimed);
    }
    for (text, streak) in streaks.iter().zip([
        "Streak: 1 day.",
        "Streak: 2 days.",
        "Streak: 3 days.",
        "Streak: 1 day.",
    ]) {
        assert!(text.contains(streak), "{text}");
    }

    // Each claim paid its difficulty's base plus 10 % per consecutive day, from the mint, and 50 XP.
    let claims: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT (c.payload->>'streak')::bigint, (c.payload->>'reward')::bigint,
                (a.payload->>'difficulty')::bigint
         FROM event_log c JOIN event_log a
           ON a.event_type = 'QuestAssigned' AND a.payload->>'day' = c.payload->>'day'
         WHERE c.event_type = 'QuestClaimed' ORDER BY c.position",
    )
    .fetch_all(&stack.pool)
    .await
    .expect("claims");
    assert_eq!(claims.len(), 4);
    for (streak, reward, difficulty) in &claims {
        let base = [50, 100, 150][usize::try_from(*difficulty).expect("difficulty")];
        assert_eq!(
            *reward,
            base * (100 + 10 * (streak - 1)) / 100,
            "{claims:?}"
        );
    }
    let paid: i64 = claims.iter().map(|c| c.1).sum();
    let spent = stack
        .scalar(
            "SELECT coalesce(sum((payload->>'price')::bigint), 0)::bigint FROM event_log
             WHERE event_type = 'ListingPurchased'",
        )
        .await;
    stack
        .eventually_i64(
            "SELECT balance FROM views.accounts WHERE account = 'member:1001'",
            500 + paid - spent,
        )
        .await;

    stack.assert_replay_gives_the_same_views().await;
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

fn team_cmd(stack: &Stack, who: &FakeMember, sub: &str, options: Value) -> u64 {
    let mut options = options;
    if let Some(o) = options.as_array_mut() {
        o.insert(0, json!({"name": "team", "type": 4, "value": 1}));
    }
    stack.slash(
        who,
        MEMBER_PERMISSIONS,
        "team",
        json!([{"name": sub, "type": 1, "options": options}]),
    )
}

fn who(member: u64) -> Value {
    json!({"name": "member", "type": 6, "value": member.to_string()})
}

async fn said(stack: &Stack, id: u64) -> String {
    original(stack, id).await.text()
}

async fn channel_members(stack: &Stack, want: Option<Vec<u64>>) {
    let got = stack
        .discord
        .wait_for(PATIENCE, |d| {
            let now = d.channel_by_name(GUILD, "team-1").map(|(_, m)| m);
            let mut members = now.clone();
            if let Some(m) = members.as_mut() {
                m.retain(|u| (1000..2000).contains(u));
            }
            (members == want).then_some(())
        })
        .await;
    assert!(
        got.is_some(),
        "team channel members {:?}, wanted {want:?}",
        stack.discord.channel_by_name(GUILD, "team-1")
    );
}

#[tokio::test]
async fn a_team_goes_from_creation_through_channel_wallet_and_milestones_to_disband() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let (carol, dave) = (member(1004, "carol", 20), member(1005, "dave", 20));
    let stack = Stack::start(vec![
        alice.clone(),
        bob.clone(),
        admin.clone(),
        carol.clone(),
        dave.clone(),
    ])
    .await;
    let services = stack.services().await;
    for (member, amount) in [(1001, 1000), (1002, 500)] {
        stack.answer(grant(&stack, &admin, member, amount)).await;
    }

    // /teams → ➕ Create team opens the form; submitting it founds team #1 for the 100 fee.
    let board = original(
        &stack,
        stack.slash(&alice, MEMBER_PERMISSIONS, "teams", json!([])),
    )
    .await;
    assert!(board.ephemeral(), "{}", board.text());
    let form = stack
        .click(&alice, &button(&board, "Create team"), &board)
        .await;
    assert_eq!(form.body["type"], 9, "{}", form.body);
    assert!(
        form.body.to_string().contains("100 credits"),
        "{}",
        form.body
    );
    let created = said(
        &stack,
        submit(
            &stack,
            &alice,
            "f:team",
            &[
                ("name", "Pixel Pirates"),
                ("description", "A co-op roguelike"),
                ("open", "no"),
            ],
        ),
    )
    .await;
    assert!(created.contains("Team #1 **Pixel Pirates**"), "{created}");
    channel_members(&stack, Some(vec![1001])).await;

    // Invite only: bob asks and the owner accepts; carol is invited and joins.
    let asked = said(&stack, team_cmd(&stack, &bob, "join", json!([]))).await;
    assert!(asked.contains("asked to join"), "{asked}");
    assert!(
        said(
            &stack,
            team_cmd(&stack, &alice, "accept", json!([who(1002)]))
        )
        .await
        .contains("joined")
    );
    said(
        &stack,
        team_cmd(&stack, &alice, "invite", json!([who(1004)])),
    )
    .await;
    assert!(
        said(&stack, team_cmd(&stack, &carol, "join", json!([])))
            .await
            .contains("joined")
    );
    channel_members(&stack, Some(vec![1001, 1002, 1004])).await;

    // Browse shows the team to an outsider with an Ask to join button.
    let browse_board = original(
        &stack,
        stack.slash(&dave, MEMBER_PERMISSIONS, "teams", json!([])),
    )
    .await;
    let browse = stack
        .click(&dave, &button(&browse_board, "Browse"), &browse_board)
        .await;
    assert!(
        browse.body.to_string().contains("Ask to join #1"),
        "{}",
        browse.body
    );

    // The shared wallet and a milestone paying every member.
    let amount = |n: i64| json!({"name": "amount", "type": 4, "value": n});
    said(
        &stack,
        team_cmd(&stack, &bob, "deposit", json!([amount(300)])),
    )
    .await;
    let deposited = said(
        &stack,
        team_cmd(&stack, &alice, "deposit", json!([amount(200)])),
    )
    .await;
    assert!(deposited.contains("Wallet: 500"), "{deposited}");
    let outsider = said(
        &stack,
        team_cmd(&stack, &dave, "deposit", json!([amount(10)])),
    )
    .await;
    assert!(outsider.contains("not in the team"), "{outsider}");
    said(
        &stack,
        team_cmd(
            &stack,
            &alice,
            "milestone",
            json!([{"name": "title", "type": 3, "value": "Playable prototype"},
                   {"name": "reward", "type": 4, "value": 100}]),
        ),
    )
    .await;
    said(
        &stack,
        team_cmd(
            &stack,
            &alice,
            "milestone",
            json!([{"name": "title", "type": 3, "value": "Steam page"}]),
        ),
    )
    .await;
    let milestone = json!([{"name": "milestone", "type": 4, "value": 1}]);
    let not_owner = said(
        &stack,
        team_cmd(&stack, &carol, "complete", milestone.clone()),
    )
    .await;
    assert!(not_owner.contains("Only the team's owner"), "{not_owner}");
    let completed = said(&stack, team_cmd(&stack, &alice, "complete", milestone)).await;
    assert!(completed.contains("50% complete"), "{completed}");
    stack
        .eventually_i64("SELECT progress FROM views.teams WHERE team_id = 1", 50)
        .await;
    let profile = original(
        &stack,
        stack.slash(&carol, MEMBER_PERMISSIONS, "profile", json!([])),
    )
    .await;
    let portfolio = stack
        .click(&carol, &button(&profile, "Portfolio"), &profile)
        .await;
    assert!(
        portfolio.body.to_string().contains("#1 Pixel Pirates"),
        "{}",
        portfolio.body
    );

    // The owner removes carol (she keeps her reward), hands the team to bob, who disbands it: the
    // wallet's 200 is shared between the two members and the channel goes.
    said(&stack, team_cmd(&stack, &alice, "kick", json!([who(1004)]))).await;
    channel_members(&stack, Some(vec![1001, 1002])).await;
    said(
        &stack,
        team_cmd(&stack, &alice, "transfer", json!([who(1002)])),
    )
    .await;
    let cannot_leave = said(&stack, team_cmd(&stack, &bob, "leave", json!([]))).await;
    assert!(cannot_leave.contains("cannot leave"), "{cannot_leave}");
    let disbanded = said(&stack, team_cmd(&stack, &bob, "disband", json!([]))).await;
    assert!(disbanded.contains("disbanded"), "{disbanded}");
    channel_members(&stack, None).await;

    for (member, want) in [
        (1001, 1000 - 100 - 200 + 100 + 100),
        (1002, 500 - 300 + 100 + 100),
        (1004, 100),
    ] {
        stack
            .eventually_i64(
                &format!("SELECT balance FROM views.accounts WHERE account = 'member:{member}'"),
                want,
            )
            .await;
    }
    stack
        .eventually_i64(
            "SELECT balance FROM views.accounts WHERE account = 'team:1'",
            0,
        )
        .await;
    assert!(
        dms_to(&stack, 1004)
            .iter()
            .any(|m| m.text().contains("was removed")),
        "carol is told"
    );

    stack.assert_replay_gives_the_same_views().await;
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn a_master_buys_a_spotlight_and_others_are_told_it_is_premium() {
    let (alice, admin) = (alice(), admin());
    let mona = member(1008, "mona", 1100);
    let stack = Stack::start(vec![alice.clone(), admin.clone(), mona.clone()]).await;
    let services = stack.services().await;
    for member in [1001, 1008] {
        stack.answer(grant(&stack, &admin, member, 500)).await;
    }
    let spotlight = |who: &FakeMember| {
        stack.slash(
            who,
            MEMBER_PERMISSIONS,
            "spotlight",
            json!([{"name": "text", "type": 3, "value": "Our jam game is out @everyone"}]),
        )
    };
    // An Expert is refused privately; a Master's showcase is public and pings nobody.
    let refused = original(&stack, spotlight(&alice)).await;
    assert!(
        refused.ephemeral() && refused.text().contains("premium feature"),
        "{}",
        refused.text()
    );
    let shown = stack.answer(spotlight(&mona)).await;
    let body = shown.body.to_string();
    assert!(
        body.contains("Spotlight") && body.contains("Our jam game is out"),
        "{body}"
    );
    assert_eq!(shown.body["data"]["flags"], Value::Null, "public: {body}");
    assert_eq!(
        shown.body["data"]["allowed_mentions"]["parse"],
        json!([]),
        "{body}"
    );
    let again = original(&stack, spotlight(&mona)).await;
    assert!(
        again.text().contains("One spotlight a week"),
        "{}",
        again.text()
    );
    stack
        .eventually_i64(
            "SELECT balance FROM views.accounts WHERE account = 'member:1008'",
            300,
        )
        .await;
    stack
        .eventually_i64(
            "SELECT balance FROM views.accounts WHERE account = 'treasury'",
            200,
        )
        .await;
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}

#[tokio::test]
async fn racing_and_redelivered_team_payouts_never_pay_twice() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let services = stack.services().await;
    for (member, amount) in [(1001, 1000), (1002, 100)] {
        stack.answer(grant(&stack, &admin, member, amount)).await;
    }
    said(
        &stack,
        submit(
            &stack,
            &alice,
            "f:team",
            &[
                ("name", "Crunch"),
                ("description", "Racing"),
                ("open", "yes"),
            ],
        ),
    )
    .await;
    said(&stack, team_cmd(&stack, &bob, "join", json!([]))).await;
    let amount = |n: i64| json!({"name": "amount", "type": 4, "value": n});
    said(
        &stack,
        team_cmd(&stack, &alice, "deposit", json!([amount(500)])),
    )
    .await;

    // Two payouts of 300 from a wallet of 500, at once: exactly one is paid.
    let pay = || {
        team_cmd(
            &stack,
            &alice,
            "pay",
            json!([who(1002), amount(300), {"name": "note", "type": 3, "value": "art pass"}]),
        )
    };
    let (first, second) = (pay(), pay());
    let answers = [said(&stack, first).await, said(&stack, second).await];
    assert_eq!(
        answers.iter().filter(|a| a.contains("paid 300")).count(),
        1,
        "{answers:?}"
    );
    assert!(answers.iter().any(|a| a.contains("200")), "{answers:?}");

    // Bob's deposit delivered twice is one deposit, answered the same both times.
    let (id, d) = stack.discord.slash_command(
        GUILD,
        CHANNEL,
        &bob,
        MEMBER_PERMISSIONS,
        "team",
        json!([{"name": "deposit", "type": 1, "options": [
            {"name": "team", "type": 4, "value": 1}, amount(100)]}]),
    );
    stack.discord.dispatch("INTERACTION_CREATE", d.clone());
    stack.answer(id).await;
    let answers = redeliver(&stack, id, &d).await;
    assert_eq!(
        answers.len(),
        1,
        "the duplicate is applied once and not answered again"
    );
    assert_eq!(
        stack
            .scalar(
                "SELECT count(*) FROM event_log WHERE event_type = 'TeamWalletMoved'
                 AND payload->>'kind' = 'deposit' AND payload->>'by' = '1002'"
            )
            .await,
        1
    );
    stack
        .eventually_i64(
            "SELECT balance FROM views.accounts WHERE account = 'team:1'",
            300,
        )
        .await;
    stack
        .eventually_i64(
            "SELECT balance FROM views.accounts WHERE account = 'member:1002'",
            300,
        )
        .await;
    stack.assert_replay_gives_the_same_views().await;
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}
