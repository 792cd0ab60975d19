//! The single writer of each guild: decides a batch of commands one after another against the
//! guild's in-memory state and appends everything they produce in one transaction (group commit).
//!
//! Deciding is pure ([`Writer::plan`]); the caller appends the plans in its own transaction (with the
//! intake's position and the outbox) and hands them back with [`Writer::adopt`] once committed. On a
//! fence failure the caller [`Writer::catch_up`]s and plans again; on a duplicate command it plans again
//! with the [`Writer::recorded`] outcomes. Nothing on this path reads Postgres except loading a guild and
//! recovering from those failures; every statement it runs is `studio_schema::log`'s.
//!
//! A plan decides on the guild's state itself, moved out of the writer, not on a copy: copying the
//! state of a guild of 100 000 members took ~8 ms, paid by every batch before its first decision. A
//! guild whose plan is not adopted (its commit failed) is *lent* until [`Writer::restore`] loads it
//! again from its snapshot and the log, which every attempt to decide calls first.

use crate::domain::{Command, GuildState, Outcome, decide, published_code};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use std::collections::{HashMap, HashSet};
use studio_schema::GuildId;
use studio_schema::commit::GuildAppend;
use studio_schema::content::{self, Content};
use studio_schema::log::{self, AppendError, CommandRecord, NewEvent, ReadError};
use tracing::info;

/// Events read per query while loading a guild.
const LOAD_PAGE: i64 = 10_000;

/// A command to decide, with the id of the Discord object that caused it.
#[derive(Clone, Debug)]
pub struct Pending {
    pub command_id: String,
    pub actor: Option<studio_schema::UserId>,
    pub command: Command,
}

/// How a command was settled.
#[derive(Clone, Debug, PartialEq)]
pub enum Settled {
    /// Decided now; its events (if any) are committed.
    Decided(Outcome),
    /// Decided before (a redelivery, a resume, another writer): its recorded outcome.
    Duplicate(Outcome),
}

/// Why a batch could not be settled; its messages are redelivered later.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Append(#[from] AppendError),
    #[error("event log unavailable: {0}")]
    Database(#[from] sqlx::Error),
    #[error("guild {0} kept changing under this writer; will retry")]
    TooContended(GuildId),
}

/// The in-memory state of every guild this process writes.
pub struct Writer {
    pool: PgPool,
    guilds: HashMap<GuildId, GuildState>,
    /// Events after which a guild's state is snapshotted again (0: never).
    snapshot_every: i64,
    /// The position of each guild's latest snapshot (read or taken) this writer knows.
    snapshotted: HashMap<GuildId, i64>,
    /// Guilds whose state is in a plan not adopted yet: loaded again by [`Writer::restore`].
    lent: HashSet<GuildId>,
}

impl Writer {
    #[must_use]
    pub fn new(pool: PgPool, snapshot_every: i64) -> Self {
        Self {
            pool,
            guilds: HashMap::new(),
            snapshot_every,
            snapshotted: HashMap::new(),
            lent: HashSet::new(),
        }
    }

    /// The guild's head as this writer knows it (loading the guild if needed).
    ///
    /// # Errors
    /// The log cannot be read.
    pub async fn head(&mut self, guild: GuildId) -> Result<i64, WriteError> {
        Ok(self.state(guild).await?.last_seq)
    }

    async fn state(&mut self, guild: GuildId) -> Result<&mut GuildState, WriteError> {
        if !self.guilds.contains_key(&guild) {
            let mut state = crate::snapshots::load(&self.pool, guild)
                .await
                .unwrap_or_else(|| GuildState::new(guild));
            let snapshot = state.last_seq;
            catch_up(&self.pool, &mut state).await?;
            info!(%guild, seq = state.last_seq, from_snapshot = snapshot,
                  members = state.members.len(), "guild loaded");
            self.guilds.insert(guild, state);
            self.lent.remove(&guild);
            self.snapshotted.insert(guild, snapshot);
            self.snapshot_if_due(guild);
        }
        self.guilds
            .get_mut(&guild)
            .ok_or(WriteError::TooContended(guild))
    }

    /// Loads every guild the log knows that `owns` accepts, so the scheduler sees their deadlines
    /// from the start (not only once a member acts again). Returns how many were loaded.
    ///
    /// # Errors
    /// The log cannot be read.
    pub async fn load_known(
        &mut self,
        owns: impl Fn(GuildId) -> bool,
    ) -> Result<usize, WriteError> {
        let mut loaded = 0;
        for guild in log::guilds(&self.pool)
            .await?
            .into_iter()
            .filter(|g| owns(*g))
        {
            self.state(guild).await?;
            loaded += 1;
        }
        Ok(loaded)
    }

    /// Loads again every guild whose plan was not adopted (its commit failed): the state it was
    /// decided on is gone with the plan. Call before deciding or asking what is due.
    ///
    /// # Errors
    /// The log cannot be read; the guilds not loaded stay lent.
    pub async fn restore(&mut self) -> Result<(), WriteError> {
        let lent: Vec<GuildId> = self.lent.iter().copied().collect();
        for guild in lent {
            self.state(guild).await?;
        }
        Ok(())
    }

    /// The commands the clock has made due in each loaded guild at `now`.
    #[must_use]
    pub fn due(&self, now: DateTime<Utc>, day: chrono::TimeDelta) -> Vec<(GuildId, Vec<Pending>)> {
        self.guilds
            .iter()
            .filter_map(|(guild, state)| {
                let due: Vec<Pending> = crate::domain::due(state, now, day)
                    .into_iter()
                    .map(|(command_id, command)| Pending {
                        command_id,
                        actor: None,
                        command,
                    })
                    .collect();
                (!due.is_empty()).then_some((*guild, due))
            })
            .collect()
    }

    /// The guild's head, if this writer holds it.
    #[must_use]
    pub fn known_head(&self, guild: GuildId) -> Option<i64> {
        self.guilds.get(&guild).map(|s| s.last_seq)
    }

    /// Loads `guild` from the log if this writer does not hold it yet.
    ///
    /// # Errors
    /// The log cannot be read.
    pub async fn load(&mut self, guild: GuildId) -> Result<(), WriteError> {
        self.state(guild).await.map(|_| ())
    }

    /// Reads what other writers appended to `guild` since this writer's state (after a fence trip).
    ///
    /// # Errors
    /// The log cannot be read.
    pub async fn catch_up(&mut self, guild: GuildId) -> Result<(), WriteError> {
        let pool = self.pool.clone();
        let state = self.state(guild).await?;
        catch_up(&pool, state).await?;
        Ok(())
    }

    /// Forgets a guild (its state is suspect after a failed write); [`Writer::restore`] loads it
    /// again.
    pub fn forget(&mut self, guild: GuildId) {
        self.guilds.remove(&guild);
        self.snapshotted.remove(&guild);
        self.lent.insert(guild);
    }

    /// Snapshots the guild's state when its log grew by `snapshot_every` events since its last
    /// snapshot. Only a committed state is ever snapshotted (a loaded or an adopted one).
    fn snapshot_if_due(&mut self, guild: GuildId) {
        let (Some(state), Some(last)) = (self.guilds.get(&guild), self.snapshotted.get_mut(&guild))
        else {
            return;
        };
        if self.snapshot_every > 0 && state.last_seq - *last >= self.snapshot_every {
            *last = state.last_seq;
            crate::snapshots::take(self.pool.clone(), state.clone());
        }
    }

    /// Decides each guild's commands in order (one entry per guild) on its state (loaded beforehand
    /// with [`Writer::load`]), which moves into the plan: the guild is lent until the plan is
    /// [`Writer::adopt`]ed or the guild [`Writer::restore`]d. `recorded` holds the outcomes of
    /// commands decided before. No I/O.
    #[must_use]
    pub fn plan(
        &mut self,
        groups: &[(GuildId, Vec<Pending>)],
        recorded: &HashMap<String, Outcome>,
        now: DateTime<Utc>,
    ) -> Vec<GuildPlan> {
        groups
            .iter()
            .filter_map(|(guild, batch)| {
                let state = self.guilds.remove(guild)?;
                self.lent.insert(*guild);
                let expected = state.last_seq;
                let decided = decide_batch(state, batch, recorded, now);
                Some(GuildPlan {
                    guild: *guild,
                    expected,
                    working: decided.working,
                    events: decided.events,
                    contents: decided.contents,
                    records: decided.records,
                    settled: decided.settled,
                })
            })
            .collect()
    }

    /// Appends every guild's plan inside the caller's transaction, with the code its listings
    /// published (kept apart from the log). A partition's batch commits through
    /// [`studio_schema::commit`] instead, in one statement; this form leaves the transaction to the
    /// caller, as the writer's tests need to model a commit that fails.
    ///
    /// # Errors
    /// A guild's fence tripped, a command was decided before, or the log is unavailable.
    pub async fn append(
        tx: &mut PgConnection,
        plans: &[GuildPlan],
        sealer: &content::Sealer,
    ) -> Result<(), AppendError> {
        for append in plans.iter().filter_map(GuildPlan::append) {
            log::append_in(
                tx,
                append.guild,
                append.expected,
                append.events,
                append.commands,
            )
            .await?;
            content::store(tx, sealer, append.contents).await?;
        }
        Ok(())
    }

    /// Takes the plans' states as the guilds' own once their transaction committed.
    pub fn adopt(&mut self, plans: Vec<GuildPlan>) {
        for plan in plans {
            let guild = plan.guild;
            self.guilds.insert(guild, plan.working);
            self.lent.remove(&guild);
            self.snapshot_if_due(guild);
        }
    }

    /// The outcomes recorded for `command_ids` by earlier decisions.
    ///
    /// # Errors
    /// The database is unreachable.
    pub async fn recorded(
        &self,
        command_ids: &[String],
    ) -> Result<HashMap<String, Outcome>, WriteError> {
        Ok(log::processed_outcomes(&self.pool, command_ids)
            .await?
            .into_iter()
            .map(|(id, (outcome, _))| {
                let outcome = serde_json::from_value(outcome).unwrap_or(Outcome::Recorded);
                (id, outcome)
            })
            .collect())
    }
}

/// One guild's decisions in a batch, ready to append.
#[derive(Debug)]
pub struct GuildPlan {
    pub guild: GuildId,
    /// The head the append expects (the fence).
    pub expected: i64,
    /// The guild's state after the batch.
    pub working: GuildState,
    pub events: Vec<NewEvent>,
    /// The code the batch's listings published, stored with their events.
    pub contents: Vec<Content>,
    pub records: Vec<CommandRecord>,
    /// One per pending command, in order.
    pub settled: Vec<Settled>,
}

impl GuildPlan {
    /// What the plan appends to the log; `None` when it decided nothing (no event, no command).
    #[must_use]
    pub fn append(&self) -> Option<GuildAppend<'_>> {
        (!(self.events.is_empty() && self.records.is_empty())).then_some(GuildAppend {
            guild: self.guild,
            expected: self.expected,
            events: &self.events,
            commands: &self.records,
            contents: &self.contents,
        })
    }
}

/// What deciding a batch gives, before it is a plan.
struct Decided {
    working: GuildState,
    events: Vec<NewEvent>,
    contents: Vec<Content>,
    records: Vec<CommandRecord>,
    settled: Vec<Settled>,
}

/// Decides every command of the batch on the state, in order. Pure.
fn decide_batch(
    mut working: GuildState,
    batch: &[Pending],
    recorded: &HashMap<String, Outcome>,
    now: DateTime<Utc>,
) -> Decided {
    let mut events = Vec::new();
    let mut contents = Vec::new();
    let mut records = Vec::new();
    let mut settled = Vec::with_capacity(batch.len());
    let mut in_batch: HashMap<&str, usize> = HashMap::new();
    for pending in batch {
        if let Some(outcome) = recorded.get(&pending.command_id) {
            settled.push(Settled::Duplicate(outcome.clone()));
            continue;
        }
        if let Some(&first) = in_batch.get(pending.command_id.as_str()) {
            let outcome = match &settled[first] {
                Settled::Decided(o) | Settled::Duplicate(o) => o.clone(),
            };
            settled.push(Settled::Duplicate(outcome));
            continue;
        }
        in_batch.insert(&pending.command_id, settled.len());
        let outcome = match decide(&working, &pending.command, now) {
            Ok((new, outcome)) => {
                contents.extend(published_code(working.guild, &pending.command, &new));
                for event in new {
                    let seq = working.last_seq + 1;
                    working.apply(seq, &event);
                    events.push(NewEvent {
                        event,
                        actor_id: pending.actor,
                        causation_id: pending.command_id.clone(),
                        occurred_at: now,
                    });
                }
                outcome
            }
            Err(rejection) => Outcome::Rejected(rejection),
        };
        records.push(CommandRecord {
            command_id: pending.command_id.clone(),
            outcome: serde_json::to_value(&outcome).unwrap_or(serde_json::Value::Null),
            last_seq: working.last_seq,
        });
        settled.push(Settled::Decided(outcome));
    }
    Decided {
        working,
        events,
        contents,
        records,
        settled,
    }
}

/// Folds the guild's events after its head into the state.
async fn catch_up(pool: &PgPool, state: &mut GuildState) -> Result<(), ReadError> {
    loop {
        let page = log::read_guild(pool, state.guild, state.last_seq, LOAD_PAGE).await?;
        let full = i64::try_from(page.len()).unwrap_or(0) == LOAD_PAGE;
        for recorded in &page {
            state.apply(recorded.guild_seq, &recorded.event);
        }
        if !full {
            return Ok(());
        }
    }
}
