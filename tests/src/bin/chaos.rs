//! `chaos`: the chaos program (issue 9). Drives one guild through the real binaries while killing
//! them, restarts its private Postgres and NATS once each, then checks and prints the table (see
//! [`studio_tests::chaos`]). Exits 1 when anything was lost, doubled or left untold, or a check
//! failed; 2 when the run could not be set up. Run it through `scripts/chaos`, which builds the
//! binaries first.
//!
//! Arguments: `--short` (the CI run: 40 s, 10 kills), `--seed N`, `--secs N` (load duration),
//! `--kills N`, `--keep` (keep the run's folder with the logs even when it passed).
//! Environment: `STUDIO_BIN_DIR` (the service binaries; default: next to this one),
//! `CHAOS_RUST_LOG` (the services' log filter, default info), `STUDIO_PG_BIN`, `STUDIO_NATS_BIN`.

use anyhow::{Context, bail};
use std::process::ExitCode;
use std::time::Duration;
use studio_tests::chaos::{self, Settings};

fn settings() -> anyhow::Result<Settings> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut settings = if args.iter().any(|a| a == "--short") {
        Settings::short()
    } else {
        Settings::full()
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> anyhow::Result<u64> {
            let v = it
                .next()
                .with_context(|| format!("{name} needs a number"))?;
            v.parse()
                .with_context(|| format!("{name} {v:?} is not a number"))
        };
        match arg.as_str() {
            "--short" => {}
            "--keep" => settings.keep = true,
            "--seed" => settings.load.seed = number("--seed")?,
            "--secs" => settings.load.duration = Duration::from_secs(number("--secs")?),
            "--kills" => settings.load.kills = usize::try_from(number("--kills")?)?,
            other => bail!(
                "unknown argument {other:?}: use --short, --seed N, --secs N, --kills N, --keep"
            ),
        }
    }
    Ok(settings)
}

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match settings() {
        Ok(s) => s,
        Err(err) => {
            eprintln!("chaos: {err:#}");
            return ExitCode::from(2);
        }
    };
    match chaos::run(settings).await {
        Ok(report) => {
            println!("{report}");
            if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(err) => {
            eprintln!("chaos: the run could not be set up: {err:#}");
            ExitCode::from(2)
        }
    }
}
