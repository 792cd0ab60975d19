//! The local Discord against the real twilight 0.18 clients: a shard identifies, receives
//! READY, GUILD_CREATE and dispatched events, resumes after op 7 / a dropped connection /
//! op 9; twilight-http's callbacks meet the 3-second window and the one-ack rule.

use chrono::{Duration as Days, Utc};
use serde_json::json;
use std::time::Duration;
use studio_tests::{FakeConfig, FakeDiscord, FakeGuild, FakeMember, FakeRole};
use tokio::sync::mpsc;
use twilight_gateway::{ConfigBuilder, Event, EventTypeFlags, Intents, Shard, ShardId, StreamExt};
use twilight_http::{Client, api_error::ApiError, error::ErrorType};
use twilight_model::{
    application::interaction::InteractionData,
    channel::message::{
        Component, Embed,
        component::{ActionRow, Button, ButtonStyle},
        embed::EmbedField,
    },
    gateway::payload::incoming::GuildCreate,
    http::interaction::InteractionResponseData,
    http::interaction::{InteractionResponse, InteractionResponseType},
    id::Id,
};

const GUILD: u64 = 200;
const CHANNEL: u64 = 300;
const WAIT: Duration = Duration::from_secs(10);

fn alice() -> FakeMember {
    FakeMember::new(400, "alice", Utc::now() - Days::days(400))
}

async fn fake() -> FakeDiscord {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = FakeConfig {
        guilds: vec![FakeGuild {
            id: GUILD,
            name: "Indie Devs".to_owned(),
            members: vec![alice(), FakeMember::new(401, "bob", Utc::now())],
            channels: vec![CHANNEL],
        }],
        ..FakeConfig::default()
    };
    FakeDiscord::start(config).await.expect("fake starts")
}

/// Runs a real shard against the fake; its events arrive on the channel.
fn connect(fake: &FakeDiscord) -> mpsc::UnboundedReceiver<Event> {
    let intents = Intents::GUILDS
        | Intents::GUILD_MESSAGES
        | Intents::GUILD_MEMBERS
        | Intents::DIRECT_MESSAGES
        | Intents::MESSAGE_CONTENT;
    let config = ConfigBuilder::new("faketoken".to_owned(), intents)
        .proxy_url(fake.gateway_url.clone())
        .build();
    let mut shard = Shard::with_config(ShardId::ONE, config);
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(item) = shard.next_event(EventTypeFlags::all()).await {
            if let Ok(event) = item
                && tx.send(event).is_err()
            {
                break;
            }
        }
    });
    rx
}

fn http(fake: &FakeDiscord) -> Client {
    Client::builder()
        .token("faketoken".to_owned())
        .proxy(fake.api_host.clone(), true)
        .ratelimiter(None)
        .timeout(Duration::from_secs(5))
        .build()
}

/// The next event matching `pick`, skipping others.
async fn next<T>(rx: &mut mpsc::UnboundedReceiver<Event>, pick: impl Fn(Event) -> Option<T>) -> T {
    tokio::time::timeout(WAIT, async {
        loop {
            let event = rx.recv().await.expect("shard task ended");
            if let Some(found) = pick(event) {
                return found;
            }
        }
    })
    .await
    .expect("event in time")
}

fn discord_code(error: &twilight_http::Error) -> Option<u64> {
    match error.kind() {
        ErrorType::Response {
            error: ApiError::General(general),
            ..
        } => Some(general.code),
        _ => None,
    }
}

#[tokio::test]
async fn a_real_shard_identifies_and_parses_ready_and_guild_create() {
    let fake = fake().await;
    let mut rx = connect(&fake);
    let ready = next(&mut rx, |e| match e {
        Event::Ready(ready) => Some(ready),
        _ => None,
    })
    .await;
    assert_eq!(ready.user.id, Id::new(100));
    assert_eq!(ready.guilds.len(), 1);
    let guild = next(&mut rx, |e| match e {
        Event::GuildCreate(g) => Some(g),
        _ => None,
    })
    .await;
    let GuildCreate::Available(guild) = *guild else {
        panic!("guild is unavailable")
    };
    assert_eq!(guild.name, "Indie Devs");
    assert_eq!(guild.members.len(), 2);
    assert!(guild.members.iter().all(|m| m.joined_at.is_some()));
    assert!(fake.wait_identified(WAIT).await);
    assert_eq!(fake.identify_count(), 1);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test]
async fn dispatched_messages_and_interactions_parse_in_twilight() {
    let fake = fake().await;
    let mut rx = connect(&fake);
    assert!(fake.wait_identified(WAIT).await);
    let (message_id, d) =
        fake.message_create(GUILD, CHANNEL, &alice(), "working on my shader graph");
    fake.dispatch("MESSAGE_CREATE", d);
    let message = next(&mut rx, |e| match e {
        Event::MessageCreate(m) => Some(m),
        _ => None,
    })
    .await;
    assert_eq!(message.id.get(), message_id);
    assert_eq!(message.content, "working on my shader graph");
    assert!(message.member.is_some());

    let options = json!([{"name": "give", "type": 1, "options": [
        {"name": "member", "type": 6, "value": "401"},
        {"name": "amount", "type": 4, "value": 50},
        {"name": "reason", "type": 3, "value": "great demo"}]}]);
    let (slash_id, d) = fake.slash_command(GUILD, CHANNEL, &alice(), 0x20, "xp", options);
    fake.dispatch("INTERACTION_CREATE", d);
    let (button_id, d) = fake.button_click(GUILD, CHANNEL, &alice(), 0, "lb:2", None);
    fake.dispatch("INTERACTION_CREATE", d);
    let (modal_id, d) =
        fake.modal_submit(GUILD, CHANNEL, &alice(), 0, "apply:1", &[("why", "fun")]);
    fake.dispatch("INTERACTION_CREATE", d);
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let interaction = next(&mut rx, |e| match e {
            Event::InteractionCreate(i) => Some(i),
            _ => None,
        })
        .await;
        match &interaction.data {
            Some(InteractionData::ApplicationCommand(data)) => {
                assert_eq!(data.name, "xp");
                let resolved = data.resolved.as_ref().expect("resolved user");
                assert!(resolved.users.contains_key(&Id::new(401)));
            }
            Some(InteractionData::MessageComponent(data)) => assert_eq!(data.custom_id, "lb:2"),
            Some(InteractionData::ModalSubmit(data)) => assert_eq!(data.custom_id, "apply:1"),
            other => panic!("unexpected interaction data {other:?}"),
        }
        seen.push(interaction.id.get());
    }
    assert_eq!(seen, vec![slash_id, button_id, modal_id]);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test]
async fn callbacks_get_204_then_40060_and_late_ones_10062() {
    let fake = fake().await;
    let client = http(&fake);
    let (id, d) = fake.slash_command(GUILD, CHANNEL, &alice(), 0, "profile", json!([]));
    let token = d["token"].as_str().expect("token").to_owned();
    fake.dispatch("INTERACTION_CREATE", d);
    let response = InteractionResponse {
        kind: InteractionResponseType::DeferredChannelMessageWithSource,
        data: None,
    };
    let app = client.interaction(Id::new(100));
    app.create_response(Id::new(id), &token, &response)
        .await
        .expect("first callback accepted");
    let again = app.create_response(Id::new(id), &token, &response).await;
    assert_eq!(again.err().as_ref().and_then(discord_code), Some(40060));
    app.update_response(&token)
        .content(Some("bob — Stats"))
        .await
        .expect("edit original");
    assert_eq!(
        fake.original_message(id).map(|m| m.content),
        Some("bob — Stats".to_owned())
    );
    app.create_followup(&token)
        .content("followup")
        .await
        .expect("followup");
    assert_eq!(fake.followups().len(), 1);

    let (_, fresh) = fake.slash_command(GUILD, CHANNEL, &alice(), 0, "profile", json!([]));
    let (late_id, d) = fake.stale_interaction(fresh, Duration::from_secs(5));
    let late_token = d["token"].as_str().expect("token").to_owned();
    fake.dispatch("INTERACTION_CREATE", d);
    let late = app
        .create_response(Id::new(late_id), &late_token, &response)
        .await;
    assert_eq!(late.err().as_ref().and_then(discord_code), Some(10062));

    let statuses: Vec<u16> = fake.callbacks().iter().map(|c| c.status).collect();
    assert_eq!(statuses, vec![204, 400, 404]);
    let violations = fake.violations();
    assert_eq!(violations.len(), 2, "{violations:?}");
    assert!(violations[0].contains("second callback"));
    assert!(violations[1].contains("late callback"));
}

#[tokio::test]
async fn bot_routes_need_the_token_and_dms_can_be_closed() {
    let fake = fake().await;
    let client = http(&fake);
    let dm = client
        .create_private_channel(Id::new(400))
        .await
        .expect("dm")
        .model()
        .await
        .expect("channel");
    client
        .create_message(dm.id)
        .content("hello")
        .await
        .expect("dm sent");
    fake.set_dms_closed(400, true);
    let refused = client.create_message(dm.id).content("again").await;
    assert_eq!(refused.err().as_ref().and_then(discord_code), Some(50007));
    let role = fake.create_role(GUILD, FakeRole::new("Pro-Dev"));
    client
        .add_guild_member_role(Id::new(GUILD), Id::new(400), Id::new(role))
        .await
        .expect("role added");
    assert_eq!(fake.member_roles(GUILD, 400), vec![role]);
    let sent = fake.channel_messages();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].is_dm_to, Some(400));
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());

    let wrong = Client::builder()
        .token("wrong".to_owned())
        .proxy(fake.api_host.clone(), true)
        .ratelimiter(None)
        .build();
    assert!(wrong.current_user().await.is_err());
    assert_eq!(fake.violations().len(), 1);
}

#[tokio::test]
async fn op7_reconnect_resumes_and_replays_missed_events() {
    let fake = fake().await;
    let mut rx = connect(&fake);
    assert!(fake.wait_identified(WAIT).await);
    fake.reconnect();
    // Sent while the shard is away: buffered, then replayed on RESUME.
    let mut expected = Vec::new();
    for n in 0..3 {
        let (id, d) = fake.message_create(GUILD, CHANNEL, &alice(), &format!("missed {n}"));
        fake.dispatch("MESSAGE_CREATE", d);
        expected.push(id);
    }
    let mut got = Vec::new();
    while got.len() < 3 {
        got.push(
            next(&mut rx, |e| match e {
                Event::MessageCreate(m) => Some(m.id.get()),
                _ => None,
            })
            .await,
        );
    }
    assert_eq!(got, expected);
    next(&mut rx, |e| matches!(e, Event::Resumed).then_some(())).await;
    assert_eq!(fake.identify_count(), 1);
    assert_eq!(fake.resume_count(), 1);
    let resume = fake
        .gateway_frames()
        .into_iter()
        .find(|f| f["op"] == 6)
        .expect("a RESUME frame");
    assert!(resume["d"]["seq"].as_u64().is_some());
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test]
async fn a_dropped_connection_resumes_and_duplicates_can_be_forced() {
    let fake = fake().await;
    let mut rx = connect(&fake);
    assert!(fake.wait_identified(WAIT).await);
    let (id, d) = fake.message_create(GUILD, CHANNEL, &alice(), "seen once");
    fake.dispatch("MESSAGE_CREATE", d);
    next(&mut rx, |e| {
        matches!(e, Event::MessageCreate(_)).then_some(())
    })
    .await;
    fake.resend_last_on_resume(1);
    fake.drop_connection();
    let again = next(&mut rx, |e| match e {
        Event::MessageCreate(m) => Some(m.id.get()),
        _ => None,
    })
    .await;
    assert_eq!(again, id, "the last event is delivered a second time");
    assert!(
        fake.wait_for(WAIT, |f| (f.resume_count() == 1).then_some(()))
            .await
            .is_some()
    );
}

#[tokio::test]
async fn invalid_session_false_makes_the_shard_identify_again() {
    let fake = fake().await;
    let mut rx = connect(&fake);
    assert!(fake.wait_identified(WAIT).await);
    fake.invalidate_session(false);
    let (id, d) = fake.message_create(GUILD, CHANNEL, &alice(), "after the new READY");
    fake.dispatch("MESSAGE_CREATE", d);
    next(&mut rx, |e| matches!(e, Event::Ready(_)).then_some(())).await;
    let got = next(&mut rx, |e| match e {
        Event::MessageCreate(m) => Some(m.id.get()),
        _ => None,
    })
    .await;
    assert_eq!(got, id);
    assert_eq!(fake.identify_count(), 2);
}

fn stats_answer(page: u8) -> InteractionResponse {
    let button = Button {
        custom_id: Some(format!("lb:{page}")),
        disabled: false,
        emoji: None,
        id: None,
        label: Some("Next".to_owned()),
        sku_id: None,
        style: ButtonStyle::Primary,
        url: None,
    };
    let embed = Embed {
        author: None,
        color: None,
        description: None,
        fields: vec![EmbedField {
            inline: true,
            name: "XP".to_owned(),
            value: "15".to_owned(),
        }],
        flags: None,
        footer: None,
        image: None,
        kind: "rich".to_owned(),
        provider: None,
        thumbnail: None,
        timestamp: None,
        title: Some(format!("Leaderboard page {page}")),
        url: None,
        video: None,
    };
    InteractionResponse {
        kind: if page == 1 {
            InteractionResponseType::ChannelMessageWithSource
        } else {
            InteractionResponseType::UpdateMessage
        },
        data: Some(InteractionResponseData {
            embeds: Some(vec![embed]),
            components: Some(vec![Component::ActionRow(ActionRow {
                id: None,
                components: vec![Component::Button(button)],
            })]),
            ..InteractionResponseData::default()
        }),
    }
}

#[tokio::test]
async fn a_button_on_the_bots_answer_can_be_clicked_and_the_message_updated() {
    let fake = fake().await;
    let mut rx = connect(&fake);
    let client = http(&fake);
    let app = client.interaction(Id::new(100));
    assert!(fake.wait_identified(WAIT).await);
    let (slash, d) = fake.slash_command(GUILD, CHANNEL, &alice(), 0, "leaderboard", json!([]));
    fake.dispatch("INTERACTION_CREATE", d);
    let interaction = next(&mut rx, |e| match e {
        Event::InteractionCreate(i) => Some(i),
        _ => None,
    })
    .await;
    app.create_response(interaction.id, &interaction.token, &stats_answer(1))
        .await
        .expect("answer");
    let answer = fake.original_message(slash).expect("answer stored");
    assert_eq!(
        answer.buttons(),
        vec![("Next".to_owned(), "lb:1".to_owned())]
    );
    assert!(answer.text().contains("XP: 15"));

    let bob = FakeMember::new(401, "bob", Utc::now());
    let (click, d) = fake.button_click(GUILD, CHANNEL, &bob, 0, "lb:1", Some(&answer));
    fake.dispatch("INTERACTION_CREATE", d);
    let clicked = next(&mut rx, |e| match e {
        Event::InteractionCreate(i) => Some(i),
        _ => None,
    })
    .await;
    let message = clicked.message.as_ref().expect("the clicked message");
    let invoker = message.interaction_metadata.as_ref().expect("metadata");
    assert_eq!(invoker.user.id, Id::new(400), "names who ran /leaderboard");
    app.create_response(clicked.id, &clicked.token, &stats_answer(2))
        .await
        .expect("update");
    let updated = fake.original_message(click).expect("updated message");
    assert_eq!(updated.id, answer.id);
    assert_eq!(
        updated.embeds[0].title.as_deref(),
        Some("Leaderboard page 2")
    );
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test]
async fn the_bot_gives_and_takes_only_roles_below_its_own_that_no_integration_manages() {
    let fake = fake().await;
    let client = http(&fake);
    let guild = Id::new(GUILD);
    let below = fake.create_role(GUILD, FakeRole::new("Pro-Dev"));
    let above = fake.create_role(GUILD, FakeRole::new("Moderator").above_bot());
    let level = fake.create_role(
        GUILD,
        FakeRole::new("Level").at(studio_tests::roles::BOT_ROLE_POSITION),
    );
    let managed = fake.create_role(GUILD, FakeRole::new("Booster").at(1).managed());
    let studio = fake.bot_role(GUILD).expect("the bot has a role");

    // The bot's own member, with its role, as Discord lists it.
    let me = client
        .guild_member(guild, Id::new(fake.config().bot_user_id))
        .await
        .expect("the bot's member")
        .model()
        .await
        .expect("member");
    assert_eq!(me.roles, vec![Id::new(studio)]);
    let listed = client
        .guild(guild)
        .await
        .expect("guild")
        .model()
        .await
        .expect("guild model");
    let position = |id: u64| {
        listed
            .roles
            .iter()
            .find(|r| r.id.get() == id)
            .map(|r| (r.position, r.managed))
    };
    assert_eq!(
        position(studio),
        Some((studio_tests::roles::BOT_ROLE_POSITION, true))
    );
    assert_eq!(
        position(above),
        Some((studio_tests::roles::BOT_ROLE_POSITION + 1, false))
    );

    for role in [above, level, managed, studio, GUILD] {
        let put = client
            .add_guild_member_role(guild, Id::new(400), Id::new(role))
            .await;
        assert_eq!(
            put.err().as_ref().and_then(discord_code),
            Some(50013),
            "PUT {role}"
        );
        let delete = client
            .remove_guild_member_role(guild, Id::new(400), Id::new(role))
            .await;
        assert_eq!(
            delete.err().as_ref().and_then(discord_code),
            Some(50013),
            "DELETE {role}"
        );
    }
    let unknown = client
        .add_guild_member_role(guild, Id::new(400), Id::new(999))
        .await;
    assert_eq!(unknown.err().as_ref().and_then(discord_code), Some(10011));
    assert!(fake.member_roles(GUILD, 400).is_empty());

    client
        .add_guild_member_role(guild, Id::new(400), Id::new(below))
        .await
        .expect("a role below the bot's is given");
    assert_eq!(fake.member_roles(GUILD, 400), vec![below]);
    client
        .remove_guild_member_role(guild, Id::new(400), Id::new(below))
        .await
        .expect("and taken");
    assert!(fake.member_roles(GUILD, 400).is_empty());
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}
