//! Answering `/settings … preview:true`: the guild's log folded into shadow state under the
//! proposed rules ([`studio_model::preview`]), answered privately. It reads the log and writes
//! nothing.

use super::Answerer;
use crate::discord::render;
use crate::rules::settings;
use chrono::Utc;
use studio_model::preview;
use studio_schema::GuildId;
use studio_schema::log::{self, ReadError, RecordedEvent};
use studio_schema::settings::SettingsChange;
use tracing::warn;
use twilight_model::http::interaction::InteractionResponse;

/// Events read from the log at a time.
const PAGE: i64 = 10_000;

impl Answerer {
    /// What `change` would change in `guild` now, for the admin who asked.
    pub(super) async fn preview(
        &self,
        guild: GuildId,
        change: &SettingsChange,
    ) -> InteractionResponse {
        let events = match read_all(&self.pool, guild).await {
            Ok(events) => events,
            Err(err) => {
                warn!(error = %err, %guild, "log unavailable for a preview");
                return render::ephemeral(
                    "Studio could not read its log just now — please try again.",
                );
            }
        };
        let mut rules = studio_model::settings::Settings::default();
        for e in &events {
            rules.evolve(&e.event);
        }
        if let Err(refusal) = settings::check(&rules, change) {
            return render::ephemeral(&format!("❌ {refusal}"));
        }
        let timed = events.iter().map(|e| (e.occurred_at, &e.event));
        let p = preview::preview(timed, change, Utc::now());
        render::ephemeral(&format!(
            "🔍 **Preview** (nothing has changed; run the command without `preview` to make it)\n{}\n{}",
            settings::describe(change),
            preview::text(&p, &|m| format!("<@{m}>"))
        ))
    }
}

/// Every event of `guild`, in order.
async fn read_all(pool: &sqlx::PgPool, guild: GuildId) -> Result<Vec<RecordedEvent>, ReadError> {
    let mut events = Vec::new();
    loop {
        let after = events.last().map_or(0, |e: &RecordedEvent| e.guild_seq);
        let page = log::read_guild(pool, guild, after, PAGE).await?;
        let full = i64::try_from(page.len()).unwrap_or(0) == PAGE;
        events.extend(page);
        if !full {
            return Ok(events);
        }
    }
}
