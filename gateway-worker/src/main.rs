//! `gateway-worker`: relays Discord gateway dispatches to JetStream. Configuration: see the README.

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    studio_schema::telemetry::init();
    let config = gateway_worker::Config::from_env().context("configuration")?;
    gateway_worker::run(config, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("gateway worker")
}
