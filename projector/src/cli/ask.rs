//! Asking the command service for something only it may decide (`studio_schema::operator`), and
//! waiting for its answer: `projector undo` and `projector import`.

use anyhow::Context;
use std::time::{Duration, Instant};
use studio_schema::GuildId;
use studio_schema::operator::{self, Request};
use uuid::Uuid;

/// How often the answer is looked for.
const POLL: Duration = Duration::from_millis(200);

/// Records `request` for `guild` as this login and prints the answer; `Ok(false)` when refused.
///
/// # Errors
/// The request could not be recorded (not an operator's login, database away), or it was not
/// answered within `wait` seconds (it stays asked, and is decided when a command service owns the
/// guild).
pub async fn ask(guild: u64, request: &Request, wait: u64) -> anyhow::Result<bool> {
    let pool = studio_schema::config::operator_pool(" (a login granted studio_operator)").await?;
    let id = Uuid::now_v7();
    operator::ask(&pool, id, GuildId::from_u64(guild), request)
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
