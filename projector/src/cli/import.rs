//! `projector import`: an operator brings members' levels over from another bot. The file is read
//! here; the command service grants the XP (and credits) as one action that names the file, which
//! `/undo` or `projector undo` takes back whole.

use anyhow::Context;
use std::path::Path;
use studio_schema::{import, operator::Request};

/// Which bot's export the file is.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// MEE6's public leaderboard JSON (`{"players": [{"id", "xp", …}]}`).
    Mee6,
    /// `member id, XP[, credits]` (a header row names the columns; Studio's own `/export guild` works).
    Csv,
}

/// Imports `file` into `guild`; `Ok(false)` when the command service refused it.
///
/// # Errors
/// The file cannot be read or parsed, or see [`super::ask::ask`].
pub async fn run(guild: u64, format: Format, file: &Path, wait: u64) -> anyhow::Result<bool> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let name = file
        .file_name()
        .map_or_else(|| "a file".to_owned(), |n| n.to_string_lossy().into_owned());
    let format = match format {
        Format::Mee6 => import::Format::Mee6,
        Format::Csv => import::Format::Csv,
    };
    let import::Read { source, rows } = import::read(format, &name, &bytes)
        .with_context(|| format!("reading {}", file.display()))?;
    eprintln!("{} members read from {}", rows.len(), file.display());
    super::ask::ask(guild, &Request::Import { source, rows }, wait).await
}
