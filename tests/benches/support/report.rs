//! The benchmark's one table: each metric as measured, its goal, and its ratio to the raw
//! primitive measured in the same run; printed, and written as JSON for comparing runs
//! (`BENCH_REPORT`, default `target/bench-report.json` of the workspace). Pass or fail is reported, never asserted:
//! a benchmark asserts correctness only.

// Shared by the benches, each of which uses part of it.
#![allow(dead_code)]

use serde::Serialize;

/// One metric.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub metric: String,
    pub measured: f64,
    pub unit: String,
    /// `≥ 50000`, `< 20`: the goal, as the issue states it; `None` for raw primitives.
    pub goal: Option<Goal>,
    /// The raw primitive this is compared to, and the ratio goal if any.
    pub raw: Option<Raw>,
    /// Whether this is a raw primitive's figure (else Studio's).
    pub primitive: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Goal {
    pub at_least: bool,
    pub value: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Raw {
    pub name: String,
    pub value: f64,
    /// The least ratio the goal asks for, if it asks for one.
    pub min_ratio: Option<f64>,
}

impl Row {
    /// A raw primitive's figure.
    pub fn raw(metric: &str, measured: f64, unit: &str) -> Row {
        Row {
            primitive: true,
            ..Row::studio(metric, measured, unit)
        }
    }

    /// Studio's figure, with no goal or a ratio to a raw primitive only (see [`Row::against`]).
    pub fn studio(metric: &str, measured: f64, unit: &str) -> Row {
        Row {
            metric: metric.to_owned(),
            measured,
            unit: unit.to_owned(),
            goal: None,
            raw: None,
            primitive: false,
        }
    }

    /// Studio's figure with a goal: `at_least` (higher is better) or below `value`.
    pub fn goal(metric: &str, measured: f64, unit: &str, at_least: bool, value: f64) -> Row {
        Row {
            goal: Some(Goal { at_least, value }),
            ..Row::studio(metric, measured, unit)
        }
    }

    /// Compared to raw primitive `name` measured at `value`, needing at least `min_ratio` of it.
    pub fn against(mut self, name: &str, value: f64, min_ratio: Option<f64>) -> Row {
        self.raw = Some(Raw {
            name: name.to_owned(),
            value,
            min_ratio,
        });
        self
    }

    fn ratio(&self) -> Option<f64> {
        self.raw
            .as_ref()
            .filter(|r| r.value > 0.0)
            .map(|r| self.measured / r.value)
    }

    /// Whether every goal of the row holds; `None` for raw primitives.
    pub fn pass(&self) -> Option<bool> {
        let min_ratio = self.raw.as_ref().and_then(|r| r.min_ratio);
        if self.goal.is_none() && min_ratio.is_none() {
            return None;
        }
        let value_ok = self.goal.as_ref().is_none_or(|goal| {
            if goal.at_least {
                self.measured >= goal.value
            } else {
                self.measured < goal.value
            }
        });
        let ratio_ok = match (self.ratio(), min_ratio) {
            (Some(ratio), Some(min)) => ratio >= min,
            (None, Some(_)) => false,
            _ => true,
        };
        Some(value_ok && ratio_ok)
    }
}

/// Prints the table and writes it as JSON to `BENCH_REPORT` (default `target/bench-report.json`).
pub fn print(rows: &[Row]) {
    print_as(rows, "");
}

/// [`print`], the file's name with `suffix` before `.json` (one report per bench).
pub fn print_as(rows: &[Row], suffix: &str) {
    println!();
    println!(
        "{:<58} {:>14} {:>16} {:>22} {:>6}",
        "metric", "measured", "goal", "ratio to raw", "pass"
    );
    for row in rows {
        let goal = row.goal.as_ref().map_or_else(String::new, |g| {
            format!("{} {}", if g.at_least { "≥" } else { "<" }, figure(g.value))
        });
        let ratio = match (row.ratio(), &row.raw) {
            (Some(ratio), Some(raw)) => match raw.min_ratio {
                Some(min) => format!("{ratio:.2} (≥ {min}) {}", raw.name),
                None => format!("{ratio:.2} {}", raw.name),
            },
            _ => String::new(),
        };
        let pass = match row.pass() {
            Some(true) => "pass",
            Some(false) => "FAIL",
            None if row.primitive => "raw",
            None => "info",
        };
        println!(
            "{:<58} {:>14} {:>16} {:>22} {:>6}",
            row.metric,
            format!("{} {}", figure(row.measured), row.unit),
            goal,
            ratio,
            pass
        );
    }
    let path = std::env::var("BENCH_REPORT").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../target/bench-report.json").to_owned()
    });
    let path = match path.strip_suffix(".json") {
        Some(stem) if !suffix.is_empty() => format!("{stem}-{suffix}.json"),
        _ => path,
    };
    match serde_json::to_string_pretty(rows) {
        Ok(json) => match std::fs::write(&path, json) {
            Ok(()) => println!("\n(the table as JSON: {path})"),
            Err(e) => println!("\n(could not write {path}: {e})"),
        },
        Err(e) => println!("\n(could not encode the table: {e})"),
    }
}

fn figure(v: f64) -> String {
    if v >= 100.0 {
        let whole = v.round() as i64;
        let s = whole.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(' ');
            }
            out.push(c);
        }
        out
    } else {
        format!("{v:.2}")
    }
}

/// The `q` quantile (0..=1) of `times`, in milliseconds.
pub fn quantile_ms(times: &mut [std::time::Duration], q: f64) -> f64 {
    if times.is_empty() {
        return f64::NAN;
    }
    times.sort();
    let i = ((times.len() - 1) as f64 * q).round() as usize;
    times[i.min(times.len() - 1)].as_secs_f64() * 1000.0
}
