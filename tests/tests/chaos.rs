//! The chaos program's short run (issue 9), in the suite: one guild driven through the real
//! binaries while they are SIGKILLed and restarted, with the run's own Postgres and NATS each
//! restarted once (never the shared servers). Nothing may be lost, doubled or left untold; the
//! ledger audit is clean and the views equal a replay. See `studio_tests::chaos` and
//! `scripts/chaos` for the full run.

use studio_tests::chaos::{self, Settings};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_chaos_run_loses_doubles_and_silences_nothing() {
    let report = chaos::run(Settings::short())
        .await
        .expect("the chaos run could not be set up");
    println!("{report}");
    assert!(report.passed(), "the chaos run failed:\n{report}");
}
