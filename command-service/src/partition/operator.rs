//! Operators' requests (`projector undo`, see `studio_schema::operator`): on each scheduler tick the
//! partition's owner turns the waiting requests for its guilds into commands, decides them with what
//! the clock made due, and writes each answer into its request once the decision is committed.
//!
//! A request is decided under its own id, so a crash between the commit and the answer only delays
//! the answer: the next tick decides it again, finds it recorded, and answers with the recorded
//! outcome.

use super::batch::Worker;
use crate::domain::{Command, Import, ImportFile, Outcome, Undo, UndoTarget};
use crate::writer::{GuildPlan, Pending, Settled};
use chrono::{DateTime, Utc};
use studio_schema::operator::{self, Request};
use studio_schema::{GuildId, UserId};
use tracing::warn;
use twilight_model::http::interaction::InteractionResponse;
use uuid::Uuid;

/// A request being decided, by the command id it is decided under.
pub(super) struct Asked {
    id: Uuid,
    command_id: String,
}

/// Adds the waiting requests for this partition's guilds to `groups`; the requests added.
pub(super) async fn gather(
    worker: &mut Worker<'_>,
    groups: &mut Vec<(GuildId, Vec<Pending>)>,
    now: DateTime<Utc>,
) -> Vec<Asked> {
    let pool = worker.shared.pool.clone();
    let waiting = match operator::waiting(&pool).await {
        Ok(waiting) => waiting,
        Err(err) => {
            warn!(error = %err, "operators' requests not read; the next tick retries");
            return Vec::new();
        }
    };
    let number = u64::try_from(worker.partition.partition).unwrap_or(0);
    let mut asked = Vec::new();
    for w in waiting
        .into_iter()
        .filter(|w| worker.shared.subjects.partition_of(Some(w.guild.get())) == number)
    {
        let Some(request) = w.request else {
            let _ = operator::answer(
                &pool,
                w.id,
                false,
                "Studio cannot read this request: it was written by another version of `projector`.",
            )
            .await
            .inspect_err(|e| warn!(error = %e, "operator's request not answered"));
            continue;
        };
        if let Err(err) = worker.writer.load(w.guild).await {
            warn!(guild = %w.guild, error = %err, "guild not loaded; the operator's request waits");
            continue;
        }
        let command = match request {
            Request::Undo { position, reason } => {
                let target = UndoTarget::Position(position);
                let found = crate::undo::find(&pool, w.guild, &target).await;
                Command::Undo(Box::new(Undo {
                    actor: UserId::OPERATOR,
                    // The database let this login ask only because it was granted studio_operator.
                    actor_can_manage_guild: true,
                    target,
                    reason,
                    at: now,
                    found,
                    operator: Some(w.operator),
                }))
            }
            Request::Import { source, rows } => Command::Import(Box::new(Import {
                by: UserId::OPERATOR,
                // The database let this login ask only because it was granted studio_operator.
                by_can_manage_guild: true,
                file: ImportFile::Read(studio_schema::import::Read {
                    source: format!("{source}, asked by operator {}", w.operator),
                    rows,
                }),
            })),
        };
        let command_id = operator::command_id(w.id);
        let pending = Pending {
            command_id: command_id.clone(),
            actor: None,
            command,
        };
        match groups.iter_mut().find(|(g, _)| *g == w.guild) {
            Some((_, batch)) => batch.push(pending),
            None => groups.push((w.guild, vec![pending])),
        }
        asked.push(Asked {
            id: w.id,
            command_id,
        });
    }
    asked
}

/// What each request decided in `plans` is answered.
pub(super) fn answers(
    asked: &[Asked],
    groups: &[(GuildId, Vec<Pending>)],
    plans: &[GuildPlan],
) -> Vec<(Uuid, bool, String)> {
    if asked.is_empty() {
        return Vec::new();
    }
    plans
        .iter()
        .filter_map(|plan| {
            let (_, batch) = groups.iter().find(|(g, _)| *g == plan.guild)?;
            Some(batch.iter().zip(&plan.settled))
        })
        .flatten()
        .filter_map(|(pending, settled)| {
            let request = asked.iter().find(|a| a.command_id == pending.command_id)?;
            let (Settled::Decided(outcome) | Settled::Duplicate(outcome)) = settled;
            Some((
                request.id,
                !matches!(outcome, Outcome::Rejected(_)),
                plain(&crate::discord::outcome::answer(outcome, None)),
            ))
        })
        .collect()
}

/// Writes the answers; one not written is written by the next tick (from the recorded outcome).
pub(super) async fn answer(pool: &sqlx::PgPool, answers: Vec<(Uuid, bool, String)>) {
    for (id, accepted, text) in answers {
        if let Err(err) = operator::answer(pool, id, accepted, &text).await {
            warn!(%id, error = %err, "operator's request not answered; the next tick answers it");
        }
    }
}

/// The text of an answer meant for Discord, for a terminal.
fn plain(response: &InteractionResponse) -> String {
    let Some(data) = &response.data else {
        return String::new();
    };
    let mut parts: Vec<&str> = data.content.iter().map(String::as_str).collect();
    for embed in data.embeds.iter().flatten() {
        parts.extend(embed.title.as_deref());
        parts.extend(embed.description.as_deref());
    }
    parts.join("\n")
}
