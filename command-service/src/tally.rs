//! Commands decided, counted by kind ([`crate::domain::Command::kind`]) and outcome, for
//! `/metrics`. Updated once per committed batch, so one short lock is cheap.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// How a rule settled a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Decided into events (or nothing to record).
    Accepted,
    /// A rule refused it; the member was told why.
    Refused,
}

impl Verdict {
    /// The `outcome` label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Refused => "refused",
        }
    }
}

/// Counts of decided commands by kind and verdict.
#[derive(Debug, Default)]
pub struct Tally(Mutex<BTreeMap<(&'static str, Verdict), u64>>);

impl Tally {
    /// Counts one decided command.
    pub fn add(&self, kind: &'static str, verdict: Verdict) {
        // A poisoned lock only means a panic elsewhere mid-update: the counts are still counts.
        let mut counts = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *counts.entry((kind, verdict)).or_default() += 1;
    }

    /// Every (kind, verdict) counted so far, in order, with its count.
    #[must_use]
    pub fn counts(&self) -> Vec<((&'static str, Verdict), u64)> {
        let counts = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        counts.iter().map(|(k, n)| (*k, *n)).collect()
    }

    /// How many commands got `verdict`, of every kind.
    #[must_use]
    pub fn total(&self, verdict: Verdict) -> u64 {
        self.counts()
            .iter()
            .filter(|((_, v), _)| *v == verdict)
            .map(|(_, n)| n)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_kept_by_kind_and_verdict() {
        let t = Tally::default();
        t.add("pay", Verdict::Accepted);
        t.add("pay", Verdict::Accepted);
        t.add("pay", Verdict::Refused);
        t.add("adjust_credits", Verdict::Accepted);
        assert_eq!(
            t.counts(),
            vec![
                (("adjust_credits", Verdict::Accepted), 1),
                (("pay", Verdict::Accepted), 2),
                (("pay", Verdict::Refused), 1),
            ]
        );
        assert_eq!(t.total(Verdict::Accepted), 3);
        assert_eq!(t.total(Verdict::Refused), 1);
    }
}
