//! `projector`: Studio's projector and its operators' and auditors' command line. `projector [run]`
//! tails the log into the views; everything else is a one-off command (`projector --help`).
//!
//! Exit status: 0 done (and, for checks, sound); 1 a check found a problem (for `audit report`, a
//! fraud flag fired); 2 a usage error; 3 the command could not run (configuration, database).

mod cli;

use clap::Parser;
use std::process::ExitCode;

/// The allocator: glibc's malloc took ~12 % of the services' CPU under the message load, much of it
/// in arena locks and consolidation between the runtime's threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    studio_schema::telemetry::init();
    let args = cli::Cli::parse();
    match cli::run(args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(3)
        }
    }
}
