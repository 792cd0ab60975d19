//! `projector undo`: an operator asks the command service to undo an admin action, and waits for its
//! answer. The command service decides it like an admin's `/undo` (the same rules, refusals and
//! compensating events); the log's `ActionUndone` names the operator's login.

use anyhow::Context;
use std::time::{Duration, Instant};
use studio_schema::GuildId;
use studio_schema::operator::{self, Request};
use uuid::Uuid;

/// How often the answer is looked for.
const POLL: Duration = Duration::from_millis(200);

/// Asks for the undo of the action at `position` in `guild`; `Ok(false)` when it was refused.
///
/// # Errors
/// The request could not be recorded (not an operator's login, database away), or it was not
/// answered within `wait` (it stays asked, and is decided when a command service owns the guild).
pub async fn run(guild: u64, position: i64, reason: String, wait: u64) -> anyhow::Result<bool> {
    anyhow::ensure!(!reason.trim().is_empty(), "--reason must say why");
    let pool = studio_schema::config::operator_pool(" (a login granted studio_operator)").await?;
    let id = Uuid::now_v7();
    operator::ask(
        &pool,
        id,
        GuildId::from_u64(guild),
        &Request::Undo { position, reason },
    )
    .await
    .context("recording the request (is this login granted studio_operator?)")?;
    eprintln!("asked the command service (request {id}); waiting for its answer…");
    let deadline = Instant::now() + Duration::from_secs(wait);
    loop {
        if let Some((accepted, answer)) = operator::answer_of(&pool, id)
            .await
            .context("reading the answer")?
        {
            println!("{answer}");
            return Ok(accepted);
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "no answer within {wait} s: is a command service running? The request stays asked \
             (operator_requests.id = '{id}') and is decided when one owns the guild"
        );
        tokio::time::sleep(POLL).await;
    }
}
