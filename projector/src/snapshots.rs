//! Auditing the command service's snapshots (`guild_snapshots`): each one is checked against a fresh
//! fold of its guild's log up to its position, with the same state and encoding the command service
//! starts from (`studio_model::snapshot`). A snapshot that does not match would make the command
//! service decide on a state the log does not give; it is reported, never trusted.

use sqlx::PgPool;
use studio_model::decision::GuildState;
use studio_model::snapshot::{self, FORMAT};
use studio_schema::GuildId;
use studio_schema::log::{self, ReadError};
use studio_schema::snapshots;

/// Events read per query while folding.
const PAGE: i64 = 10_000;

/// What one snapshot's check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub guild: GuildId,
    pub last_seq: i64,
    pub finding: Finding,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// Its hash is the hash of a fresh fold of the log to its position.
    Matches,
    /// Written in another format: the command service does not read it, so it is not checked.
    OtherFormat(i32),
    /// The log has no event at its position, or that event's hash changed since the snapshot.
    OtherLog,
    /// Its bytes do not match its own hash.
    Altered,
    /// Its hash is not the fresh fold's.
    Differs,
}

impl Finding {
    /// Whether the snapshot is one the command service may start from.
    #[must_use]
    pub fn sound(&self) -> bool {
        matches!(self, Self::Matches | Self::OtherFormat(_))
    }
}

/// Checks every stored snapshot.
///
/// # Errors
/// The database is unreachable or the log cannot be read.
pub async fn verify(pool: &PgPool) -> Result<Vec<Checked>, ReadError> {
    let mut checked = Vec::new();
    for (row, same_log) in snapshots::all(pool).await? {
        let guild = GuildId(row.guild_id);
        let finding = if row.format != FORMAT {
            Finding::OtherFormat(row.format)
        } else if same_log != Some(true) {
            Finding::OtherLog
        } else if snapshot::hash(&row.state).as_slice() != row.state_hash {
            Finding::Altered
        } else {
            let fresh = fold(pool, guild, row.last_seq).await?;
            let matches =
                snapshot::encode(&fresh).is_ok_and(|e| e.hash.as_slice() == row.state_hash);
            if matches {
                Finding::Matches
            } else {
                Finding::Differs
            }
        };
        checked.push(Checked {
            guild,
            last_seq: row.last_seq,
            finding,
        });
    }
    Ok(checked)
}

/// The guild's decision state folded from its log's first event to `to_seq`.
async fn fold(pool: &PgPool, guild: GuildId, to_seq: i64) -> Result<GuildState, ReadError> {
    let mut state = GuildState::new(guild);
    while state.last_seq < to_seq {
        let page = log::read_guild(
            pool,
            guild,
            state.last_seq,
            PAGE.min(to_seq - state.last_seq),
        )
        .await?;
        if page.is_empty() {
            break;
        }
        for recorded in &page {
            state.apply(recorded.guild_seq, &recorded.event);
        }
    }
    Ok(state)
}

/// One line per snapshot, for `projector audit verify`.
#[must_use]
pub fn render(checked: &[Checked]) -> String {
    let mut out = String::new();
    for c in checked {
        let what = match &c.finding {
            Finding::Matches => "matches a fresh fold of the log".to_owned(),
            Finding::OtherFormat(f) => {
                format!("format {f}, not read by this version (not checked)")
            }
            Finding::OtherLog => {
                "FINDING: the log's event at its position is not the one it was taken at".to_owned()
            }
            Finding::Altered => "FINDING: its bytes were altered since it was taken".to_owned(),
            Finding::Differs => "FINDING: it differs from a fresh fold of the log".to_owned(),
        };
        out.push_str(&format!(
            "guild {} snapshot at #{}: {what}\n",
            c.guild, c.last_seq
        ));
    }
    out
}
