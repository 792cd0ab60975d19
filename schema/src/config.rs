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

/// `STUDIO_METRICS_ADDR`: where a service serves `/metrics`, `/healthz` and `/readyz` (none when
/// unset).
///
/// # Errors
/// It is set but not a socket address.
pub fn metrics_addr() -> Result<Option<std::net::SocketAddr>, EnvError> {
    optional("STUDIO_METRICS_ADDR")
        .map(|v| {
            v.parse()
                .map_err(|e: std::net::AddrParseError| EnvError::Invalid {
                    name: "STUDIO_METRICS_ADDR",
                    value: v,
                    reason: e.to_string(),
                })
        })
        .transpose()
}

/// How long a pooled connection may sit idle and still be handed out without a ping first.
pub const TRUSTED_IDLE: std::time::Duration = std::time::Duration::from_secs(1);

/// The pool options every Studio process starts from. sqlx pings a connection when it is given
/// back (and drops it when that fails) and, by default, again when it is taken: one more round
/// trip to Postgres on every use, on the hot paths (a batch's commit, a read of the views) too. A
/// connection given back less than [`TRUSTED_IDLE`] ago is handed out as it is; one idle longer
/// (Postgres may have restarted meanwhile) is pinged first, and replaced if the ping fails.
#[must_use]
pub fn pool_options() -> sqlx::postgres::PgPoolOptions {
    sqlx::postgres::PgPoolOptions::new()
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > TRUSTED_IDLE {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

/// One connection to the Postgres at `DATABASE_URL`, for an operator's one-off command; `hint`
/// says whose login it should be.
///
/// # Errors
/// `DATABASE_URL` is missing, or Postgres is unreachable.
pub async fn operator_pool(hint: &'static str) -> Result<sqlx::PgPool, OperatorError> {
    let url = required("DATABASE_URL", hint)?;
    Ok(pool_options().max_connections(1).connect(&url).await?)
}

/// Why an operator's command could not reach Postgres.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error(transparent)]
    Env(#[from] EnvError),
    #[error("connecting to DATABASE_URL: {0}")]
    Database(#[from] sqlx::Error),
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
    /// `NATS_URL`: where NATS is; no credentials in it (they would show wherever the URL is printed).
    pub nats_url: String,
    /// `NATS_USER` and `NATS_PASSWORD`: this process's NATS user, when the server requires one
    /// (deploy/nats-users.conf lists the users and what each may do).
    pub nats_user: Option<NatsUser>,
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
        let nats_user = match (optional("NATS_USER"), optional("NATS_PASSWORD")) {
            (None, None) => None,
            (Some(name), Some(password)) => Some(NatsUser::new(name, password)),
            (Some(_), None) => {
                return Err(EnvError::Missing {
                    name: "NATS_PASSWORD",
                    hint: " when NATS_USER is set",
                });
            }
            (None, Some(_)) => {
                return Err(EnvError::Missing {
                    name: "NATS_USER",
                    hint: " when NATS_PASSWORD is set",
                });
            }
        };
        Ok(Self {
            database_url: required("DATABASE_URL", HINT)?,
            nats_url: required("NATS_URL", HINT)?,
            nats_user,
            nats_prefix,
            partitions: parsed("STUDIO_PARTITIONS", 1u64)?.max(1),
        })
    }

    /// The NATS names of this deployment.
    #[must_use]
    pub fn subjects(&self) -> crate::subjects::Subjects {
        crate::subjects::Subjects::new(&self.nats_prefix, self.partitions)
    }

    /// Connects to `NATS_URL` as `NATS_USER` (anonymously when unset).
    ///
    /// # Errors
    /// NATS is unreachable, or refuses the user.
    pub async fn connect_nats(&self) -> Result<async_nats::Client, async_nats::ConnectError> {
        nats_options(self.nats_user.as_ref())
            .connect(&self.nats_url)
            .await
    }
}

/// A NATS user name and its password. `Debug` never shows the password.
#[derive(Clone)]
pub struct NatsUser {
    /// The user name (`gateway-worker`, `command-service`, `projector` in deploy/nats-users.conf).
    pub name: String,
    password: String,
}

impl NatsUser {
    #[must_use]
    pub fn new(name: String, password: String) -> Self {
        Self { name, password }
    }

    /// The prefix of this user's reply subjects, `_INBOX.<user>`: the server lets each user
    /// subscribe to its own replies only (JetStream acknowledgements, API answers, pulled messages).
    #[must_use]
    pub fn inbox_prefix(&self) -> String {
        format!("_INBOX.{}", self.name)
    }
}

impl std::fmt::Debug for NatsUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NatsUser")
            .field("name", &self.name)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// The options every Studio connection to NATS uses: `user`'s password and reply subjects, or
/// anonymous (a server without users, as in CI's shared NATS) when `None`.
#[must_use]
pub fn nats_options(user: Option<&NatsUser>) -> async_nats::ConnectOptions {
    let options = async_nats::ConnectOptions::new();
    match user {
        None => options,
        Some(user) => options
            .user_and_password(user.name.clone(), user.password.clone())
            .custom_inbox_prefix(user.inbox_prefix()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nats_user_never_shows_its_password() {
        let user = NatsUser::new("projector".into(), "hunter2".into());
        let shown = format!("{user:?}");
        assert!(
            shown.contains("projector") && !shown.contains("hunter2"),
            "{shown}"
        );
        assert_eq!(user.inbox_prefix(), "_INBOX.projector");
    }
}
