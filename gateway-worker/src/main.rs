//! `gateway-worker`: relays Discord gateway dispatches to JetStream. Configuration: see the README.

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    studio_schema::telemetry::init();
    let config = gateway_worker::Config::from_env().context("configuration")?;
    gateway_worker::run(config, studio_schema::shutdown::signal())
        .await
        .context("gateway worker")
}
