//! `projector [run]` tails the log into the views; `projector replay` rebuilds them from the first
//! event and swaps them in.

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    studio_schema::telemetry::init();
    let config = projector::Config::from_env().context("configuration")?;
    let pool = projector::connect(&config).await.context("connecting")?;
    match std::env::args().nth(1).as_deref() {
        None | Some("run") => projector::tail::run(pool, config, studio_schema::shutdown::signal())
            .await
            .context("projector"),
        Some("replay") => {
            let done = projector::replay::replay(&pool, &config, true)
                .await
                .context("replay")?;
            eprintln!(
                "replayed {} events in {:.2} s; views swapped in",
                done.events, done.seconds
            );
            Ok(())
        }
        Some(other) => {
            anyhow::bail!("unknown command {other:?}: use `projector run` or `projector replay`")
        }
    }
}
