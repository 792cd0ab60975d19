//! What a chaos run found, and the table it prints: kills and restarts, commands sent, lost,
//! doubled and untold (each must be 0), the longest time the guild went unanswered, XP per member,
//! and every end check with its verdict.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// One end check.
#[derive(Clone, Debug)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

impl Check {
    pub fn new(name: &str, ok: bool, detail: impl Into<String>) -> Check {
        Check {
            name: name.to_owned(),
            ok,
            detail: detail.into(),
        }
    }
}

/// One member's XP: what their messages deserve against the log and the views.
#[derive(Clone, Debug)]
pub struct XpRow {
    pub member: String,
    pub messages: usize,
    pub expected: i64,
    pub log: i64,
    pub views: i64,
}

/// Commands sent, by kind.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sent {
    pub messages: usize,
    pub pays: usize,
    pub buys: usize,
    pub deposits: usize,
}

impl Sent {
    pub fn total(&self) -> usize {
        self.messages + self.pays + self.buys + self.deposits
    }
}

/// A chaos run's findings.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub name: String,
    pub seed: u64,
    pub load: Duration,
    pub kills: Vec<(&'static str, usize)>,
    pub exits: Vec<(&'static str, usize)>,
    pub postgres_restarts: usize,
    pub nats_restarts: usize,
    pub sent: Sent,
    /// Messages that earned less than they deserve or were never recorded, and commands told
    /// or decided as done whose effect is not in the log.
    pub lost: usize,
    /// Effects in the log more than once, and interactions answered more than once.
    pub doubled: usize,
    /// Commands applied whose member was never told.
    pub untold: usize,
    /// Interactions neither applied nor answered (Discord told their members they failed).
    pub dropped: usize,
    /// Answers Discord refused as later than its 3 s window.
    pub late: usize,
    /// Interactions told by DM instead of on Discord's interaction.
    pub by_dm: usize,
    pub longest_unanswered: Duration,
    /// Time from an interaction to its answer: median and 99th percentile of those answered.
    pub answer_p50: Duration,
    pub answer_p99: Duration,
    /// How long the end took to go quiet, if it did.
    pub settled_in: Option<Duration>,
    pub xp: Vec<XpRow>,
    pub checks: Vec<Check>,
    /// A few examples of what was lost, doubled or untold.
    pub examples: Vec<String>,
    /// The run's folder (process logs), kept when the run failed.
    pub folder: PathBuf,
    /// Problems while disrupting (a restart that failed).
    pub errors: Vec<String>,
}

impl Report {
    /// Nothing lost, doubled or untold, and every check passed.
    pub fn passed(&self) -> bool {
        self.lost == 0
            && self.doubled == 0
            && self.untold == 0
            && self.errors.is_empty()
            && self.checks.iter().all(|c| c.ok)
    }

    /// Notes an example (a handful are kept).
    pub fn example(&mut self, text: String) {
        if self.examples.len() < 12 {
            self.examples.push(text);
        }
    }
}

fn must_be_zero(n: usize) -> &'static str {
    if n == 0 { "ok" } else { "FAIL (must be 0)" }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |v: &[(&str, usize)]| {
            v.iter()
                .map(|(n, k)| format!("{n} {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let kills: usize = self.kills.iter().map(|(_, k)| k).sum();
        let s = &self.sent;
        writeln!(
            f,
            "chaos run ({}, seed {}): {:.0} s of load",
            self.name,
            self.seed,
            self.load.as_secs_f64()
        )?;
        writeln!(
            f,
            "  {:<28} {kills} ({})",
            "kills (SIGKILL)",
            list(&self.kills)
        )?;
        writeln!(f, "  {:<28} {}", "exits by themselves", list(&self.exits))?;
        writeln!(
            f,
            "  {:<28} Postgres {}, NATS {}",
            "restarts", self.postgres_restarts, self.nats_restarts
        )?;
        writeln!(
            f,
            "  {:<28} {} ({} messages, {} /pay, {} Buy, {} /team deposit)",
            "commands sent",
            s.total(),
            s.messages,
            s.pays,
            s.buys,
            s.deposits
        )?;
        for (name, n) in [
            ("lost", self.lost),
            ("doubled", self.doubled),
            ("untold", self.untold),
        ] {
            writeln!(f, "  {name:<28} {n:<6} {}", must_be_zero(n))?;
        }
        writeln!(
            f,
            "  {:<28} {} (neither applied nor answered: Discord told the member it failed)",
            "dropped unanswered", self.dropped
        )?;
        writeln!(
            f,
            "  {:<28} {} refused as late, {} told by DM",
            "answers", self.late, self.by_dm
        )?;
        writeln!(
            f,
            "  {:<28} {:.1} s",
            "longest unanswered",
            self.longest_unanswered.as_secs_f64()
        )?;
        writeln!(
            f,
            "  {:<28} p50 {:.0} ms, p99 {:.0} ms",
            "answer latency",
            self.answer_p50.as_secs_f64() * 1e3,
            self.answer_p99.as_secs_f64() * 1e3
        )?;
        match self.settled_in {
            Some(d) => writeln!(
                f,
                "  {:<28} {:.1} s",
                "quiet after the load",
                d.as_secs_f64()
            )?,
            None => writeln!(f, "  {:<28} never", "quiet after the load")?,
        }
        writeln!(
            f,
            "  XP per member (messages × 5 = expected | log | views):"
        )?;
        for r in &self.xp {
            let mark = if r.expected == r.log && r.expected == r.views {
                ""
            } else {
                "  <- wrong"
            };
            writeln!(
                f,
                "    {:<10} {:>4} × 5 = {:>5} | {:>5} | {:>5}{mark}",
                r.member, r.messages, r.expected, r.log, r.views
            )?;
        }
        writeln!(f, "  checks:")?;
        for c in &self.checks {
            let verdict = if c.ok { " ok " } else { "FAIL" };
            writeln!(f, "    [{verdict}] {}: {}", c.name, c.detail)?;
        }
        for e in &self.errors {
            writeln!(f, "    [FAIL] {e}")?;
        }
        if !self.examples.is_empty() {
            writeln!(f, "  examples:")?;
            for e in &self.examples {
                writeln!(f, "    {e}")?;
            }
        }
        writeln!(
            f,
            "  verdict: {} (logs in {})",
            if self.passed() { "PASSED" } else { "FAILED" },
            self.folder.display()
        )
    }
}
