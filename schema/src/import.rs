//! Reading another bot's export, for `projector import` and an admin's `/import`: MEE6's public
//! leaderboard JSON (`{"players": [{"id": "…", "xp": …}, …]}`) or a CSV of
//! `member id, XP[, credits]` (a header row names the columns). Pure: it only parses, and names
//! the file the way the log will.

use crate::operator::ImportRow;
use serde::Deserialize;
use sha2::Digest;

/// Which bot's export a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// MEE6's public leaderboard JSON (`{"players": [{"id", "xp", …}]}`).
    Mee6,
    /// `member id, XP[, credits]` (a header row names the columns; Studio's own `/export guild` works).
    Csv,
}

impl Format {
    /// `mee6` or `csv`, as commands take it.
    #[must_use]
    pub fn parse(code: &str) -> Option<Format> {
        match code {
            "mee6" => Some(Format::Mee6),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// The most bytes an imported file may have (MEE6's largest boards are well under this).
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;

/// A file read for import: what the log will say it came from, and its rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    /// `MEE6 leaderboard levels.json (sha256 0123456789abcdef)`.
    pub source: String,
    pub rows: Vec<ImportRow>,
}

/// A file's name as Studio shows and logs it: without control characters, at most 100 of them.
#[must_use]
pub fn file_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(100).collect()
}

/// Reads `bytes`, the file `name`, as `format`.
///
/// # Errors
/// The file is too big, not UTF-8, or not in the format (see [`mee6`] and [`csv`]).
pub fn read(format: Format, name: &str, bytes: &[u8]) -> Result<Read, ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooBig);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::NotText)?;
    let rows = match format {
        Format::Mee6 => mee6(text)?,
        Format::Csv => csv(text)?,
    };
    let digest = crate::hex::encode(&sha2::Sha256::digest(bytes));
    let kind = match format {
        Format::Mee6 => "MEE6 leaderboard",
        Format::Csv => "CSV",
    };
    let name = file_name(name);
    Ok(Read {
        source: format!("{kind} {name} (sha256 {})", &digest[..16]),
        rows,
    })
}

/// Why a file cannot be imported, naming the line or entry.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    #[error("not MEE6 leaderboard JSON: {0}")]
    Json(String),
    #[error("line {line}: {why}")]
    Csv { line: usize, why: String },
    #[error("the file lists nobody")]
    Empty,
    #[error("the file is larger than {} bytes", MAX_FILE_BYTES)]
    TooBig,
    #[error("the file is not UTF-8 text")]
    NotText,
}

#[derive(Deserialize)]
struct Mee6 {
    players: Vec<Player>,
}

#[derive(Deserialize)]
struct Player {
    /// MEE6 writes ids as strings (they exceed JavaScript's integers).
    id: serde_json::Value,
    xp: i64,
}

/// The rows of a MEE6 leaderboard export.
///
/// # Errors
/// The JSON is not MEE6's shape, or an id is not a Discord id.
pub fn mee6(text: &str) -> Result<Vec<ImportRow>, ImportError> {
    let board: Mee6 = serde_json::from_str(text).map_err(|e| ImportError::Json(e.to_string()))?;
    let rows = board
        .players
        .iter()
        .map(|p| {
            let id = match &p.id {
                serde_json::Value::String(s) => s.parse::<i64>().ok(),
                serde_json::Value::Number(n) => n.as_i64(),
                _ => None,
            };
            id.filter(|id| *id > 0)
                .map(|member| ImportRow {
                    member,
                    xp: p.xp,
                    credits: 0,
                })
                .ok_or_else(|| ImportError::Json(format!("player id {} is not a Discord id", p.id)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if rows.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(rows)
}

/// The rows of a CSV of `member id, XP[, credits]`. A first line that is not numbers is a header
/// naming the columns (`user_id`/`member_id`/`id`, `xp`, `credits`; others, like the `level` of
/// `/export guild`, are ignored); without one, the columns are in that order.
///
/// # Errors
/// A line lacks a whole-number id or XP, or has a credits cell that is not one.
pub fn csv(text: &str) -> Result<Vec<ImportRow>, ImportError> {
    let mut columns = (0, 1, Some(2));
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if n == 0 && cells.iter().any(|c| c.parse::<i64>().is_err()) {
            let find = |names: &[&str]| {
                cells
                    .iter()
                    .position(|c| names.contains(&c.to_ascii_lowercase().as_str()))
            };
            columns = (
                find(&["user_id", "member_id", "id", "member"]).unwrap_or(0),
                find(&["xp"]).unwrap_or(1),
                find(&["credits"]),
            );
            continue;
        }
        let bad = || ImportError::Csv {
            line: n + 1,
            why: "expected a member id, XP and optionally credits, as whole numbers".into(),
        };
        let number = |i: usize| cells.get(i).and_then(|c| c.parse::<i64>().ok());
        let (id, xp, credits) = columns;
        rows.push(ImportRow {
            member: number(id).ok_or_else(bad)?,
            xp: number(xp).ok_or_else(bad)?,
            credits: match credits.and_then(|i| cells.get(i)) {
                Some(_) => number(credits.unwrap_or(2)).ok_or_else(bad)?,
                None => 0,
            },
        });
    }
    if rows.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_file_is_named_by_its_kind_name_and_digest() {
        let read = read(Format::Csv, "levels.csv", b"1001,300\n").expect("CSV");
        assert!(
            read.source.starts_with("CSV levels.csv (sha256 "),
            "{}",
            read.source
        );
        assert_eq!(read.rows.len(), 1);
        assert_eq!(
            super::read(Format::Mee6, "x", &[0xff, 0xfe]),
            Err(ImportError::NotText)
        );
        let big = vec![b'1'; MAX_FILE_BYTES + 1];
        assert_eq!(
            super::read(Format::Csv, "x", &big),
            Err(ImportError::TooBig)
        );
    }

    #[test]
    fn reads_mee6_leaderboards_with_string_ids() {
        let rows = mee6(
            r#"{"page": 0, "players": [{"id": "900000000000001001", "username": "ada", "xp": 1200,
               "level": 5, "message_count": 80}, {"id": 1002, "xp": 30}]}"#,
        )
        .expect("MEE6 JSON");
        assert_eq!(rows[0].member, 900_000_000_000_001_001);
        assert_eq!((rows[1].member, rows[1].xp), (1002, 30));
        assert!(mee6(r#"{"players": [{"id": "ada", "xp": 1}]}"#).is_err());
        assert_eq!(mee6(r#"{"players": []}"#), Err(ImportError::Empty));
    }

    #[test]
    fn reads_csv_by_its_header_or_in_order_and_names_a_bad_line() {
        // Studio's own `/export guild`: its level column is not credits.
        let rows = csv("user_id,xp,level\n1001,300,2\n1002, 40, 1\n").expect("CSV");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].member, rows[0].xp, rows[0].credits),
            (1001, 300, 0)
        );
        let rows = csv("1001,300,50\n").expect("CSV");
        assert_eq!(
            rows[0].credits, 50,
            "without a header, a third column is credits"
        );
        let rows = csv("xp,credits,member_id\n10,5,1001\n").expect("CSV");
        assert_eq!((rows[0].member, rows[0].xp, rows[0].credits), (1001, 10, 5));
        assert!(matches!(
            csv("1001,300\nfoo,1\n"),
            Err(ImportError::Csv { line: 2, .. })
        ));
    }
}
