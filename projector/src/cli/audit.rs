//! The auditors' commands: read-only, from the log (or an export) alone.

use super::AuditCommand;
use anyhow::Context;
use projector::audit;
use sqlx::PgPool;
use std::io::Write as _;
use std::path::Path;
use studio_schema::GuildId;

/// Runs an audit command; `Ok(false)` when a check found a problem.
///
/// # Errors
/// The command could not run.
pub async fn run(command: AuditCommand) -> anyhow::Result<bool> {
    match command {
        AuditCommand::Verify {
            heads,
            export: Some(file),
        } => verify_export(&file, &heads),
        AuditCommand::Verify {
            heads,
            export: None,
        } => verify(&heads).await,
        AuditCommand::Explain { guild, account, at } => {
            let guild = GuildId::from_u64(guild);
            let account = audit::parse_account(&account)?;
            let pool = connect().await?;
            let at = moment(&pool, guild, at.as_deref()).await?;
            let statement = audit::explain(&pool, guild, account, at)
                .await
                .context("explain")?;
            print!("{}", audit::render_statement(guild, account, &statement));
            if let Some(seq) = at {
                println!("as of guild_seq {seq}");
            } else {
                let view = audit::view_balance(&pool, guild, account)
                    .await
                    .context("reading views.accounts")?;
                println!("{}", audit::render_cross_check(view, &statement));
            }
            pool.close().await;
            Ok(true)
        }
        AuditCommand::Balances { guild, at } => {
            let guild = GuildId::from_u64(guild);
            let pool = connect().await?;
            let at = moment(&pool, guild, at.as_deref())
                .await?
                .unwrap_or(i64::MAX);
            let ledger = audit::balances_at(&pool, guild, at)
                .await
                .context("balances")?;
            print!("{}", audit::render_balances(&ledger));
            pool.close().await;
            Ok(true)
        }
        AuditCommand::Report {
            guild,
            from,
            to,
            svg,
            json,
        } => {
            report(
                GuildId::from_u64(guild),
                projector::report::Period { from, to },
                svg.as_deref(),
                json,
            )
            .await
        }
        AuditCommand::Export { guild, csv, out } => {
            export(GuildId::from_u64(guild), csv, out.as_deref()).await
        }
    }
}

/// A read-only connection to `DATABASE_URL`.
pub(super) async fn connect() -> anyhow::Result<PgPool> {
    let url = studio_schema::config::required(
        "DATABASE_URL",
        " (a login that can read event_log and the views, e.g. one in studio_auditor)",
    )
    .context("configuration")?;
    projector::connect_read_only(&url)
        .await
        .context("connecting")
}

/// `--at <guild_seq | RFC 3339 time>`: the moment an answer is as of (`None`: now).
async fn moment(pool: &PgPool, guild: GuildId, at: Option<&str>) -> anyhow::Result<Option<i64>> {
    match at {
        None => Ok(None),
        Some(at) => Ok(Some(audit::resolve_at(pool, guild, at).await?)),
    }
}

/// `--head <guild>:<seq>:<hash>` arguments.
fn heads(args: &[String]) -> anyhow::Result<Vec<(GuildId, i64, Vec<u8>)>> {
    args.iter()
        .map(|h| audit::parse_head(h).map_err(anyhow::Error::msg))
        .collect()
}

async fn verify(kept: &[String]) -> anyhow::Result<bool> {
    let kept = heads(kept)?;
    let pool = connect().await?;
    let audits = audit::verify(&pool).await.context("audit")?;
    let mut chains_sound = true;
    for a in &audits {
        print!("{}", audit::render_audit(a));
        let mine: Vec<(i64, Vec<u8>)> = kept
            .iter()
            .filter(|(g, _, _)| *g == a.guild)
            .map(|(_, seq, hash)| (*seq, hash.clone()))
            .collect();
        let chain = audit::verify_chain(&pool, a.guild, mine)
            .await
            .context("chain")?;
        print!("{}", audit::render_chain(&chain));
        chains_sound &= chain.sound();
    }
    let violations: usize = audits.iter().map(|a| a.violations.len()).sum();
    let lost = audit::intake_findings(&pool).await;
    let snapshots = projector::snapshots::verify(&pool)
        .await
        .context("snapshots")?;
    print!("{}", projector::snapshots::render(&snapshots));
    let snapshots_sound = snapshots.iter().all(|c| c.finding.sound());
    pool.close().await;
    if lost > 0 {
        println!(
            "FINDING: {lost} stretches of the gateway stream were gone (retention) before \
             the command service applied them: dispatches in them were never applied"
        );
    }
    let sound = audit::sound(&audits) && chains_sound && lost == 0 && snapshots_sound;
    if sound {
        println!("{} guilds audited: the ledger is sound", audits.len());
    } else {
        println!(
            "{} guilds audited: {violations} violations; the ledger is NOT sound",
            audits.len()
        );
    }
    Ok(sound)
}

fn verify_export(file: &Path, kept: &[String]) -> anyhow::Result<bool> {
    let kept: Vec<(i64, Vec<u8>)> = heads(kept)?
        .into_iter()
        .map(|(_, seq, hash)| (seq, hash))
        .collect();
    let input = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let checked = projector::export::verify(std::io::BufReader::new(input), kept);
    print!("{}", audit::render_audit(&checked.audit));
    print!("{}", audit::render_chain(&checked.chain));
    for problem in &checked.problems {
        println!("  PROBLEM: {problem}");
    }
    let sound = checked.sound();
    println!(
        "export {}: {}",
        file.display(),
        if sound {
            "whole, and the ledger in it is sound"
        } else {
            "NOT sound"
        }
    );
    Ok(sound)
}

async fn export(guild: GuildId, csv: bool, out: Option<&Path>) -> anyhow::Result<bool> {
    let pool = connect().await?;
    let mut sink: Box<dyn std::io::Write> = match out {
        Some(file) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(file).with_context(|| format!("creating {}", file.display()))?,
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
    Ok(true)
}

/// `audit report`: `Ok(false)` when a fraud flag fired.
async fn report(
    guild: GuildId,
    period: projector::report::Period,
    svg: Option<&Path>,
    json: bool,
) -> anyhow::Result<bool> {
    let pool = connect().await?;
    let until = match period.to {
        Some(projector::report::Bound::Seq(seq)) => Some(seq),
        _ => None,
    };
    let events = audit::logged_events(&pool, guild, until)
        .await
        .context("reading the log")?;
    pool.close().await;
    let report = projector::report::analyze(guild, &events, period);
    if let Some(file) = svg {
        let title = format!("Guild {guild}: supply, faucets and sinks per week");
        std::fs::write(file, projector::report::chart::svg(&title, &report.money))
            .with_context(|| format!("writing {}", file.display()))?;
        eprintln!("chart written to {}", file.display());
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).context("encoding the report")?
        );
    } else {
        print!("{}", projector::report::render::text(&report));
    }
    Ok(report.flags.is_empty())
}
