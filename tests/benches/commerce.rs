//! `scripts/bench`: contended commerce in one guild through the real release binaries, against
//! real Postgres and NATS. Prints figures; asserts correctness (no double-spend, the ledger audit
//! clean, no interaction answered twice), nothing about speed.
//!
//! Setup (not timed): an admin grants every buyer 150 credits; sellers list listings at 100.
//! Race (timed): every buyer clicks Buy on 3 different random listings (credits for one) and sends
//! two `/pay` of 30 to other random buyers, so each buyer's demands exceed their credits. The
//! interactions are dispatched in paced waves: Studio does not carry out a command older than 2.8 s
//! (it tells its member by DM instead), so an instant burst of thousands would mostly measure that.
//!
//! Printed: commands decided and per second (first dispatch to last commit seen), the offered
//! rate, decision→durable p50/p99 from the command service's shutdown line, purchases, transfers,
//! refusals, how members were told (in time, late through a deferred answer, by DM), the outbox's
//! results, and double-spends (must be 0).
//!
//! Two runs. One writer: one command service owns the guild's partition. Standby: a second command
//! service stands by (an overlapping deploy); when half the race's commands are decided, the owner is
//! killed (SIGKILL) and the standby takes the partition over. Printed besides: the takeover time (from
//! the kill to the standby's "partition owned" line, and to its first answer), and the interactions
//! that arrived while nobody owned the partition, answered late or told by DM. A second answer to any
//! interaction (the local Discord's "second callback for") is a failure; the killed owner logs no
//! shutdown line, so the standby's figures are its own, from the takeover on.
//!
//! Knobs: BENCH_BUYERS (1000), BENCH_SELLERS (20), BENCH_LISTINGS (100), BENCH_WAVE (100
//! interactions per wave), BENCH_WAVE_MS (10 ms between waves), BENCH_SEED (7),
//! BENCH_STANDBY (1: after the one-writer run, run the standby run; 0: skip it).

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/report.rs"]
mod report;

use common::{ADMIN_PERMISSIONS, CHANNEL, GUILD, MEMBER_PERMISSIONS, PATIENCE, Stack, member};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng, rngs::StdRng};
use report::Row;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use studio_tests::FakeMember;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

const GRANT: i64 = 150;
const PRICE: i64 = 100;
const PAYMENT: i64 = 30;
const BUYS_PER_BUYER: usize = 3;
const PAYS_PER_BUYER: usize = 2;
/// What the local Discord says of a second answer to one interaction: never allowed.
const SECOND_ANSWER: &str = "second callback for";
/// Discord violations counted and reported, not failures of commerce: an answer after Discord's 3 s
/// window (the machine fell behind the offered rate), and the edit a late interaction's answer tries
/// first (its response may have been deferred by an owner that died) before telling the member by DM.
const ALLOWED_VIOLATIONS: [&str; 2] = ["late callback for", "before it was acknowledged"];
/// Discord's window for an interaction's first answer.
const WINDOW: Duration = Duration::from_secs(3);
/// Log lines that come once per interaction, batch or effect under load: counted, not echoed.
const QUIET_LINES: [&str; 5] = [
    "dropped unanswered",
    "fence tripped",
    "holds commands decided before",
    "deferral failed",
    "side effect failed for now",
];
/// How long the count of decided commands may stand still before the race counts as settled.
const QUIET: Duration = Duration::from_secs(2);
/// How long a setup count may stand still before the bench gives up.
const STALL: Duration = Duration::from_secs(30);
/// Buyers in GUILD_CREATE at most (about 330 bytes each against NATS's 1 MiB max_payload).
const GUILD_CREATE_BUYERS: usize = 1000;
/// How long anything in the bench may take at most.
const LIMIT: Duration = Duration::from_secs(600);

fn arg(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// How interactions are offered: `wave` at once, then a pause of `every`.
#[derive(Clone, Copy)]
struct Pace {
    wave: usize,
    every: Duration,
}

impl Pace {
    fn per_second(self) -> f64 {
        self.wave as f64 / self.every.as_secs_f64().max(1e-6)
    }

    /// Calls `dispatch` on each item, paced; returns the interaction ids and how long it took.
    async fn run<T>(self, items: Vec<T>, mut dispatch: impl FnMut(T) -> u64) -> (Vec<u64>, f64) {
        let started = Instant::now();
        let mut ticks = tokio::time::interval(self.every);
        let mut ids = Vec::with_capacity(items.len());
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            ticks.tick().await;
            ids.extend(items.by_ref().take(self.wave.max(1)).map(&mut dispatch));
        }
        (ids, started.elapsed().as_secs_f64())
    }
}

/// A command service the bench owns: its pid (to stop it with SIGTERM, or kill it with SIGKILL) and
/// its log lines, each with the instant the bench read it.
struct Writer {
    name: String,
    spawned: Instant,
    child: Child,
    log: Arc<Mutex<Vec<(Instant, String)>>>,
    reader: JoinHandle<()>,
}

/// What a command service said when it stopped, plus what its log showed.
#[derive(Debug, Default)]
struct Stopped {
    fields: HashMap<String, String>,
    fence_trips: usize,
    duplicate_batches: usize,
    errors: Vec<String>,
}

impl Stopped {
    fn u64(&self, key: &str) -> u64 {
        self.fields
            .get(key)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
    fn f64(&self, key: &str) -> f64 {
        self.fields
            .get(key)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    }
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte (a letter).
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The `key=value` fields of a tracing line.
fn fields(line: &str) -> HashMap<String, String> {
    line.split_whitespace()
        .filter_map(|token| token.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
        .collect()
}

impl Writer {
    fn spawn(stack: &Stack, name: &str) -> Writer {
        let mut child = Command::new(common::binary("command-service"))
            .envs(stack.env_for("command-service"))
            .env(
                "RUST_LOG",
                "warn,command_service::service=info,command_service::partition=info,\
                 command_service::outbox=info,command_service::writer=info",
            )
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn command-service");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (kept, label) = (log.clone(), name.to_owned());
        let reader = tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let line = strip_ansi(&line);
                // One line per stale interaction, fence trip or retried effect: counted, not echoed.
                if !QUIET_LINES.iter().any(|q| line.contains(q)) {
                    eprintln!("[command-service {label}] {line}");
                }
                kept.lock().expect("log").push((Instant::now(), line));
            }
        });
        Writer {
            name: name.to_owned(),
            spawned: Instant::now(),
            child,
            log,
            reader,
        }
    }

    /// When the first line containing `needle` read at or after `since` came.
    fn logged(&self, needle: &str, since: Instant) -> Option<Instant> {
        self.log
            .lock()
            .expect("log")
            .iter()
            .find(|(at, line)| *at >= since && line.contains(needle))
            .map(|(at, _)| *at)
    }

    /// Waits for a line containing `needle` read at or after `since`; panics after `PATIENCE`.
    async fn wait_logged(&self, needle: &str, since: Instant) -> Instant {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(at) = self.logged(needle, since) {
                return at;
            }
            assert!(
                Instant::now() < deadline,
                "command-service {} never logged {needle:?}",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Starts the instance that owns the partition, then (`standby`) a second one that stands by.
    async fn start(stack: &Stack, standby: bool) -> Vec<Writer> {
        let owner = Writer::spawn(stack, "writer-1");
        owner.wait_logged("partition owned", owner.spawned).await;
        let mut writers = vec![owner];
        if standby {
            let second = Writer::spawn(stack, "writer-2");
            second.wait_logged("standing by", second.spawned).await;
            writers.push(second);
        }
        writers
    }

    /// SIGKILL: no shutdown, no shutdown line. Returns the instant of the kill and the errors the
    /// instance had logged.
    async fn kill(mut self) -> (Instant, Vec<String>) {
        let at = Instant::now();
        self.child
            .kill()
            .await
            .expect("SIGKILL the command service");
        let _ = tokio::time::timeout(Duration::from_secs(5), self.reader).await;
        let errors = self
            .log
            .lock()
            .expect("log")
            .iter()
            .filter(|(_, l)| l.contains("ERROR"))
            .map(|(_, l)| l.clone())
            .collect();
        (at, errors)
    }

    /// SIGTERM, wait for the exit, and read the shutdown line.
    async fn stop(mut self) -> Stopped {
        let pid = self.child.id().expect("command-service still running");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM {pid} failed");
        let exited = tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await;
        assert!(
            matches!(exited, Ok(Ok(s)) if s.success()),
            "command-service {} did not stop cleanly: {exited:?}",
            self.name
        );
        let _ = tokio::time::timeout(Duration::from_secs(5), self.reader).await;
        let lines: Vec<String> = self
            .log
            .lock()
            .expect("log")
            .iter()
            .map(|(_, l)| l.clone())
            .collect();
        let last = lines
            .iter()
            .rev()
            .find(|l| l.contains("command service stopped"))
            .unwrap_or_else(|| panic!("no shutdown line from command-service {}", self.name));
        Stopped {
            fields: fields(last),
            fence_trips: lines.iter().filter(|l| l.contains("fence tripped")).count(),
            duplicate_batches: lines
                .iter()
                .filter(|l| l.contains("holds commands decided before"))
                .count(),
            errors: lines
                .iter()
                .filter(|l| l.contains("ERROR"))
                .cloned()
                .collect(),
        }
    }
}

/// Polls `query` (a scalar) until it returns at least `want`; panics once it stood still for 30 s.
async fn wait_at_least(stack: &Stack, query: &str, want: i64) {
    let (mut last, mut since) = (i64::MIN, Instant::now());
    loop {
        let n = stack.scalar(query).await;
        if n >= want {
            return;
        }
        if n != last {
            (last, since) = (n, Instant::now());
        }
        assert!(
            since.elapsed() < STALL,
            "`{query}` stayed at {n}, expected {want}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn strings(stack: &Stack, query: &str) -> HashSet<String> {
    sqlx::query_scalar::<_, String>(query)
        .fetch_all(&stack.pool)
        .await
        .expect(query)
        .into_iter()
        .collect()
}

/// Dispatches `items` (paced) whose key `done` does not yet list, until every key is listed: an
/// interaction that went stale under load is simply offered again. Setup only.
async fn ensure<T>(
    stack: &Stack,
    what: &str,
    pace: Pace,
    items: &[(String, T)],
    done: &str,
    mut dispatch: impl FnMut(&T) -> u64,
) {
    for round in 1..=5 {
        let listed = strings(stack, done).await;
        let missing: Vec<&T> = items
            .iter()
            .filter(|(k, _)| !listed.contains(k))
            .map(|(_, t)| t)
            .collect();
        if missing.is_empty() {
            return;
        }
        if round > 1 {
            eprintln!("setup: offering {} {what} again", missing.len());
        }
        pace.run(missing, &mut dispatch).await;
        // Until all are done, or nothing moved for a while.
        let (mut last, mut since) = (usize::MAX, Instant::now());
        loop {
            let n = strings(stack, done).await.len();
            if n >= items.len() {
                return;
            }
            if n != last {
                (last, since) = (n, Instant::now());
            } else if since.elapsed() > QUIET * 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    panic!("setup: not every {what} got through");
}

fn pay(stack: &Stack, from: &FakeMember, to: u64, amount: i64) -> u64 {
    stack.slash(
        from,
        MEMBER_PERMISSIONS,
        "pay",
        json!([{"name": "member", "type": 6, "value": to.to_string()},
               {"name": "amount", "type": 4, "value": amount}]),
    )
}

fn buy(stack: &Stack, buyer: &FakeMember, listing: i64, version: i64) -> u64 {
    let custom_id = format!("buy:{listing}:{version}:{}", buyer.user_id);
    let (id, d) =
        stack
            .discord
            .button_click(GUILD, CHANNEL, buyer, MEMBER_PERMISSIONS, &custom_id, None);
    stack.discord.dispatch("INTERACTION_CREATE", d);
    id
}

/// Discord violations so far containing `needle`.
fn violations(stack: &Stack, needle: &str) -> usize {
    stack
        .discord
        .violations()
        .iter()
        .filter(|v| v.contains(needle))
        .count()
}

/// How the members of the race were told, from what the local Discord received.
#[derive(Debug, Default)]
struct Told {
    /// Answered within Discord's 3 s window (directly, or a deferred response edited in time).
    in_time: usize,
    /// Deferred in time, the answer edited in after the window.
    late: usize,
    /// Deferred, never edited.
    deferred_only: usize,
    /// No answer on the interaction at all.
    unanswered: usize,
    /// Direct messages saying Studio could not answer in time.
    by_dm: usize,
    /// Accepted answers (first callbacks and edits of a deferred response), when they came.
    answers: Vec<Instant>,
    /// From each click to its answer (the edit, for a deferred one), as its member waited.
    waits: Vec<Duration>,
}

/// What became of each interaction of the race: its accepted callback and, for a deferred one, the
/// first edit of its response; DMs "… in time …" sent since `since`.
fn told(stack: &Stack, ids: &[u64], since: Instant) -> Told {
    // The instant an interaction was created, from its snowflake's wall-clock time.
    let (now, wall) = (Instant::now(), chrono::Utc::now());
    let created = |id: u64| {
        let ago = (wall - studio_tests::snowflake::created_at(id))
            .to_std()
            .unwrap_or_default();
        now.checked_sub(ago).unwrap_or(now)
    };
    let race: HashSet<u64> = ids.iter().copied().collect();
    let callbacks: HashMap<u64, (u64, Instant)> = stack
        .discord
        .callbacks()
        .into_iter()
        .filter(|c| c.status == 204 && race.contains(&c.interaction_id))
        .map(|c| {
            let kind = c.body.get("type").and_then(Value::as_u64).unwrap_or(0);
            (c.interaction_id, (kind, c.at))
        })
        .collect();
    let mut edits: HashMap<u64, Instant> = HashMap::new();
    for m in stack.discord.original_edits() {
        let at = edits.entry(m.id).or_insert(m.at);
        *at = (*at).min(m.at);
    }
    let mut t = Told::default();
    for &id in ids {
        let answered = match callbacks.get(&id) {
            None => {
                t.unanswered += 1;
                continue;
            }
            Some((5, at)) => {
                t.answers.push(*at);
                let message = stack
                    .discord
                    .interaction(id)
                    .and_then(|i| i.original_message_id);
                match message.and_then(|m| edits.get(&m)) {
                    Some(edited) => *edited,
                    None => {
                        t.deferred_only += 1;
                        continue;
                    }
                }
            }
            Some((_, at)) => *at,
        };
        t.answers.push(answered);
        let waited = answered.saturating_duration_since(created(id));
        t.waits.push(waited);
        if waited > WINDOW {
            t.late += 1;
        } else {
            t.in_time += 1;
        }
    }
    t.answers.sort();
    t.by_dm = stack
        .discord
        .channel_messages()
        .iter()
        .filter(|m| m.is_dm_to.is_some() && m.at >= since && m.text().contains("in time"))
        .count();
    t
}

#[derive(Clone, Copy)]
enum Action {
    Buy { buyer: usize, listing: usize },
    Pay { buyer: usize, to: usize },
}

/// A user id in an outcome or payload: a JSON number or a string of digits.
fn id_of(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn amount_of(v: &Value) -> i64 {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(0)
}

struct Scenario {
    buyers: usize,
    sellers: usize,
    listings: usize,
    pace: Pace,
    seed: u64,
    /// A second command service stands by, and the owner is killed in the middle of the race.
    standby: bool,
}

#[expect(
    clippy::too_many_lines,
    reason = "one scenario, read top to bottom: setup, race, report, checks"
)]
async fn run(s: &Scenario) -> Vec<Row> {
    let admin = member(1003, "ada-admin", 800);
    let buyers: Vec<FakeMember> = (0..s.buyers)
        .map(|i| member(20_000 + i as u64, &format!("buyer{i}"), 10))
        .collect();
    let sellers: Vec<FakeMember> = (0..s.sellers)
        .map(|i| member(30_000 + i as u64, &format!("seller{i}"), 400))
        .collect();
    // GUILD_CREATE carries the admin, the sellers and the first buyers; a guild's whole member list
    // past a few thousand would exceed NATS's 1 MiB max_payload (the gateway worker drops such a
    // dispatch), so the other buyers join with GUILD_MEMBER_ADD.
    let in_create = buyers.len().min(GUILD_CREATE_BUYERS);
    let everyone: Vec<FakeMember> = std::iter::once(admin.clone())
        .chain(sellers.iter().cloned())
        .chain(buyers[..in_create].iter().cloned())
        .collect();
    let members = 1 + sellers.len() + buyers.len();
    let stack = Stack::start(everyone).await;

    // Setup, not timed.
    let projector = stack.spawn("projector", &[], &[]);
    let mut writers = Writer::start(&stack, s.standby).await;
    let gateway = stack.spawn("gateway-worker", &[], &[]);
    assert!(
        stack.discord.wait_identified(PATIENCE).await,
        "the gateway worker never identified"
    );
    stack.wait_commands_registered().await;
    s.pace
        .run(buyers[in_create..].iter().collect(), |b| {
            stack
                .discord
                .dispatch("GUILD_MEMBER_ADD", stack.discord.member_add(GUILD, b))
        })
        .await;
    wait_at_least(
        &stack,
        "SELECT count(*) FROM event_log WHERE event_type IN ('MemberSeen', 'MemberJoined')",
        members as i64,
    )
    .await;

    let grants: Vec<(String, usize)> = (0..s.buyers)
        .map(|i| (buyers[i].user_id.to_string(), i))
        .collect();
    ensure(
        &stack,
        "grants",
        s.pace,
        &grants,
        "SELECT payload->>'member' FROM event_log WHERE event_type = 'CreditsGranted'",
        |&i| {
            stack.slash(
                &admin,
                ADMIN_PERMISSIONS,
                "credits",
                json!([{"name": "grant", "type": 1, "options": [
                    {"name": "member", "type": 6, "value": buyers[i].user_id.to_string()},
                    {"name": "amount", "type": 4, "value": GRANT},
                    {"name": "reason", "type": 3, "value": "bench"}]}]),
            )
        },
    )
    .await;

    let sales: Vec<(String, usize)> = (0..s.listings)
        .map(|l| (format!("Asset pack {l}"), l))
        .collect();
    let price = PRICE.to_string();
    ensure(
        &stack,
        "listings",
        s.pace,
        &sales,
        "SELECT title FROM views.listings",
        |&l| {
            let title = format!("Asset pack {l}");
            let code = format!("// {title}\nfn main() {{}}");
            let (id, d) = stack.discord.modal_submit(
                GUILD,
                CHANNEL,
                &sellers[l % s.sellers.max(1)],
                MEMBER_PERMISSIONS,
                "f:sell",
                &[
                    ("title", &title),
                    ("description", "Drop-in and documented"),
                    ("language", "Rust"),
                    ("price", &price),
                    ("code", &code),
                ],
            );
            stack.discord.dispatch("INTERACTION_CREATE", d);
            id
        },
    )
    .await;
    let listed: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT listing_id, version FROM views.listings WHERE active ORDER BY listing_id",
    )
    .fetch_all(&stack.pool)
    .await
    .expect("listings");
    assert_eq!(listed.len(), s.listings, "every listing is up");

    // Fresh writers for the race, so their latency histograms hold the race alone: let the setup's
    // answers go out, stop the writers (the standby first), start them again, and warm the owner up
    // with one message (it loaded the guild when it took the partition).
    stack.effects_out().await;
    for w in writers.drain(..).rev() {
        let stopped = w.stop().await;
        eprintln!(
            "setup: writer stopped after {} commands",
            stopped.u64("commands")
        );
    }
    writers = Writer::start(&stack, s.standby).await;
    let before_warmup = stack
        .scalar("SELECT count(*) FROM processed_commands")
        .await;
    stack.say(&admin, "warming up the writers");
    wait_at_least(
        &stack,
        "SELECT count(*) FROM processed_commands",
        before_warmup + 1,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The race.
    let mut rng = StdRng::seed_from_u64(s.seed);
    let mut order: Vec<usize> = (0..s.buyers).collect();
    order.shuffle(&mut rng);
    let mut actions = Vec::with_capacity(s.buyers * (BUYS_PER_BUYER + PAYS_PER_BUYER));
    for &buyer in &order {
        let mut mine: Vec<Action> =
            rand::seq::index::sample(&mut rng, listed.len(), BUYS_PER_BUYER.min(listed.len()))
                .into_iter()
                .map(|listing| Action::Buy { buyer, listing })
                .collect();
        for _ in 0..PAYS_PER_BUYER {
            if s.buyers > 1 {
                let to = (buyer + rng.random_range(1..s.buyers)) % s.buyers;
                mine.push(Action::Pay { buyer, to });
            }
        }
        // A buyer's clicks and payments land together, in random order: they race each other.
        mine.shuffle(&mut rng);
        actions.extend(mine);
    }
    let offered = actions.len();
    let second_before = violations(&stack, SECOND_ANSWER);
    let refused_late_before = violations(&stack, ALLOWED_VIOLATIONS[0]);
    let probes_before = violations(&stack, ALLOWED_VIOLATIONS[1]);
    let baseline = stack
        .scalar("SELECT count(*) FROM processed_commands")
        .await;
    let outbox_baseline = stack.scalar("SELECT max(id) FROM outbox").await;
    let decided_now = || async {
        stack
            .scalar("SELECT count(*) FROM processed_commands")
            .await
            - baseline
    };
    // The standby run's owner dies once half the race's commands are decided.
    let doomed = if s.standby {
        Some(writers.remove(0))
    } else {
        None
    };
    let started = Instant::now();
    let offer = s.pace.run(actions, |action| match action {
        Action::Buy { buyer, listing } => {
            let (id, version) = listed[listing];
            buy(&stack, &buyers[buyer], id, version)
        }
        Action::Pay { buyer, to } => pay(&stack, &buyers[buyer], buyers[to].user_id, PAYMENT),
    });
    let kill = async {
        let owner = doomed?;
        loop {
            let n = decided_now().await;
            if n >= offered as i64 / 2 {
                let (at, errors) = owner.kill().await;
                return Some((at, errors, n));
            }
            assert!(started.elapsed() < LIMIT, "half the race was never decided");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    let ((ids, dispatch_secs), killed) = tokio::join!(offer, kill);
    let killed_at = killed.as_ref().map(|(at, _, _)| *at);
    // Settled: every dispatched interaction decided, or (commands too late to take) nothing new for
    // QUIET — and, in the standby run, not before QUIET after the standby took over.
    let (mut decided, mut last_change) = (0, started.elapsed());
    let mut took_over = None;
    loop {
        let n = decided_now().await;
        if n != decided {
            (decided, last_change) = (n, started.elapsed());
        }
        if let Some(kill) = killed_at
            && took_over.is_none()
        {
            took_over = writers[0].logged("partition owned", kill);
        }
        let owned_long_enough =
            killed_at.is_none() || took_over.is_some_and(|t: Instant| t.elapsed() > QUIET);
        if decided >= offered as i64
            || (owned_long_enough && started.elapsed() > last_change + QUIET)
        {
            break;
        }
        assert!(
            started.elapsed() < LIMIT,
            "only {decided} of {offered} commands decided"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let wall = last_change.as_secs_f64();

    // Let the last answers and DMs go out, then read the writers' figures.
    stack.effects_out().await;
    let mut stopped = Vec::new();
    for w in writers.drain(..) {
        stopped.push((w.name.clone(), w.stop().await));
    }
    let told = told(&stack, &ids, started);
    let outbox: Vec<(String, i64)> = sqlx::query_as(
        "SELECT coalesce(split_part(result, ':', 1), 'pending'), count(*) FROM outbox
         WHERE id > $1 AND kind IN ('answer', 'query') GROUP BY 1 ORDER BY 2 DESC",
    )
    .bind(outbox_baseline)
    .fetch_all(&stack.pool)
    .await
    .expect("outbox results");

    // Outcomes of the race's commands, as their members were told.
    let ids: Vec<String> = ids.iter().map(u64::to_string).collect();
    let outcomes: Vec<Value> =
        sqlx::query_scalar("SELECT outcome FROM processed_commands WHERE command_id = ANY($1)")
            .bind(&ids)
            .fetch_all(&stack.pool)
            .await
            .expect("outcomes");
    assert_eq!(
        outcomes.len() as i64,
        decided,
        "every command decided in the race is one of the race's interactions"
    );
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut refusals: BTreeMap<String, usize> = BTreeMap::new();
    // Per buyer, from the outcomes alone: credits received and spent.
    let mut received: HashMap<u64, i64> = buyers.iter().map(|b| (b.user_id, GRANT)).collect();
    let mut spent: HashMap<u64, i64> = HashMap::new();
    for o in &outcomes {
        let kind = o["outcome"].as_str().unwrap_or("?").to_owned();
        match kind.as_str() {
            "Purchased" => {
                if let Some(b) = id_of(&o["buyer"]) {
                    *spent.entry(b).or_default() += amount_of(&o["price"]);
                }
            }
            "Paid" => {
                if let Some(f) = id_of(&o["from"]) {
                    *spent.entry(f).or_default() += amount_of(&o["amount"]);
                }
                if let Some(t) = id_of(&o["to"]) {
                    *received.entry(t).or_default() += amount_of(&o["amount"]);
                }
            }
            "Rejected" => {
                let reason = o
                    .as_object()
                    .and_then(|m| m.keys().find(|k| *k != "outcome").cloned())
                    .unwrap_or_else(|| o.to_string());
                *refusals.entry(reason).or_default() += 1;
            }
            _ => {}
        }
        *kinds.entry(kind).or_default() += 1;
    }
    let purchases = kinds.get("Purchased").copied().unwrap_or(0);
    let transfers = kinds.get("Paid").copied().unwrap_or(0);
    let refused = kinds.get("Rejected").copied().unwrap_or(0);

    // Double-spends, three independent ways; a member counts once.
    let mut double_spenders: HashSet<u64> = HashSet::new();
    // 1. Told outcomes: a buyer spent more than they were granted and paid.
    for (b, out) in &spent {
        if *out > received.get(b).copied().unwrap_or(0) {
            double_spenders.insert(*b);
        }
    }
    // 2. The ledger from the log: a member account that was ever below zero.
    let negative: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT account FROM (
             SELECT account, sum(amount) OVER (PARTITION BY account ORDER BY guild_seq, line) AS running
             FROM ledger WHERE guild_id = $1 AND account LIKE 'member:%') r
         WHERE running < 0",
    )
    .bind(GUILD as i64)
    .fetch_all(&stack.pool)
    .await
    .expect("running balances");
    double_spenders.extend(negative.iter().filter_map(|a| {
        a.strip_prefix("member:")
            .and_then(|id| id.parse::<u64>().ok())
    }));
    // 3. The same listing bought twice by one buyer.
    let twice: Vec<String> = sqlx::query_scalar(
        "SELECT payload->>'buyer' FROM event_log WHERE event_type = 'ListingPurchased'
         GROUP BY payload->>'buyer', payload->>'listing' HAVING count(*) > 1",
    )
    .fetch_all(&stack.pool)
    .await
    .expect("duplicate purchases");
    double_spenders.extend(twice.iter().filter_map(|b| b.parse::<u64>().ok()));
    // The log says what the outcomes say.
    let purchase_events = stack
        .scalar("SELECT count(*) FROM event_log WHERE event_type = 'ListingPurchased'")
        .await;
    let transfer_events = stack
        .scalar("SELECT count(*) FROM event_log WHERE event_type = 'CreditsTransferred'")
        .await;
    let audits = projector::audit::verify(&stack.pool).await.expect("audit");
    let audit_violations: usize = audits.iter().map(|a| a.violations.len()).sum();
    let second = violations(&stack, SECOND_ANSWER) - second_before;
    let refused_late = violations(&stack, ALLOWED_VIOLATIONS[0]) - refused_late_before;
    let probes = violations(&stack, ALLOWED_VIOLATIONS[1]) - probes_before;

    let rate = decided as f64 / wall.max(1e-6);
    let offered_rate = offered as f64 / dispatch_secs.max(1e-6);
    let label = if s.standby {
        "standby: the owner killed mid-race, the standby takes over"
    } else {
        "one writer"
    };
    println!(
        "commerce ({label}): {} buyers, {} sellers, {} listings at {PRICE}, {GRANT} credits each; \
         every buyer clicks Buy on {BUYS_PER_BUYER} listings and pays {PAYMENT} twice",
        s.buyers, s.sellers, s.listings
    );
    println!(
        "  offered: {offered} interactions in {dispatch_secs:.2} s → {offered_rate:.0}/s (waves of {} every {} ms, target {:.0}/s)",
        s.pace.wave,
        s.pace.every.as_millis(),
        s.pace.per_second()
    );
    println!(
        "  decided: {decided} commands, first dispatch to last commit {wall:.2} s → {rate:.0} commands/s{}",
        if rate > 0.9 * offered_rate {
            " (kept up with the offering: raise BENCH_WAVE to find the capacity)"
        } else {
            ""
        }
    );
    if let Some((at, _, n)) = &killed {
        let ms = |t: Instant| t.saturating_duration_since(*at).as_secs_f64() * 1e3;
        println!(
            "  killed: writer-1 (the owner), SIGKILL {:.2} s into the race with {n} of {offered} commands decided (no shutdown line)",
            at.saturating_duration_since(started).as_secs_f64()
        );
        match took_over {
            Some(owned) => {
                // Answers the killed owner had in flight (requests Discord had already received),
                // and the standby's sweep of what was left pending, before its "partition owned" line.
                let between: Vec<&Instant> = told
                    .answers
                    .iter()
                    .filter(|a| **a >= *at && **a < owned)
                    .collect();
                let first = told.answers.iter().find(|a| **a >= owned);
                println!(
                    "  takeover: the standby owned the partition {:.0} ms after the kill; its first answer after that {} \
                     ({} answers landed between the kill and the takeover line{})",
                    ms(owned),
                    first.map_or_else(
                        || "never came".to_owned(),
                        |f| format!("{:.0} ms after the kill", ms(*f))
                    ),
                    between.len(),
                    between
                        .last()
                        .map(|l| format!(", the last {:.0} ms after the kill", ms(**l)))
                        .unwrap_or_default()
                );
            }
            None => println!("  takeover: none (the standby never logged \"partition owned\")"),
        }
    }
    for (name, st) in &stopped {
        println!(
            "  decision→durable [{name}{}]: p50 {:.1} ms, p99 {:.1} ms over {} commands \
             (effects sent {}, effects failed {}, duplicates {}, rejected {}, stale {}, fence trips {}, \
             batches decided elsewhere {})",
            if killed.is_some() {
                ", from its takeover"
            } else {
                ""
            },
            st.f64("decision_to_durable_p50_ms"),
            st.f64("decision_to_durable_p99_ms"),
            st.u64("commands"),
            st.u64("effects_sent"),
            st.u64("effects_failed"),
            st.u64("duplicates"),
            st.u64("rejected"),
            st.u64("stale_interactions"),
            st.fence_trips,
            st.duplicate_batches,
        );
    }
    println!(
        "  outcomes: {purchases} purchases, {transfers} transfers, {refused} refusals {refusals:?}; \
         {} not carried out (too late to take)",
        offered as i64 - decided
    );
    println!(
        "  members told: {} in time, {} late (deferred, edited after 3 s), {} deferred and never edited, \
         {} with no answer on the interaction; {} told by DM (\"in time\")",
        told.in_time, told.late, told.deferred_only, told.unanswered, told.by_dm
    );
    let mut waits = told.waits;
    let (wait_p50, wait_p99) = (
        report::quantile_ms(&mut waits, 0.5),
        report::quantile_ms(&mut waits, 0.99),
    );
    println!(
        "  click → answer, as members waited (their interaction's snowflake time to the answer): \
         p50 {wait_p50:.1} ms, p99 {wait_p99:.1} ms over {} answers",
        waits.len()
    );
    println!("  outbox (answers): {outbox:?}");
    println!(
        "  Discord refused: {second} second answers (must be 0), {refused_late} answers after its 3 s window, \
         {probes} edits of late interactions never acknowledged"
    );
    for v in stack
        .discord
        .violations()
        .iter()
        .filter(|v| v.contains(SECOND_ANSWER))
        .skip(second_before)
        .take(3)
    {
        println!("    e.g. {v}");
    }
    println!(
        "  double-spends: {}; ledger audit: {audit_violations} violations",
        double_spenders.len()
    );

    // Checks: every failure is listed, and the bench's database dropped, before it fails.
    let mut failures: Vec<String> = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            failures.push(what);
        }
    };
    if let Some((_, errors, _)) = &killed {
        check(
            errors.is_empty(),
            format!("the killed owner logged errors: {errors:#?}"),
        );
    }
    for (name, st) in &stopped {
        check(
            st.errors.is_empty(),
            format!("command-service {name} logged errors: {:#?}", st.errors),
        );
    }
    check(
        double_spenders.is_empty(),
        format!("double-spends by {double_spenders:?}"),
    );
    check(
        audit_violations == 0,
        format!("the ledger audit is not clean: {audit_violations} violations"),
    );
    check(
        purchase_events == purchases as i64,
        format!("{purchase_events} ListingPurchased events for {purchases} purchases told"),
    );
    check(
        transfer_events == transfers as i64,
        format!("{transfer_events} CreditsTransferred events for {transfers} payments told"),
    );
    check(
        purchases > 0 && transfers > 0 && refused > 0,
        "the race did not buy, pay and refuse".to_owned(),
    );
    check(
        second == 0,
        format!("{second} interactions got a second answer"),
    );
    if failures.is_empty() {
        stack.assert_log_sound_allowing(&ALLOWED_VIOLATIONS).await;
    }
    drop((gateway, projector));
    stack.finish().await;
    assert!(failures.is_empty(), "commerce failed: {failures:#?}");
    let name = if s.standby {
        "contended commerce, owner killed mid-race"
    } else {
        "contended commerce, one guild"
    };
    let mut rows = vec![
        Row::goal(
            &format!("{name}: commands decided (offered {offered_rate:.0}/s)"),
            rate,
            "cmd/s",
            true,
            10_000.0,
        ),
        Row::goal(
            &format!("{name}: double-spends"),
            double_spenders.len() as f64,
            "",
            false,
            1.0,
        ),
    ];
    rows.push(Row::studio(
        &format!("{name}: click → answer p50 (as members waited)"),
        wait_p50,
        "ms",
    ));
    rows.push(Row::studio(
        &format!("{name}: click → answer p99 (as members waited)"),
        wait_p99,
        "ms",
    ));
    for (writer, st) in &stopped {
        rows.push(Row::goal(
            &format!("{name}: decision→durable p99 [{writer}]"),
            st.f64("decision_to_durable_p99_ms"),
            "ms",
            false,
            20.0,
        ));
    }
    rows
}

#[tokio::main]
async fn main() {
    let scenario = |standby| Scenario {
        buyers: arg("BENCH_BUYERS", 1000).max(2),
        sellers: arg("BENCH_SELLERS", 20).max(1),
        listings: arg("BENCH_LISTINGS", 100).max(BUYS_PER_BUYER),
        pace: Pace {
            wave: arg("BENCH_WAVE", 100).max(1),
            every: Duration::from_millis(arg("BENCH_WAVE_MS", 10).max(1) as u64),
        },
        seed: arg("BENCH_SEED", 7) as u64,
        standby,
    };
    let mut rows = run(&scenario(false)).await;
    if arg("BENCH_STANDBY", 1) != 0 {
        rows.extend(run(&scenario(true)).await);
    }
    report::print_as(&rows, "commerce");
}
