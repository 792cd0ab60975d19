//! The chaos program's own NATS: a `nats-server` with JetStream on a free port of 127.0.0.1 and
//! its store in the run's temp folder, which the program restarts once without disturbing the
//! shared server other tests use. Killed when dropped. It has the users and permissions of
//! `deploy/nats-users.conf`, as in production, with passwords made up for the run, and no anonymous
//! user; the end-to-end tests of NATS's permissions start one too.

use crate::nats_users::{self, NatsUsers};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// A private nats-server.
pub struct Nats {
    bin: PathBuf,
    conf: PathBuf,
    log: PathBuf,
    pub port: u16,
    users: NatsUsers,
    child: Option<Child>,
}

/// `STUDIO_NATS_BIN`, else `nats-server` on the PATH, else `/usr/sbin/nats-server`.
fn find_bin() -> Result<PathBuf> {
    if let Ok(bin) = std::env::var("STUDIO_NATS_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|d| d.join("nats-server"))
        .find(|p| p.exists());
    let bin = on_path.unwrap_or_else(|| PathBuf::from("/usr/sbin/nats-server"));
    if !bin.exists() {
        bail!("no nats-server found: install it or set STUDIO_NATS_BIN");
    }
    Ok(bin)
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
async fn open(port: u16) -> bool {
    tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_ok()
}

impl Nats {
    /// Starts a server on `port` with its configuration, store and log in `dir`.
    pub async fn start(dir: &Path, port: u16) -> Result<Nats> {
        let mut nats = Nats {
            bin: find_bin()?,
            conf: nats_users::write_config(&dir.join("nats-conf"), port, &dir.join("nats"))?,
            log: dir.join("nats.log"),
            port,
            users: NatsUsers::generate(),
            child: None,
        };
        nats.up().await?;
        Ok(nats)
    }

    /// `nats://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// The users' passwords.
    pub fn users(&self) -> &NatsUsers {
        &self.users
    }

    async fn up(&mut self) -> Result<()> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .context("opening the nats log")?;
        let child = Command::new(&self.bin)
            .arg("-c")
            .arg(&self.conf)
            .envs(self.users.server_env())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .context("starting nats-server")?;
        self.child = Some(child);
        for _ in 0..200 {
            if open(self.port).await {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!(
            "nats-server did not come up on 127.0.0.1:{} (see {})",
            self.port,
            self.log.display()
        )
    }

    /// Stops the server (SIGTERM, so JetStream flushes what it acknowledged), leaves it down for
    /// `down`, and starts it again on the same port and store.
    pub async fn restart(&mut self, down: Duration) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            if let Some(pid) = child.id() {
                let _ = std::process::Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status();
            }
            if tokio::time::timeout(Duration::from_secs(15), child.wait())
                .await
                .is_err()
            {
                let _ = child.kill().await;
            }
        }
        tokio::time::sleep(down).await;
        self.up().await
    }
}
