//! The end of a run: wait until nothing moves any more, then hold what was sent against the log,
//! the views and what Discord recorded — XP per message, each credit movement once, every answer
//! backed by the log and every applied command told, the ledger audit, and views equal to a replay.
//! Every number goes into the [`Report`].

use super::answers::{self, Asked, Told};
use super::drive::{Kind, MESSAGE_XP, Sent};
use super::fleet::Fleet;
use super::pg::Postgres;
use super::report::{Check, Report, XpRow};
use super::world::{GUILD, World};
use anyhow::Result;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Events behind the views (0 when caught up).
const LAG: &str = "SELECT coalesce(sum(h.last_seq - coalesce(c.last_seq, 0)), 0)::bigint
                   FROM guild_heads h LEFT JOIN views.guild_checkpoints c USING (guild_id)";

/// Waits until the log, the views and Discord's records have not moved for `quiet` (restarting
/// processes that exit meanwhile); how long that took, or `None` after `limit`.
pub async fn settle(
    pg: &Postgres,
    world: &World,
    fleet: &mut Fleet,
    quiet: Duration,
    limit: Duration,
) -> Option<Duration> {
    let started = Instant::now();
    let mut last = None;
    let mut since = Instant::now();
    while started.elapsed() < limit {
        let _ = fleet.revive();
        let _ = fleet.start_all();
        let events = pg.scalar("SELECT count(*) FROM event_log").await.ok();
        let lag = pg.scalar(LAG).await.ok();
        let now = (events, lag, world.discord.requests().len());
        if last.as_ref() != Some(&now) || lag != Some(0) {
            last = Some(now);
            since = Instant::now();
        } else if since.elapsed() >= quiet {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    None
}

/// Rows of `sql` as (key, number, number) triples; missing numbers read as 0.
async fn triples(pg: &Postgres, sql: &str) -> Result<Vec<(String, i64, i64)>> {
    Ok(pg
        .query(sql)
        .await?
        .into_iter()
        .map(|r| {
            let n = |i: usize| r.get(i).and_then(|v| v.parse().ok()).unwrap_or(0);
            (r.first().cloned().unwrap_or_default(), n(1), n(2))
        })
        .collect())
}

/// Every message earned exactly its 5 XP, once; XP per member in the log and the views.
pub async fn xp(pg: &Postgres, world: &World, sent: &[Sent], report: &mut Report) -> Result<()> {
    let posted: HashMap<String, (i64, i64)> = triples(
        pg,
        &format!(
            "SELECT payload->>'message', count(*), max((payload->>'xp')::bigint) FROM event_log
             WHERE guild_id = {GUILD} AND event_type = 'MessagePosted' GROUP BY 1"
        ),
    )
    .await?
    .into_iter()
    .map(|(k, c, x)| (k, (c, x)))
    .collect();
    let mut per_member = vec![0usize; world.members.len()];
    for s in sent {
        let Kind::Message { author } = s.kind else {
            continue;
        };
        per_member[author] += 1;
        match posted.get(&s.id.to_string()) {
            None => {
                report.lost += 1;
                report.example(format!(
                    "message {} of member{author}: never recorded",
                    s.id
                ));
            }
            Some((count, xp)) => {
                if *count > 1 {
                    report.doubled += 1;
                    report.example(format!("message {}: recorded {count} times", s.id));
                }
                if *xp < MESSAGE_XP {
                    report.lost += 1;
                    report.example(format!(
                        "message {} of member{author}: earned {xp} XP, deserved {MESSAGE_XP}",
                        s.id
                    ));
                }
            }
        }
    }
    let log: HashMap<String, i64> = triples(
        pg,
        &format!(
            "SELECT payload->>'member', sum((payload->>'xp')::bigint), 0 FROM event_log
             WHERE guild_id = {GUILD} AND event_type = 'MessagePosted' GROUP BY 1"
        ),
    )
    .await?
    .into_iter()
    .map(|(k, x, _)| (k, x))
    .collect();
    let views: HashMap<String, i64> = triples(
        pg,
        &format!("SELECT user_id, message_xp, 0 FROM views.members WHERE guild_id = {GUILD}"),
    )
    .await?
    .into_iter()
    .map(|(k, x, _)| (k, x))
    .collect();
    let mut exact = true;
    for (i, m) in world.members.iter().enumerate() {
        let key = m.user_id.to_string();
        let row = XpRow {
            member: m.username.clone(),
            messages: per_member[i],
            expected: per_member[i] as i64 * MESSAGE_XP,
            log: log.get(&key).copied().unwrap_or(0),
            views: views.get(&key).copied().unwrap_or(0),
        };
        exact &= row.expected == row.log && row.expected == row.views;
        report.xp.push(row);
    }
    let wrong = report.xp.iter().filter(|r| r.expected != r.log).count();
    report.checks.push(Check::new(
        "XP exactly as the messages deserve",
        exact,
        format!("{wrong} of {} members off in the log", report.xp.len()),
    ));
    Ok(())
}

/// The credit event a command of `kind` makes when it succeeds.
fn effect(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Pay { .. } => Some("CreditsTransferred"),
        Kind::Buy { .. } => Some("ListingPurchased"),
        Kind::Deposit { .. } => Some("TeamWalletMoved"),
        Kind::Message { .. } => None,
    }
}

/// Each interaction: applied once if decided, answered once, told if applied.
pub async fn interactions(
    pg: &Postgres,
    world: &World,
    sent: &[Sent],
    report: &mut Report,
) -> Result<()> {
    let asked: Vec<Asked> = sent
        .iter()
        .filter(|s| effect(s.kind).is_some())
        .map(|s| Asked {
            id: s.id,
            user: s.user,
            at: s.at,
        })
        .collect();
    let told: HashMap<u64, Told> = answers::told(&world.discord, &asked);
    let mut events: HashMap<(String, String), i64> = HashMap::new();
    let mut any_event: HashMap<String, i64> = HashMap::new();
    for (row, n) in pg
        .query(&format!(
            "SELECT causation_id, event_type, count(*) FROM event_log
             WHERE guild_id = {GUILD} GROUP BY 1, 2"
        ))
        .await?
        .into_iter()
        .filter_map(|r| {
            let n: i64 = r.get(2)?.parse().ok()?;
            Some(((r.first()?.clone(), r.get(1)?.clone()), n))
        })
    {
        *any_event.entry(row.0.clone()).or_default() += n;
        events.insert(row, n);
    }
    let decided: HashMap<String, String> = pg
        .query(&format!(
            "SELECT command_id, outcome->>'outcome' FROM processed_commands WHERE guild_id = {GUILD}"
        ))
        .await?
        .into_iter()
        .filter_map(|r| Some((r.first()?.clone(), r.get(1)?.clone())))
        .collect();
    let (mut movements, mut moved_once) = (0, 0);
    let mut times = Vec::new();
    for s in sent {
        let Some(kind) = effect(s.kind) else {
            continue;
        };
        let id = s.id.to_string();
        let t = told.get(&s.id).cloned().unwrap_or_default();
        let effects = events
            .get(&(id.clone(), kind.to_owned()))
            .copied()
            .unwrap_or(0);
        let outcome = decided.get(&id);
        let applied = outcome.is_some() || any_event.contains_key(&id);
        let decided_done = outcome.is_some_and(|o| o != "Rejected");
        times.push((s.at, t.at));
        report.late += t.late;
        report.by_dm += usize::from(t.by_dm);
        if decided_done || effects > 0 {
            movements += 1;
            moved_once += usize::from(effects == 1);
        }
        let what = format!("{:?} ({id})", s.kind);
        if effects > 1 {
            report.doubled += 1;
            report.example(format!("{what}: {effects} {kind} events"));
        }
        if t.answers > 1 {
            report.doubled += 1;
            report.example(format!("{what}: answered {} times", t.answers));
        }
        if effects == 0 && (decided_done || (t.at.is_some() && t.success)) {
            report.lost += 1;
            report.example(format!(
                "{what}: told or decided done, no {kind} in the log"
            ));
        }
        match (applied, t.at.is_some()) {
            (true, false) => {
                report.untold += 1;
                report.example(format!("{what}: applied, never told"));
            }
            (false, false) => report.dropped += 1,
            _ => {}
        }
    }
    report.longest_unanswered = answers::longest_gap(&times);
    let mut latencies: Vec<Duration> = times
        .iter()
        .filter_map(|(sent, told)| told.map(|t| t.saturating_duration_since(*sent)))
        .collect();
    latencies.sort();
    let quantile = |q: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * q).round().max(0.0) as usize)
            .copied()
            .unwrap_or_default()
    };
    (report.answer_p50, report.answer_p99) = (quantile(0.5), quantile(0.99));
    report.checks.push(Check::new(
        "every credit movement applied exactly once",
        movements == moved_once,
        format!("{moved_once} of {movements} decided movements once in the log"),
    ));
    let violations: Vec<String> = world
        .discord
        .violations()
        .into_iter()
        .filter(|v| !v.contains("second callback for") && !v.contains("late callback for"))
        .collect();
    report.checks.push(Check::new(
        "Discord protocol kept (besides late and second answers, counted above)",
        violations.is_empty(),
        violations.first().map_or_else(
            || "no violations".to_owned(),
            |v| format!("{} violations, first: {v}", violations.len()),
        ),
    ));
    Ok(())
}

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
