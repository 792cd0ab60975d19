//! `projector audit`: proves the ledger from the log alone, and explains one account's balance.
//!
//! Reads each guild's events in `guild_seq` order and folds them with the pure
//! [`studio_schema::audit`] checks; it never reads the views except to cross-check a balance
//! ([`view_balance`], `studio_views`' read), and never writes anything. Its SQL is
//! `studio_schema::log`'s and `studio_views`'.

use crate::Error;
use crate::report::LoggedEvent;
use sqlx::PgPool;
use std::fmt::Write as _;
use studio_schema::audit::{Audit, Statement};
use studio_schema::chain::{Chain, Link};
use studio_schema::log::{self, RecordedEvent};
use studio_schema::money::BadAccount;
use studio_schema::{Account, GuildId, UserId};
pub use studio_views::ledger::{ViewBalance, view_balance};

/// Events read per page.
const PAGE: i64 = 1_000;

/// Every guild with a stream, in id order.
///
/// # Errors
/// The database is unreachable.
pub async fn guilds(pool: &PgPool) -> Result<Vec<GuildId>, sqlx::Error> {
    match log::guilds(pool).await {
        // The auditor role may read the log but not the heads: the log names the same guilds.
        Err(err) if denied(&err) => log::guilds_logged(pool).await,
        other => other,
    }
}

/// Whether Postgres refused for lack of a privilege.
fn denied(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .and_then(|db| db.code())
        .is_some_and(|code| code == "42501")
}

/// Calls `f` with each of `guild`'s events in `guild_seq` order up to `until` (all when `None`), a
/// page at a time.
async fn each_event(
    pool: &PgPool,
    guild: GuildId,
    until: Option<i64>,
    mut f: impl FnMut(&RecordedEvent),
) -> Result<(), Error> {
    let mut after = 0;
    loop {
        let page = log::read_guild(pool, guild, after, PAGE).await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.guild_seq;
        for e in &page {
            if until.is_some_and(|u| e.guild_seq > u) {
                return Ok(());
            }
            f(e);
        }
    }
}

/// `guild`'s events in `guild_seq` order up to `until` (all when `None`), as the economy report
/// reads them.
///
/// # Errors
/// The log is unavailable or holds an event that cannot be decoded.
pub async fn logged_events(
    pool: &PgPool,
    guild: GuildId,
    until: Option<i64>,
) -> Result<Vec<LoggedEvent>, Error> {
    let mut events = Vec::new();
    each_event(pool, guild, until, |e| {
        events.push(LoggedEvent {
            seq: e.guild_seq,
            at: e.occurred_at,
            event: e.event.clone(),
        });
    })
    .await?;
    Ok(events)
}

/// A moment of a guild's history as an auditor names it: a `guild_seq`, or a time (RFC 3339, e.g.
/// `2026-12-01T12:00:00Z`), which means the last event that occurred at or before it.
///
/// # Errors
/// The text is neither, or the log is unavailable.
pub async fn resolve_at(pool: &PgPool, guild: GuildId, at: &str) -> Result<i64, Error> {
    if let Ok(seq) = at.trim().parse::<i64>() {
        return Ok(seq.max(0));
    }
    let time = chrono::DateTime::parse_from_rfc3339(at.trim()).map_err(|e| {
        Error::Usage(format!(
            "--at {at:?}: a guild_seq or an RFC 3339 time ({e})"
        ))
    })?;
    Ok(log::seq_at(pool, guild, time.with_timezone(&chrono::Utc)).await?)
}

/// Every account's balance in `guild` as it stood after `guild_seq` `at` (the ledger as of then),
/// with the ledger's checks up to it.
///
/// # Errors
/// The log is unavailable or holds an event that cannot be decoded.
pub async fn balances_at(pool: &PgPool, guild: GuildId, at: i64) -> Result<Audit, Error> {
    let mut audit = Audit::new(guild);
    each_event(pool, guild, Some(at), |e| audit.check(e)).await?;
    Ok(audit)
}

/// Checks one guild's ledger from its first event.
///
/// # Errors
/// The log is unavailable or holds an event that cannot be decoded.
pub async fn verify_guild(pool: &PgPool, guild: GuildId) -> Result<Audit, Error> {
    let mut audit = Audit::new(guild);
    each_event(pool, guild, None, |e| audit.check(e)).await?;
    Ok(audit)
}

/// Recomputes `guild`'s hash chain from its first event, comparing it with `heads` kept elsewhere.
///
/// # Errors
/// The log is unavailable.
pub async fn verify_chain(
    pool: &PgPool,
    guild: GuildId,
    heads: Vec<(i64, Vec<u8>)>,
) -> Result<Chain, Error> {
    let mut chain = Chain::new(guild).expecting(heads);
    each_link(pool, guild, |link| {
        chain.check(link);
        Ok(())
    })
    .await?;
    chain.finish();
    Ok(chain)
}

/// Calls `f` with each of `guild`'s events as its hash chain covers them, in `guild_seq` order, a
/// page at a time; stops at `f`'s first error.
///
/// # Errors
/// The log is unavailable, or `f` failed.
pub async fn each_link(
    pool: &PgPool,
    guild: GuildId,
    mut f: impl FnMut(&Link) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut after = 0;
    loop {
        let page = log::read_chain(pool, guild, after, PAGE).await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.guild_seq;
        for link in &page {
            f(link)?;
        }
    }
}

/// A chain's lines in `verify`'s report.
#[must_use]
pub fn render_chain(chain: &Chain) -> String {
    let mut out = String::new();
    let head_seq = chain.head.as_ref().map_or(0, |(seq, _)| *seq);
    let _ = writeln!(
        out,
        "  {:<15} {}:{}:{}",
        "chain head",
        chain.guild,
        head_seq,
        chain.head_hex()
    );
    match &chain.broken {
        None => {
            let _ = writeln!(out, "  {:<15} whole ({} events)", "chain", chain.events);
        }
        Some(b) => {
            let _ = writeln!(
                out,
                "  {:<15} BROKEN at guild_seq {} (position {}): the event was changed after it was written",
                "chain", b.guild_seq, b.position
            );
        }
    }
    for seq in &chain.mismatched {
        let _ = writeln!(
            out,
            "  {:<15} MISMATCH: the head kept for guild_seq {seq} is not this log's: history was rewritten",
            "chain"
        );
    }
    out
}

/// Reads `--head <guild>:<seq>:<hex>` (a head printed by an earlier `verify`).
///
/// # Errors
/// The text is not of that form.
pub fn parse_head(s: &str) -> Result<(GuildId, i64, Vec<u8>), String> {
    let bad = || format!("{s:?} is not <guild_id>:<seq>:<64 hex digits>");
    let mut parts = s.trim().split(':');
    let (Some(guild), Some(seq), Some(hex), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let guild = guild.parse::<u64>().map_err(|_| bad())?;
    let seq = seq.parse::<i64>().map_err(|_| bad())?;
    let hash = studio_schema::hex::decode(hex)
        .filter(|h| h.len() == 32)
        .ok_or_else(bad)?;
    Ok((GuildId::from_u64(guild), seq, hash))
}

/// Checks every guild's ledger: one [`Audit`] per guild, in guild id order.
///
/// # Errors
/// The log is unavailable or holds an event that cannot be decoded.
pub async fn verify(pool: &PgPool) -> Result<Vec<Audit>, Error> {
    let mut audits = Vec::new();
    for guild in guilds(pool).await? {
        audits.push(verify_guild(pool, guild).await?);
    }
    Ok(audits)
}

/// Prints what the command service's intake rejected and moved past; returns how many of those are
/// stretches of the stream lost to retention before they were applied (a finding). A login that may
/// not read the rejections sees none.
pub async fn intake_findings(pool: &PgPool) -> usize {
    let rejected = match studio_schema::intake::rejected(pool).await {
        Ok(rejected) => rejected,
        Err(err) => {
            if !denied(&err) {
                println!("intake rejections unreadable: {err}");
            }
            return 0;
        }
    };
    let mut lost = 0;
    for r in &rejected {
        let retention = r.reason.starts_with("retention");
        lost += usize::from(retention);
        println!(
            "{} {}/{} seq {} {}: {}",
            if retention { "LOST" } else { "rejected" },
            r.stream,
            r.partition,
            r.stream_seq,
            r.subject.as_deref().unwrap_or("-"),
            r.reason
        );
    }
    if !rejected.is_empty() {
        println!(
            "intake: {} dispatches rejected and moved past",
            rejected.len()
        );
    }
    lost
}

/// `account`'s balance in `guild`, explained event by event (up to `guild_seq` `at`, when given).
///
/// # Errors
/// The log is unavailable or holds an event that cannot be decoded.
pub async fn explain(
    pool: &PgPool,
    guild: GuildId,
    account: Account,
    at: Option<i64>,
) -> Result<Statement, Error> {
    let mut statement = Statement::default();
    each_event(pool, guild, at, |e| statement.add(account, e)).await?;
    Ok(statement)
}

/// An account as the auditor types it: `member:<id>`, `team:<n>`, `escrow:<n>`, `treasury`,
/// `mint`, or a bare user id for that member's wallet.
///
/// # Errors
/// The text names no account.
pub fn parse_account(s: &str) -> Result<Account, BadAccount> {
    let s = s.trim();
    match s.parse::<u64>() {
        Ok(id) => Ok(Account::Member(UserId::from_u64(id))),
        Err(_) => s.parse(),
    }
}

/// How the views' balance compares with the log's at the views' checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrossCheck {
    Agrees { balance: i64, at_seq: i64 },
    Differs { views: i64, log: i64, at_seq: i64 },
}

/// Compares the views' balance with the statement's balance at the views' checkpoint, so views
/// that lag behind the log are not mistaken for wrong ones.
#[must_use]
pub fn cross_check(statement: &Statement, view: ViewBalance) -> CrossCheck {
    let log = statement
        .lines
        .iter()
        .take_while(|l| l.seq <= view.checkpoint)
        .last()
        .map_or(0, |l| l.balance.0);
    let views = view.balance.unwrap_or(0);
    if views == log {
        CrossCheck::Agrees {
            balance: log,
            at_seq: view.checkpoint,
        }
    } else {
        CrossCheck::Differs {
            views,
            log,
            at_seq: view.checkpoint,
        }
    }
}

/// `verify`'s report of one guild.
#[must_use]
pub fn render_audit(audit: &Audit) -> String {
    let treasury = audit
        .balances
        .get(&Account::Treasury)
        .copied()
        .unwrap_or_default();
    let mut out = format!("guild {}\n", audit.guild);
    let rows: [(&str, String); 7] = [
        ("events", audit.last_seq.to_string()),
        ("money events", audit.money_events.to_string()),
        ("postings", audit.postings.to_string()),
        ("credits issued", audit.issued().to_string()),
        ("treasury", treasury.to_string()),
        (
            "total",
            format!(
                "{}{}",
                audit.total(),
                if audit.total() == 0 {
                    ""
                } else {
                    "  (must be 0)"
                }
            ),
        ),
        ("violations", audit.violations.len().to_string()),
    ];
    for (label, value) in rows {
        let _ = writeln!(out, "  {label:<15} {value}");
    }
    for v in &audit.violations {
        let _ = writeln!(out, "    {v}");
    }
    out
}

/// `balances`' report: every account's balance as of the audit's last event.
#[must_use]
pub fn render_balances(audit: &Audit) -> String {
    let mut out = format!("guild {} as of guild_seq {}\n", audit.guild, audit.last_seq);
    for (account, balance) in &audit.balances {
        let _ = writeln!(out, "  {:<30} {:>12}", account.to_string(), balance.0);
    }
    let _ = writeln!(out, "  {:<30} {:>12}", "total (must be 0)", audit.total());
    out
}

/// Whether every audit is sound: no violation and balances that sum to zero.
#[must_use]
pub fn sound(audits: &[Audit]) -> bool {
    audits
        .iter()
        .all(|a| a.violations.is_empty() && a.total() == 0)
}

/// `explain`'s statement: one line per event that moved the account, then its balance.
#[must_use]
pub fn render_statement(guild: GuildId, account: Account, statement: &Statement) -> String {
    let mut out = format!("{account} in guild {guild}\n");
    let _ = writeln!(
        out,
        "{:>8}  {:<20}  {:<20}  {:>10}  {:>10}  {:<40}  causation",
        "seq", "time (UTC)", "event", "amount", "balance", "counterparts"
    );
    for l in &statement.lines {
        let counterparts = l
            .counterparts
            .iter()
            .map(|(a, c)| format!("{a} {:+}", c.0))
            .collect::<Vec<_>>()
            .join(", ");
        let undo = match (l.undoes, l.undone_by) {
            (Some(original), _) => format!("  (undoes #{original})"),
            (None, Some(undo)) => format!("  (undone by #{undo})"),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "{:>8}  {:<20}  {:<20}  {:>+10}  {:>10}  {:<40}  {}{undo}",
            l.seq,
            l.occurred_at.format("%Y-%m-%d %H:%M:%S"),
            l.event_type,
            l.amount.0,
            l.balance.0,
            counterparts,
            l.causation_id
        );
    }
    let _ = writeln!(
        out,
        "balance: {} after {} lines",
        statement.balance(),
        statement.lines.len()
    );
    out
}

/// `explain`'s cross-check line.
#[must_use]
pub fn render_cross_check(view: Option<ViewBalance>, statement: &Statement) -> String {
    let Some(view) = view else {
        return "views: no accounts view to cross-check against".to_owned();
    };
    let lag = statement
        .lines
        .last()
        .filter(|l| l.seq > view.checkpoint)
        .map_or(String::new(), |_| {
            format!(
                " (the views are at seq {}, behind the log)",
                view.checkpoint
            )
        });
    match cross_check(statement, view) {
        CrossCheck::Agrees { balance, at_seq } => {
            format!("views: views.accounts agrees: {balance} at seq {at_seq}{lag}")
        }
        CrossCheck::Differs { views, log, at_seq } => format!(
            "WARNING: views.accounts says {views} but the log gives {log} at seq {at_seq}{lag}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use studio_schema::Credits;
    use studio_schema::audit::Line;

    fn line(seq: i64, amount: i64, balance: i64) -> Line {
        Line {
            seq,
            event_type: "CreditsTransferred",
            amount: Credits(amount),
            balance: Credits(balance),
            occurred_at: chrono::DateTime::UNIX_EPOCH,
            causation_id: format!("c{seq}"),
            counterparts: vec![(Account::Member(UserId(2)), Credits(-amount))],
            undoes: None,
            undone_by: None,
        }
    }

    #[test]
    fn accounts_parse_by_name_or_bare_user_id() {
        assert_eq!(parse_account("42").ok(), Some(Account::Member(UserId(42))));
        assert_eq!(
            parse_account("member:42").ok(),
            Some(Account::Member(UserId(42)))
        );
        assert_eq!(parse_account("treasury").ok(), Some(Account::Treasury));
        assert_eq!(
            parse_account("escrow:3").ok(),
            Some(Account::Escrow(studio_schema::CommissionId(3)))
        );
        assert!(parse_account("bank").is_err());
        assert!(parse_account("-1").is_err());
    }

    #[test]
    fn the_views_are_compared_at_their_own_checkpoint() {
        let statement = Statement {
            lines: vec![line(2, 100, 100), line(5, -30, 70)],
        };
        let at = |balance, checkpoint| ViewBalance {
            balance,
            checkpoint,
        };
        assert_eq!(
            cross_check(&statement, at(Some(70), 9)),
            CrossCheck::Agrees {
                balance: 70,
                at_seq: 9
            }
        );
        assert_eq!(
            cross_check(&statement, at(Some(100), 4)),
            CrossCheck::Agrees {
                balance: 100,
                at_seq: 4
            }
        );
        assert_eq!(
            cross_check(&statement, at(None, 1)),
            CrossCheck::Agrees {
                balance: 0,
                at_seq: 1
            }
        );
        assert_eq!(
            cross_check(&statement, at(Some(60), 9)),
            CrossCheck::Differs {
                views: 60,
                log: 70,
                at_seq: 9
            }
        );
        assert!(render_cross_check(Some(at(Some(60), 9)), &statement).starts_with("WARNING"));
        let text = render_statement(GuildId(1), Account::Member(UserId(1)), &statement);
        assert!(text.contains("-30"), "{text}");
        assert!(text.contains("member:2 +30"), "{text}");
        assert!(text.contains("balance: 70"), "{text}");
    }
}
