//! One model of the game: whatever the log holds, the decider's state, the projector's views and a
//! replay of the log agree, entity by entity.
//!
//! Two properties, against a real Postgres (one scratch database, one guild per case):
//! - random commands of every feature, from several members, some of them racing (decided on the
//!   same state, the second fenced and decided again), decided by the decider and appended;
//! - random histories of raw events, as a log written by older rules or an import may hold them
//!   (a dispute after a refund, a member joining a team twice, results after a cancellation).
//!
//! Each case is then projected in batches of a random size, and every entity the views hold is
//! read back through the projector's own store and compared with the decider's; the log is
//! replayed into a fresh state and compared with the decider's whole state.

mod common;
mod model_support;

use model_support::{Scratch, commands, histories};
use proptest::test_runner::{Config, TestCaseError, TestRunner};

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn decided_commands_fold_alike_in_the_decider_the_views_and_a_replay() {
    let scratch = Scratch::new();
    let mut runner = runner(48);
    let result = runner.run(&commands::scenario(), |scenario| {
        scratch
            .block_on(scratch.check_commands(&scenario))
            .map_err(TestCaseError::fail)
    });
    scratch.drop_database();
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn any_history_folds_alike_in_the_decider_the_views_and_a_replay() {
    let scratch = Scratch::new();
    let mut runner = runner(64);
    let result = runner.run(&histories::history(), |history| {
        scratch
            .block_on(scratch.check_history(&history))
            .map_err(TestCaseError::fail)
    });
    scratch.drop_database();
    if let Err(e) = result {
        panic!("{e}");
    }
}
