//! The gateway worker's settings, from the environment.

use secrecy::SecretString;
use studio_schema::config::{self, Common, EnvError};

/// Everything the gateway worker needs.
#[derive(Clone, Debug)]
pub struct Config {
    pub common: Common,
    /// `DISCORD_TOKEN`.
    pub token: SecretString,
    /// `DISCORD_GATEWAY_URL`: gateway WebSocket base URL (twilight `proxy_url`); Discord when unset.
    pub gateway_url: Option<String>,
    /// `STUDIO_SHARD` (default 0) of `STUDIO_SHARD_COUNT` (default 1).
    pub shard: u32,
    pub shard_count: u32,
    /// `STUDIO_METRICS_ADDR` (e.g. `127.0.0.1:9103`): where `/metrics`, `/healthz` and `/readyz`
    /// are served; not served when unset.
    pub metrics_addr: Option<std::net::SocketAddr>,
}

impl Config {
    /// Reads the settings.
    ///
    /// # Errors
    /// A required variable is missing or one is malformed.
    pub fn from_env() -> Result<Self, EnvError> {
        let shard_count = config::parsed("STUDIO_SHARD_COUNT", 1u32)?.max(1);
        let shard = config::parsed("STUDIO_SHARD", 0u32)?;
        if shard >= shard_count {
            return Err(EnvError::Invalid {
                name: "STUDIO_SHARD",
                value: shard.to_string(),
                reason: format!("must be below STUDIO_SHARD_COUNT ({shard_count})"),
            });
        }
        Ok(Self {
            common: Common::from_env()?,
            token: SecretString::from(config::required(
                "DISCORD_TOKEN",
                " (without it, the README's run command starts the local Discord)",
            )?),
            gateway_url: config::optional("DISCORD_GATEWAY_URL")
                .map(|u| u.trim_end_matches('/').to_owned()),
            shard,
            shard_count,
            metrics_addr: config::metrics_addr()?,
        })
    }
}
