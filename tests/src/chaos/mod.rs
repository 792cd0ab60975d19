//! The chaos program (issue 9, "How it must be shown"): one guild driven through the real
//! binaries (`gateway-worker`, `command-service`, `projector`) and the local Discord with messages,
//! `/pay`, Buy clicks and team deposits, while its processes are SIGKILLed and restarted at random
//! moments and its own Postgres and NATS are restarted once each. At the end it checks, from the
//! outside only (the log, the views, `projector audit verify`, `projector replay` and what Discord
//! recorded), that nothing was lost, doubled or left untold, and returns a [`Report`].
//!
//! Loopback only, bounded in time. Postgres and NATS are private to the run (a temp folder, free
//! ports), so restarting them disturbs nothing else. Run it with `scripts/chaos [--short]`; the
//! test suite runs [`Settings::short`] (tests/tests/chaos.rs).
//!
//! Files: [`pg`] and [`nats`] own the private servers, [`fleet`] the three processes, [`world`]
//! the guild and its members' actions, [`setup`] the guild before the chaos, [`drive`] the load
//! and the disruptions, [`answers`] what Discord shows each member, [`checks`] the end checks on
//! commands, [`sides`] on side-effect DMs, [`ledger`] on the ledger and views, and [`report`] the
//! table.

pub mod answers;
pub mod checks;
pub mod drive;
pub mod fleet;
pub mod ledger;
pub mod nats;
pub mod pg;
pub mod report;
pub mod setup;
pub mod sides;
pub mod world;

pub use report::Report;

use anyhow::{Context, Result};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::Duration;

/// How a run goes.
#[derive(Clone, Debug)]
pub struct Settings {
    pub name: String,
    pub load: drive::Load,
    /// Members acting in the guild.
    pub members: usize,
    /// Listings up for sale.
    pub listings: usize,
    /// How long nothing may move before the end counts as quiet.
    pub quiet: Duration,
    /// How long the end may take to go quiet.
    pub settle_limit: Duration,
    /// JetStream's ack wait for the command service (`STUDIO_ACK_WAIT_SECS`): short, so that
    /// redeliveries of the current intake happen inside the quiet period.
    pub ack_wait_secs: u64,
    /// Where the service binaries are (see [`fleet::find_bin_dir`]).
    pub bin_dir: Option<PathBuf>,
    /// Keep the run's folder (logs, data) even when it passed.
    pub keep: bool,
}

impl Settings {
    /// The full run: about five and a half minutes of load, 100 kills.
    pub fn full() -> Settings {
        Settings {
            name: "full".into(),
            load: drive::Load {
                duration: Duration::from_secs(330),
                wave: 16,
                every: Duration::from_secs(2),
                kills: 100,
                max_down: Duration::from_millis(1_200),
                restart_postgres: true,
                restart_nats: true,
                seed: 7,
            },
            members: 8,
            listings: 40,
            quiet: Duration::from_secs(10),
            settle_limit: Duration::from_secs(120),
            ack_wait_secs: 5,
            bin_dir: None,
            keep: false,
        }
    }

    /// The short run for CI: 40 s of load, 10 kills, one Postgres and one NATS restart.
    pub fn short() -> Settings {
        let full = Settings::full();
        Settings {
            name: "short".into(),
            load: drive::Load {
                duration: Duration::from_secs(40),
                kills: 10,
                ..full.load
            },
            members: 6,
            listings: 12,
            settle_limit: Duration::from_secs(60),
            ..full
        }
    }
}

/// A fresh folder for the run's servers and logs (readable by the `postgres` user).
fn run_folder() -> Result<PathBuf> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("studio-chaos-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&dir).context("creating the run's folder")?;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))
        .context("opening the run's folder")?;
    Ok(dir)
}

/// A free TCP port on 127.0.0.1 (free when asked; the server binds it right after).
fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).context("finding a free port")?;
    Ok(listener.local_addr().context("finding a free port")?.port())
}

/// Runs the chaos program with `settings`; its report (check [`Report::passed`]).
///
/// # Errors
/// The run could not be set up (servers, binaries, the guild); a failed check is in the report.
pub async fn run(settings: Settings) -> Result<Report> {
    let bin_dir = match &settings.bin_dir {
        Some(dir) => dir.clone(),
        None => fleet::find_bin_dir()?,
    };
    let folder = run_folder()?;
    eprintln!("[chaos] run folder {}", folder.display());
    let pg = pg::Postgres::create(&folder, free_port()?)?;
    let mut nats = nats::Nats::start(&folder, free_port()?).await?;
    let mut world = world::World::start(settings.members).await?;
    let env: Vec<(String, String)> = [
        ("DATABASE_URL", pg.url()),
        ("NATS_URL", nats.url()),
        ("STUDIO_NATS_PREFIX", "chaos".to_owned()),
        ("DISCORD_TOKEN", "faketoken".to_owned()),
        ("DISCORD_GATEWAY_URL", world.discord.gateway_url.clone()),
        ("DISCORD_API_HOST", world.discord.api_host.clone()),
        ("DISCORD_APPLICATION_ID", "100".to_owned()),
        ("STUDIO_CONTENT_KEY", "chaos-content-key".to_owned()),
        ("STUDIO_ACK_WAIT_SECS", settings.ack_wait_secs.to_string()),
        ("STUDIO_PROJECTOR_POLL_MS", "250".to_owned()),
        ("STUDIO_WEB_ADDR", "off".to_owned()),
        (
            "RUST_LOG",
            std::env::var("CHAOS_RUST_LOG").unwrap_or_else(|_| "info".to_owned()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let mut fleet = fleet::Fleet::new(&bin_dir, &folder.join("logs"), env, nats.users().clone())?;
    fleet.start_all()?;
    eprintln!("[chaos] setting up the guild");
    setup::prepare(&mut world, &pg, settings.listings).await?;

    eprintln!(
        "[chaos] driving for {} s with {} kills",
        settings.load.duration.as_secs(),
        settings.load.kills
    );
    let (sent, disruptions) =
        drive::drive(&world, &mut fleet, &pg, &mut nats, &settings.load).await;
    eprintln!("[chaos] load over; waiting for quiet");
    let mut report = Report {
        name: settings.name.clone(),
        seed: settings.load.seed,
        load: settings.load.duration,
        postgres_restarts: disruptions.postgres_restarts,
        nats_restarts: disruptions.nats_restarts,
        errors: disruptions.errors,
        folder: folder.clone(),
        ..Report::default()
    };
    for s in &sent {
        match s.kind {
            drive::Kind::Message { .. } => report.sent.messages += 1,
            drive::Kind::Pay { .. } => report.sent.pays += 1,
            drive::Kind::Buy { .. } => report.sent.buys += 1,
            drive::Kind::Deposit { .. } => report.sent.deposits += 1,
        }
    }
    report.settled_in = checks::settle(
        &pg,
        &world,
        &mut fleet,
        settings.quiet,
        settings.settle_limit,
    )
    .await;
    report.kills = fleet.kills();
    report.exits = fleet.exits();
    eprintln!("[chaos] checking");
    checks::xp(&pg, &world, &sent, &mut report).await?;
    checks::interactions(&pg, &world, &sent, &mut report).await?;
    ledger::ledger(&pg, &fleet, &mut report).await?;
    ledger::replay(&pg, &fleet, &mut report).await?;
    report.checks.push(report::Check::new(
        "the end went quiet",
        report.settled_in.is_some(),
        format!("within {} s", settings.settle_limit.as_secs()),
    ));
    fleet.stop_all().await;
    drop(nats);
    drop(pg);
    if report.passed() && !settings.keep {
        let _ = std::fs::remove_dir_all(&folder);
    }
    Ok(report)
}
