//! `projector audit export`: a guild's event log as JSON Lines that can be verified offline, without
//! the database, and its ledger as CSV for spreadsheets. Each export ends with a trailer (events,
//! chain head) so a copy that lost or changed a line fails [`verify`].
//!
//! A JSON Lines record is one event with every field its hash covers, the payload as the exact text
//! Postgres renders (what the chain hashed); the last line is `{"trailer": …}`.

use crate::Error;
use crate::audit::each_link;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use std::io::{BufRead, Write};
use studio_schema::audit::Audit;
use studio_schema::chain::{self, Chain, Link};
use studio_schema::log::RecordedEvent;
use studio_schema::{Event, GuildId, UserId};
use uuid::Uuid;

/// One event of an export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub position: i64,
    pub guild_id: i64,
    pub guild_seq: i64,
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: i32,
    /// The payload's JSON, as the exact text the chain hashed.
    pub payload: String,
    pub actor_id: Option<i64>,
    pub causation_id: String,
    pub occurred_micros: i64,
    pub hash: String,
}

/// What an export holds, stated at its end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trailer {
    pub guild_id: i64,
    pub events: i64,
    pub head_seq: i64,
    pub head: String,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Line {
    Trailer { trailer: Trailer },
    Event(Record),
}

/// Writes `guild`'s log to `out` as JSON Lines, calling `progress` with the events written so far.
///
/// # Errors
/// The log is unavailable, or `out` cannot be written.
pub async fn jsonl(
    pool: &PgPool,
    guild: GuildId,
    out: &mut impl Write,
    mut progress: impl FnMut(u64),
) -> Result<Trailer, Error> {
    let mut chain = Chain::new(guild);
    each_link(pool, guild, |link| {
        chain.check(link);
        let record = Record {
            position: link.position,
            guild_id: guild.0,
            guild_seq: link.guild_seq,
            event_id: link.event_id,
            event_type: link.event_type.clone(),
            schema_version: link.schema_version,
            payload: link.payload.clone(),
            actor_id: link.actor_id,
            causation_id: link.causation_id.clone(),
            occurred_micros: link.occurred_micros,
            hash: chain::hex(&link.hash),
        };
        write_line(out, &Line::Event(record))?;
        if chain.events % 1_000 == 0 {
            progress(u64::try_from(chain.events).unwrap_or(0));
        }
        Ok(())
    })
    .await?;
    progress(u64::try_from(chain.events).unwrap_or(0));
    let trailer = Trailer {
        guild_id: guild.0,
        events: chain.events,
        head_seq: chain.head.as_ref().map_or(0, |(seq, _)| *seq),
        head: chain.head_hex(),
    };
    write_line(
        out,
        &Line::Trailer {
            trailer: trailer.clone(),
        },
    )?;
    Ok(trailer)
}

fn write_line(out: &mut impl Write, line: &Line) -> Result<(), Error> {
    let text = serde_json::to_string(line).map_err(|e| Error::Usage(e.to_string()))?;
    writeln!(out, "{text}").map_err(|e| Error::Usage(format!("writing the export: {e}")))
}

/// Writes `guild`'s ledger to `out` as CSV (one row per posting), then its trailer as `#` lines.
///
/// # Errors
/// The log is unavailable or holds an undecodable event, or `out` cannot be written.
pub async fn ledger_csv(
    pool: &PgPool,
    guild: GuildId,
    out: &mut impl Write,
) -> Result<Trailer, Error> {
    let io = |e: std::io::Error| Error::Usage(format!("writing the export: {e}"));
    writeln!(
        out,
        "guild_seq,occurred_at,event_type,account,amount,actor_id,causation_id"
    )
    .map_err(io)?;
    let mut chain = Chain::new(guild);
    each_link(pool, guild, |link| {
        chain.check(link);
        let event = recorded(guild, link)?;
        for p in event.event.postings() {
            writeln!(
                out,
                "{},{},{},{},{},{},{}",
                event.guild_seq,
                event.occurred_at.to_rfc3339(),
                link.event_type,
                p.account,
                p.amount.0,
                link.actor_id.map(|a| a.to_string()).unwrap_or_default(),
                csv_field(&link.causation_id)
            )
            .map_err(io)?;
        }
        Ok(())
    })
    .await?;
    let head_seq = chain.head.as_ref().map_or(0, |(seq, _)| *seq);
    writeln!(
        out,
        "# guild {} events {} chain head {}:{}:{}",
        guild,
        chain.events,
        guild,
        head_seq,
        chain.head_hex()
    )
    .map_err(io)?;
    Ok(Trailer {
        guild_id: guild.0,
        events: chain.events,
        head_seq,
        head: chain.head_hex(),
    })
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The event a chain link records.
fn recorded(guild: GuildId, link: &Link) -> Result<RecordedEvent, Error> {
    let payload: serde_json::Value = serde_json::from_str(&link.payload).map_err(|e| {
        Error::Usage(format!(
            "guild_seq {}: payload is not JSON: {e}",
            link.guild_seq
        ))
    })?;
    let event = Event::decode(&link.event_type, link.schema_version, payload)
        .map_err(|e| Error::Usage(format!("guild_seq {}: {e}", link.guild_seq)))?;
    let at = chrono::DateTime::from_timestamp_micros(link.occurred_micros).unwrap_or_default();
    Ok(RecordedEvent {
        position: link.position,
        guild_id: guild,
        guild_seq: link.guild_seq,
        event_id: link.event_id,
        event,
        actor_id: link.actor_id.map(UserId),
        causation_id: link.causation_id.clone(),
        occurred_at: at,
        recorded_at: at,
    })
}

/// What checking an export found.
#[derive(Debug)]
pub struct Checked {
    pub chain: Chain,
    pub audit: Audit,
    pub trailer: Option<Trailer>,
    /// Anything else wrong: unreadable lines, a trailer that does not match, lines after it.
    pub problems: Vec<String>,
}

impl Checked {
    /// Whether the export is whole: chain, ledger and trailer.
    #[must_use]
    pub fn sound(&self) -> bool {
        self.chain.sound()
            && self.problems.is_empty()
            && self.audit.violations.is_empty()
            && self.audit.total() == 0
    }
}

/// Checks a JSON Lines export without the database: the chain recomputed from its records, the
/// ledger from their payloads, and the trailer against both. `heads` are heads kept elsewhere.
#[must_use]
pub fn verify(input: impl BufRead, heads: Vec<(i64, Vec<u8>)>) -> Checked {
    let mut checked: Option<Checked> = None;
    let mut problems = Vec::new();
    let mut trailer = None;
    for (n, line) in input.lines().enumerate() {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                problems.push(format!("line {}: unreadable: {e}", n + 1));
                break;
            }
        };
        if trailer.is_some() {
            problems.push(format!("line {}: after the trailer", n + 1));
            continue;
        }
        match serde_json::from_str::<Line>(&line) {
            Ok(Line::Trailer { trailer: t }) => trailer = Some(t),
            Ok(Line::Event(r)) => {
                let guild = GuildId(r.guild_id);
                let c = checked.get_or_insert_with(|| Checked {
                    chain: Chain::new(guild).expecting(heads.clone()),
                    audit: Audit::new(guild),
                    trailer: None,
                    problems: Vec::new(),
                });
                let link = Link {
                    position: r.position,
                    guild_seq: r.guild_seq,
                    event_id: r.event_id,
                    event_type: r.event_type,
                    schema_version: r.schema_version,
                    payload: r.payload,
                    actor_id: r.actor_id,
                    causation_id: r.causation_id,
                    occurred_micros: r.occurred_micros,
                    hash: studio_schema::hex::decode(&r.hash).unwrap_or_default(),
                };
                c.chain.check(&link);
                match recorded(guild, &link) {
                    Ok(event) => c.audit.check(&event),
                    Err(e) => problems.push(e.to_string()),
                }
            }
            Err(e) => problems.push(format!("line {}: not an export record: {e}", n + 1)),
        }
    }
    let mut checked = checked.unwrap_or_else(|| Checked {
        chain: Chain::new(GuildId(
            trailer.as_ref().map_or(0, |t: &Trailer| t.guild_id),
        )),
        audit: Audit::new(GuildId(0)),
        trailer: None,
        problems: Vec::new(),
    });
    checked.chain.finish();
    match &trailer {
        None => problems.push("no trailer: the export is cut short".into()),
        Some(t) => {
            let head_seq = checked.chain.head.as_ref().map_or(0, |(seq, _)| *seq);
            if t.events != checked.chain.events
                || t.head_seq != head_seq
                || t.head != checked.chain.head_hex()
            {
                problems.push(format!(
                    "the trailer says {} events up to {}:{}, the records give {} up to {}:{}",
                    t.events,
                    t.head_seq,
                    t.head,
                    checked.chain.events,
                    head_seq,
                    checked.chain.head_hex()
                ));
            }
        }
    }
    checked.trailer = trailer;
    checked.problems.extend(problems);
    checked
}
