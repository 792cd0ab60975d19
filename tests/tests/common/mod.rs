//! The end-to-end harness: a fresh database and NATS prefix per test, the local Discord, and the
//! real service binaries from `target/debug` (built by the README's test command). Each service
//! connects to NATS as its own user when the users' passwords are known (`scripts/services.sh`'s
//! private server exports them; CI's shared NATS has no users).

#![allow(dead_code)]

pub mod appends;

use command_service::domain::CLOCK_COMMANDS;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use studio_tests::nats_users::NatsUsers;
use studio_tests::{FakeConfig, FakeDiscord, FakeGuild, FakeMember};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const GUILD: u64 = 900_000_000_000_000_001;
pub const CHANNEL: u64 = 900_000_000_000_000_002;
/// A second text channel (announcements, say).
pub const ANNOUNCEMENTS: u64 = 900_000_000_000_000_003;
/// Manage Server.
pub const ADMIN_PERMISSIONS: u64 = 0x20 | 0x400 | 0x800;
pub const MEMBER_PERMISSIONS: u64 = 0x400 | 0x800;
/// Manage Roles: with it, an admin may give the roles below their highest one.
pub const MANAGE_ROLES: u64 = 0x1000_0000;

/// The secret that seals listings' code in every test's command service.
pub const CONTENT_KEY: &str = "test-content-key-not-secret";

/// How long any end-to-end expectation may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub fn member(id: u64, name: &str, days_ago: i64) -> FakeMember {
    FakeMember::new(
        id,
        name,
        chrono::Utc::now() - chrono::Duration::days(days_ago),
    )
}

pub fn alice() -> FakeMember {
    member(1001, "alice", 400)
}
pub fn bob() -> FakeMember {
    member(1002, "bob", 40)
}
pub fn admin() -> FakeMember {
    member(1003, "ada-admin", 800)
}

/// A running service binary whose log lines are kept for assertions.
pub struct Service {
    pub name: String,
    child: Child,
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Service {
    pub fn logged(&self, needle: &str) -> bool {
        self.log
            .lock()
            .expect("log")
            .iter()
            .any(|l| l.contains(needle))
    }

    /// The process's resident memory in bytes (VmRSS), while it runs.
    pub fn rss_bytes(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()?)).ok()?;
        let kb = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse::<u64>()
            .ok()?;
        Some(kb * 1024)
    }

    /// Kills the process at once (SIGKILL): no shutdown, no flush.
    pub async fn kill(mut self) {
        let _ = self.child.kill().await;
    }

    /// Stops the process (SIGSTOP) until [`Service::resume`]: alive, connections open, doing nothing.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Lets a paused process go on (SIGCONT).
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        let pid = self.child.id().expect("the process runs").to_string();
        let sent = std::process::Command::new("kill")
            .args([signal, &pid])
            .status()
            .expect("kill");
        assert!(sent.success(), "kill {signal} {pid}");
    }

    /// Waits for the process to exit by itself (a failpoint crash).
    pub async fn exited(&mut self, within: Duration) -> bool {
        tokio::time::timeout(within, self.child.wait())
            .await
            .is_ok()
    }
}

/// One test's world.
pub struct Stack {
    pub discord: FakeDiscord,
    pub pool: PgPool,
    pub database_url: String,
    pub nats_url: String,
    /// The NATS users' passwords; `None` for a NATS without users.
    pub nats_users: Option<NatsUsers>,
    pub prefix: String,
    pub database: String,
    admin_url: String,
}

fn target_dir() -> PathBuf {
    // target/debug/deps/<test binary> → target/debug
    let exe = std::env::current_exe().expect("test binary path");
    exe.parent()
        .and_then(|p| p.parent())
        .map(PathBuf::from)
        .expect("target dir")
}

pub fn binary(name: &str) -> PathBuf {
    let path = target_dir().join(name);
    assert!(
        path.exists(),
        "{} is missing: build the binaries first (`cargo build --workspace --bins`, as scripts/test does)",
        path.display()
    );
    path
}

/// `url` with its database replaced by `database` (query parameters kept).
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

/// `url` with `user` as its login (no password: the test servers trust loopback logins).
pub fn with_user(url: &str, user: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{scheme}://{user}@{host}/{path}")
}

/// The database role `bin` logs in as, if it is a Studio service.
pub fn role_of(bin: &str) -> Option<&'static str> {
    studio_schema::migrate::SERVICE_ROLES
        .iter()
        .find(|(service, _, _)| *service == bin)
        .map(|(_, role, _)| *role)
}

impl Stack {
    /// A fresh database, a fresh NATS prefix and a local Discord with one guild of `members`, on
    /// `NATS_URL` (as the users whose passwords `STUDIO_NATS_*_PASSWORD` give, if set).
    pub async fn start(members: Vec<FakeMember>) -> Stack {
        let nats_url =
            std::env::var("NATS_URL").expect("NATS_URL must point at NATS with JetStream");
        Self::start_on(members, nats_url, NatsUsers::from_env()).await
    }

    /// [`Stack::start`] on the NATS at `nats_url`, whose users have these passwords.
    pub async fn start_on(
        members: Vec<FakeMember>,
        nats_url: String,
        nats_users: Option<NatsUsers>,
    ) -> Stack {
        let guild = FakeGuild {
            id: GUILD,
            name: "Indie Devs".into(),
            members,
            channels: vec![CHANNEL, ANNOUNCEMENTS],
        };
        Self::start_with(guild, nats_url, nats_users).await
    }

    /// [`Stack::start_on`] with the local Discord serving `guild`.
    pub async fn start_with(
        guild: FakeGuild,
        nats_url: String,
        nats_users: Option<NatsUsers>,
    ) -> Stack {
        Self::start_with_guilds(vec![guild], nats_url, nats_users).await
    }

    /// [`Stack::start_on`] with the local Discord serving `guilds`.
    pub async fn start_with_guilds(
        guilds: Vec<FakeGuild>,
        nats_url: String,
        nats_users: Option<NatsUsers>,
    ) -> Stack {
        let admin_url = std::env::var("DATABASE_URL")
            .expect("DATABASE_URL must point at a Postgres server (scripts/test sets it up)");
        let id = uuid::Uuid::new_v4().simple().to_string();
        let database = format!("studio_test_{}", &id[..16]);
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&admin_url)
            .await
            .expect("connect to DATABASE_URL");
        sqlx::query(&format!("CREATE DATABASE {database}"))
            .execute(&admin)
            .await
            .expect("create test database");
        admin.close().await;
        let database_url = with_database(&admin_url, &database);
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect(&database_url)
            .await
            .expect("connect to test database");
        studio_schema::MIGRATOR
            .run(&pool)
            .await
            .expect("migrations");
        let discord = FakeDiscord::start(FakeConfig {
            guilds,
            ..FakeConfig::default()
        })
        .await
        .expect("local discord");
        Stack {
            discord,
            pool,
            database_url,
            nats_url,
            nats_users,
            prefix: format!("t{}", &id[..12]),
            database,
            admin_url,
        }
    }

    pub fn env(&self) -> HashMap<&'static str, String> {
        HashMap::from([
            ("DATABASE_URL", self.database_url.clone()),
            ("NATS_URL", self.nats_url.clone()),
            ("STUDIO_NATS_PREFIX", self.prefix.clone()),
            ("DISCORD_TOKEN", "faketoken".into()),
            ("DISCORD_GATEWAY_URL", self.discord.gateway_url.clone()),
            ("DISCORD_API_HOST", self.discord.api_host.clone()),
            ("DISCORD_APPLICATION_ID", "100".into()),
            ("STUDIO_CONTENT_KEY", CONTENT_KEY.into()),
            ("STUDIO_PROJECTOR_POLL_MS", "250".into()),
            // Tests run side by side: none takes the pages' default port (e2e_web sets its own).
            ("STUDIO_WEB_ADDR", "off".into()),
            (
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
            ),
        ])
    }

    /// [`Stack::env`] with `bin`'s own database role, plus its NATS user when the users' passwords
    /// are known.
    pub fn env_for(&self, bin: &str) -> HashMap<&'static str, String> {
        let mut env = self.env();
        if let Some(role) = role_of(bin) {
            env.insert("DATABASE_URL", with_user(&self.database_url, role));
        }
        if let Some(users) = &self.nats_users {
            env.extend(users.service_env(bin));
        }
        env
    }

    /// A connection to the stack's NATS as `user` (a service's name), the way that service connects;
    /// anonymous on a NATS without users.
    pub async fn nats_as(&self, user: &str) -> async_nats::Client {
        let user = self.nats_users.as_ref().map(|users| {
            studio_schema::config::NatsUser::new(
                user.to_owned(),
                users.password(user).expect("a Studio service").to_owned(),
            )
        });
        studio_schema::config::nats_options(user.as_ref())
            .connect(&self.nats_url)
            .await
            .expect("nats")
    }

    /// Starts `bin` (with `args`) with the stack's environment plus `extra`.
    pub fn spawn(&self, bin: &str, args: &[&str], extra: &[(&'static str, &str)]) -> Service {
        let mut env = self.env_for(bin);
        for (k, v) in extra {
            env.insert(k, (*v).to_owned());
        }
        let mut child = Command::new(binary(bin))
            .args(args)
            .envs(env)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn service");
        let log = Arc::new(Mutex::new(Vec::new()));
        if let Some(stderr) = child.stderr.take() {
            let (log, name) = (log.clone(), bin.to_owned());
            tokio::spawn(async move {
                let mut lines = BufReader::new(stderr).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    eprintln!("[{name}] {line}");
                    log.lock().expect("log").push(line);
                }
            });
        }
        Service {
            name: bin.to_owned(),
            child,
            log,
        }
    }

    /// The three services, started and connected.
    pub async fn services(&self) -> (Service, Service, Service) {
        self.services_with_projector(&[]).await
    }

    /// [`Stack::services`], the projector started with `extra` in its environment.
    pub async fn services_with_projector(
        &self,
        extra: &[(&'static str, &str)],
    ) -> (Service, Service, Service) {
        let projector = self.spawn("projector", &[], extra);
        let command = self.spawn("command-service", &[], &[]);
        let gateway = self.spawn("gateway-worker", &[], &[]);
        assert!(
            self.discord.wait_identified(PATIENCE).await,
            "the gateway worker never identified"
        );
        self.wait_commands_registered().await;
        (gateway, command, projector)
    }

    pub async fn wait_commands_registered(&self) {
        let registered = self
            .discord
            .wait_for(PATIENCE, |d| {
                (!d.registered_commands().is_empty()).then_some(())
            })
            .await;
        assert!(
            registered.is_some(),
            "the command service never registered its commands"
        );
    }

    /// Runs `projector replay` to completion.
    pub async fn replay(&self) {
        self.replay_with(&[]).await;
    }

    /// Runs `projector replay` to completion with `env` set besides the stack's.
    pub async fn replay_with(&self, env: &[(&str, &str)]) {
        let status = Command::new(binary("projector"))
            .arg("replay")
            .envs(self.env_for("projector"))
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .status()
            .await
            .expect("run projector replay");
        assert!(status.success(), "projector replay failed");
    }

    /// Rebuilds the views from the log with `projector replay` and checks they equal the live ones.
    pub async fn assert_replay_gives_the_same_views(&self) {
        let live = self.views_digest().await;
        self.replay().await;
        assert_eq!(
            self.views_digest().await,
            live,
            "replay gives the same views"
        );
        // Read a few events at a time and written whenever a few rows are held, the rebuild loads
        // back what it wrote: the same views.
        self.replay_with(&[
            ("STUDIO_REPLAY_BATCH", "3"),
            ("STUDIO_REPLAY_FLUSH_ROWS", "10"),
        ])
        .await;
        assert_eq!(
            self.views_digest().await,
            live,
            "a replay in small batches gives the same views"
        );
    }

    /// Polls `query` (a scalar i64) until it returns `want`.
    pub async fn eventually_i64(&self, query: &str, want: i64) {
        let mut last = None;
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while tokio::time::Instant::now() < deadline {
            let got: Option<i64> = sqlx::query_scalar(query)
                .fetch_optional(&self.pool)
                .await
                .ok()
                .flatten();
            if got == Some(want) {
                return;
            }
            last = got;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("`{query}` stayed at {last:?}, expected {want}");
    }

    /// The events a member, an admin or an operator caused: the clock's own (a tenure rank, an
    /// expiry, a chain head: [`CLOCK_COMMANDS`]) are left out, so a test that counts what one step
    /// wrote is not thrown by a tick landing during the step (alice's 400 days make her rank due at
    /// any tick after her guild is loaded).
    pub async fn caused_events(&self) -> i64 {
        let clock = CLOCK_COMMANDS.join("|");
        self.scalar(&format!(
            "SELECT count(*) FROM event_log WHERE causation_id !~ '^({clock}):'"
        ))
        .await
    }

    pub async fn scalar(&self, query: &str) -> i64 {
        sqlx::query_scalar::<_, Option<i64>>(query)
            .fetch_one(&self.pool)
            .await
            .expect(query)
            .unwrap_or(0)
    }

    /// Sends a message from `author` through the gateway; returns its id.
    pub fn say(&self, author: &FakeMember, content: &str) -> u64 {
        let (id, d) = self.discord.message_create(GUILD, CHANNEL, author, content);
        self.discord.dispatch("MESSAGE_CREATE", d);
        id
    }

    pub fn say_at(
        &self,
        author: &FakeMember,
        content: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> u64 {
        self.say_in(CHANNEL, author, content, at)
    }

    /// Sends a message in `channel` posted at `at`; returns its id.
    pub fn say_in(
        &self,
        channel: u64,
        author: &FakeMember,
        content: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> u64 {
        let (id, d) = self
            .discord
            .message_create_at(GUILD, channel, author, content, at);
        self.discord.dispatch("MESSAGE_CREATE", d);
        id
    }

    /// Runs a slash command; returns the interaction id.
    pub fn slash(
        &self,
        user: &FakeMember,
        permissions: u64,
        name: &str,
        options: serde_json::Value,
    ) -> u64 {
        let (id, d) = self
            .discord
            .slash_command(GUILD, CHANNEL, user, permissions, name, options);
        self.discord.dispatch("INTERACTION_CREATE", d);
        id
    }

    /// `user` clicks button `custom_id` on `message`; returns the bot's answer.
    pub async fn click(
        &self,
        user: &FakeMember,
        custom_id: &str,
        message: &studio_tests::SentMessage,
    ) -> studio_tests::Callback {
        let (id, d) = self.discord.button_click(
            GUILD,
            CHANNEL,
            user,
            MEMBER_PERMISSIONS,
            custom_id,
            Some(message),
        );
        self.discord.dispatch("INTERACTION_CREATE", d);
        self.answer(id).await
    }

    /// The bot's answer to interaction `id`.
    pub async fn answer(&self, id: u64) -> studio_tests::Callback {
        let answer = self
            .discord
            .wait_for(PATIENCE, |d| {
                d.callbacks().into_iter().find(|c| c.interaction_id == id)
            })
            .await
            .unwrap_or_else(|| panic!("interaction {id} was never answered"));
        self.effects_out().await;
        answer
    }

    /// Waits (bounded) until the outbox holds nothing unsent: the DMs, roles and channels of what was
    /// answered went out too (they follow the answer, in their own order).
    pub async fn effects_out(&self) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while tokio::time::Instant::now() < deadline {
            let pending: Option<i64> =
                sqlx::query_scalar("SELECT count(*) FROM outbox WHERE done_at IS NULL")
                    .fetch_one(&self.pool)
                    .await
                    .ok();
            if pending == Some(0) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until the views have folded every guild's whole log, and the log stopped growing.
    pub async fn projected(&self) {
        let lag = "SELECT coalesce(sum(h.last_seq - coalesce(c.last_seq, 0)), 0)::bigint
                   FROM guild_heads h LEFT JOIN views.guild_checkpoints c USING (guild_id)";
        let head = "SELECT coalesce(sum(last_seq), 0)::bigint FROM guild_heads";
        let deadline = tokio::time::Instant::now() + PATIENCE;
        // The views may not exist yet: a projector still starting has not created them.
        let lag_now = || async {
            sqlx::query_scalar::<_, Option<i64>>(lag)
                .fetch_one(&self.pool)
                .await
                .ok()
                .flatten()
        };
        loop {
            let before = self.scalar(head).await;
            if lag_now().await == Some(0) {
                tokio::time::sleep(Duration::from_millis(150)).await;
                if self.scalar(head).await == before && lag_now().await == Some(0) {
                    return;
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the views never caught up with the log"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A digest of every view table, to compare views byte for byte.
    pub async fn views_digest(&self) -> String {
        self.projected().await;
        let mut digest = String::new();
        // The projector's own checkpoint row differs between a tail and a replay (its counters), so
        // it is left out; every view table is in.
        for (table, order) in projector::ddl::VIEW_TABLES
            .into_iter()
            .filter(|(t, _)| *t != "checkpoint")
        {
            let d: Option<String> = sqlx::query_scalar(&format!(
                "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY {order}), '')) FROM views.{table} t"
            ))
            .fetch_one(&self.pool)
            .await
            .expect("digest");
            digest.push_str(&format!("{table}={} ", d.unwrap_or_default()));
        }
        digest
    }

    /// The log has no gap and no duplicate command effect: seqs 1..=n, one MessagePosted per message.
    pub async fn assert_log_sound(&self) {
        self.assert_log_sound_allowing(&[]).await;
    }

    /// [`Stack::assert_log_sound`], tolerating Discord violations that contain one of `expected`
    /// (a test that delivers one interaction twice on purpose sees the second answer refused).
    pub async fn assert_log_sound_allowing(&self, expected: &[&str]) {
        // The ledger, from the log alone: every event balanced, nothing negative, the sum zero.
        let audits = projector::audit::verify(&self.pool).await.expect("audit");
        for audit in &audits {
            assert!(
                audit.violations.is_empty(),
                "ledger violations: {:?}",
                audit.violations
            );
            assert_eq!(audit.total(), 0, "the ledger does not sum to zero");
            // The hash chain the database wrote is the one an auditor recomputes.
            let chain = projector::audit::verify_chain(&self.pool, audit.guild, Vec::new())
                .await
                .expect("chain");
            assert!(
                chain.sound(),
                "the hash chain is broken: {:?}",
                chain.broken
            );
        }
        let (count, max): (i64, Option<i64>) = sqlx::query_as(&format!(
            "SELECT count(*), max(guild_seq) FROM event_log WHERE guild_id = {}",
            GUILD as i64
        ))
        .fetch_one(&self.pool)
        .await
        .expect("log");
        assert_eq!(Some(count), max.or(Some(0)), "the guild's log has a gap");
        let dup: i64 = self
            .scalar(
                "SELECT count(*) FROM (SELECT payload->>'message' FROM event_log
                 WHERE event_type = 'MessagePosted' GROUP BY 1 HAVING count(*) > 1) d",
            )
            .await;
        assert_eq!(dup, 0, "a message was counted twice");
        let violations: Vec<String> = self
            .discord
            .violations()
            .into_iter()
            .filter(|v| !expected.iter().any(|e| v.contains(e)))
            .collect();
        assert!(
            violations.is_empty(),
            "Discord protocol violations: {violations:#?}"
        );
    }

    /// Drops the test database and, on a NATS without users (the machine's own), the test's
    /// gateway stream: neither is left to weigh on the runs after it. A NATS with users is a
    /// private server whose data goes with its folder, and no Studio user may delete a stream.
    pub async fn finish(self) {
        // Bounded: a connection a test still holds must not hang the suite.
        let _ = tokio::time::timeout(Duration::from_secs(5), self.pool.close()).await;
        drop(self.discord);
        if let Ok(admin) = PgPoolOptions::new()
            .max_connections(1)
            .connect(&self.admin_url)
            .await
        {
            let _ = sqlx::query(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.database
            ))
            .execute(&admin)
            .await;
        }
        if self.nats_users.is_none() {
            let stream = studio_schema::subjects::Subjects::new(&self.prefix, 1).gateway_stream();
            let delete = async {
                if let Ok(client) = studio_schema::config::nats_options(None)
                    .connect(&self.nats_url)
                    .await
                {
                    let _ = async_nats::jetstream::new(client)
                        .delete_stream(&stream)
                        .await;
                }
            };
            let _ = tokio::time::timeout(Duration::from_secs(5), delete).await;
        }
    }
}

/// The visible (original) answer to interaction `id`: its content, once a deferred answer has
/// been filled in.
pub async fn original(stack: &Stack, id: u64) -> studio_tests::SentMessage {
    let message = stack
        .discord
        .wait_for(PATIENCE, |d| {
            d.original_message(id).filter(|m| !m.loading())
        })
        .await
        .unwrap_or_else(|| panic!("no visible answer to interaction {id}"));
    stack.effects_out().await;
    message
}

/// Submits Studio's form `form` (a modal custom id) with these fields; returns the interaction id.
pub fn submit(stack: &Stack, who: &FakeMember, form: &str, fields: &[(&str, &str)]) -> u64 {
    let (id, d) = stack
        .discord
        .modal_submit(GUILD, CHANNEL, who, MEMBER_PERMISSIONS, form, fields);
    stack.discord.dispatch("INTERACTION_CREATE", d);
    id
}

/// The member's balance as `/balance` shows it to them.
pub async fn shown_balance(stack: &Stack, who: &FakeMember) -> i64 {
    let text = original(
        stack,
        stack.slash(who, MEMBER_PERMISSIONS, "balance", serde_json::json!([])),
    )
    .await
    .text();
    text.split_once("Balance: **")
        .and_then(|(_, rest)| rest.split_once(' '))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("no balance in {text}"))
}

/// Whether the bot sends `user` a direct message containing `text` within [`PATIENCE`].
pub async fn told_by_dm(stack: &Stack, user: u64, text: &str) -> bool {
    stack
        .discord
        .wait_for(PATIENCE, |_| {
            dms_to(stack, user)
                .into_iter()
                .find(|m| m.text().contains(text))
        })
        .await
        .is_some()
}

/// Direct messages the bot sent to `user`.
pub fn dms_to(stack: &Stack, user: u64) -> Vec<studio_tests::SentMessage> {
    stack
        .discord
        .channel_messages()
        .into_iter()
        .filter(|m| m.is_dm_to == Some(user))
        .collect()
}

/// The custom id of the button on `message` whose label contains `label`.
pub fn button(message: &studio_tests::SentMessage, label: &str) -> String {
    message
        .buttons()
        .into_iter()
        .find(|(l, _)| l.contains(label))
        .unwrap_or_else(|| panic!("no {label} button in {:?}", message.buttons()))
        .1
}

/// What the local Discord reports when a redelivered interaction is answered a second time.
pub const SECOND_ANSWER: &str = "second callback for";

/// Publishes interaction `d` (id `id`) again straight into JetStream under a new message id, as a
/// redelivery past the deduplication window would; waits until the command service applied it (its
/// partition's position passed it) and returns every answer Discord got for the interaction.
pub async fn redeliver(
    stack: &Stack,
    id: u64,
    d: &serde_json::Value,
) -> Vec<studio_tests::Callback> {
    let frame = serde_json::json!({"t": "INTERACTION_CREATE", "s": 1, "op": 0, "d": d}).to_string();
    // As the gateway worker: the only NATS user that may publish dispatches.
    let js = async_nats::jetstream::new(stack.nats_as("gateway-worker").await);
    let subject = format!("{}.discord.gateway.0.INTERACTION_CREATE", stack.prefix);
    let mut headers = async_nats::HeaderMap::new();
    headers.insert("Nats-Msg-Id", format!("{id}-again").as_str());
    let ack = js
        .publish_with_headers(subject, headers, frame.into())
        .await
        .expect("publish")
        .await
        .expect("ack");
    stack
        .eventually_i64(
            &format!(
                "SELECT LEAST(stream_seq, {seq})::bigint FROM intake_positions WHERE partition = 0",
                seq = ack.sequence
            ),
            i64::try_from(ack.sequence).expect("sequence"),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stack
        .discord
        .callbacks()
        .into_iter()
        .filter(|c| c.interaction_id == id)
        .collect()
}

/// `from` runs `/pay` to `to` for `amount` (a number, or anything a forger might send); returns the
/// interaction id.
pub fn pay(stack: &Stack, from: &FakeMember, to: u64, amount: impl serde::Serialize) -> u64 {
    stack.slash(
        from,
        MEMBER_PERMISSIONS,
        "pay",
        serde_json::json!([{"name": "member", "type": 6, "value": to.to_string()},
                           {"name": "amount", "type": 4, "value": amount}]),
    )
}

/// Runs `projector audit` with `args` as an auditor would; its success and what it printed.
pub async fn audit(stack: &Stack, args: &[&str]) -> (bool, String) {
    let out = Command::new(binary("projector"))
        .arg("audit")
        .args(args)
        .env("DATABASE_URL", &stack.database_url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run projector audit");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// An admin grants `member` credits; returns the interaction id.
pub fn grant(stack: &Stack, admin: &FakeMember, member: u64, amount: i64) -> u64 {
    grant_as(stack, admin, ADMIN_PERMISSIONS, member, amount)
}

/// `who` (with `permissions`) grants `member` credits; returns the interaction id.
pub fn grant_as(
    stack: &Stack,
    who: &FakeMember,
    permissions: u64,
    member: u64,
    amount: i64,
) -> u64 {
    stack.slash(
        who,
        permissions,
        "credits",
        serde_json::json!([{"name": "grant", "type": 1, "options": [
            {"name": "member", "type": 6, "value": member.to_string()},
            {"name": "amount", "type": 4, "value": amount},
            {"name": "reason", "type": 3, "value": "jam prize"}]}]),
    )
}

/// `seller` lists code at `price`; returns the listing's number.
pub async fn sell(stack: &Stack, seller: &FakeMember, title: &str, price: i64) -> i64 {
    let listed = original(
        stack,
        submit(
            stack,
            seller,
            "f:sell",
            &[
                ("title", title),
                ("description", "Drop-in and documented"),
                ("language", "Rust"),
                ("price", &price.to_string()),
                ("code", &format!("// {title}\nfn main() {{}}")),
            ],
        ),
    )
    .await;
    listed
        .text()
        .split("Listing #")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a listing number in {}", listed.text()))
}

/// `buyer` buys listing `listing` from the marketplace's Buy button.
pub async fn buy(stack: &Stack, buyer: &FakeMember, listing: i64) {
    let shop = original(
        stack,
        stack.slash(buyer, MEMBER_PERMISSIONS, "shop", serde_json::json!([])),
    )
    .await;
    let bought = stack
        .click(buyer, &button(&shop, &format!("Buy #{listing}")), &shop)
        .await;
    assert!(
        bought.body.to_string().contains("You bought"),
        "{}",
        bought.body
    );
}
