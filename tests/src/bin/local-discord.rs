//! `local-discord`: a Discord for newcomers without a bot token. Serves the gateway and the
//! REST API on fixed loopback ports, plays the "Indie Devs" community once the bot connects,
//! and prints what members do and what the bot answers. A web page lets a newcomer play a member
//! themselves (see [`studio_tests::play`]).
//!
//! Environment: `LOCAL_DISCORD_GATEWAY_PORT` (7878), `LOCAL_DISCORD_API_PORT` (7879),
//! `LOCAL_DISCORD_PLAY_PORT` (7880),
//! `LOCAL_DISCORD_SPEED` (1.0; 2.0 is twice as busy), `LOCAL_DISCORD_TOKEN` (faketoken),
//! `LOCAL_DISCORD_APPLICATION_ID` (100), `RUST_LOG` (warn).

use anyhow::{Context, bail};
use std::{collections::HashMap, env, str::FromStr};
use studio_tests::{
    FakeConfig, FakeDiscord,
    community::{self, GENERAL_ID, GUILD_ID},
    narrator,
    payloads::EVERYONE_PERMISSIONS,
    play,
};

fn var<T: FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    match env::var(name) {
        Ok(value) => value
            .trim()
            .parse()
            .with_context(|| format!("{name}={value:?} is not valid")),
        Err(env::VarError::NotPresent) => Ok(default),
        Err(error) => Err(error).with_context(|| format!("{name} is not valid UTF-8")),
    }
}

/// Ctrl-C, or SIGTERM from a supervising script.
async fn stop_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .context("listening for SIGTERM")?;
        tokio::select! {
            signal = tokio::signal::ctrl_c() => signal.context("waiting for Ctrl-C"),
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let speed: f64 = var("LOCAL_DISCORD_SPEED", 1.0)?;
    if !(speed.is_finite() && speed > 0.0) {
        bail!("LOCAL_DISCORD_SPEED must be a positive number, got {speed}");
    }
    let application_id: u64 = var("LOCAL_DISCORD_APPLICATION_ID", 100)?;
    let (guild, cast) = community::indie_devs();
    let config = FakeConfig {
        token: var("LOCAL_DISCORD_TOKEN", "faketoken".to_owned())?,
        application_id,
        bot_user_id: application_id,
        guilds: vec![guild],
        gateway_port: var("LOCAL_DISCORD_GATEWAY_PORT", 7878)?,
        api_port: var("LOCAL_DISCORD_API_PORT", 7879)?,
        echo_bot_messages: true,
        ..FakeConfig::default()
    };
    let fake = FakeDiscord::start(config)
        .await
        .context("starting local Discord (is another instance using the ports?)")?;
    let play_port: u16 = var("LOCAL_DISCORD_PLAY_PORT", 7880)?;
    let play_listener = tokio::net::TcpListener::bind(("127.0.0.1", play_port))
        .await
        .with_context(|| format!("binding the play page on 127.0.0.1:{play_port}"))?;
    let play_addr = play_listener.local_addr()?;
    // Everyone who is or may become a member, with what their interactions carry.
    let permissions: HashMap<u64, u64> = cast
        .present
        .iter()
        .chain(&cast.outside)
        .map(|m| (m.member.user_id, m.permissions))
        .collect();
    println!("local Discord is running:");
    println!("  gateway  DISCORD_GATEWAY_URL={}", fake.gateway_url);
    println!("  REST     DISCORD_API_HOST={}", fake.api_host);
    println!(
        "  bot      token {:?}, application id {application_id}",
        fake.config().token
    );
    println!("  guild    \"Indie Devs\" {GUILD_ID}, #general {GENERAL_ID}");
    println!("  play     http://{play_addr}/  (pick a member and type /balance)");
    println!("waiting for the bot to connect…");
    tokio::spawn(narrator::narrate(fake.clone()));
    tokio::spawn(play::serve(
        play_listener,
        fake.clone(),
        GUILD_ID,
        GENERAL_ID,
        move |user| {
            permissions
                .get(&user)
                .copied()
                .unwrap_or(EVERYONE_PERMISSIONS)
        },
    ));
    tokio::select! {
        () = community::run(fake.clone(), cast, speed) => {}
        signal = stop_signal() => signal?,
    }
    let violations = fake.violations();
    println!(
        "local Discord stopped: {} REST requests, {} protocol violations",
        fake.requests().len(),
        violations.len()
    );
    for violation in violations {
        println!("  ‼ {violation}");
    }
    Ok(())
}
