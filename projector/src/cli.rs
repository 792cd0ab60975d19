//! The command line: what each command takes ([`Cli`]) and what it does ([`run`]).

mod ask;
mod audit;
mod import;
mod preview;
mod undo;

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use studio_schema::{GuildId, ListingId};

/// Studio's projector, and the operators' and auditors' commands.
#[derive(Debug, Parser)]
#[command(name = "projector", version)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Tails the event log into the views (what `projector` alone does).
    Run,
    /// Rebuilds every view from the first event beside the live ones, then swaps them in.
    Replay,
    /// The owner's step before the services start: applies the migrations with `DATABASE_URL` (the
    /// owner's login) and sets each service role's password from `STUDIO_DB_*_PASSWORD`.
    Migrate,
    /// Auditors' commands: they only read, and need only `DATABASE_URL` (a `studio_auditor` login).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Listings' code, kept apart from the log.
    #[command(subcommand)]
    Content(ContentCommand),
    /// What a settings change would change now, before an admin makes it: whose rank would move,
    /// and the last 30 days' taxes, quest rewards and message XP re-decided under the new rules by
    /// folding the log. Writes nothing; needs only a login that can read the log.
    Preview {
        /// The guild's id.
        guild: u64,
        #[command(flatten)]
        change: preview::Change,
    },
    /// Undoes an admin action (credits or XP given or taken, a reputation purge, a settings change,
    /// a tournament result, a dispute decision), as an admin's `/undo` does: the command service
    /// decides it, appends compensating events that name this login, and refuses an undo that
    /// would take a balance below zero. Needs a login granted `studio_operator`. Exits 0 when
    /// undone, 1 when refused, 3 when it could not ask or got no answer within --wait.
    Undo {
        /// The guild's id.
        guild: u64,
        /// The guild_seq of the action's first event (`audit explain` shows it).
        position: i64,
        /// Why, as the log will say.
        #[arg(long)]
        reason: String,
        /// Seconds to wait for the command service's answer.
        #[arg(long, default_value_t = 30)]
        wait: u64,
    },
    /// Imports members' levels from another bot: MEE6's leaderboard JSON, or a CSV of member id,
    /// XP and optionally credits. The command service grants them as one action that names the
    /// file (undo it whole with `projector undo` or `/undo` at its first position). Needs a login
    /// granted `studio_operator`. Exits 0 when imported, 1 when refused, 3 when it could not ask.
    Import {
        /// The guild's id.
        guild: u64,
        /// The file's format.
        #[arg(long, value_enum)]
        format: import::Format,
        /// The file.
        file: PathBuf,
        /// Seconds to wait for the command service's answer.
        #[arg(long, default_value_t = 30)]
        wait: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Proves every guild's ledger and hash chain from the log (or from an export, offline); exits
    /// 1 when anything is wrong.
    Verify {
        /// A chain head kept from an earlier run (`<guild>:<seq>:<hash>`), which must still match.
        #[arg(long = "head", value_name = "GUILD:SEQ:HASH")]
        heads: Vec<String>,
        /// Checks this JSON Lines export instead of the database.
        #[arg(long, value_name = "FILE")]
        export: Option<PathBuf>,
    },
    /// Explains one account's balance event by event.
    Explain {
        guild: u64,
        /// `member:<id>` (or a bare user id), `team:<n>`, `escrow:<n>`, `dispute:<l>:<b>`,
        /// `treasury` or `mint`.
        account: String,
        /// As of this guild_seq, or this time (RFC 3339).
        #[arg(long, value_name = "SEQ|TIME")]
        at: Option<String>,
    },
    /// Lists every account's balance.
    Balances {
        guild: u64,
        /// As of this guild_seq, or this time (RFC 3339).
        #[arg(long, value_name = "SEQ|TIME")]
        at: Option<String>,
    },
    /// The economy report of a guild over a period: money supply, faucets and sinks per week,
    /// velocity, concentration, and fraud flags citing their events. Exits 1 when a flag fired.
    #[command(long_about = REPORT_HELP)]
    Report {
        /// The guild's id.
        guild: u64,
        /// From the first event at or after this guild_seq or time (RFC 3339); default: the first.
        #[arg(long, value_name = "SEQ|TIME")]
        from: Option<projector::report::Bound>,
        /// To the last event at or before this guild_seq or time (RFC 3339); default: the last.
        #[arg(long, value_name = "SEQ|TIME")]
        to: Option<projector::report::Bound>,
        /// Also draws supply, faucets and sinks per week into this SVG file.
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
        /// Prints the report as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Writes a guild's log as JSON Lines that `verify --export` checks offline (or its ledger as
    /// CSV).
    Export {
        guild: u64,
        /// The ledger as CSV (one row per posting) instead of the log.
        #[arg(long)]
        csv: bool,
        /// Writes here (with a progress spinner) instead of the standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// `audit report --help`.
const REPORT_HELP: &str = "\
The economy report of a guild over a period, from the log alone (a studio_auditor login is enough):

- money supply: every credit outside the mint and the treasury (members, teams, escrows, prize pools
  and dispute holds), at the start, at the end and at the end of each week (Monday 00:00 UTC);
- faucets (credits paid out of the mint or the treasury: admin grants, quest rewards, tournament
  prizes, tax refunds, other) and sinks (credits taken into them: marketplace taxes, team fees,
  featured listings, escrow fees, spotlights, team spending, admin revokes, tournament returns), per
  week and in total;
- velocity: member-to-member volume over the average weekly supply;
- concentration of members' balances at the end: the top holder's and the top 10 %'s shares, Gini;
- fraud flags, each citing the guild_seq of the events that tripped it: transfer-ring,
  fresh-account-funded, refund-ring, review-ring, reputation-swap, admin-circle-grant.

Exit status: 0 no flag fired; 1 at least one flag fired; 2 bad arguments; 3 the report could not be
made (configuration, database, a file).";

#[derive(Debug, Subcommand)]
enum ContentCommand {
    /// Erases every version's code of a listing on request (as `studio_commands` or the owner). The
    /// log keeps each version's hash, so it stays whole; buyers are told the code was erased.
    Forget { guild: u64, listing: i64 },
}

/// Runs the command; `Ok(false)` when a check found a problem.
///
/// # Errors
/// The command could not run.
pub async fn run(cli: Cli) -> anyhow::Result<bool> {
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => {
            let (pool, config) = start().await?;
            projector::tail::run(pool, config, studio_schema::shutdown::signal())
                .await
                .context("projector")?;
        }
        Command::Replay => {
            let (pool, config) = start().await?;
            let done = projector::replay::replay(&pool, &config, true)
                .await
                .context("replay")?;
            eprintln!(
                "replayed {} events in {:.2} s; views swapped in",
                done.events, done.seconds
            );
        }
        Command::Migrate => migrate().await?,
        Command::Audit(command) => return audit::run(command).await,
        Command::Preview { guild, change } => return preview::run(guild, change).await,
        Command::Undo {
            guild,
            position,
            reason,
            wait,
        } => return undo::run(guild, position, reason, wait).await,
        Command::Import {
            guild,
            format,
            file,
            wait,
        } => return import::run(guild, format, &file, wait).await,
        Command::Content(ContentCommand::Forget { guild, listing }) => {
            let pool = studio_schema::config::operator_pool(
                " (the command service's login, or the owner's)",
            )
            .await?;
            let (guild, listing) = (GuildId::from_u64(guild), ListingId(listing));
            let erased = studio_schema::content::forget(&pool, guild, listing)
                .await
                .context("erasing")?;
            eprintln!(
                "erased the code of {erased} version(s) of listing #{listing} in guild {guild}"
            );
        }
    }
    Ok(true)
}

async fn start() -> anyhow::Result<(sqlx::PgPool, projector::Config)> {
    let config = projector::Config::from_env().context("configuration")?;
    let pool = projector::connect(&config).await.context("connecting")?;
    Ok((pool, config))
}

async fn migrate() -> anyhow::Result<()> {
    let pool = studio_schema::config::operator_pool(" (the database owner's login)").await?;
    let passwords: Vec<(&str, String)> = studio_schema::migrate::SERVICE_ROLES
        .iter()
        .filter_map(|(_, role, var)| {
            let password = std::env::var(var).ok().filter(|p| !p.is_empty())?;
            Some((*role, password))
        })
        .collect();
    studio_schema::migrate::apply(&pool, &passwords)
        .await
        .context("migrating")?;
    let set: Vec<&str> = passwords.iter().map(|(r, _)| *r).collect();
    eprintln!(
        "migrations applied; passwords set for {}",
        if set.is_empty() {
            "no role".to_owned()
        } else {
            set.join(", ")
        }
    );
    Ok(())
}
