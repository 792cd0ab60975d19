//! The projector's settings, from the environment.

use std::time::Duration;
use studio_schema::config::{self, Common, EnvError};

/// Everything the projector needs.
#[derive(Clone, Debug)]
pub struct Config {
    pub common: Common,
    /// `STUDIO_PROJECTOR_POLL_MS`: the fallback poll when no append notice arrives (default 1000).
    pub poll: Duration,
    /// `STUDIO_PROJECTOR_BATCH`: events per transaction (default 1000).
    pub batch: i64,
    /// `STUDIO_REPLAY_BATCH`: events a rebuild reads at a time (default 50 000).
    pub replay_batch: i64,
    /// `STUDIO_REPLAY_FLUSH_ROWS`: view rows a rebuild holds in memory before writing them (default
    /// 2 000 000, about 400 MB at most; fewer rows, less memory, more writes).
    pub replay_flush_rows: usize,
    /// `STUDIO_FAILPOINT=crash-mid-batch`: crash inside a batch, before its commit (recovery tests only).
    pub crash_mid_batch: bool,
    /// `STUDIO_METRICS_ADDR`: where `/metrics`, `/healthz` and `/readyz` are served by the running
    /// projector (from its start, so a rebuild's progress shows), not by the one-off commands; not
    /// served when unset.
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// What the tail and a rebuild count, for `/metrics`.
    pub counters: std::sync::Arc<crate::metrics::Counters>,
    /// `STUDIO_WEB_ADDR`: where the running projector serves the web pages ([`crate::web`]).
    pub web_addr: crate::web::Addr,
    /// `STUDIO_AUDIT_TOKEN`: the token the auditors' web pages ask for; without it they are not
    /// served (404).
    pub audit_token: Option<crate::web::Token>,
}

impl Config {
    /// Reads the settings.
    ///
    /// # Errors
    /// A required variable is missing or one is malformed.
    pub fn from_env() -> Result<Self, EnvError> {
        Ok(Self {
            common: Common::from_env()?,
            poll: Duration::from_millis(
                config::parsed("STUDIO_PROJECTOR_POLL_MS", 1000u64)?.max(10),
            ),
            batch: config::parsed("STUDIO_PROJECTOR_BATCH", 1000i64)?.clamp(1, 100_000),
            replay_batch: config::parsed("STUDIO_REPLAY_BATCH", 50_000i64)?.clamp(1, 1_000_000),
            replay_flush_rows: config::parsed("STUDIO_REPLAY_FLUSH_ROWS", 2_000_000usize)?.max(1),
            crash_mid_batch: config::optional("STUDIO_FAILPOINT")
                .is_some_and(|f| f == "crash-mid-batch"),
            metrics_addr: config::metrics_addr()?,
            counters: std::sync::Arc::default(),
            web_addr: crate::web::Addr::parse(std::env::var("STUDIO_WEB_ADDR").ok().as_deref())
                .map_err(|(value, reason)| EnvError::Invalid {
                    name: "STUDIO_WEB_ADDR",
                    value,
                    reason,
                })?,
            audit_token: config::optional("STUDIO_AUDIT_TOKEN").map(crate::web::Token::new),
        })
    }
}
