//! `projector preview`: what a settings change would change now, from the log alone (any login
//! that can read `event_log`, e.g. a `studio_auditor` one). Writes nothing.

use super::audit::connect;
use anyhow::Context;
use clap::Args;
use projector::audit;
use studio_model::preview;
use studio_model::rank::Thresholds;
use studio_schema::GuildId;
use studio_schema::settings::SettingsChange;

/// The change to preview: the same rules `/settings` changes, each optional.
#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct Change {
    /// Marketplace tax in percent for Beginner, Learner, Expert and Master sellers.
    #[arg(long, value_name = "B,L,E,M", value_parser = list::<4>)]
    tax: Option<[i64; 4]>,
    /// Credits an easy, a medium and a hard daily quest pay.
    #[arg(long, value_name = "E,M,H", value_parser = list::<3>)]
    quest_rewards: Option<[i64; 3]>,
    /// Months in the server for the Learner, Expert and Master ranks.
    #[arg(long, value_name = "L,E,M", value_parser = list::<3>)]
    ranks: Option<[i64; 3]>,
    /// XP a rewarded message earns.
    #[arg(long, value_name = "N")]
    message_xp: Option<i64>,
    /// Seconds between two rewarded messages of a member.
    #[arg(long, value_name = "SECONDS")]
    cooldown: Option<i64>,
}

/// `a,b,c` as `N` integers.
fn list<const N: usize>(raw: &str) -> Result<[i64; N], String> {
    let values: Vec<i64> = raw
        .split(',')
        .map(|v| v.trim().parse::<i64>().map_err(|e| format!("{v:?}: {e}")))
        .collect::<Result<_, _>>()?;
    values
        .try_into()
        .map_err(|v: Vec<i64>| format!("{N} comma-separated numbers, not {}", v.len()))
}

/// Prints the preview of `change` in `guild` as of now.
///
/// # Errors
/// The ranks do not rise, or the log could not be read.
pub async fn run(guild: u64, change: Change) -> anyhow::Result<bool> {
    let change = SettingsChange {
        tax_percent: change.tax,
        quest_rewards: change.quest_rewards,
        rank_months: change.ranks,
        message_xp: change.message_xp,
        xp_cooldown_secs: change.cooldown,
        ..SettingsChange::default()
    };
    if let Some(months) = change.rank_months {
        anyhow::ensure!(
            Thresholds(months).rising(),
            "each rank needs more months than the one below it"
        );
    }
    let guild = GuildId::from_u64(guild);
    let pool = connect().await?;
    let events = audit::logged_events(&pool, guild, None)
        .await
        .context("reading the log")?;
    pool.close().await;
    let now = chrono::Utc::now();
    let p = preview::preview(events.iter().map(|e| (e.at, &e.event)), &change, now);
    println!("Preview for guild {guild} as of {now} (nothing is written):");
    print!("{}", preview::text(&p, &|m| format!("member {m}")));
    Ok(true)
}
