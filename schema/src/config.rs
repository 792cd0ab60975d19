//! Reading the environment variables every Studio process shares, with errors that name the variable.

use std::str::FromStr;

/// A variable is missing or malformed.
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    #[error("environment variable {name} is required{hint}")]
    Missing {
        name: &'static str,
        hint: &'static str,
    },
    #[error("environment variable {name}={value:?} is not valid: {reason}")]
    Invalid {
        name: &'static str,
        value: String,
        reason: String,
    },
}

/// The variable's value, if set and not empty.
#[must_use]
pub fn optional(name: &'static str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The variable's value.
///
/// # Errors
/// [`EnvError::Missing`] with `hint` appended.
pub fn required(name: &'static str, hint: &'static str) -> Result<String, EnvError> {
    optional(name).ok_or(EnvError::Missing { name, hint })
}

/// The variable parsed, or `default` when unset.
///
/// # Errors
/// [`EnvError::Invalid`] when set but unparsable.
pub fn parsed<T: FromStr>(name: &'static str, default: T) -> Result<T, EnvError>
where
    T::Err: std::fmt::Display,
{
    match optional(name) {
        None => Ok(default),
        Some(value) => value.trim().parse().map_err(|e: T::Err| EnvError::Invalid {
            name,
            reason: e.to_string(),
            value,
        }),
    }
}

/// Settings every process reads the same way.
#[derive(Clone, Debug)]
pub struct Common {
    /// `DATABASE_URL`.
    pub database_url: String,
    /// `NATS_URL`.
    pub nats_url: String,
    /// `STUDIO_NATS_PREFIX`: isolates deployments (and tests) sharing one NATS server.
    pub nats_prefix: String,
    /// `STUDIO_PARTITIONS`: gateway subject partitions.
    pub partitions: u64,
}

impl Common {
    /// Reads the shared settings.
    ///
    /// # Errors
    /// A required variable is missing or one is malformed.
    pub fn from_env() -> Result<Self, EnvError> {
        const HINT: &str = " (the README's run command sets it up for you)";
        let nats_prefix = optional("STUDIO_NATS_PREFIX").unwrap_or_default();
        if !nats_prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(EnvError::Invalid {
                name: "STUDIO_NATS_PREFIX",
                value: nats_prefix,
                reason: "use letters, digits, '_' and '-' only".into(),
            });
        }
        Ok(Self {
            database_url: required("DATABASE_URL", HINT)?,
            nats_url: required("NATS_URL", HINT)?,
            nats_prefix,
            partitions: parsed("STUDIO_PARTITIONS", 1u64)?.max(1),
        })
    }

    /// The NATS names of this deployment.
    #[must_use]
    pub fn subjects(&self) -> crate::subjects::Subjects {
        crate::subjects::Subjects::new(&self.nats_prefix, self.partitions)
    }
}
