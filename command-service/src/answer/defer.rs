//! Discord's window for an answer, and deferral: telling Discord the answer is coming (a private
//! "thinking…") so a slow batch cannot make it late.

use super::{Answerer, Metrics};
use crate::outbox::send::{ALREADY_ACKNOWLEDGED, Original, api_code};
use chrono::Utc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tracing::warn;
use twilight_model::application::interaction::Interaction;
use twilight_util::snowflake::Snowflake;

/// Discord invalidates an interaction not answered within 3 s. Studio answers only when it can
/// still do so with margin for the REST call.
pub const ANSWER_DEADLINE: Duration = Duration::from_millis(2_800);
/// A command older than this when its batch is settled is deferred first (Discord shows "thinking…"
/// and the token stays valid for 15 minutes), so a slow batch cannot make its answer late.
pub const DEFER_AFTER: Duration = Duration::from_millis(1_200);

/// How long ago Discord created the interaction (from its snowflake).
#[must_use]
pub fn age(interaction: &Interaction) -> Duration {
    let created_ms = interaction.id.timestamp();
    let now_ms = Utc::now().timestamp_millis();
    Duration::from_millis(u64::try_from(now_ms - created_ms).unwrap_or(0))
}

/// Whether the interaction is too old to answer; counts it if so.
pub fn is_stale(metrics: &Metrics, interaction: &Interaction) -> bool {
    let stale = age(interaction) > ANSWER_DEADLINE;
    if stale {
        let n = metrics.stale_interactions.fetch_add(1, Ordering::Relaxed) + 1;
        warn!(interaction = %interaction.id, stale_interactions_total = n,
              "interaction older than Discord's 3 s window: dropped unanswered");
    }
    stale
}

impl Answerer {
    /// Tells Discord the answer is coming (a private "thinking…"); whether it is now deferred. An
    /// interaction an earlier life of this service already deferred counts as deferred.
    pub async fn defer(&self, interaction: &Interaction) -> bool {
        if is_stale(&self.metrics, interaction) {
            return false;
        }
        // An earlier life of this service may have deferred it already: a second deferral would be
        // a second answer to Discord.
        if matches!(
            self.original(&interaction.token).await,
            Ok(Original::Thinking | Original::Answered)
        ) {
            return true;
        }
        let response = crate::discord::mentions::thinking();
        let result = self
            .http
            .interaction(self.application_id)
            .create_response(interaction.id, &interaction.token, &response)
            .await;
        match result {
            Ok(_) => true,
            Err(err) => {
                let acknowledged = api_code(&err) == Some(ALREADY_ACKNOWLEDGED);
                if !acknowledged {
                    warn!(interaction = %interaction.id, error = %err, "deferral failed");
                }
                acknowledged
            }
        }
    }
}
