//! Prometheus' text exposition format, for every service's `/metrics`. Pure.

use std::fmt::Write;

/// `{name="value",…}`: the labels of a sample, values escaped as the format wants.
#[must_use]
pub fn labels(pairs: &[(&str, &str)]) -> String {
    let inner: Vec<String> = pairs
        .iter()
        .map(|(name, value)| {
            let value = value
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            format!("{name}=\"{value}\"")
        })
        .collect();
    format!("{{{}}}", inner.join(","))
}

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

    /// Adds histogram `name` (in seconds): the count at or below each of its `buckets`' edges
    /// (ascending, cumulative), then every sample (`+Inf` and `_count`) and their `sum`.
    pub fn histogram(
        &mut self,
        name: &str,
        help: &str,
        buckets: &[(f64, u64)],
        count: u64,
        sum: f64,
    ) {
        let mut samples: Vec<(String, String)> = buckets
            .iter()
            .map(|(le, n)| (format!("_bucket{{le=\"{le}\"}}"), n.to_string()))
            .collect();
        samples.push(("_bucket{le=\"+Inf\"}".into(), count.to_string()));
        samples.push(("_sum".into(), sum.to_string()));
        samples.push(("_count".into(), count.to_string()));
        self.metric(name, "histogram", help, &samples);
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

    #[test]
    fn a_histogram_has_its_buckets_inf_sum_and_count() {
        let mut e = Exposition::default();
        e.histogram("studio_t_seconds", "Ts.", &[(0.005, 4), (1.0, 5)], 6, 2.5);
        let body = e.finish();
        for line in [
            "# TYPE studio_t_seconds histogram",
            "studio_t_seconds_bucket{le=\"0.005\"} 4",
            "studio_t_seconds_bucket{le=\"1\"} 5",
            "studio_t_seconds_bucket{le=\"+Inf\"} 6",
            "studio_t_seconds_sum 2.5",
            "studio_t_seconds_count 6",
        ] {
            assert!(
                body.lines().any(|l| l == line),
                "{line:?} missing from\n{body}"
            );
        }
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(
            labels(&[("kind", "pay"), ("why", "a \"b\"\\\n")]),
            "{kind=\"pay\",why=\"a \\\"b\\\"\\\\\\n\"}"
        );
    }
}
