//! `command-service [run]` decides Studio's commands (configuration: see the README);
//! `command-service forget-code <guild_id> <listing_id>` erases a listing's code on request.

use anyhow::Context;
use studio_schema::{GuildId, ListingId};

const USAGE: &str =
    "use `command-service [run]` or `command-service forget-code <guild_id> <listing_id>`";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    studio_schema::telemetry::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["run"] => {
            let config = command_service::Config::from_env().context("configuration")?;
            command_service::run(config, studio_schema::shutdown::signal())
                .await
                .context("command service")
        }
        ["forget-code", guild, listing] => forget(guild, listing).await,
        other => anyhow::bail!("unknown command {:?}: {USAGE}", other.join(" ")),
    }
}

/// Erases the code of every version of a listing (a seller's or a member's request to have it
/// deleted). The log keeps each version's hash, so it stays whole and still proves what was sold;
/// buyers who ask for the code are told it was erased.
async fn forget(guild: &str, listing: &str) -> anyhow::Result<()> {
    let guild = GuildId(guild.parse().context("guild_id: a number")?);
    let listing = ListingId(listing.parse().context("listing_id: a number")?);
    let pool =
        studio_schema::config::operator_pool(" (the command service's login, or the owner's)")
            .await?;
    let erased = studio_schema::content::forget(&pool, guild, listing)
        .await
        .context("erasing")?;
    eprintln!("erased the code of {erased} version(s) of listing #{listing} in guild {guild}");
    Ok(())
}
