//! `projector [run]` tails the log into the views; `projector replay` rebuilds them from the first
//! event and swaps them in; `projector migrate` is the owner's step before the services start;
//! `projector audit verify` proves every guild's ledger and hash chain from the log,
//! `projector audit explain <guild_id> <account> [--at …]` explains one account's balance and
//! `projector audit balances <guild_id> [--at …]` lists every balance, as of any moment.

use anyhow::Context;
use std::process::ExitCode;
use studio_schema::GuildId;

const USAGE: &str = "use `projector run`, `projector replay`, `projector migrate`, \
                     `projector audit verify [--head <guild>:<seq>:<hex>]…` or \
                     `projector audit explain <guild_id> <account> [--at <seq|time>]` or \
                     `projector audit balances <guild_id> [--at <seq|time>]`, \
                     `projector audit export <guild_id> [--csv] [--out <file>]` or \
                     `projector audit verify --export <file> [--head …]`";

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    studio_schema::telemetry::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["audit", rest @ ..] => audit(rest).await,
        [] | ["run"] => {
            let (pool, config) = start().await?;
            projector::tail::run(pool, config, studio_schema::shutdown::signal())
                .await
                .context("projector")?;
            Ok(ExitCode::SUCCESS)
        }
        ["replay"] => {
            let (pool, config) = start().await?;
            let done = projector::replay::replay(&pool, &config, true)
                .await
                .context("replay")?;
            eprintln!(
                "replayed {} events in {:.2} s; views swapped in",
                done.events, done.seconds
            );
            Ok(ExitCode::SUCCESS)
        }
        ["migrate"] => migrate().await,
        other => anyhow::bail!("unknown command {:?}: {USAGE}", other.join(" ")),
    }
}

/// The owner's step before the services start: applies the migrations with `DATABASE_URL` (the
/// owner's login) and sets each service role's password from its `STUDIO_DB_*_PASSWORD`.
async fn migrate() -> anyhow::Result<ExitCode> {
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
    eprintln!(
        "migrations applied; passwords set for {}",
        if passwords.is_empty() {
            "no role".to_owned()
        } else {
            passwords
                .iter()
                .map(|(r, _)| *r)
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    Ok(ExitCode::SUCCESS)
}

async fn start() -> anyhow::Result<(sqlx::PgPool, projector::Config)> {
    let config = projector::Config::from_env().context("configuration")?;
    let pool = projector::connect(&config).await.context("connecting")?;
    Ok((pool, config))
}

fn guild_id(text: &str) -> anyhow::Result<GuildId> {
    Ok(GuildId::from_u64(text.parse().with_context(|| {
        format!("guild id {text:?} is not a number")
    })?))
}

/// `[--at <guild_seq | RFC 3339 time>]`: the moment an answer is as of (`None`: now).
async fn moment(pool: &sqlx::PgPool, guild: GuildId, args: &[&str]) -> anyhow::Result<Option<i64>> {
    match args {
        [] => Ok(None),
        ["--at", at] => Ok(Some(projector::audit::resolve_at(pool, guild, at).await?)),
        other => anyhow::bail!("unknown arguments {:?}: {USAGE}", other.join(" ")),
    }
}

/// `verify`'s arguments: `--head <guild>:<seq>:<hex>`, any number of times.
fn heads_to_compare(args: &[&str]) -> anyhow::Result<Vec<(GuildId, i64, Vec<u8>)>> {
    let mut heads = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match (*arg, args.next()) {
            ("--head", Some(head)) => {
                heads.push(projector::audit::parse_head(head).map_err(anyhow::Error::msg)?);
            }
            _ => anyhow::bail!("unknown verify argument {arg:?}: {USAGE}"),
        }
    }
    Ok(heads)
}

/// The auditor's commands: they need only `DATABASE_URL`, and only read. `verify` fails (exit
/// status 1) when the ledger is not sound.
async fn audit(args: &[&str]) -> anyhow::Result<ExitCode> {
    let url = || {
        studio_schema::config::required(
            "DATABASE_URL",
            " (a login that can read event_log and the views, e.g. one in studio_auditor)",
        )
        .context("configuration")
    };
    match args {
        ["verify", "--export", file, heads @ ..] => {
            let heads: Vec<(i64, Vec<u8>)> = heads_to_compare(heads)?
                .into_iter()
                .map(|(_, seq, hash)| (seq, hash))
                .collect();
            let input = std::fs::File::open(file).with_context(|| format!("opening {file}"))?;
            let checked = projector::export::verify(std::io::BufReader::new(input), heads);
            print!("{}", projector::audit::render_audit(&checked.audit));
            print!("{}", projector::audit::render_chain(&checked.chain));
            for problem in &checked.problems {
                println!("  PROBLEM: {problem}");
            }
            if checked.sound() {
                println!("export {file}: whole, and the ledger in it is sound");
                Ok(ExitCode::SUCCESS)
            } else {
                println!("export {file}: NOT sound");
                Ok(ExitCode::FAILURE)
            }
        }
        ["export", guild, rest @ ..] => {
            let guild = guild_id(guild)?;
            let (csv, out) = match rest {
                [] => (false, None),
                ["--csv"] => (true, None),
                ["--out", file] => (false, Some(*file)),
                ["--csv", "--out", file] => (true, Some(*file)),
                other => anyhow::bail!("unknown export arguments {:?}: {USAGE}", other.join(" ")),
            };
            let pool = projector::connect_read_only(&url()?)
                .await
                .context("connecting")?;
            let mut sink: Box<dyn std::io::Write> = match out {
                Some(file) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(file).with_context(|| format!("creating {file}"))?,
                )),
                None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            };
            let bar = if out.is_some() {
                indicatif::ProgressBar::new_spinner().with_message("events exported")
            } else {
                indicatif::ProgressBar::hidden()
            };
            let trailer = if csv {
                projector::export::ledger_csv(&pool, guild, &mut sink).await
            } else {
                projector::export::jsonl(&pool, guild, &mut sink, |n| bar.set_position(n)).await
            }
            .context("export")?;
            sink.flush().context("writing the export")?;
            bar.finish_and_clear();
            pool.close().await;
            eprintln!(
                "exported {} events of guild {guild}; chain head {guild}:{}:{}",
                trailer.events, trailer.head_seq, trailer.head
            );
            Ok(ExitCode::SUCCESS)
        }
        ["verify", heads @ ..] => {
            let heads = heads_to_compare(heads)?;
            let pool = projector::connect_read_only(&url()?)
                .await
                .context("connecting")?;
            let audits = projector::audit::verify(&pool).await.context("audit")?;
            let mut chains_sound = true;
            for a in &audits {
                print!("{}", projector::audit::render_audit(a));
                let kept: Vec<(i64, Vec<u8>)> = heads
                    .iter()
                    .filter(|(g, _, _)| *g == a.guild)
                    .map(|(_, seq, hash)| (*seq, hash.clone()))
                    .collect();
                let chain = projector::audit::verify_chain(&pool, a.guild, kept)
                    .await
                    .context("chain")?;
                print!("{}", projector::audit::render_chain(&chain));
                chains_sound &= chain.sound();
            }
            let violations: usize = audits.iter().map(|a| a.violations.len()).sum();
            let lost = projector::audit::intake_findings(&pool).await;
            pool.close().await;
            if lost > 0 {
                println!(
                    "FINDING: {lost} stretches of the gateway stream were gone (retention) before \
                     the command service applied them: dispatches in them were never applied"
                );
            }
            if projector::audit::sound(&audits) && chains_sound && lost == 0 {
                println!("{} guilds audited: the ledger is sound", audits.len());
                Ok(ExitCode::SUCCESS)
            } else {
                println!(
                    "{} guilds audited: {violations} violations; the ledger is NOT sound",
                    audits.len()
                );
                Ok(ExitCode::FAILURE)
            }
        }
        ["explain", guild, account, at @ ..] => {
            let guild = guild_id(guild)?;
            let account = projector::audit::parse_account(account)?;
            let pool = projector::connect_read_only(&url()?)
                .await
                .context("connecting")?;
            let at = moment(&pool, guild, at).await?;
            let statement = projector::audit::explain(&pool, guild, account, at)
                .await
                .context("explain")?;
            print!(
                "{}",
                projector::audit::render_statement(guild, account, &statement)
            );
            if let Some(seq) = at {
                println!("as of guild_seq {seq}");
            } else {
                let view = projector::audit::view_balance(&pool, guild, account)
                    .await
                    .context("reading views.accounts")?;
                println!("{}", projector::audit::render_cross_check(view, &statement));
            }
            pool.close().await;
            Ok(ExitCode::SUCCESS)
        }
        ["balances", guild, at @ ..] => {
            let guild = guild_id(guild)?;
            let pool = projector::connect_read_only(&url()?)
                .await
                .context("connecting")?;
            let at = moment(&pool, guild, at).await?.unwrap_or(i64::MAX);
            let audit = projector::audit::balances_at(&pool, guild, at)
                .await
                .context("balances")?;
            print!("{}", projector::audit::render_balances(&audit));
            pool.close().await;
            Ok(ExitCode::SUCCESS)
        }
        _ => anyhow::bail!("unknown audit command {:?}: {USAGE}", args.join(" ")),
    }
}
