//! Prometheus' text exposition format, for every service's `/metrics`. Pure.

use std::fmt::Write;

/// A `/metrics` body being written.
#[derive(Debug, Default)]
pub struct Exposition(String);

impl Exposition {
    /// Adds metric `name` of `kind` (`counter`, `gauge`, `histogram`) with its `samples`: each a
    /// suffix-and-labels (e.g. `{outcome="refused"}`, `_count`, or empty) and a value.
    pub fn metric(&mut self, name: &str, kind: &str, help: &str, samples: &[(String, String)]) {
        let _ = writeln!(self.0, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(self.0, "{name}{labels} {value}");
        }
    }

    /// Adds a metric with one unlabelled sample.
    pub fn single(&mut self, name: &str, kind: &str, help: &str, value: impl ToString) {
        self.metric(name, kind, help, &[(String::new(), value.to_string())]);
    }

    /// The body.
    #[must_use]
    pub fn finish(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metric_is_its_help_type_and_samples() {
        let mut e = Exposition::default();
        e.single("studio_x_total", "counter", "Xs.", 3);
        assert_eq!(
            e.finish(),
            "# HELP studio_x_total Xs.\n# TYPE studio_x_total counter\nstudio_x_total 3\n"
        );
    }
}
