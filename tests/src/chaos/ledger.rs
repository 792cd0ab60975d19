//! The ledger and the views at the end of a run: the guild's log has no gap, `projector audit
//! verify` is clean, every balance in the views is the one the ledger implies, and the live views are
//! byte-identical to a `projector replay` (a digest of every view table but the projector's own
//! checkpoint, before and after).

use super::checks::{LAG, triples};
use super::fleet::Fleet;
use super::pg::Postgres;
use super::report::{Check, Report};
use super::world::GUILD;
use anyhow::Result;
use std::time::{Duration, Instant};

/// The log has no gap; the audit is clean; balances in the views are the ledger's.
pub async fn ledger(pg: &Postgres, fleet: &Fleet, report: &mut Report) -> Result<()> {
    let rows = triples(
        pg,
        &format!("SELECT 'g', count(*), coalesce(max(guild_seq), 0) FROM event_log WHERE guild_id = {GUILD}"),
    )
    .await?;
    let (count, max) = rows.first().map_or((0, 0), |r| (r.1, r.2));
    report.checks.push(Check::new(
        "the guild's log has no gap",
        count == max,
        format!("{count} events, last seq {max}"),
    ));
    let (ok, out) = fleet.run_once("projector", &["audit", "verify"]).await?;
    let last = out
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no output");
    report.checks.push(Check::new(
        "projector audit verify",
        ok,
        last.trim().to_owned(),
    ));
    let off = pg
        .scalar(
            "SELECT count(*) FROM ledger_balances l FULL JOIN views.accounts a
               ON a.guild_id = l.guild_id AND a.account = l.account
             WHERE coalesce(l.balance, 0) <> coalesce(a.balance, 0)",
        )
        .await?;
    let accounts = pg.scalar("SELECT count(*) FROM ledger_balances").await?;
    report.checks.push(Check::new(
        "balances equal what the ledger implies",
        off == 0,
        format!("{off} of {accounts} accounts differ between views.accounts and the ledger"),
    ));
    Ok(())
}

/// A digest of every view table but the projector's own checkpoint.
async fn digest(pg: &Postgres) -> Result<String> {
    let tables = pg
        .query(
            "SELECT table_name FROM information_schema.tables
             WHERE table_schema = 'views' AND table_type = 'BASE TABLE' AND table_name <> 'checkpoint'
             ORDER BY 1",
        )
        .await?;
    let mut out = String::new();
    for t in tables.iter().filter_map(|r| r.first()) {
        let rows = pg
            .query(&format!(
                "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM views.\"{t}\" t"
            ))
            .await?;
        let d = rows
            .first()
            .and_then(|r| r.first())
            .cloned()
            .unwrap_or_default();
        out.push_str(&format!("{t}={d} "));
    }
    Ok(out)
}

/// Views byte-identical before and after `projector replay`.
pub async fn replay(pg: &Postgres, fleet: &Fleet, report: &mut Report) -> Result<()> {
    let live = digest(pg).await?;
    let (ok, out) = fleet.run_once("projector", &["replay"]).await?;
    if !ok {
        report.checks.push(Check::new(
            "live views equal a replay",
            false,
            format!("replay failed: {out}"),
        ));
        return Ok(());
    }
    // The running projector catches up with the swapped-in views (nothing new is appended).
    let started = Instant::now();
    while pg.scalar(LAG).await.unwrap_or(1) != 0 && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let replayed = digest(pg).await?;
    let differ: Vec<&str> = live
        .split(' ')
        .zip(replayed.split(' '))
        .filter(|(a, b)| a != b)
        .filter_map(|(a, _)| a.split('=').next())
        .collect();
    report.checks.push(Check::new(
        "live views byte-identical to a replay",
        live == replayed,
        if live == replayed {
            "every view table equal".to_owned()
        } else {
            format!("differ: {}", differ.join(", "))
        },
    ));
    Ok(())
}
