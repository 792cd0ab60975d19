//! `projector undo`: an operator asks the command service to undo an admin action, and waits for its
//! answer. The command service decides it like an admin's `/undo` (the same rules, refusals and
//! compensating events); the log's `ActionUndone` names the operator's login.

use studio_schema::operator::Request;

/// Asks for the undo of the action at `position` in `guild`; `Ok(false)` when it was refused.
///
/// # Errors
/// See [`super::ask::ask`].
pub async fn run(guild: u64, position: i64, reason: String, wait: u64) -> anyhow::Result<bool> {
    anyhow::ensure!(!reason.trim().is_empty(), "--reason must say why");
    super::ask::ask(guild, &Request::Undo { position, reason }, wait).await
}
