//! `gateway-worker`: relays Discord gateway dispatches to JetStream. Configuration: see the README.

use anyhow::Context;

/// The allocator: glibc's malloc took ~12 % of the services' CPU under the message load, much of it
/// in arena locks and consolidation between the runtime's threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    studio_schema::telemetry::init();
    let config = gateway_worker::Config::from_env().context("configuration")?;
    gateway_worker::run(config, studio_schema::shutdown::signal())
        .await
        .context("gateway worker")
}
