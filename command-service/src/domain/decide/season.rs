//! Seasons: an admin starts the next one. Nothing is reset: the season's leaderboard counts the XP
//! earned after its start in the log, and all-time XP keeps everything.

use super::Decision;
use super::credits::text;
use crate::domain::{GuildState, Outcome, Rejection};
use crate::rules::season as rules;
use chrono::{DateTime, Utc};
use studio_model::season::Season;
use studio_schema::{Event, UserId};

pub(super) fn start(
    state: &GuildState,
    actor: UserId,
    actor_can_manage_guild: bool,
    name: &str,
    now: DateTime<Utc>,
) -> Decision {
    if !actor_can_manage_guild {
        return Err(Rejection::AdminOnly);
    }
    let name = text(name, "The season's name", rules::NAME_CHARS)?;
    let season = Season::next(state.season.as_ref());
    Ok((
        vec![Event::SeasonStarted {
            season,
            name: name.clone(),
            by: actor,
            at: now,
        }],
        Outcome::SeasonStarted { season, name },
    ))
}
