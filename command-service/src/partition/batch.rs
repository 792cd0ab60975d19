//! Applying a batch of a partition's dispatches: read each, decide the commands guild by guild, and
//! commit the events, processed commands, outbox and new position in one transaction; then hand the
//! outbox to the dispatcher.
//!
//! A transient failure (Postgres or NATS away) is retried in place, so nothing overtakes anything. A
//! dispatch that can never be committed (input Postgres cannot hold) is found by applying the batch one
//! dispatch at a time, then rejected on its own with a clear answer; the partition moves on.

use super::{Lost, Shared};
use crate::answer::{self, DEFER_AFTER};
use crate::config::{Failpoint, POISON_MARK};
use crate::domain::{Command, Commission, ImportFile, Outcome};
use crate::intake::{self, Asker, Incoming, ReplyTo};
use crate::outbox::dispatch::{CLAIM, Dispatcher, Job};
use crate::outbox::{self, Effect, Reply, WhenLate};
use crate::tally::Verdict;
use crate::writer::{GuildPlan, Pending, Settled, Writer};
use async_nats::jetstream::Message;
use async_nats::jetstream::stream::RawMessageErrorKind;
use chrono::Utc;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Duration;
use studio_schema::commit::{self, Batch, Reject};
use studio_schema::intake::{self as positions, Partition};
use studio_schema::notice::SeqNotice;
use studio_schema::{GuildId, UserId};
use tracing::{error, warn};
use twilight_model::application::interaction::Interaction;

/// The guild of a refusal that came from outside any guild (a DM).
const NO_GUILD: GuildId = GuildId(0);

/// One dispatch of the batch, as the intake read it.
#[derive(Clone, Debug)]
enum Item {
    Command {
        guild: GuildId,
        pending: Box<Pending>,
        reply: ReplyTo,
    },
    /// An answer that needs no decision (a refusal, a command too late to take).
    Answer {
        guild: GuildId,
        effect: Box<Effect>,
    },
    Query {
        guild: GuildId,
        reply: Reply,
        query: Box<crate::query::Query>,
    },
    Reject {
        reason: String,
    },
    Nothing,
}

#[derive(Clone, Debug)]
struct Dispatch {
    seq: u64,
    subject: String,
    item: Item,
}

/// A dispatch taken from the stream and read by the intake, before any state is looked at: pure,
/// so the read-ahead ([`super::read_ahead`]) does it while the batch before it commits.
pub(super) struct Taken {
    seq: u64,
    subject: String,
    /// The gateway's idempotency key for the dispatch (`Nats-Msg-Id`).
    command_id: Option<String>,
    /// What the intake read, or why it could not (where and what kind of error, never the text:
    /// serde quotes the offending value, and auditors read the rejections).
    read: Result<Incoming, String>,
}

impl Taken {
    pub(super) fn read(message: &Message) -> Self {
        let info = message.info().ok();
        let seq = info.as_ref().map_or(0, |i| i.stream_sequence);
        // When JetStream stored it: the gateway's receive time, decided once for the command.
        let received_at = info
            .as_ref()
            .and_then(|i| i64::try_from(i.published.unix_timestamp_nanos()).ok())
            .map_or_else(Utc::now, chrono::DateTime::from_timestamp_nanos);
        let subject = message.subject.to_string();
        let event_type = subject.rsplit('.').next().unwrap_or_default();
        let command_id = message
            .headers
            .as_ref()
            .and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID))
            .map(|v| v.as_str().to_owned());
        let read = intake::read(event_type, &message.payload, received_at).map_err(|err| {
            format!(
                "undecodable {event_type}: {:?} error at line {} column {}",
                err.classify(),
                err.line(),
                err.column()
            )
        });
        Self {
            seq,
            subject,
            command_id,
            read,
        }
    }
}

/// The owner's working parts for one partition.
pub(super) struct Worker<'a> {
    pub shared: &'a Shared,
    pub partition: &'a Partition,
    pub writer: Writer,
    /// The last stream sequence committed.
    pub position: u64,
    pub dispatcher: Dispatcher,
}

/// Why a commit failed.
enum CommitError {
    Fence(GuildId),
    Duplicate,
    Lost,
    /// Deterministic: retrying cannot help.
    Poison(String),
    /// Postgres is away or overloaded: retry in place.
    Unavailable(String),
}

fn classify(err: &sqlx::Error) -> CommitError {
    let deterministic = err
        .as_database_error()
        .and_then(|db| db.code())
        .is_some_and(|code| code.starts_with("22") || code.starts_with("54"));
    if deterministic {
        CommitError::Poison(err.to_string())
    } else {
        CommitError::Unavailable(err.to_string())
    }
}

impl From<commit::CommitError> for CommitError {
    fn from(err: commit::CommitError) -> Self {
        match err {
            commit::CommitError::Fence(guild) => Self::Fence(guild),
            commit::CommitError::Duplicate => Self::Duplicate,
            commit::CommitError::Lost => Self::Lost,
            commit::CommitError::Encode(e) => Self::Poison(e.to_string()),
            commit::CommitError::Database(e) => classify(&e),
        }
    }
}

impl Worker<'_> {
    /// Records, loudly, that the stream no longer holds dispatches the partition has not applied, and
    /// moves the position past them so the gap is recorded once.
    ///
    /// The stream keeps dispatches [`studio_schema::subjects::GATEWAY_RETENTION`], so this happens
    /// after an outage longer than that. A stream whose every dispatch expired reports no messages
    /// and its first sequence just after its last: that is a gap too. A new stream's first sequence
    /// is 0.
    pub async fn check_retention(&mut self) {
        let Ok(info) = self.shared.stream.get_info().await else {
            return;
        };
        let first = info.state.first_sequence;
        if first > self.position + 1 {
            let n = self
                .shared
                .answerer
                .metrics
                .rejected
                .fetch_add(1, Ordering::Relaxed)
                + 1;
            error!(partition = %self.partition, position = self.position, first,
                   intake_rejected_total = n,
                   "the stream no longer holds dispatches after this partition's position (retention \
                    passed): any of this partition's among them were never applied");
            let reason = format!(
                "retention: stream sequences {}..{} were gone before this partition applied them",
                self.position + 1,
                first - 1
            );
            if let Ok(mut tx) = self.shared.pool.begin().await
                && positions::reject(&mut tx, self.partition, first - 1, None, &reason)
                    .await
                    .is_ok()
                && matches!(
                    positions::advance(&mut tx, self.partition, self.position, first - 1).await,
                    Ok(true)
                )
                && tx.commit().await.is_ok()
            {
                self.position = first - 1;
            }
        }
    }

    /// Moves the position up to the stream's last sequence when none of this partition's dispatches
    /// lie after it: the ones in between belong to other partitions. The position then means
    /// "everything of this partition up to here is applied", so the next owner of a quiet partition
    /// does not take other partitions' dispatches that retention removed for its own lost ones.
    ///
    /// # Errors
    /// [`Lost::Fenced`]: another owner moved the position; [`Lost::Stream`]: the stream's retention
    /// passed the position.
    pub async fn catch_up(&mut self, filter: &str) -> Result<(), Lost> {
        let Ok(info) = self.shared.stream.get_info().await else {
            return Ok(());
        };
        let (first, last) = (info.state.first_sequence, info.state.last_sequence);
        if first > self.position + 1 {
            // This owner fell further behind than the retention (Postgres slow for minutes, or the
            // process stalled): dispatches it has not read may be gone, and the consumer would read
            // on past them without a word. Give the partition up: taking it again records the gap
            // (check_retention) and reads on from what is left.
            warn!(partition = %self.partition, position = self.position, first,
                  "the stream's retention passed this partition's position while it was owned");
            return Err(Lost::Stream(format!(
                "retention passed position {} (the stream starts at {first})",
                self.position
            )));
        }
        if last <= self.position {
            return Ok(());
        }
        // One of its own after the position (on its way to this owner), or the stream cannot tell:
        // the position stays.
        match self
            .shared
            .stream
            .raw_message_builder()
            .sequence(self.position + 1)
            .next_by_subject(filter)
            .send()
            .await
        {
            Err(err) if matches!(err.kind(), RawMessageErrorKind::NoMessageFound) => {}
            _ => return Ok(()),
        }
        let Ok(mut tx) = self.shared.pool.begin().await else {
            return Ok(());
        };
        match positions::advance(&mut tx, self.partition, self.position, last).await {
            Ok(true) => {
                if tx.commit().await.is_ok() {
                    self.position = last;
                }
                Ok(())
            }
            Ok(false) => Err(Lost::Fenced),
            Err(_) => Ok(()),
        }
    }

    /// Applies a batch taken from the stream, in order.
    pub async fn apply(&mut self, taken: Vec<Taken>) -> Result<(), Lost> {
        let mut batch: Vec<Dispatch> = taken.into_iter().map(|t| self.read(t)).collect();
        self.gather_role_facts(&mut batch).await;
        self.gather_undone(&mut batch).await;
        self.gather_uploads(&mut batch).await;
        self.settle(batch).await
    }

    /// Reads from the log the action each undo of the batch names (its events and the settings
    /// before it), so the decider stays pure. An undo whose action could not be read keeps none,
    /// and the rule refuses it.
    async fn gather_undone(&self, batch: &mut [Dispatch]) {
        for dispatch in batch.iter_mut() {
            let Item::Command { guild, pending, .. } = &mut dispatch.item else {
                continue;
            };
            let Command::Undo(undo) = &mut pending.command else {
                continue;
            };
            undo.found = crate::undo::find(&self.shared.pool, *guild, &undo.target).await;
        }
    }

    /// Fetches and reads the file each import of the batch names, so the decider stays pure. An
    /// import whose file could not be fetched or read keeps why, and the rule refuses it. Only an
    /// admin's import is fetched: anyone else's is refused without Studio fetching anything.
    async fn gather_uploads(&self, batch: &mut [Dispatch]) {
        for dispatch in batch.iter_mut() {
            let Item::Command { pending, .. } = &mut dispatch.item else {
                continue;
            };
            let Command::Import(import) = &mut pending.command else {
                continue;
            };
            let can = import.by_can_manage_guild;
            let ImportFile::Upload(upload) = &mut import.file else {
                continue;
            };
            if !can || upload.read.is_some() {
                continue;
            }
            let limit = studio_schema::import::MAX_FILE_BYTES;
            upload.read = Some(
                if usize::try_from(upload.size).map_or(true, |s| s > limit) {
                    Err(format!("the file is larger than {limit} bytes"))
                } else {
                    self.shared
                        .uploads
                        .fetch(&upload.url, limit)
                        .await
                        .and_then(|bytes| {
                            studio_schema::import::read(upload.format, &upload.filename, &bytes)
                                .map_err(|e| e.to_string())
                        })
                },
            );
        }
    }

    /// Asks Discord about the roles of each guild whose settings command changes a role Studio
    /// hands out, once per guild and all at once ([`crate::discord::role_facts::WITHIN`] at most),
    /// and gives each such command what Discord said. A command Discord said nothing for keeps no
    /// facts, and the rule refuses it.
    async fn gather_role_facts(&self, batch: &mut [Dispatch]) {
        let mut guilds: Vec<GuildId> = Vec::new();
        for (guild, _) in role_changes(batch) {
            if !guilds.contains(&guild) {
                guilds.push(guild);
            }
        }
        if guilds.is_empty() {
            return;
        }
        let facts = self.shared.role_facts.gather_all(&guilds).await;
        for (guild, wanted) in role_changes(batch) {
            wanted.guild = facts
                .iter()
                .find(|(g, _)| *g == guild)
                .and_then(|(_, f)| f.clone());
        }
    }

    fn read(&self, taken: Taken) -> Dispatch {
        let item = match taken.read {
            Err(reason) => Item::Reject { reason },
            Ok(incoming) => self.item(incoming, taken.command_id),
        };
        Dispatch {
            seq: taken.seq,
            subject: taken.subject,
            item,
        }
    }

    fn item(&self, incoming: Incoming, command_id: Option<String>) -> Item {
        match incoming {
            Incoming::Ignore => Item::Nothing,
            Incoming::Unreadable { id, token, command } => Item::Answer {
                guild: NO_GUILD,
                effect: Box::new(Effect::Answer {
                    reply: Reply {
                        id,
                        token,
                        member: None,
                        deferred: false,
                    },
                    response: Box::new(crate::discord::render::ephemeral(&format!(
                        "❌ I could not read that command: an option is not what Studio asked for.\n{}",
                        command.as_deref().map_or_else(
                            || "Please try again from Discord's command menu.".to_owned(),
                            crate::discord::help::usage
                        )
                    ))),
                    when_late: WhenLate::Drop,
                    code: None,
                }),
            },
            Incoming::Refuse {
                interaction,
                reason,
            } => Item::Answer {
                guild: guild_of(&interaction),
                effect: Box::new(Effect::Answer {
                    reply: Reply::to(&interaction, false),
                    response: Box::new(crate::discord::render::ephemeral(&reason)),
                    when_late: WhenLate::Drop,
                    code: None,
                }),
            },
            Incoming::Query {
                guild,
                interaction,
                query,
            } => {
                if answer::is_stale(&self.shared.answerer.metrics, &interaction) {
                    Item::Nothing
                } else {
                    Item::Query {
                        guild,
                        reply: Reply::to(&interaction, false),
                        query: Box::new(query),
                    }
                }
            }
            Incoming::Command {
                guild,
                own_id,
                mut command,
                reply,
            } => {
                match &mut command {
                    Command::Commission(Commission::Deliver {
                        review_window: window,
                        ..
                    }) => *window = self.shared.review_window,
                    Command::Commission(Commission::Offer { deadline_day, .. }) => {
                        *deadline_day = self.shared.day;
                    }
                    Command::Market(crate::domain::Market::Renew { day, .. }) => {
                        *day = self.shared.day;
                    }
                    _ => {}
                }
                if let ReplyTo::Interaction(Asker { interaction: i, .. }) = &reply
                    && answer::is_stale(&self.shared.answerer.metrics, i)
                {
                    // Too late to answer: not carried out, and the member is told so.
                    return Item::Answer {
                        guild,
                        effect: Box::new(Effect::Answer {
                            reply: Reply::to(i, true),
                            response: Box::new(crate::discord::render::ephemeral(
                                "⏱️ Studio could not take that command in time, so nothing was done. Please try again.",
                            )),
                            when_late: WhenLate::TellByDm,
                            code: None,
                        }),
                    };
                }
                let Some(command_id) = own_id.or(command_id) else {
                    return Item::Reject {
                        reason: "a command without a Nats-Msg-Id".into(),
                    };
                };
                let actor = match &reply {
                    ReplyTo::Interaction(asker) => asker
                        .interaction
                        .author_id()
                        .map(|a| UserId::from_u64(a.get())),
                    _ => None,
                };
                Item::Command {
                    guild,
                    pending: Box::new(Pending {
                        command_id,
                        actor,
                        command,
                    }),
                    reply,
                }
            }
        }
    }

    /// Commits a batch, retrying in place through outages; splits it to find a poisoned dispatch.
    async fn settle(&mut self, mut batch: Vec<Dispatch>) -> Result<(), Lost> {
        let Some(to) = batch.iter().map(|d| d.seq).max() else {
            return Ok(());
        };
        self.defer_late(&mut batch, DEFER_AFTER).await;
        let mut recorded: HashMap<String, Outcome> = HashMap::new();
        let mut pause = Duration::from_millis(100);
        loop {
            let groups = self.groups(&batch);
            if let Err(err) = self.load(&groups).await {
                warn!(error = %err, "guild not loaded; retrying");
                self.pause(&mut batch, &mut pause).await;
                continue;
            }
            let started = std::time::Instant::now();
            let plans = self.writer.plan(&groups, &recorded, Utc::now());
            let effects = self.effects(&batch, &plans);
            let rejects: Vec<(u64, &str, &str)> = batch
                .iter()
                .filter_map(|d| match &d.item {
                    Item::Reject { reason } => Some((d.seq, d.subject.as_str(), reason.as_str())),
                    _ => None,
                })
                .collect();
            match self.commit(to, &plans, &effects, &rejects).await {
                Ok(ids) => {
                    count_decided(
                        &self.shared.answerer.metrics,
                        &groups,
                        &plans,
                        started.elapsed(),
                    );
                    self.committed(to, plans, effects, ids, rejects.len()).await;
                    return Ok(());
                }
                Err(CommitError::Fence(guild)) => {
                    tracing::info!(%guild, "fence tripped: another writer appended; catching up");
                    if self.writer.catch_up(guild).await.is_err() {
                        self.writer.forget(guild);
                    }
                }
                Err(CommitError::Duplicate) => {
                    tracing::info!("batch holds commands decided before; using their outcomes");
                    let ids: Vec<String> = groups
                        .iter()
                        .flat_map(|(_, p)| p.iter().map(|p| p.command_id.clone()))
                        .collect();
                    match self.writer.recorded(&ids).await {
                        Ok(found) => recorded.extend(found),
                        Err(err) => {
                            warn!(error = %err, "recorded outcomes unreadable; retrying");
                            self.pause(&mut batch, &mut pause).await;
                        }
                    }
                }
                Err(CommitError::Lost) => return Err(Lost::Fenced),
                Err(CommitError::Poison(why)) if batch.len() > 1 => {
                    warn!(partition = %self.partition, error = %why,
                          "batch cannot be committed; applying its dispatches one at a time");
                    for dispatch in batch {
                        Box::pin(self.settle(vec![dispatch])).await?;
                    }
                    return Ok(());
                }
                Err(CommitError::Poison(why)) => {
                    let dispatch = batch.remove(0);
                    return self.reject_poisoned(dispatch, &why).await;
                }
                Err(CommitError::Unavailable(why)) => {
                    warn!(partition = %self.partition, error = %why, "batch not committed; retrying in place");
                    self.pause(&mut batch, &mut pause).await;
                }
            }
        }
    }

    async fn load(
        &mut self,
        groups: &[(GuildId, Vec<Pending>)],
    ) -> Result<(), crate::writer::WriteError> {
        self.writer.restore().await?;
        for (guild, _) in groups {
            self.writer.load(*guild).await?;
        }
        Ok(())
    }

    /// Waits before another attempt; members still waiting are told "thinking…" first.
    async fn pause(&self, batch: &mut [Dispatch], pause: &mut Duration) {
        self.defer_late(batch, Duration::ZERO).await;
        tokio::time::sleep(*pause).await;
        *pause = (*pause * 2).min(Duration::from_secs(5));
    }

    /// Defers the answer of every interaction older than `after`, so it can be answered late.
    async fn defer_late(&self, batch: &mut [Dispatch], after: Duration) {
        let answerer = &self.shared.answerer;
        let deferrals = batch.iter_mut().filter_map(|d| match &mut d.item {
            Item::Command { reply, .. } => match reply {
                ReplyTo::Interaction(asker) if answer::age(&asker.interaction) > after => {
                    Some(reply)
                }
                _ => None,
            },
            _ => None,
        });
        let deferrals = deferrals.map(|reply| async move {
            if let ReplyTo::Interaction(asker) = reply
                && answerer.defer(&asker.interaction).await
            {
                *reply = ReplyTo::Deferred(asker.clone());
            }
        });
        futures_util::future::join_all(deferrals).await;
    }

    /// The commands of the batch per guild, guilds in order of first appearance.
    fn groups(&self, batch: &[Dispatch]) -> Vec<(GuildId, Vec<Pending>)> {
        let mut groups: Vec<(GuildId, Vec<Pending>)> = Vec::new();
        for d in batch {
            if let Item::Command { guild, pending, .. } = &d.item {
                match groups.iter_mut().find(|(g, _)| g == guild) {
                    Some((_, list)) => list.push(pending.as_ref().clone()),
                    None => groups.push((*guild, vec![pending.as_ref().clone()])),
                }
            }
        }
        groups
    }

    /// Every answer and side effect of the batch, in order.
    fn effects(&self, batch: &[Dispatch], plans: &[GuildPlan]) -> Vec<(GuildId, Effect)> {
        let mut next: HashMap<GuildId, usize> = HashMap::new();
        let mut effects = Vec::new();
        for d in batch {
            match &d.item {
                Item::Command { guild, reply, .. } => {
                    let Some(plan) = plans.iter().find(|p| p.guild == *guild) else {
                        continue;
                    };
                    let n = next.entry(*guild).or_default();
                    let Some(settled) = plan.settled.get(*n) else {
                        continue;
                    };
                    *n += 1;
                    effects.extend(
                        command_effects(*guild, reply, settled)
                            .into_iter()
                            .map(|e| (*guild, e)),
                    );
                }
                Item::Answer { guild, effect } => effects.push((*guild, effect.as_ref().clone())),
                Item::Query {
                    guild,
                    reply,
                    query,
                } => {
                    let head = plans
                        .iter()
                        .find(|p| p.guild == *guild)
                        .map(|p| p.working.last_seq)
                        .or_else(|| self.writer.known_head(*guild))
                        .unwrap_or(0);
                    effects.push((
                        *guild,
                        Effect::Query {
                            guild: *guild,
                            head,
                            reply: reply.clone(),
                            query: query.clone(),
                        },
                    ));
                }
                Item::Reject { .. } | Item::Nothing => {}
            }
        }
        effects
    }

    async fn commit(
        &self,
        to: u64,
        plans: &[GuildPlan],
        effects: &[(GuildId, Effect)],
        rejects: &[(u64, &str, &str)],
    ) -> Result<Vec<i64>, CommitError> {
        let guilds: Vec<_> = plans.iter().filter_map(GuildPlan::append).collect();
        if self.shared.failpoint == Failpoint::PoisonMarked
            && guilds.iter().any(|g| marked(g.events))
        {
            return Err(CommitError::Poison("failpoint: a marked event".to_owned()));
        }
        let rejects: Vec<_> = rejects
            .iter()
            .map(|&(seq, subject, reason)| Reject {
                seq,
                subject,
                reason,
            })
            .collect();
        let rows: Vec<_> = effects.iter().map(|(g, e)| e.row(*g)).collect();
        let batch = Batch {
            partition: self.partition,
            from: self.position,
            to,
            guilds: &guilds,
            rejects: &rejects,
            effects: &rows,
            claim: CLAIM,
        };
        let mut conn = self.shared.pool.acquire().await.map_err(|e| classify(&e))?;
        Ok(commit::commit(&mut conn, &batch, &self.shared.answerer.sealer).await?)
    }

    /// After a commit: the states move on, the effects go out, the projector wakes.
    async fn committed(
        &mut self,
        to: u64,
        plans: Vec<GuildPlan>,
        effects: Vec<(GuildId, Effect)>,
        ids: Vec<i64>,
        rejected: usize,
    ) {
        self.position = to;
        let metrics = &self.shared.answerer.metrics;
        let duplicates = plans
            .iter()
            .flat_map(|p| &p.settled)
            .filter(|s| matches!(s, Settled::Duplicate(_)))
            .count();
        metrics
            .duplicates
            .fetch_add(duplicates as u64, Ordering::Relaxed);
        if rejected > 0 {
            let n = metrics
                .rejected
                .fetch_add(rejected as u64, Ordering::Relaxed)
                + rejected as u64;
            warn!(partition = %self.partition, rejected, intake_rejected_total = n,
                  "dispatches rejected and moved past (see intake_rejected)");
        }
        let heads: Vec<(GuildId, i64, bool)> = plans
            .iter()
            .map(|p| (p.guild, p.working.last_seq, !p.events.is_empty()))
            .collect();
        let appended = heads.iter().any(|(_, _, a)| *a);
        let answers = effects
            .iter()
            .any(|(_, e)| matches!(e, Effect::Answer { .. }));
        match self.shared.failpoint {
            Failpoint::AfterAppend if appended => crash("after a commit"),
            Failpoint::BeforeAnswer if answers => crash("before sending a committed answer"),
            _ => {}
        }
        self.writer.adopt(plans);
        for (id, (_, effect)) in ids.into_iter().zip(effects) {
            self.dispatcher.push(Job {
                id,
                effect,
                attempts: 0,
            });
        }
        for (guild, head, appended) in heads {
            if appended {
                self.notify(guild, head).await;
            }
        }
    }

    /// Rejects a dispatch that can never be committed, alone: recorded for operators, and its member
    /// told it could not be recorded.
    async fn reject_poisoned(&mut self, dispatch: Dispatch, why: &str) -> Result<(), Lost> {
        error!(partition = %self.partition, seq = dispatch.seq, subject = %dispatch.subject,
               error = %why, "dispatch cannot be recorded; rejected");
        let effects: Vec<(GuildId, Effect)> = match &dispatch.item {
            Item::Command {
                guild,
                reply: ReplyTo::Interaction(asker) | ReplyTo::Deferred(asker),
                ..
            } => vec![(
                *guild,
                Effect::Answer {
                    reply: Reply::to(
                        &asker.interaction,
                        matches!(
                            dispatch.item,
                            Item::Command {
                                reply: ReplyTo::Deferred(_),
                                ..
                            }
                        ),
                    ),
                    response: Box::new(crate::discord::render::ephemeral(
                        "❌ Studio cannot record that: it holds something Studio cannot store. Nothing was done.",
                    )),
                    when_late: WhenLate::TellByDm,
                    code: None,
                },
            )],
            _ => Vec::new(),
        };
        let reason = format!("cannot be recorded: {why}");
        let rejects = [(dispatch.seq, dispatch.subject.as_str(), reason.as_str())];
        let mut pause = Duration::from_millis(100);
        loop {
            match self.commit(dispatch.seq, &[], &effects, &rejects).await {
                Ok(ids) => {
                    self.committed(dispatch.seq, Vec::new(), effects, ids, 1)
                        .await;
                    return Ok(());
                }
                Err(CommitError::Lost) => return Err(Lost::Fenced),
                Err(_) => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    /// Decides what the clock made due (escrows whose review window passed) in the partition's
    /// guilds, and what operators asked for them.
    pub async fn run_due(&mut self) -> Result<(), Lost> {
        let now = Utc::now();
        if let Err(err) = self.writer.restore().await {
            warn!(error = %err, "guilds not loaded again; the next tick retries");
            return Ok(());
        }
        let mut groups = self.writer.due(now, self.shared.day);
        self.read_heads(&mut groups).await;
        self.settle_due(groups, now).await
    }

    /// Decides what operators asked for the partition's guilds (checked more often than the clock's
    /// due commands: an operator is waiting).
    pub async fn run_asked(&mut self) -> Result<(), Lost> {
        self.settle_due(Vec::new(), Utc::now()).await
    }

    async fn settle_due(
        &mut self,
        mut groups: Vec<(GuildId, Vec<Pending>)>,
        now: chrono::DateTime<Utc>,
    ) -> Result<(), Lost> {
        let asked = super::operator::gather(self, &mut groups, now).await;
        if groups.is_empty() {
            return Ok(());
        }
        let mut recorded = HashMap::new();
        for _ in 0..4 {
            if let Err(err) = self.writer.restore().await {
                warn!(error = %err, "guilds not loaded again; the next tick retries");
                return Ok(());
            }
            let started = std::time::Instant::now();
            let plans = self.writer.plan(&groups, &recorded, now);
            let effects: Vec<(GuildId, Effect)> = plans
                .iter()
                .flat_map(|p| {
                    p.settled.iter().flat_map(move |s| match s {
                        Settled::Decided(o) => outbox::for_outcome(p.guild, None, o)
                            .into_iter()
                            .map(|e| (p.guild, e))
                            .collect(),
                        Settled::Duplicate(_) => Vec::new(),
                    })
                })
                .collect();
            match self.commit(self.position, &plans, &effects, &[]).await {
                Ok(ids) => {
                    count_decided(
                        &self.shared.answerer.metrics,
                        &groups,
                        &plans,
                        started.elapsed(),
                    );
                    let answers = super::operator::answers(&asked, &groups, &plans);
                    let to = self.position;
                    self.committed(to, plans, effects, ids, 0).await;
                    super::operator::answer(&self.shared.pool, answers).await;
                    return Ok(());
                }
                Err(CommitError::Lost) => return Err(Lost::Fenced),
                Err(CommitError::Fence(guild)) => {
                    if self.writer.catch_up(guild).await.is_err() {
                        self.writer.forget(guild);
                    }
                }
                Err(CommitError::Duplicate) => {
                    let ids: Vec<String> = groups
                        .iter()
                        .flat_map(|(_, p)| p.iter().map(|p| p.command_id.clone()))
                        .collect();
                    if let Ok(found) = self.writer.recorded(&ids).await {
                        recorded.extend(found);
                    }
                }
                Err(CommitError::Poison(why) | CommitError::Unavailable(why)) => {
                    warn!(error = %why, "due commands not settled; the next tick retries");
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Reads from the log the hash of each chain head due to be posted, so the decider stays pure. A
    /// head whose hash could not be read is left for the next tick.
    async fn read_heads(&self, groups: &mut Vec<(GuildId, Vec<Pending>)>) {
        for (guild, pending) in groups.iter_mut() {
            let mut kept = Vec::with_capacity(pending.len());
            for mut p in std::mem::take(pending) {
                if let Command::PublishHead { seq, hash } = &mut p.command {
                    match studio_schema::log::hash_at(&self.shared.pool, *guild, *seq).await {
                        Ok(Some(h)) => *hash = Some(h),
                        Ok(None) => continue,
                        Err(err) => {
                            warn!(%guild, error = %err, "chain head not read; the next tick retries");
                            continue;
                        }
                    }
                }
                kept.push(p);
            }
            *pending = kept;
        }
        groups.retain(|(_, pending)| !pending.is_empty());
    }

    /// Wakes the projector; a lost notice only delays it until its next poll.
    async fn notify(&self, guild: GuildId, last_seq: i64) {
        let notice = SeqNotice {
            guild_id: guild,
            last_seq,
        };
        if let Ok(body) = serde_json::to_vec(&notice)
            && let Err(err) = self
                .shared
                .nats
                .publish(self.shared.subjects.appended_notice(), body.into())
                .await
        {
            warn!(error = %err, "append notice not published");
        }
    }
}

/// The settings commands of the batch that change a role Studio hands out, with their guilds.
fn role_changes(
    batch: &mut [Dispatch],
) -> impl Iterator<Item = (GuildId, &mut crate::rules::roles::RoleFacts)> {
    batch.iter_mut().filter_map(|d| match &mut d.item {
        Item::Command { guild, pending, .. } => match &mut pending.command {
            Command::ChangeSettings {
                role_facts: Some(facts),
                ..
            } => Some((*guild, facts.as_mut())),
            _ => None,
        },
        _ => None,
    })
}

/// Counts the commands a committed batch decided (not those settled before: duplicates), by kind
/// and outcome, and how long their decision took to become durable.
fn count_decided(
    metrics: &answer::Metrics,
    groups: &[(GuildId, Vec<Pending>)],
    plans: &[GuildPlan],
    took: Duration,
) {
    let mut decided = 0;
    for plan in plans {
        let Some((_, pending)) = groups.iter().find(|(g, _)| *g == plan.guild) else {
            continue;
        };
        for (pending, settled) in pending.iter().zip(&plan.settled) {
            let verdict = match settled {
                Settled::Decided(Outcome::Rejected(_)) => Verdict::Refused,
                Settled::Decided(_) => Verdict::Accepted,
                Settled::Duplicate(_) => continue,
            };
            metrics.decided.add(pending.command.kind(), verdict);
            decided += 1;
        }
    }
    metrics.decision_to_durable.record_many(took, decided);
}

/// Whether `events` hold [`POISON_MARK`] (for [`Failpoint::PoisonMarked`] only).
fn marked(events: &[studio_schema::log::NewEvent]) -> bool {
    events
        .iter()
        .any(|e| serde_json::to_string(&e.event).is_ok_and(|text| text.contains(POISON_MARK)))
}

fn crash(where_: &str) -> ! {
    warn!("failpoint: crashing {where_}");
    std::process::abort();
}

fn guild_of(interaction: &Interaction) -> GuildId {
    interaction
        .guild_id
        .map_or(NO_GUILD, |g| GuildId::from_u64(g.get()))
}

/// What a settled command does on Discord: its answer and side effects. A duplicate does nothing:
/// the outbox of its first decision answers it.
fn command_effects(guild: GuildId, reply: &ReplyTo, settled: &Settled) -> Vec<Effect> {
    let Settled::Decided(outcome) = settled else {
        return Vec::new();
    };
    match reply {
        ReplyTo::Interaction(asker) | ReplyTo::Deferred(asker) => {
            let deferred = matches!(reply, ReplyTo::Deferred(_));
            let mut response = crate::discord::outcome::answer(outcome, asker.command);
            if let Some(admin) = asker.interaction.author_id() {
                response = crate::discord::undo::with_button(
                    response,
                    outcome,
                    asker.interaction.id.get(),
                    UserId::from_u64(admin.get()),
                );
            }
            let mut effects = vec![Effect::Answer {
                reply: Reply::to(&asker.interaction, deferred),
                response: Box::new(response),
                when_late: WhenLate::TellByDm,
                code: outbox::CodeRef::purchased(guild, outcome),
            }];
            effects.extend(outbox::for_outcome(guild, None, outcome));
            effects
        }
        ReplyTo::Channel(channel) => match outcome {
            Outcome::MessageRewarded { .. } | Outcome::Rejoined { .. } => {
                outbox::for_outcome(guild, Some(channel.get()), outcome)
            }
            _ => Vec::new(),
        },
        ReplyTo::Nobody => match outcome {
            Outcome::Rejoined { .. } | Outcome::RankUp { .. } => {
                outbox::for_outcome(guild, None, outcome)
            }
            _ => Vec::new(),
        },
    }
}
