//! `command-service`: decides Studio's commands. Configuration: see the README.

use anyhow::Context;

/// The allocator: glibc's malloc took ~12 % of the services' CPU under the message load, much of it
/// in arena locks and consolidation between the runtime's threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    studio_schema::telemetry::init();
    let config = command_service::Config::from_env().context("configuration")?;
    command_service::run(config, studio_schema::shutdown::signal())
        .await
        .context("command service")
}
