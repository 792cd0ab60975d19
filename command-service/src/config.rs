//! The command service's settings, from the environment.

use secrecy::SecretString;
use std::time::Duration;
use studio_schema::config::{self, Common, EnvError};

/// Where the command service fails on purpose, to test recovery.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Failpoint {
    #[default]
    None,
    /// `crash-after-append`: right after the first commit that appended events.
    AfterAppend,
    /// `crash-before-answer`: right after the first commit holding an interaction's answer, before
    /// it is sent.
    BeforeAnswer,
    /// `poison-marked`: every commit holding an event whose text contains [`POISON_MARK`] (a
    /// member's note, say) fails as poison, as a data error Postgres raises after the edge's checks
    /// would, without Postgres seeing it.
    PoisonMarked,
}

/// What [`Failpoint::PoisonMarked`] looks for.
pub const POISON_MARK: &str = "failpoint:poison";

/// Everything the command service needs to run.
#[derive(Clone, Debug)]
pub struct Config {
    pub common: Common,
    /// `DISCORD_TOKEN`.
    pub discord_token: SecretString,
    /// `DISCORD_API_HOST`: `host:port` of a plain-HTTP Discord API (the local Discord, tests).
    pub api_host: Option<String>,
    /// `DISCORD_APPLICATION_ID`; asked from Discord when unset.
    pub application_id: Option<u64>,
    /// `STUDIO_PARTITION`: the one partition this replica may hold; all when unset (it then holds its
    /// fair share of them and stands by for the rest).
    pub partition: Option<u64>,
    /// `STUDIO_REVIEW_WINDOW_SECS`: how long a client has after delivery to release or dispute a
    /// commission before its escrow releases itself (default 7 days). Written into each delivery.
    pub review_window: chrono::TimeDelta,
    /// `STUDIO_DAY_SECS`: how long one day of a commission's deadline or a listing's time on sale
    /// lasts (default a day; shorter only for tests and demos).
    pub day: chrono::TimeDelta,
    /// `STUDIO_SCHEDULER_MS`: how often due escrow releases are looked for (default 30 000).
    pub scheduler_every: Duration,
    /// `STUDIO_SNAPSHOT_EVERY`: a guild's state is snapshotted after this many events since its last
    /// snapshot (default 50 000; 0: never), so a start folds at most that many.
    pub snapshot_every: i64,
    /// `STUDIO_FAILPOINT`: where to crash on purpose (recovery tests only).
    pub failpoint: Failpoint,
    /// `STUDIO_CONTENT_KEY`: the secret that seals listings' code in the database (which never
    /// holds it). Losing it loses the code; changing it makes older code unreadable.
    pub content_key: SecretString,
    /// `STUDIO_METRICS_ADDR` (e.g. `127.0.0.1:9101`): where `/metrics`, `/healthz` and `/readyz`
    /// are served; not served when unset.
    pub metrics_addr: Option<std::net::SocketAddr>,
}

impl Config {
    /// Reads the settings.
    ///
    /// # Errors
    /// A required variable is missing or one is malformed.
    pub fn from_env() -> Result<Self, EnvError> {
        let application_id = config::optional("DISCORD_APPLICATION_ID")
            .map(|v| {
                v.parse::<u64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or(EnvError::Invalid {
                        name: "DISCORD_APPLICATION_ID",
                        value: v,
                        reason: "a Discord application id (a positive number)".into(),
                    })
            })
            .transpose()?;
        let partition = config::optional("STUDIO_PARTITION")
            .map(|v| {
                v.parse::<u64>().map_err(|e| EnvError::Invalid {
                    name: "STUDIO_PARTITION",
                    value: v,
                    reason: e.to_string(),
                })
            })
            .transpose()?;
        Ok(Self {
            common: Common::from_env()?,
            discord_token: SecretString::from(config::required(
                "DISCORD_TOKEN",
                " (without it, the README's run command starts the local Discord)",
            )?),
            api_host: config::optional("DISCORD_API_HOST"),
            application_id,
            partition,
            review_window: chrono::TimeDelta::seconds(
                config::parsed(
                    "STUDIO_REVIEW_WINDOW_SECS",
                    crate::rules::economy::REVIEW_WINDOW.num_seconds(),
                )?
                .max(1),
            ),
            day: chrono::TimeDelta::seconds(config::parsed("STUDIO_DAY_SECS", 86_400i64)?.max(1)),
            scheduler_every: Duration::from_millis(
                config::parsed("STUDIO_SCHEDULER_MS", 30_000u64)?.max(100),
            ),
            snapshot_every: config::parsed("STUDIO_SNAPSHOT_EVERY", 50_000i64)?.max(0),
            failpoint: match config::optional("STUDIO_FAILPOINT").as_deref() {
                Some("crash-after-append") => Failpoint::AfterAppend,
                Some("crash-before-answer") => Failpoint::BeforeAnswer,
                Some("poison-marked") => Failpoint::PoisonMarked,
                _ => Failpoint::None,
            },
            content_key: SecretString::from(config::required(
                "STUDIO_CONTENT_KEY",
                " (a long random secret that seals listings' code; scripts/run generates one)",
            )?),
            metrics_addr: config::metrics_addr()?,
        })
    }
}
