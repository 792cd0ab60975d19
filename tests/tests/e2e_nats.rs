//! NATS is a trust boundary (issue 11): the command service trusts what arrives on the gateway
//! subjects, `member.permissions` included, so only the gateway worker's NATS user may publish
//! there. These tests run the stack on a private nats-server with the users and permissions of
//! `deploy/nats-users.conf`, each service connecting as its own user.

mod common;

use common::*;
use futures_util::StreamExt as _;
use serde_json::json;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use studio_schema::config::{NatsUser, nats_options};
use studio_tests::chaos::nats::Nats;

/// Discord's Administrator permission.
const ADMINISTRATOR: u64 = 0x8;

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a free port");
    listener.local_addr().expect("a free port").port()
}

/// A private nats-server with Studio's users, in a fresh temp folder.
async fn private_nats(tag: &str) -> (Nats, PathBuf) {
    let dir = std::env::temp_dir().join(format!("studio-{tag}-{}", uuid::Uuid::new_v4().simple()));
    let nats = Nats::start(&dir, free_port())
        .await
        .expect("a private nats-server (nats-server installed?)");
    (nats, dir)
}

/// What the server told the connection it refused (`-ERR` lines).
type Refusals = Arc<Mutex<Vec<String>>>;

async fn connect(
    url: &str,
    user: Option<(&str, &str)>,
) -> Result<(async_nats::Client, Refusals), async_nats::ConnectError> {
    let refusals = Refusals::default();
    let seen = refusals.clone();
    let user = user.map(|(name, password)| NatsUser::new(name.to_owned(), password.to_owned()));
    let client = nats_options(user.as_ref())
        .event_callback(move |event| {
            let seen = seen.clone();
            async move {
                if let async_nats::Event::ServerError(err) = event {
                    seen.lock().expect("refusals").push(err.to_string());
                }
            }
        })
        .connect(url)
        .await?;
    Ok((client, refusals))
}

/// A made-up `/credits grant` of `amount` to `member` by `who`, claiming Administrator: the
/// dispatch's id and its gateway frame.
fn forged_grant(stack: &Stack, who: &studio_tests::FakeMember, amount: i64) -> (u64, String) {
    let (id, d) = stack.discord.slash_command(
        GUILD,
        CHANNEL,
        who,
        ADMINISTRATOR | MEMBER_PERMISSIONS,
        "credits",
        json!([{"name": "grant", "type": 1, "options": [
            {"name": "member", "type": 6, "value": who.user_id.to_string()},
            {"name": "amount", "type": 4, "value": amount},
            {"name": "reason", "type": 3, "value": "free money"}]}]),
    );
    let frame = json!({"t": "INTERACTION_CREATE", "s": 1, "op": 0, "d": d}).to_string();
    (id, frame)
}

/// Publishes `frame` into JetStream on `subject`; whether the stream acknowledged it.
async fn publish(client: async_nats::Client, subject: &str, id: u64, frame: String) -> bool {
    let mut js = async_nats::jetstream::new(client);
    js.set_timeout(Duration::from_secs(2));
    let mut headers = async_nats::HeaderMap::new();
    headers.insert("Nats-Msg-Id", id.to_string().as_str());
    match js
        .publish_with_headers(subject.to_owned(), headers, frame.into())
        .await
    {
        Ok(ack) => ack.await.is_ok(),
        Err(_) => false,
    }
}

/// How many dispatches the stream holds on `subject` (asked as the command service, which may).
async fn stored_on(stack: &Stack, subject: &str) -> u64 {
    let js = async_nats::jetstream::new(stack.nats_as("command-service").await);
    let stream = js
        .get_stream(format!("DISCORD_GATEWAY_{}", stack.prefix))
        .await
        .expect("the gateway stream");
    let info = stream
        .info_with_subjects(subject)
        .await
        .expect("stream info")
        .next()
        .await;
    match info {
        Some(Ok((_, count))) => u64::try_from(count).unwrap_or(0),
        _ => 0,
    }
}

/// What `/balance` shows `who`, once the views caught up.
async fn balance(stack: &Stack, who: &studio_tests::FakeMember) -> String {
    stack.projected().await;
    let id = stack.slash(who, MEMBER_PERMISSIONS, "balance", json!([]));
    original(stack, id).await.text()
}

async fn credits_granted(stack: &Stack) -> i64 {
    stack
        .scalar("SELECT count(*) FROM event_log WHERE event_type = 'CreditsGranted'")
        .await
}

#[tokio::test]
async fn a_forged_interaction_published_with_the_wrong_nats_credentials_is_refused_by_the_server() {
    let (alice, mallory) = (alice(), bob());
    let (nats, dir) = private_nats("nats-auth").await;
    let users = nats.users().clone();
    let stack = Stack::start_on(
        vec![alice.clone(), mallory.clone()],
        nats.url(),
        Some(users.clone()),
    )
    .await;
    // Every service runs as its own user, with only its own permissions, and the stack works.
    let services = stack.services().await;
    let profile = stack.slash(&alice, MEMBER_PERMISSIONS, "profile", json!([]));
    assert!(original(&stack, profile).await.text().contains("XP"));

    let subject = format!("{}.discord.gateway.0.INTERACTION_CREATE", stack.prefix);
    let stored_before = stored_on(&stack, &subject).await;
    assert_eq!(stored_before, 1, "the /profile dispatch");

    // The projector tells the command services how far its views reach (answers wait for it): the
    // notice after alice's message reaches the command service's user.
    let projected = format!("{}.studio.views.projected", stack.prefix);
    let listener = stack.nats_as("command-service").await;
    let mut heard = listener
        .subscribe(projected.clone())
        .await
        .expect("the command service may listen");
    listener.flush().await.expect("flush");
    stack.say(&alice, "Has anyone tried the new shader graph tools yet?");
    let notice = tokio::time::timeout(PATIENCE, heard.next())
        .await
        .expect("no projector notice reached the command service")
        .expect("the subscription");
    let notice: serde_json::Value = serde_json::from_slice(&notice.payload).expect("a notice");
    assert_eq!(notice["guild_id"], json!(GUILD as i64), "{notice}");
    // No other service may publish one: a forged notice would let an answer read views that do not
    // hold the guild's latest events yet.
    for user in ["gateway-worker", "command-service"] {
        let password = users.password(user).expect("a Studio user");
        let (client, refusals) = connect(&stack.nats_url, Some((user, password)))
            .await
            .expect("a valid user connects");
        client
            .publish(projected.clone(), "{}".into())
            .await
            .expect("sent");
        client.flush().await.expect("flush");
        let violation = format!("Permissions Violation for Publish to \"{projected}\"");
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while !refusals
            .lock()
            .expect("refusals")
            .iter()
            .any(|e| e.contains(&violation))
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{user} published a projector notice unrefused"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    // No anonymous user, and a wrong password is no user either: refused when connecting.
    for (who, user) in [
        ("anonymous", None),
        (
            "a wrong password",
            Some(("gateway-worker", "not-the-password")),
        ),
    ] {
        match connect(&stack.nats_url, user).await {
            Ok(_) => panic!("NATS let {who} in"),
            Err(err) => assert_eq!(
                err.kind(),
                async_nats::ConnectErrorKind::AuthorizationViolation,
                "{who}: {err}"
            ),
        }
    }

    // Studio's other users may not publish a dispatch: the server refuses it, nothing is stored.
    let mut forged = Vec::new();
    for user in ["projector", "command-service"] {
        let password = users.password(user).expect("a Studio user");
        let (client, refusals) = connect(&stack.nats_url, Some((user, password)))
            .await
            .expect("a valid user connects");
        let (id, frame) = forged_grant(&stack, &mallory, 10_000);
        assert!(
            !publish(client, &subject, id, frame).await,
            "the stream acknowledged a dispatch published as {user}"
        );
        let refused = refusals.lock().expect("refusals").clone();
        let violation = format!("Permissions Violation for Publish to \"{subject}\"");
        assert!(
            refused.iter().any(|e| e.contains(&violation)),
            "{user}: the server did not refuse the publish: {refused:?}"
        );
        forged.push(id);
    }
    assert_eq!(
        stored_on(&stack, &subject).await,
        stored_before,
        "a refused dispatch reached the stream"
    );

    // Members see nothing: no answer, no credits minted.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let answered: Vec<_> = stack
        .discord
        .callbacks()
        .into_iter()
        .filter(|c| forged.contains(&c.interaction_id))
        .collect();
    assert!(
        answered.is_empty(),
        "forged interactions were answered: {answered:?}"
    );
    assert_eq!(credits_granted(&stack).await, 0, "credits were minted");
    let shown = balance(&stack, &mallory).await;
    assert!(shown.contains("Balance: **0 credits**"), "{shown}");

    // What the permissions keep from everyone else: the same forgery with the gateway worker's
    // credentials is stored and carried out (Discord never issued it, so its answer fails, but the
    // credits are minted): the gateway worker's password is the trust boundary.
    let (id, frame) = forged_grant(&stack, &mallory, 10_000);
    let gateway = stack.nats_as("gateway-worker").await;
    assert!(publish(gateway, &subject, id, frame).await);
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'CreditsGranted'",
            1,
        )
        .await;
    let shown = balance(&stack, &mallory).await;
    assert!(shown.contains("Balance: **10000 credits**"), "{shown}");

    stack.assert_log_sound_allowing(&[&id.to_string()]).await;
    drop(services);
    stack.finish().await;
    drop(nats);
    let _ = std::fs::remove_dir_all(dir);
}

/// The intake position of `partition`.
async fn position(stack: &Stack, partition: i32) -> i64 {
    stack
        .scalar(&format!(
            "SELECT stream_seq FROM intake_positions WHERE partition = {partition}"
        ))
        .await
}

#[tokio::test]
async fn a_quiet_partition_keeps_its_position_up_with_the_stream() {
    // The gateway stream keeps dispatches minutes, not days. A partition with nothing to apply moves
    // its position past the other partitions' dispatches anyway, so that when they expire its next
    // owner does not take them for its own lost ones.
    let alice = alice();
    let (nats, dir) = private_nats("nats-quiet").await;
    let stack = Stack::start_on(vec![alice.clone()], nats.url(), Some(nats.users().clone())).await;
    let two = [("STUDIO_PARTITIONS", "2")];
    let projector = stack.spawn("projector", &[], &two);
    let command = stack.spawn("command-service", &[], &two);
    let gateway = stack.spawn("gateway-worker", &[], &two);
    assert!(stack.discord.wait_identified(PATIENCE).await);
    stack.wait_commands_registered().await;
    assert_eq!(GUILD % 2, 1, "the guild's dispatches go to partition 1");

    stack.say(&alice, "partition one is busy");
    stack
        .eventually_i64(
            "SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'",
            1,
        )
        .await;
    let busy = position(&stack, 1).await;
    assert!(busy > 0);
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while position(&stack, 0).await < busy {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the quiet partition's position stayed at {} below {busy}",
            position(&stack, 0).await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        stack.scalar("SELECT count(*) FROM intake_rejected").await,
        0
    );
    stack.assert_log_sound().await;
    drop((projector, command, gateway));
    stack.finish().await;
    drop(nats);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn dispatches_retention_removed_before_they_were_applied_are_recorded_once() {
    // A command-service outage longer than the stream's retention loses the dispatches it left
    // behind; that is never silent, even when every dispatch in the stream expired. Here the
    // retention is 2 s (the stream is made before the services start; they never lengthen it).
    let alice = alice();
    let (nats, dir) = private_nats("nats-retention").await;
    let stack = Stack::start_on(vec![alice.clone()], nats.url(), Some(nats.users().clone())).await;
    let js = async_nats::jetstream::new(stack.nats_as("command-service").await);
    js.create_stream(async_nats::jetstream::stream::Config {
        max_age: Duration::from_secs(2),
        duplicate_window: Duration::from_secs(1),
        ..studio_schema::subjects::Subjects::new(&stack.prefix, 1).gateway_stream_config()
    })
    .await
    .expect("a short-lived gateway stream");
    let (gateway, command, projector) = stack.services().await;
    let posted = "SELECT count(*) FROM event_log WHERE event_type = 'MessagePosted'";
    stack.say(&alice, "before the outage");
    stack.eventually_i64(posted, 1).await;

    command.kill().await;
    stack.say(&alice, "during the outage");
    tokio::time::sleep(Duration::from_secs(4)).await;
    let retention =
        "SELECT count(*) FROM intake_rejected WHERE reason LIKE 'retention: stream sequences %'";
    assert_eq!(stack.scalar(retention).await, 0);

    let command = stack.spawn("command-service", &[], &[]);
    stack.eventually_i64(retention, 1).await;
    stack.say(&alice, "after the outage");
    stack.eventually_i64(posted, 2).await;
    command.kill().await;
    let command = stack.spawn("command-service", &[], &[]);
    stack
        .discord
        .wait_for(PATIENCE, |_| {
            command.logged("partition owned").then_some(())
        })
        .await
        .expect("the partition is owned again");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(stack.scalar(retention).await, 1, "the gap is recorded once");
    assert_eq!(stack.scalar(posted).await, 2, "the lost message stays lost");

    // An owner that stalls past the retention while it holds the partition says so too: what its
    // pull had already taken (up to 500) it applies, the rest expired in the stream.
    command.pause();
    let js = async_nats::jetstream::new(stack.nats_as("gateway-worker").await);
    let typing = format!("{}.discord.gateway.0.TYPING_START", stack.prefix);
    let mut acks = Vec::new();
    for _ in 0..1500 {
        acks.push(
            js.publish(typing.clone(), "{}".into())
                .await
                .expect("publish"),
        );
    }
    for ack in acks {
        ack.await.expect("stored");
    }
    tokio::time::sleep(Duration::from_secs(4)).await;
    command.resume();
    stack.eventually_i64(retention, 2).await;
    stack.say(&alice, "after the stall");
    stack.eventually_i64(posted, 3).await;
    drop((gateway, command, projector));
    stack.finish().await;
    drop(nats);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_gateway_stream_kept_for_days_is_shortened_to_minutes() {
    // Streams made before issue 11 kept raw dispatches (interaction tokens, modal contents) 7 days.
    let (nats, dir) = private_nats("nats-shorten").await;
    let stack = Stack::start_on(vec![alice()], nats.url(), Some(nats.users().clone())).await;
    let js = async_nats::jetstream::new(stack.nats_as("command-service").await);
    let name = format!("DISCORD_GATEWAY_{}", stack.prefix);
    js.create_stream(async_nats::jetstream::stream::Config {
        max_age: Duration::from_secs(7 * 24 * 3600),
        ..studio_schema::subjects::Subjects::new(&stack.prefix, 1).gateway_stream_config()
    })
    .await
    .expect("a stream as earlier versions made it");
    let command = stack.spawn("command-service", &[], &[]);
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let info = js
            .get_stream(&name)
            .await
            .expect("the stream")
            .cached_info()
            .clone();
        if info.config.max_age == studio_schema::subjects::GATEWAY_RETENTION {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the stream still keeps dispatches {:?}",
            info.config.max_age
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        studio_schema::subjects::GATEWAY_RETENTION,
        Duration::from_secs(300)
    );
    drop(command);
    stack.finish().await;
    drop(nats);
    let _ = std::fs::remove_dir_all(dir);
}
