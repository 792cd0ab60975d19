//! Studio's NATS users, for the servers tests run: the users and permissions of
//! `deploy/nats-users.conf` (the one template compose and `scripts/services.sh` use too), with
//! passwords made up for the run or taken from the environment `scripts/services.sh` exported.

use anyhow::{Context, Result};
use rand::Rng;
use std::path::{Path, PathBuf};

/// The template: users, their permissions, and the environment variables their passwords come from.
pub const TEMPLATE: &str = include_str!("../../deploy/nats-users.conf");

/// Each service's NATS user (its binary's name) and the variable nats-server reads its password from.
pub const USERS: [(&str, &str); 3] = [
    ("gateway-worker", "STUDIO_NATS_GATEWAY_PASSWORD"),
    ("command-service", "STUDIO_NATS_COMMAND_PASSWORD"),
    ("projector", "STUDIO_NATS_PROJECTOR_PASSWORD"),
];

/// The passwords of the three users.
#[derive(Clone)]
pub struct NatsUsers {
    passwords: [String; 3],
}

impl std::fmt::Debug for NatsUsers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NatsUsers(<passwords>)")
    }
}

impl NatsUsers {
    /// New random passwords: 24 random bytes in hex after a letter (nats-server parses a password
    /// it reads from its environment as a configuration value: letters and digits starting with a
    /// letter stay a string).
    #[must_use]
    pub fn generate() -> Self {
        let mut rng = rand::rng();
        let mut password = || {
            let hex: String = (0..24)
                .map(|_| format!("{:02x}", rng.random::<u8>()))
                .collect();
            format!("p{hex}")
        };
        Self {
            passwords: [password(), password(), password()],
        }
    }

    /// The passwords `scripts/services.sh` exported for its private server, when all three are set.
    #[must_use]
    pub fn from_env() -> Option<Self> {
        let get = |var| std::env::var(var).ok().filter(|v: &String| !v.is_empty());
        Some(Self {
            passwords: [get(USERS[0].1)?, get(USERS[1].1)?, get(USERS[2].1)?],
        })
    }

    /// `user`'s password (`user` is a service's binary name).
    #[must_use]
    pub fn password(&self, user: &str) -> Option<&str> {
        USERS
            .iter()
            .position(|(u, _)| *u == user)
            .map(|i| self.passwords[i].as_str())
    }

    /// What nats-server's environment needs for the template's password references.
    #[must_use]
    pub fn server_env(&self) -> Vec<(&'static str, String)> {
        USERS
            .iter()
            .zip(&self.passwords)
            .map(|((_, var), password)| (*var, password.clone()))
            .collect()
    }

    /// `NATS_USER` and `NATS_PASSWORD` for `service` (a binary's name); empty for anything else
    /// (`local-discord`).
    #[must_use]
    pub fn service_env(&self, service: &str) -> Vec<(&'static str, String)> {
        match self.password(service) {
            Some(password) => vec![
                ("NATS_USER", service.to_owned()),
                ("NATS_PASSWORD", password.to_owned()),
            ],
            None => Vec::new(),
        }
    }
}

/// Writes `dir/nats.conf` for a server on 127.0.0.1:`port` with its JetStream store in `store`,
/// and the template beside it as `dir/nats-users.conf` (nats-server includes relative paths only);
/// returns the configuration's path. The server reads the passwords from its environment
/// ([`NatsUsers::server_env`]).
///
/// # Errors
/// The files cannot be written.
pub fn write_config(dir: &Path, port: u16, store: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).context("creating the nats config folder")?;
    std::fs::write(dir.join("nats-users.conf"), TEMPLATE).context("writing nats-users.conf")?;
    let conf = dir.join("nats.conf");
    std::fs::write(
        &conf,
        format!(
            "# A test's private nats-server: the users of deploy/nats-users.conf, no anonymous user.\n\
             listen: \"127.0.0.1:{port}\"\n\
             max_payload: 8MB\n\
             jetstream {{\n  store_dir: {store:?}\n}}\n\
             include nats-users.conf\n"
        ),
    )
    .context("writing nats.conf")?;
    Ok(conf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_user_of_the_template_has_a_password_variable() {
        for (user, var) in USERS {
            assert!(TEMPLATE.contains(&format!("user: {user}\n")), "{user}");
            assert!(TEMPLATE.contains(&format!("password: ${var}\n")), "{var}");
        }
        assert!(
            !TEMPLATE
                .lines()
                .any(|l| !l.trim_start().starts_with('#') && l.contains("no_auth_user")),
            "no anonymous user"
        );
        let users = NatsUsers::generate();
        assert_eq!(users.server_env().len(), 3);
        for (_, password) in users.server_env() {
            assert!(
                password.starts_with(|c: char| c.is_ascii_alphabetic())
                    && password.chars().all(|c| c.is_ascii_alphanumeric()),
                "nats-server reads it as a string"
            );
        }
        assert_eq!(users.service_env("local-discord"), Vec::new());
        assert_eq!(users.service_env("projector")[0].1, "projector");
        assert!(!format!("{users:?}").contains(users.password("projector").expect("projector")));
    }
}
