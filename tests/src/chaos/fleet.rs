//! The three Studio processes under fire: `gateway-worker`, `command-service` and `projector`,
//! started from the build's binaries with the run's environment, killed with SIGKILL and
//! restarted on demand, and restarted when one exits by itself (counted). Their stderr goes to one
//! log file per process in the run's folder. Each connects to NATS as its own user.

use crate::nats_users::NatsUsers;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::process::{Child, Command};

/// The processes, in the order they are started.
pub const NAMES: [&str; 3] = ["projector", "command-service", "gateway-worker"];

/// One process slot.
struct Slot {
    name: &'static str,
    child: Option<Child>,
    kills: usize,
    exits: usize,
}

/// The three processes of one run.
pub struct Fleet {
    bin_dir: PathBuf,
    logs: PathBuf,
    env: Vec<(String, String)>,
    users: NatsUsers,
    slots: Vec<Slot>,
}

/// The folder holding the service binaries: `STUDIO_BIN_DIR`, else the first folder above the
/// running executable that has `command-service` (target/<profile> for tests and binaries).
///
/// # Errors
/// No such folder: the binaries were not built.
pub fn find_bin_dir() -> Result<PathBuf> {
    if let Ok(dir) = std::env::var("STUDIO_BIN_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let exe = std::env::current_exe().context("locating the running executable")?;
    exe.ancestors()
        .skip(1)
        .take(3)
        .find(|d| d.join("command-service").exists())
        .map(Path::to_path_buf)
        .with_context(|| {
            format!(
                "no command-service binary near {}: build the binaries first \
                 (`cargo build --workspace --bins`, as scripts/test and scripts/chaos do)",
                exe.display()
            )
        })
}

impl Fleet {
    /// A fleet of stopped processes, with `env` and each its NATS user of `users`.
    pub fn new(
        bin_dir: &Path,
        logs: &Path,
        env: Vec<(String, String)>,
        users: NatsUsers,
    ) -> Result<Fleet> {
        for name in NAMES {
            if !bin_dir.join(name).exists() {
                bail!("{} is missing: build the binaries first", name);
            }
        }
        std::fs::create_dir_all(logs).context("creating the logs folder")?;
        Ok(Fleet {
            bin_dir: bin_dir.to_path_buf(),
            logs: logs.to_path_buf(),
            env,
            users,
            slots: NAMES
                .iter()
                .map(|&name| Slot {
                    name,
                    child: None,
                    kills: 0,
                    exits: 0,
                })
                .collect(),
        })
    }

    /// Starts process `i` (an index into [`NAMES`]) unless it runs.
    pub fn start(&mut self, i: usize) -> Result<()> {
        let Some(slot) = self.slots.get_mut(i) else {
            bail!("no process {i}");
        };
        if slot.child.is_some() {
            return Ok(());
        }
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.logs.join(format!("{}.log", slot.name)))
            .context("opening a process log")?;
        let child = Command::new(self.bin_dir.join(slot.name))
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .envs(self.users.service_env(slot.name))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", slot.name))?;
        slot.child = Some(child);
        Ok(())
    }

    /// Starts every process that is not running.
    pub fn start_all(&mut self) -> Result<()> {
        (0..self.slots.len()).try_for_each(|i| self.start(i))
    }

    /// Kills process `i` with SIGKILL (no shutdown, no flush) and waits for it to be gone.
    pub async fn kill(&mut self, i: usize) {
        if let Some(slot) = self.slots.get_mut(i)
            && let Some(mut child) = slot.child.take()
        {
            if child.try_wait().ok().flatten().is_some() {
                // It had exited by itself: that is not a kill.
                slot.exits += 1;
            } else {
                let _ = child.kill().await;
                slot.kills += 1;
            }
        }
    }

    /// Restarts every process that exited by itself since the last look; their names.
    pub fn revive(&mut self) -> Result<Vec<&'static str>> {
        let mut revived = Vec::new();
        for i in 0..self.slots.len() {
            let slot = &mut self.slots[i];
            let exited = match slot.child.as_mut() {
                Some(child) => child.try_wait().ok().flatten().is_some(),
                None => false,
            };
            if exited {
                slot.child = None;
                slot.exits += 1;
                revived.push(slot.name);
                self.start(i)?;
            }
        }
        Ok(revived)
    }

    /// SIGKILLs per process, in [`NAMES`] order.
    pub fn kills(&self) -> Vec<(&'static str, usize)> {
        self.slots.iter().map(|s| (s.name, s.kills)).collect()
    }

    /// Exits by themselves per process, in [`NAMES`] order.
    pub fn exits(&self) -> Vec<(&'static str, usize)> {
        self.slots.iter().map(|s| (s.name, s.exits)).collect()
    }

    /// Stops every process (SIGKILL: the run is over).
    pub async fn stop_all(&mut self) {
        for slot in &mut self.slots {
            if let Some(mut child) = slot.child.take() {
                let _ = child.kill().await;
            }
        }
    }

    /// Runs `bin` (a one-shot command such as `projector replay`) with the run's environment; its
    /// stdout, or an error with its stderr.
    pub async fn run_once(&self, bin: &str, args: &[&str]) -> Result<(bool, String)> {
        let out = Command::new(self.bin_dir.join(bin))
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .await
            .with_context(|| format!("running {bin} {}", args.join(" ")))?;
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            text.push_str(&String::from_utf8_lossy(&out.stderr));
        }
        Ok((out.status.success(), text))
    }
}
