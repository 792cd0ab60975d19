//! `command-service`: decides Studio's commands. Configuration: see the README.

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    studio_schema::telemetry::init();
    let config = command_service::Config::from_env().context("configuration")?;
    command_service::run(config, studio_schema::shutdown::signal())
        .await
        .context("command service")
}
