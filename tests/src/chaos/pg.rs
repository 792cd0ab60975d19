//! The chaos program's own Postgres: a throwaway cluster (initdb into the run's temp folder, a free
//! port on 127.0.0.1, trust auth) that the program may crash and restart without touching the
//! shared server other tests use, and `psql` to read it.
//!
//! As root, the server-side tools run as the `postgres` user (`runuser`), as scripts/services.sh
//! does: Postgres refuses to run as root. Queries go through `psql` over TCP, so the library needs
//! no database driver.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Field and record separators in `psql` output (ASCII unit and record separators).
const FIELD: char = '\u{1f}';
const RECORD: char = '\u{1e}';

/// A private Postgres cluster; stopped (immediately) when dropped.
pub struct Postgres {
    bin: PathBuf,
    data: PathBuf,
    log: PathBuf,
    pub port: u16,
    /// Whether the tools must run as the `postgres` user (we are root).
    as_owner: bool,
}

/// The folder holding `initdb`, `pg_ctl` and `psql`: `STUDIO_PG_BIN`, else the highest
/// `/usr/lib/postgresql/<major>/bin`, else `initdb` on the PATH.
fn find_bin() -> Result<PathBuf> {
    if let Ok(dir) = std::env::var("STUDIO_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut majors: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((major, bin))
        })
        .collect();
    majors.sort();
    if let Some((_, bin)) = majors.pop() {
        return Ok(bin);
    }
    let found = Command::new("sh")
        .args(["-c", "command -v initdb"])
        .output()
        .context("looking for initdb")?;
    let path = String::from_utf8_lossy(&found.stdout).trim().to_owned();
    match Path::new(&path).parent() {
        Some(dir) if found.status.success() && !path.is_empty() => Ok(dir.to_path_buf()),
        _ => bail!("no initdb found: install postgresql or set STUDIO_PG_BIN"),
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `id -u postgres` / `id -g postgres`.
fn postgres_ids() -> Result<(u32, u32)> {
    let id = |flag: &str| -> Result<u32> {
        let out = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .context("running id")?;
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .context("no `postgres` user to run the private cluster as")
    };
    Ok((id("-u")?, id("-g")?))
}

/// Runs a command to completion; fails with its output when it fails.
fn run(cmd: &mut Command, what: &str) -> Result<()> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {what}"))?;
    if !out.status.success() {
        bail!(
            "{what} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

impl Postgres {
    /// Creates a cluster in `dir/postgres` listening on `port`, and starts it.
    pub fn create(dir: &Path, port: u16) -> Result<Postgres> {
        let bin = find_bin()?;
        let root = dir.join("postgres");
        std::fs::create_dir_all(&root).context("creating the cluster folder")?;
        let as_owner = is_root();
        if as_owner {
            let (uid, gid) = postgres_ids()?;
            std::os::unix::fs::chown(&root, Some(uid), Some(gid))
                .context("giving the cluster folder to postgres")?;
        }
        let pg = Postgres {
            data: root.join("data"),
            log: root.join("postgres.log"),
            bin,
            port,
            as_owner,
        };
        let initdb = pg.bin.join("initdb");
        let mut cmd = pg.tool(&initdb);
        cmd.arg("-D").arg(&pg.data).args([
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        ]);
        run(&mut cmd, "initdb")?;
        // fsync off: only the machine crashing could lose data, and the program only crashes
        // processes. Commits stay synchronous, so an immediate stop loses nothing committed.
        let conf = format!(
            "\n# the chaos program's private cluster\nlisten_addresses = '127.0.0.1'\nport = {port}\n\
             unix_socket_directories = ''\nmax_connections = 200\nfsync = off\n\
             full_page_writes = off\nshared_buffers = '64MB'\n"
        );
        let mut cmd = pg.tool(Path::new("sh"));
        cmd.arg("-c")
            .arg("cat >> \"$1\"")
            .arg("sh")
            .arg(pg.data.join("postgresql.conf"))
            .stdin(Stdio::piped());
        let mut child = cmd.spawn().context("writing postgresql.conf")?;
        if let Some(mut stdin) = child.stdin.take() {
            std::io::Write::write_all(&mut stdin, conf.as_bytes())
                .context("writing postgresql.conf")?;
        }
        let status = child.wait().context("writing postgresql.conf")?;
        if !status.success() {
            bail!("writing postgresql.conf failed ({status})");
        }
        pg.start()?;
        Ok(pg)
    }

    /// A command running `program` as the cluster's owner.
    fn tool(&self, program: &Path) -> Command {
        let mut cmd = if self.as_owner {
            let runuser = ["/usr/sbin/runuser", "/sbin/runuser"]
                .into_iter()
                .find(|p| Path::new(p).exists())
                .unwrap_or("runuser");
            let mut c = Command::new(runuser);
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        cmd.current_dir("/").env("LC_ALL", "C");
        cmd
    }

    /// `postgres://postgres@127.0.0.1:<port>/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start(&self) -> Result<()> {
        let mut cmd = self.tool(&self.bin.join("pg_ctl"));
        cmd.arg("start")
            .arg("-D")
            .arg(&self.data)
            .arg("-l")
            .arg(&self.log)
            .args(["-w", "-t", "60"])
            .stdout(Stdio::null());
        run(&mut cmd, "pg_ctl start")
    }

    /// Stops the server the way a crash would (`-m immediate`: no checkpoint, clients cut off).
    pub fn crash(&self) -> Result<()> {
        let mut cmd = self.tool(&self.bin.join("pg_ctl"));
        cmd.arg("stop")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "-w"])
            .stdout(Stdio::null());
        run(&mut cmd, "pg_ctl stop")
    }

    /// Crashes the server, leaves it down for `down`, and starts it again.
    pub async fn restart(&self, down: Duration) -> Result<()> {
        self.crash()?;
        tokio::time::sleep(down).await;
        self.start()
    }

    /// Runs `sql` with `psql`; the rows, each a list of fields (NULL reads as "").
    pub async fn query(&self, sql: &str) -> Result<Vec<Vec<String>>> {
        let out = tokio::process::Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .arg(format!("--field-separator={FIELD}"))
            .arg(format!("--record-separator={RECORD}"))
            .arg("-d")
            .arg(self.url())
            .arg("-c")
            .arg(sql)
            .env("PGCONNECT_TIMEOUT", "5")
            .stdin(Stdio::null())
            .output()
            .await
            .context("running psql")?;
        if !out.status.success() {
            bail!(
                "psql failed on `{sql}`: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let text = String::from_utf8_lossy(&out.stdout);
        Ok(text
            .split(RECORD)
            .map(|r| r.trim_matches('\n'))
            .filter(|r| !r.is_empty())
            .map(|r| r.split(FIELD).map(str::to_owned).collect())
            .collect())
    }

    /// The first field of the first row as a number (0 when there is no row or it is NULL).
    pub async fn scalar(&self, sql: &str) -> Result<i64> {
        let rows = self.query(sql).await?;
        match rows.first().and_then(|r| r.first()).map(|v| v.trim()) {
            None | Some("") => Ok(0),
            Some(v) => v
                .parse()
                .with_context(|| format!("`{sql}` gave {v:?}, not a number")),
        }
    }

    /// Where the server logs.
    pub fn log(&self) -> &Path {
        &self.log
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.crash();
    }
}
