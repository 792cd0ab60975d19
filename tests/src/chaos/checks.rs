//! The end of a run: wait until nothing moves any more, then hold what was sent against the log,
//! the views and what Discord recorded — XP per message, each credit movement once, every answer
//! backed by the log and every applied command told, its side effects sent once ([`sides`]); the
//! ledger and the views are checked in [`super::ledger`].
//! Every number goes into the [`Report`].

use super::answers::{self, Asked, Told};
use super::drive::{Kind, MESSAGE_XP, Sent};
use super::fleet::Fleet;
use super::pg::Postgres;
use super::report::{Check, Report, XpRow};
use super::sides;
use super::world::{GUILD, World};
use anyhow::Result;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Events behind the views (0 when caught up).
pub(crate) const LAG: &str = "SELECT coalesce(sum(h.last_seq - coalesce(c.last_seq, 0)), 0)::bigint
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
pub(crate) async fn triples(pg: &Postgres, sql: &str) -> Result<Vec<(String, i64, i64)>> {
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
    let mut owed: HashMap<String, i64> = HashMap::new();
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
        if effects > 0 {
            for dm in sides::expected(world, s) {
                *owed.entry(dm).or_default() += 1;
            }
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
    (report.answer_p50, report.answer_p99) = answers::latency(&times);
    sides::check(world, &owed, report);
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
